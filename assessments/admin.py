from django.contrib import admin

from assessments.models import Assessment, AssessmentFile
from ogplocal.admin import SubmittedRecordAdmin


@admin.register(Assessment)
class AssessmentAdmin(SubmittedRecordAdmin):
    list_display = ("plan", "kind", "commitment", "submitted_on", "published", "published_on")
    list_filter = ("kind", "published")
    search_fields = ("plan__ref", "plan__lead_jurisdiction__name", "commitment__title")


@admin.register(AssessmentFile)
class AssessmentFileAdmin(SubmittedRecordAdmin):
    list_display = ("name", "assessment", "created_at")
    search_fields = ("name", "assessment__plan__ref")

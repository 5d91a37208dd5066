from django.contrib import admin

from ogplocal.admin import SubmittedRecordAdmin
from tracker.models import TrackerUpdate


@admin.register(TrackerUpdate)
class TrackerUpdateAdmin(SubmittedRecordAdmin):
    list_display = ("commitment", "quarter", "submitted_on", "percent", "completion")
    list_filter = ("completion", "quarter")
    search_fields = ("commitment__title", "commitment__plan__lead_jurisdiction__name")

from django.contrib import admin

from ogplocal.admin import SubmittedRecordAdmin
from tracker.models import EvidenceFile, TrackerUpdate


@admin.register(TrackerUpdate)
class TrackerUpdateAdmin(SubmittedRecordAdmin):
    list_display = ("commitment", "quarter", "submitted_on", "percent", "completion")
    list_filter = ("completion", "quarter")
    search_fields = ("commitment__title", "commitment__plan__lead_jurisdiction__name")


@admin.register(EvidenceFile)
class EvidenceFileAdmin(SubmittedRecordAdmin):
    list_display = ("original_name", "update", "content_type", "size", "uploaded_at", "removed_on")
    list_filter = ("content_type",)
    search_fields = ("original_name", "update__commitment__title")
    # The stored name and the decided type come from the upload check; they are not typed here.
    readonly_fields = ("file", "content_type", "size", "uploaded_by", "uploaded_at")

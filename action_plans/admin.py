from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from action_plans.models import ActionPlan, Endorsement, LetterOfSupport, Meeting
from ogplocal.admin import SubmittedRecordAdmin


class MeetingInline(admin.TabularInline):
    model = Meeting
    extra = 0
    can_delete = False
    fields = ("held_on", "kind", "government_participants", "non_governmental_participants")


class EndorsementInline(admin.TabularInline):
    model = Endorsement
    extra = 0
    can_delete = False
    fields = ("name", "organisation", "user", "endorsed_on")
    autocomplete_fields = ("user",)


@admin.register(ActionPlan)
class ActionPlanAdmin(SubmittedRecordAdmin):
    list_display = (
        "__str__",
        "lead_jurisdiction",
        "starts_on",
        "ends_on",
        "submitted_on",
        "review",
    )
    list_filter = ("review", "lead_jurisdiction__country")
    search_fields = ("ref", "title", "lead_jurisdiction__name")
    date_hierarchy = "starts_on"
    filter_horizontal = ("jurisdictions",)
    autocomplete_fields = ("lead_jurisdiction", "monitoring_body")
    inlines = (MeetingInline, EndorsementInline)
    fieldsets = (
        (None, {"fields": ("ref", "title", "lead_jurisdiction", "jurisdictions")}),
        (
            _("Period and submission"),
            {"fields": ("starts_on", "ends_on", "submitted_on", "submitted_by")},
        ),
        (_("Review"), {"fields": ("review", "review_comments", "reviewed_on")}),
        (_("Strategy"), {"fields": ("vision", "principles", "objectives", "engagement", "forum")}),
        (_("Monitoring"), {"fields": ("monitoring_body", "monitoring_body_endorsed_on")}),
    )


@admin.register(Meeting)
class MeetingAdmin(SubmittedRecordAdmin):
    list_display = (
        "plan",
        "held_on",
        "kind",
        "government_participants",
        "non_governmental_participants",
    )
    list_filter = ("kind",)
    search_fields = ("plan__ref", "plan__lead_jurisdiction__name")
    date_hierarchy = "held_on"


@admin.register(Endorsement)
class EndorsementAdmin(SubmittedRecordAdmin):
    list_display = ("name", "organisation", "plan", "endorsed_on")
    search_fields = ("name", "organisation", "plan__ref")


@admin.register(LetterOfSupport)
class LetterOfSupportAdmin(SubmittedRecordAdmin):
    list_display = ("jurisdiction", "plan", "signed_on", "uploaded_at")
    search_fields = ("jurisdiction__name",)

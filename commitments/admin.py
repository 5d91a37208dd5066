from django.contrib import admin

from commitments.models import (
    ChangeProposal,
    Commitment,
    CommitmentChange,
    Milestone,
    PolicyArea,
)
from ogplocal.admin import LinkedFromSubmittedAdmin, SubmittedRecordAdmin


@admin.register(PolicyArea)
class PolicyAreaAdmin(LinkedFromSubmittedAdmin):
    list_display = ("name", "code", "is_challenge_area")
    list_filter = ("is_challenge_area",)
    search_fields = ("name", "code")


class MilestoneInline(admin.TabularInline):
    model = Milestone
    extra = 0
    can_delete = False


@admin.register(Commitment)
class CommitmentAdmin(SubmittedRecordAdmin):
    list_display = ("title", "plan", "starts_on", "ends_on", "completed_on", "withdrawn_on")
    list_filter = ("policy_areas",)
    search_fields = ("title", "ref", "plan__ref", "plan__lead_jurisdiction__name")
    filter_horizontal = ("policy_areas",)
    inlines = (MilestoneInline,)


@admin.register(Milestone)
class MilestoneAdmin(SubmittedRecordAdmin):
    list_display = ("title", "commitment", "due_on", "done_on")
    search_fields = ("title", "commitment__title")


@admin.register(CommitmentChange)
class CommitmentChangeAdmin(SubmittedRecordAdmin):
    list_display = ("commitment", "changed_on", "approved_by", "approver_name")
    search_fields = ("commitment__title",)


@admin.register(ChangeProposal)
class ChangeProposalAdmin(SubmittedRecordAdmin):
    list_display = ("commitment", "proposed_on", "proposed_by", "state", "decided_by", "decided_on")
    list_filter = ("state",)
    search_fields = ("commitment__title",)

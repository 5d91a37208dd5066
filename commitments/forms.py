"""Forms of the commitment pages: they parse what was typed; the business actions decide."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from action_plans.forms import DateInput
from action_plans.models import Meeting
from commitments.changes import Approval
from commitments.content import CommitmentContent, MilestoneInput
from commitments.models import PolicyArea


class CommitmentForm(forms.Form):
    ref = forms.SlugField(
        label=_("Reference"),
        max_length=60,
        help_text=_("A short name within the plan, such as c1."),
    )
    title = forms.CharField(label=_("Title"), max_length=300)
    problem = forms.CharField(
        label=_("Problem"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status_quo = forms.CharField(
        label=_("Status quo"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    actions = forms.CharField(
        label=_("What will be done"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    objectives = forms.CharField(
        label=_("Objectives"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    lead_agency = forms.CharField(label=_("Lead agency"), max_length=200, required=False)
    partners = forms.CharField(
        label=_("Partners"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Ends on"), widget=DateInput(), help_text=_("On or before the plan's end.")
    )
    policy_areas = forms.ModelMultipleChoiceField(
        label=_("Policy areas"),
        queryset=PolicyArea.objects.order_by("-is_challenge_area", "name"),
        to_field_name="code",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def content(self, milestones: Sequence[MilestoneInput] = ()) -> CommitmentContent:
        """The cleaned content as the actions take it (policy areas by code), with `milestones`
        (`milestone_inputs` of the page's milestone rows)."""
        data = dict(self.cleaned_data)
        data["policy_areas"] = [area.code for area in data.get("policy_areas") or []]
        data["milestones"] = milestones
        return CommitmentContent.from_data(data)


class EditCommitmentForm(CommitmentForm):
    """Editing: the reference stays what it is."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["ref"]


class MilestoneForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    title = forms.CharField(label=_("Milestone"), max_length=300, required=False)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=DateInput())
    done_on = forms.DateField(label=_("Done on"), required=False, widget=DateInput())


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2)


def milestone_inputs(formset: forms.BaseFormSet[MilestoneForm]) -> list[MilestoneInput]:
    """The milestone rows with a title; an empty new row is ignored, an emptied existing one is
    refused by the action (a milestone is never deleted)."""
    rows = []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or (not data.get("title") and not data.get("id")):
            continue
        rows.append(
            MilestoneInput(
                title=data.get("title") or "",
                due_on=data.get("due_on"),
                done_on=data.get("done_on"),
                id=data.get("id"),
            )
        )
    return rows


class ApprovalForm(forms.Form):
    """An approval given outside the portal, recorded by the POC (§3.1 "Changes").

    An approval in the portal is the stakeholder's own act: they approve a proposed change from
    their account (`approve_change_proposal`); nobody records it in a stakeholder's name.
    """

    approver_name = forms.CharField(
        label=_("Approved outside the portal by"), max_length=200, required=False
    )
    evidence = forms.CharField(
        label=_("Evidence of that approval"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Where the approval is recorded: minutes, a letter, an email."),
    )
    summary = forms.CharField(
        label=_("Why it changes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def approval(self) -> Approval | None:
        data = self.cleaned_data
        if not (data.get("approver_name") or data.get("evidence")):
            return None
        return Approval(
            approver_name=data.get("approver_name") or "",
            evidence=data.get("evidence") or "",
        )


class CoCreationForm(ApprovalForm):
    """The record of a commitment added to a submitted plan: a meeting or an approval."""

    co_creation_meeting = forms.ModelChoiceField(
        label=_("Co-creation meeting"),
        queryset=Meeting.objects.none(),
        required=False,
        help_text=_(
            "A co-creation meeting with non-governmental participants held since the plan's "
            "submission; or record a stakeholder's approval given outside the portal below."
        ),
    )

    def __init__(self, *args: Any, meetings: QuerySet[Meeting], **kw: Any) -> None:
        super().__init__(*args, **kw)
        del self.fields["summary"]
        self.fields["co_creation_meeting"].queryset = meetings  # type: ignore[attr-defined]
        self.order_fields(["co_creation_meeting"])


class CompleteForm(forms.Form):
    completed_on = forms.DateField(label=_("Completed on"), widget=DateInput())


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why it can no longer be delivered"), widget=forms.Textarea(attrs={"rows": 3})
    )


class ProposalForm(forms.Form):
    """Why a change is proposed: the stakeholders read it before approving (§3.1 "Changes")."""

    summary = forms.CharField(
        label=_("Why it changes"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The stakeholders of the jurisdiction read this before they approve."),
    )


class ApproveForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class RejectForm(forms.Form):
    comment = forms.CharField(
        label=_("Why you reject it"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The Point of Contact reads it."),
    )

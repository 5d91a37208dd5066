"""Forms of the plan pages: they parse what was typed; the business actions decide (issue 4)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from action_plans.models import Meeting
from members.models import MonitoringBody
from ogplocal.exceptions import ActionRefused
from ogplocal.uploads import LETTER_OF_SUPPORT, MINUTES, UploadField


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def add_refusal(form: forms.BaseForm, refusal: ActionRefused) -> None:
    """Show an action's refusal beside the field it names, else at the top of the form."""
    field = refusal.field if refusal.field in form.fields else None
    form.add_error(field, refusal.message)


class PlanCreateForm(forms.Form):
    ref = forms.SlugField(
        label=_("Reference"),
        max_length=100,
        help_text=_("A short name used in addresses and exports, such as 2027-plan."),
    )
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Ends on"),
        widget=DateInput(),
        help_text=_(
            "With elections: at least 2 months before the end of the term. Without: the "
            "medium-term strategy period, or one to four years."
        ),
    )


class PlanEditForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(label=_("Ends on"), widget=DateInput())
    forum = forms.CharField(
        label=_("Co-creation forum"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "The space for participation: who takes part, how often it meets, how it decides "
            "(minimum requirement “Forum”)."
        ),
    )
    vision = forms.CharField(
        label=_("Long-term vision"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    principles = forms.CharField(
        label=_("Principles"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    objectives = forms.CharField(
        label=_("Objectives for the period"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    engagement = forms.CharField(
        label=_("Mechanisms for engaging non-governmental stakeholders"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    monitoring_body = forms.ModelChoiceField(
        label=_("Monitoring body"),
        queryset=MonitoringBody.objects.order_by("name"),
        required=False,
        help_text=_("The independent party that assesses the plan."),
    )
    monitoring_body_endorsed_on = forms.DateField(
        label=_("Stakeholders endorsed the monitoring body on"),
        required=False,
        widget=DateInput(),
    )


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    government_participants = forms.IntegerField(
        label=_("Government participants"), min_value=0, initial=0
    )
    non_governmental_participants = forms.IntegerField(
        label=_("Non-governmental participants"), min_value=0, initial=0
    )
    minutes = forms.CharField(
        label=_("Minutes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What was discussed and decided; or upload the minutes as a file."),
    )
    minutes_file = UploadField(label=_("Meeting record as a file"), profile=MINUTES, required=False)


class LetterOfSupportForm(forms.Form):
    file = UploadField(label=_("Letter of support"), profile=LETTER_OF_SUPPORT)
    signed_on = forms.DateField(label=_("Signed on"), required=False, widget=DateInput())


class EndorseForm(forms.Form):
    organisation = forms.CharField(label=_("Your organisation"), max_length=200, required=False)


class EndorserForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    organisation = forms.CharField(label=_("Organisation"), max_length=200)
    endorsed_on = forms.DateField(label=_("Endorsed on"), required=False, widget=DateInput())

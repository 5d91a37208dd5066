"""The Support Unit's decision forms: each parses what one business action needs, no more.

The rules about the values (dates not in the past, a granted extension's date, a short term) are
the actions' own (`ActionRefused` with the field it concerns); the forms only ask for a written
reason on every decision, so each is recorded with why (issue 6).
"""

from __future__ import annotations

import zoneinfo
from functools import cache
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from members.models import Status


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def reason_field(label: Any = None, **kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label=label or _("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=kwargs.pop(
            "help_text", _("Recorded with the decision and emailed to the Point of Contact.")
        ),
        **kwargs,
    )


class FirstPlanDeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("First plan due on"), widget=DateInput())
    reason = reason_field()


class ExtensionDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("grant", _("Grant the extension")), ("refuse", _("Refuse it"))],
        widget=forms.RadioSelect,
    )
    granted_until = forms.DateField(
        label=_("Granted until"),
        required=False,
        widget=DateInput(),
        help_text=_("When granting: the new first-plan deadline."),
    )
    reason = reason_field()


class VoluntaryInactivityDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the pause")), ("refuse", _("Refuse it"))],
        widget=forms.RadioSelect,
    )
    reason = reason_field()


class PlanReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Review"),
        choices=[("accept", _("Accept the plan")), ("return", _("Return it with comments"))],
        widget=forms.RadioSelect,
        help_text=_(
            "Returning is advisory: the submission date, the deadlines and the plan's public "
            "visibility stay as they are."
        ),
    )
    comments = reason_field(_("Comments"), help_text=_("Emailed to the Points of Contact."))


class WithdrawalDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the withdrawal")), ("refuse", _("Refuse it"))],
        widget=forms.RadioSelect,
    )
    comments = reason_field(_("Comments"))


class StatusOverrideForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status to show"),
        choices=[(s.value, s.label) for s in Status if s != Status.VOLUNTARY_INACTIVE],
    )
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Until"),
        widget=DateInput(),
        help_text=_("The last day the override shows; the rules decide again the day after."),
    )
    reason = reason_field()


class WithdrawOverrideForm(forms.Form):
    reason = reason_field()


class ReinstatementForm(forms.Form):
    reason = reason_field()


@cache
def time_zone_choices() -> list[tuple[str, str]]:
    return [(name, name) for name in sorted(zoneinfo.available_timezones())]


class NewMemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    slug = forms.SlugField(
        label=_("Address name"),
        max_length=100,
        help_text=_("Lower-case letters, digits and hyphens, as in /w/villa-example/."),
    )
    country = forms.ChoiceField(label=_("Country"), choices=[])
    time_zone = forms.ChoiceField(
        label=_("Time zone"),
        choices=[],
        help_text=_("Every date and every 'today' of the rules is taken in it."),
    )
    has_elections = forms.BooleanField(label=_("Holds elections"), required=False, initial=True)
    period_starts_on = forms.DateField(
        label=_("Term (or strategy period) starts on"),
        required=False,
        widget=DateInput(),
        help_text=_(
            "With elections: the administration's term in force. Without: the medium-term "
            "strategy period, if there is one."
        ),
    )
    period_ends_on = forms.DateField(
        label=_("Term (or strategy period) ends on"), required=False, widget=DateInput()
    )
    joined_on = forms.DateField(label=_("Joins OGP Local on"), widget=DateInput())
    first_plan_deadline = forms.DateField(
        label=_("First plan due on"),
        required=False,
        widget=DateInput(),
        help_text=_("Leave empty for the default: four months after joining."),
    )
    poc_email = forms.EmailField(
        label=_("Point of Contact's email address"),
        help_text=_("They receive an invitation, valid for 14 days."),
    )
    accept_short_term = forms.BooleanField(
        label=_("Create the member although less than 16 months of the term remain"),
        required=False,
        help_text=_(
            "OGP's eligibility criteria ask for at least 16 months left in the administration's "
            "term when a member with elections joins; tick this only after that warning."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", _("Choose a country")), *countries]  # type: ignore[attr-defined]
        self.fields["time_zone"].choices = [  # type: ignore[attr-defined]
            ("", _("Choose a time zone")),
            *time_zone_choices(),
        ]

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from members.models import User
from members.tenancy import Role


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        help_text=_(
            "Points of Contact submit plans and requests; officers edit and report; "
            "stakeholders endorse the plan and approve changes."
        ),
    )


class AcceptInvitationForm(forms.Form):
    name = forms.CharField(label=_("Your full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Choose a password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Repeat the password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(
                    first, User(email=self.email, name=cleaned.get("name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


# --- Workspace requests (issue 4, item 6) ------------------------------------------------------


class _Date(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


class ExtensionRequestForm(forms.Form):
    requested_until = forms.DateField(label=_("New first-plan deadline asked for"), widget=_Date())
    reason = forms.CharField(label=_("Why"), widget=forms.Textarea(attrs={"rows": 3}))


class VoluntaryInactivityForm(forms.Form):
    starts_on = forms.DateField(label=_("Pause from"), widget=_Date())
    ends_on = forms.DateField(label=_("Pause until"), widget=_Date())
    reason = forms.CharField(
        label=_("Why"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Voluntary inactivity is for unforeseeable events; the Support Unit decides."),
    )

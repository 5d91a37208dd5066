"""allauth's hooks: the portal is joined by invitation only."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join a jurisdiction through an invitation (members.views.accept_invitation);
        # nobody creates an account of their own.
        return False

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Straight to where the person works: their workspace when they have exactly one."""
        from members.models import Membership
        from members.tenancy import is_staff_member

        user = request.user
        # Staff without two-factor authentication too: the console sends them to set it up.
        if is_staff_member(user):
            return reverse("support_home")
        slugs = list(
            Membership.objects.filter(user_id=user.pk or 0).values_list(
                "jurisdiction__slug", flat=True
            )[:2]
        )
        if len(slugs) == 1:
            return reverse("workspace", kwargs={"slug": slugs[0]})
        return super().get_login_redirect_url(request)

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails (password reset, email confirmation) in the recipient's chosen
        language; without a choice, in the language of the page that asked for them."""
        from members.models import User

        user = context.get("user")
        if not isinstance(user, User):
            user = User.objects.filter(email__iexact=email).first()
        chosen = getattr(user, "language", "") or ""
        with translation.override(chosen or translation.get_language()):
            super().send_mail(template_prefix, email, context)

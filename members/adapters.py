"""allauth's hooks: the portal is joined by invitation only."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.urls import reverse


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

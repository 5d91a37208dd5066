"""allauth's hooks: the portal is joined by invitation only."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        # People join a jurisdiction through an invitation (members.views.accept_invitation);
        # nobody creates an account of their own.
        return False

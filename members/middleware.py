"""Support Unit staff must set up TOTP before they reach any staff page, the admin included."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from members.tenancy import has_two_factor, signed_in_user

STAFF_PATH_PREFIXES = ("/admin/", "/support/")


class StaffMFAMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = signed_in_user(request)
        if (
            request.path.startswith(STAFF_PATH_PREFIXES)
            and user is not None
            and user.is_staff
            and not has_two_factor(user)
        ):
            messages.warning(
                request,
                _(
                    "Support Unit pages need two-factor authentication. Set up an "
                    "authenticator app to continue."
                ),
            )
            return redirect("mfa_activate_totp")
        return self.get_response(request)

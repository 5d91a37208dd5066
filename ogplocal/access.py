"""Every route declares who may reach it; a test walks the URL configuration and fails on a route
that declares nothing (the idea of PostHog's `TeamAndOrgViewSetMixin` and Zulip's lint).

Views of this project are decorated with `access_policy(...)` (functions) or set `access_policy` on
the class; third-party routes are declared below by the module that serves them.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required


class Policy(StrEnum):
    PUBLIC = "public"  # anybody, published data only
    ACCOUNT = "account"  # signing in, out, resetting a password, MFA: allauth's own checks
    SIGNED_IN = "signed_in"  # any signed-in person, their own data only
    TENANT = "tenant"  # a jurisdiction's data, only through `restrict(user, action)`
    SUPPORT_UNIT = "support_unit"  # Support Unit staff who have set up MFA


F = TypeVar("F", bound=Callable[..., Any])


def access_policy(policy: Policy) -> Callable[[F], F]:
    """Declare who may reach a view. Public views are also exempt from LoginRequiredMiddleware."""

    def mark(view: F) -> F:
        if policy == Policy.PUBLIC:
            view = login_not_required(view)
        view.access_policy = policy  # type: ignore[attr-defined]
        return view

    return mark


# Routes served by other packages: by the URL namespace they are included under, then by the module
# of their view.
THIRD_PARTY_NAMESPACES: dict[str, Policy] = {"admin": Policy.SUPPORT_UNIT}
THIRD_PARTY_MODULES: dict[str, Policy] = {
    "allauth.": Policy.ACCOUNT,
    "django.views.static": Policy.PUBLIC,
    "django.contrib.staticfiles.": Policy.PUBLIC,
}


def policy_of(callback: Callable[..., Any], namespaces: tuple[str, ...] = ()) -> Policy | None:
    """The declared policy of a URL pattern's callback, or None when it declares none."""
    for candidate in (
        callback,
        getattr(callback, "view_class", None),
        getattr(callback, "cls", None),
    ):
        policy = getattr(candidate, "access_policy", None)
        if policy is not None:
            return Policy(policy)
    for namespace in namespaces:
        if namespace in THIRD_PARTY_NAMESPACES:
            return THIRD_PARTY_NAMESPACES[namespace]
    module = getattr(callback, "__module__", "") or ""
    for prefix, policy in THIRD_PARTY_MODULES.items():
        if module.startswith(prefix) or module == prefix.rstrip("."):
            return policy
    return None

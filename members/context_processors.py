"""What the base layout needs on every page: the role-aware navigation and the switcher."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from members.models import Membership
from members.tenancy import is_staff_member


def navigation(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_memberships": [], "nav_is_support_unit": False}
    memberships = list(
        Membership.objects.filter(user=user)
        .select_related("jurisdiction")
        .order_by("jurisdiction__name")
    )
    match = getattr(request, "resolver_match", None)
    current_slug = match.kwargs.get("slug") if match else None
    return {
        "nav_memberships": memberships,
        "nav_current_slug": current_slug,
        # Staff without two-factor authentication see the link that takes them to set it up.
        "nav_is_support_unit": is_staff_member(user),
        "nav_is_monitoring_body": user.monitoring_bodies.exists(),
    }

"""What every page about a jurisdiction starts with: the jurisdiction, if the person may act."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from members.models import Jurisdiction
from members.tenancy import Action


def workspace_jurisdiction(request: HttpRequest, slug: str, action: Action) -> Jurisdiction:
    """The jurisdiction if the person may do `action` there; 404 alike when missing or forbidden."""
    return get_object_or_404(Jurisdiction.objects.restrict(request.user, action), slug=slug)

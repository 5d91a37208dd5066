"""TODO docstring."""

from __future__ import annotations

from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from members.models import (
    Jurisdiction,
    Status,
)
from members.tenancy import Action
from ogplocal.access import Policy, access_policy
from ogplocal.public_cache import public_page


@access_policy(Policy.PUBLIC)
@require_GET
@public_page
def home(request: HttpRequest) -> HttpResponse:
    """The front page: what OGP Local is, how many members are in each status, where to go."""
    counts = dict(
        Jurisdiction.objects.restrict(request.user, Action.VIEW)
        .order_by()
        .values_list("status")
        .annotate(n=Count("pk"))
    )
    statuses = [(value, label, counts.get(value, 0)) for value, label in Status.choices]
    return render(
        request,
        "members/home.html",
        {"statuses": statuses, "total": sum(counts.values())},
    )

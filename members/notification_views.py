"""The signed-in person's notifications: every email the portal decided to send them (issue 7)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from members.models import Notification
from ogplocal.access import Policy, access_policy

PAGE_SIZE = 25


@access_policy(Policy.SIGNED_IN)
@require_GET
def notifications(request: HttpRequest) -> HttpResponse:
    """Only the person's own notifications, newest first; each shows whether it was sent."""
    rows = Notification.objects.filter(recipient_id=request.user.pk).select_related("jurisdiction")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "members/notifications.html", {"page": page})

"""TODO docstring."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from assessments.models import Assessment
from assessments.services import publish_assessment
from members.tenancy import Action, acting_user, support_unit_required
from ogplocal.access import Policy, access_policy
from ogplocal.exceptions import ActionRefused


@access_policy(Policy.SUPPORT_UNIT)
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    support_unit_required(request)
    assessments = (
        Assessment.objects.restrict(request.user, Action.DECIDE)
        .filter(submitted_on__isnull=False)
        .select_related("plan", "plan__lead_jurisdiction", "commitment", "monitoring_body")
        .prefetch_related("files")
        .order_by("published", "submitted_on", "pk")
    )
    return render(request, "assessments/review_list.html", {"assessments": assessments})


@access_policy(Policy.SUPPORT_UNIT)
@require_POST
def publish(request: HttpRequest, pk: int) -> HttpResponse:
    support_unit_required(request)
    assessment = get_object_or_404(Assessment.objects.restrict(request.user, Action.DECIDE), pk=pk)
    try:
        publish_assessment(actor=acting_user(request), assessment=assessment)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            _("Reviewed and published: the %(kind)s of %(plan)s is now public.")
            % {"kind": assessment.get_kind_display(), "plan": assessment.plan.title},
        )
    return redirect("assessments_review")

"""Pages of the monitoring bodies, of a member's people and of the Support Unit about assessments.

Each parses input, calls one action of `assessments.services` (or a selector) and renders. Rows
come only through `restrict(user, action)`; a missing row and a forbidden one are the same 404.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from action_plans.models import ActionPlan
from assessments.forms import FORMS, AssessmentForm
from assessments.models import Assessment, AssessmentFile
from assessments.services import record_assessment
from commitments.models import Commitment
from members.models import Jurisdiction
from members.tenancy import Action, acting_user
from ogplocal.access import Policy, access_policy
from ogplocal.exceptions import ActionRefused
from ogplocal.uploads import download_response
from portal.workspace.assessments_due import assessments_due_for, assessments_of_jurisdiction

# The kinds as they appear in URLs.
KIND_SLUGS = {
    "inception": Assessment.Kind.INCEPTION,
    "end-of-commitment": Assessment.Kind.END_OF_COMMITMENT,
    "final-learning-exercise": Assessment.Kind.FINAL_LEARNING_EXERCISE,
}


@access_policy(Policy.TENANT)
@require_GET
def due_list(request: HttpRequest) -> HttpResponse:
    """A monitoring body member's assessments due, by selecting jurisdiction, overdue first."""
    user = acting_user(request)
    if not user.monitoring_bodies.exists():
        raise Http404
    groups = assessments_due_for(user)
    return render(request, "assessments/due_list.html", {"groups": groups})


@access_policy(Policy.TENANT)
@require_http_methods(["GET", "POST"])
def upload(
    request: HttpRequest, plan_id: int, kind: str, commitment_id: int | None = None
) -> HttpResponse:
    if kind not in KIND_SLUGS or (commitment_id is None) == (kind == "end-of-commitment"):
        raise Http404
    plan = get_object_or_404(
        ActionPlan.objects.restrict(request.user, Action.ASSESS).filter(submitted_on__isnull=False),
        pk=plan_id,
    )
    commitment = None
    if commitment_id is not None:
        commitment = get_object_or_404(
            Commitment.objects.restrict(request.user, Action.ASSESS).filter(plan=plan),
            pk=commitment_id,
        )
    form_class = FORMS[KIND_SLUGS[kind]]
    form: AssessmentForm = form_class(request.POST or None, request.FILES or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            record_assessment(
                actor=acting_user(request),
                plan=plan,
                kind=form.kind,
                commitment=commitment,
                findings=form.findings(),
                report=form.cleaned_data["report"],
                annexes=form.cleaned_data["annexes"],
            )
        except ActionRefused as refused:
            field = refused.field if refused.field in form.fields else None
            form.add_error(field, refused.message)
        else:
            messages.success(
                request,
                _(
                    "The %(kind)s of %(plan)s was submitted. The Support Unit reviews and "
                    "publishes it."
                )
                % {"kind": form.kind.label, "plan": plan.title},
            )
            return redirect("assessments_due")
    context = {"form": form, "plan": plan, "commitment": commitment, "kind": form.kind}
    return render(request, "assessments/upload.html", context, status=400 if form.errors else 200)


@access_policy(Policy.TENANT)
@require_GET
def jurisdiction_assessments(request: HttpRequest, slug: str) -> HttpResponse:
    """A member's people see its assessments and their due dates."""
    jurisdiction = get_object_or_404(
        Jurisdiction.objects.restrict(request.user, Action.VIEW_PRIVATE), slug=slug
    )
    group = assessments_of_jurisdiction(jurisdiction, user=acting_user(request))
    return render(
        request,
        "assessments/jurisdiction.html",
        {"jurisdiction": jurisdiction, "group": group},
    )


@access_policy(Policy.TENANT)
@require_GET
def download_report(request: HttpRequest, pk: int) -> HttpResponseBase:
    assessment = get_object_or_404(
        Assessment.objects.restrict(request.user, Action.VIEW_PRIVATE).select_related(
            "plan", "commitment"
        ),
        pk=pk,
    )
    if not assessment.report:
        raise Http404
    return download_response(assessment.report.name, filename=assessment.report_filename)


@access_policy(Policy.TENANT)
@require_GET
def download_annex(request: HttpRequest, pk: int, file_id: int) -> HttpResponseBase:
    annex = get_object_or_404(
        AssessmentFile.objects.restrict(request.user, Action.VIEW_PRIVATE),
        pk=file_id,
        assessment_id=pk,
    )
    return download_response(annex.file.name, filename=annex.name)

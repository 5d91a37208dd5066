"""Public downloads of published assessments, linked from the public member page
(`member_public`, members.public_views). Only published data, whoever asks: `restrict(None, ...)`
is what anybody may read, even when a signed-in person asks."""

from __future__ import annotations

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from assessments.models import Assessment, AssessmentFile
from members.tenancy import Action
from ogplocal.access import Policy, access_policy
from ogplocal.uploads import download_response


@access_policy(Policy.PUBLIC)
@require_GET
def public_report(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    assessment = get_object_or_404(
        Assessment.objects.restrict(None, Action.VIEW)
        .filter(plan__jurisdictions__slug=slug)
        .exclude(report="")
        .select_related("plan", "commitment"),
        pk=pk,
    )
    return download_response(assessment.report.name, filename=assessment.report_filename)


@access_policy(Policy.PUBLIC)
@require_GET
def public_annex(request: HttpRequest, slug: str, pk: int, file_id: int) -> HttpResponseBase:
    annex = get_object_or_404(
        AssessmentFile.objects.restrict(None, Action.VIEW).filter(
            assessment__plan__jurisdictions__slug=slug
        ),
        pk=file_id,
        assessment_id=pk,
    )
    return download_response(annex.file.name, filename=annex.name)

"""Public, read-only API: what the public site shows, whoever asks (`restrict(None, VIEW)`), with
an ETag on every read so a client's conditional GET gets a 304."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.request import Request

from action_plans.api import PlanFilter
from action_plans.models import ActionPlan
from action_plans.serializers import PlanSerializer
from assessments.api import AssessmentFilter
from assessments.models import Assessment
from assessments.serializers import AssessmentSerializer
from commitments.api import CommitmentFilter
from commitments.models import Commitment
from commitments.serializers import CommitmentSerializer
from members.models import Jurisdiction
from members.serializers import JurisdictionSerializer
from ogplocal.api.base import PublicViewSet
from ogplocal.uploads import download_response
from portal.status.api import JurisdictionFilter, JurisdictionListing
from tracker.api import TrackerUpdateFilter
from tracker.models import TrackerUpdate
from tracker.serializers import TrackerUpdateSerializer


class PublicMemberViewSet(JurisdictionListing, PublicViewSet):
    """The member directory: every member with its status, since, reasons and deadlines."""

    model = Jurisdiction
    serializer_class = JurisdictionSerializer
    filterset_class = JurisdictionFilter


class PublicPlanViewSet(PublicViewSet):
    """Submitted action plans."""

    model = ActionPlan
    serializer_class = PlanSerializer
    filterset_class = PlanFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return (
            queryset.select_related("lead_jurisdiction", "monitoring_body")
            .prefetch_related("jurisdictions")
            .order_by("-starts_on", "pk")
        )


class PublicCommitmentViewSet(PublicViewSet):
    """Commitments of submitted plans."""

    model = Commitment
    serializer_class = CommitmentSerializer
    filterset_class = CommitmentFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.prefetch_related("policy_areas", "milestones").order_by("plan_id", "ref")


class PublicTrackerUpdateViewSet(PublicViewSet):
    """Submitted tracker updates."""

    model = TrackerUpdate
    serializer_class = TrackerUpdateSerializer
    filterset_class = TrackerUpdateFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("commitment_id", "quarter")


class PublicAssessmentViewSet(PublicViewSet):
    """Published assessments."""

    model = Assessment
    serializer_class = AssessmentSerializer
    filterset_class = AssessmentFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("plan_id", "pk")

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str) -> Any:
        assessment = self.get_object()
        if not assessment.report:
            raise Http404
        return download_response(assessment.report.name, filename=assessment.report_filename)

"""The API of assessments: read through `restrict(user, action)`, written through the business
actions of assessments/services.py."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from action_plans.models import ActionPlan
from assessments import serializers as s
from assessments.models import Assessment
from assessments.services import add_assessment_annexes, publish_assessment, record_assessment
from commitments.models import Commitment
from members.tenancy import Action
from ogplocal.api.base import TenantViewSet
from ogplocal.api.fields import ID_FILTER, MULTIPART, valid
from ogplocal.uploads import download_response


class AssessmentFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id", **ID_FILTER)
    kind = filters.ChoiceFilter(choices=Assessment.Kind.choices)
    published = filters.BooleanFilter()

    class Meta:
        model = Assessment
        fields = ("plan", "kind", "published")


class AssessmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = Assessment
    serializer_class = s.AssessmentSerializer
    filterset_class = AssessmentFilter
    parser_classes = (JSONParser, MultiPartParser, FormParser)

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("plan_id", "pk")

    @extend_schema(
        request={"multipart/form-data": s.AssessmentUploadSerializer},
        responses={201: s.AssessmentSerializer},
    )
    def create(self, request: Request) -> Response:
        """The selected monitoring body uploads an assessment (multipart, the report a PDF, DOCX
        or ODT file checked by the portal's one upload validation)."""
        values = valid(s.AssessmentUploadSerializer, request)
        plan = self.permitted(self.visible(ActionPlan, values["plan"], "plan"), Action.ASSESS)
        commitment = None
        if values.get("commitment"):
            commitment = self.visible(Commitment, values["commitment"], "commitment")
        findings = values["findings"]
        if not isinstance(findings, dict):
            raise ValidationError({"findings": [_("Send the findings as a JSON object.")]})
        assessment = record_assessment(
            actor=self.actor,
            plan=plan,
            kind=values["kind"],
            commitment=commitment,
            findings=findings,
            report=values["report"],
        )
        return Response(s.AssessmentSerializer(assessment).data, status=201)

    @extend_schema(request=None, responses={200: s.AssessmentSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request: Request, pk: str) -> Response:
        """The Support Unit publishes a submitted assessment."""
        assessment = self.permitted(self.get_object(), Action.DECIDE)
        assessment = publish_assessment(actor=self.actor, assessment=assessment)
        return Response(s.AssessmentSerializer(assessment).data)

    @extend_schema(
        request={"multipart/form-data": s.AnnexUploadSerializer},
        responses={201: s.AssessmentSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=MULTIPART)
    def annexes(self, request: Request, pk: str) -> Response:
        """The monitoring body adds annexes to its unpublished assessment (multipart)."""
        assessment = self.permitted(self.get_object(), Action.ASSESS)
        values = valid(s.AnnexUploadSerializer, request)
        add_assessment_annexes(actor=self.actor, assessment=assessment, annexes=values["annexes"])
        assessment.refresh_from_db()
        return Response(s.AssessmentSerializer(assessment).data, status=201)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def report(self, request: Request, pk: str) -> Any:
        """Download the report file, through the same checks as the pages' download."""
        assessment = self.get_object()
        visible = Assessment.objects.restrict(request.user, Action.VIEW_PRIVATE).filter(
            pk=assessment.pk
        )
        if not assessment.report or not (assessment.published or visible.exists()):
            raise Http404
        return download_response(assessment.report.name, filename=assessment.report_filename)

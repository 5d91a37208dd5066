"""The jurisdictions' API: each member with the rules' evaluation today (status, since, reasons,
deadlines), and the Support Unit's decisions about a member. It lives with the status engine
because it evaluates the rules (`evaluate_members`), which the members app below cannot import."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from members import requests, services
from members import serializers as s
from members.models import Jurisdiction, StatusOverride
from members.tenancy import Action
from ogplocal.api.base import TenantViewSet
from ogplocal.api.fields import valid
from portal.status.evaluation import evaluate_members


def evaluations_of(rows: list[Jurisdiction]) -> dict[int, dict[str, Any]]:
    """The rules' evaluation today of each row, in the loader's fixed number of queries."""
    if not rows:
        return {}
    found = evaluate_members(jurisdictions=Jurisdiction.objects.filter(pk__in=[r.pk for r in rows]))
    return {item.jurisdiction_id: item.evaluation.as_dict() for item in found}


class JurisdictionFilter(filters.FilterSet):
    status = filters.CharFilter(max_length=20)
    country = filters.CharFilter(max_length=2)

    class Meta:
        model = Jurisdiction
        fields = ("status", "country")


SLUG_PARAMETER = OpenApiParameter(
    "slug", str, OpenApiParameter.PATH, pattern="^[-a-zA-Z0-9_]+$", description="The member's slug."
)


class JurisdictionListing(viewsets.GenericViewSet[Any]):
    """List and detail with the rules' evaluation (status, since, reasons, deadlines); mixed into
    the signed-in jurisdictions below and the public member directory (portal/public/api.py)."""

    lookup_field = "slug"
    lookup_value_converter = "slug"

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        serializer = self.get_serializer(
            rows,
            many=True,
            context={**self.get_serializer_context(), "evaluations": evaluations_of(rows)},
        )
        if page is not None:
            return self.get_paginated_response(serializer.data)
        return Response(serializer.data)

    @extend_schema(parameters=[SLUG_PARAMETER])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()
        context = {**self.get_serializer_context(), "evaluations": evaluations_of([row])}
        return Response(self.get_serializer(row, context=context).data)


class JurisdictionViewSet(
    JurisdictionListing, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet
):
    """Jurisdictions you may see: every member's public record, and your own."""

    model = Jurisdiction
    serializer_class = s.JurisdictionSerializer
    filterset_class = JurisdictionFilter

    @extend_schema(
        parameters=[SLUG_PARAMETER],
        request=s.InviteSerializer,
        responses={201: s.InvitationSerializer},
    )
    @action(detail=True, methods=["post"])
    def invitations(self, request: Request, slug: str) -> Response:
        """Invite a person by email to a role in the jurisdiction (its Point of Contact)."""
        jurisdiction = self.permitted(self.get_object(), Action.SUBMIT)
        values = valid(s.InviteSerializer, request)
        invitation = services.invite_person(
            jurisdiction=jurisdiction,
            invited_by=self.actor,
            base_url=request.build_absolute_uri("/").rstrip("/"),
            **values,
        )
        return Response(s.InvitationSerializer(invitation).data, status=201)

    @extend_schema(
        parameters=[SLUG_PARAMETER],
        request=s.FirstPlanDeadlineSerializer,
        responses={201: s.ExtensionRequestSerializer},
    )
    @action(detail=True, methods=["post"], url_path="first-plan-deadline")
    def first_plan_deadline(self, request: Request, slug: str) -> Response:
        """The Support Unit sets the member's first-plan deadline (recorded as an extension)."""
        jurisdiction = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.FirstPlanDeadlineSerializer, request)
        granted = requests.set_first_plan_deadline(
            actor=self.actor, jurisdiction=jurisdiction, **values
        )
        return Response(s.ExtensionRequestSerializer(granted).data, status=201)

    @extend_schema(
        parameters=[SLUG_PARAMETER],
        request=s.OverrideStatusSerializer,
        responses={201: s.StatusOverrideSerializer},
    )
    @action(detail=True, methods=["post"], url_path="override-status")
    def override_status(self, request: Request, slug: str) -> Response:
        """The Support Unit shows a status from a day on, with a written reason."""
        jurisdiction = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.OverrideStatusSerializer, request)
        override = requests.override_status(actor=self.actor, jurisdiction=jurisdiction, **values)
        return Response(s.StatusOverrideSerializer(override).data, status=201)

    @extend_schema(
        parameters=[SLUG_PARAMETER],
        request=s.WithdrawOverrideSerializer,
        responses={200: s.StatusOverrideSerializer},
    )
    @action(detail=True, methods=["post"], url_path="withdraw-override")
    def withdraw_override(self, request: Request, slug: str) -> Response:
        """The Support Unit withdraws one of the member's status overrides."""
        jurisdiction = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.WithdrawOverrideSerializer, request)
        override = self.visible(StatusOverride, values.pop("override"), "override")
        if override.jurisdiction_id != jurisdiction.pk:
            raise ValidationError({"override": [_("No such record, or not visible to you.")]})
        withdrawn = requests.withdraw_override(actor=self.actor, override=override, **values)
        return Response(s.StatusOverrideSerializer(withdrawn).data)

    @extend_schema(
        parameters=[SLUG_PARAMETER],
        request=s.ReasonSerializer,
        responses={201: s.ReinstatementSerializer},
    )
    @action(detail=True, methods=["post"])
    def reinstate(self, request: Request, slug: str) -> Response:
        """The Support Unit reinstates a revoked member, active from today."""
        jurisdiction = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.ReasonSerializer, request)
        reinstatement = requests.reinstate_member(
            actor=self.actor, jurisdiction=jurisdiction, **values
        )
        return Response(s.ReinstatementSerializer(reinstatement).data, status=201)

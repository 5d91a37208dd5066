"""The API of members' requests to the Support Unit and of a person's notifications (the
jurisdictions, which carry the rules' evaluation, are portal/status/api.py's)."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from members import requests
from members import serializers as s
from members.models import ExtensionRequest, Jurisdiction, Notification, VoluntaryInactivityRequest
from members.tenancy import Action
from ogplocal.api.base import OwnRowsViewSet, TenantViewSet
from ogplocal.api.fields import valid


class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Requests to the Support Unit: read by the jurisdiction's people, filed by its POC."""

    # Requests are never public: VIEW_PRIVATE, not VIEW (docs/exchange.md §5 public export).
    read_action = Action.VIEW_PRIVATE

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("jurisdiction")

    def jurisdiction_for(self, slug: str) -> Jurisdiction:
        row = (
            Jurisdiction.objects.restrict(self.request.user, Action.VIEW).filter(slug=slug).first()
        )
        if row is None:
            raise ValidationError({"jurisdiction": [_("No such jurisdiction.")]})
        return self.permitted(row, Action.SUBMIT)


class ExtensionRequestViewSet(RequestViewSet):
    model = ExtensionRequest
    serializer_class = s.ExtensionRequestSerializer

    @extend_schema(
        request=s.ExtensionRequestWriteSerializer, responses={201: s.ExtensionRequestSerializer}
    )
    def create(self, request: Request) -> Response:
        values = valid(s.ExtensionRequestWriteSerializer, request)
        filed = requests.request_extension(
            actor=self.actor,
            jurisdiction=self.jurisdiction_for(values.pop("jurisdiction")),
            **values,
        )
        return Response(s.ExtensionRequestSerializer(filed).data, status=201)

    @extend_schema(
        request=s.ExtensionDecisionSerializer, responses={200: s.ExtensionRequestSerializer}
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """The Support Unit grants (until a date) or refuses the extension."""
        filed = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.ExtensionDecisionSerializer, request)
        decided = requests.decide_extension(actor=self.actor, request=filed, **values)
        return Response(s.ExtensionRequestSerializer(decided).data)


class VoluntaryInactivityRequestViewSet(RequestViewSet):
    model = VoluntaryInactivityRequest
    serializer_class = s.VoluntaryInactivityRequestSerializer

    @extend_schema(
        request=s.VoluntaryInactivityWriteSerializer,
        responses={201: s.VoluntaryInactivityRequestSerializer},
    )
    def create(self, request: Request) -> Response:
        values = valid(s.VoluntaryInactivityWriteSerializer, request)
        filed = requests.request_voluntary_inactivity(
            actor=self.actor,
            jurisdiction=self.jurisdiction_for(values.pop("jurisdiction")),
            **values,
        )
        return Response(s.VoluntaryInactivityRequestSerializer(filed).data, status=201)

    @extend_schema(
        request=s.VoluntaryDecisionSerializer,
        responses={200: s.VoluntaryInactivityRequestSerializer},
    )
    @action(detail=True, methods=["post"])
    def decide(self, request: Request, pk: str) -> Response:
        """The Support Unit approves or refuses the voluntary pause."""
        filed = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.VoluntaryDecisionSerializer, request)
        decided = requests.decide_voluntary_inactivity(actor=self.actor, request=filed, **values)
        return Response(s.VoluntaryInactivityRequestSerializer(decided).data)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, OwnRowsViewSet):
    """Your own notifications only, newest first."""

    model = Notification
    owner_field: ClassVar[str] = "recipient"
    serializer_class = s.NotificationSerializer

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.select_related("jurisdiction")

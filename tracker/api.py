"""The API of the quarterly tracker: read through `restrict(user, action)`, written through the
business actions of tracker/services.py."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from commitments.models import Commitment
from members.tenancy import Action
from ogplocal.api.base import TenantViewSet
from ogplocal.api.fields import ID_FILTER, MULTIPART, valid
from tracker import serializers as s
from tracker.models import TrackerUpdate
from tracker.services import correct_tracker_update, save_tracker_update


class TrackerUpdateFilter(filters.FilterSet):
    commitment = filters.NumberFilter(field_name="commitment_id", **ID_FILTER)
    quarter = filters.CharFilter(max_length=6)
    submitted = filters.BooleanFilter(field_name="submitted_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = TrackerUpdate
        fields = ("commitment", "quarter", "submitted")


class TrackerUpdateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = TrackerUpdate
    serializer_class = s.TrackerUpdateSerializer
    filterset_class = TrackerUpdateFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("commitment_id", "quarter")

    @extend_schema(
        request=s.TrackerUpdateWriteSerializer, responses={200: s.TrackerUpdateSerializer}
    )
    def create(self, request: Request) -> Response:
        """Record (or correct) the quarter's update of a commitment; `submit` submits it."""
        values = valid(s.TrackerUpdateWriteSerializer, request)
        commitment = self.permitted(
            self.visible(Commitment, values.pop("commitment"), "commitment"), Action.EDIT
        )
        update = save_tracker_update(actor=self.actor, commitment=commitment, **values)
        return Response(s.TrackerUpdateSerializer(update).data)

    @extend_schema(
        request={"multipart/form-data": s.EvidenceUploadSerializer},
        responses={200: s.TrackerUpdateSerializer},
    )
    @action(detail=True, methods=["post"], parser_classes=MULTIPART)
    def evidence(self, request: Request, pk: str) -> Response:
        """Add files of evidence to the update (multipart), checked by the one upload check."""
        update = self.permitted(self.get_object(), Action.EDIT)
        values = valid(s.EvidenceUploadSerializer, request)
        update = correct_tracker_update(
            actor=self.actor, update=update, evidence_files=values["evidence_files"]
        )
        return Response(s.TrackerUpdateSerializer(update).data)

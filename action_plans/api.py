"""The API of action plans, their meetings and endorsements: read through `restrict(user,
action)`, written through the business actions of action_plans/services.py.

The plans' `commitments` action (a commitment added to a submitted plan) is the commitments app's
(commitments/api.py), composed into the plans' viewset by the router (ogplocal/api/urls.py), as
this app sits below commitments and does not import it."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from action_plans import serializers as s
from action_plans import services
from action_plans.models import ActionPlan, Endorsement, Meeting
from members.models import Jurisdiction
from members.tenancy import Action
from ogplocal.api.base import TenantViewSet
from ogplocal.api.fields import ID_FILTER, valid


class PlanFilter(filters.FilterSet):
    jurisdiction = filters.CharFilter(field_name="jurisdictions__slug", max_length=100)
    submitted = filters.BooleanFilter(field_name="submitted_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = ActionPlan
        fields = ("jurisdiction", "submitted")


class PlanViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Action plans: drafts of your own jurisdictions, submitted plans of every member."""

    model = ActionPlan
    serializer_class = s.PlanSerializer
    filterset_class = PlanFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return (
            queryset.select_related("lead_jurisdiction", "monitoring_body")
            .prefetch_related("jurisdictions")
            .order_by("-starts_on", "pk")
        )

    @extend_schema(request=s.PlanCreateSerializer, responses={201: s.PlanSerializer})
    def create(self, request: Request) -> Response:
        values = valid(s.PlanCreateSerializer, request)
        jurisdictions = Jurisdiction.objects.restrict(request.user, Action.VIEW)
        lead = jurisdictions.filter(slug=values["jurisdiction"]).first()
        if lead is None:
            raise ValidationError({"jurisdiction": [_("No such record, or not visible to you.")]})
        partners = list(jurisdictions.filter(slug__in=values["joint_with"]))
        plan = services.create_plan(
            actor=self.actor,
            jurisdiction=self.permitted(lead, Action.EDIT),
            ref=values["ref"],
            title=values["title"],
            starts_on=values["starts_on"],
            ends_on=values["ends_on"],
            joint_with=partners,
        )
        return Response(s.PlanSerializer(plan).data, status=201)

    @extend_schema(request=s.PlanUpdateSerializer, responses={200: s.PlanSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        plan = self.permitted(self.get_object(), Action.EDIT)
        values = valid(s.PlanUpdateSerializer, request)
        plan = services.update_plan(actor=self.actor, plan=plan, **values)
        return Response(s.PlanSerializer(plan).data)

    @extend_schema(request=None, responses={200: s.SubmissionSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit the plan (the Point of Contact): every rule of docs/rules.md §3.1 is checked."""
        plan = self.permitted(self.get_object(), Action.SUBMIT)
        submission = services.submit_plan(actor=self.actor, plan=plan)
        return Response(
            {"plan": s.PlanSerializer(submission.plan).data, "notices": submission.notices}
        )

    @extend_schema(request=s.ReviewSerializer, responses={200: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """The Support Unit accepts a submitted plan or returns it with comments."""
        plan = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.ReviewSerializer, request)
        plan = services.review_plan(actor=self.actor, plan=plan, **values)
        return Response(s.PlanSerializer(plan).data)

    @extend_schema(request=s.EndorserSerializer, responses={201: s.EndorsementSerializer})
    @action(detail=True, methods=["post"])
    def endorsers(self, request: Request, pk: str) -> Response:
        """A POC or officer lists a stakeholder who endorsed the plan outside the portal."""
        plan = self.permitted(self.get_object(), Action.EDIT)
        values = valid(s.EndorserSerializer, request)
        endorsement = services.add_endorser_without_account(actor=self.actor, plan=plan, **values)
        return Response(s.EndorsementSerializer(endorsement).data, status=201)


class PlanChildFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id", **ID_FILTER)


class MeetingFilter(PlanChildFilter):
    class Meta:
        model = Meeting
        fields = ("plan",)


class MeetingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = Meeting
    serializer_class = s.MeetingSerializer
    filterset_class = MeetingFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("plan_id", "held_on", "pk")

    @extend_schema(request=s.MeetingWriteSerializer, responses={201: s.MeetingSerializer})
    def create(self, request: Request) -> Response:
        values = valid(s.MeetingWriteSerializer, request)
        plan = self.permitted(self.visible(ActionPlan, values.pop("plan"), "plan"), Action.EDIT)
        meeting = services.record_meeting(actor=self.actor, plan=plan, **values)
        return Response(s.MeetingSerializer(meeting).data, status=201)


class EndorsementFilter(PlanChildFilter):
    class Meta:
        model = Endorsement
        fields = ("plan",)


class EndorsementViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = Endorsement
    serializer_class = s.EndorsementSerializer
    filterset_class = EndorsementFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("plan_id", "pk")

    @extend_schema(request=s.EndorsementWriteSerializer, responses={201: s.EndorsementSerializer})
    def create(self, request: Request) -> Response:
        """A civil-society stakeholder endorses the plan in their own name."""
        values = valid(s.EndorsementWriteSerializer, request)
        plan = self.permitted(self.visible(ActionPlan, values["plan"], "plan"), Action.ENDORSE)
        endorsement = services.endorse_plan(
            actor=self.actor, plan=plan, organisation=values["organisation"]
        )
        return Response(s.EndorsementSerializer(endorsement).data, status=201)

"""The signed-in API: a jurisdiction's data through `restrict(user, action)`, writes through the
business actions of the pages (STYLE.md "One function per business action")."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from action_plans import services as plan_services
from action_plans.models import ActionPlan, Endorsement, Meeting
from assessments.models import Assessment
from assessments.services import record_assessment
from assessments.views import report_filename
from commitments import services as commitment_services
from commitments.models import Commitment, Milestone
from members import services as member_services
from members.models import (
    ExtensionRequest,
    Jurisdiction,
    Notification,
    VoluntaryInactivityRequest,
)
from members.status import evaluate_members
from members.tenancy import Action
from ogplocal.access import Policy
from ogplocal.api import serializers as s
from ogplocal.api.base import TenantViewSet
from ogplocal.uploads import download_response
from tracker.models import TrackerUpdate
from tracker.services import save_tracker_update

ID_FILTER = {"min_value": 1, "max_value": 2**31 - 1}


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


class JurisdictionListing:
    """List and detail with the rules' evaluation (status, since, reasons, deadlines)."""

    lookup_field = "slug"
    lookup_value_converter = "slug"

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        queryset = self.filter_queryset(self.get_queryset())  # type: ignore[attr-defined]
        page = self.paginate_queryset(queryset)  # type: ignore[attr-defined]
        rows = list(page if page is not None else queryset)
        serializer = self.get_serializer(  # type: ignore[attr-defined]
            rows,
            many=True,
            context={**self.get_serializer_context(), "evaluations": evaluations_of(rows)},  # type: ignore[attr-defined]
        )
        if page is not None:
            return self.get_paginated_response(serializer.data)  # type: ignore[attr-defined,no-any-return]
        return Response(serializer.data)

    @extend_schema(parameters=[SLUG_PARAMETER])
    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        row = self.get_object()  # type: ignore[attr-defined]
        context = {**self.get_serializer_context(), "evaluations": evaluations_of([row])}  # type: ignore[attr-defined]
        return Response(self.get_serializer(row, context=context).data)  # type: ignore[attr-defined]


class JurisdictionViewSet(
    JurisdictionListing, mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet
):
    """Jurisdictions you may see: every member's public record, and your own."""

    model = Jurisdiction
    serializer_class = s.JurisdictionSerializer
    filterset_class = JurisdictionFilter


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
        data = s.PlanCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        jurisdictions = Jurisdiction.objects.restrict(request.user, Action.VIEW)
        lead = jurisdictions.filter(slug=values["jurisdiction"]).first()
        if lead is None:
            return self.unknown("jurisdiction")
        partners = list(jurisdictions.filter(slug__in=values["joint_with"]))
        plan = plan_services.create_plan(
            actor=request.user,  # type: ignore[arg-type]
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
        data = s.PlanUpdateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = plan_services.update_plan(actor=request.user, plan=plan, **data.validated_data)  # type: ignore[arg-type]
        return Response(s.PlanSerializer(plan).data)

    @extend_schema(request=None, responses={200: s.SubmissionSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: Request, pk: str) -> Response:
        """Submit the plan (the Point of Contact): every rule of DESIGN.md §3.1 is checked."""
        plan = self.permitted(self.get_object(), Action.SUBMIT)
        submission = plan_services.submit_plan(actor=request.user, plan=plan)  # type: ignore[arg-type]
        return Response(
            {"plan": s.PlanSerializer(submission.plan).data, "notices": submission.notices}
        )

    def unknown(self, field: str) -> Response:
        from rest_framework.exceptions import ValidationError

        raise ValidationError({field: ["No such record, or not visible to you."]})


class CommitmentFilter(filters.FilterSet):
    plan = filters.NumberFilter(field_name="plan_id", **ID_FILTER)
    jurisdiction = filters.CharFilter(field_name="plan__jurisdictions__slug", max_length=100)
    policy_area = filters.CharFilter(field_name="policy_areas__code", max_length=60)

    class Meta:
        model = Commitment
        fields = ("plan", "jurisdiction", "policy_area")


class CommitmentViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    model = Commitment
    serializer_class = s.CommitmentSerializer
    filterset_class = CommitmentFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.prefetch_related("policy_areas", "milestones").order_by("plan_id", "ref")

    @extend_schema(request=s.CommitmentCreateSerializer, responses={201: s.CommitmentSerializer})
    def create(self, request: Request) -> Response:
        """Add a commitment to a draft plan (a submitted plan takes one through the pages, with
        the co-creation meeting and the stakeholders' approval)."""
        data = s.CommitmentCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        plan = self.permitted(self.visible(ActionPlan, values.pop("plan"), "plan"), Action.EDIT)
        values["milestones"] = [
            commitment_services.MilestoneInput(**m) for m in values.get("milestones", [])
        ]
        commitment = commitment_services.create_commitment(
            actor=request.user,  # type: ignore[arg-type]
            plan=plan,
            **values,
        )
        return Response(s.CommitmentSerializer(commitment).data, status=201)

    @extend_schema(request=s.CommitmentAmendSerializer, responses={200: s.CommitmentSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        """Amend a commitment (within the change window of DESIGN.md §3.1)."""
        commitment = self.permitted(self.get_object(), Action.EDIT)
        data = s.CommitmentAmendSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        commitment = commitment_services.amend_commitment(
            actor=request.user,  # type: ignore[arg-type]
            commitment=commitment,
            **data.validated_data,
        )
        return Response(s.CommitmentSerializer(commitment).data)


class MilestoneFilter(filters.FilterSet):
    commitment = filters.NumberFilter(field_name="commitment_id", **ID_FILTER)

    class Meta:
        model = Milestone
        fields = ("commitment",)


class MilestoneViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Milestones are written with their commitment."""

    model = Milestone
    serializer_class = s.MilestoneSerializer
    filterset_class = MilestoneFilter

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("commitment_id", "position", "pk")


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
        data = s.TrackerUpdateWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        commitment = self.permitted(
            self.visible(Commitment, values.pop("commitment"), "commitment"), Action.EDIT
        )
        update = save_tracker_update(actor=request.user, commitment=commitment, **values)  # type: ignore[arg-type]
        return Response(s.TrackerUpdateSerializer(update).data)


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
        data = s.MeetingWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        plan = self.permitted(self.visible(ActionPlan, values.pop("plan"), "plan"), Action.EDIT)
        meeting = plan_services.record_meeting(actor=request.user, plan=plan, **values)  # type: ignore[arg-type]
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
        data = s.EndorsementWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        plan = self.permitted(
            self.visible(ActionPlan, data.validated_data["plan"], "plan"), Action.ENDORSE
        )
        endorsement = plan_services.endorse_plan(
            actor=request.user,  # type: ignore[arg-type]
            plan=plan,
            organisation=data.validated_data["organisation"],
        )
        return Response(s.EndorsementSerializer(endorsement).data, status=201)


class AssessmentFilter(PlanChildFilter):
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
        data = s.AssessmentUploadSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        plan = self.permitted(self.visible(ActionPlan, values["plan"], "plan"), Action.ASSESS)
        commitment = None
        if values.get("commitment"):
            commitment = self.visible(Commitment, values["commitment"], "commitment")
        findings = values["findings"]
        if not isinstance(findings, dict):
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"findings": ["Send the findings as a JSON object."]})
        assessment = record_assessment(
            actor=request.user,  # type: ignore[arg-type]
            plan=plan,
            kind=values["kind"],
            commitment=commitment,
            findings=findings,
            report=values["report"],
        )
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
        return download_response(assessment.report.name, filename=report_filename(assessment))


class RequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Requests to the Support Unit: read by the jurisdiction's people, filed by its POC."""

    def get_queryset(self) -> QuerySet[Any]:
        # Requests are never public: VIEW_PRIVATE, not VIEW (DESIGN.md §5 public export).
        return self.restricted(Action.VIEW_PRIVATE).select_related("jurisdiction")

    def jurisdiction_for(self, slug: str) -> Jurisdiction:
        row = (
            Jurisdiction.objects.restrict(self.request.user, Action.VIEW).filter(slug=slug).first()
        )
        if row is None:
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"jurisdiction": ["No such jurisdiction."]})
        return self.permitted(row, Action.SUBMIT)


class ExtensionRequestViewSet(RequestViewSet):
    model = ExtensionRequest
    serializer_class = s.ExtensionRequestSerializer

    @extend_schema(
        request=s.ExtensionRequestWriteSerializer, responses={201: s.ExtensionRequestSerializer}
    )
    def create(self, request: Request) -> Response:
        data = s.ExtensionRequestWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        filed = member_services.request_extension(
            actor=request.user,  # type: ignore[arg-type]
            jurisdiction=self.jurisdiction_for(values.pop("jurisdiction")),
            **values,
        )
        return Response(s.ExtensionRequestSerializer(filed).data, status=201)


class VoluntaryInactivityRequestViewSet(RequestViewSet):
    model = VoluntaryInactivityRequest
    serializer_class = s.VoluntaryInactivityRequestSerializer

    @extend_schema(
        request=s.VoluntaryInactivityWriteSerializer,
        responses={201: s.VoluntaryInactivityRequestSerializer},
    )
    def create(self, request: Request) -> Response:
        data = s.VoluntaryInactivityWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        filed = member_services.request_voluntary_inactivity(
            actor=request.user,  # type: ignore[arg-type]
            jurisdiction=self.jurisdiction_for(values.pop("jurisdiction")),
            **values,
        )
        return Response(s.VoluntaryInactivityRequestSerializer(filed).data, status=201)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Your own notifications only, newest first."""

    access_policy: ClassVar[Policy] = Policy.SIGNED_IN
    permission_classes = (permissions.IsAuthenticated,)
    model = Notification
    serializer_class = s.NotificationSerializer

    def get_queryset(self) -> QuerySet[Any]:
        if not self.request.user.is_authenticated:
            return Notification.objects.none()
        return Notification.objects.filter(recipient=self.request.user).select_related(
            "jurisdiction"
        )

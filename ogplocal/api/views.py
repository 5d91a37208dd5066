"""The signed-in API: a jurisdiction's data through `restrict(user, action)`, writes through the
business actions of the pages (STYLE.md "One function per business action")."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from action_plans import services as plan_services
from action_plans.models import ActionPlan, Endorsement, Meeting
from assessments.models import Assessment
from assessments.services import add_assessment_annexes, publish_assessment, record_assessment
from commitments import changes as commitment_changes
from commitments import completion as commitment_completion
from commitments import services as commitment_services
from commitments.content import CommitmentContent
from commitments.models import ChangeProposal, Commitment, Milestone
from members import services as member_services
from members.models import (
    ExtensionRequest,
    Jurisdiction,
    Notification,
    StatusOverride,
    VoluntaryInactivityRequest,
)
from members.tenancy import Action
from ogplocal.access import Policy
from ogplocal.api import serializers as s
from ogplocal.api.base import TenantViewSet
from ogplocal.uploads import download_response
from portal.status.evaluation import evaluate_members
from tracker.models import TrackerUpdate
from tracker.services import correct_tracker_update, save_tracker_update

ID_FILTER = {"min_value": 1, "max_value": 2**31 - 1}

MULTIPART = (MultiPartParser, FormParser)


def valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """The request body in the shape of `serializer_class`, or a 400 in the one error shape."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)


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
        invitation = member_services.invite_person(
            jurisdiction=jurisdiction,
            invited_by=request.user,  # type: ignore[arg-type]
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
        granted = member_services.set_first_plan_deadline(
            actor=request.user,  # type: ignore[arg-type]
            jurisdiction=jurisdiction,
            **values,
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
        override = member_services.override_status(
            actor=request.user,  # type: ignore[arg-type]
            jurisdiction=jurisdiction,
            **values,
        )
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
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"override": [_("No such record, or not visible to you.")]})
        withdrawn = member_services.withdraw_override(
            actor=request.user,  # type: ignore[arg-type]
            override=override,
            **values,
        )
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
        reinstatement = member_services.reinstate_member(
            actor=request.user,  # type: ignore[arg-type]
            jurisdiction=jurisdiction,
            **values,
        )
        return Response(s.ReinstatementSerializer(reinstatement).data, status=201)


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
        values = valid(s.PlanUpdateSerializer, request)
        plan = plan_services.update_plan(actor=request.user, plan=plan, **values)  # type: ignore[arg-type]
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

    @extend_schema(request=s.ReviewSerializer, responses={200: s.PlanSerializer})
    @action(detail=True, methods=["post"])
    def review(self, request: Request, pk: str) -> Response:
        """The Support Unit accepts a submitted plan or returns it with comments."""
        plan = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.ReviewSerializer, request)
        plan = plan_services.review_plan(actor=request.user, plan=plan, **values)  # type: ignore[arg-type]
        return Response(s.PlanSerializer(plan).data)

    @extend_schema(request=s.EndorserSerializer, responses={201: s.EndorsementSerializer})
    @action(detail=True, methods=["post"])
    def endorsers(self, request: Request, pk: str) -> Response:
        """A POC or officer lists a stakeholder who endorsed the plan outside the portal."""
        plan = self.permitted(self.get_object(), Action.EDIT)
        values = valid(s.EndorserSerializer, request)
        endorsement = plan_services.add_endorser_without_account(
            actor=request.user,  # type: ignore[arg-type]
            plan=plan,
            **values,
        )
        return Response(s.EndorsementSerializer(endorsement).data, status=201)

    @extend_schema(request=s.SubmittedCommitmentSerializer, responses={201: s.CommitmentSerializer})
    @action(detail=True, methods=["post"])
    def commitments(self, request: Request, pk: str) -> Response:
        """Add a commitment to a submitted plan, with its co-creation meeting or an approval."""
        plan = self.permitted(self.get_object(), Action.EDIT)
        values = valid(s.SubmittedCommitmentSerializer, request)
        meeting_id = values.pop("co_creation_meeting", None)
        name, evidence = values.pop("approver_name"), values.pop("approval_evidence")
        meeting = self.visible(Meeting, meeting_id, "co_creation_meeting") if meeting_id else None
        approval = (
            commitment_changes.Approval(approver_name=name, evidence=evidence)
            if name or evidence
            else None
        )
        commitment = commitment_services.add_commitment_to_submitted_plan(
            actor=request.user,  # type: ignore[arg-type]
            plan=plan,
            ref=values.pop("ref"),
            content=CommitmentContent.from_data(values),
            co_creation_meeting=meeting,
            approval=approval,
        )
        return Response(s.CommitmentSerializer(commitment).data, status=201)

    def unknown(self, field: str) -> Response:
        from rest_framework.exceptions import ValidationError

        raise ValidationError({field: [_("No such record, or not visible to you.")]})


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
        values = valid(s.CommitmentCreateSerializer, request)
        plan = self.permitted(self.visible(ActionPlan, values.pop("plan"), "plan"), Action.EDIT)
        commitment = commitment_services.create_commitment(
            actor=request.user,  # type: ignore[arg-type]
            plan=plan,
            ref=values.pop("ref"),
            content=CommitmentContent.from_data(values),
        )
        return Response(s.CommitmentSerializer(commitment).data, status=201)

    @extend_schema(request=s.CommitmentAmendSerializer, responses={200: s.CommitmentSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        """Amend a commitment (within the change window of DESIGN.md §3.1)."""
        commitment = self.permitted(self.get_object(), Action.EDIT)
        values = valid(s.CommitmentAmendSerializer, request)
        commitment = commitment_changes.amend_commitment(
            actor=request.user,  # type: ignore[arg-type]
            commitment=commitment,
            content=CommitmentContent.from_data(values),
        )
        return Response(s.CommitmentSerializer(commitment).data)

    @extend_schema(request=s.ReasonSerializer, responses={200: s.CommitmentSerializer})
    @action(detail=True, methods=["post"], url_path="request-withdrawal")
    def request_withdrawal(self, request: Request, pk: str) -> Response:
        """The POC asks the Support Unit to withdraw the commitment, with a written reason."""
        commitment = self.permitted(self.get_object(), Action.SUBMIT)
        values = valid(s.ReasonSerializer, request)
        commitment = commitment_completion.request_withdrawal(
            actor=request.user,  # type: ignore[arg-type]
            commitment=commitment,
            **values,
        )
        return Response(s.CommitmentSerializer(commitment).data)

    @extend_schema(request=s.WithdrawalDecisionSerializer, responses={200: s.CommitmentSerializer})
    @action(detail=True, methods=["post"], url_path="decide-withdrawal")
    def decide_withdrawal(self, request: Request, pk: str) -> Response:
        """The Support Unit approves or refuses a requested withdrawal."""
        commitment = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.WithdrawalDecisionSerializer, request)
        commitment = commitment_completion.decide_withdrawal(
            actor=request.user,  # type: ignore[arg-type]
            commitment=commitment,
            **values,
        )
        return Response(s.CommitmentSerializer(commitment).data)

    @extend_schema(
        request=s.ChangeProposalWriteSerializer, responses={201: s.ChangeProposalSerializer}
    )
    @action(detail=True, methods=["post"], url_path="propose-change")
    def propose_change(self, request: Request, pk: str) -> Response:
        """A POC or officer proposes a change for a stakeholder to approve (only what changes)."""
        commitment = self.permitted(self.get_object(), Action.EDIT)
        values = valid(s.ChangeProposalWriteSerializer, request)
        proposal = commitment_changes.propose_commitment_change(
            actor=request.user,  # type: ignore[arg-type]
            commitment=commitment,
            content=CommitmentContent.from_data(values),
            summary=values["summary"],
        )
        return Response(s.ChangeProposalSerializer(proposal).data, status=201)


class ChangeProposalFilter(filters.FilterSet):
    commitment = filters.NumberFilter(field_name="commitment_id", **ID_FILTER)
    state = filters.ChoiceFilter(choices=ChangeProposal.State.choices)

    class Meta:
        model = ChangeProposal
        fields = ("commitment", "state")


class ChangeProposalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    """Proposed changes of commitments: the jurisdiction's own deliberation, never public."""

    model = ChangeProposal
    serializer_class = s.ChangeProposalSerializer
    filterset_class = ChangeProposalFilter

    def get_queryset(self) -> QuerySet[Any]:
        return self.restricted(Action.VIEW_PRIVATE).order_by("commitment_id", "pk")

    @extend_schema(request=s.CommentSerializer, responses={200: s.ChangeProposalSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """A civil-society stakeholder approves the change: it is applied."""
        proposal = self.permitted(self.get_object(), Action.ENDORSE)
        values = valid(s.CommentSerializer, request)
        proposal = commitment_changes.approve_change_proposal(
            actor=request.user,  # type: ignore[arg-type]
            proposal=proposal,
            **values,
        )
        return Response(s.ChangeProposalSerializer(proposal).data)

    @extend_schema(request=s.RequiredCommentSerializer, responses={200: s.ChangeProposalSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """A civil-society stakeholder rejects the change, saying why."""
        proposal = self.permitted(self.get_object(), Action.ENDORSE)
        values = valid(s.RequiredCommentSerializer, request)
        proposal = commitment_changes.reject_change_proposal(
            actor=request.user,  # type: ignore[arg-type]
            proposal=proposal,
            **values,
        )
        return Response(s.ChangeProposalSerializer(proposal).data)

    @extend_schema(request=None, responses={200: s.ChangeProposalSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Its proposer, or the plan's Point of Contact, withdraws the change while it waits."""
        proposal = self.permitted(self.get_object(), Action.EDIT)
        proposal = commitment_changes.withdraw_change_proposal(
            actor=request.user,  # type: ignore[arg-type]
            proposal=proposal,
        )
        return Response(s.ChangeProposalSerializer(proposal).data)


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
        values = valid(s.TrackerUpdateWriteSerializer, request)
        commitment = self.permitted(
            self.visible(Commitment, values.pop("commitment"), "commitment"), Action.EDIT
        )
        update = save_tracker_update(actor=request.user, commitment=commitment, **values)  # type: ignore[arg-type]
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
            actor=request.user,  # type: ignore[arg-type]
            update=update,
            evidence_files=values["evidence_files"],
        )
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
        values = valid(s.MeetingWriteSerializer, request)
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
        values = valid(s.EndorsementWriteSerializer, request)
        plan = self.permitted(self.visible(ActionPlan, values["plan"], "plan"), Action.ENDORSE)
        endorsement = plan_services.endorse_plan(
            actor=request.user,  # type: ignore[arg-type]
            plan=plan,
            organisation=values["organisation"],
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
        values = valid(s.AssessmentUploadSerializer, request)
        plan = self.permitted(self.visible(ActionPlan, values["plan"], "plan"), Action.ASSESS)
        commitment = None
        if values.get("commitment"):
            commitment = self.visible(Commitment, values["commitment"], "commitment")
        findings = values["findings"]
        if not isinstance(findings, dict):
            from rest_framework.exceptions import ValidationError

            raise ValidationError({"findings": [_("Send the findings as a JSON object.")]})
        assessment = record_assessment(
            actor=request.user,  # type: ignore[arg-type]
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
        assessment = publish_assessment(actor=request.user, assessment=assessment)  # type: ignore[arg-type]
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
        add_assessment_annexes(
            actor=request.user,  # type: ignore[arg-type]
            assessment=assessment,
            annexes=values["annexes"],
        )
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
        filed = member_services.request_extension(
            actor=request.user,  # type: ignore[arg-type]
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
        decided = member_services.decide_extension(
            actor=request.user,  # type: ignore[arg-type]
            request=filed,
            **values,
        )
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
        filed = member_services.request_voluntary_inactivity(
            actor=request.user,  # type: ignore[arg-type]
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
        decided = member_services.decide_voluntary_inactivity(
            actor=request.user,  # type: ignore[arg-type]
            request=filed,
            **values,
        )
        return Response(s.VoluntaryInactivityRequestSerializer(decided).data)


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

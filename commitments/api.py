"""The API of commitments, their milestones and proposed changes: read through
`restrict(user, action)`, written through the business actions of commitments/services.py,
changes.py and completion.py."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from action_plans.models import ActionPlan, Meeting
from commitments import changes, completion, services
from commitments import serializers as s
from commitments.content import CommitmentContent
from commitments.models import ChangeProposal, Commitment, Milestone
from members.serializers import ReasonSerializer
from members.tenancy import Action
from ogplocal.api.base import TenantViewSet
from ogplocal.api.fields import ID_FILTER, valid


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
        commitment = services.create_commitment(
            actor=self.actor,
            plan=plan,
            ref=values.pop("ref"),
            content=CommitmentContent.from_data(values),
        )
        return Response(s.CommitmentSerializer(commitment).data, status=201)

    @extend_schema(request=s.CommitmentAmendSerializer, responses={200: s.CommitmentSerializer})
    def partial_update(self, request: Request, pk: str) -> Response:
        """Amend a commitment (within the change window of docs/rules.md §3.1)."""
        commitment = self.permitted(self.get_object(), Action.EDIT)
        values = valid(s.CommitmentAmendSerializer, request)
        commitment = changes.amend_commitment(
            actor=self.actor, commitment=commitment, content=CommitmentContent.from_data(values)
        )
        return Response(s.CommitmentSerializer(commitment).data)

    @extend_schema(request=ReasonSerializer, responses={200: s.CommitmentSerializer})
    @action(detail=True, methods=["post"], url_path="request-withdrawal")
    def request_withdrawal(self, request: Request, pk: str) -> Response:
        """The POC asks the Support Unit to withdraw the commitment, with a written reason."""
        commitment = self.permitted(self.get_object(), Action.SUBMIT)
        values = valid(ReasonSerializer, request)
        commitment = completion.request_withdrawal(
            actor=self.actor, commitment=commitment, **values
        )
        return Response(s.CommitmentSerializer(commitment).data)

    @extend_schema(request=s.WithdrawalDecisionSerializer, responses={200: s.CommitmentSerializer})
    @action(detail=True, methods=["post"], url_path="decide-withdrawal")
    def decide_withdrawal(self, request: Request, pk: str) -> Response:
        """The Support Unit approves or refuses a requested withdrawal."""
        commitment = self.permitted(self.get_object(), Action.DECIDE)
        values = valid(s.WithdrawalDecisionSerializer, request)
        commitment = completion.decide_withdrawal(actor=self.actor, commitment=commitment, **values)
        return Response(s.CommitmentSerializer(commitment).data)

    @extend_schema(
        request=s.ChangeProposalWriteSerializer, responses={201: s.ChangeProposalSerializer}
    )
    @action(detail=True, methods=["post"], url_path="propose-change")
    def propose_change(self, request: Request, pk: str) -> Response:
        """A POC or officer proposes a change for a stakeholder to approve (only what changes)."""
        commitment = self.permitted(self.get_object(), Action.EDIT)
        values = valid(s.ChangeProposalWriteSerializer, request)
        proposal = changes.propose_commitment_change(
            actor=self.actor,
            commitment=commitment,
            content=CommitmentContent.from_data(values),
            summary=values["summary"],
        )
        return Response(s.ChangeProposalSerializer(proposal).data, status=201)


class SubmittedPlanCommitments(TenantViewSet):
    """The plans' action `POST /api/v1/plans/{id}/commitments/`: a commitment added to a
    submitted plan. The router composes it into the plans' viewset (ogplocal/api/urls.py), since
    action_plans, below this app, does not import it."""

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
            changes.Approval(approver_name=name, evidence=evidence) if name or evidence else None
        )
        commitment = services.add_commitment_to_submitted_plan(
            actor=self.actor,
            plan=plan,
            ref=values.pop("ref"),
            content=CommitmentContent.from_data(values),
            co_creation_meeting=meeting,
            approval=approval,
        )
        return Response(s.CommitmentSerializer(commitment).data, status=201)


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
    read_action = Action.VIEW_PRIVATE

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset.order_by("commitment_id", "pk")

    @extend_schema(request=s.CommentSerializer, responses={200: s.ChangeProposalSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: Request, pk: str) -> Response:
        """A civil-society stakeholder approves the change: it is applied."""
        proposal = self.permitted(self.get_object(), Action.ENDORSE)
        values = valid(s.CommentSerializer, request)
        proposal = changes.approve_change_proposal(actor=self.actor, proposal=proposal, **values)
        return Response(s.ChangeProposalSerializer(proposal).data)

    @extend_schema(request=s.RequiredCommentSerializer, responses={200: s.ChangeProposalSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request: Request, pk: str) -> Response:
        """A civil-society stakeholder rejects the change, saying why."""
        proposal = self.permitted(self.get_object(), Action.ENDORSE)
        values = valid(s.RequiredCommentSerializer, request)
        proposal = changes.reject_change_proposal(actor=self.actor, proposal=proposal, **values)
        return Response(s.ChangeProposalSerializer(proposal).data)

    @extend_schema(request=None, responses={200: s.ChangeProposalSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request: Request, pk: str) -> Response:
        """Its proposer, or the plan's Point of Contact, withdraws the change while it waits."""
        proposal = self.permitted(self.get_object(), Action.EDIT)
        proposal = changes.withdraw_change_proposal(actor=self.actor, proposal=proposal)
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

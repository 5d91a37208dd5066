"""What the API reads and writes of commitments, their milestones and proposed changes (views:
commitments/api.py)."""

from __future__ import annotations

from rest_framework import serializers

from commitments.models import ChangeProposal, Commitment, Milestone
from ogplocal.api.fields import ID_FILTER, Plain, Row, text

# --- Reads ------------------------------------------------------------------------------------


class MilestoneSerializer(Row):
    class Meta:
        model = Milestone
        fields = ("id", "commitment", "title", "due_on", "done_on", "position")


class CommitmentSerializer(Row):
    policy_areas = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    milestones = MilestoneSerializer(many=True, read_only=True)

    class Meta:
        model = Commitment
        fields = (
            "id", "plan", "ref", "title", "problem", "status_quo", "actions", "objectives",
            "lead_agency", "partners", "policy_areas", "starts_on", "ends_on", "added_on",
            "completed_on", "withdrawn_on", "milestones", "updated_at",
        )  # fmt: skip


class ChangeProposalSerializer(Row):
    class Meta:
        model = ChangeProposal
        fields = (
            "id", "commitment", "proposed_on", "summary", "content", "before", "state",
            "decided_on", "decision_comment",
        )  # fmt: skip


# --- Writes: each is the keyword arguments of one business action ------------------------------


class MilestoneInputSerializer(Plain):
    id = serializers.IntegerField(required=False, **ID_FILTER)
    title = serializers.CharField(max_length=300)
    due_on = serializers.DateField(required=False, allow_null=True)
    done_on = serializers.DateField(required=False, allow_null=True)


class CommitmentWriteFields(Plain):
    title = serializers.CharField(max_length=300)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    problem = text()
    status_quo = text()
    actions = text()
    objectives = text()
    lead_agency = text(200)
    partners = text()
    policy_areas = serializers.ListField(
        child=serializers.SlugField(max_length=60), required=False, default=list, max_length=30
    )
    milestones = MilestoneInputSerializer(many=True, required=False, default=list)


class CommitmentCreateSerializer(CommitmentWriteFields):
    plan = serializers.IntegerField(**ID_FILTER)
    ref = serializers.SlugField(max_length=60)


class SubmittedCommitmentSerializer(CommitmentWriteFields):
    ref = serializers.SlugField(max_length=60)
    co_creation_meeting = serializers.IntegerField(required=False, allow_null=True, **ID_FILTER)
    approver_name = text(200)
    approval_evidence = text()


class CommitmentAmendSerializer(Plain):
    title = serializers.CharField(max_length=300, required=False)
    problem = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    status_quo = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    actions = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    objectives = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    lead_agency = serializers.CharField(max_length=200, allow_blank=True, required=False)
    partners = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)


class WithdrawalDecisionSerializer(Plain):
    approve = serializers.BooleanField()
    comments = text()


class ChangeProposalWriteSerializer(CommitmentAmendSerializer):
    policy_areas = serializers.ListField(
        child=serializers.SlugField(max_length=60), required=False, max_length=30
    )
    milestones = MilestoneInputSerializer(many=True, required=False)
    summary = serializers.CharField(max_length=20000)


class CommentSerializer(Plain):
    comment = text()


class RequiredCommentSerializer(Plain):
    comment = serializers.CharField(max_length=20000)

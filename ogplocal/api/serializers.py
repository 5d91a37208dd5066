"""What the API reads and writes. Reads are model serializers over restricted querysets; writes
are plain serializers whose validated data become the keyword arguments of a business action."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from action_plans.models import ActionPlan, Endorsement, Meeting
from assessments.models import Assessment
from commitments.models import ChangeProposal, Commitment, Milestone
from members.models import (
    ExtensionRequest,
    Invitation,
    Jurisdiction,
    Notification,
    Role,
    Status,
    StatusOverride,
    VoluntaryInactivityRequest,
)
from tracker.models import Completion, TrackerUpdate


class Row(serializers.ModelSerializer[Any]):
    """A read of a model row."""


class Plain(serializers.Serializer[Any]):
    """A plain shape: a write's arguments, or a read that is not a row."""


# --- Reads ------------------------------------------------------------------------------------


class DeadlineSerializer(Plain):
    kind = serializers.CharField()
    due = serializers.DateField()
    met_on = serializers.DateField(allow_null=True)
    ref = serializers.CharField(allow_blank=True, allow_null=True)


class EvaluationSerializer(Plain):
    """The rules' evaluation today (DESIGN.md §5 `evaluate_status --json`)."""

    status = serializers.CharField()
    since = serializers.DateField()
    reasons = serializers.ListField(child=serializers.CharField())
    deadlines = DeadlineSerializer(many=True)


class JurisdictionSerializer(Row):
    country = serializers.CharField(source="country.code")
    evaluation = serializers.SerializerMethodField()

    class Meta:
        model = Jurisdiction
        fields = (
            "id", "slug", "name", "country", "time_zone", "has_elections", "joined_on",
            "status", "status_since", "status_reasons", "evaluation",
        )  # fmt: skip

    @extend_schema_field(EvaluationSerializer(allow_null=True))
    def get_evaluation(self, jurisdiction: Jurisdiction) -> dict[str, Any] | None:
        evaluations = self.context.get("evaluations", {})
        return evaluations.get(jurisdiction.pk)


class PlanSerializer(Row):
    jurisdictions = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    lead_jurisdiction = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    monitoring_body = serializers.StringRelatedField()

    class Meta:
        model = ActionPlan
        fields = (
            "id", "ref", "title", "lead_jurisdiction", "jurisdictions", "starts_on", "ends_on",
            "submitted_on", "review", "forum", "vision", "principles", "objectives",
            "engagement", "monitoring_body", "monitoring_body_endorsed_on", "updated_at",
        )  # fmt: skip


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


class TrackerUpdateSerializer(Row):
    class Meta:
        model = TrackerUpdate
        fields = (
            "id", "commitment", "quarter", "submitted_on", "percent", "completion", "narrative",
            "milestone_states", "evidence_links", "updated_at",
        )  # fmt: skip


class MeetingSerializer(Row):
    class Meta:
        model = Meeting
        fields = (
            "id", "plan", "held_on", "kind", "government_participants",
            "non_governmental_participants", "minutes",
        )  # fmt: skip


class EndorsementSerializer(Row):
    class Meta:
        model = Endorsement
        fields = ("id", "plan", "name", "organisation", "endorsed_on")


class AssessmentSerializer(Row):
    has_report = serializers.SerializerMethodField()

    class Meta:
        model = Assessment
        fields = (
            "id", "kind", "plan", "commitment", "submitted_on", "findings", "published",
            "published_on", "has_report",
        )  # fmt: skip

    def get_has_report(self, assessment: Assessment) -> bool:
        return bool(assessment.report)


class ExtensionRequestSerializer(Row):
    jurisdiction = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = ExtensionRequest
        fields = (
            "id", "jurisdiction", "requested_on", "requested_until", "reason", "decision",
            "decided_on", "granted_until", "decision_reason",
        )  # fmt: skip


class VoluntaryInactivityRequestSerializer(Row):
    jurisdiction = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = VoluntaryInactivityRequest
        fields = (
            "id", "jurisdiction", "requested_on", "starts_on", "ends_on", "reason", "decision",
            "decided_on", "decision_reason",
        )  # fmt: skip


class NotificationSerializer(Row):
    jurisdiction = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Notification
        fields = (
            "id", "jurisdiction", "topic", "deadline_kind", "ref", "due", "subject", "body_text",
            "created_at", "sent_at",
        )  # fmt: skip


# --- Writes: each is the keyword arguments of one business action ------------------------------


def text(max_length: int = 20000) -> serializers.CharField:
    """An optional text: blank by default."""
    return serializers.CharField(
        max_length=max_length, allow_blank=True, required=False, default=""
    )


class PlanCreateSerializer(Plain):
    jurisdiction = serializers.SlugField(max_length=100)
    ref = serializers.SlugField(max_length=100)
    title = text(300)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    joint_with = serializers.ListField(
        child=serializers.SlugField(max_length=100), required=False, default=list, max_length=20
    )


class PlanUpdateSerializer(Plain):
    title = serializers.CharField(max_length=300, allow_blank=True, required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False)
    forum = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    vision = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    principles = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    objectives = serializers.CharField(max_length=20000, allow_blank=True, required=False)
    engagement = serializers.CharField(max_length=20000, allow_blank=True, required=False)


class SubmissionSerializer(Plain):
    plan = PlanSerializer(read_only=True)
    notices = serializers.ListField(child=serializers.CharField(), read_only=True)


class MilestoneInputSerializer(Plain):
    id = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
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
    plan = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    ref = serializers.SlugField(max_length=60)


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


class TrackerUpdateWriteSerializer(Plain):
    commitment = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    quarter = serializers.RegexField(r"^[0-9]{4}Q[1-4]$", max_length=6)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    completion = serializers.ChoiceField(
        choices=[("", ""), *Completion.choices], required=False, default=""
    )
    narrative = text()
    evidence_links = serializers.ListField(
        child=serializers.URLField(max_length=500), required=False, default=list, max_length=20
    )
    submit = serializers.BooleanField(required=False, default=False)


class MeetingWriteSerializer(Plain):
    plan = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    held_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    government_participants = serializers.IntegerField(min_value=0, max_value=100000)
    non_governmental_participants = serializers.IntegerField(min_value=0, max_value=100000)
    minutes = text()


class EndorsementWriteSerializer(Plain):
    plan = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    organisation = text(200)


class AssessmentUploadSerializer(Plain):
    plan = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices)
    commitment = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True
    )
    report = serializers.FileField()
    findings = serializers.JSONField(required=False, default=dict)


class ExtensionRequestWriteSerializer(Plain):
    jurisdiction = serializers.SlugField(max_length=100)
    requested_until = serializers.DateField()
    reason = serializers.CharField(max_length=20000)


class VoluntaryInactivityWriteSerializer(Plain):
    jurisdiction = serializers.SlugField(max_length=100)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=20000)


# --- Workflows: each is the keyword arguments of one business action (issue 9 "every workflow") --

ID = {"min_value": 1, "max_value": 2**31 - 1}


class ChangeProposalSerializer(Row):
    class Meta:
        model = ChangeProposal
        fields = (
            "id", "commitment", "proposed_on", "summary", "content", "before", "state",
            "decided_on", "decision_comment",
        )  # fmt: skip


class InvitationSerializer(Row):
    jurisdiction = serializers.SlugRelatedField(slug_field="slug", read_only=True)

    class Meta:
        model = Invitation
        fields = ("id", "jurisdiction", "email", "role", "created_at", "expires_at")


class StatusOverrideSerializer(Row):
    jurisdiction = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    # Documented with every status (one enum in the schema); the model's choices are a subset.
    status = serializers.ChoiceField(choices=Status.choices, read_only=True)

    class Meta:
        model = StatusOverride
        fields = ("id", "jurisdiction", "status", "starts_on", "ends_on", "withdrawn_on", "reason")


class ReinstatementSerializer(Plain):
    id = serializers.IntegerField()
    jurisdiction = serializers.CharField(source="jurisdiction.slug")
    on = serializers.DateField()
    reason = serializers.CharField()


class ExtensionDecisionSerializer(Plain):
    grant = serializers.BooleanField()
    granted_until = serializers.DateField(required=False, allow_null=True, default=None)
    reason = text()


class VoluntaryDecisionSerializer(Plain):
    approve = serializers.BooleanField()
    reason = text()


class FirstPlanDeadlineSerializer(Plain):
    deadline = serializers.DateField()
    reason = text()


class OverrideStatusSerializer(Plain):
    status = serializers.ChoiceField(choices=Status.choices)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=20000)


class WithdrawOverrideSerializer(Plain):
    override = serializers.IntegerField(**ID)
    reason = text()


class ReasonSerializer(Plain):
    reason = serializers.CharField(max_length=20000)


class InviteSerializer(Plain):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)


class ReviewSerializer(Plain):
    accept = serializers.BooleanField()
    comments = text()


class EndorserSerializer(Plain):
    name = serializers.CharField(max_length=200)
    organisation = text(200)
    endorsed_on = serializers.DateField(required=False, allow_null=True, default=None)


class SubmittedCommitmentSerializer(CommitmentWriteFields):
    ref = serializers.SlugField(max_length=60)
    co_creation_meeting = serializers.IntegerField(required=False, allow_null=True, **ID)
    approver_name = text(200)
    approval_evidence = text()


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


class EvidenceUploadSerializer(Plain):
    evidence_files = serializers.ListField(
        child=serializers.FileField(), min_length=1, max_length=20
    )


class AnnexUploadSerializer(Plain):
    annexes = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=20)

"""What the API reads and writes of members: jurisdictions, their requests to the Support Unit
and its decisions, invitations and notifications (views: members/api.py, and portal/status/api.py
for the jurisdictions, which carry the rules' evaluation)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

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
from ogplocal.api.fields import ID_FILTER, Plain, Row, text

# --- Reads ------------------------------------------------------------------------------------


class DeadlineSerializer(Plain):
    kind = serializers.CharField()
    due = serializers.DateField()
    met_on = serializers.DateField(allow_null=True)
    ref = serializers.CharField(allow_blank=True, allow_null=True)


class EvaluationSerializer(Plain):
    """The rules' evaluation today (docs/exchange.md §5 `evaluate_status --json`)."""

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


# --- Writes: each is the keyword arguments of one business action ------------------------------


class ExtensionRequestWriteSerializer(Plain):
    jurisdiction = serializers.SlugField(max_length=100)
    requested_until = serializers.DateField()
    reason = serializers.CharField(max_length=20000)


class VoluntaryInactivityWriteSerializer(Plain):
    jurisdiction = serializers.SlugField(max_length=100)
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    reason = serializers.CharField(max_length=20000)


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
    override = serializers.IntegerField(**ID_FILTER)
    reason = text()


# Also the body of a commitment's withdrawal request (commitments/api.py).
class ReasonSerializer(Plain):
    reason = serializers.CharField(max_length=20000)


class InviteSerializer(Plain):
    email = serializers.EmailField(max_length=254)
    role = serializers.ChoiceField(choices=Role.choices)

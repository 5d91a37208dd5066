"""What the API reads and writes of action plans, their meetings and endorsements (views:
action_plans/api.py)."""

from __future__ import annotations

from rest_framework import serializers

from action_plans.models import ActionPlan, Endorsement, Meeting
from ogplocal.api.fields import ID_FILTER, Plain, Row, text

# --- Reads ------------------------------------------------------------------------------------


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


class SubmissionSerializer(Plain):
    plan = PlanSerializer(read_only=True)
    notices = serializers.ListField(child=serializers.CharField(), read_only=True)


# --- Writes: each is the keyword arguments of one business action ------------------------------


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


class ReviewSerializer(Plain):
    accept = serializers.BooleanField()
    comments = text()


class EndorserSerializer(Plain):
    name = serializers.CharField(max_length=200)
    organisation = text(200)
    endorsed_on = serializers.DateField(required=False, allow_null=True, default=None)


class MeetingWriteSerializer(Plain):
    plan = serializers.IntegerField(**ID_FILTER)
    held_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices)
    government_participants = serializers.IntegerField(min_value=0, max_value=100000)
    non_governmental_participants = serializers.IntegerField(min_value=0, max_value=100000)
    minutes = text()


class EndorsementWriteSerializer(Plain):
    plan = serializers.IntegerField(**ID_FILTER)
    organisation = text(200)

"""What the API reads and writes of the quarterly tracker (views: tracker/api.py)."""

from __future__ import annotations

from rest_framework import serializers

from ogplocal.api.fields import ID_FILTER, Plain, Row, text
from tracker.models import Completion, TrackerUpdate


class TrackerUpdateSerializer(Row):
    class Meta:
        model = TrackerUpdate
        fields = (
            "id", "commitment", "quarter", "submitted_on", "percent", "completion", "narrative",
            "milestone_states", "evidence_links", "updated_at",
        )  # fmt: skip


# --- Writes: each is the keyword arguments of one business action ------------------------------


class TrackerUpdateWriteSerializer(Plain):
    commitment = serializers.IntegerField(**ID_FILTER)
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


class EvidenceUploadSerializer(Plain):
    evidence_files = serializers.ListField(
        child=serializers.FileField(), min_length=1, max_length=20
    )

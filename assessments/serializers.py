"""What the API reads and writes of assessments (views: assessments/api.py)."""

from __future__ import annotations

from rest_framework import serializers

from assessments.models import Assessment
from ogplocal.api.fields import ID_FILTER, Plain, Row


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


# --- Writes: each is the keyword arguments of one business action ------------------------------


class AssessmentUploadSerializer(Plain):
    plan = serializers.IntegerField(**ID_FILTER)
    kind = serializers.ChoiceField(choices=Assessment.Kind.choices)
    commitment = serializers.IntegerField(required=False, allow_null=True, **ID_FILTER)
    report = serializers.FileField()
    findings = serializers.JSONField(required=False, default=dict)


class AnnexUploadSerializer(Plain):
    annexes = serializers.ListField(child=serializers.FileField(), min_length=1, max_length=20)

"""Quarterly tracker updates of commitments (DESIGN.md §2, §3.1 "Tracker updates", §3.2)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import Commitment
from ogplocal.records import SubmittedQuerySet, SubmittedRecord

QUARTER_PATTERN = r"^[0-9]{4}Q[1-4]$"


class Completion(models.TextChoices):
    """The completion scale of OGP's Independent Reporting Mechanism."""

    NOT_STARTED = "not_started", _("not started")
    LIMITED = "limited", _("limited")
    SUBSTANTIAL = "substantial", _("substantial")
    COMPLETE = "complete", _("complete")


class TrackerUpdateQuerySet(SubmittedQuerySet):
    jurisdiction_path = "commitment__plan__jurisdictions"

    def public_filter(self) -> Q:
        return Q(submitted_on__isnull=False, commitment__plan__submitted_on__isnull=False)

    def monitoring_body_filter(self) -> Q:
        return Q(commitment__plan__submitted_on__isnull=False)

    def submitted(self) -> TrackerUpdateQuerySet:
        return self.filter(submitted_on__isnull=False)


class TrackerUpdate(SubmittedRecord):
    """One update per commitment and quarter; a draft until `submitted_on` is set."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="updates")
    quarter = models.CharField(
        _("reporting quarter"),
        max_length=6,
        validators=[RegexValidator(QUARTER_PATTERN, _("A quarter is written like 2027Q2."))],
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    percent = models.PositiveSmallIntegerField(
        _("percent complete"), default=0, validators=[MaxValueValidator(100)]
    )
    completion = models.CharField(
        _("completion level"), max_length=20, choices=Completion.choices, blank=True
    )
    narrative = models.TextField(_("narrative"), blank=True)
    # {milestone id: "not_started" | "in_progress" | "done"} as the POC reported them.
    milestone_states = models.JSONField(_("milestone states"), default=dict, blank=True)
    evidence_links = models.JSONField(_("evidence links"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TrackerUpdateQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("commitment", "quarter")
        constraints = [
            models.UniqueConstraint(
                fields=("commitment", "quarter"),
                name="%(app_label)s_%(class)s_one_per_quarter",
                violation_error_message=_(
                    "This commitment already has an update for this quarter."
                ),
            ),
            models.CheckConstraint(
                condition=Q(percent__gte=0, percent__lte=100),
                name="%(app_label)s_%(class)s_percent_range",
                violation_error_message=_("Percent complete is between 0 and 100."),
            ),
            models.CheckConstraint(
                condition=Q(quarter__regex=QUARTER_PATTERN),
                name="%(app_label)s_%(class)s_quarter_format",
                violation_error_message=_("A quarter is written like 2027Q2."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.commitment} — {self.quarter}"

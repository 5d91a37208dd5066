"""Quarterly tracker updates of commitments (docs/rules.md §2, §3.1 "Tracker updates", §3.2)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from commitments.models import Commitment
from members.tenancy import NO_ROW, SubmittedQuerySet
from ogplocal.dates import QUARTER_PATTERN
from ogplocal.records import SubmittedRecord


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


# Issue 4 §4 and issue 5 §3: at most five files of evidence per update, each checked by
# `ogplocal.uploads` (profile TRACKER_EVIDENCE: PDF, DOCX, ODT, PNG or JPEG, 20 MB at most).
MAX_EVIDENCE_FILES = 5


class EvidenceFileQuerySet(SubmittedQuerySet):
    """Evidence files are private: the jurisdiction's team reads them, the selected monitoring
    body once the plan is submitted, the Support Unit always; never the public (nor open data)."""

    jurisdiction_path = "update__commitment__plan__jurisdictions"

    def public_filter(self) -> Q:
        return NO_ROW

    def monitoring_body_filter(self) -> Q:
        return Q(update__commitment__plan__submitted_on__isnull=False)

    def live(self) -> EvidenceFileQuerySet:
        """The files not removed from their update."""
        return self.filter(removed_on__isnull=True)


class EvidenceFile(SubmittedRecord):
    """A file of evidence of a tracker update, stored under a server-made name (`file`).

    `original_name` is the name the person gave, made safe (`ogplocal.uploads.display_name`);
    `content_type` is the type decided from the content. A file is never deleted: removed from a
    draft update, it keeps its row and bytes with `removed_on` and `removed_by`.
    """

    update = models.ForeignKey(
        TrackerUpdate, on_delete=models.PROTECT, related_name="evidence_files"
    )
    file = models.FileField(_("file"), upload_to="tracker/", max_length=200)
    original_name = models.CharField(_("name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    removed_on = models.DateTimeField(_("removed on"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )

    objects = EvidenceFileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("update", "pk")
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        constraints = [
            models.CheckConstraint(
                condition=Q(size__gt=0),
                name="%(app_label)s_%(class)s_not_empty",
                violation_error_message=_("An evidence file is not empty."),
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True, removed_by__isnull=True)
                | Q(removed_on__isnull=False),
                name="%(app_label)s_%(class)s_removed_with_date",
                violation_error_message=_("A removed evidence file says when it was removed."),
            ),
        ]

    def __str__(self) -> str:
        return self.original_name

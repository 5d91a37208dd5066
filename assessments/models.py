"""The monitoring body's three kinds of assessment (docs/rules.md §2, §3.2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from action_plans.models import ActionPlan, PlanChildQuerySet
from commitments.models import Commitment
from members.models import MonitoringBody
from members.tenancy import SubmittedQuerySet
from ogplocal.records import SubmittedRecord


class AssessmentQuerySet(PlanChildQuerySet):
    def public_filter(self) -> Q:
        return Q(published=True, submitted_on__isnull=False)

    def published(self) -> AssessmentQuerySet:
        return self.filter(published=True, submitted_on__isnull=False)


class Assessment(SubmittedRecord):
    class Kind(models.TextChoices):
        INCEPTION = "inception", _("inception assessment")
        END_OF_COMMITMENT = "end_of_commitment", _("end-of-commitment assessment")
        FINAL_LEARNING_EXERCISE = "final_learning_exercise", _("final learning exercise")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="assessments")
    commitment = models.ForeignKey(
        Commitment,
        on_delete=models.PROTECT,
        related_name="assessments",
        null=True,
        blank=True,
        help_text=_("Only for an end-of-commitment assessment."),
    )
    monitoring_body = models.ForeignKey(
        MonitoringBody, on_delete=models.PROTECT, related_name="assessments", null=True, blank=True
    )
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    report = models.FileField(_("report"), upload_to="assessments/", blank=True)
    # Structured findings: for inception, each minimum requirement met or not; for the final
    # learning exercise, lessons and recommendations (see the assessments issue for the shape).
    findings = models.JSONField(_("findings"), default=dict, blank=True)
    published = models.BooleanField(_("published"), default=False)
    published_on = models.DateField(_("published on"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("plan", "kind", "submitted_on")
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="end_of_commitment") & Q(commitment__isnull=False))
                | (~Q(kind="end_of_commitment") & Q(commitment__isnull=True)),
                name="%(app_label)s_%(class)s_commitment_iff_end_of_commitment",
                violation_error_message=_(
                    "An end-of-commitment assessment names its commitment; the others do not."
                ),
            ),
            models.UniqueConstraint(
                fields=("plan", "kind"),
                condition=~Q(kind="end_of_commitment"),
                name="%(app_label)s_%(class)s_one_per_plan_and_kind",
                violation_error_message=_("This plan already has an assessment of this kind."),
            ),
            models.UniqueConstraint(
                fields=("commitment",),
                condition=Q(kind="end_of_commitment"),
                name="%(app_label)s_%(class)s_one_per_commitment",
                violation_error_message=_("This commitment already has its assessment."),
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(submitted_on__isnull=False),
                name="%(app_label)s_%(class)s_published_when_submitted",
                violation_error_message=_("Only a submitted assessment can be published."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.plan}"

    @property
    def report_filename(self) -> str:
        """The download name of the report: its kind and what it assesses."""
        subject = self.commitment.ref if self.commitment_id else self.plan.ref  # type: ignore[union-attr]
        return f"{self.kind}-{subject}"


class AssessmentFileQuerySet(SubmittedQuerySet):
    """An annex is read by whoever may read its assessment."""

    jurisdiction_path = "assessment__plan__jurisdictions"

    def public_filter(self) -> Q:
        return Q(assessment__published=True, assessment__submitted_on__isnull=False)

    def monitoring_body_filter(self) -> Q:
        return Q(assessment__plan__submitted_on__isnull=False)


class AssessmentFile(SubmittedRecord):
    """An annex of an assessment: a PDF, DOCX or ODT file checked by `ogplocal.uploads`.

    Stored under a server-made name (`file`); `name` is the name the monitoring body gave, made
    safe, shown on the page and used for the download. An assessment has at most
    `MAX_FILES_PER_ASSESSMENT` files, its report included.
    """

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="files")
    file = models.FileField(_("file"), upload_to="assessments/", max_length=200)
    name = models.CharField(_("name"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AssessmentFileQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("assessment", "pk")
        verbose_name = _("assessment annex")
        verbose_name_plural = _("assessment annexes")

    def __str__(self) -> str:
        return self.name

"""Commitments with their milestones and policy areas, and the record of approved changes (§2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from action_plans.models import ActionPlan, PlanChildQuerySet
from members.tenancy import NO_ROW, SubmittedQuerySet
from ogplocal.records import SubmittedRecord


class PolicyArea(models.Model):
    """The taxonomy the Support Unit keeps; the ten Open Gov Challenge areas are flagged."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    is_challenge_area = models.BooleanField(_("Open Gov Challenge area"), default=False)

    class Meta:
        ordering = ("-is_challenge_area", "name")
        verbose_name = _("policy area")
        verbose_name_plural = _("policy areas")

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the reader's language: the seeded names are in the catalogues
        (commitments.taxonomy); a name the Support Unit added later shows as written."""
        return gettext(self.name)


class CommitmentQuerySet(PlanChildQuerySet):
    def public_filter(self) -> Q:
        return Q(plan__submitted_on__isnull=False)


class Commitment(SubmittedRecord):
    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="commitments")
    ref = models.SlugField(_("reference"), max_length=60)
    title = models.CharField(_("title"), max_length=300)
    problem = models.TextField(_("problem"), blank=True)
    status_quo = models.TextField(_("status quo"), blank=True)
    actions = models.TextField(_("what will be done"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    lead_agency = models.CharField(_("lead agency"), max_length=200, blank=True)
    partners = models.TextField(_("partners"), blank=True)
    policy_areas = models.ManyToManyField(PolicyArea, related_name="commitments", blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    added_on = models.DateField(
        _("added on"),
        null=True,
        blank=True,
        help_text=_(
            "The plan's submission for the first commitments; the day a later one was added."
        ),
    )
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)
    withdrawal_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CommitmentQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[policy_areas])

    class Meta:
        ordering = ("plan", "ref")
        constraints = [
            models.UniqueConstraint(
                fields=("plan", "ref"),
                name="%(app_label)s_%(class)s_unique_ref",
                violation_error_message=_(
                    "This plan already has a commitment with this reference."
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="%(app_label)s_%(class)s_starts_before_end",
                violation_error_message=_("A commitment starts on or before its end."),
            ),
            models.CheckConstraint(
                condition=Q(completed_on__isnull=True) | Q(withdrawn_on__isnull=True),
                name="%(app_label)s_%(class)s_not_completed_and_withdrawn",
                violation_error_message=_("A commitment is completed or withdrawn, not both."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class CommitmentChildQuerySet(SubmittedQuerySet):
    jurisdiction_path = "commitment__plan__jurisdictions"

    def monitoring_body_filter(self) -> Q:
        return Q(commitment__plan__submitted_on__isnull=False)


class MilestoneQuerySet(CommitmentChildQuerySet):
    def public_filter(self) -> Q:
        return Q(commitment__plan__submitted_on__isnull=False)


class Milestone(SubmittedRecord):
    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("title"), max_length=300)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    objects = MilestoneQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("commitment", "position", "due_on")

    def __str__(self) -> str:
        return self.title


class CommitmentChange(SubmittedRecord):
    """A change to a commitment's content inside the change window, with its approval (§3.1)."""

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="changes")
    changed_on = models.DateField(_("changed on"))
    summary = models.TextField(_("what changed"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="approved_changes",
        null=True,
        blank=True,
        help_text=_("The stakeholder who approved the change in the portal."),
    )
    approver_name = models.CharField(
        _("approved outside the portal by"), max_length=200, blank=True
    )
    approval_evidence = models.TextField(_("evidence of the approval"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CommitmentChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("commitment", "changed_on")
        constraints = [
            models.CheckConstraint(
                condition=Q(approved_by__isnull=False) | ~Q(approver_name=""),
                name="%(app_label)s_%(class)s_approved",
                violation_error_message=_("A change records who approved it."),
            ),
        ]

    def __str__(self) -> str:
        return f"Change to {self.commitment} on {self.changed_on}"


class ChangeProposalQuerySet(CommitmentChildQuerySet):
    """Proposals are the jurisdiction's own deliberation: never public, and not shown to the
    monitoring body (it reads the approved changes)."""

    def public_filter(self) -> Q:
        return NO_ROW

    def monitoring_body_filter(self) -> Q:
        return NO_ROW


class ChangeProposal(SubmittedRecord):
    """A change of a submitted plan's commitment proposed by its POC or an officer, waiting for a
    civil-society stakeholder of the jurisdiction to approve it in the portal (§3.1 "Changes")."""

    class State(models.TextChoices):
        PENDING = "pending", _("waiting for a stakeholder")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    commitment = models.ForeignKey(Commitment, on_delete=models.PROTECT, related_name="proposals")
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    proposed_on = models.DateField(_("proposed on"))
    summary = models.TextField(_("why it changes"))
    content = models.JSONField(
        _("proposed content"),
        default=dict,
        help_text=_("Only the fields that change, with their new values."),
    )
    before = models.JSONField(
        _("content before"),
        default=dict,
        help_text=_("The same fields as they were when the change was proposed."),
    )
    state = models.CharField(
        _("state"), max_length=12, choices=State.choices, default=State.PENDING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decision_comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ChangeProposalQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("commitment", "-created_at")
        verbose_name = _("change proposal")
        verbose_name_plural = _("change proposals")
        constraints = [
            models.UniqueConstraint(
                fields=("commitment",),
                condition=Q(state="pending"),
                name="%(app_label)s_%(class)s_one_pending",
                violation_error_message=_(
                    "A change of this commitment already waits for a stakeholder's approval."
                ),
            ),
            models.CheckConstraint(
                condition=(Q(state="pending") & Q(decided_on__isnull=True))
                | (~Q(state="pending") & Q(decided_on__isnull=False)),
                name="%(app_label)s_%(class)s_decided_when_not_pending",
                violation_error_message=_("A decided proposal records the day of its decision."),
            ),
        ]

    def __str__(self) -> str:
        return f"Proposed change to {self.commitment} on {self.proposed_on}"

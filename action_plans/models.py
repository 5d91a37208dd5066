"""Action plans, with their strategy, forum, meetings, endorsements and letters of support (§2)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from members.models import Jurisdiction, MonitoringBody
from members.tenancy import SubmittedQuerySet
from ogplocal.records import SubmittedRecord


class ActionPlanQuerySet(SubmittedQuerySet):
    jurisdiction_path = "jurisdictions"

    def public_filter(self) -> Q:
        # Submitted plans are public; drafts are the jurisdiction's own (docs/roles.md §1).
        return Q(submitted_on__isnull=False)

    def monitoring_body_filter(self) -> Q:
        return Q(submitted_on__isnull=False)


class ActionPlan(SubmittedRecord):
    """A plan of one jurisdiction, or a joint plan of several (docs/rules.md §2, §3.1)."""

    class Review(models.TextChoices):
        NONE = "", _("not reviewed")
        ACCEPTED = "accepted", _("accepted")
        RETURNED = "returned", _("returned with comments")

    ref = models.SlugField(_("reference"), max_length=100)
    lead_jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="led_plans",
        help_text=_("The first jurisdiction of the plan; the reference is unique within it."),
    )
    jurisdictions = models.ManyToManyField(
        Jurisdiction,
        related_name="action_plans",
        help_text=_("Every member of the plan, the lead included; several make a joint plan."),
    )
    title = models.CharField(_("title"), max_length=300, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    submitted_on = models.DateField(_("submitted on"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.NONE, blank=True
    )
    review_comments = models.TextField(_("review comments"), blank=True)
    reviewed_on = models.DateField(_("reviewed on"), null=True, blank=True)
    # The co-creation forum: the space for participation (minimum requirement "Forum").
    forum = models.TextField(_("co-creation forum"), blank=True)
    # The Local Open Government Strategy.
    vision = models.TextField(_("long-term vision"), blank=True)
    principles = models.TextField(_("principles"), blank=True)
    objectives = models.TextField(_("objectives for the period"), blank=True)
    engagement = models.TextField(_("mechanisms for engaging stakeholders"), blank=True)
    monitoring_body = models.ForeignKey(
        MonitoringBody,
        on_delete=models.PROTECT,
        related_name="action_plans",
        null=True,
        blank=True,
    )
    monitoring_body_endorsed_on = models.DateField(
        _("monitoring body endorsed by stakeholders on"), null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionPlanQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[jurisdictions])

    class Meta:
        ordering = ("lead_jurisdiction", "starts_on")
        constraints = [
            models.UniqueConstraint(
                fields=("lead_jurisdiction", "ref"),
                name="%(app_label)s_%(class)s_unique_ref",
                violation_error_message=_(
                    "This jurisdiction already has a plan with this reference."
                ),
            ),
            models.CheckConstraint(
                condition=Q(starts_on__lt=F("ends_on")),
                name="%(app_label)s_%(class)s_starts_before_end",
                violation_error_message=_("A plan starts before it ends."),
            ),
            models.CheckConstraint(
                condition=~Q(review="") | Q(reviewed_on__isnull=True),
                name="%(app_label)s_%(class)s_review_has_state",
                violation_error_message=_("A review date needs a review."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.lead_jurisdiction} {self.ref}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_on is not None


class PlanChildQuerySet(SubmittedQuerySet):
    """Rows of a plan: the monitoring body sees them once the plan is submitted."""

    jurisdiction_path = "plan__jurisdictions"

    def monitoring_body_filter(self) -> Q:
        return Q(plan__submitted_on__isnull=False)


class Meeting(SubmittedRecord):
    """A co-creation or implementation meeting of a plan (minimum requirements, §3.1 and §3.3)."""

    class Kind(models.TextChoices):
        CO_CREATION = "co_creation", _("co-creation")
        IMPLEMENTATION = "implementation", _("implementation")

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("held on"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    government_participants = models.PositiveIntegerField(_("government participants"), default=0)
    non_governmental_participants = models.PositiveIntegerField(
        _("non-governmental participants"), default=0
    )
    minutes = models.TextField(_("minutes"), blank=True)
    minutes_file = models.FileField(_("minutes or evidence"), upload_to="minutes/", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("plan", "held_on")
        constraints = [
            # The import's key for a meeting (docs/exchange.md §5).
            models.UniqueConstraint(
                fields=("plan", "held_on", "kind"),
                name="%(app_label)s_%(class)s_one_per_day_and_kind",
                violation_error_message=_("This plan already has a meeting of this kind that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} meeting on {self.held_on}"

    @property
    def has_non_governmental_participants(self) -> bool:
        return self.non_governmental_participants > 0


class Endorsement(SubmittedRecord):
    """A non-governmental stakeholder endorses a plan (minimum requirement "Endorsement")."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.PROTECT, related_name="endorsements")
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="endorsements",
        null=True,
        blank=True,
        help_text=_("The stakeholder's account, when they endorsed in the portal."),
    )
    endorsed_on = models.DateField(_("endorsed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanChildQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("plan", "name")
        constraints = [
            models.UniqueConstraint(
                fields=("plan", "name"),
                name="%(app_label)s_%(class)s_unique_name",
                violation_error_message=_("This person has already endorsed the plan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})" if self.organisation else self.name


class LetterOfSupportQuerySet(SubmittedQuerySet):
    """A letter uploaded with a draft plan is part of that draft: the selected monitoring body
    reads it once the plan is submitted, as the plan itself (docs/roles.md §1); a letter of the
    jurisdiction alone (no plan) it reads at once."""

    def monitoring_body_filter(self) -> Q:
        return Q(plan__isnull=True) | Q(plan__submitted_on__isnull=False)


class LetterOfSupport(SubmittedRecord):
    """The jurisdiction's letter of support; an updated one may come with each new plan (§2)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="letters_of_support"
    )
    plan = models.ForeignKey(
        ActionPlan,
        on_delete=models.PROTECT,
        related_name="letters_of_support",
        null=True,
        blank=True,
    )
    file = models.FileField(_("letter"), upload_to="letters/")
    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = LetterOfSupportQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("jurisdiction", "-uploaded_at")

    def __str__(self) -> str:
        return f"Letter of support of {self.jurisdiction} ({self.uploaded_at:%Y-%m-%d})"

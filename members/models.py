"""People, jurisdictions and who holds which role where (docs/roles.md §1 and §2)."""

from __future__ import annotations

import secrets
import zoneinfo
from datetime import timedelta
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from members.tenancy import EVERY_ROW, RestrictedQuerySet, Role, SubmittedQuerySet
from ogplocal.records import SubmittedRecord

__all__ = [
    "ApiToken",
    "ExtensionRequest",
    "Invitation",
    "Jurisdiction",
    "Membership",
    "MonitoringBody",
    "MonitoringBodyMember",
    "Notification",
    "Reinstatement",
    "Role",
    "StatusChange",
    "StatusOverride",
    "Term",
    "User",
    "VoluntaryInactivityRequest",
]


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("A user needs an email address.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person; the email address is the login. `is_staff` marks Support Unit staff."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("full name"), max_length=200, blank=True)
    is_staff = models.BooleanField(
        _("Support Unit staff"),
        default=False,
        help_text=_("Support Unit staff see every member and reach the console and the admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    # The person's choice among settings.LANGUAGES for the portal's screens and their emails;
    # blank follows the browser (Accept-Language). Set by the language switcher (issue 12).
    language = models.CharField(
        _("language"),
        max_length=8,
        blank=True,
        choices=settings.LANGUAGES,
        help_text=_("The language of the portal's pages and emails; blank follows the browser."),
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.name or self.email

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return self.name.split(" ")[0] if self.name else self.email


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(
            _("%(value)s is not a time zone name such as Europe/Paris."), params={"value": value}
        )


class JurisdictionQuerySet(RestrictedQuerySet):
    jurisdiction_path = ""

    def public_filter(self) -> Q:
        # Every member's name, country and status are public (docs/roles.md §1, "public").
        return EVERY_ROW


class Status(models.TextChoices):
    """A member's status (docs/rules.md §3.3); the values are those of `members.rules.Status`."""

    ACTIVE = "active", _("active")
    INACTIVE = "inactive", _("inactive")
    VOLUNTARY_INACTIVE = "voluntary_inactive", _("voluntarily inactive")
    PROBATION = "probation", _("on probation")
    REVOKED = "revoked", _("revoked")


class Jurisdiction(models.Model):
    """A local government that is a member of OGP Local: the tenant."""

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    country = CountryField(_("country"))
    time_zone = models.CharField(
        _("time zone"),
        max_length=64,
        default="UTC",
        validators=[validate_time_zone],
        help_text=_("Every date and every 'today' of the rules is taken in this time zone."),
    )
    has_elections = models.BooleanField(_("holds elections"), default=True)
    joined_on = models.DateField(_("joined OGP Local on"))
    first_plan_deadline = models.DateField(
        _("first-plan deadline"),
        null=True,
        blank=True,
        help_text=_("Set by the Support Unit; joined + 4 months when empty."),
    )
    # The status is a cache of the rules (docs/rules.md §3.3 "Determinism"), recomputed by the daily
    # job and by `evaluate_status --save`; StatusChange keeps its transitions.
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE
    )
    status_since = models.DateField(_("status since"), null=True, blank=True)
    status_reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status_evaluated_on = models.DateField(_("status evaluated on"), null=True, blank=True)

    objects = JurisdictionQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("name",)
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")

    def __str__(self) -> str:
        return self.name


class Term(models.Model):
    """An administration's term (with elections) or a medium-term strategy period (without)."""

    class Kind(models.TextChoices):
        TERM = "term", _("administration's term")
        STRATEGY = "strategy", _("medium-term strategy period")

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="terms")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TERM)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    objects = RestrictedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("jurisdiction", "starts_on")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lt=F("ends_on")),
                name="%(app_label)s_%(class)s_starts_before_end",
                violation_error_message=_("A term must start before it ends."),
            ),
            models.UniqueConstraint(
                fields=("jurisdiction", "kind", "starts_on"),
                name="%(app_label)s_%(class)s_unique_start",
                violation_error_message=_("This jurisdiction already has a period starting then."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: {self.starts_on} to {self.ends_on}"


class Membership(models.Model):
    """A person's role in one jurisdiction (docs/roles.md §1)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("jurisdiction", "role", "user__email")
        constraints = [
            models.UniqueConstraint(
                fields=("user", "jurisdiction"),
                name="%(app_label)s_%(class)s_one_role_per_jurisdiction",
                violation_error_message=_("This person already has a role in this jurisdiction."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} of {self.jurisdiction}"


class MonitoringBody(models.Model):
    """An independent party that assesses the plans of the jurisdictions that selected it."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    selected_jurisdictions = models.ManyToManyField(
        Jurisdiction, related_name="monitoring_bodies", blank=True
    )

    class Meta:
        ordering = ("name",)
        verbose_name = _("monitoring body")
        verbose_name_plural = _("monitoring bodies")

    def __str__(self) -> str:
        return self.name


class MonitoringBodyMember(models.Model):
    body = models.ForeignKey(MonitoringBody, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="monitoring_bodies"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=("body", "user"),
                name="%(app_label)s_%(class)s_unique_member",
                violation_error_message=_("This person is already a member of this body."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.body}"


def new_invitation_token() -> str:
    return secrets.token_urlsafe(32)


def invitation_expiry() -> Any:
    return timezone.now() + timedelta(days=settings.INVITATION_VALID_DAYS)


class InvitationQuerySet(RestrictedQuerySet):
    def pending(self) -> InvitationQuerySet:
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    """An email invitation to take a role in a jurisdiction; usable once, until it expires."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="invitations"
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token = models.CharField(max_length=64, unique=True, default=new_invitation_token)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(default=invitation_expiry)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)

    def __str__(self) -> str:
        return f"{self.email} as {self.get_role_display()} of {self.jurisdiction}"

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()


class Decision(models.TextChoices):
    PENDING = "pending", _("pending")
    GRANTED = "granted", _("granted")
    REFUSED = "refused", _("refused")


class SupportUnitRequest(SubmittedRecord):
    """What extension and voluntary-inactivity requests share: who asked, when, and the decision.

    A decision takes effect no earlier than the day it is made (docs/rules.md §2).
    """

    jurisdiction = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    requested_on = models.DateField(_("requested on"))
    reason = models.TextField(_("why"), blank=True)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    decision_reason = models.TextField(_("reason for the decision"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubmittedQuerySet.as_manager()

    class Meta:
        abstract = True


class ExtensionRequest(SupportUnitRequest):
    """A request to move the first-plan deadline (docs/rules.md §3.3 `first_plan_overdue`)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="extension_requests"
    )
    requested_until = models.DateField(_("requested until"), null=True, blank=True)
    granted_until = models.DateField(_("granted until"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ("jurisdiction", "requested_on")
        constraints = [
            models.CheckConstraint(
                condition=~Q(decision=Decision.GRANTED) | Q(granted_until__isnull=False),
                name="%(app_label)s_%(class)s_granted_has_date",
                violation_error_message=_("A granted extension says until when."),
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.PENDING) | Q(decided_on__isnull=False),
                name="%(app_label)s_%(class)s_decision_has_date",
                violation_error_message=_("A decision has the date it was made."),
            ),
            models.CheckConstraint(
                condition=Q(decided_on__isnull=True) | Q(decided_on__gte=F("requested_on")),
                name="%(app_label)s_%(class)s_decided_after_request",
                violation_error_message=_("A request is decided on or after the day it was made."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: extension requested {self.requested_on} ({self.decision})"


class VoluntaryInactivityRequest(SupportUnitRequest):
    """A request to pause as voluntarily inactive from `starts_on` to `ends_on` (§3.3)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="voluntary_inactivity_requests"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    history = HistoricalRecords()

    class Meta:
        ordering = ("jurisdiction", "starts_on")
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__lte=F("ends_on")),
                name="%(app_label)s_%(class)s_starts_before_end",
                violation_error_message=_("A voluntary pause starts on or before its last day."),
            ),
            models.CheckConstraint(
                condition=Q(decision=Decision.PENDING) | Q(decided_on__isnull=False),
                name="%(app_label)s_%(class)s_decision_has_date",
                violation_error_message=_("A decision has the date it was made."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: voluntary pause {self.starts_on} to {self.ends_on}"


class StatusOverride(SubmittedRecord):
    """The Support Unit sets a status with a written reason from `starts_on` until `ends_on`."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="status_overrides"
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=[(s.value, s.label) for s in Status if s != Status.VOLUNTARY_INACTIVE],
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubmittedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("jurisdiction", "starts_on")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__lte=F("ends_on")),
                name="%(app_label)s_%(class)s_starts_before_end",
                violation_error_message=_("An override starts on or before its last day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: {self.status} from {self.starts_on}"


class Reinstatement(SubmittedRecord):
    """The Support Unit reinstates a revoked member: active from `on`, the rules start afresh."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="reinstatements"
    )
    on = models.DateField(_("reinstated on"))
    reason = models.TextField(_("reason"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = SubmittedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ("jurisdiction", "on")
        constraints = [
            models.UniqueConstraint(
                fields=("jurisdiction", "on"),
                name="%(app_label)s_%(class)s_one_per_day",
                violation_error_message=_("This member was already reinstated that day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: reinstated {self.on}"


class StatusChange(models.Model):
    """One transition of a member's status, as the rules computed it (the stored history)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="status_changes"
    )
    on = models.DateField(_("on"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedQuerySet.as_manager()

    class Meta:
        ordering = ("jurisdiction", "on")
        constraints = [
            models.UniqueConstraint(
                fields=("jurisdiction", "on"),
                name="%(app_label)s_%(class)s_one_per_day",
                violation_error_message=_("A member's status changes at most once a day."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction}: {self.status} from {self.on}"


class Notification(models.Model):
    """One email to one address, decided once and sent once: the portal's outbox (issue 7; issue
    17 item 2; docs/rules.md §3.2, §3.3 and §6). Every email the portal sends is a row.

    The row is written in the same transaction as the decision to send (the reminder sweep, the
    stored status transition, a business action, an invitation, the sign-in library's password
    reset) and is marked sent only after the SMTP server accepted the message, so an email is
    never lost: an unsent row is sent again until it goes (members.outbox).

    Each row has a key, so deciding again sends nothing new. Reminders and status changes keep the
    key they always had (recipient, jurisdiction, deadline kind, ref, due date, reminder offset),
    so a second sweep adds nothing while a moved deadline (a new due date) gets reminders of its
    own; the jurisdiction is part of it because a plan's ref is unique only within its
    jurisdiction (docs/exchange.md §5). Every other email has a `key` of its own, unique per
    address.

    `recipient` is the person with an account at `email`, when there is one (their notifications
    page lists the row); an invitation or a password reset may go to an address with no account.
    """

    class Topic(models.TextChoices):
        REMINDER = "reminder", _("deadline reminder")
        MISSED = "missed", _("missed deadline")
        STATUS = "status", _("status change")
        REQUEST = "request", _("request")
        DECISION = "decision", _("decision")
        INVITATION = "invitation", _("invitation")
        ACCOUNT = "account", _("Account")

    # `deadline_kind` of a status transition; the other values are the kinds of §3.2.
    STATUS_KIND = "status"
    # `offset` of the notice sent the day after a missed deadline, and of a status transition.
    MISSED_OFFSET = -1
    STATUS_OFFSET = 0

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notifications",
        null=True,
        blank=True,
    )
    email = models.EmailField(_("email address"))
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="notifications",
        null=True,
        blank=True,
    )
    topic = models.CharField(_("topic"), max_length=10, choices=Topic.choices)
    # The key of an email that is neither a reminder nor a status change (blank for those): what
    # was decided, e.g. `extension-requested:42`; with `email`, unique.
    key = models.CharField(_("key"), max_length=200, blank=True, default="")
    deadline_kind = models.CharField(_("deadline kind"), max_length=40, blank=True, default="")
    # The deadline's ref (plan, PLAN/COMMITMENT or quarter, "" when none); for a status
    # transition, the new status.
    ref = models.CharField(_("reference"), max_length=200, blank=True, default="")
    # The due date; for a status transition, the day the status changed; none for other emails.
    due = models.DateField(_("due on"), null=True, blank=True)
    # Days before the due date (30, 7, 1); -1: the day after it was missed; 0: a transition.
    offset = models.SmallIntegerField(_("days before"), null=True, blank=True)
    subject = models.CharField(_("subject"), max_length=255)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    created_at = models.DateTimeField(_("decided at"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("sending attempts"), default=0)
    last_error = models.TextField(_("last sending error"), blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [
            models.UniqueConstraint(
                fields=("recipient", "jurisdiction", "deadline_kind", "ref", "due", "offset"),
                name="%(app_label)s_%(class)s_once",
                violation_error_message=_("This person was already notified of this."),
            ),
            models.UniqueConstraint(
                fields=("key", "email"),
                condition=~Q(key=""),
                name="%(app_label)s_%(class)s_key_once",
                violation_error_message=_("This person was already notified of this."),
            ),
            # A row is either keyed by its deadline (a reminder, a status change) or by `key`.
            models.CheckConstraint(
                condition=(
                    Q(key="", recipient__isnull=False, jurisdiction__isnull=False)
                    & ~Q(deadline_kind="")
                    & Q(due__isnull=False, offset__isnull=False)
                )
                | (~Q(key="") & Q(deadline_kind="", due__isnull=True, offset__isnull=True)),
                name="%(app_label)s_%(class)s_keyed",
            ),
        ]
        indexes = [
            models.Index(fields=("recipient", "-created_at"), name="members_notif_recipient"),
            models.Index(
                fields=("created_at",),
                condition=Q(sent_at__isnull=True),
                name="members_notif_unsent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.subject}"


class ApiToken(models.Model):
    """A personal API token (issue 9): the key is shown once, at creation; only its SHA-256 is kept.

    A key reads `ogpl_<lookup>_<secret>`: `lookup` finds the row, the hash of the whole key proves
    it. A revoked token stays as a row (who had which token, and when it was last used).
    """

    PREFIX = "ogpl"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100)
    lookup = models.CharField(_("lookup prefix"), max_length=16, unique=True)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user}: {self.name}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

"""People, jurisdictions and who holds which role where (DESIGN.md §1 and §2)."""

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

from members.tenancy import EVERY_ROW, RestrictedQuerySet, Role

__all__ = [
    "Invitation",
    "Jurisdiction",
    "Membership",
    "MonitoringBody",
    "MonitoringBodyMember",
    "Role",
    "Term",
    "User",
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
        # Every member's name, country and status are public (DESIGN.md §1, "public").
        return EVERY_ROW


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

    objects = JurisdictionQuerySet.as_manager()

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
    """A person's role in one jurisdiction (DESIGN.md §1)."""

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

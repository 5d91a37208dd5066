"""Business actions on people and accounts: invitations, sessions, the people commands act as, and
a new member (docs/roles.md §1, §2). One keyword-only function per action (docs/architecture.md).

The requests a member files and the Support Unit's decisions about it are in members/requests.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from importlib import import_module

from allauth.account.models import EmailAddress
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from members.models import (
    Invitation,
    Jurisdiction,
    Membership,
    Notification,
    Status,
    Term,
    User,
)
from members.outbox import notify
from members.tenancy import Role, is_support_unit
from ogplocal.dates import add_months, local_today
from ogplocal.exceptions import ActionRefused
from ogplocal.history import save_recorded

SUPPORT_UNIT_ONLY = _l("Only the OGP Support Unit may take this decision.")


def invite_person(
    *,
    jurisdiction: Jurisdiction,
    email: str,
    role: Role | str,
    invited_by: User | None,
    base_url: str = "",
) -> Invitation:
    """Invite a person by email to take `role` in `jurisdiction`; the email is decided in the same
    transaction and sent once it commits (members.outbox).

    The link in it starts with `base_url` (the address the inviter uses), else PORTAL_URL.
    """
    email = email.strip().lower()
    role = Role(role)
    if Membership.objects.filter(jurisdiction=jurisdiction, user__email__iexact=email).exists():
        raise ActionRefused(
            _("%(email)s already has a role in %(jurisdiction)s.")
            % {"email": email, "jurisdiction": jurisdiction.name},
            field="email",
        )
    with transaction.atomic():
        invitation = Invitation.objects.create(
            jurisdiction=jurisdiction, email=email, role=role, invited_by=invited_by
        )
        _tell_invited(invitation, base_url=base_url)
    return invitation


def _invitation_link(invitation: Invitation, base_url: str) -> str:
    return base_url + reverse("invitation_accept", kwargs={"token": invitation.token})


def _tell_invited(invitation: Invitation, *, base_url: str) -> None:
    # Written in the invited person's language when they already have an account and chose one,
    # else in the language the inviter is using the portal in.
    notify(
        to=[invitation.email],
        template="members/email/invitation",
        key=f"invitation:{invitation.pk}",
        topic=Notification.Topic.INVITATION,
        jurisdiction=invitation.jurisdiction,
        link=_invitation_link(invitation, base_url),
        context={"invitation": invitation},
        language=translation.get_language(),
    )


def check_invitation(invitation: Invitation) -> None:
    """Refuse an invitation that was already used or has expired, saying which."""
    if invitation.accepted_at is not None:
        raise ActionRefused(
            _("This invitation has already been used. Sign in with %(email)s instead.")
            % {"email": invitation.email}
        )
    if invitation.is_expired:
        raise ActionRefused(
            _(
                "This invitation expired on %(date)s. Ask the person who invited you "
                "to send a new one."
            )
            % {"date": date_format(timezone.localdate(invitation.expires_at), "DATE_FORMAT")}
        )


def accept_invitation(
    *,
    token: str,
    user: User | None = None,
    name: str = "",
    password: str | None = None,
) -> Membership:
    """Use an invitation once: give the role to `user`, or create the invited person's account.

    The invitation row is locked, so the same link opened twice at once is used once; the second
    gets the "already been used" message and changes nothing.
    """
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update().select_related("jurisdiction").get(token=token)
        )
        check_invitation(invitation)
        if user is None:
            if User.objects.filter(email__iexact=invitation.email).exists():
                raise ActionRefused(
                    _("An account for %(email)s exists already: sign in to accept.")
                    % {"email": invitation.email}
                )
            user = User.objects.create_user(invitation.email, password, name=name.strip())
            # The invitation reached this address, so the address is verified.
            EmailAddress.objects.create(
                user=user, email=invitation.email, primary=True, verified=True
            )
        elif user.email.lower() != invitation.email:
            raise ActionRefused(
                _(
                    "This invitation was sent to %(email)s, but you are signed in as %(you)s. "
                    "Sign out, then open the link again."
                )
                % {"email": invitation.email, "you": user.email}
            )
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user, jurisdiction=invitation.jurisdiction, role=invitation.role
                )
        except IntegrityError:
            raise ActionRefused(
                _("You already have a role in %(jurisdiction)s.")
                % {"jurisdiction": invitation.jurisdiction.name}
            ) from None
        invitation.accepted_at = timezone.now()
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return membership


# --- Accounts -----------------------------------------------------------------------------------


def end_sessions(*, user: User) -> int:
    """End every session of `user` on the server; returns how many there were.

    Called when a person is deactivated (members.signals), so a session kept in a browser does
    not come back if the account is made active again later. Sessions are not indexed by user,
    so the live ones are read; deactivations are rare. Works for the database and the
    Redis-in-front-of-the-database engines the settings use (`db`, `cached_db`).
    """
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            store(session_key=session.session_key).delete()
            ended += 1
    return ended


def command_actor(email: str) -> User:
    """The person named by a command's `--by EMAIL`: Support Unit staff, active, whose name the
    history then shows as the author of what the command writes (issue 10, item 4)."""
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not is_support_unit(user):
        raise ActionRefused(
            _("--by %(email)s: no active Support Unit staff member has this email address.")
            % {"email": email}
        )
    return user


# --- Support Unit console: a new member (issue 6) ---------------------------------------------

# OGP's eligibility criteria ask for at least 16 months left in the administration's term when a
# jurisdiction with elections joins (docs/rules.md §2); the portal warns, it does not refuse.
MONTHS_OF_TERM_EXPECTED = 16


def months_of_term_left(*, joined_on: date, term_ends_on: date) -> int:
    """Whole months from the join date to the end of the term (0 when it ends before)."""
    if term_ends_on <= joined_on:
        return 0
    left = relativedelta(term_ends_on, joined_on)
    return left.years * 12 + left.months


def term_left_is_short(*, joined_on: date, term_ends_on: date) -> bool:
    """Fewer than 16 months of the term remain on the join date (§2; §3.0 month arithmetic)."""
    return term_ends_on < add_months(joined_on, MONTHS_OF_TERM_EXPECTED)


@dataclass(frozen=True)
class NewMember:
    jurisdiction: Jurisdiction
    invitation: Invitation
    first_plan_due: date
    short_term: bool


def create_member(
    *,
    actor: User,
    name: str,
    slug: str,
    country: str,
    time_zone: str,
    has_elections: bool,
    joined_on: date,
    poc_email: str,
    period_starts_on: date | None = None,
    period_ends_on: date | None = None,
    first_plan_deadline: date | None = None,
    accept_short_term: bool = False,
    base_url: str = "",
    today: date | None = None,
) -> NewMember:
    """The Support Unit creates a member, invites its first Point of Contact by email and sets
    its first-plan deadline (joined + 4 months when none is given, §3.2).

    The period is the administration's term (with elections, required) or the medium-term
    strategy period (without, optional). When fewer than 16 months of the term remain on the join
    date the action is refused until `accept_short_term` says the Support Unit saw the warning.
    Who created it and when is the jurisdiction's history; the invitation and a note of the
    deadline are emailed to the invited Point of Contact after commit.
    """
    if not is_support_unit(actor):
        raise ActionRefused(str(SUPPORT_UNIT_ONLY))
    name, slug = name.strip(), slug.strip().lower()
    if has_elections and (period_starts_on is None or period_ends_on is None):
        raise ActionRefused(
            _("Give the dates of the administration's term in force."), field="period_ends_on"
        )
    if (period_starts_on is None) != (period_ends_on is None):
        raise ActionRefused(
            _("Give both dates of the strategy period, or neither."), field="period_ends_on"
        )
    if period_starts_on is not None and period_ends_on is not None:
        if period_ends_on <= period_starts_on:
            raise ActionRefused(_("The period ends before it starts."), field="period_ends_on")
        if period_ends_on <= joined_on:
            raise ActionRefused(
                _("The period ends on or before the join date."), field="period_ends_on"
            )
    short_term = (
        has_elections
        and period_ends_on is not None
        and term_left_is_short(joined_on=joined_on, term_ends_on=period_ends_on)
    )
    if short_term and not accept_short_term:
        assert period_ends_on is not None
        raise ActionRefused(
            _(
                "Only %(months)s months of the administration's term remain on the join date; "
                "OGP's eligibility criteria ask for at least %(expected)s. Confirm to create "
                "the member anyway."
            )
            % {
                "months": months_of_term_left(joined_on=joined_on, term_ends_on=period_ends_on),
                "expected": MONTHS_OF_TERM_EXPECTED,
            },
            field="accept_short_term",
        )
    with transaction.atomic():
        if Jurisdiction.objects.filter(slug=slug).exists():
            raise ActionRefused(
                _("Another member already has the address name %(slug)s.") % {"slug": slug},
                field="slug",
            )
        jurisdiction = Jurisdiction(
            name=name,
            slug=slug,
            country=country,
            time_zone=time_zone,
            has_elections=has_elections,
            joined_on=joined_on,
            status=Status.ACTIVE,
            status_since=joined_on,
        )
        today = today or local_today(jurisdiction)
        due = first_plan_deadline or add_months(joined_on, 4)
        if first_plan_deadline is not None:
            if first_plan_deadline < joined_on:
                raise ActionRefused(
                    _("The first-plan deadline is before the join date."),
                    field="first_plan_deadline",
                )
            if first_plan_deadline < today:
                raise ActionRefused(
                    _("A deadline set today (%(today)s) cannot be in the past.")
                    % {"today": today.isoformat()},
                    field="first_plan_deadline",
                )
            jurisdiction.first_plan_deadline = first_plan_deadline
        try:
            jurisdiction.full_clean()
        except ValidationError as error:
            field, messages = next(iter(error.message_dict.items()))
            raise ActionRefused(messages[0], field=field) from None
        save_recorded(jurisdiction, actor, "member created")
        if period_starts_on is not None and period_ends_on is not None:
            term = Term(
                jurisdiction=jurisdiction,
                kind=Term.Kind.TERM if has_elections else Term.Kind.STRATEGY,
                starts_on=period_starts_on,
                ends_on=period_ends_on,
            )
            save_recorded(term, actor, "member created")
        invitation = invite_person(
            jurisdiction=jurisdiction,
            email=poc_email,
            role=Role.POC,
            invited_by=actor,
            base_url=base_url,
        )
        # In the Support Unit's language, as the invitation it comes with (the address has no
        # account yet, or its own choice of language).
        notify(
            to=[invitation.email],
            template="email/member_created",
            key=f"member-created:{jurisdiction.pk}",
            topic=Notification.Topic.INVITATION,
            jurisdiction=jurisdiction,
            link=_invitation_link(invitation, base_url),
            context={"joined_on": joined_on, "first_plan_due": due},
            language=translation.get_language(),
        )
    return NewMember(jurisdiction, invitation, due, short_term)

"""Business actions on people and roles: one keyword-only function per action (STYLE.md)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from members.language import language_or_default
from members.models import (
    Decision,
    ExtensionRequest,
    Invitation,
    Jurisdiction,
    Membership,
    Reinstatement,
    Status,
    StatusOverride,
    User,
    VoluntaryInactivityRequest,
)
from members.tenancy import Action, Role, permitted_row
from ogplocal.dates import local_today
from ogplocal.exceptions import ActionRefused
from ogplocal.history import require_reason, save_recorded


def invite_person(
    *,
    jurisdiction: Jurisdiction,
    email: str,
    role: Role | str,
    invited_by: User | None,
    base_url: str = "",
) -> Invitation:
    """Invite a person by email to take `role` in `jurisdiction`; the email goes after commit."""
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
        # Written in the invited person's language when they already have an account, else in
        # the language the inviter is using the portal in.
        language = translation.get_language()
        transaction.on_commit(
            lambda: send_invitation_email(invitation, base_url=base_url, language=language)
        )
    return invitation


def send_invitation_email(
    invitation: Invitation, *, base_url: str = "", language: str | None = None
) -> None:
    chosen = (
        User.objects.filter(email__iexact=invitation.email)
        .exclude(language="")
        .values_list("language", flat=True)
        .first()
    )
    link = base_url + reverse("invitation_accept", kwargs={"token": invitation.token})
    with translation.override(language_or_default(chosen or language)):
        context = {
            "invitation": invitation,
            "link": link,
            "expires_on": date_format(invitation.expires_at, "DATE_FORMAT"),
        }
        subject = _("You are invited to %(jurisdiction)s on the OGP Local portal") % {
            "jurisdiction": invitation.jurisdiction.name
        }
        message = EmailMultiAlternatives(
            subject=settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body=render_to_string("members/email/invitation.txt", context),
            to=[invitation.email],
        )
        message.attach_alternative(
            render_to_string("members/email/invitation.html", context), "text/html"
        )
    message.send()


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


# --- What every business action shares -------------------------------------------------------
#
# Each action takes the acting user and `today` (default: today in the jurisdiction's time zone,
# DESIGN.md §2), finds its objects only through `restrict(actor, action)`, and refuses with
# ActionRefused. A missing object and a forbidden one get the same neutral refusal, so a refusal
# never tells a person that something they may not see exists (STYLE.md "Tenancy"); views that
# fetch the object first give their own 404 before the action is called.


def end_sessions(*, user: User) -> int:
    """End every session of `user` on the server; returns how many there were.

    Called when a person is deactivated (members.signals), so a session kept in a browser does
    not come back if the account is made active again later. Sessions are not indexed by user,
    so the live ones are read; deactivations are rare. Works for the database and the
    Redis-in-front-of-the-database engines the settings use (`db`, `cached_db`).
    """
    from importlib import import_module

    from django.contrib.auth import SESSION_KEY
    from django.contrib.sessions.models import Session

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
    from members.tenancy import is_support_unit

    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None or not is_support_unit(user):
        raise ActionRefused(
            _("--by %(email)s: no active Support Unit staff member has this email address.")
            % {"email": email}
        )
    return user


def point_of_contact_emails(jurisdictions: list[Jurisdiction]) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                jurisdiction__in=jurisdictions, role=Role.POC, user__is_active=True
            ).values_list("user__email", flat=True)
        )
    )


def support_unit_emails() -> list[str]:
    return sorted(
        User.objects.filter(is_staff=True, is_active=True).values_list("email", flat=True)
    )


def send_after_commit(*, to: list[str], compose: Callable[[], tuple[str, str]]) -> None:
    """A plain-text email sent once the transaction commits (never for a rolled-back action).

    `compose` returns the subject and body; it is called once per language of the recipients,
    in that language (a person's `User.language`, the portal's default for an address without
    an account), so everybody reads the email in their own language."""
    if not to:
        return

    def send() -> None:
        chosen = dict(User.objects.filter(email__in=to).values_list("email", "language"))
        by_language: dict[str, list[str]] = {}
        for address in to:
            language = language_or_default(chosen.get(address))
            by_language.setdefault(language, []).append(address)
        for language, addresses in sorted(by_language.items()):
            with translation.override(language):
                subject, body = compose()
            send_mail(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, None, addresses)

    transaction.on_commit(send)


# --- Requests and Support Unit decisions about a member (§2, §3.3) ----------------------------

NOT_POC_OF_JURISDICTION = _l("Only the jurisdiction's Point of Contact may file this request.")
SUPPORT_UNIT_ONLY = _l("Only the OGP Support Unit may take this decision.")


def _first_plan_submitted(jurisdiction: Jurisdiction) -> bool:
    return jurisdiction.action_plans.filter(submitted_on__isnull=False).exists()


def request_extension(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    requested_until: date,
    reason: str,
    today: date | None = None,
) -> ExtensionRequest:
    """The POC asks the Support Unit to move the first-plan deadline (§3.3 `first_plan_overdue`).

    Extensions exist for the first plan only, so the request is refused once a plan was
    submitted. One request waits for a decision at a time.
    """
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.SUBMIT,
            pk=jurisdiction.pk,
            refusal=str(NOT_POC_OF_JURISDICTION),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        if _first_plan_submitted(jurisdiction):
            raise ActionRefused(
                _(
                    "%(jurisdiction)s has already submitted an action plan; extensions are only "
                    "for the first plan."
                )
                % {"jurisdiction": jurisdiction.name}
            )
        if jurisdiction.extension_requests.filter(decision=Decision.PENDING).exists():
            raise ActionRefused(
                _("An extension request is already waiting for the Support Unit's decision.")
            )
        if requested_until <= today:
            raise ActionRefused(
                _("Ask for a date after today (%(today)s).") % {"today": today.isoformat()},
                field="requested_until",
            )
        request = ExtensionRequest(
            jurisdiction=jurisdiction,
            requested_by=actor,
            requested_on=today,
            requested_until=requested_until,
            reason=require_reason(reason, what=_("the extension")),
        )
        save_recorded(request, actor, "extension requested")
        send_after_commit(
            to=support_unit_emails(),
            compose=lambda: (
                _("%(jurisdiction)s asks for an extension of its first-plan deadline")
                % {"jurisdiction": jurisdiction.name},
                _("Requested until %(until)s.\n\nWhy: %(reason)s\n")
                % {"until": requested_until.isoformat(), "reason": request.reason},
            ),
        )
    return request


def decide_extension(
    *,
    actor: User,
    request: ExtensionRequest,
    grant: bool,
    granted_until: date | None = None,
    reason: str = "",
    today: date | None = None,
) -> ExtensionRequest:
    """The Support Unit grants (until a date) or refuses an extension request.

    The decision is dated the day it is made and takes effect from that day (§2); a granted date
    must not be in the past.
    """
    with transaction.atomic():
        request = permitted_row(
            ExtensionRequest,
            actor=actor,
            action=Action.DECIDE,
            pk=request.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
            related=("jurisdiction",),
        )
        today = today or local_today(request.jurisdiction)
        if request.decision != Decision.PENDING:
            raise ActionRefused(
                _("This request was already decided on %(day)s.")
                % {"day": request.decided_on.isoformat() if request.decided_on else ""}
            )
        if grant:
            if granted_until is None:
                raise ActionRefused(
                    _("Say until when the extension is granted."), field="granted_until"
                )
            if granted_until < today:
                raise ActionRefused(
                    _("An extension cannot end before the day it is granted (%(today)s).")
                    % {"today": today.isoformat()},
                    field="granted_until",
                )
            request.granted_until = granted_until
        else:
            reason = require_reason(reason, what=_("refusing the extension"))
        request.decision = Decision.GRANTED if grant else Decision.REFUSED
        request.decided_on = today
        request.decided_by = actor
        request.decision_reason = reason.strip()
        save_recorded(request, actor, f"extension {request.decision}")
        _tell_pocs_of_decision(
            request.jurisdiction,
            _("Your extension request was granted until %(until)s.")
            % {"until": granted_until.isoformat()}
            if grant and granted_until
            else _("Your extension request was refused."),
            request.decision_reason,
        )
    return request


def _tell_pocs_of_decision(jurisdiction: Jurisdiction, decision: str, reason: str) -> None:
    body = decision + ("\n\n" + _("Reason: %(reason)s") % {"reason": reason} if reason else "")
    send_after_commit(
        to=point_of_contact_emails([jurisdiction]),
        compose=lambda: (
            _("A Support Unit decision about %(jurisdiction)s")
            % {"jurisdiction": jurisdiction.name},
            body + "\n",
        ),
    )


def set_first_plan_deadline(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    deadline: date,
    reason: str = "",
    today: date | None = None,
) -> ExtensionRequest:
    """The Support Unit sets a member's first-plan deadline.

    §2: "changing a first-plan deadline is recorded as a granted extension with its decision
    date, so the past is never rewritten": `Jurisdiction.first_plan_deadline` is left as it is
    and a granted ExtensionRequest asked and decided today records the new date; the rules take
    the most recently decided one (members.rules, `first_plan_due`).
    """
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.DECIDE,
            pk=jurisdiction.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        if _first_plan_submitted(jurisdiction):
            raise ActionRefused(
                _("%(jurisdiction)s has already submitted its first action plan.")
                % {"jurisdiction": jurisdiction.name}
            )
        if deadline < today:
            raise ActionRefused(
                _("A deadline set today (%(today)s) cannot be in the past.")
                % {"today": today.isoformat()},
                field="deadline",
            )
        request = ExtensionRequest(
            jurisdiction=jurisdiction,
            requested_by=actor,
            requested_on=today,
            requested_until=deadline,
            decision=Decision.GRANTED,
            decided_on=today,
            decided_by=actor,
            granted_until=deadline,
            reason=reason.strip() or _("First-plan deadline set by the Support Unit."),
            decision_reason=reason.strip(),
        )
        save_recorded(request, actor, "first-plan deadline set")
        _tell_pocs_of_decision(
            jurisdiction,
            _("Your first action plan is due on %(deadline)s.")
            % {"deadline": deadline.isoformat()},
            reason.strip(),
        )
    return request


def request_voluntary_inactivity(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    starts_on: date,
    ends_on: date,
    reason: str,
    today: date | None = None,
) -> VoluntaryInactivityRequest:
    """The POC asks to pause as voluntarily inactive from `starts_on` to `ends_on` (§3.3)."""
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.SUBMIT,
            pk=jurisdiction.pk,
            refusal=str(NOT_POC_OF_JURISDICTION),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        if starts_on < today:
            raise ActionRefused(
                _("A pause cannot start before today (%(today)s).") % {"today": today.isoformat()},
                field="starts_on",
            )
        if ends_on < starts_on:
            raise ActionRefused(_("The pause ends before it starts."), field="ends_on")
        if jurisdiction.voluntary_inactivity_requests.filter(decision=Decision.PENDING).exists():
            raise ActionRefused(
                _("A voluntary-inactivity request is already waiting for a decision.")
            )
        request = VoluntaryInactivityRequest(
            jurisdiction=jurisdiction,
            requested_by=actor,
            requested_on=today,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=require_reason(reason, what=_("the pause")),
        )
        save_recorded(request, actor, "voluntary inactivity requested")
        send_after_commit(
            to=support_unit_emails(),
            compose=lambda: (
                _("%(jurisdiction)s asks to pause as voluntarily inactive")
                % {"jurisdiction": jurisdiction.name},
                _("From %(from)s until %(until)s.\n\nWhy: %(reason)s\n")
                % {
                    "from": starts_on.isoformat(),
                    "until": ends_on.isoformat(),
                    "reason": request.reason,
                },
            ),
        )
    return request


def decide_voluntary_inactivity(
    *,
    actor: User,
    request: VoluntaryInactivityRequest,
    approve: bool,
    reason: str = "",
    today: date | None = None,
) -> VoluntaryInactivityRequest:
    """The Support Unit approves or refuses a voluntary pause.

    §3.3: it "may be approved only for an active member, from its approval day on": the member's
    status is read from the stored status (`Jurisdiction.status`, the cache the daily job keeps),
    and a pause that would start before the approval day is refused rather than shortened, so
    the member sees the dates it asked for or none.
    """
    with transaction.atomic():
        request = permitted_row(
            VoluntaryInactivityRequest,
            actor=actor,
            action=Action.DECIDE,
            pk=request.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
            related=("jurisdiction",),
        )
        jurisdiction = request.jurisdiction
        today = today or local_today(jurisdiction)
        if request.decision != Decision.PENDING:
            raise ActionRefused(
                _("This request was already decided on %(day)s.")
                % {"day": request.decided_on.isoformat() if request.decided_on else ""}
            )
        if approve:
            if jurisdiction.status != Status.ACTIVE:
                raise ActionRefused(
                    _(
                        "%(jurisdiction)s is %(status)s; a voluntary pause may be approved only "
                        "for an active member."
                    )
                    % {
                        "jurisdiction": jurisdiction.name,
                        "status": jurisdiction.get_status_display(),
                    }
                )
            if request.starts_on < today:
                raise ActionRefused(
                    _(
                        "The pause was asked from %(from)s, before today (%(today)s); a pause "
                        "takes effect no earlier than its approval. Ask the member for new dates."
                    )
                    % {"from": request.starts_on.isoformat(), "today": today.isoformat()}
                )
        else:
            reason = require_reason(reason, what=_("refusing the pause"))
        request.decision = Decision.GRANTED if approve else Decision.REFUSED
        request.decided_on = today
        request.decided_by = actor
        request.decision_reason = reason.strip()
        save_recorded(request, actor, f"voluntary inactivity {request.decision}")
        _tell_pocs_of_decision(
            jurisdiction,
            _("Your voluntary pause from %(from)s until %(until)s was approved.")
            % {"from": request.starts_on.isoformat(), "until": request.ends_on.isoformat()}
            if approve
            else _("Your request to pause as voluntarily inactive was refused."),
            request.decision_reason,
        )
    return request


def override_status(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    status: Status | str,
    starts_on: date,
    reason: str,
    ends_on: date | None = None,
    today: date | None = None,
) -> StatusOverride:
    """The Support Unit shows `status` from `starts_on` (not before today) with a written reason."""
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.DECIDE,
            pk=jurisdiction.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        reason = require_reason(reason, what=_("the override"))
        try:
            status = Status(status)
        except ValueError:
            raise ActionRefused(_("Choose a status."), field="status") from None
        if status == Status.VOLUNTARY_INACTIVE:
            raise ActionRefused(
                _("Voluntary inactivity is approved from the member's request, not overridden."),
                field="status",
            )
        if starts_on < today:
            raise ActionRefused(
                _("An override takes effect no earlier than today (%(today)s).")
                % {"today": today.isoformat()},
                field="starts_on",
            )
        if ends_on is not None and ends_on < starts_on:
            raise ActionRefused(_("The override ends before it starts."), field="ends_on")
        override = StatusOverride(
            jurisdiction=jurisdiction,
            status=status,
            starts_on=starts_on,
            ends_on=ends_on,
            reason=reason,
            decided_by=actor,
        )
        save_recorded(override, actor, "status overridden")
        _tell_pocs_of_decision(
            jurisdiction,
            _("The Support Unit set your status to %(status)s from %(from)s.")
            % {"status": status.label, "from": starts_on.isoformat()},
            reason,
        )
    return override


def withdraw_override(
    *,
    actor: User,
    override: StatusOverride,
    reason: str = "",
    today: date | None = None,
) -> StatusOverride:
    """The Support Unit withdraws an override; from today it no longer shows (§3.3).

    The written reason, when given, is kept as the history's change reason and emailed.
    """
    with transaction.atomic():
        override = permitted_row(
            StatusOverride,
            actor=actor,
            action=Action.DECIDE,
            pk=override.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
            related=("jurisdiction",),
        )
        today = today or local_today(override.jurisdiction)
        if override.withdrawn_on is not None:
            raise ActionRefused(
                _("This override was already withdrawn on %(day)s.")
                % {"day": override.withdrawn_on.isoformat()}
            )
        if override.ends_on is not None and override.ends_on < today:
            raise ActionRefused(
                _("This override already ended on %(day)s.") % {"day": override.ends_on.isoformat()}
            )
        override.withdrawn_on = today
        reason = reason.strip()
        # The history keeps the reason (shortened to its 100 characters); the email all of it.
        save_recorded(
            override,
            actor,
            f"override withdrawn: {reason}" if reason else "override withdrawn",
            update_fields=["withdrawn_on"],
        )
        _tell_pocs_of_decision(
            override.jurisdiction,
            _("The Support Unit withdrew the status override of %(from)s.")
            % {"from": override.starts_on.isoformat()},
            reason,
        )
    return override


def reinstate_member(
    *,
    actor: User,
    jurisdiction: Jurisdiction,
    reason: str,
    today: date | None = None,
) -> Reinstatement:
    """The Support Unit reinstates a revoked member: active from today (§3.3 "Reinstatement").

    Only a revoked member, as the stored status says (`Jurisdiction.status`).
    """
    with transaction.atomic():
        jurisdiction = permitted_row(
            Jurisdiction,
            actor=actor,
            action=Action.DECIDE,
            pk=jurisdiction.pk,
            refusal=str(SUPPORT_UNIT_ONLY),
            lock=True,
        )
        today = today or local_today(jurisdiction)
        reason = require_reason(reason, what=_("the reinstatement"))
        if jurisdiction.status != Status.REVOKED:
            raise ActionRefused(
                _("%(jurisdiction)s is %(status)s; only a revoked member can be reinstated.")
                % {"jurisdiction": jurisdiction.name, "status": jurisdiction.get_status_display()}
            )
        if jurisdiction.reinstatements.filter(on=today).exists():
            raise ActionRefused(_("This member was already reinstated today."))
        reinstatement = Reinstatement(
            jurisdiction=jurisdiction, on=today, reason=reason, decided_by=actor
        )
        save_recorded(reinstatement, actor, "member reinstated")
        _tell_pocs_of_decision(
            jurisdiction,
            _("%(jurisdiction)s is reinstated as an active member from %(on)s.")
            % {"jurisdiction": jurisdiction.name, "on": today.isoformat()},
            reason,
        )
    return reinstatement


# --- Support Unit console: a new member (issue 6) ---------------------------------------------

# OGP's eligibility criteria ask for at least 16 months left in the administration's term when a
# jurisdiction with elections joins (DESIGN.md §2); the portal warns, it does not refuse.
MONTHS_OF_TERM_EXPECTED = 16


def months_of_term_left(*, joined_on: date, term_ends_on: date) -> int:
    """Whole months from the join date to the end of the term (0 when it ends before)."""
    from dateutil.relativedelta import relativedelta

    if term_ends_on <= joined_on:
        return 0
    left = relativedelta(term_ends_on, joined_on)
    return left.years * 12 + left.months


def term_left_is_short(*, joined_on: date, term_ends_on: date) -> bool:
    """Fewer than 16 months of the term remain on the join date (§2; §3.0 month arithmetic)."""
    from ogplocal.dates import add_months

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
    from django.core.exceptions import ValidationError

    from members.models import Term
    from members.tenancy import is_support_unit
    from ogplocal.dates import add_months

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
        send_after_commit(
            to=[invitation.email],
            compose=lambda: (
                _("%(jurisdiction)s joins OGP Local") % {"jurisdiction": jurisdiction.name},
                _(
                    "%(jurisdiction)s joined OGP Local on %(joined)s. Its first action plan is due "
                    "on %(due)s. The invitation to the portal comes in a separate email.\n"
                )
                % {
                    "jurisdiction": jurisdiction.name,
                    "joined": joined_on.isoformat(),
                    "due": due.isoformat(),
                },
            ),
        )
    return NewMember(jurisdiction, invitation, due, short_term)

"""The notification outbox: every email the portal sends, decided once and sent once (issue 7;
issue 17 item 2).

Three steps, each in its own transaction:

1. **Decide.** Whatever decides an email writes a `Notification` row in its own transaction:
   the daily status evaluation and the reminder sweep (portal.status.jobs, with `record`), each
   business action that tells somebody of a request or a decision, an invitation, and the
   sign-in library's emails (password reset, address confirmation; members.adapters), the last
   three with `notify`. The row holds the email as the recipient reads it, rendered then from
   templates in their language, with a link to the page where they act. Rows have a unique key,
   so deciding again (a second sweep, a task run twice) adds nothing.
2. **Queue.** Once that transaction commits, one `send_notification` task per new row: a
   rolled-back decision queues nothing, and a broker that cannot take the task is logged, not
   raised (the action committed; the row waits for the resend).
3. **Send.** `send_notification` locks the row, skips it if it was sent, hands the message to the
   SMTP server and marks the row sent in the same transaction. An SMTP failure rolls back and the
   task retries with backoff; a row still unsent later is queued again by `resend_unsent` (the
   hourly `resend_unsent_notifications`). Only a crash between the server's acceptance and the
   commit can send one twice: at least once, and once in normal operation.

So no request ever fails because mail is down: it only writes a row (docs/architecture.md).
"""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any
from urllib.parse import urlsplit

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.language import language_or_default, recipient_language
from members.models import Jurisdiction, Notification, Status, User
from members.rules import DeadlineKind
from members.tenancy import Role

__all__ = [
    "RESEND_AFTER",
    "RESEND_WITHIN",
    "Draft",
    "absolute",
    "notify",
    "points_of_contact",
    "record",
    "resend_unsent",
    "send_notification",
    "send_task",
    "support_unit",
    "write",
]

logger = logging.getLogger(__name__)

# Unsent rows are queued again once their own retries are over (NOTIFICATION_MAX_RETRIES with
# backoff take about 75 minutes), and for a week: after that a reminder is stale; the row stays
# visible on the person's notifications page.
RESEND_AFTER = timedelta(hours=2)
RESEND_WITHIN = timedelta(days=7)

KEY_FIELDS = ("recipient_id", "jurisdiction_id", "deadline_kind", "ref", "due", "offset")
type Key = tuple[int, int, str, str, date, int]


# --- Who is told ----------------------------------------------------------------------------------


def points_of_contact(jurisdictions: Iterable[Jurisdiction]) -> list[User]:
    """The active Points of Contact of some jurisdictions, each once."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__jurisdiction__in=list(jurisdictions),
            memberships__role=Role.POC,
        )
        .distinct()
        .order_by("email")
    )


def support_unit() -> list[User]:
    """The Support Unit's active staff."""
    return list(User.objects.filter(is_staff=True, is_active=True).order_by("email"))


# --- Deciding: deadline reminders and status changes ----------------------------------------------


@dataclass(frozen=True)
class Draft:
    """A reminder or a status change decided but not yet written: its key and what to render it
    from (portal.status.jobs decides them)."""

    recipient: User
    jurisdiction: Jurisdiction
    topic: str
    deadline_kind: str
    ref: str
    due: date
    offset: int
    today: date
    context: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> Key:
        return (
            self.recipient.pk,
            self.jurisdiction.pk,
            self.deadline_kind,
            self.ref,
            self.due,
            self.offset,
        )


def record(drafts: Iterable[Draft]) -> int:
    """Write the rows of the drafts not yet recorded and queue their sending on commit; the number
    of rows written.

    Called inside the deciding transaction, with the members' rows locked (select_for_update), so
    two runs for the same members take turns and the second finds the first one's rows; the
    unique constraint is the last guard.
    """
    by_key = {draft.key: draft for draft in drafts}
    if not by_key:
        return 0
    existing = set(
        Notification.objects.filter(
            jurisdiction_id__in={key[1] for key in by_key},
            due__in={key[4] for key in by_key},
        ).values_list(*KEY_FIELDS)
    )
    new = [draft for key, draft in by_key.items() if key not in existing]
    rows = Notification.objects.bulk_create([_render(draft) for draft in new])
    _queue_on_commit(rows)
    return len(rows)


# --- Deciding: every other email ------------------------------------------------------------------


def notify(
    *,
    to: Iterable[User | str],
    template: str,
    key: str,
    topic: str,
    link: str,
    jurisdiction: Jurisdiction | None = None,
    context: Mapping[str, Any] | None = None,
    language: str | None = None,
) -> list[Notification]:
    """Decide one email to each of `to` (people, or addresses that may have no account yet), in
    the caller's transaction; each is sent once that transaction commits.

    The email is rendered now from `template` (`<template>_subject.txt`, `<template>.txt` and,
    when it exists, `<template>.html`) in each recipient's language: their own choice, else
    `language` (the page's, for an invitation or a password reset), else the portal's. The
    templates get `context` and `person`, `jurisdiction` (its name), `link` (absolute: the page
    where the person acts) and, for a person with an account, `notifications_link`.

    `key` names what was decided (`extension-requested:42`); with the address it is unique, so
    deciding the same thing again writes and sends nothing new. An address with an account is
    that person's: the row is listed on their notifications page.
    """
    addresses: dict[str, User | None] = {}
    people: dict[str, User] = {
        person.email.lower(): person for person in to if isinstance(person, User)
    }
    others = {address.strip().lower() for address in to if isinstance(address, str)}
    others -= set(people)
    if others:
        for account in User.objects.annotate(address=Lower("email")).filter(address__in=others):
            people[account.email.lower()] = account
    for address in sorted(people.keys() | others):
        addresses[address] = people.get(address)
    if not addresses:
        return []
    sent_before = set(
        Notification.objects.filter(key=key, email__in=addresses).values_list("email", flat=True)
    )
    rows = []
    for address, person in addresses.items():
        if address in sent_before:
            continue
        chosen = (person.language if person is not None else "") or language
        with translation.override(language_or_default(chosen)):
            values = {
                **(context or {}),
                "person": person.get_full_name() if person is not None else address,
                "jurisdiction": jurisdiction.name if jurisdiction is not None else "",
                "link": absolute(link),
                "notifications_link": absolute(reverse("notifications")) if person else "",
            }
            subject, text, html = _render_templates(template, values)
        rows.append(
            Notification(
                recipient=person,
                email=address,
                jurisdiction=jurisdiction,
                topic=topic,
                key=key,
                subject=subject,
                body_text=text,
                body_html=html,
            )
        )
    rows = Notification.objects.bulk_create(rows)
    _queue_on_commit(rows)
    return rows


def write(*rows: Notification) -> list[Notification]:
    """Write emails rendered elsewhere and queue their sending on commit: the sign-in library
    renders its own, from its templates (members.adapters)."""
    written = Notification.objects.bulk_create(rows)
    _queue_on_commit(written)
    return written


def absolute(link: str) -> str:
    """A link in an email: an address of the portal (PORTAL_URL) unless it is absolute already."""
    if urlsplit(link).scheme:
        return link
    return settings.PORTAL_URL + link


def _render_templates(template: str, context: Mapping[str, Any]) -> tuple[str, str, str]:
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    text: str = render_to_string(f"{template}.txt", context)
    html: str
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return _subject(subject), text, html


def _subject(subject: str) -> str:
    return (settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject)[:255]


# --- Rendering reminders and status changes -------------------------------------------------------


def _deadline_what(kind: str, ref: str) -> str:
    """The deadline in words, as the subject and the first line say it."""
    texts = {
        DeadlineKind.FIRST_PLAN: _("the first action plan"),
        DeadlineKind.NEXT_PLAN: (
            _("the next action plan, after plan %(ref)s") if ref else _("the next action plan")
        ),
        DeadlineKind.TRACKER_UPDATE: _("the tracker update for %(ref)s"),
        DeadlineKind.CHANGE_WINDOW: _(
            "the end of the window for changing the commitments of plan %(ref)s"
        ),
        DeadlineKind.INCEPTION_ASSESSMENT: _("the inception assessment of plan %(ref)s"),
        DeadlineKind.END_OF_COMMITMENT_ASSESSMENT: _(
            "the end-of-commitment assessment of commitment %(ref)s"
        ),
        DeadlineKind.FINAL_LEARNING_EXERCISE: _("the final learning exercise of plan %(ref)s"),
    }
    return texts[DeadlineKind(kind)] % {"ref": ref}


def _deadline_todo(kind: str, ref: str, *, missed: bool) -> str:
    """What to do about a deadline that is near, or that was missed."""
    kind = DeadlineKind(kind)
    if kind in {DeadlineKind.FIRST_PLAN, DeadlineKind.NEXT_PLAN}:
        if missed:
            return _(
                "The member is inactive from today until the plan is submitted. Submit it as "
                "soon as you can, or hold a co-creation meeting with non-governmental "
                "stakeholders: the plan is then due four months after it."
            )
        if kind == DeadlineKind.FIRST_PLAN:
            return _(
                "Submit the action plan in the portal by that day. If you need more time, the "
                "Point of Contact can request an extension before the deadline."
            )
        return _("Submit the next action plan in the portal by that day.")
    if kind == DeadlineKind.TRACKER_UPDATE:
        if missed:
            return _(
                "Submit the update as soon as you can: a member whose tracker is not updated in "
                "two consecutive quarters becomes inactive."
            )
        return _(
            "Record and submit an update for each commitment for %(quarter)s in the portal. A "
            "member whose tracker is not updated in two consecutive quarters becomes inactive."
        ) % {"quarter": ref}
    if kind == DeadlineKind.CHANGE_WINDOW:
        return _(
            "Make any change to the commitments' content before then, each with a stakeholder's "
            "approval; afterwards the content is frozen and only progress is reported."
        )
    if missed:
        return _("Upload the report in the portal as soon as you can: it is overdue.")
    return _("Upload the report in the portal by that day.")


def _render(draft: Draft) -> Notification:
    """The row of a draft, with its subject and bodies rendered now, in the recipient's language
    (their `User.language`, else the portal's): what the person sees in the portal is what was
    sent. The Celery tasks render through here too, whatever language the worker runs in."""
    with translation.override(recipient_language(draft.recipient)):
        if draft.topic == Notification.Topic.STATUS:
            subject, context, template = _status_message(draft)
        else:
            subject, context, template = _deadline_message(draft)
        context = {
            "person": draft.recipient.get_full_name(),
            "jurisdiction": draft.jurisdiction.name,
            "notifications_link": absolute(reverse("notifications")),
            **context,
        }
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    return Notification(
        recipient=draft.recipient,
        email=draft.recipient.email,
        jurisdiction=draft.jurisdiction,
        topic=draft.topic,
        deadline_kind=draft.deadline_kind,
        ref=draft.ref,
        due=draft.due,
        offset=draft.offset,
        subject=_subject(subject),
        body_text=text,
        body_html=html,
    )


def _deadline_message(draft: Draft) -> tuple[str, dict[str, Any], str]:
    missed = draft.offset == Notification.MISSED_OFFSET
    what = _deadline_what(draft.deadline_kind, draft.ref)
    due = date_format(draft.due, "DATE_FORMAT")
    days = (draft.due - draft.today).days
    names = {"what": what, "jurisdiction": draft.jurisdiction.name, "due": due}
    if missed:
        subject = _("Missed: %(what)s of %(jurisdiction)s was due on %(due)s") % names
    elif days == 0:
        subject = _("Due today: %(what)s of %(jurisdiction)s") % names
    else:
        subject = ngettext(
            "Due in %(days)d day: %(what)s of %(jurisdiction)s",
            "Due in %(days)d days: %(what)s of %(jurisdiction)s",
            days,
        ) % {**names, "days": days}
    path = (
        reverse("home")
        if draft.context.get("monitoring_body")
        else reverse("workspace", kwargs={"slug": draft.jurisdiction.slug})
    )
    context = {
        "what": what,
        "what_sentence": capfirst(what),
        "due": due,
        "days": days,
        "missed": missed,
        "todo": _deadline_todo(draft.deadline_kind, draft.ref, missed=missed),
        "link": absolute(path),
    }
    return subject, context, "deadline"


def _status_message(draft: Draft) -> tuple[str, dict[str, Any], str]:
    """A change of status. The draft's context carries what the status engine says of it, as
    lazy translations rendered here in the recipient's language: `status_summary` and `reasons`
    (each with a `summary` and a `what_to_do`)."""
    status = Status(draft.ref)
    reasons = [
        {"summary": str(reason.summary), "what_to_do": str(reason.what_to_do)}
        for reason in draft.context.get("reasons", [])
    ]
    subject = _("%(jurisdiction)s is now %(status)s") % {
        "jurisdiction": draft.jurisdiction.name,
        "status": status.label,
    }
    path = (
        reverse("support_home")
        if draft.context.get("staff")
        else reverse("workspace", kwargs={"slug": draft.jurisdiction.slug})
    )
    context = {
        "status": status.label,
        "status_summary": str(draft.context.get("status_summary", "")),
        "since": date_format(draft.due, "DATE_FORMAT"),
        "reasons": reasons,
        "link": absolute(path),
    }
    return subject, context, "status_change"


# --- Queueing -------------------------------------------------------------------------------------


def _queue_on_commit(rows: Iterable[Notification]) -> None:
    for row in rows:
        transaction.on_commit(partial(_queue, row.pk))


def _queue(notification_id: int) -> None:
    """Queue the sending of a row whose decision committed. The action that decided it is done:
    a broker that cannot take the task (or, with eager tasks, an SMTP server that is down) is
    logged, never raised into the request, and the row waits for `resend_unsent`."""
    try:
        send_task.delay(notification_id)
    except Exception:
        logger.exception(
            "notification %s not queued now; the hourly resend will queue it", notification_id
        )


# --- Sending --------------------------------------------------------------------------------------

# An SMTP answer in the 5xx range is permanent: retrying the same message will not help.
PERMANENT = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused)


def send_notification(*, notification_id: int) -> bool:
    """Send one notification unless it was sent already; True when this call sent it.

    The row stays locked while the SMTP server is talking, so two deliveries of the same task (a
    message handed out again after a worker died, a resend) take turns and the second finds it
    sent. A temporary SMTP failure (a 4xx answer, a refused or dropped connection) is raised for
    the task to retry; a permanent one (5xx) is recorded on the row and not retried.
    """
    try:
        with transaction.atomic():
            row = Notification.objects.select_for_update().filter(pk=notification_id).first()
            if row is None or row.sent_at is not None:
                return False
            _message(row).send()
            Notification.objects.filter(pk=row.pk).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
            return True
    except (smtplib.SMTPException, OSError) as error:
        Notification.objects.filter(pk=notification_id).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )
        permanent = isinstance(error, PERMANENT) or (
            isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500
        )
        if permanent:
            logger.error("notification %s refused for good: %s", notification_id, error)
            return False
        logger.warning("notification %s not sent yet: %s", notification_id, error)
        raise


def _message(row: Notification) -> EmailMultiAlternatives:
    domain = urlsplit(settings.PORTAL_URL).hostname or "ogplocal.invalid"
    message = EmailMultiAlternatives(
        subject=row.subject,
        body=row.body_text,
        to=[row.email],
        # One Message-ID per notification: a receiver can tell a resent copy for what it is.
        headers={
            "Message-ID": f"<notification-{row.pk}@{domain}>",
            "X-OGP-Local-Notification": str(row.pk),
        },
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


# The task that sends a row. It is defined here, beside what queues it, and members/tasks.py
# imports it for Celery to find; its name is the one the routes (CELERY_TASK_ROUTES) and the queued
# messages always had.
@shared_task(
    name="members.tasks.send_notification",
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=settings.NOTIFICATION_RETRY_BACKOFF,
    retry_backoff_max=settings.NOTIFICATION_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.NOTIFICATION_MAX_RETRIES,
)
def send_task(notification_id: int) -> bool:
    return send_notification(notification_id=notification_id)


# --- Resending ------------------------------------------------------------------------------------


def resend_unsent(*, now: datetime | None = None) -> int:
    """Queue again the rows still unsent after their own retries (within a week); the number."""
    now = now or timezone.now()
    rows = list(
        Notification.objects.filter(
            Q(sent_at__isnull=True),
            created_at__lt=now - RESEND_AFTER,
            created_at__gte=now - RESEND_WITHIN,
        )
        .order_by("pk")
        .only("pk")
    )
    _queue_on_commit(rows)
    return len(rows)

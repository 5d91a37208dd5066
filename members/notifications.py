"""Deadline reminders and status-change emails, each decided once and sent once (issue 7).

Three steps, each in its own transaction:

1. **Decide.** The daily status evaluation stores each member's status and transitions
   (`members.status.save_evaluations`) and, in the same transaction, a `Notification` row for each
   person to tell of a recent transition; the reminder sweep evaluates the deadlines of
   DESIGN.md §3.2 on each member's local today and writes a row for each reminder due. Rows have
   a unique key, so deciding again (a second sweep, a task run twice) adds nothing.
2. **Queue.** Once that transaction commits, one `send_notification` task per new row
   (`delay_on_commit`): a rolled-back decision queues nothing.
3. **Send.** `send_notification` locks the row, skips it if it was sent, hands the message to the
   SMTP server and marks the row sent in the same transaction. An SMTP failure rolls back and the
   task retries with backoff; a row still unsent later is queued again by
   `resend_unsent_notifications`. Only a crash between the server's acceptance and the commit can
   send one twice: at least once, and once in normal operation.

The daily jobs fan out one task per batch of members (DESIGN.md §6); within a batch a member
whose evaluation fails is logged and skipped, and the others go on.
"""

from __future__ import annotations

import logging
import smtplib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from action_plans.models import ActionPlan
from members.language import recipient_language
from members.models import (
    Jurisdiction,
    Membership,
    MonitoringBody,
    MonitoringBodyMember,
    Notification,
    Status,
    StatusChange,
    User,
)
from members.rules import Deadline, DeadlineKind
from members.tenancy import Role
from ogplocal.dates import local_today
from portal.status.evaluation import BATCH_SIZE, evaluate_members, save_evaluations
from portal.status.explanations import STATUS_SUMMARIES, explain

__all__ = [
    "MISSED_NOTICE_DAYS",
    "REMINDER_OFFSETS",
    "TRANSITION_NOTICE_DAYS",
    "evaluate_status_batch",
    "queue_reminder_sweeps",
    "queue_status_evaluations",
    "reminder_offset",
    "resend_unsent",
    "send_notification",
    "sweep_reminder_batch",
]

logger = logging.getLogger(__name__)

# Days before a deadline that a reminder goes out. A sweep that finds a deadline nearer than a
# threshold it has not told yet sends the nearest one (a deadline first known 20 days ahead gets
# its 30-day reminder that day, saying 20 days); a threshold already passed is not sent late.
REMINDER_OFFSETS = (30, 7, 1)
# A missed deadline is told the day after, or up to a week later when the sweep did not run; an
# older one is history, not news (the first sweep after an import does not send it).
MISSED_NOTICE_DAYS = 7
# Transitions stored up to two weeks before the member's today are told (a daily job that was
# down for days, a status stored by `evaluate_status --save`); older ones are history.
TRANSITION_NOTICE_DAYS = 14
# Unsent rows are queued again once their own retries are over (NOTIFICATION_MAX_RETRIES with
# backoff take about 75 minutes), and for a week: after that a reminder is stale; the row stays
# visible on the person's notifications page.
RESEND_AFTER = timedelta(hours=2)
RESEND_WITHIN = timedelta(days=7)

# Who is told of which deadline (DESIGN.md §1): Points of Contact of plans and the tracker,
# the monitoring body of assessments. The change window is a heads-up: it cannot be missed.
POC_KINDS = frozenset(
    {
        DeadlineKind.FIRST_PLAN,
        DeadlineKind.NEXT_PLAN,
        DeadlineKind.TRACKER_UPDATE,
        DeadlineKind.CHANGE_WINDOW,
    }
)
MONITORING_BODY_KINDS = frozenset(
    {
        DeadlineKind.INCEPTION_ASSESSMENT,
        DeadlineKind.END_OF_COMMITMENT_ASSESSMENT,
        DeadlineKind.FINAL_LEARNING_EXERCISE,
    }
)
CANNOT_BE_MISSED = frozenset({DeadlineKind.CHANGE_WINDOW})

KEY_FIELDS = ("recipient_id", "jurisdiction_id", "deadline_kind", "ref", "due", "offset")
type Key = tuple[int, int, str, str, date, int]


# --- Deciding -----------------------------------------------------------------------------------


def reminder_offset(deadline: Deadline, today: date) -> int | None:
    """Which notice of `deadline` is due on `today`: 30, 7 or 1 (days before), -1 (missed), or
    None. Pure: the sweep keys each notice by it, so it is sent once however often it runs."""
    if deadline.kind not in POC_KINDS | MONITORING_BODY_KINDS:
        return None
    if deadline.met_on is not None and deadline.met_on <= today:
        return None
    days_left = (deadline.due - today).days
    if 0 <= days_left <= REMINDER_OFFSETS[0]:
        return min(offset for offset in REMINDER_OFFSETS if offset >= days_left)
    if -MISSED_NOTICE_DAYS <= days_left < 0 and deadline.kind not in CANNOT_BE_MISSED:
        return Notification.MISSED_OFFSET
    return None


@dataclass(frozen=True)
class Draft:
    """A notification decided but not yet written: its key and what to render it from."""

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


def _record(drafts: Iterable[Draft]) -> int:
    """Write the rows of the drafts not yet recorded and queue their sending on commit.

    Called inside the deciding transaction, with the members' rows locked (select_for_update), so
    two runs for the same members take turns and the second finds the first one's rows; the
    unique constraint is the last guard.
    """
    from members.tasks import send_notification as send_task

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
    for row in rows:
        send_task.delay_on_commit(row.pk)
    return len(rows)


def _each_member(ids: list[int], work: Callable[[list[int]], int], what: str) -> int:
    """Run `work` on a batch in one transaction; when it fails, on each member alone, so one
    member's failure is logged and does not stop the others."""
    try:
        with transaction.atomic():
            return work(ids)
    except Exception:
        if len(ids) == 1:
            logger.exception("%s of jurisdiction %s failed", what, ids[0])
            return 0
        logger.warning("%s of a batch of %d failed; one member at a time", what, len(ids))
    recorded = 0
    for pk in ids:
        try:
            with transaction.atomic():
                recorded += work([pk])
        except Exception:
            logger.exception("%s of jurisdiction %s failed; going on with the others", what, pk)
    return recorded


def _chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


# --- The daily status evaluation ----------------------------------------------------------------


def queue_status_evaluations(*, every_member: bool = False, batch_size: int = BATCH_SIZE) -> int:
    """Queue one `evaluate_status_batch` task per batch of members whose local day began since
    they were last evaluated (all of them with `every_member`); the number of batches."""
    from members.tasks import evaluate_status_batch as batch_task

    now = timezone.now()
    ids = [
        pk
        for pk, time_zone, evaluated_on in Jurisdiction.objects.order_by("pk").values_list(
            "pk", "time_zone", "status_evaluated_on"
        )
        if every_member or evaluated_on is None or evaluated_on < local_today(time_zone, now=now)
    ]
    batches = _chunks(ids, batch_size)
    for batch in batches:
        batch_task.delay_on_commit(batch)
    return len(batches)


def evaluate_status_batch(jurisdiction_ids: list[int]) -> int:
    """Evaluate and store each member's status on its local today, and decide in the same
    transaction the emails of its recent transitions; the number of emails decided."""
    return _each_member(jurisdiction_ids, _evaluate_and_tell, "status evaluation")


def _evaluate_and_tell(ids: list[int]) -> int:
    # save_evaluations locks the members' rows until this transaction commits.
    results = save_evaluations(
        jurisdictions=Jurisdiction.objects.filter(pk__in=ids), reason="daily status evaluation"
    )
    today = {result.jurisdiction_id: result.as_of for result in results}
    if not today:
        return 0
    window = timedelta(days=TRANSITION_NOTICE_DAYS)
    changes = [
        change
        for change in StatusChange.objects.filter(
            jurisdiction_id__in=today, on__gt=min(today.values()) - window
        ).select_related("jurisdiction")
        if today[change.jurisdiction_id] - window < change.on <= today[change.jurisdiction_id]
        # The first entry of a timeline is the join date, not a change.
        and not (change.on == change.jurisdiction.joined_on and change.status == Status.ACTIVE)
    ]
    if not changes:
        return 0
    pocs = _points_of_contact({change.jurisdiction_id for change in changes})
    staff = list(User.objects.filter(is_staff=True, is_active=True).order_by("pk"))
    drafts = []
    for change in changes:
        for person in [*pocs[change.jurisdiction_id], *staff]:
            drafts.append(
                Draft(
                    recipient=person,
                    jurisdiction=change.jurisdiction,
                    topic=Notification.Topic.STATUS,
                    deadline_kind=Notification.STATUS_KIND,
                    ref=change.status,
                    due=change.on,
                    offset=Notification.STATUS_OFFSET,
                    today=today[change.jurisdiction_id],
                    context={"reasons": list(change.reasons), "staff": person.is_staff},
                )
            )
    return _record(drafts)


def _points_of_contact(ids: Iterable[int]) -> dict[int, list[User]]:
    found: dict[int, list[User]] = defaultdict(list)
    for membership in (
        Membership.objects.filter(jurisdiction_id__in=ids, role=Role.POC, user__is_active=True)
        .select_related("user")
        .order_by("user_id")
    ):
        found[membership.jurisdiction_id].append(membership.user)
    return found


# --- The reminder sweep -------------------------------------------------------------------------


def queue_reminder_sweeps(*, batch_size: int = BATCH_SIZE) -> int:
    """Queue one `sweep_reminder_batch` task per batch of members; the number of batches."""
    from members.tasks import sweep_reminder_batch as batch_task

    batches = _chunks(
        list(Jurisdiction.objects.order_by("pk").values_list("pk", flat=True)), batch_size
    )
    for batch in batches:
        batch_task.delay_on_commit(batch)
    return len(batches)


def sweep_reminder_batch(jurisdiction_ids: list[int]) -> int:
    """Decide the deadline reminders due today (each member's local today) for a batch of
    members; the number of emails decided. Running it again decides nothing new."""
    return _each_member(jurisdiction_ids, _remind, "reminder sweep")


def _remind(ids: list[int]) -> int:
    members = {
        member.pk: member
        for member in Jurisdiction.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    }
    due: list[tuple[Jurisdiction, Deadline, int, date]] = []
    for result in evaluate_members(jurisdictions=Jurisdiction.objects.filter(pk__in=ids)):
        # Reading: a revoked member's membership ended; nothing is due from it any more.
        if result.evaluation.status == Status.REVOKED:
            continue
        for deadline in result.evaluation.deadlines:
            offset = reminder_offset(deadline, result.as_of)
            if offset is not None:
                due.append((members[result.jurisdiction_id], deadline, offset, result.as_of))
    if not due:
        return 0
    pocs = _points_of_contact({member.pk for member, *_ in due})
    monitors = _MonitoringBodies({member.pk for member, *_ in due})
    drafts = []
    for member, deadline, offset, today in due:
        ref = deadline.ref or ""
        people = (
            pocs[member.pk] if deadline.kind in POC_KINDS else monitors.members_for(member.pk, ref)
        )
        for person in people:
            drafts.append(
                Draft(
                    recipient=person,
                    jurisdiction=member,
                    topic=(
                        Notification.Topic.MISSED
                        if offset == Notification.MISSED_OFFSET
                        else Notification.Topic.REMINDER
                    ),
                    deadline_kind=str(deadline.kind),
                    ref=ref,
                    due=deadline.due,
                    offset=offset,
                    today=today,
                    context={"monitoring_body": deadline.kind in MONITORING_BODY_KINDS},
                )
            )
    return _record(drafts)


class _MonitoringBodies:
    """The members of the monitoring body of each plan of some jurisdictions (the body the plan
    names, else the bodies the jurisdiction selected), in four queries."""

    def __init__(self, ids: set[int]) -> None:
        through: Any = ActionPlan.jurisdictions.through
        self.plans: dict[int, list[tuple[str, str, int, int | None]]] = defaultdict(list)
        for jurisdiction_id, ref, lead_slug, lead_id, body_id in through.objects.filter(
            jurisdiction_id__in=ids
        ).values_list(
            "jurisdiction_id",
            "actionplan__ref",
            "actionplan__lead_jurisdiction__slug",
            "actionplan__lead_jurisdiction_id",
            "actionplan__monitoring_body_id",
        ):
            self.plans[jurisdiction_id].append((ref, lead_slug, lead_id, body_id))
        selected: Any = MonitoringBody.selected_jurisdictions.through
        self.selected: dict[int, set[int]] = defaultdict(set)
        for jurisdiction_id, body_id in selected.objects.filter(
            jurisdiction_id__in=ids
        ).values_list("jurisdiction_id", "monitoringbody_id"):
            self.selected[jurisdiction_id].add(body_id)
        bodies = {body for plans in self.plans.values() for *_, body in plans if body}
        bodies |= {body for chosen in self.selected.values() for body in chosen}
        self.people: dict[int, list[User]] = defaultdict(list)
        for member in (
            MonitoringBodyMember.objects.filter(body_id__in=bodies, user__is_active=True)
            .select_related("user")
            .order_by("user_id")
        ):
            self.people[member.body_id].append(member.user)

    def members_for(self, jurisdiction_id: int, ref: str) -> list[User]:
        bodies = {self._body_of(jurisdiction_id, ref)} - {None}
        if not bodies:
            bodies = set(self.selected[jurisdiction_id])
        people = {person.pk: person for body in bodies for person in self.people[body or 0]}
        return [people[pk] for pk in sorted(people)]

    def _body_of(self, jurisdiction_id: int, ref: str) -> int | None:
        """The body of the plan of a deadline's ref: `PLAN` or `PLAN/COMMITMENT`, where PLAN is a
        ref, or `ref@lead` for a joint plan whose ref clashes with the member's own (the loader's
        `_distinct_refs`)."""
        plan_ref = ref.split("/", 1)[0]
        plan_ref, _at, lead = plan_ref.partition("@")
        plans = [plan for plan in self.plans[jurisdiction_id] if plan[0] == plan_ref]
        if lead:
            plans = [plan for plan in plans if plan[1] == lead]
        elif len(plans) > 1:
            plans = [plan for plan in plans if plan[2] == jurisdiction_id]
        return plans[0][3] if plans else None


# --- Rendering ----------------------------------------------------------------------------------


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


def _link(path: str) -> str:
    return settings.PORTAL_URL + path


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
            "notifications_link": _link(reverse("notifications")),
            **context,
        }
        text = render_to_string(f"email/{template}.txt", context)
        html = render_to_string(f"email/{template}.html", context)
    return Notification(
        recipient=draft.recipient,
        jurisdiction=draft.jurisdiction,
        topic=draft.topic,
        deadline_kind=draft.deadline_kind,
        ref=draft.ref,
        due=draft.due,
        offset=draft.offset,
        subject=(settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject)[:255],
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
        "link": _link(path),
    }
    return subject, context, "deadline"


def _status_message(draft: Draft) -> tuple[str, dict[str, Any], str]:
    status = Status(draft.ref)
    reasons = [
        {"summary": str(explain(code).summary), "what_to_do": str(explain(code).what_to_do)}
        for code in draft.context.get("reasons", [])
        if code
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
        "status_summary": str(STATUS_SUMMARIES[status.value]),
        "since": date_format(draft.due, "DATE_FORMAT"),
        "reasons": reasons,
        "link": _link(path),
    }
    return subject, context, "status_change"


# --- Sending ------------------------------------------------------------------------------------

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
            row = (
                Notification.objects.select_for_update()
                .select_related("recipient")
                .filter(pk=notification_id)
                .first()
            )
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
        to=[row.recipient.email],
        # One Message-ID per notification: a receiver can tell a resent copy for what it is.
        headers={
            "Message-ID": f"<notification-{row.pk}@{domain}>",
            "X-OGP-Local-Notification": str(row.pk),
        },
    )
    if row.body_html:
        message.attach_alternative(row.body_html, "text/html")
    return message


def resend_unsent(*, now: datetime | None = None) -> int:
    """Queue again the rows still unsent after their own retries (within a week); the number."""
    from members.tasks import send_notification as send_task

    now = now or timezone.now()
    ids = list(
        Notification.objects.filter(
            Q(sent_at__isnull=True),
            created_at__lt=now - RESEND_AFTER,
            created_at__gte=now - RESEND_WITHIN,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for pk in ids:
        send_task.delay_on_commit(pk)
    return len(ids)

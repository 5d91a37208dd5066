"""The daily jobs (issue 7): the status evaluation and the deadline-reminder sweep, each deciding
its emails once (docs/rules.md §3.2, §3.3 and §6).

- **The status evaluation** stores each member's status and transitions
  (`portal.status.evaluation.save_evaluations`) and, in the same transaction, a notification for
  each person to tell of a recent transition.
- **The reminder sweep** evaluates the deadlines of docs/rules.md §3.2 on each member's local today
  and writes a notification for each reminder due.

Both write through the outbox (members.outbox.record), whose keys make a second run decide
nothing new, and which sends each email once its decision committed. They fan out one task per
batch of members (portal/status/tasks.py); within a batch a member whose evaluation fails is
logged and skipped, and the others go on.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from action_plans.models import ActionPlan
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
from members.outbox import Draft, record
from members.rules import Deadline, DeadlineKind
from members.tenancy import Role
from ogplocal.dates import local_today
from portal.status.evaluation import BATCH_SIZE, evaluate_members, save_evaluations
from portal.status.explanations import STATUS_SUMMARIES, explain

__all__ = [
    "MISSED_NOTICE_DAYS",
    "REMINDER_OFFSETS",
    "TRANSITION_NOTICE_DAYS",
    "BatchTask",
    "evaluate_status_batch",
    "queue_reminder_sweeps",
    "queue_status_evaluations",
    "reminder_offset",
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

# Who is told of which deadline (docs/roles.md §1): Points of Contact of plans and the tracker,
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


class BatchTask(Protocol):
    """The Celery task that works on one batch of members (portal/status/tasks.py passes it)."""

    def delay_on_commit(self, jurisdiction_ids: list[int]) -> None: ...


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


def chunks(ids: list[int], size: int) -> list[list[int]]:
    return [ids[start : start + size] for start in range(0, len(ids), size)]


# --- The daily status evaluation ----------------------------------------------------------------


def queue_status_evaluations(
    batch_task: BatchTask, *, every_member: bool = False, batch_size: int = BATCH_SIZE
) -> int:
    """Queue one `batch_task` (`evaluate_status_batch`) per batch of members whose local day
    began since they were last evaluated (all of them with `every_member`); the number of
    batches."""
    now = timezone.now()
    ids = [
        pk
        for pk, time_zone, evaluated_on in Jurisdiction.objects.order_by("pk").values_list(
            "pk", "time_zone", "status_evaluated_on"
        )
        if every_member or evaluated_on is None or evaluated_on < local_today(time_zone, now=now)
    ]
    batches = chunks(ids, batch_size)
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
        # What the status engine says of the change, as lazy translations: the outbox renders
        # them in each recipient's language.
        told = {
            "status_summary": STATUS_SUMMARIES[Status(change.status).value],
            "reasons": [explain(code) for code in change.reasons if code],
        }
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
                    context={**told, "staff": person.is_staff},
                )
            )
    return record(drafts)


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


def queue_reminder_sweeps(batch_task: BatchTask, *, batch_size: int = BATCH_SIZE) -> int:
    """Queue one `batch_task` (`sweep_reminder_batch`) per batch of members; the number of
    batches."""
    batches = chunks(
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
    return record(drafts)


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

"""What the rules say about many members now and ahead: overdue deadlines and the forecast.

Selectors over `members.rules` (docs/rules.md §3): the facts come from `load_facts` in its fixed
number of queries, and every "today" is the member's own (§2). Nothing here re-states a rule; it
only reads the rules' deadlines and status timeline.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import pairwise

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from members import rules
from members.models import Jurisdiction
from ogplocal.dates import local_today
from portal.status.loader import load_facts

__all__ = [
    "FORECAST_HORIZONS",
    "DeadlineRow",
    "ForecastChange",
    "MemberReading",
    "deadline_rows",
    "forecast",
    "overdue_by_member",
    "overdue_deadlines",
    "read_member",
]

FORECAST_HORIZONS = (30, 60, 90)


def _superseding_key(deadline: rules.Deadline) -> tuple[str, str | None]:
    """Deadlines with the same key are one obligation: the latest one due replaces the others.

    A first plan owed again after resuming by a meeting (§3.2 "its own kind with its new due
    date") replaces the first-plan deadline it resumed; a next plan likewise, by the plan it
    follows; for the tracker, a later quarter whose deadline passed replaces an earlier one, since
    a missed quarter can never be met afterwards: it is history, not something overdue.
    """
    if deadline.kind in {rules.DeadlineKind.FIRST_PLAN, rules.DeadlineKind.TRACKER_UPDATE}:
        return (deadline.kind, None)
    return (deadline.kind, deadline.ref)


def overdue_deadlines(deadlines: Iterable[rules.Deadline], today: date) -> list[rules.Deadline]:
    """The deadlines that fell due before `today` and that nothing has met yet.

    Reading (§3.0): a thing due on D and done on D is on time, so a deadline is overdue from
    D + 1; of each obligation only its latest passed deadline counts (`_superseding_key`).
    """
    latest: dict[tuple[str, str | None], rules.Deadline] = {}
    for deadline in deadlines:
        if not deadline.kind.can_be_met or deadline.due >= today:
            continue
        key = _superseding_key(deadline)
        if key not in latest or latest[key].due <= deadline.due:
            latest[key] = deadline
    return sorted(
        (deadline for deadline in latest.values() if deadline.met_on is None),
        key=lambda deadline: (deadline.due, deadline.kind),
    )


def overdue_by_member(
    jurisdictions: QuerySet[Jurisdiction], *, now: datetime | None = None
) -> dict[int, list[rules.Deadline]]:
    """Every member's overdue deadlines on its local today, by pk: the loader's fixed queries
    and one for the time zones, whatever the number of members."""
    zones = dict(jurisdictions.order_by().values_list("pk", "time_zone"))
    if not zones:
        return {}
    result: dict[int, list[rules.Deadline]] = {}
    for pk, facts in load_facts(Jurisdiction.objects.filter(pk__in=list(zones))).items():
        today = local_today(zones[pk], now=now)
        result[pk] = overdue_deadlines(rules.evaluate(facts, today).deadlines, today)
    return result


@dataclass(frozen=True)
class ForecastChange:
    """The member's status will change on `on` from `status_from` to `status_to`."""

    jurisdiction: Jurisdiction
    today: date
    on: date
    status_from: rules.Status
    status_to: rules.Status
    reasons: tuple[rules.Reason, ...]

    @property
    def in_days(self) -> int:
        return (self.on - self.today).days


def forecast(
    jurisdictions: QuerySet[Jurisdiction], *, days: int, now: datetime | None = None
) -> list[ForecastChange]:
    """Every change of status the rules make within `days` days after each member's local
    today if nothing more is recorded, soonest first.

    The rules are a pure function of the recorded facts and a date (§3.3 "Determinism"), so the
    status timeline up to today + `days` is what would happen with no new fact: its transitions
    after today are the forecast. A member who has not joined yet changes nothing by joining.
    """
    members = {member.pk: member for member in jurisdictions.order_by("pk")}
    if not members:
        return []
    changes: list[ForecastChange] = []
    for pk, facts in load_facts(Jurisdiction.objects.filter(pk__in=list(members))).items():
        member = members[pk]
        today = local_today(member.time_zone, now=now)
        timeline = rules.status_timeline(facts, today + timedelta(days=days))
        for previous, transition in pairwise(timeline):
            if transition.on > today:
                changes.append(
                    ForecastChange(
                        jurisdiction=member,
                        today=today,
                        on=transition.on,
                        status_from=previous.status,
                        status_to=transition.status,
                        reasons=transition.reasons,
                    )
                )
    return sorted(changes, key=lambda change: (change.on, change.jurisdiction.name))


@dataclass(frozen=True)
class DeadlineRow:
    """One deadline of a member's page, with what became of it on `today`."""

    deadline: rules.Deadline
    state: str  # met | met_late | missed | overdue | upcoming | date

    @property
    def label(self) -> Promise:
        return self.deadline.kind.label

    @property
    def days_late(self) -> int:
        met = self.deadline.met_on
        return (met - self.deadline.due).days if met is not None else 0


STATE_LABELS: dict[str, Promise] = {
    "met": _("met on time"),
    "met_late": _("met late"),
    "missed": _("missed"),
    "overdue": _("overdue"),
    "upcoming": _("not yet due"),
    "date": _("a date, nothing to deliver"),
}


def deadline_rows(deadlines: Iterable[rules.Deadline], today: date) -> list[DeadlineRow]:
    """Every deadline the rules list on `today` (§5: those due by then and those known after),
    each met on time, met late, missed (passed, unmet and replaced by a later one), overdue or
    not yet due."""
    listed = list(deadlines)
    overdue = set(overdue_deadlines(listed, today))
    rows: list[DeadlineRow] = []
    for deadline in listed:
        if not deadline.kind.can_be_met:
            state = "date"
        elif deadline.met_on is not None:
            state = "met" if deadline.met_on <= deadline.due else "met_late"
        elif deadline in overdue:
            state = "overdue"
        elif deadline.due < today:
            state = "missed"
        else:
            state = "upcoming"
        rows.append(DeadlineRow(deadline, state))
    return rows


@dataclass(frozen=True)
class MemberReading:
    """What the rules say about one member on its local today, for the member's page."""

    today: date
    evaluation: rules.Evaluation
    deadlines: list[DeadlineRow]


def read_member(member: Jurisdiction, *, now: datetime | None = None) -> MemberReading:
    """The rules evaluated for one member on its local today (the loader's fixed queries)."""
    today = local_today(member.time_zone, now=now)
    facts = load_facts(Jurisdiction.objects.filter(pk=member.pk))[member.pk]
    evaluation = rules.evaluate(facts, today)
    return MemberReading(today, evaluation, deadline_rows(evaluation.deadlines, today))

"""Member status and deadline rules of OGP Local (docs/rules.md §3.0-§3.3), as pure functions.

Nothing here touches the database or the clock: the facts of one jurisdiction come in as frozen
dataclasses (built by the loader), the as-of date is an argument, and the answer is a status with
the date it began, the reasons that hold and the deadlines of §3.2.

How it works. Status on day D depends only on the facts dated on or before D and on a little state
carried from earlier days (when an inactivity began, whether a plan owed was resumed by a meeting,
a tracker inactivity, revocation). ``_Engine`` walks from the join date to the as-of date, but only
stops on the days where something can change (a fact's date, the day after a deadline, the day a
timer ends, ...); between two such days nothing changes, so evaluating on every day or once gives
the same status, since-date and reasons (§3.3 "Determinism").

The rule functions below are named after the reason codes of the §3.3 table and read in its order.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _l

from ogplocal.dates import Quarter, add_months, parse_quarter, quarter_of

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

__all__ = [
    "CommitmentFacts",
    "Deadline",
    "DeadlineKind",
    "Decision",
    "Evaluation",
    "ExtensionRequest",
    "JurisdictionFacts",
    "Meeting",
    "MeetingKind",
    "Override",
    "Period",
    "PeriodProblem",
    "PeriodProblemCode",
    "PlanFacts",
    "Reason",
    "Reinstatement",
    "Status",
    "TrackerUpdate",
    "Transition",
    "VoluntaryInactivity",
    "evaluate",
    "evaluate_with_timeline",
    "plan_period_problems",
    "status_timeline",
]

ONE_DAY = timedelta(days=1)


# --------------------------------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------------------------------


class Status(StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    VOLUNTARY_INACTIVE = "voluntary_inactive"
    PROBATION = "probation"
    REVOKED = "revoked"


class Reason(StrEnum):
    """Reason codes of §3.3, declared in the order of its table (the order reasons are listed)."""

    FIRST_PLAN_OVERDUE = "first_plan_overdue"
    NEXT_PLAN_OVERDUE = "next_plan_overdue"
    TRACKER_NOT_UPDATED = "tracker_not_updated"
    TRACKER_NO_PROGRESS = "tracker_no_progress"
    VOLUNTARY = "voluntary"
    INACTIVE_6_MONTHS = "inactive_6_months"
    NO_ENGAGEMENT_EVIDENCE = "no_engagement_evidence"
    PROBATION_4_MONTHS = "probation_4_months"
    OVERRIDE = "override"


class DeadlineKind(StrEnum):
    """Deadline kinds of §3.2, in the order of its table (the tie-break for one due day)."""

    FIRST_PLAN = "first_plan"
    NEXT_PLAN = "next_plan"
    INCEPTION_ASSESSMENT = "inception_assessment"
    END_OF_COMMITMENT_ASSESSMENT = "end_of_commitment_assessment"
    FINAL_LEARNING_EXERCISE = "final_learning_exercise"
    TRACKER_UPDATE = "tracker_update"
    CHANGE_WINDOW = "change_window"
    REVOCATION = "revocation"

    @property
    def label(self) -> StrPromise:
        """The kind in words, in the reader's language (lower case, as inside a sentence)."""
        return _DEADLINE_LABELS[self]

    @property
    def can_be_met(self) -> bool:
        """Whether a member meets it by delivering something. The change window and revocation
        are dates (§3.2: met "never"): shown as dates, never as overdue, met, late or missed."""
        return self not in _DATES_ONLY


_DEADLINE_LABELS: dict[DeadlineKind, StrPromise] = {
    DeadlineKind.FIRST_PLAN: _l("first action plan"),
    DeadlineKind.NEXT_PLAN: _l("next action plan"),
    DeadlineKind.INCEPTION_ASSESSMENT: _l("inception assessment"),
    DeadlineKind.END_OF_COMMITMENT_ASSESSMENT: _l("end-of-commitment assessment"),
    DeadlineKind.FINAL_LEARNING_EXERCISE: _l("final learning exercise"),
    DeadlineKind.TRACKER_UPDATE: _l("tracker update"),
    DeadlineKind.CHANGE_WINDOW: _l("commitment change window closes"),
    DeadlineKind.REVOCATION: _l("revocation"),
}
_DATES_ONLY = frozenset({DeadlineKind.CHANGE_WINDOW, DeadlineKind.REVOCATION})


class MeetingKind(StrEnum):
    CO_CREATION = "co_creation"
    IMPLEMENTATION = "implementation"


class Decision(StrEnum):
    GRANTED = "granted"
    REFUSED = "refused"
    PENDING = "pending"


_REASON_ORDER = {reason: index for index, reason in enumerate(Reason)}
_KIND_ORDER = {kind: index for index, kind in enumerate(DeadlineKind)}
_INACTIVITY = frozenset(
    {
        Reason.FIRST_PLAN_OVERDUE,
        Reason.NEXT_PLAN_OVERDUE,
        Reason.TRACKER_NOT_UPDATED,
        Reason.TRACKER_NO_PROGRESS,
    }
)


# --------------------------------------------------------------------------------------------------
# Facts (docs/rules.md §2, in the shape of the exchange format of §5)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Period:
    """An administration's term or a medium-term strategy period (both ends included)."""

    starts_on: date
    ends_on: date


@dataclass(frozen=True, slots=True)
class ExtensionRequest:
    """A request to extend the first-plan deadline (§3.3 ``first_plan_overdue``)."""

    requested_on: date
    decision: Decision = Decision.PENDING
    decided_on: date | None = None
    granted_until: date | None = None
    requested_until: date | None = None

    def decided_by(self, day: date) -> bool:
        """The decision is known on ``day`` (it takes effect on the day it is made, §2)."""
        return (
            self.decision is not Decision.PENDING
            and self.decided_on is not None
            and self.decided_on <= day
        )


@dataclass(frozen=True, slots=True)
class VoluntaryInactivity:
    """An approved voluntary-inactivity period, ``starts_on`` to ``ends_on`` inclusive."""

    starts_on: date
    ends_on: date
    approved_on: date | None = None  # §5: defaults to the period's first day

    @property
    def approval_day(self) -> date:
        return self.approved_on if self.approved_on is not None else self.starts_on

    @property
    def effective_from(self) -> date:
        """§3.3: "approved ... from its approval day on": it never covers a day before approval."""
        return max(self.starts_on, self.approval_day)


@dataclass(frozen=True, slots=True)
class Override:
    """A Support Unit override of the status shown (§3.3 ``override``)."""

    status: Status
    starts_on: date
    ends_on: date | None = None
    withdrawn_on: date | None = None

    def covers(self, day: date) -> bool:
        # Reading (§2, §3.3): a withdrawal is a Support Unit decision, which takes effect on the day
        # it is made, so the override no longer shows on its withdrawal day.
        return (
            self.starts_on <= day
            and (self.ends_on is None or day <= self.ends_on)
            and (self.withdrawn_on is None or day < self.withdrawn_on)
        )


@dataclass(frozen=True, slots=True)
class Reinstatement:
    on: date


@dataclass(frozen=True, slots=True)
class Meeting:
    held_on: date
    kind: MeetingKind
    government_participants: int = 0
    non_governmental_participants: int = 0

    @property
    def with_non_governmental_participants(self) -> bool:
        return self.non_governmental_participants > 0


@dataclass(frozen=True, slots=True)
class TrackerUpdate:
    quarter: str  # "2027Q2"
    submitted_on: date
    percent: int


@dataclass(frozen=True, slots=True)
class CommitmentFacts:
    ref: str
    starts_on: date
    ends_on: date
    added_on: date | None = None  # §5: defaults to the plan's submission
    completed_on: date | None = None
    withdrawn_on: date | None = None
    updates: tuple[TrackerUpdate, ...] = ()
    assessment_submitted_on: date | None = None  # end-of-commitment assessment


@dataclass(frozen=True, slots=True)
class PlanFacts:
    """An action plan; a joint plan appears, identical, in the facts of every member in it."""

    ref: str
    starts_on: date
    ends_on: date
    submitted_on: date | None = None  # None: a draft, which counts for nothing but its meetings
    meetings: tuple[Meeting, ...] = ()
    commitments: tuple[CommitmentFacts, ...] = ()
    inception_assessment_submitted_on: date | None = None
    final_learning_submitted_on: date | None = None


@dataclass(frozen=True, slots=True)
class JurisdictionFacts:
    slug: str
    joined_on: date
    has_elections: bool = True
    terms: tuple[Period, ...] = ()
    strategy_periods: tuple[Period, ...] = ()
    first_plan_deadline: date | None = None
    extension_requests: tuple[ExtensionRequest, ...] = ()
    voluntary_periods: tuple[VoluntaryInactivity, ...] = ()
    overrides: tuple[Override, ...] = ()
    reinstatements: tuple[Reinstatement, ...] = ()
    plans: tuple[PlanFacts, ...] = ()


# --------------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Deadline:
    kind: DeadlineKind
    due: date
    met_on: date | None
    ref: str | None

    def as_dict(self) -> dict[str, str | None]:
        """The shape of one deadline in ``evaluate_status --json`` (§5)."""
        return {
            "kind": str(self.kind),
            "due": self.due.isoformat(),
            "met_on": self.met_on.isoformat() if self.met_on else None,
            "ref": self.ref,
        }


@dataclass(frozen=True, slots=True)
class Evaluation:
    status: Status
    since: date
    reasons: tuple[Reason, ...]
    deadlines: tuple[Deadline, ...]

    def as_dict(self) -> dict[str, object]:
        """§5 JSON without the ``jurisdiction`` key, which the caller adds."""
        return {
            "status": str(self.status),
            "since": self.since.isoformat(),
            "reasons": [str(reason) for reason in self.reasons],
            "deadlines": [deadline.as_dict() for deadline in self.deadlines],
        }


@dataclass(frozen=True, slots=True)
class Transition:
    """The status shown changed on ``on`` (the first transition is the join date)."""

    on: date
    status: Status
    reasons: tuple[Reason, ...]


# --------------------------------------------------------------------------------------------------
# §3.1 Period (a helper for the import and the plan form; the status rules do not need it)
# --------------------------------------------------------------------------------------------------


class PeriodProblemCode(StrEnum):
    """What can be wrong with a plan period under §3.1 "Period", in the order it is checked."""

    ENDS_BEFORE_START = "ends_before_start"
    STARTS_BEFORE_JOINING = "starts_before_joining"  # fields: joined_on
    STARTS_BEFORE_PREVIOUS_PLAN_ENDS = "starts_before_previous_plan_ends"  # previous_plan_ends_on
    NO_TERM_IN_FORCE = "no_term_in_force"
    ENDS_TOO_CLOSE_TO_TERM_END = "ends_too_close_to_term_end"  # term_ends_on, latest_end
    NOT_STRATEGY_PERIOD_OR_LENGTH = "not_strategy_period_or_length"

    @property
    def date_field(self) -> str:
        """The plan's date the problem is about: ``starts_on`` or ``ends_on``."""
        return "ends_on" if self in _END_PROBLEMS else "starts_on"


_END_PROBLEMS = frozenset(
    {
        PeriodProblemCode.ENDS_BEFORE_START,
        PeriodProblemCode.ENDS_TOO_CLOSE_TO_TERM_END,
        PeriodProblemCode.NOT_STRATEGY_PERIOD_OR_LENGTH,
    }
)


@dataclass(frozen=True, slots=True)
class PeriodProblem:
    """One problem of a plan period, with the dates that explain it (the words are the callers':
    ``action_plans.requirements.period_problem_text``)."""

    code: PeriodProblemCode
    fields: Mapping[str, date] = field(default_factory=dict, hash=False)


def plan_period_problems(
    facts: JurisdictionFacts,
    starts_on: date,
    ends_on: date,
    previous_plan_ends_on: date | None = None,
) -> list[PeriodProblem]:
    """What is wrong with a plan period for this jurisdiction under §3.1 "Period" (empty: fine)."""
    problems: list[PeriodProblem] = []
    if ends_on < starts_on:
        return [PeriodProblem(PeriodProblemCode.ENDS_BEFORE_START)]
    if starts_on < facts.joined_on:
        problems.append(
            PeriodProblem(PeriodProblemCode.STARTS_BEFORE_JOINING, {"joined_on": facts.joined_on})
        )
    if previous_plan_ends_on is not None and starts_on <= previous_plan_ends_on:
        problems.append(
            PeriodProblem(
                PeriodProblemCode.STARTS_BEFORE_PREVIOUS_PLAN_ENDS,
                {"previous_plan_ends_on": previous_plan_ends_on},
            )
        )
    if facts.has_elections:
        term = _period_in_force(facts.terms, starts_on)
        if term is None:
            problems.append(PeriodProblem(PeriodProblemCode.NO_TERM_IN_FORCE))
        elif ends_on > add_months(term.ends_on, -2):
            problems.append(
                PeriodProblem(
                    PeriodProblemCode.ENDS_TOO_CLOSE_TO_TERM_END,
                    {"term_ends_on": term.ends_on, "latest_end": add_months(term.ends_on, -2)},
                )
            )
    else:
        strategy = _period_in_force(facts.strategy_periods, starts_on)
        same_as_strategy = strategy is not None and (strategy.starts_on, strategy.ends_on) == (
            starts_on,
            ends_on,
        )
        shortest = add_months(starts_on, 12) - ONE_DAY
        longest = add_months(starts_on, 48) - ONE_DAY
        if not same_as_strategy and not shortest <= ends_on <= longest:
            problems.append(PeriodProblem(PeriodProblemCode.NOT_STRATEGY_PERIOD_OR_LENGTH))
    return problems


def _period_in_force(periods: Iterable[Period], day: date) -> Period | None:
    for period in periods:
        if period.starts_on <= day <= period.ends_on:
            return period
    return None


# --------------------------------------------------------------------------------------------------
# Indexed facts: everything the rules look up, sorted once per evaluation
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Commitment:
    facts: CommitmentFacts
    plan: _Plan
    added_on: date
    # updates by quarter, sorted by quarter; one per quarter (the first submitted if the facts
    # hold more than one, which the database forbids)
    quarters: list[Quarter] = field(default_factory=list)
    updates: list[TrackerUpdate] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"{self.plan.facts.ref}/{self.facts.ref}"

    def under_implementation_in(self, quarter: Quarter) -> bool:
        """§3.2: started on or before the quarter's end, neither completed nor withdrawn before its
        start. Reading: a commitment added to the plan after the quarter ended was not part of it.
        """
        completed, withdrawn = self.facts.completed_on, self.facts.withdrawn_on
        return (
            self.facts.starts_on <= quarter.ends_on
            and self.added_on <= quarter.ends_on
            and (completed is None or completed >= quarter.starts_on)
            and (withdrawn is None or withdrawn >= quarter.starts_on)
        )

    def baseline(self, quarter: Quarter, as_of: date) -> int:
        """§3.2: the percent of this commitment's update for the nearest earlier quarter that has
        one, whenever submitted (0 when none). Reading: "whenever submitted" means late or on time,
        but an update submitted after the day being decided is not known on that day.
        """
        index = bisect_left(self.quarters, quarter) - 1
        while index >= 0:
            update = self.updates[index]
            if update.submitted_on <= as_of:
                return update.percent
            index -= 1
        return 0


@dataclass(slots=True)
class _Plan:
    facts: PlanFacts
    submitted_on: date
    order: int
    commitments: list[_Commitment] = field(default_factory=list)
    # implementation meetings with non-governmental participants, sorted by day
    engagement_days: list[date] = field(default_factory=list)
    # quarter -> (commitment, update) of every update for that quarter
    updates_by_quarter: dict[Quarter, list[tuple[_Commitment, TrackerUpdate]]] = field(
        default_factory=dict
    )
    # calendar quarters that can be reporting quarters, before the voluntary-inactivity test
    reporting_candidates: set[Quarter] = field(default_factory=set)

    def follows(self, other: _Plan) -> bool:
        """Whether this plan is a next plan after ``other``. Reading (§3.1 "Next plan"): it starts
        after ``other`` starts and ends after it ends, so that of two overlapping plans (one of
        them joint) the one that ends first is not the next plan of the other."""
        return self.order > other.order and self.facts.ends_on > other.facts.ends_on

    def updated(self, quarter: Quarter) -> bool:
        """§3.2: at least one update for the quarter was submitted by its deadline."""
        deadline = quarter.deadline
        return any(
            update.submitted_on <= deadline
            for _, update in self.updates_by_quarter.get(quarter, ())
        )

    def shows_progress(self, quarter: Quarter, as_of: date) -> bool:
        """§3.2: an update for the quarter, submitted by its deadline, beats its baseline."""
        deadline = quarter.deadline
        return any(
            update.submitted_on <= deadline and update.percent > commitment.baseline(quarter, as_of)
            for commitment, update in self.updates_by_quarter.get(quarter, ())
        )


@dataclass(frozen=True, slots=True)
class _QuarterPair:
    plan: _Plan
    first: Quarter
    second: Quarter


class _Ledger:
    """The facts of one jurisdiction, sorted for the look-ups the rules make."""

    def __init__(self, facts: JurisdictionFacts) -> None:
        self.facts = facts
        self.joined_on = facts.joined_on
        ordered = sorted(facts.plans, key=lambda plan: (plan.starts_on, plan.ref))
        self.plans: list[_Plan] = []
        for order, recorded in enumerate(ordered):
            if recorded.submitted_on is not None:
                self.plans.append(self._index_plan(recorded, recorded.submitted_on, order))
        self.submissions = sorted(plan.submitted_on for plan in self.plans)
        # §3.3 "Resuming": co-creation meetings with non-governmental participants. Reading: they
        # are the co-creation of a plan still owed, so a meeting recorded on a plan already
        # submitted before it was held does not count; drafts' meetings do.
        self.co_creation_days = sorted(
            meeting.held_on
            for plan in facts.plans
            for meeting in plan.meetings
            if meeting.kind is MeetingKind.CO_CREATION
            and meeting.with_non_governmental_participants
            and (plan.submitted_on is None or plan.submitted_on >= meeting.held_on)
        )
        # every update of every submitted plan, by submission day (tracker resumption)
        self.updates_by_day = sorted(
            (
                (update.submitted_on, index, commitment, update)
                for plan in self.plans
                for commitment in plan.commitments
                for index, update in enumerate(commitment.updates)
            ),
            key=lambda row: (row[0], row[1]),
        )
        self.update_days = [row[0] for row in self.updates_by_day]
        self.pairs_by_day: dict[date, list[_QuarterPair]] = {}
        for plan in self.plans:
            for quarter in plan.reporting_candidates:
                following = quarter.following()
                if following in plan.reporting_candidates:
                    event_day = following.deadline + ONE_DAY
                    pair = _QuarterPair(plan, quarter, following)
                    self.pairs_by_day.setdefault(event_day, []).append(pair)
        self.reinstatement_days = sorted({item.on for item in facts.reinstatements})
        self.approvals_by_day: dict[date, list[VoluntaryInactivity]] = {}
        for period in facts.voluntary_periods:
            self.approvals_by_day.setdefault(period.approval_day, []).append(period)
        self.voluntary_days_recorded = sum(
            (period.ends_on - period.starts_on).days + 1
            for period in facts.voluntary_periods
            if period.ends_on >= period.starts_on
        )
        # extensions, by what is known on a day
        self.granted = sorted(
            (
                request
                for request in facts.extension_requests
                if request.decision is Decision.GRANTED
                and request.decided_on is not None
                and request.granted_until is not None
            ),
            key=lambda request: (request.decided_on or date.min, request.granted_until or date.min),
        )

    def _index_plan(self, facts: PlanFacts, submitted_on: date, order: int) -> _Plan:
        plan = _Plan(facts, submitted_on, order)
        plan.engagement_days = sorted(
            meeting.held_on
            for meeting in facts.meetings
            if meeting.kind is MeetingKind.IMPLEMENTATION
            and meeting.with_non_governmental_participants
        )
        for commitment_facts in facts.commitments:
            commitment = _Commitment(
                commitment_facts, plan, commitment_facts.added_on or submitted_on
            )
            by_quarter: dict[Quarter, TrackerUpdate] = {}
            for update in sorted(commitment_facts.updates, key=lambda item: item.submitted_on):
                quarter = parse_quarter(update.quarter)
                by_quarter.setdefault(quarter, update)
                plan.updates_by_quarter.setdefault(quarter, []).append((commitment, update))
            commitment.quarters = sorted(by_quarter)
            commitment.updates = [by_quarter[quarter] for quarter in commitment.quarters]
            plan.commitments.append(commitment)
        # §3.2: a reporting quarter ends on or after the submission date, starts on or before the
        # plan's end, and has a commitment under implementation (the voluntary test comes later).
        if submitted_on <= facts.ends_on or quarter_of(submitted_on) <= quarter_of(facts.ends_on):
            quarter, last = quarter_of(submitted_on), quarter_of(facts.ends_on)
            while quarter <= last:
                if any(c.under_implementation_in(quarter) for c in plan.commitments):
                    plan.reporting_candidates.add(quarter)
                quarter = quarter.following()
        return plan

    # -- look-ups -------------------------------------------------------------------------------

    def plan_submitted_between(self, first: date, last: date) -> bool:
        index = bisect_left(self.submissions, first)
        return index < len(self.submissions) and self.submissions[index] <= last

    def first_co_creation_between(self, first: date, last: date) -> date | None:
        index = bisect_left(self.co_creation_days, first)
        if index < len(self.co_creation_days) and self.co_creation_days[index] <= last:
            return self.co_creation_days[index]
        return None

    def first_plan_due(self, day: date) -> date:
        """§3.2 ``first_plan``: the deadline set (default joined + 4 months) or the latest granted
        extension known on ``day``. Reading: "latest" is the most recently decided one, since a
        changed deadline is recorded as a granted extension with its decision date (§2) and may
        move the deadline either way.
        """
        due = self.facts.first_plan_deadline or add_months(self.joined_on, 4)
        for request in self.granted:
            if request.decided_on is not None and request.decided_on <= day:
                assert request.granted_until is not None
                due = request.granted_until
        return due


# --------------------------------------------------------------------------------------------------
# Voluntary inactivity (§3.3): what the approved periods do to dates
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Pause:
    """An accepted voluntary-inactivity period, from the day it takes effect."""

    starts_on: date
    ends_on: date

    def covers(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def move_plan_deadline(due: date, pauses: Sequence[_Pause]) -> date:
    """§3.3: a plan deadline inside a voluntary period moves to one month after its last day
    (2027-08-31 becomes 2027-09-30), and again if that lands inside another period.
    """
    moved = True
    while moved:
        moved = False
        for pause in pauses:
            if pause.covers(due):
                due = add_months(pause.ends_on, 1)
                moved = True
    return due


def voluntary_days_between(pauses: Sequence[_Pause], after: date, until: date) -> int:
    """Days of voluntary inactivity in the window (after, until]."""
    total = 0
    for pause in pauses:
        first = max(pause.starts_on, after + ONE_DAY)
        last = min(pause.ends_on, until)
        if first <= last:
            total += (last - first).days + 1
    return total


# --------------------------------------------------------------------------------------------------
# Plans owed (§3.2 first_plan / next_plan, §3.3 resuming and reinstatement)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _PlanOwed:
    """A plan the member owes: the first plan, the next one after ``after``, or the one owed
    4 months after a reinstatement (§3.3 "Reinstatement")."""

    key: str
    kind: DeadlineKind
    reason: Reason
    due_on: date | None  # None: the first plan, whose due date depends on the day (extensions)
    after: _Plan | None = None  # next_plan: the plan whose end starts the clock
    met_from: date | None = None  # reinstatement: only plans submitted on or after this day meet it
    ref: str | None = None  # reinstatement: the last plan before it, if any


@dataclass(slots=True)
class _OwedState:
    overdue_since: date | None = None  # first day of the current overdue run
    resumed_on: date | None = None  # the co-creation meeting that resumed it (once per plan owed)
    resumed_due: date | None = None  # §3.3: due 4 months after that meeting


# --------------------------------------------------------------------------------------------------
# The rules, one per reason code, in the order of the §3.3 table
# --------------------------------------------------------------------------------------------------


def first_plan_overdue(
    ledger: _Ledger, owed: _PlanOwed, state: _OwedState, day: date, pauses: Sequence[_Pause]
) -> bool:
    """No plan submitted, on any day after the ``first_plan`` due date (a condition).

    A request for extension filed on or before the due date holds this off until it is decided;
    then the rule applies from the day after the later of the decision and the due date.
    """
    if plan_owed_is_met(ledger, owed, day):
        return False
    if state.resumed_due is not None:
        # Reading (§3.3 "Resuming"): once resumed by a meeting the plan is due 4 months after it;
        # extension requests no longer move or hold off that date.
        return day > move_plan_deadline(state.resumed_due, pauses)
    if owed.due_on is not None:  # owed after a reinstatement: no extensions (§3.3)
        return day > move_plan_deadline(owed.due_on, pauses)
    due = move_plan_deadline(ledger.first_plan_due(day), pauses)
    applies_after = due
    for request in ledger.facts.extension_requests:
        if request.requested_on > day:
            continue
        # Reading: "filed on or before the due date" is the due date in force on the filing day.
        due_when_filed = move_plan_deadline(ledger.first_plan_due(request.requested_on), pauses)
        if request.requested_on > due_when_filed:
            continue
        if not request.decided_by(day):
            return False  # held off until decided
        assert request.decided_on is not None
        applies_after = max(applies_after, request.decided_on)
    return day > applies_after


def next_plan_overdue(
    ledger: _Ledger, owed: _PlanOwed, state: _OwedState, day: date, pauses: Sequence[_Pause]
) -> bool:
    """No next plan submitted, on any day after the ``next_plan`` due date (a condition)."""
    if plan_owed_is_met(ledger, owed, day):
        return False
    due = state.resumed_due if state.resumed_due is not None else owed.due_on
    assert due is not None
    return day > move_plan_deadline(due, pauses)


def plan_owed_is_met(ledger: _Ledger, owed: _PlanOwed, day: date) -> bool:
    if owed.after is not None:
        # §3.2: met by the next plan's submission (a joint plan counts for every member in it).
        return any(plan.follows(owed.after) and plan.submitted_on <= day for plan in ledger.plans)
    first = owed.met_from if owed.met_from is not None else date.min
    return ledger.plan_submitted_between(first, day)


def tracker_not_updated(pair: _QuarterPair) -> bool:
    """Event: two adjacent closed reporting quarters were both not updated."""
    return not pair.plan.updated(pair.first) and not pair.plan.updated(pair.second)


def tracker_no_progress(pair: _QuarterPair, day: date) -> bool:
    """Event: two adjacent closed reporting quarters both showed no progress, at least one of them
    updated."""
    plan = pair.plan
    if not (plan.updated(pair.first) or plan.updated(pair.second)):
        return False
    return not plan.shows_progress(pair.first, day) and not plan.shows_progress(pair.second, day)


def voluntary(pauses: Sequence[_Pause], day: date) -> bool:
    """An approved voluntary-inactivity period covers the day."""
    return any(pause.covers(day) for pause in pauses)


def inactive_6_months(inactive_since: date | None, day: date) -> bool:
    """Timer: on inactive-since + 6 months, if still inactive (the caller knows it is)."""
    return inactive_since is not None and day >= add_months(inactive_since, 6)


def no_engagement_evidence(
    plan: _Plan, day: date, pauses: Sequence[_Pause], counting_from: date
) -> bool:
    """A condition: a submitted plan that has not ended has been in implementation 12 months or
    more, and fewer than 2 implementation meetings with non-governmental participants were held in
    the trailing 12 months (day - 12 months < held <= day), the window reaching back further by as
    many days as it contains voluntary days.

    ``counting_from`` is the plan's submission, or a later reinstatement (reading of "the rules
    start afresh", §3.3: 12 months of implementation are counted from the reinstatement).
    """
    if day < plan.submitted_on or day > plan.facts.ends_on:
        return False
    if day < add_months(max(plan.submitted_on, counting_from), 12):
        return False
    window_after = engagement_window_start(day, pauses)
    days = plan.engagement_days
    held = bisect_right(days, day) - bisect_right(days, window_after)
    return held < 2


def engagement_window_start(day: date, pauses: Sequence[_Pause]) -> date:
    """The exclusive start of the trailing window of ``no_engagement_evidence``: 12 months back,
    then further back by the voluntary days the window contains (until that number settles)."""
    twelve_months_back = add_months(day, -12)
    start = twelve_months_back
    if not pauses:
        return start
    while True:
        extended = twelve_months_back - timedelta(days=voluntary_days_between(pauses, start, day))
        if extended == start:
            return start
        start = extended


def probation_4_months(probation_since: date | None, day: date) -> bool:
    """Timer: on probation-since + 4 months, if still on probation (the caller knows it is)."""
    return probation_since is not None and day >= add_months(probation_since, 4)


def override(overrides: Sequence[Override], day: date) -> Override | None:
    """A Support Unit override covers the day. Reading: where two cover it, the one that started
    last (then the one recorded last) is shown."""
    shown: Override | None = None
    for candidate in overrides:
        if candidate.covers(day) and (shown is None or candidate.starts_on >= shown.starts_on):
            shown = candidate
    return shown


def status_of(reasons: Iterable[Reason]) -> Status:
    """§3.3 "Severity": revoked > probation > inactive > active."""
    held = set(reasons)
    if Reason.PROBATION_4_MONTHS in held:
        return Status.REVOKED
    if Reason.INACTIVE_6_MONTHS in held or Reason.NO_ENGAGEMENT_EVIDENCE in held:
        return Status.PROBATION
    if held & _INACTIVITY:
        return Status.INACTIVE
    if Reason.VOLUNTARY in held:
        return Status.VOLUNTARY_INACTIVE
    return Status.ACTIVE


def _ordered(reasons: Iterable[Reason]) -> tuple[Reason, ...]:
    return tuple(sorted(set(reasons), key=_REASON_ORDER.__getitem__))


# --------------------------------------------------------------------------------------------------
# The walk from one date where something can change to the next
# --------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _State:
    """What the rules carry from one day to the next (everything else is recomputed each day)."""

    epoch_start: date  # the join date, or the last reinstatement
    owed: dict[str, _OwedState] = field(default_factory=dict)
    tracker_since: date | None = None
    tracker_reasons: tuple[Reason, ...] = ()
    tracker_resumes_on: date | None = None
    inactive_since: date | None = None
    probation_since: date | None = None
    revoked_since: date | None = None
    revoked_reasons: tuple[Reason, ...] = ()
    reasons: tuple[Reason, ...] = ()  # the rules' reasons on the last day decided
    status: Status = Status.ACTIVE  # the rules' status (under any override) on that day

    def copy(self) -> _State:
        clone = _State(
            epoch_start=self.epoch_start,
            owed={
                key: _OwedState(item.overdue_since, item.resumed_on, item.resumed_due)
                for key, item in self.owed.items()
            },
        )
        for name in (
            "tracker_since",
            "tracker_reasons",
            "tracker_resumes_on",
            "inactive_since",
            "probation_since",
            "revoked_since",
            "revoked_reasons",
            "reasons",
            "status",
        ):
            setattr(clone, name, getattr(self, name))
        return clone


@dataclass(frozen=True, slots=True)
class _Resumption:
    owed: _PlanOwed
    met_on: date
    due_on: date


class _Engine:
    def __init__(self, facts: JurisdictionFacts) -> None:
        self.ledger = _Ledger(facts)
        self.facts = facts
        self.state = _State(epoch_start=facts.joined_on)
        self.pauses: list[_Pause] = []
        self.owed: list[_PlanOwed] = self._plans_owed_in_epoch(facts.joined_on, first=True)
        self.resumptions: list[_Resumption] = []
        self.reinstated_owed: list[_PlanOwed] = []
        self.revocations: list[date] = []  # revocation days reached (for the deadlines list)
        self.transitions: list[Transition] = []
        self.last_status: Status = Status.ACTIVE
        self.last_reasons: tuple[Reason, ...] = ()
        self._queue: list[date] = []
        self._queued: set[date] = set()
        self._schedule_fixed_days()

    # -- candidate days -------------------------------------------------------------------------

    def _at(self, day: date | None) -> None:
        if day is not None and day not in self._queued:
            self._queued.add(day)
            heapq.heappush(self._queue, day)

    def _schedule_fixed_days(self) -> None:
        facts, ledger = self.facts, self.ledger
        self._at(facts.joined_on)
        self._at(add_months(facts.joined_on, 4) + ONE_DAY)
        if facts.first_plan_deadline is not None:
            self._at(facts.first_plan_deadline + ONE_DAY)
        for request in facts.extension_requests:
            self._at(request.requested_on)
            if request.decided_on is not None:
                self._at(request.decided_on)
                self._at(request.decided_on + ONE_DAY)
            if request.granted_until is not None:
                self._at(request.granted_until + ONE_DAY)
        for period in facts.voluntary_periods:
            self._at(period.approval_day)
            self._at(period.effective_from)
            self._at(period.ends_on + ONE_DAY)
            self._at(add_months(period.ends_on, 1) + ONE_DAY)  # moved plan deadlines
        for item in facts.overrides:
            self._at(item.starts_on)
            if item.ends_on is not None:
                self._at(item.ends_on + ONE_DAY)
            self._at(item.withdrawn_on)
        for reinstatement in facts.reinstatements:
            self._at(reinstatement.on)
            self._at(add_months(reinstatement.on, 4) + ONE_DAY)
        for plan_facts in facts.plans:
            for meeting in plan_facts.meetings:
                self._at(meeting.held_on)
        for plan in ledger.plans:
            self._at(plan.submitted_on)
            self._at(plan.facts.ends_on + ONE_DAY)
            self._at(add_months(plan.facts.ends_on, 4) + ONE_DAY)
            for start in [facts.joined_on, *(r.on for r in facts.reinstatements)]:
                self._at(add_months(max(plan.submitted_on, start), 12))
            for held in plan.engagement_days:
                leaves = add_months(held, 12)
                while add_months(leaves, -12) < held:
                    leaves += ONE_DAY
                # voluntary days push the window's start back by at most one day each
                for extra in range(ledger.voluntary_days_recorded + 1):
                    self._at(leaves + timedelta(days=extra))
        for day in ledger.pairs_by_day:
            self._at(day)

    # -- the walk -------------------------------------------------------------------------------

    def run(self, until: date) -> None:
        self._at(until)
        shown: Status | None = None
        while self._queue and self._queue[0] <= until:
            day = heapq.heappop(self._queue)
            if day < self.facts.joined_on:
                continue
            self._decide(day)
            status, reasons = self._shown(day)
            if status is not shown:
                self.transitions.append(Transition(day, status, reasons))
                shown = status
            self.last_status, self.last_reasons = status, reasons

    def _shown(self, day: date) -> tuple[Status, tuple[Reason, ...]]:
        """What the member's page shows: an override, or the rules' status."""
        shown = override(self.facts.overrides, day)
        if shown is not None:
            return shown.status, (Reason.OVERRIDE,)
        return self.state.status, self.state.reasons

    def _decide(self, day: date) -> None:
        state = self.state
        if day in self.ledger.reinstatement_days and state.revoked_since is not None:
            self._reinstate(day)
            state = self.state
        if state.revoked_since is not None:
            return  # §3.3: revoked is final until reinstated; its reasons stay as they were
        approvals = self.ledger.approvals_by_day.get(day, [])
        if approvals and self._may_pause(state, day):
            self.pauses.extend(_Pause(item.effective_from, item.ends_on) for item in approvals)
        if voluntary(self.pauses, day):
            self._pause(state, day)
        else:
            self._apply_rules(state, day)

    def _may_pause(self, state: _State, day: date) -> bool:
        """§3.3: voluntary inactivity may be approved only for an active member. Reading: the
        rules' status on the approval day decides (an override does not); a period approved while
        another one covers the member, or covered it the day before, extends the pause."""
        if state.status is Status.VOLUNTARY_INACTIVE or voluntary(self.pauses, day):
            return True
        trial = state.copy()
        self._apply_rules(trial, day)
        return trial.status is Status.ACTIVE

    def _pause(self, state: _State, day: date) -> None:
        """§3.3: while a voluntary period covers a day, no other rule fires; runs of inactivity
        and probation are broken. A tracker inactivity still ends on a qualifying update."""
        if state.tracker_resumes_on is not None and state.tracker_resumes_on <= day:
            state.tracker_since, state.tracker_reasons, state.tracker_resumes_on = None, (), None
        for item in state.owed.values():
            item.overdue_since = None
        state.inactive_since = None
        state.probation_since = None
        state.reasons = (Reason.VOLUNTARY,)
        state.status = Status.VOLUNTARY_INACTIVE

    def _apply_rules(self, state: _State, day: date) -> None:
        reasons: list[Reason] = []
        # plans owed (conditions), with resumption by a co-creation meeting
        for owed in self._owed_on(day):
            if self._plan_overdue(state, owed, day):
                reasons.append(owed.reason)
        # a tracker inactivity ends on an update that beats its baseline (§3.3 "Resuming")
        if state.tracker_resumes_on is not None and state.tracker_resumes_on <= day:
            state.tracker_since, state.tracker_reasons, state.tracker_resumes_on = None, (), None
        engagement = self._no_engagement_evidence(state, day)
        # tracker events: a pair failing while the member is already inactive or on probation adds
        # nothing (§3.3). Reading: "already" is judged on the event day, conditions included.
        if not reasons and state.tracker_since is None and not engagement:
            fired = self._tracker_events(state, day)
            if fired:
                state.tracker_since, state.tracker_reasons = day, fired
                state.tracker_resumes_on = self._tracker_resumption(day)
                self._at(state.tracker_resumes_on)
                if state.tracker_resumes_on == day:
                    state.tracker_since, state.tracker_reasons = None, ()
                    state.tracker_resumes_on = None
        reasons.extend(state.tracker_reasons)
        # inactivity, and probation after 6 months of it
        if reasons:
            if state.inactive_since is None:
                state.inactive_since = day
                self._at(add_months(day, 6))
            if inactive_6_months(state.inactive_since, day):
                reasons.append(Reason.INACTIVE_6_MONTHS)
        else:
            state.inactive_since = None
        if engagement:
            reasons.append(Reason.NO_ENGAGEMENT_EVIDENCE)
        if Reason.INACTIVE_6_MONTHS in reasons or engagement:
            if state.probation_since is None:
                state.probation_since = day
                self._at(add_months(day, 4))
            if probation_4_months(state.probation_since, day):
                reasons.append(Reason.PROBATION_4_MONTHS)
        else:
            state.probation_since = None
        state.reasons = _ordered(reasons)
        state.status = status_of(reasons)
        if state.status is Status.REVOKED and state is self.state:
            state.revoked_since, state.revoked_reasons = day, state.reasons
            self.revocations.append(day)

    def _plan_overdue(self, state: _State, owed: _PlanOwed, day: date) -> bool:
        rule = first_plan_overdue if owed.reason is Reason.FIRST_PLAN_OVERDUE else next_plan_overdue
        item = state.owed.setdefault(owed.key, _OwedState())
        if not rule(self.ledger, owed, item, day, self.pauses):
            item.overdue_since = None
            return False
        if item.overdue_since is None:
            item.overdue_since = day
        if item.resumed_on is None:
            # §3.3: once per plan owed, the first co-creation meeting with non-governmental
            # participants on or after the inactive-since date ends the inactivity; the plan is then
            # due 4 months after it. Reading: inactive-since is the first day this plan was overdue.
            meeting = self.ledger.first_co_creation_between(item.overdue_since, day)
            if meeting is not None:
                item.resumed_on, item.resumed_due = meeting, add_months(meeting, 4)
                item.overdue_since = None
                self._at(item.resumed_due + ONE_DAY)
                if state is self.state:
                    self.resumptions.append(_Resumption(owed, meeting, item.resumed_due))
                return rule(self.ledger, owed, item, day, self.pauses)
        return True

    def _no_engagement_evidence(self, state: _State, day: date) -> bool:
        return any(
            no_engagement_evidence(plan, day, self.pauses, state.epoch_start)
            for plan in self.ledger.plans
        )

    def _tracker_events(self, state: _State, day: date) -> tuple[Reason, ...]:
        fired: set[Reason] = set()
        for pair in self.ledger.pairs_by_day.get(day, ()):
            if not self._reporting(pair.first, state) or not self._reporting(pair.second, state):
                continue
            if tracker_not_updated(pair):
                fired.add(Reason.TRACKER_NOT_UPDATED)
            elif tracker_no_progress(pair, day):
                fired.add(Reason.TRACKER_NO_PROGRESS)
        return _ordered(fired)

    def _reporting(self, quarter: Quarter, state: _State) -> bool:
        """§3.2: not ending inside a voluntary period. Reading of "the rules start afresh" (§3.3):
        after a reinstatement only quarters whose deadline is on or after it count."""
        return quarter.deadline >= state.epoch_start and not voluntary(self.pauses, quarter.ends_on)

    def _tracker_resumption(self, since: date) -> date | None:
        """The first day on or after ``since`` an update is submitted whose percent is higher than
        its commitment's baseline (§3.3 "Resuming")."""
        ledger = self.ledger
        for submitted_on, _, commitment, update in ledger.updates_by_day[
            bisect_left(ledger.update_days, since) :
        ]:
            quarter = parse_quarter(update.quarter)
            if update.percent > commitment.baseline(quarter, submitted_on):
                return submitted_on
        return None

    # -- plans owed, by epoch -------------------------------------------------------------------

    def _plans_owed_in_epoch(self, start: date, *, first: bool) -> list[_PlanOwed]:
        owed: list[_PlanOwed] = []
        if first:
            owed.append(
                _PlanOwed("first", DeadlineKind.FIRST_PLAN, Reason.FIRST_PLAN_OVERDUE, None)
            )
        else:
            # §3.3: a reinstated member with no plan in force owes one 4 months later. Reading: a
            # plan submitted by then that has not ended is in force; the plan owed is listed as the
            # first plan if the member never submitted one, else as the next plan.
            in_force = any(
                plan.submitted_on <= start <= plan.facts.ends_on for plan in self.ledger.plans
            )
            if not in_force:
                earlier = [plan for plan in self.ledger.plans if plan.submitted_on <= start]
                kind, reason = (
                    (DeadlineKind.NEXT_PLAN, Reason.NEXT_PLAN_OVERDUE)
                    if earlier
                    else (DeadlineKind.FIRST_PLAN, Reason.FIRST_PLAN_OVERDUE)
                )
                last = max(earlier, key=lambda plan: plan.facts.ends_on, default=None)
                item = _PlanOwed(
                    f"reinstated-{start.isoformat()}",
                    kind,
                    reason,
                    add_months(start, 4),
                    met_from=start,
                    ref=last.facts.ref if last is not None else None,
                )
                owed.append(item)
                self.reinstated_owed.append(item)
        for plan in self.ledger.plans:
            if plan.facts.ends_on >= start:
                owed.append(
                    _PlanOwed(
                        f"next-{plan.facts.ref}",
                        DeadlineKind.NEXT_PLAN,
                        Reason.NEXT_PLAN_OVERDUE,
                        add_months(plan.facts.ends_on, 4),
                        after=plan,
                    )
                )
        return owed

    def _owed_on(self, day: date) -> Iterable[_PlanOwed]:
        for owed in self.owed:
            if owed.after is None or owed.after.submitted_on <= day:
                yield owed

    def _reinstate(self, day: date) -> None:
        """§3.3: from the reinstatement day the member is active and the rules start afresh."""
        self.state = _State(epoch_start=day)
        self.owed = self._plans_owed_in_epoch(day, first=False)

    # -- the deadlines of §3.2, as known on the as-of date --------------------------------------

    def deadlines(self, as_of: date) -> tuple[Deadline, ...]:
        ledger, pauses = self.ledger, self.pauses
        plans = [plan for plan in ledger.plans if plan.submitted_on <= as_of]
        listed: set[Deadline] = set()

        def first_submission(from_day: date, after: _Plan | None) -> tuple[date, str] | None:
            found = [
                (plan.submitted_on, plan.facts.ref)
                for plan in plans
                if plan.submitted_on >= from_day and (after is None or plan.follows(after))
            ]
            return min(found) if found else None

        # first_plan (join) and next_plan, then plans owed after reinstatements
        first = first_submission(date.min, None)
        due = move_plan_deadline(ledger.first_plan_due(as_of), pauses)
        listed.add(
            Deadline(
                DeadlineKind.FIRST_PLAN,
                due,
                first[0] if first else None,
                first[1] if first else None,
            )
        )
        for plan in plans:
            following = first_submission(date.min, plan)
            listed.add(
                Deadline(
                    DeadlineKind.NEXT_PLAN,
                    move_plan_deadline(add_months(plan.facts.ends_on, 4), pauses),
                    following[0] if following else None,
                    plan.facts.ref,
                )
            )
        for owed in self.reinstated_owed:
            assert owed.due_on is not None
            assert owed.met_from is not None
            met = first_submission(owed.met_from, None)
            listed.add(self._owed_deadline(owed, move_plan_deadline(owed.due_on, pauses), met))
        # §3.2: a plan owed after resuming by a meeting is listed under its own kind, new due date
        for resumption in self.resumptions:
            owed = resumption.owed
            met = first_submission(owed.met_from or date.min, owed.after)
            due = move_plan_deadline(resumption.due_on, pauses)
            listed.add(self._owed_deadline(owed, due, met))
        # assessments, the change window and the tracker
        quarters: dict[Quarter, date | None] = {}
        for plan in plans:
            ref, submitted = plan.facts.ref, plan.submitted_on
            inception = plan.facts.inception_assessment_submitted_on
            final = plan.facts.final_learning_submitted_on
            listed.add(
                Deadline(
                    DeadlineKind.INCEPTION_ASSESSMENT,
                    add_months(submitted, 2),
                    _known(inception, as_of),
                    ref,
                )
            )
            listed.add(
                Deadline(
                    DeadlineKind.FINAL_LEARNING_EXERCISE,
                    add_months(plan.facts.ends_on, 2),
                    _known(final, as_of),
                    ref,
                )
            )
            listed.add(Deadline(DeadlineKind.CHANGE_WINDOW, add_months(submitted, 6), None, ref))
            for commitment in plan.commitments:
                completed = commitment.facts.completed_on
                if completed is not None and completed <= as_of:
                    listed.add(
                        Deadline(
                            DeadlineKind.END_OF_COMMITMENT_ASSESSMENT,
                            add_months(completed, 1),
                            _known(commitment.facts.assessment_submitted_on, as_of),
                            commitment.key,
                        )
                    )
            for quarter in plan.reporting_candidates:
                # Reading (§5 "already known"): a quarter's tracker deadline is known once the
                # quarter has begun; commitments added after the as-of date are not yet known.
                if quarter.starts_on > as_of or voluntary(pauses, quarter.ends_on):
                    continue
                if not any(
                    c.added_on <= as_of and c.under_implementation_in(quarter)
                    for c in plan.commitments
                ):
                    continue
                met_on = _first_update(plan, quarter, min(quarter.deadline, as_of))
                known = quarters.get(quarter)
                if quarter not in quarters or (
                    met_on is not None and (known is None or met_on < known)
                ):
                    quarters[quarter] = met_on
        for quarter, met_on in quarters.items():
            deadline = Deadline(DeadlineKind.TRACKER_UPDATE, quarter.deadline, met_on, str(quarter))
            listed.add(deadline)
        # revocation: every probation that reached its end, and the one running now
        for day in self.revocations:
            if day <= as_of:
                listed.add(Deadline(DeadlineKind.REVOCATION, day, None, None))
        if self.state.revoked_since is None and self.state.probation_since is not None:
            due = add_months(self.state.probation_since, 4)
            listed.add(Deadline(DeadlineKind.REVOCATION, due, None, None))
        return tuple(
            sorted(
                listed,
                key=lambda item: (item.due, _KIND_ORDER[item.kind], item.ref or ""),
            )
        )

    @staticmethod
    def _owed_deadline(owed: _PlanOwed, due: date, met: tuple[date, str] | None) -> Deadline:
        if owed.kind is DeadlineKind.FIRST_PLAN:
            return Deadline(owed.kind, due, met[0] if met else None, met[1] if met else None)
        ref = owed.after.facts.ref if owed.after is not None else owed.ref
        return Deadline(owed.kind, due, met[0] if met else None, ref)


def _known(day: date | None, as_of: date) -> date | None:
    return day if day is not None and day <= as_of else None


def _first_update(plan: _Plan, quarter: Quarter, by: date) -> date | None:
    days = [
        update.submitted_on
        for _, update in plan.updates_by_quarter.get(quarter, ())
        if update.submitted_on <= by
    ]
    return min(days) if days else None


# --------------------------------------------------------------------------------------------------
# Public entry points
# --------------------------------------------------------------------------------------------------


def evaluate(facts: JurisdictionFacts, as_of: date) -> Evaluation:
    """The member's status on ``as_of``, the day it began, the reasons that hold, and the
    deadlines of §3.2 that fell due on or before ``as_of`` or are already known after it.

    Reading: before the join date a member is shown active since its join date, owing nothing.
    """
    if as_of < facts.joined_on:
        return Evaluation(Status.ACTIVE, facts.joined_on, (), ())
    engine = _Engine(facts)
    engine.run(as_of)
    since = engine.transitions[-1].on
    return Evaluation(engine.last_status, since, engine.last_reasons, engine.deadlines(as_of))


def status_timeline(facts: JurisdictionFacts, until: date) -> list[Transition]:
    """Every change of the status shown, from the join date (the first entry) to ``until``."""
    if until < facts.joined_on:
        return []
    engine = _Engine(facts)
    engine.run(until)
    return list(engine.transitions)


def evaluate_with_timeline(
    facts: JurisdictionFacts, as_of: date
) -> tuple[Evaluation, list[Transition]]:
    """``evaluate(facts, as_of)`` and ``status_timeline(facts, as_of)`` from one walk of the
    rules: storing a status needs both, and walking twice doubled the daily evaluation."""
    if as_of < facts.joined_on:
        return evaluate(facts, as_of), []
    engine = _Engine(facts)
    engine.run(as_of)
    evaluation = Evaluation(
        engine.last_status, engine.transitions[-1].on, engine.last_reasons, engine.deadlines(as_of)
    )
    return evaluation, list(engine.transitions)

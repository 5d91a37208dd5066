"""The checks of docs/rules.md §3.1 that the business actions and the import share.

Pure functions over anything shaped like a meeting, an endorsement or a commitment (model instances
and the import's records alike), so a rule is written once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from members.rules import PeriodProblem, PeriodProblemCode

SINGLE_PLAN_LIMIT = 5
JOINT_PLAN_LIMIT = 12


class MeetingLike(Protocol):
    held_on: date
    kind: str
    government_participants: int
    non_governmental_participants: int


class EndorsementLike(Protocol):
    name: str


class CommitmentLike(Protocol):
    added_on: date | None
    withdrawn_on: date | None
    completed_on: date | None


@dataclass(frozen=True)
class Requirement:
    code: str
    label: str
    met: bool
    explanation: str


def commitment_limit(*, joint: bool) -> int:
    """At most 5 commitments at submission and open at once; 12 for a joint plan (§3.1)."""
    return JOINT_PLAN_LIMIT if joint else SINGLE_PLAN_LIMIT


def minimum_requirements(
    *,
    forum: str,
    meetings: Iterable[MeetingLike],
    endorsements: Iterable[EndorsementLike],
    monitoring_body_named: bool,
    monitoring_body_endorsed: bool,
) -> list[Requirement]:
    """The handbook's four minimum requirements, and the monitoring body, each met or missing."""
    co_creation = [m for m in meetings if m.kind == "co_creation"]
    with_stakeholders = [m for m in co_creation if m.non_governmental_participants > 0]
    mixed = [m for m in with_stakeholders if m.government_participants > 0]
    named = [e for e in endorsements if e.name.strip()]
    return [
        Requirement(
            "forum",
            _("Forum"),
            bool(forum.strip()),
            _("The space for participation in developing and reviewing the plan is described."),
        ),
        Requirement(
            "regularity",
            _("Regularity"),
            bool(with_stakeholders),
            _("At least one co-creation meeting with non-governmental participants was held."),
        ),
        Requirement(
            "multi_stakeholder",
            _("Multi-stakeholder"),
            bool(mixed),
            _(
                "At least one co-creation meeting had both government and non-governmental "
                "participants."
            ),
        ),
        Requirement(
            "endorsement",
            _("Endorsement"),
            bool(named),
            _("At least one non-governmental stakeholder endorsed the plan, by name."),
        ),
        Requirement(
            "monitoring_body",
            _("Monitoring body"),
            monitoring_body_named and monitoring_body_endorsed,
            _(
                "The plan names its independent monitoring body and records that the "
                "non-governmental stakeholders endorsed it."
            ),
        ),
    ]


def missing_requirements(requirements: Sequence[Requirement]) -> list[Requirement]:
    return [requirement for requirement in requirements if not requirement.met]


# §3.1 "Period": the rules' problem codes in words (members.rules.plan_period_problems). The
# exchange import writes them in English (docs/exchange.md §5); every other page in the reader's
# language.
PERIOD_PROBLEMS: dict[PeriodProblemCode, Promise] = {
    PeriodProblemCode.ENDS_BEFORE_START: _l("the plan ends before it starts"),
    PeriodProblemCode.STARTS_BEFORE_JOINING: _l("the plan starts before the jurisdiction joined"),
    PeriodProblemCode.STARTS_BEFORE_PREVIOUS_PLAN_ENDS: _l(
        "the plan starts before the previous plan ends"
    ),
    PeriodProblemCode.NO_TERM_IN_FORCE: _l(
        "no administration term is in force on the plan's start date"
    ),
    PeriodProblemCode.ENDS_TOO_CLOSE_TO_TERM_END: _l(
        "the plan must end at least 2 months before the end of the term"
    ),
    PeriodProblemCode.NOT_STRATEGY_PERIOD_OR_LENGTH: _l(
        "the plan must match the strategy period in force or last one to four years"
    ),
}


def period_problem_text(problem: PeriodProblem) -> str:
    """What is wrong, in the active language, without its dates (the exchange import's message)."""
    return str(PERIOD_PROBLEMS[problem.code])


def period_problem_detail(problem: PeriodProblem) -> str:
    """The dates a Point of Contact needs to fix it, in the reader's format ("" when none)."""
    days = {name: date_format(day) for name, day in problem.fields.items()}
    match problem.code:
        case PeriodProblemCode.STARTS_BEFORE_JOINING:
            return _("it joined on %(day)s") % {"day": days["joined_on"]}
        case PeriodProblemCode.STARTS_BEFORE_PREVIOUS_PLAN_ENDS:
            return _("the previous plan ends on %(day)s") % {"day": days["previous_plan_ends_on"]}
        case PeriodProblemCode.ENDS_TOO_CLOSE_TO_TERM_END:
            return _("the term ends on %(term)s, so the plan must end by %(latest)s") % {
                "term": days["term_ends_on"],
                "latest": days["latest_end"],
            }
    return ""


def period_problem_message(jurisdiction: str, problem: PeriodProblem) -> str:
    """The problem of `jurisdiction`'s period in a sentence, with its dates: what the submission
    page, the refusal of a submission (page and API) say."""
    names = {
        "jurisdiction": jurisdiction,
        "problem": period_problem_text(problem),
        "detail": period_problem_detail(problem),
    }
    if names["detail"]:
        return _("%(jurisdiction)s: %(problem)s (%(detail)s).") % names
    return _("%(jurisdiction)s: %(problem)s.") % names


def is_open_on(
    commitment: CommitmentLike,
    day: date,
    *,
    added_on: date | None = None,
    assessed_on: date | None = None,
) -> bool:
    """§3.1: added on or before `day`, not withdrawn on or before it, and not both completed and
    assessed (end-of-commitment assessment submitted) on or before it.

    `added_on` stands in for a commitment whose own is empty (it defaults to the plan's
    submission); `assessed_on` is the submission of its end-of-commitment assessment.
    """
    added = commitment.added_on or added_on
    if added is None or added > day:
        return False
    if commitment.withdrawn_on is not None and commitment.withdrawn_on <= day:
        return False
    completed = commitment.completed_on is not None and commitment.completed_on <= day
    assessed = assessed_on is not None and assessed_on <= day
    return not (completed and assessed)

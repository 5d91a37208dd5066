"""The rules' vocabulary: deadline kinds with their words and whether they can be met (§3.2), and
the problems of a plan period (§3.1 "Period") as codes with their dates, never as sentences."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest
from django.utils import translation

from members.rules import (
    DeadlineKind,
    JurisdictionFacts,
    Period,
    PeriodProblem,
    PeriodProblemCode,
    plan_period_problems,
)

JOINED = date(2026, 3, 10)
TERM = Period(date(2025, 12, 10), date(2030, 1, 1))


def member(**changes: object) -> JurisdictionFacts:
    fields: dict[str, object] = {"slug": "villa-example", "joined_on": JOINED, "terms": (TERM,)}
    return JurisdictionFacts(**{**fields, **changes})  # type: ignore[arg-type]


def test_only_the_change_window_and_revocation_cannot_be_met() -> None:
    assert {kind for kind in DeadlineKind if not kind.can_be_met} == {
        DeadlineKind.CHANGE_WINDOW,
        DeadlineKind.REVOCATION,
    }


def test_every_kind_has_its_words_in_the_reader_language() -> None:
    with translation.override("en"):
        assert all(str(kind.label) for kind in DeadlineKind)
        assert len({str(kind.label) for kind in DeadlineKind}) == len(DeadlineKind)
        assert str(DeadlineKind.FIRST_PLAN.label) == "first action plan"
    with translation.override("es"):
        assert str(DeadlineKind.FIRST_PLAN.label) == "primer plan de acción"


@pytest.mark.parametrize(
    ("starts_on", "ends_on", "previous", "expected"),
    [
        (date(2026, 6, 1), date(2029, 11, 1), None, []),
        (
            date(2026, 3, 9),
            date(2027, 12, 31),
            None,
            [PeriodProblem(PeriodProblemCode.STARTS_BEFORE_JOINING, {"joined_on": JOINED})],
        ),
        (
            date(2027, 12, 31),
            date(2028, 12, 31),
            date(2027, 12, 31),
            [
                PeriodProblem(
                    PeriodProblemCode.STARTS_BEFORE_PREVIOUS_PLAN_ENDS,
                    {"previous_plan_ends_on": date(2027, 12, 31)},
                )
            ],
        ),
        (
            date(2026, 6, 1),
            date(2029, 11, 2),
            None,
            [
                PeriodProblem(
                    PeriodProblemCode.ENDS_TOO_CLOSE_TO_TERM_END,
                    {"term_ends_on": date(2030, 1, 1), "latest_end": date(2029, 11, 1)},
                )
            ],
        ),
        (
            date(2026, 6, 1),
            date(2026, 5, 31),
            None,
            [PeriodProblem(PeriodProblemCode.ENDS_BEFORE_START)],
        ),
    ],
)
def test_period_problems_are_codes_with_their_dates(
    starts_on: date, ends_on: date, previous: date | None, expected: list[PeriodProblem]
) -> None:
    assert plan_period_problems(member(), starts_on, ends_on, previous) == expected


def test_period_problems_without_a_term_or_a_strategy() -> None:
    assert plan_period_problems(member(terms=()), date(2026, 6, 1), date(2027, 12, 31)) == [
        PeriodProblem(PeriodProblemCode.NO_TERM_IN_FORCE)
    ]
    without_elections = member(has_elections=False, terms=())
    assert plan_period_problems(without_elections, date(2026, 6, 1), date(2027, 5, 30)) == [
        PeriodProblem(PeriodProblemCode.NOT_STRATEGY_PERIOD_OR_LENGTH)
    ]


def test_each_problem_names_the_plan_date_it_is_about() -> None:
    assert {code: code.date_field for code in PeriodProblemCode} == {
        PeriodProblemCode.ENDS_BEFORE_START: "ends_on",
        PeriodProblemCode.STARTS_BEFORE_JOINING: "starts_on",
        PeriodProblemCode.STARTS_BEFORE_PREVIOUS_PLAN_ENDS: "starts_on",
        PeriodProblemCode.NO_TERM_IN_FORCE: "starts_on",
        PeriodProblemCode.ENDS_TOO_CLOSE_TO_TERM_END: "ends_on",
        PeriodProblemCode.NOT_STRATEGY_PERIOD_OR_LENGTH: "ends_on",
    }


def test_the_rules_module_imports_no_database_and_no_app() -> None:
    code = (
        "import sys, members.rules; "
        "print(sorted(m for m in sys.modules if m.startswith('django.db') "
        "or m.split('.')[0] in ('members', 'action_plans', 'commitments', 'tracker', "
        "'assessments', 'portal')))"
    )
    found = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert found == "['members', 'members.rules']"

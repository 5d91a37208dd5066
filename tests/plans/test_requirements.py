"""The shared §3.1 checks: minimum requirements, commitment limits, open commitments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest
from django.utils import translation

from action_plans.requirements import (
    PERIOD_PROBLEMS,
    commitment_limit,
    is_open_on,
    minimum_requirements,
    missing_requirements,
    period_problem_message,
    period_problem_text,
)
from members.rules import PeriodProblem, PeriodProblemCode


@dataclass
class M:
    held_on: date
    kind: str
    government_participants: int
    non_governmental_participants: int


@dataclass
class E:
    name: str


@dataclass
class C:
    added_on: date | None = None
    withdrawn_on: date | None = None
    completed_on: date | None = None


def codes(**kwargs: object) -> list[str]:
    defaults: dict[str, object] = {
        "forum": "A standing open government forum of 12 organisations.",
        "meetings": [M(date(2026, 4, 1), "co_creation", 3, 5)],
        "endorsements": [E("Ana Gómez")],
        "monitoring_body_named": True,
        "monitoring_body_endorsed": True,
    }
    defaults.update(kwargs)
    return [r.code for r in missing_requirements(minimum_requirements(**defaults))]  # type: ignore[arg-type]


def test_all_met() -> None:
    assert codes() == []


def test_each_requirement_missing_alone() -> None:
    assert codes(forum="  ") == ["forum"]
    assert codes(endorsements=[E(" ")]) == ["endorsement"]
    assert codes(monitoring_body_endorsed=False) == ["monitoring_body"]
    assert codes(monitoring_body_named=False) == ["monitoring_body"]


def test_meetings_make_regularity_and_multi_stakeholder() -> None:
    assert codes(meetings=[]) == ["regularity", "multi_stakeholder"]
    # Only non-governmental participants: regular, not multi-stakeholder.
    assert codes(meetings=[M(date(2026, 4, 1), "co_creation", 0, 5)]) == ["multi_stakeholder"]
    # Only government: neither.
    assert codes(meetings=[M(date(2026, 4, 1), "co_creation", 4, 0)]) == [
        "regularity",
        "multi_stakeholder",
    ]
    # Implementation meetings do not count for co-creation.
    assert codes(meetings=[M(date(2026, 4, 1), "implementation", 3, 5)]) == [
        "regularity",
        "multi_stakeholder",
    ]


def test_limits() -> None:
    assert commitment_limit(joint=False) == 5
    assert commitment_limit(joint=True) == 12


@pytest.mark.parametrize(
    ("commitment", "assessed_on", "day", "open_"),
    [
        (C(added_on=date(2026, 6, 1)), None, date(2026, 5, 31), False),
        (C(added_on=date(2026, 6, 1)), None, date(2026, 6, 1), True),
        (
            C(added_on=date(2026, 6, 1), withdrawn_on=date(2026, 9, 1)),
            None,
            date(2026, 8, 31),
            True,
        ),
        (
            C(added_on=date(2026, 6, 1), withdrawn_on=date(2026, 9, 1)),
            None,
            date(2026, 9, 1),
            False,
        ),
        # Completed but not yet assessed: still open.
        (C(added_on=date(2026, 6, 1), completed_on=date(2027, 1, 1)), None, date(2027, 3, 1), True),
        (
            C(added_on=date(2026, 6, 1), completed_on=date(2027, 1, 1)),
            date(2027, 2, 1),
            date(2027, 1, 31),
            True,
        ),
        (
            C(added_on=date(2026, 6, 1), completed_on=date(2027, 1, 1)),
            date(2027, 2, 1),
            date(2027, 2, 1),
            False,
        ),
    ],
)
def test_open_on(commitment: C, assessed_on: date | None, day: date, open_: bool) -> None:
    assert is_open_on(commitment, day, assessed_on=assessed_on) is open_


def test_added_on_defaults_to_the_submission() -> None:
    assert is_open_on(C(), date(2026, 6, 1), added_on=date(2026, 6, 1))
    assert not is_open_on(C(), date(2026, 5, 31), added_on=date(2026, 6, 1))


# §3.1 "Period": the rules' problem codes in words, once, in the reader's language.
TOO_LATE = PeriodProblem(
    PeriodProblemCode.ENDS_TOO_CLOSE_TO_TERM_END,
    {"term_ends_on": date(2030, 1, 1), "latest_end": date(2029, 11, 1)},
)
BEFORE_JOINING = PeriodProblem(
    PeriodProblemCode.STARTS_BEFORE_JOINING, {"joined_on": date(2026, 3, 10)}
)


def test_every_period_problem_has_its_words() -> None:
    assert set(PERIOD_PROBLEMS) == set(PeriodProblemCode)
    with translation.override("en"):
        assert period_problem_text(TOO_LATE) == (
            "the plan must end at least 2 months before the end of the term"
        )


def test_a_period_problem_in_a_sentence_with_its_dates_in_the_reader_format() -> None:
    with translation.override("en"):
        assert period_problem_message("Villa Example", TOO_LATE) == (
            "Villa Example: the plan must end at least 2 months before the end of the term (the "
            "term ends on 1 January 2030, so the plan must end by 1 November 2029)."
        )
        assert period_problem_message(
            "Villa Example", PeriodProblem(PeriodProblemCode.NO_TERM_IN_FORCE)
        ) == ("Villa Example: no administration term is in force on the plan's start date.")
    with translation.override("es"):
        spanish = period_problem_message("Villa Example", BEFORE_JOINING)
    assert spanish.startswith("Villa Example: ")
    assert "(se unió el 10 de marzo de 2026)" in spanish

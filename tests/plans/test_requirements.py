"""The shared §3.1 checks: minimum requirements, commitment limits, open commitments."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from action_plans.requirements import (
    commitment_limit,
    is_open_on,
    minimum_requirements,
    missing_requirements,
)


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

"""Deadlines of docs/rules.md §3.2 as listed by ``evaluate_status --json`` (§5), without Django."""

from dataclasses import replace
from datetime import date, timedelta

import pytest

from members.rules import (
    CommitmentFacts,
    Deadline,
    DeadlineKind,
    JurisdictionFacts,
    Meeting,
    MeetingKind,
    Period,
    PlanFacts,
    TrackerUpdate,
    evaluate,
)
from ogplocal.dates import (
    Quarter,
    add_months,
    format_quarter,
    parse_quarter,
    quarter_deadline,
    quarter_of,
)

JOINED = date(2026, 3, 10)


def d(text: str) -> date:
    return date.fromisoformat(text)


def member(*plans: PlanFacts, **changes: object) -> JurisdictionFacts:
    facts = JurisdictionFacts(
        slug="villa-example",
        joined_on=JOINED,
        terms=(Period(JOINED, d("2030-01-01")),),
        plans=plans,
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def update(quarter: str, submitted_on: str, percent: int) -> TrackerUpdate:
    return TrackerUpdate(quarter, d(submitted_on), percent)


def implementation(held_on: str) -> Meeting:
    return Meeting(d(held_on), MeetingKind.IMPLEMENTATION, 3, 4)


def commitment(*updates: TrackerUpdate, **changes: object) -> CommitmentFacts:
    facts = CommitmentFacts("c1", d("2026-07-01"), d("2027-12-31"), updates=updates)
    return replace(facts, **changes)  # type: ignore[arg-type]


def plan(*commitments: CommitmentFacts, **changes: object) -> PlanFacts:
    facts = PlanFacts(
        "p1",
        d("2026-06-01"),
        d("2027-12-31"),
        submitted_on=d("2026-06-01"),
        meetings=(implementation("2026-09-01"), implementation("2027-03-01")),
        commitments=commitments or (commitment(),),
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def listed(facts: JurisdictionFacts, as_of: str, kind: str) -> list[Deadline]:
    return [item for item in evaluate(facts, d(as_of)).deadlines if item.kind == kind]


def shifted(day: str, offset: int) -> date:
    return d(day) + timedelta(days=offset)


EXAMPLE_2 = member(
    plan(
        commitment(update("2026Q3", "2026-10-15", 20), update("2027Q2", "2027-05-20", 30)),
        meetings=(
            implementation("2026-09-01"),
            implementation("2027-03-01"),
            implementation("2027-09-01"),
        ),
    )
)


# -- quarters, months ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("quarter", "due"),
    [
        ("2027Q1", "2027-04-30"),
        ("2027Q2", "2027-07-31"),
        ("2027Q3", "2027-10-31"),
        ("2027Q4", "2028-01-31"),
    ],
)
def test_quarter_deadline_is_the_last_day_of_the_month_after_the_quarter(
    quarter: str, due: str
) -> None:
    assert quarter_deadline(quarter) == d(due)
    assert quarter_deadline(parse_quarter(quarter)) == d(due)


def test_quarters_parse_and_format() -> None:
    assert parse_quarter("2027Q2") == Quarter(2027, 2)
    assert format_quarter(Quarter(2027, 2)) == "2027Q2"
    assert quarter_of(d("2027-06-30")) == Quarter(2027, 2)
    assert quarter_of(d("2027-07-01")) == Quarter(2027, 3)
    for bad in ("2027Q5", "2027-Q2", "27Q1", "Q1", ""):
        with pytest.raises(ValueError):
            parse_quarter(bad)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("2027-01-31", 1, "2027-02-28"),
        ("2028-01-31", 1, "2028-02-29"),
        ("2027-08-31", 1, "2027-09-30"),
        ("2026-10-31", 4, "2027-02-28"),
        ("2027-03-31", -1, "2027-02-28"),
        ("2028-02-29", 12, "2029-02-28"),
    ],
)
def test_add_months_clamps_to_the_end_of_a_shorter_month(
    day: str, months: int, expected: str
) -> None:
    assert add_months(d(day), months) == d(expected)


# -- the listing, in the shape of evaluate_status --json -------------------------------------------


def test_worked_example_2_deadlines_as_json() -> None:
    assert evaluate(EXAMPLE_2, d("2027-05-20")).as_dict() == {
        "status": "active",
        "since": "2027-05-20",
        "reasons": [],
        "deadlines": [
            {"kind": "first_plan", "due": "2026-07-10", "met_on": "2026-06-01", "ref": "p1"},
            {"kind": "inception_assessment", "due": "2026-08-01", "met_on": None, "ref": "p1"},
            {
                "kind": "tracker_update",
                "due": "2026-10-31",
                "met_on": "2026-10-15",
                "ref": "2026Q3",
            },
            {"kind": "change_window", "due": "2026-12-01", "met_on": None, "ref": "p1"},
            {"kind": "tracker_update", "due": "2027-01-31", "met_on": None, "ref": "2026Q4"},
            {"kind": "tracker_update", "due": "2027-04-30", "met_on": None, "ref": "2027Q1"},
            {
                "kind": "tracker_update",
                "due": "2027-07-31",
                "met_on": "2027-05-20",
                "ref": "2027Q2",
            },
            {
                "kind": "final_learning_exercise",
                "due": "2028-02-29",
                "met_on": None,
                "ref": "p1",
            },
            {"kind": "next_plan", "due": "2028-04-30", "met_on": None, "ref": "p1"},
        ],
    }


def test_the_listing_is_sorted_by_due_date_then_by_kind() -> None:
    deadlines = evaluate(EXAMPLE_2, d("2028-06-01")).deadlines
    keys = [(item.due, list(DeadlineKind).index(item.kind)) for item in deadlines]
    assert keys == sorted(keys)


def test_only_what_is_known_on_the_as_of_date_is_listed() -> None:
    # the day before the plan's submission: only the first plan is owed, not yet met
    assert evaluate(EXAMPLE_2, d("2026-05-31")).deadlines == (
        Deadline(DeadlineKind.FIRST_PLAN, d("2026-07-10"), None, None),
    )
    # a tracker deadline is known once its quarter has begun; updates not yet sent are unmet
    assert [item.ref for item in listed(EXAMPLE_2, "2026-09-30", "tracker_update")] == ["2026Q3"]
    assert listed(EXAMPLE_2, "2026-09-30", "tracker_update")[0].met_on is None
    assert [item.ref for item in listed(EXAMPLE_2, "2026-10-01", "tracker_update")] == [
        "2026Q3",
        "2026Q4",
    ]


def test_a_quarter_without_a_commitment_under_implementation_is_not_a_reporting_quarter() -> None:
    # submitted 2026-06-01, first commitment from 2026-07-01: 2026Q2 is not a reporting quarter;
    # a commitment completed before 2027Q3 began leaves 2027Q3 and 2027Q4 out
    facts = member(plan(commitment(completed_on=d("2027-06-15"))))
    refs = [item.ref for item in listed(facts, "2028-06-01", "tracker_update")]
    assert refs == ["2026Q3", "2026Q4", "2027Q1", "2027Q2"]


# -- §3.2 table: done the day before, the day of and the day after each due date -------------------


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_first_plan_is_met_on_the_plans_submission(offset: int) -> None:
    submitted = shifted("2026-07-10", offset)
    facts = member(plan(submitted_on=submitted, starts_on=submitted))
    assert listed(facts, "2026-08-01", "first_plan") == [
        Deadline(DeadlineKind.FIRST_PLAN, d("2026-07-10"), submitted, "p1")
    ]


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_next_plan_is_met_on_the_next_plans_submission(offset: int) -> None:
    submitted = shifted("2028-04-30", offset)
    following = plan(
        ref="p2", starts_on=d("2028-05-02"), ends_on=d("2029-10-31"), submitted_on=submitted
    )
    facts = member(plan(), following)
    assert listed(facts, "2028-06-01", "next_plan")[0] == Deadline(
        DeadlineKind.NEXT_PLAN, d("2028-04-30"), submitted, "p1"
    )


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_inception_assessment_is_due_two_months_after_submission(offset: int) -> None:
    facts = member(plan(inception_assessment_submitted_on=shifted("2026-08-01", offset)))
    assert listed(facts, "2026-09-01", "inception_assessment") == [
        Deadline(
            DeadlineKind.INCEPTION_ASSESSMENT, d("2026-08-01"), shifted("2026-08-01", offset), "p1"
        )
    ]


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_end_of_commitment_assessment_is_due_a_month_after_completion(offset: int) -> None:
    # completed 2027-01-31: due 2027-02-28 (clamped)
    done = commitment(
        completed_on=d("2027-01-31"), assessment_submitted_on=shifted("2027-02-28", offset)
    )
    facts = member(plan(done))
    assert listed(facts, "2027-01-30", "end_of_commitment_assessment") == []
    assert listed(facts, "2027-04-01", "end_of_commitment_assessment") == [
        Deadline(
            DeadlineKind.END_OF_COMMITMENT_ASSESSMENT,
            d("2027-02-28"),
            shifted("2027-02-28", offset),
            "p1/c1",
        )
    ]


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_final_learning_exercise_is_due_two_months_after_the_plan_ends(offset: int) -> None:
    facts = member(plan(final_learning_submitted_on=shifted("2028-02-29", offset)))
    assert listed(facts, "2028-04-01", "final_learning_exercise") == [
        Deadline(
            DeadlineKind.FINAL_LEARNING_EXERCISE,
            d("2028-02-29"),
            shifted("2028-02-29", offset),
            "p1",
        )
    ]


@pytest.mark.parametrize(("offset", "met"), [(-1, True), (0, True), (1, False)])
def test_tracker_update_is_met_only_by_an_update_sent_by_the_deadline(
    offset: int, met: bool
) -> None:
    sent = shifted("2026-10-31", offset)
    facts = member(plan(commitment(TrackerUpdate("2026Q3", sent, 10))))
    assert listed(facts, "2026-12-01", "tracker_update")[0] == Deadline(
        DeadlineKind.TRACKER_UPDATE, d("2026-10-31"), sent if met else None, "2026Q3"
    )


def test_tracker_update_is_met_by_the_first_update_for_the_quarter() -> None:
    second = replace(commitment(update("2026Q3", "2026-10-20", 10)), ref="c2")
    facts = member(plan(commitment(update("2026Q3", "2026-10-25", 10)), second))
    assert listed(facts, "2026-12-01", "tracker_update")[0].met_on == d("2026-10-20")


@pytest.mark.parametrize("as_of", ["2026-11-30", "2026-12-01", "2026-12-02"])
def test_change_window_closes_six_months_after_submission(as_of: str) -> None:
    assert listed(EXAMPLE_2, as_of, "change_window") == [
        Deadline(DeadlineKind.CHANGE_WINDOW, d("2026-12-01"), None, "p1")
    ]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2027-01-10", []),  # not on probation yet
        ("2027-01-11", [Deadline(DeadlineKind.REVOCATION, d("2027-05-11"), None, None)]),
        ("2027-05-10", [Deadline(DeadlineKind.REVOCATION, d("2027-05-11"), None, None)]),
        ("2027-05-11", [Deadline(DeadlineKind.REVOCATION, d("2027-05-11"), None, None)]),
        ("2027-05-12", [Deadline(DeadlineKind.REVOCATION, d("2027-05-11"), None, None)]),
    ],
)
def test_revocation_is_due_four_months_after_probation_starts(
    as_of: str, expected: list[Deadline]
) -> None:
    assert listed(member(), as_of, "revocation") == expected


def test_a_probation_that_ended_leaves_no_revocation_deadline() -> None:
    facts = member(plan(submitted_on=d("2027-02-01"), starts_on=d("2027-02-01")))
    assert listed(facts, "2027-01-31", "revocation") == [
        Deadline(DeadlineKind.REVOCATION, d("2027-05-11"), None, None)
    ]
    assert listed(facts, "2027-02-01", "revocation") == []


def test_a_joint_plan_lists_the_same_deadlines_for_every_member() -> None:
    joint = EXAMPLE_2.plans[0]
    first = evaluate(member(joint), d("2027-06-01")).deadlines
    second = evaluate(member(joint, slug="other", joined_on=d("2026-01-15")), d("2027-06-01"))
    assert [item for item in first if item.kind != "first_plan"] == [
        item for item in second.deadlines if item.kind != "first_plan"
    ]

"""Member status (docs/rules.md §3.3 and the worked examples of §3.4), without Django."""

from dataclasses import replace
from datetime import date

import pytest

from members.rules import (
    CommitmentFacts,
    Decision,
    ExtensionRequest,
    JurisdictionFacts,
    Meeting,
    MeetingKind,
    Override,
    Period,
    PlanFacts,
    Reinstatement,
    Status,
    TrackerUpdate,
    VoluntaryInactivity,
    evaluate,
    plan_period_problems,
    status_timeline,
)

# -- builders --------------------------------------------------------------------------------------

JOINED = date(2026, 3, 10)  # §3.4: joined 2026-03-10, elections, term ending 2030-01-01


def d(text: str) -> date:
    return date.fromisoformat(text)


def member(*plans: PlanFacts, **changes: object) -> JurisdictionFacts:
    facts = JurisdictionFacts(
        slug="villa-example",
        joined_on=JOINED,
        has_elections=True,
        terms=(Period(JOINED, d("2030-01-01")),),
        plans=plans,
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


def update(quarter: str, submitted_on: str, percent: int) -> TrackerUpdate:
    return TrackerUpdate(quarter, d(submitted_on), percent)


def implementation(held_on: str, non_governmental: int = 4) -> Meeting:
    return Meeting(d(held_on), MeetingKind.IMPLEMENTATION, 3, non_governmental)


def co_creation(held_on: str, non_governmental: int = 4) -> Meeting:
    return Meeting(d(held_on), MeetingKind.CO_CREATION, 3, non_governmental)


def commitment(*updates: TrackerUpdate, ref: str = "c1", **changes: object) -> CommitmentFacts:
    facts = CommitmentFacts(ref, d("2026-07-01"), d("2027-12-31"), updates=updates)
    return replace(facts, **changes)  # type: ignore[arg-type]


def plan(
    *commitments: CommitmentFacts,
    meetings: tuple[Meeting, ...] = (),
    ref: str = "p1",
    **changes: object,
) -> PlanFacts:
    """The §3.4 plan: submitted 2026-06-01, 2026-06-01 to 2027-12-31."""
    facts = PlanFacts(
        ref,
        d("2026-06-01"),
        d("2027-12-31"),
        submitted_on=d("2026-06-01"),
        meetings=meetings,
        commitments=commitments or (commitment(),),
    )
    return replace(facts, **changes)  # type: ignore[arg-type]


# every quarter updated on time with progress, and implementation meetings every 5 months
STEADY_UPDATES = (
    update("2026Q3", "2026-10-15", 10),
    update("2026Q4", "2027-01-15", 20),
    update("2027Q1", "2027-04-15", 30),
    update("2027Q2", "2027-07-15", 40),
    update("2027Q3", "2027-10-15", 50),
    update("2027Q4", "2028-01-15", 60),
)
STEADY_MEETINGS = tuple(
    implementation(day)
    for day in ("2026-07-01", "2026-12-01", "2027-05-01", "2027-10-01", "2028-03-01")
)


def steady_plan(**changes: object) -> PlanFacts:
    facts = plan(commitment(*STEADY_UPDATES), meetings=STEADY_MEETINGS)
    return replace(facts, **changes)  # type: ignore[arg-type]


def status(facts: JurisdictionFacts, day: str) -> tuple[str, date, tuple[str, ...]]:
    result = evaluate(facts, d(day))
    return str(result.status), result.since, tuple(str(reason) for reason in result.reasons)


def shows(expected: str, since: str, *reasons: str) -> tuple[str, date, tuple[str, ...]]:
    return expected, d(since), reasons


# -- §3.4 worked examples, every row, literally ----------------------------------------------------

NO_PLAN = member()

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

EXAMPLE_3 = member(
    plan(
        commitment(*STEADY_UPDATES),
        meetings=(implementation("2026-09-01"), implementation("2027-07-10")),
    )
)


@pytest.mark.parametrize(
    ("facts", "as_of", "expected"),
    [
        (NO_PLAN, "2026-07-10", shows("active", "2026-03-10")),
        (NO_PLAN, "2026-07-11", shows("inactive", "2026-07-11", "first_plan_overdue")),
        (
            NO_PLAN,
            "2027-01-11",
            shows("probation", "2027-01-11", "first_plan_overdue", "inactive_6_months"),
        ),
        (
            NO_PLAN,
            "2027-05-11",
            shows(
                "revoked",
                "2027-05-11",
                "first_plan_overdue",
                "inactive_6_months",
                "probation_4_months",
            ),
        ),
        (EXAMPLE_2, "2027-04-30", shows("active", "2026-03-10")),
        (EXAMPLE_2, "2027-05-01", shows("inactive", "2027-05-01", "tracker_not_updated")),
        (EXAMPLE_2, "2027-05-20", shows("active", "2027-05-20")),
        (EXAMPLE_3, "2027-05-31", shows("active", "2026-03-10")),
        (EXAMPLE_3, "2027-06-01", shows("probation", "2027-06-01", "no_engagement_evidence")),
        (EXAMPLE_3, "2027-07-10", shows("active", "2027-07-10")),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_worked_examples(
    facts: JurisdictionFacts, as_of: str, expected: tuple[str, date, tuple[str, ...]]
) -> None:
    assert status(facts, as_of) == expected


def test_worked_example_1_history() -> None:
    history = [(str(t.status), t.on) for t in status_timeline(NO_PLAN, d("2028-01-01"))]
    assert history == [
        ("active", d("2026-03-10")),
        ("inactive", d("2026-07-11")),
        ("probation", d("2027-01-11")),
        ("revoked", d("2027-05-11")),
    ]


# -- §3.3 table: the day before, the day of and the day after each boundary ------------------------


@pytest.mark.parametrize(
    ("facts", "as_of", "expected"),
    [
        # first_plan_overdue: due 2026-07-10 (joined + 4 months)
        (NO_PLAN, "2026-07-09", shows("active", "2026-03-10")),
        (NO_PLAN, "2026-07-10", shows("active", "2026-03-10")),
        (NO_PLAN, "2026-07-11", shows("inactive", "2026-07-11", "first_plan_overdue")),
        # ... with a first-plan deadline set by the Support Unit
        *(
            (member(first_plan_deadline=d("2026-09-15")), day, expected)
            for day, expected in [
                ("2026-09-14", shows("active", "2026-03-10")),
                ("2026-09-15", shows("active", "2026-03-10")),
                ("2026-09-16", shows("inactive", "2026-09-16", "first_plan_overdue")),
            ]
        ),
        # next_plan_overdue: plan ends 2027-12-31, next plan due 2028-04-30
        (member(steady_plan()), "2028-04-29", shows("active", "2026-03-10")),
        (member(steady_plan()), "2028-04-30", shows("active", "2026-03-10")),
        (member(steady_plan()), "2028-05-01", shows("inactive", "2028-05-01", "next_plan_overdue")),
        # tracker_not_updated: 2026Q4 and 2027Q1 missed, fires the day after 2027-04-30
        (EXAMPLE_2, "2027-04-30", shows("active", "2026-03-10")),
        (EXAMPLE_2, "2027-05-01", shows("inactive", "2027-05-01", "tracker_not_updated")),
        (EXAMPLE_2, "2027-05-02", shows("inactive", "2027-05-01", "tracker_not_updated")),
        # tracker_no_progress: 20 %, 20 %, 20 %: 2026Q4 and 2027Q1 updated without progress
        *(
            (
                member(
                    plan(
                        commitment(
                            update("2026Q3", "2026-10-15", 20),
                            update("2026Q4", "2027-01-15", 20),
                            update("2027Q1", "2027-04-30", 20),
                        ),
                        meetings=STEADY_MEETINGS,
                    )
                ),
                day,
                expected,
            )
            for day, expected in [
                ("2027-04-30", shows("active", "2026-03-10")),
                ("2027-05-01", shows("inactive", "2027-05-01", "tracker_no_progress")),
                ("2027-05-02", shows("inactive", "2027-05-01", "tracker_no_progress")),
            ]
        ),
        # voluntary: 2026-09-01 to 2026-11-30
        *(
            (
                member(
                    steady_plan(),
                    voluntary_periods=(VoluntaryInactivity(d("2026-09-01"), d("2026-11-30")),),
                ),
                day,
                expected,
            )
            for day, expected in [
                ("2026-08-31", shows("active", "2026-03-10")),
                ("2026-09-01", shows("voluntary_inactive", "2026-09-01", "voluntary")),
                ("2026-09-02", shows("voluntary_inactive", "2026-09-01", "voluntary")),
                ("2026-11-30", shows("voluntary_inactive", "2026-09-01", "voluntary")),
                ("2026-12-01", shows("active", "2026-12-01")),
            ]
        ),
        # inactive_6_months: inactive since 2026-07-11, probation on 2027-01-11
        (NO_PLAN, "2027-01-10", shows("inactive", "2026-07-11", "first_plan_overdue")),
        (
            NO_PLAN,
            "2027-01-11",
            shows("probation", "2027-01-11", "first_plan_overdue", "inactive_6_months"),
        ),
        (
            NO_PLAN,
            "2027-01-12",
            shows("probation", "2027-01-11", "first_plan_overdue", "inactive_6_months"),
        ),
        # no_engagement_evidence: submitted 2026-06-01, tested from 2027-06-01
        (EXAMPLE_3, "2027-05-31", shows("active", "2026-03-10")),
        (EXAMPLE_3, "2027-06-01", shows("probation", "2027-06-01", "no_engagement_evidence")),
        (EXAMPLE_3, "2027-06-02", shows("probation", "2027-06-01", "no_engagement_evidence")),
        (EXAMPLE_3, "2027-07-09", shows("probation", "2027-06-01", "no_engagement_evidence")),
        (EXAMPLE_3, "2027-07-10", shows("active", "2027-07-10")),
        # probation_4_months: on probation since 2027-01-11, revoked on 2027-05-11
        (
            NO_PLAN,
            "2027-05-10",
            shows("probation", "2027-01-11", "first_plan_overdue", "inactive_6_months"),
        ),
        *(
            (
                NO_PLAN,
                day,
                shows(
                    "revoked",
                    "2027-05-11",
                    "first_plan_overdue",
                    "inactive_6_months",
                    "probation_4_months",
                ),
            )
            for day in ("2027-05-11", "2027-05-12")
        ),
        # override: probation shown from 2026-05-01 to 2026-05-31
        *(
            (
                member(overrides=(Override(Status.PROBATION, d("2026-05-01"), d("2026-05-31")),)),
                day,
                expected,
            )
            for day, expected in [
                ("2026-04-30", shows("active", "2026-03-10")),
                ("2026-05-01", shows("probation", "2026-05-01", "override")),
                ("2026-05-31", shows("probation", "2026-05-01", "override")),
                ("2026-06-01", shows("active", "2026-06-01")),
            ]
        ),
    ],
    ids=lambda value: value if isinstance(value, str) else None,
)
def test_status_table_boundaries(
    facts: JurisdictionFacts, as_of: str, expected: tuple[str, date, tuple[str, ...]]
) -> None:
    assert status(facts, as_of) == expected


def test_no_engagement_evidence_ends_with_the_plan_even_on_the_revocation_day() -> None:
    meetings = (implementation("2026-09-01"), implementation("2027-03-01"))
    facts = member(plan(commitment(*STEADY_UPDATES), meetings=meetings))
    assert status(facts, "2027-08-31") == shows("active", "2026-03-10")
    assert status(facts, "2027-09-01") == shows("probation", "2027-09-01", "no_engagement_evidence")
    assert status(facts, "2027-12-31")[0] == "probation"
    # the plan ended on 2027-12-31: the cause is cleared on the day the timer would revoke
    assert status(facts, "2028-01-01") == shows("active", "2028-01-01")


def test_meetings_without_non_governmental_participants_are_no_evidence() -> None:
    meetings = tuple(implementation(m.held_on.isoformat(), 0) for m in STEADY_MEETINGS)
    facts = member(plan(commitment(*STEADY_UPDATES), meetings=meetings))
    assert status(facts, "2027-06-01") == shows("probation", "2027-06-01", "no_engagement_evidence")


# -- §3.0: done on the due day is on time; "after the deadline" needs the cause that day -----------


@pytest.mark.parametrize(
    ("submitted_on", "on_07_11", "later"),
    [
        ("2026-07-10", shows("active", "2026-03-10"), shows("active", "2026-03-10")),
        # submitted on D + 1: the deadline was met late but the member never became inactive
        ("2026-07-11", shows("active", "2026-03-10"), shows("active", "2026-03-10")),
        (
            "2026-07-12",
            shows("inactive", "2026-07-11", "first_plan_overdue"),
            shows("active", "2026-07-12"),
        ),
    ],
)
def test_first_plan_submitted_around_the_due_date(
    submitted_on: str,
    on_07_11: tuple[str, date, tuple[str, ...]],
    later: tuple[str, date, tuple[str, ...]],
) -> None:
    facts = member(
        steady_plan(submitted_on=d(submitted_on), starts_on=d(submitted_on)),
    )
    assert status(facts, "2026-07-11") == on_07_11
    assert status(facts, "2026-08-01") == later


@pytest.mark.parametrize(
    ("submitted_on", "timer_day", "expected"),
    [
        # inactive_6_months acts on 2027-01-11 unless cleared on or before that day
        ("2027-01-10", "2027-01-11", shows("active", "2027-01-10")),
        ("2027-01-11", "2027-01-11", shows("active", "2027-01-11")),
        (
            "2027-01-12",
            "2027-01-11",
            shows("probation", "2027-01-11", "first_plan_overdue", "inactive_6_months"),
        ),
        # probation_4_months acts on 2027-05-11 unless cleared on or before that day
        ("2027-05-11", "2027-05-11", shows("active", "2027-05-11")),
        (
            "2027-05-12",
            "2027-05-11",
            shows(
                "revoked",
                "2027-05-11",
                "first_plan_overdue",
                "inactive_6_months",
                "probation_4_months",
            ),
        ),
    ],
)
def test_a_timer_acts_on_its_day_unless_its_cause_was_cleared_on_or_before_it(
    submitted_on: str, timer_day: str, expected: tuple[str, date, tuple[str, ...]]
) -> None:
    facts = member(steady_plan(submitted_on=d(submitted_on), starts_on=d(submitted_on)))
    assert status(facts, timer_day) == expected


# -- Resuming --------------------------------------------------------------------------------------


def test_submitting_the_plan_ends_inactivity_and_probation() -> None:
    late = member(steady_plan(submitted_on=d("2026-09-01"), starts_on=d("2026-09-01")))
    assert status(late, "2026-08-31") == shows("inactive", "2026-07-11", "first_plan_overdue")
    assert status(late, "2026-09-01") == shows("active", "2026-09-01")
    very_late = member(steady_plan(submitted_on=d("2027-02-01"), starts_on=d("2027-02-01")))
    assert status(very_late, "2027-01-31")[0] == "probation"
    assert status(very_late, "2027-02-01") == shows("active", "2027-02-01")


def draft_with(*meetings: Meeting) -> PlanFacts:
    return plan(submitted_on=None, meetings=meetings, starts_on=d("2027-01-01"))


def test_a_co_creation_meeting_resumes_once_per_plan_owed() -> None:
    facts = member(draft_with(co_creation("2026-08-15"), co_creation("2027-01-10")))
    assert status(facts, "2026-08-14") == shows("inactive", "2026-07-11", "first_plan_overdue")
    assert status(facts, "2026-08-15") == shows("active", "2026-08-15")
    # the plan is now due 4 months after the meeting
    assert status(facts, "2026-12-15") == shows("active", "2026-08-15")
    assert status(facts, "2026-12-16") == shows("inactive", "2026-12-16", "first_plan_overdue")
    # once per plan owed: a second meeting does not resume again
    assert status(facts, "2027-01-10") == shows("inactive", "2026-12-16", "first_plan_overdue")
    # the new inactivity has its own 6 months
    assert status(facts, "2027-06-15")[0] == "inactive"
    assert status(facts, "2027-06-16") == shows(
        "probation", "2027-06-16", "first_plan_overdue", "inactive_6_months"
    )
    # the plan owed after resuming is listed under its own kind with its new due date
    first_plans = [
        (item.due, item.met_on)
        for item in evaluate(facts, d("2026-12-16")).deadlines
        if item.kind == "first_plan"
    ]
    assert first_plans == [(d("2026-07-10"), None), (d("2026-12-15"), None)]


@pytest.mark.parametrize(
    "meeting",
    [
        co_creation("2026-07-10"),  # before the inactivity began
        co_creation("2026-08-15", non_governmental=0),  # no non-governmental participants
        implementation("2026-08-15"),  # not co-creation
    ],
)
def test_meetings_that_do_not_resume(meeting: Meeting) -> None:
    facts = member(draft_with(meeting))
    assert status(facts, "2026-09-01") == shows("inactive", "2026-07-11", "first_plan_overdue")


def test_a_co_creation_meeting_resumes_on_the_first_overdue_day() -> None:
    facts = member(draft_with(co_creation("2026-07-11")))
    assert status(facts, "2026-07-11") == shows("active", "2026-03-10")
    assert status(facts, "2026-11-11") == shows("active", "2026-03-10")
    assert status(facts, "2026-11-12") == shows("inactive", "2026-11-12", "first_plan_overdue")


def test_the_next_plan_is_resumed_by_a_co_creation_meeting_too() -> None:
    facts = member(
        steady_plan(),
        plan(
            submitted_on=None,
            ref="p2",
            starts_on=d("2028-09-01"),
            ends_on=d("2029-08-31"),
            meetings=(co_creation("2028-06-01"),),
        ),
    )
    assert status(facts, "2028-05-01") == shows("inactive", "2028-05-01", "next_plan_overdue")
    assert status(facts, "2028-06-01") == shows("active", "2028-06-01")
    assert status(facts, "2028-10-01") == shows("active", "2028-06-01")
    assert status(facts, "2028-10-02") == shows("inactive", "2028-10-02", "next_plan_overdue")
    next_plans = [
        (item.due, item.ref)
        for item in evaluate(facts, d("2028-10-02")).deadlines
        if item.kind == "next_plan"
    ]
    assert next_plans == [(d("2028-04-30"), "p1"), (d("2028-10-01"), "p1")]


def example_2_with(resuming: TrackerUpdate) -> JurisdictionFacts:
    return member(
        plan(
            commitment(update("2026Q3", "2026-10-15", 20), resuming),
            meetings=STEADY_MEETINGS,
        )
    )


@pytest.mark.parametrize(
    ("resuming", "on_06_01"),
    [
        (update("2027Q2", "2027-05-20", 30), shows("active", "2027-05-20")),
        # not above the baseline of 20 %
        (
            update("2027Q2", "2027-05-20", 20),
            shows("inactive", "2027-05-01", "tracker_not_updated"),
        ),
        # above the baseline but submitted before the inactivity began
        (
            update("2027Q1", "2027-04-30", 90),
            shows("active", "2026-03-10"),  # 2027Q1 updated on time: the pair never failed
        ),
        (
            update("2026Q4", "2027-04-30", 90),
            shows("inactive", "2027-05-01", "tracker_not_updated"),
        ),
        # submitted on the inactive-since date itself: the member never becomes inactive
        (update("2027Q2", "2027-05-01", 30), shows("active", "2026-03-10")),
    ],
)
def test_tracker_inactivity_ends_on_an_update_above_its_baseline(
    resuming: TrackerUpdate, on_06_01: tuple[str, date, tuple[str, ...]]
) -> None:
    assert status(example_2_with(resuming), "2027-06-01") == on_06_01


def test_the_baseline_is_the_nearest_earlier_quarter_with_an_update_whenever_submitted() -> None:
    facts = member(
        plan(
            commitment(
                update("2026Q3", "2026-10-15", 20),
                update("2026Q4", "2027-04-20", 50),  # late: not "updated", but a baseline
                update("2027Q2", "2027-05-20", 40),  # 40 is not above 50
                update("2027Q3", "2027-06-10", 60),  # 60 is
            ),
            meetings=STEADY_MEETINGS,
        )
    )
    assert status(facts, "2027-05-20") == shows("inactive", "2027-05-01", "tracker_not_updated")
    assert status(facts, "2027-06-10") == shows("active", "2027-06-10")


def test_a_pair_failing_while_on_probation_adds_nothing() -> None:
    updates = (update("2026Q3", "2026-10-15", 20), update("2026Q4", "2027-01-15", 30))
    meetings = (
        implementation("2026-09-01"),
        implementation("2027-08-20"),
        implementation("2027-09-10"),
    )
    facts = member(plan(commitment(*updates), meetings=meetings))
    # 2027Q1 and 2027Q2 both missed: the pair fails on 2027-08-01, while on probation
    assert status(facts, "2027-08-01") == shows("probation", "2027-06-01", "no_engagement_evidence")
    assert status(facts, "2027-08-20") == shows("active", "2027-08-20")
    engaged = member(plan(commitment(*updates), meetings=STEADY_MEETINGS))
    assert status(engaged, "2027-08-01") == shows("inactive", "2027-08-01", "tracker_not_updated")


# -- Severity --------------------------------------------------------------------------------------


def test_the_most_severe_rule_decides_and_every_reason_is_listed() -> None:
    facts = member(plan(commitment(update("2026Q3", "2026-10-15", 20))))
    assert status(facts, "2027-05-01") == shows("inactive", "2027-05-01", "tracker_not_updated")
    assert status(facts, "2027-06-01") == shows(
        "probation", "2027-06-01", "tracker_not_updated", "no_engagement_evidence"
    )
    assert status(facts, "2027-10-01") == shows(
        "revoked",
        "2027-10-01",
        "tracker_not_updated",
        "no_engagement_evidence",
        "probation_4_months",
    )


# -- Voluntary inactivity --------------------------------------------------------------------------


def test_a_plan_deadline_inside_a_voluntary_period_moves_one_month_after_it() -> None:
    facts = member(
        voluntary_periods=(
            VoluntaryInactivity(d("2026-07-01"), d("2026-08-31"), approved_on=d("2026-06-20")),
        )
    )
    assert status(facts, "2026-06-30") == shows("active", "2026-03-10")
    assert status(facts, "2026-07-11") == shows("voluntary_inactive", "2026-07-01", "voluntary")
    assert status(facts, "2026-09-01") == shows("active", "2026-09-01")
    assert status(facts, "2026-09-30") == shows("active", "2026-09-01")
    assert status(facts, "2026-10-01") == shows("inactive", "2026-10-01", "first_plan_overdue")
    first_plan = evaluate(facts, d("2026-10-01")).deadlines[0]
    assert (first_plan.kind, first_plan.due) == ("first_plan", d("2026-09-30"))


def test_the_handbook_example_2027_08_31_becomes_2027_09_30() -> None:
    facts = member(
        first_plan_deadline=d("2027-08-31"),
        voluntary_periods=(VoluntaryInactivity(d("2027-08-01"), d("2027-08-31")),),
    )
    assert evaluate(facts, d("2027-09-01")).deadlines[0].due == d("2027-09-30")
    assert status(facts, "2027-09-30") == shows("active", "2027-09-01")
    assert status(facts, "2027-10-01") == shows("inactive", "2027-10-01", "first_plan_overdue")


def test_voluntary_inactivity_starts_on_its_approval_day() -> None:
    facts = member(
        steady_plan(),
        voluntary_periods=(
            VoluntaryInactivity(d("2026-09-01"), d("2026-11-30"), approved_on=d("2026-09-10")),
        ),
    )
    assert status(facts, "2026-09-09") == shows("active", "2026-03-10")
    assert status(facts, "2026-09-10") == shows("voluntary_inactive", "2026-09-10", "voluntary")


def test_voluntary_inactivity_is_not_approved_for_an_inactive_member() -> None:
    facts = member(voluntary_periods=(VoluntaryInactivity(d("2026-08-01"), d("2026-10-31")),))
    assert status(facts, "2026-08-01") == shows("inactive", "2026-07-11", "first_plan_overdue")


def test_quarters_ending_inside_a_voluntary_period_are_not_reporting_quarters() -> None:
    updates = (update("2026Q3", "2026-10-15", 20), update("2027Q2", "2027-07-15", 30))
    missed = member(plan(commitment(*updates), meetings=STEADY_MEETINGS))
    assert status(missed, "2027-05-01")[0] == "inactive"
    paused = replace(
        missed,
        voluntary_periods=(VoluntaryInactivity(d("2026-12-01"), d("2027-03-31")),),
    )
    assert status(paused, "2027-05-01") == shows("active", "2027-04-01")
    # 2026Q4 and 2027Q1 ended inside the period: no deadline is listed for them
    listed = {item.ref for item in evaluate(paused, d("2027-05-01")).deadlines}
    assert {"2026Q3", "2027Q2"} <= listed
    assert not {"2026Q4", "2027Q1"} & listed


def test_a_tracker_event_on_a_voluntary_day_does_not_fire() -> None:
    paused = replace(
        EXAMPLE_2,
        voluntary_periods=(VoluntaryInactivity(d("2027-04-15"), d("2027-05-15")),),
    )
    assert status(paused, "2027-05-01") == shows("voluntary_inactive", "2027-04-15", "voluntary")
    assert status(paused, "2027-05-16") == shows("active", "2027-05-16")


def test_assessment_deadlines_do_not_move() -> None:
    facts = member(
        steady_plan(),
        voluntary_periods=(VoluntaryInactivity(d("2026-07-15"), d("2026-08-15")),),
    )
    inception = [
        i for i in evaluate(facts, d("2026-09-01")).deadlines if i.kind == "inception_assessment"
    ]
    assert inception[0].due == d("2026-08-01")


def test_voluntary_days_extend_the_engagement_window() -> None:
    meetings = (
        implementation("2026-07-01"),
        implementation("2026-09-01"),
        implementation("2027-09-15"),
    )
    facts = member(plan(commitment(*STEADY_UPDATES), meetings=meetings))
    assert status(facts, "2027-06-30") == shows("active", "2026-03-10")
    assert status(facts, "2027-07-01") == shows("probation", "2027-07-01", "no_engagement_evidence")
    # 30 voluntary days (2027-02-01 to 2027-03-02): the window reaches back 30 days further
    paused = replace(
        facts, voluntary_periods=(VoluntaryInactivity(d("2027-02-01"), d("2027-03-02")),)
    )
    assert status(paused, "2027-07-01") == shows("active", "2027-03-03")
    assert status(paused, "2027-07-30") == shows("active", "2027-03-03")
    assert status(paused, "2027-07-31") == shows(
        "probation", "2027-07-31", "no_engagement_evidence"
    )


# -- Extension requests (first plan only) ----------------------------------------------------------


def extension(
    requested_on: str,
    decision: Decision,
    decided_on: str | None = None,
    granted_until: str | None = None,
) -> ExtensionRequest:
    return ExtensionRequest(
        d(requested_on),
        decision,
        d(decided_on) if decided_on else None,
        d(granted_until) if granted_until else None,
    )


@pytest.mark.parametrize(
    ("request_", "last_active", "first_inactive"),
    [
        # pending, filed on or before the due date: held off
        (extension("2026-07-01", Decision.PENDING), "2028-01-01", None),
        (extension("2026-07-10", Decision.PENDING), "2028-01-01", None),
        # filed after the due date: no hold
        (extension("2026-07-11", Decision.PENDING), "2026-07-10", "2026-07-11"),
        # granted: the due date moves (decided before or after the original due date)
        (
            extension("2026-07-01", Decision.GRANTED, "2026-07-05", "2026-09-10"),
            "2026-09-10",
            "2026-09-11",
        ),
        (
            extension("2026-07-01", Decision.GRANTED, "2026-07-20", "2026-09-10"),
            "2026-09-10",
            "2026-09-11",
        ),
        # granted until a day before the decision: from the day after the decision
        (
            extension("2026-07-01", Decision.GRANTED, "2026-08-15", "2026-08-01"),
            "2026-08-15",
            "2026-08-16",
        ),
        # refused: from the day after the later of the decision and the due date
        (extension("2026-07-01", Decision.REFUSED, "2026-08-01"), "2026-08-01", "2026-08-02"),
        (extension("2026-07-01", Decision.REFUSED, "2026-07-05"), "2026-07-10", "2026-07-11"),
    ],
)
def test_extension_requests(
    request_: ExtensionRequest, last_active: str, first_inactive: str | None
) -> None:
    facts = member(extension_requests=(request_,))
    assert status(facts, last_active) == shows("active", "2026-03-10")
    if first_inactive is not None:
        assert status(facts, first_inactive) == shows(
            "inactive", first_inactive, "first_plan_overdue"
        )


def test_a_granted_extension_is_the_listed_first_plan_deadline() -> None:
    facts = member(
        extension_requests=(extension("2026-07-01", Decision.GRANTED, "2026-07-05", "2026-09-10"),)
    )
    assert evaluate(facts, d("2026-07-04")).deadlines[0].due == d("2026-07-10")
    assert evaluate(facts, d("2026-07-05")).deadlines[0].due == d("2026-09-10")


# -- Overrides -------------------------------------------------------------------------------------


def test_timers_run_underneath_an_override() -> None:
    facts = member(overrides=(Override(Status.ACTIVE, d("2026-07-01"), d("2026-12-31")),))
    assert status(facts, "2026-07-11") == shows("active", "2026-03-10", "override")
    assert status(facts, "2027-01-01") == shows("inactive", "2027-01-01", "first_plan_overdue")
    assert status(facts, "2027-01-11") == shows(
        "probation", "2027-01-11", "first_plan_overdue", "inactive_6_months"
    )


def test_a_withdrawn_override_stops_showing_on_its_withdrawal_day() -> None:
    facts = member(
        overrides=(Override(Status.REVOKED, d("2026-04-01"), None, withdrawn_on=d("2026-05-20")),)
    )
    assert status(facts, "2026-05-19") == shows("revoked", "2026-04-01", "override")
    assert status(facts, "2026-05-20") == shows("active", "2026-05-20")


# -- Reinstatement ---------------------------------------------------------------------------------


def test_revoked_is_final_until_reinstated() -> None:
    late_plan = steady_plan(submitted_on=d("2027-06-01"), starts_on=d("2027-06-01"))
    facts = member(late_plan)
    assert status(facts, "2027-07-01")[0] == "revoked"
    assert status(facts, "2027-07-01")[1] == d("2027-05-11")


def test_reinstatement_starts_the_rules_afresh() -> None:
    facts = member(reinstatements=(Reinstatement(d("2027-08-01")),))
    assert status(facts, "2027-07-31")[0] == "revoked"
    assert status(facts, "2027-08-01") == shows("active", "2027-08-01")
    # with no plan in force, one is owed 4 months later
    assert status(facts, "2027-12-01") == shows("active", "2027-08-01")
    assert status(facts, "2027-12-02") == shows("inactive", "2027-12-02", "first_plan_overdue")
    owed = [
        (item.kind, item.due)
        for item in evaluate(facts, d("2027-12-02")).deadlines
        if item.kind in {"first_plan", "next_plan"}
    ]
    assert owed == [("first_plan", d("2026-07-10")), ("first_plan", d("2027-12-01"))]


def test_a_reinstated_member_whose_plan_ended_owes_the_next_plan() -> None:
    # the plan ended 2027-12-31, no next plan: inactive 2028-05-01, probation 2028-11-01,
    # revoked 2029-03-01; reinstated 2029-04-01, a plan is owed by 2029-08-01
    facts = member(steady_plan(), reinstatements=(Reinstatement(d("2029-04-01")),))
    assert status(facts, "2029-03-01")[0] == "revoked"
    assert status(facts, "2029-04-01") == shows("active", "2029-04-01")
    assert status(facts, "2029-08-01") == shows("active", "2029-04-01")
    assert status(facts, "2029-08-02") == shows("inactive", "2029-08-02", "next_plan_overdue")
    owed = [
        (item.due, item.ref)
        for item in evaluate(facts, d("2029-08-02")).deadlines
        if item.kind == "next_plan"
    ]
    assert owed == [(d("2028-04-30"), "p1"), (d("2029-08-01"), "p1")]


def test_reinstatement_of_a_member_that_is_not_revoked_changes_nothing() -> None:
    facts = member(reinstatements=(Reinstatement(d("2026-08-01")),))
    assert status(facts, "2026-08-01") == shows("inactive", "2026-07-11", "first_plan_overdue")


# -- Joint plans, jurisdictions without elections, month ends --------------------------------------


def test_a_joint_plan_counts_for_every_member_in_it() -> None:
    joint = EXAMPLE_2.plans[0]
    first = member(joint)
    second = member(joint, slug="other-town", joined_on=d("2026-02-01"))
    for facts in (first, second):
        assert status(facts, "2027-05-01")[0] == "inactive"
        assert status(facts, "2027-05-20") == shows("active", "2027-05-20")


def test_a_jurisdiction_without_elections_follows_the_same_rules() -> None:
    facts = member(
        has_elections=False,
        terms=(),
        strategy_periods=(Period(d("2026-01-01"), d("2029-12-31")),),
    )
    assert status(facts, "2026-07-11") == shows("inactive", "2026-07-11", "first_plan_overdue")


@pytest.mark.parametrize(
    ("ends_on", "ok"),
    [("2029-10-31", True), ("2029-11-01", True), ("2029-11-02", False)],
)
def test_a_plan_ends_at_least_two_months_before_the_term(ends_on: str, ok: bool) -> None:
    facts = member(terms=(Period(JOINED, d("2030-01-01")),))
    assert (plan_period_problems(facts, d("2026-06-01"), d(ends_on)) == []) is ok


@pytest.mark.parametrize(
    ("ends_on", "ok"),
    [
        ("2027-05-30", False),
        ("2027-05-31", True),  # starts + 1 year - 1 day
        ("2030-05-31", True),  # starts + 4 years - 1 day
        ("2030-06-01", False),
        ("2031-12-31", True),  # the strategy period in force
    ],
)
def test_a_plan_without_elections_matches_the_strategy_or_lasts_one_to_four_years(
    ends_on: str, ok: bool
) -> None:
    facts = member(
        has_elections=False,
        terms=(),
        strategy_periods=(Period(d("2026-06-01"), d("2031-12-31")),),
    )
    assert (plan_period_problems(facts, d("2026-06-01"), d(ends_on)) == []) is ok


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2027-02-28", shows("active", "2026-10-31")),
        ("2027-03-01", shows("inactive", "2027-03-01", "first_plan_overdue")),
    ],
)
def test_month_end_clamping_of_the_first_plan_deadline(
    as_of: str, expected: tuple[str, date, tuple[str, ...]]
) -> None:
    facts = member(joined_on=d("2026-10-31"))  # + 4 months = 2027-02-28
    assert status(facts, as_of) == expected


def test_before_joining_a_member_is_shown_active_from_its_join_date() -> None:
    assert evaluate(NO_PLAN, d("2026-01-01")).since == JOINED
    assert status_timeline(NO_PLAN, d("2026-01-01")) == []

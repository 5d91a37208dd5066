"""Determinism of the status rules (docs/rules.md §3.3): evaluating on every day from the join
date, or
once on the as-of date, gives the same status, since-date and reasons; and the transition history
agrees with the day-by-day walk."""

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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
    Transition,
    VoluntaryInactivity,
    evaluate,
    evaluate_with_timeline,
    status_timeline,
)
from ogplocal.dates import Quarter, add_months, quarter_of

JOIN_FROM = date(2026, 1, 1)
SPAN_DAYS = 1000  # long enough for inactive -> probation -> revoked and a plan's 12 months


def days(n: int) -> timedelta:
    return timedelta(days=n)


def around(day: date, low: int, high: int) -> st.SearchStrategy[date]:
    """A day between ``day + low`` and ``day + high`` days."""
    return st.integers(low, high).map(lambda n: day + days(n))


@st.composite
def plans(draw: st.DrawFn, starts_on: date, ref: str) -> PlanFacts:
    ends_on = starts_on + days(draw(st.integers(200, 640)))
    submitted_on = draw(st.none() | around(starts_on, -40, 10))
    commitments = []
    for index in range(draw(st.integers(1, 3))):
        c_start = starts_on + days(draw(st.integers(0, 120)))
        updates = []
        quarter = quarter_of(c_start)
        while quarter.starts_on <= ends_on:
            if draw(st.booleans()) or draw(st.booleans()):
                updates.append(
                    TrackerUpdate(
                        str(quarter),
                        quarter.deadline + days(draw(st.integers(-45, 20))),
                        draw(st.integers(0, 100)),
                    )
                )
            quarter = quarter.following()
        completed_on = draw(st.none() | around(c_start, 60, 600))
        withdrawn_on = draw(st.none() | st.none() | around(c_start, 30, 500))
        added_on = draw(st.none() | st.none() | around(c_start, 0, 200))
        commitments.append(
            CommitmentFacts(
                f"c{index}",
                c_start,
                ends_on,
                added_on=added_on,
                completed_on=completed_on,
                withdrawn_on=withdrawn_on,
                updates=tuple(updates),
                assessment_submitted_on=draw(st.none() | around(c_start, -10, 60)),
            )
        )
    meetings = tuple(
        Meeting(
            starts_on + days(draw(st.integers(-120, 700))),
            draw(st.sampled_from(MeetingKind)),
            draw(st.integers(0, 3)),
            draw(st.integers(0, 2)),
        )
        for _ in range(draw(st.integers(0, 6)))
    )
    return PlanFacts(
        ref,
        starts_on,
        ends_on,
        submitted_on=submitted_on,
        meetings=meetings,
        commitments=tuple(commitments),
    )


@st.composite
def jurisdictions(draw: st.DrawFn) -> JurisdictionFacts:
    joined = JOIN_FROM + days(draw(st.integers(0, 60)))

    def after_join(low: int, high: int) -> st.SearchStrategy[date]:
        return st.integers(low, high).map(lambda n: joined + days(n))

    first_plan_deadline = draw(st.none() | after_join(60, 200))
    requests = []
    for _ in range(draw(st.integers(0, 2))):
        requested_on = draw(after_join(20, 220))
        decision = draw(st.sampled_from(Decision))
        decided_on = (
            None if decision is Decision.PENDING else requested_on + days(draw(st.integers(0, 60)))
        )
        granted_until = (
            requested_on + days(draw(st.integers(10, 150)))
            if decision is Decision.GRANTED
            else None
        )
        requests.append(ExtensionRequest(requested_on, decision, decided_on, granted_until))
    plan_list = []
    start = draw(after_join(0, 250))
    for index in range(draw(st.integers(0, 2))):
        plan = draw(plans(start, f"p{index}"))
        plan_list.append(plan)
        start = plan.ends_on + days(draw(st.integers(1, 200)))
    voluntary = []
    for _ in range(draw(st.integers(0, 1))):
        starts_on = draw(after_join(0, 800))
        approved_on = draw(st.none() | around(starts_on, -20, 10))
        voluntary.append(
            VoluntaryInactivity(starts_on, starts_on + days(draw(st.integers(5, 160))), approved_on)
        )
    overrides = []
    for _ in range(draw(st.integers(0, 1))):
        starts_on = draw(after_join(0, 900))
        overrides.append(
            Override(
                draw(st.sampled_from([Status.ACTIVE, Status.INACTIVE, Status.PROBATION])),
                starts_on,
                draw(st.none() | around(starts_on, 0, 100)),
                draw(st.none() | around(starts_on, 0, 100)),
            )
        )
    reinstatements = [
        Reinstatement(day) for day in draw(st.lists(after_join(300, 950), max_size=1))
    ]
    return JurisdictionFacts(
        slug="random",
        joined_on=joined,
        terms=(Period(joined, joined + days(4 * 365)),),
        first_plan_deadline=first_plan_deadline,
        extension_requests=tuple(requests),
        voluntary_periods=tuple(voluntary),
        overrides=tuple(overrides),
        reinstatements=tuple(reinstatements),
        plans=tuple(plan_list),
    )


@settings(
    max_examples=60,
    deadline=None,
    database=None,  # write nothing into the repository
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(jurisdictions())
def test_every_day_or_once_gives_the_same_status_since_and_reasons(
    facts: JurisdictionFacts,
) -> None:
    last = facts.joined_on + days(SPAN_DAYS)
    expected: list[Transition] = []
    since = facts.joined_on
    previous = None
    day = facts.joined_on
    while day <= last:
        today = evaluate(facts, day)
        if today.status != previous:
            since = day
            expected.append(Transition(day, today.status, today.reasons))
            previous = today.status
        assert today.since == since, day
        day += days(1)
    once = evaluate(facts, last)
    assert (once.status, once.since, once.reasons) == (
        expected[-1].status,
        since,
        today.reasons,
    )
    assert status_timeline(facts, last) == expected
    # The one walk the daily evaluation takes gives both answers alike.
    assert evaluate_with_timeline(facts, last) == (once, expected)
    assert evaluate_with_timeline(facts, facts.joined_on - days(1)) == (
        evaluate(facts, facts.joined_on - days(1)),
        [],
    )


@settings(database=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31)))
def test_a_quarter_holds_its_days_and_is_due_at_the_end_of_the_next_month(day: date) -> None:
    quarter = quarter_of(day)
    assert quarter.starts_on <= day <= quarter.ends_on
    assert quarter.following().starts_on == quarter.ends_on + days(1)
    assert quarter.deadline == add_months(quarter.ends_on.replace(day=1), 2) - days(1)
    assert Quarter(quarter.year, quarter.number) == quarter

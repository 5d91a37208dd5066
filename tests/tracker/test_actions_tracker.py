"""Quarterly tracker updates: one per commitment and quarter, correctable until the quarter's
deadline and frozen after it (docs/rules.md §3.1, §3.2)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from commitments.models import Commitment
from ogplocal.exceptions import ActionRefused
from tests.conftest import Tenant, World, count_queries, refusal
from tests.factories import MilestoneFactory, ready_plan, submitted_plan
from tracker.models import TrackerUpdate
from tracker.services import correct_tracker_update, record_tracker_update

pytestmark = pytest.mark.django_db

IN_Q3 = date(2026, 8, 15)
Q3_DEADLINE = date(2026, 10, 31)
NOT_REPORTER = "Only the plan's Point of Contact or government officers may record tracker updates."


def commitment_of_submitted_plan(tenant: Tenant) -> Commitment:
    """Runs 2026-07-01 to 2027-06-30 in a plan submitted 2026-05-20."""
    return submitted_plan(tenant, commitments=1).commitments.get()


def record(tenant: Tenant, commitment: Commitment, **kwargs: Any) -> TrackerUpdate:
    kwargs.setdefault("actor", tenant.poc)
    kwargs.setdefault("quarter", "2026Q3")
    kwargs.setdefault("percent", 20)
    kwargs.setdefault("today", IN_Q3)
    return record_tracker_update(commitment=commitment, **kwargs)


@pytest.mark.parametrize("role", ["poc", "officer"])
def test_draft_saved_then_submitted(tenant: Tenant, role: str) -> None:
    actor = getattr(tenant, role)
    commitment = commitment_of_submitted_plan(tenant)
    milestone = MilestoneFactory(commitment=commitment)
    update = record(
        tenant,
        commitment,
        actor=actor,
        completion="limited",
        narrative=" Mapping contracts. ",
        milestone_states={str(milestone.pk): "in_progress"},
        evidence_links=["https://example.org/report", " "],
    )
    assert (update.submitted_on, update.percent, update.narrative) == (
        None,
        20,
        "Mapping contracts.",
    )
    assert update.evidence_links == ["https://example.org/report"]
    # A draft save keeps everything; submitting sets the submission day.
    correct_tracker_update(actor=actor, update=update, submit=True, today=date(2026, 10, 2))
    update.refresh_from_db()
    assert (update.submitted_on, update.percent, update.completion) == (
        date(2026, 10, 2),
        20,
        "limited",
    )
    last = update.history.first()
    assert (last.history_user, last.history_change_reason) == (actor, "submitted: submitted_on")


def test_submitted_at_once(tenant: Tenant) -> None:
    update = record(tenant, commitment_of_submitted_plan(tenant), submit=True)
    assert update.submitted_on == IN_Q3
    assert update.history.get().history_change_reason == "submitted"


def test_one_update_per_commitment_and_quarter(tenant: Tenant) -> None:
    commitment = commitment_of_submitted_plan(tenant)
    record(tenant, commitment)
    assert refusal(record, tenant=tenant, commitment=commitment, actor=tenant.officer) == (
        "“Open contracting portal, phase "
        f"{commitment.title.rsplit(' ', 1)[1]}” already has an update for 2026Q3: correct that "
        "one instead."
    )
    assert TrackerUpdate.objects.count() == 1


@pytest.mark.parametrize(("day", "allowed"), [(Q3_DEADLINE, True), (date(2026, 11, 1), False)])
def test_correctable_until_the_deadline_then_frozen(
    tenant: Tenant, day: date, allowed: bool
) -> None:
    commitment = commitment_of_submitted_plan(tenant)
    update = record(tenant, commitment, submit=True)
    if allowed:
        correct_tracker_update(actor=tenant.officer, update=update, percent=35, today=day)
        update.refresh_from_db()
        assert (update.percent, update.submitted_on) == (35, IN_Q3)
        # The correction keeps the history of what was reported before.
        assert list(update.history.values_list("percent", flat=True)) == [35, 20]
        assert update.history.first().history_change_reason == "corrected: percent"
    else:
        message = (
            "The update for 2026Q3 was due by 2026-10-31; after that day it is frozen and can no "
            "longer be written or corrected."
        )
        assert (
            refusal(correct_tracker_update, actor=tenant.poc, update=update, percent=35, today=day)
            == message
        )
        update.refresh_from_db()
        assert update.percent == 20
        assert (
            refusal(record, tenant=tenant, commitment=commitment, quarter="2026Q3", today=day)
            == message
        )


def test_record_on_the_deadline_day(tenant: Tenant) -> None:
    update = record(tenant, commitment_of_submitted_plan(tenant), today=Q3_DEADLINE, submit=True)
    assert update.submitted_on == Q3_DEADLINE


@pytest.mark.parametrize("percent", [-1, 101])
def test_percent_is_zero_to_a_hundred(tenant: Tenant, percent: int) -> None:
    commitment = commitment_of_submitted_plan(tenant)
    with pytest.raises(ActionRefused) as caught:
        record(tenant, commitment, percent=percent)
    assert (caught.value.message, caught.value.field) == (
        "Percent complete is between 0 and 100.",
        "percent",
    )
    assert not TrackerUpdate.objects.exists()


def test_bounds_of_percent_accepted(tenant: Tenant) -> None:
    commitment = commitment_of_submitted_plan(tenant)
    update = record(tenant, commitment, percent=0)
    correct_tracker_update(actor=tenant.poc, update=update, percent=100, today=IN_Q3)


def test_only_for_a_submitted_plan(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=1)
    assert (
        refusal(record, tenant=tenant, commitment=plan.commitments.get())
        == "Progress is reported once the plan is submitted."
    )


def test_quarter_not_started_or_badly_written(tenant: Tenant) -> None:
    commitment = commitment_of_submitted_plan(tenant)
    assert (
        refusal(record, tenant=tenant, commitment=commitment, quarter="2026Q4")
        == "2026Q4 has not started yet."
    )
    assert (
        refusal(record, tenant=tenant, commitment=commitment, quarter="2026-3")
        == "A quarter is written like 2027Q2."
    )


def test_only_while_under_implementation(tenant: Tenant) -> None:
    commitment = commitment_of_submitted_plan(tenant)
    title = commitment.title
    # It starts 2026-07-01: nothing to report for 2026Q2.
    assert (
        refusal(
            record, tenant=tenant, commitment=commitment, quarter="2026Q2", today=date(2026, 7, 5)
        )
        == f"“{title}” was not under implementation in 2026Q2; there is nothing to report."
    )
    # Withdrawn before 2026Q4 starts: nothing for 2026Q4; 2026Q3 is still reported.
    Commitment.objects.filter(pk=commitment.pk).update(withdrawn_on=date(2026, 9, 30))
    commitment.refresh_from_db()
    today = date(2026, 10, 20)
    assert "was not under implementation in 2026Q4" in refusal(
        record, tenant=tenant, commitment=commitment, quarter="2026Q4", today=today
    )
    record(tenant, commitment, quarter="2026Q3", today=today)


def test_milestone_states_are_the_commitments(tenant: Tenant) -> None:
    commitment = commitment_of_submitted_plan(tenant)
    other = MilestoneFactory()
    assert refusal(
        record, tenant=tenant, commitment=commitment, milestone_states={str(other.pk): "done"}
    ) == (
        "A milestone state is not started, in progress or done, for this commitment's milestones."
    )


@pytest.mark.parametrize("role", ["stakeholder", "monitor", "staff", "outsider", "other_poc"])
def test_others_do_not_record_or_correct(tenant: Tenant, world: World, role: str) -> None:
    actor = world.people[role]
    commitment = commitment_of_submitted_plan(tenant)
    assert refusal(record, tenant=tenant, commitment=commitment, actor=actor) == NOT_REPORTER
    update = record(tenant, commitment)
    assert (
        refusal(correct_tracker_update, actor=actor, update=update, percent=90, today=IN_Q3)
        == NOT_REPORTER
    )
    update.refresh_from_db()
    assert (update.percent, TrackerUpdate.objects.count()) == (20, 1)


def test_record_tracker_update_query_count(tenant: Tenant) -> None:
    """Pinned: lock and read the commitment with its plan, look for the quarter's update, insert
    it and its history row (4 queries), inside 2 savepoints (4 more)."""
    commitment = commitment_of_submitted_plan(tenant)
    with count_queries(8):
        record(tenant, commitment, submit=True)


def test_correct_tracker_update_query_count(tenant: Tenant) -> None:
    commitment = commitment_of_submitted_plan(tenant)
    update = record(tenant, commitment)
    with count_queries(5):
        correct_tracker_update(
            actor=tenant.poc, update=update, percent=40, submit=True, today=IN_Q3
        )

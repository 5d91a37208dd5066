"""Rules that must hold when two people act at the same moment (PostgreSQL row locks).

Each test starts two threads that wait at a barrier and then call the same action; exactly one
wins and the other gets the action's refusal. Each thread closes its database connection.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection

from action_plans.models import ActionPlan
from action_plans.services import submit_plan
from commitments import services as commitments_services
from commitments.content import CommitmentContent
from commitments.models import Commitment
from commitments.services import add_commitment_to_submitted_plan
from ogplocal.exceptions import ActionRefused
from tests.conftest import Tenant
from tests.factories import MeetingFactory, ready_plan, submitted_plan
from tracker.models import TrackerUpdate
from tracker.services import record_tracker_update

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

SUBMITTED = date(2026, 5, 20)


def race(*calls: Callable[[], Any]) -> tuple[list[Any], list[str]]:
    """Run the calls at once, one thread each; return what they returned and their refusals."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=10)
            try:
                result = call()
            except ActionRefused as refusal:
                with lock:
                    refusals.append(refusal.message)
            else:
                with lock:
                    results.append(result)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    return results, refusals


def test_two_people_adding_the_sixth_commitment_at_once(
    tenant: Tenant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Widen the window between counting the open commitments and adding one, so that without
    # the plan's row lock both requests would count 4 and both would add.
    counted = commitments_services.open_commitments_on

    def slow_count(plan: ActionPlan, day: date) -> list[Commitment]:
        found = counted(plan, day)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(commitments_services, "open_commitments_on", slow_count)
    plan = submitted_plan(tenant, commitments=4)
    add_commitment_to_submitted_plan(
        actor=tenant.poc,
        plan=plan,
        ref="fifth",
        content=CommitmentContent(
            title="Fifth", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30)
        ),
        co_creation_meeting=MeetingFactory(plan=plan, held_on=date(2026, 8, 1)),
        today=date(2026, 9, 1),
    )

    def adding(actor: Any, ref: str, held_on: date) -> Callable[[], Commitment]:
        meeting = MeetingFactory(plan=plan, held_on=held_on)
        return lambda: add_commitment_to_submitted_plan(
            actor=actor,
            plan=plan,
            ref=ref,
            content=CommitmentContent(
                title=f"Sixth by {ref}", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30)
            ),
            co_creation_meeting=meeting,
            today=date(2026, 9, 2),
        )

    # Free one slot: the first commitment is withdrawn, so exactly one more fits.
    Commitment.objects.filter(plan=plan, ref=plan.commitments.earliest("pk").ref).update(
        withdrawal_reason="Budget cut.", withdrawn_on=date(2026, 9, 1)
    )
    results, refusals = race(
        adding(tenant.poc, "by-poc", date(2026, 8, 20)),
        adding(tenant.officer, "by-officer", date(2026, 8, 21)),
    )
    assert len(results) == 1
    assert refusals == [
        "The plan already has 5 open commitments, the most a plan may have at once. A slot "
        "frees when a commitment is withdrawn, or completed and assessed."
    ]
    assert plan.commitments.count() == 6  # 5 open, 1 withdrawn


def test_one_plan_submitted_twice_at_once(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=5)
    results, refusals = race(
        lambda: submit_plan(actor=tenant.poc, plan=plan, today=SUBMITTED),
        lambda: submit_plan(actor=tenant.poc, plan=plan, today=SUBMITTED),
    )
    assert len(results) == 1
    assert refusals == ["This plan was already submitted on 2026-05-20."]
    plan = ActionPlan.objects.get(pk=plan.pk)
    assert plan.submitted_on == SUBMITTED
    assert plan.history.filter(history_change_reason="plan submitted").count() == 1


def test_one_tracker_update_per_commitment_and_quarter_at_once(tenant: Tenant) -> None:
    commitment = submitted_plan(tenant, commitments=1).commitments.get()

    def recording(actor: Any, percent: int) -> Callable[[], TrackerUpdate]:
        return lambda: record_tracker_update(
            actor=actor,
            commitment=commitment,
            quarter="2026Q3",
            percent=percent,
            submit=True,
            today=date(2026, 10, 10),
        )

    results, refusals = race(recording(tenant.poc, 20), recording(tenant.officer, 30))
    assert len(results) == 1
    assert refusals == [
        f"“{commitment.title}” already has an update for 2026Q3: correct that one instead."
    ]
    assert TrackerUpdate.objects.filter(commitment=commitment).count() == 1

"""Every workspace page and action for every role (docs/roles.md §1), allowed and refused; a refusal
changes nothing. Missing and forbidden both answer 404 (docs/architecture.md)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.test import Client

from action_plans.models import ActionPlan, Endorsement, Meeting
from commitments.models import Commitment
from members.models import ExtensionRequest, VoluntaryInactivityRequest
from tests.conftest import Tenant, World, client_for
from tests.factories import COMMITMENT_FORM, MilestoneFactory, ready_plan, submitted_plan
from tracker.models import TrackerUpdate

ROLES = ["poc", "officer", "stakeholder", "monitor", "staff", "outsider", "other_poc"]
DRAFT_DAY = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)
REPORT_DAY = datetime(2026, 10, 15, 15, 0, tzinfo=UTC)


def snapshot() -> tuple[Any, ...]:
    return (
        list(ActionPlan.objects.values_list("pk", "submitted_on", "forum", "title")),
        list(Commitment.objects.values_list("pk", "title", "completed_on", "withdrawal_reason")),
        Meeting.objects.count(),
        Endorsement.objects.count(),
        list(TrackerUpdate.objects.values_list("pk", "percent", "submitted_on")),
        ExtensionRequest.objects.count(),
        VoluntaryInactivityRequest.objects.count(),
    )


# --- Reading ---------------------------------------------------------------------------------

READERS_OF_DRAFTS = {"poc": 200, "officer": 200, "stakeholder": 200, "staff": 200}


@time_machine.travel(DRAFT_DAY, tick=False)
@pytest.mark.parametrize("who", ROLES)
def test_draft_plan_pages_by_role(tenant: Tenant, world: World, who: str) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=2)
    commitment = (
        plan.commitments.get() if plan.commitments.count() == 1 else plan.commitments.all()[0]
    )
    client = world.client(who)
    expected = READERS_OF_DRAFTS.get(who, 404)
    base = f"/w/villa-example/plans/{plan.pk}"
    for path in (
        f"{base}/",
        f"{base}/submit/",
        f"{base}/meetings/",
        f"{base}/endorsements/",
        f"{base}/letter/",
        f"{base}/commitments/{commitment.pk}/",
    ):
        assert client.get(path).status_code == expected, (who, path)
    # The workspace home itself: monitoring bodies read it (their selected jurisdiction).
    home = 200 if who in {"poc", "officer", "stakeholder", "monitor", "staff"} else 404
    assert client.get("/w/villa-example/").status_code == home


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize("who", ROLES)
def test_submitted_plan_pages_by_role(tenant: Tenant, world: World, who: str) -> None:
    plan = submitted_plan(tenant, recorded=False)
    commitment = (
        plan.commitments.get() if plan.commitments.count() == 1 else plan.commitments.all()[0]
    )
    client = world.client(who)
    readers = {"poc", "officer", "stakeholder", "monitor", "staff"}
    expected = 200 if who in readers else 404
    base = f"/w/villa-example/plans/{plan.pk}"
    for path in (
        f"{base}/",
        f"{base}/tracker/",
        f"{base}/tracker/2026Q3/",
        f"{base}/commitments/{commitment.pk}/",
        f"{base}/meetings/",
    ):
        assert client.get(path).status_code == expected, (who, path)
    pdf = client.get(f"{base}/plan.pdf")
    assert pdf.status_code == expected
    if expected == 200:
        assert pdf["Content-Type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("who", ROLES)
def test_editing_pages_only_for_poc_and_officer(tenant: Tenant, world: World, who: str) -> None:
    with time_machine.travel(DRAFT_DAY, tick=False):
        plan = ready_plan(tenant.jurisdiction, commitments=1)
        commitment = (
            plan.commitments.get() if plan.commitments.count() == 1 else plan.commitments.all()[0]
        )
        client = world.client(who)
        expected = 200 if who in {"poc", "officer"} else 404
        for path in (
            "/w/villa-example/plans/new/",
            f"/w/villa-example/plans/{plan.pk}/edit/",
            f"/w/villa-example/plans/{plan.pk}/commitments/new/",
            f"/w/villa-example/plans/{plan.pk}/commitments/{commitment.pk}/edit/",
        ):
            assert client.get(path).status_code == expected, (who, path)


# --- Acting ------------------------------------------------------------------------------------


def _post_everything(client: Client, plan: ActionPlan, commitment: Commitment) -> list[int]:
    base = f"/w/villa-example/plans/{plan.pk}"
    return [
        client.post(
            "/w/villa-example/plans/new/",
            {"ref": "other", "starts_on": "2026-06-01", "ends_on": "2027-12-31"},
        ).status_code,
        client.post(
            f"{base}/edit/",
            {
                "title": "Changed",
                "starts_on": "2026-06-01",
                "ends_on": "2027-12-31",
                "forum": "The Open Government Forum.",
                "monitoring_body": plan.monitoring_body_id,
                "monitoring_body_endorsed_on": "2026-04-20",
            },
        ).status_code,
        client.post(
            f"{base}/meetings/",
            {
                "held_on": "2026-05-01",
                "kind": "co_creation",
                "government_participants": 2,
                "non_governmental_participants": 3,
            },
        ).status_code,
        client.post(
            f"{base}/endorsements/", {"name": "Someone Else", "organisation": "NGO"}
        ).status_code,
        client.post(f"{base}/endorse/", {"organisation": "NGO"}).status_code,
        client.post(f"{base}/commitments/new/", COMMITMENT_FORM).status_code,
        client.post(f"{base}/submit/").status_code,
    ]


@time_machine.travel(DRAFT_DAY, tick=False)
@pytest.mark.parametrize("who", ["monitor", "staff", "outsider", "other_poc"])
def test_people_without_a_writing_role_change_nothing(
    tenant: Tenant, world: World, who: str
) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=1)
    commitment = plan.commitments.get()
    before = snapshot()
    codes = _post_everything(world.client(who), plan, commitment)
    assert set(codes) == {404}, codes
    assert snapshot() == before


@time_machine.travel(DRAFT_DAY, tick=False)
def test_stakeholder_may_only_endorse(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=1)
    commitment = plan.commitments.get()
    client = client_for(tenant.stakeholder)
    before = snapshot()
    codes = _post_everything(client, plan, commitment)
    assert codes == [404, 404, 404, 404, 302, 404, 404]
    assert Endorsement.objects.filter(plan=plan, user=tenant.stakeholder).exists()
    after = snapshot()
    assert after[3] == before[3] + 1
    assert after[:3] + after[4:] == before[:3] + before[4:]


@time_machine.travel(DRAFT_DAY, tick=False)
def test_officer_edits_but_does_not_submit_or_endorse(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=1)
    commitment = plan.commitments.get()
    codes = _post_everything(client_for(tenant.officer), plan, commitment)
    assert codes == [302, 302, 302, 302, 404, 302, 404]
    plan.refresh_from_db()
    assert plan.submitted_on is None
    assert plan.title == "Changed"
    assert not Endorsement.objects.filter(user=tenant.officer).exists()


@time_machine.travel(DRAFT_DAY, tick=False)
def test_poc_does_everything_but_endorse(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=1)
    commitment = plan.commitments.get()
    codes = _post_everything(client_for(tenant.poc), plan, commitment)
    assert codes == [302, 302, 302, 302, 404, 302, 302]
    plan.refresh_from_db()
    assert plan.submitted_on == date(2026, 5, 20)


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize("who", ROLES)
def test_tracker_update_by_role(tenant: Tenant, world: World, who: str) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    commitment = plan.commitments.get()
    response = world.client(who).post(
        f"/w/villa-example/plans/{plan.pk}/tracker/2026Q3/",
        {"commitment": commitment.pk, f"u{commitment.pk}-percent": "30", "intent": "submit"},
    )
    if who in {"poc", "officer"}:
        assert response.status_code == 302
        update = TrackerUpdate.objects.get()
        assert (update.percent, update.submitted_on) == (30, date(2026, 10, 15))
    else:
        assert response.status_code == 404
        assert not TrackerUpdate.objects.exists()


@time_machine.travel(REPORT_DAY, tick=False)
@pytest.mark.parametrize("who", ROLES)
def test_completing_and_withdrawing_by_role(tenant: Tenant, world: World, who: str) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=2)
    first, second = plan.commitments.order_by("pk")
    client = world.client(who)
    base = f"/w/villa-example/plans/{plan.pk}/commitments"
    done = client.post(f"{base}/{first.pk}/complete/", {"completed_on": "2026-10-01"})
    asked = client.post(f"{base}/{second.pk}/withdraw/", {"reason": "The law changed."})
    first.refresh_from_db()
    second.refresh_from_db()
    assert done.status_code == (302 if who in {"poc", "officer"} else 404)
    assert (first.completed_on is not None) == (who in {"poc", "officer"})
    assert asked.status_code == (302 if who == "poc" else 404)
    assert bool(second.withdrawal_reason) == (who == "poc")


@time_machine.travel(DRAFT_DAY, tick=False)
@pytest.mark.parametrize("who", ROLES)
def test_requests_by_role(tenant: Tenant, world: World, who: str) -> None:
    client = world.client(who)
    readers = {"poc", "officer", "stakeholder", "monitor", "staff"}
    assert client.get("/w/villa-example/requests/").status_code == (200 if who in readers else 404)
    response = client.post(
        "/w/villa-example/requests/",
        {
            "kind": "extension",
            "extension-requested_until": "2026-09-30",
            "extension-reason": "Elections moved.",
        },
    )
    assert response.status_code == (302 if who == "poc" else 404)
    assert ExtensionRequest.objects.count() == (1 if who == "poc" else 0)
    response = client.post(
        "/w/villa-example/requests/",
        {
            "kind": "voluntary",
            "voluntary-starts_on": "2026-06-01",
            "voluntary-ends_on": "2026-08-31",
            "voluntary-reason": "Floods.",
        },
    )
    assert response.status_code == (302 if who == "poc" else 404)
    assert VoluntaryInactivityRequest.objects.count() == (1 if who == "poc" else 0)


def test_another_jurisdictions_plan_is_404_under_this_slug(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    with time_machine.travel(DRAFT_DAY, tick=False):
        theirs = ready_plan(other_tenant.jurisdiction, commitments=1)
        MilestoneFactory(commitment=theirs.commitments.get())
        client = client_for(tenant.poc)
        assert client.get(f"/w/villa-example/plans/{theirs.pk}/").status_code == 404
        assert client.get(f"/w/puerto-otro/plans/{theirs.pk}/").status_code == 404
        assert client.post(f"/w/villa-example/plans/{theirs.pk}/submit/").status_code == 404
        theirs.refresh_from_db()
        assert theirs.submitted_on is None

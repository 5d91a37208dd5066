"""The commitment pages of the jurisdiction workspace (issue 4): a commitment drafted with its
milestones and policy areas, a change after the submission that needs an approval, no free slot
and the reason, a commitment added to a submitted plan with its co-creation meeting."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from commitments.models import Commitment, CommitmentChange
from tests.conftest import Tenant, client_for, page_ok
from tests.factories import MeetingFactory, ready_plan, submitted_plan

DRAFT_DAY = datetime(2026, 5, 20, 15, 0, tzinfo=UTC)  # ready_plan submits on this day
REPORT_DAY = datetime(2026, 10, 15, 15, 0, tzinfo=UTC)  # 2026Q3 open until 2026-10-31


@time_machine.travel(DRAFT_DAY, tick=False)
def test_commitment_with_milestones_and_policy_areas_is_created(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=0)
    response = client_for(tenant.officer).post(
        f"/w/villa-example/plans/{plan.pk}/commitments/new/",
        {
            "c-ref": "c1",
            "c-title": "Open contracting",
            "c-starts_on": "2026-07-01",
            "c-ends_on": "2027-06-30",
            "c-policy_areas": ["open_contracting", "anti_corruption"],
            "m-TOTAL_FORMS": "2",
            "m-INITIAL_FORMS": "0",
            "m-0-title": "Publish the first contracts",
            "m-0-due_on": "2026-12-31",
            "m-1-title": "",
        },
    )
    assert response.status_code == 302
    commitment = Commitment.objects.get(plan=plan, ref="c1")
    assert sorted(commitment.policy_areas.values_list("code", flat=True)) == [
        "anti_corruption",
        "open_contracting",
    ]
    assert list(commitment.milestones.values_list("title", flat=True)) == [
        "Publish the first contracts"
    ]


@time_machine.travel(datetime(2026, 8, 1, 15, 0, tzinfo=UTC), tick=False)
def test_change_after_submission_needs_an_approval(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    commitment = plan.commitments.get()
    client = client_for(tenant.poc)
    path = f"/w/villa-example/plans/{plan.pk}/commitments/{commitment.pk}/edit/"
    page = page_ok(client.get(path)).decode()
    assert "The change window of this commitment closes on 20 November 2026" in page
    data = {
        "c-title": "Open contracting, all agencies",
        "c-starts_on": "2026-07-01",
        "c-ends_on": "2027-06-30",
        "m-TOTAL_FORMS": "0",
        "m-INITIAL_FORMS": "0",
    }
    refused = client.post(path, data)
    assert refused.status_code == 400
    assert "Record who approved the change" in refused.content.decode()
    assert "Open contracting, all agencies" in refused.content.decode()
    commitment.refresh_from_db()
    assert commitment.title != "Open contracting, all agencies"
    # Nobody records an approval in a stakeholder's name: the form offers none.
    data["r-approved_by"] = str(tenant.stakeholder.pk)
    assert client.post(path, data).status_code == 400
    # An approval given outside the portal, named with its evidence, is recorded by the POC.
    data["r-approver_name"] = "Ana Gómez (Fundación Ciudadanía Activa)"
    data["r-evidence"] = "Minutes of the forum meeting of 2 October 2026, item 4."
    assert client.post(path, data).status_code == 302
    commitment.refresh_from_db()
    assert commitment.title == "Open contracting, all agencies"
    change = CommitmentChange.objects.get()
    assert change.approved_by is None
    assert change.approver_name == "Ana Gómez (Fundación Ciudadanía Activa)"


@time_machine.travel(REPORT_DAY, tick=False)
def test_no_free_slot_shows_the_reason(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=5)
    client = client_for(tenant.poc)
    html = page_ok(client.get(f"/w/villa-example/plans/{plan.pk}/")).decode()
    assert "No commitment can be added now" in html
    assert "already has 5 open commitments" in html
    html = page_ok(client.get(f"/w/villa-example/plans/{plan.pk}/commitments/new/")).decode()
    assert "already has 5 open commitments" in html


@time_machine.travel(REPORT_DAY, tick=False)
def test_adding_to_a_submitted_plan_with_a_co_creation_meeting(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=2)
    meeting = MeetingFactory(plan=plan, held_on=date(2026, 9, 1))
    response = client_for(tenant.officer).post(
        f"/w/villa-example/plans/{plan.pk}/commitments/new/",
        {
            "c-ref": "c-late",
            "c-title": "Open data on water quality",
            "c-starts_on": "2026-10-15",
            "c-ends_on": "2027-12-31",
            "m-TOTAL_FORMS": "0",
            "m-INITIAL_FORMS": "0",
            "r-co_creation_meeting": str(meeting.pk),
        },
    )
    assert response.status_code == 302
    assert Commitment.objects.get(ref="c-late").added_on == date(2026, 10, 15)

"""A member's page for staff (issue 6, item 3): status history with reasons in plain words, every
deadline met or missed, and the change history of plans, commitments and updates as diffs."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from commitments.models import Commitment, PolicyArea
from members.models import User
from ogplocal.history import save_recorded
from portal.status.evaluation import save_evaluations
from tests.conftest import Tenant, client_for, count_queries
from tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    ExtensionRequestFactory,
    MeetingFactory,
    StatusOverrideFactory,
    TrackerUpdateFactory,
)

NOW = "2027-05-10 12:00:00+00:00"


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel(NOW, tick=False):
        yield


def the_worked_example(tenant: Tenant) -> Any:
    """docs/rules.md §3.4, second example: a plan submitted 2026-06-01, 2026Q4 and 2027Q1 missed."""
    member = tenant.jurisdiction
    plan = ActionPlanFactory(
        lead_jurisdiction=member,
        ref="plan-2026",
        title="Villa Example plan 2026",
        starts_on=date(2026, 6, 1),
        ends_on=date(2027, 12, 31),
        submitted_on=date(2026, 6, 1),
        submitted_by=tenant.poc,
        monitoring_body=member.monitoring_bodies.first(),
    )
    MeetingFactory(plan=plan, held_on=date(2026, 5, 1))
    for held_on in (date(2026, 9, 1), date(2027, 3, 1)):
        MeetingFactory(plan=plan, held_on=held_on, kind="implementation")
    commitment = CommitmentFactory(
        plan=plan, ref="c1", title="Open contracting portal", starts_on=date(2026, 7, 1)
    )
    update = TrackerUpdateFactory(
        commitment=commitment, quarter="2026Q3", submitted_on=date(2026, 10, 15), percent=20
    )
    return plan, commitment, update


def test_status_history_and_deadlines(tenant: Tenant, staff: User) -> None:
    the_worked_example(tenant)
    save_evaluations(as_of=date(2027, 5, 10))
    response = client_for(staff).get("/support/members/villa-example/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    # The stored history: active from the join date, inactive on 2027-05-01.
    changes = [(c.on, c.status) for c, _ in response.context["status_changes"]]
    assert changes == [(date(2027, 5, 1), "inactive"), (date(2026, 3, 10), "active")]
    assert "The tracker was not updated in two consecutive quarters." in html
    deadlines = {
        (row.deadline.kind, row.deadline.ref): row.state for row, _ in response.context["deadlines"]
    }
    assert deadlines[("first_plan", "plan-2026")] == "met"
    assert deadlines[("tracker_update", "2026Q3")] == "met"
    assert deadlines[("tracker_update", "2026Q4")] == "missed"
    assert deadlines[("tracker_update", "2027Q1")] == "overdue"
    assert deadlines[("tracker_update", "2027Q2")] == "upcoming"
    assert deadlines[("inception_assessment", "plan-2026")] == "overdue"
    assert deadlines[("change_window", "plan-2026")] == "date"
    assert "met on time" in html
    assert "missed" in html


def test_the_page_says_when_the_rules_moved_on_since_the_stored_status(
    tenant: Tenant, staff: User
) -> None:
    the_worked_example(tenant)
    save_evaluations(as_of=date(2027, 4, 30))
    html = client_for(staff).get("/support/members/villa-example/").content.decode()
    assert "On today's facts the rules give <strong>inactive</strong> since 2027-05-01" in html


def test_change_history_shows_who_when_and_what_as_a_diff(tenant: Tenant, staff: User) -> None:
    plan, commitment, update = the_worked_example(tenant)
    commitment.title = "Open contracting portal for every municipal contract"
    commitment.actions = (
        "Publish every municipal contract in the Open Contracting Data Standard, with the "
        "award, the contract and its amendments, within ten days of signature."
    )
    save_recorded(commitment, tenant.poc, "commitment changed: title, actions")
    commitment.policy_areas.add(PolicyArea.objects.get(code="fiscal_openness"))
    update.percent = 35
    update.narrative = "The portal is live."
    save_recorded(update, tenant.officer, "tracker update corrected")
    plan.review = "returned"
    plan.review_comments = "Name a lead for each milestone."
    plan.reviewed_on = date(2027, 5, 10)
    with time_machine.travel("2027-05-10 13:00:00+00:00", tick=False):
        save_recorded(plan, staff, "plan returned")

    response = client_for(staff).get("/support/members/villa-example/")
    html = response.content.decode()
    history = response.context["history"]
    by_reason = {entry.reason: entry for entry in history}
    title_change = next(
        entry for entry in history if any(change.label == "title" for change in entry.changes)
    )
    assert title_change.reason == "commitment changed: title, actions"
    assert title_change.who == tenant.poc
    assert str(title_change.kind_label) == "changed"
    changed = {change.label: change for change in title_change.changes}
    assert changed["title"].old == "Open contracting portal"
    assert changed["title"].new == "Open contracting portal for every municipal contract"
    # A long text is a word diff.
    segments = [(s.op, s.text) for s in changed["what will be done"].segments]
    assert ("-", "Standard.") in segments
    assert segments == [
        (" ", "Publish every municipal contract in the Open Contracting Data"),
        ("-", "Standard."),
        (
            "+",
            "Standard, with the award, the contract and its amendments, within ten days of "
            "signature.",
        ),
    ]
    correction = by_reason["tracker update corrected"]
    assert correction.who == tenant.officer
    assert correction.name == "2026Q3 · Open contracting portal for every municipal contract"
    assert {(c.label, c.old, c.new) for c in correction.changes} == {
        ("percent complete", "20", "35"),
        (
            "narrative",
            "The data standard was adopted; the first contracts are being mapped.",
            "The portal is live.",
        ),
    }
    review = by_reason["plan returned"]
    assert {(c.label, c.old, c.new) for c in review.changes} == {
        ("review", "not reviewed", "returned with comments"),
        ("review comments", "", "Name a lead for each milestone."),
        ("reviewed on", "", "2027-05-10"),
    }
    # The policy areas, a many-to-many field, are compared too.
    assert any(
        change.label == "policy areas" and "Fiscal" in change.new
        for entry in history
        for change in entry.changes
    )
    assert "<del>20</del>" in html
    assert "<ins>35</ins>" in html
    assert "<del>Standard.</del> <ins>Standard, with the award," in html
    # Newest first.
    assert history[0].reason == "plan returned"


def test_requests_and_decisions_are_listed_with_links_to_decide(
    tenant: Tenant, staff: User
) -> None:
    pending = ExtensionRequestFactory(
        jurisdiction=tenant.jurisdiction, requested_on=date(2027, 5, 1), reason="Elections."
    )
    override = StatusOverrideFactory(
        jurisdiction=tenant.jurisdiction, starts_on=date(2027, 5, 1), ends_on=date(2027, 7, 1)
    )
    html = client_for(staff).get("/support/members/villa-example/").content.decode()
    assert f'/support/members/villa-example/extension-requests/{pending.pk}/"' in html
    assert f'/support/members/villa-example/overrides/{override.pk}/withdraw/"' in html
    assert "Investigating a complaint" in html
    assert "/support/members/villa-example/reinstate/" not in html  # not revoked


def test_another_members_objects_are_not_reachable_through_this_member(
    tenant: Tenant, other_tenant: Tenant, staff: User
) -> None:
    request = ExtensionRequestFactory(jurisdiction=other_tenant.jurisdiction)
    client = client_for(staff)
    url = f"/support/members/villa-example/extension-requests/{request.pk}/"
    assert client.get(url).status_code == 404
    assert client.get("/support/members/nowhere/").status_code == 404


# The session and the user (2), the TOTP check (1, shared by the middleware, the view and
# restrict()), the member
# (1), the loader's 12 for today's reading, its terms, Points of Contact, pending invitations and
# status changes (4), the four kinds of request and decision (4), plans and withdrawals (2), the
# three histories with their two prefetched many-to-many histories (5), the names of the people
# and monitoring bodies they point to (2), and the header's navigation (2).
MEMBER_PAGE_QUERIES = 35


def member_page_queries(staff: User) -> int:
    client = client_for(staff)
    client.get("/support/members/villa-example/")
    with count_queries() as queries:
        client.get("/support/members/villa-example/")
    return len(queries)


def test_member_page_runs_a_fixed_number_of_queries(tenant: Tenant, staff: User) -> None:
    plan, _, _ = the_worked_example(tenant)
    few = member_page_queries(staff)
    for number in range(5):
        extra = CommitmentFactory(plan=plan)
        TrackerUpdateFactory(commitment=extra, quarter="2026Q4", submitted_on=date(2027, 1, 10))
        changed = Commitment.objects.get(pk=extra.pk)
        changed.title = f"Changed {number}"
        save_recorded(changed, tenant.poc, "changed")
        ExtensionRequestFactory(jurisdiction=tenant.jurisdiction, requested_on=date(2026, 4, 1))
        StatusOverrideFactory(jurisdiction=tenant.jurisdiction, starts_on=date(2026, 4, number + 1))
    second = ActionPlanFactory(lead_jurisdiction=tenant.jurisdiction, ref="plan-2028")
    CommitmentFactory(plan=second)
    save_evaluations(as_of=date(2027, 5, 10))
    many = member_page_queries(staff)
    assert few == many == MEMBER_PAGE_QUERIES

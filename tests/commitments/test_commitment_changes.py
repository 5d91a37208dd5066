"""Changes of a submitted plan's commitment proposed in the portal and approved by a civil-society
stakeholder from their own account (docs/roles.md §1 and §3.1 "Changes"): every action by every
role,
allowed and refused (a refusal changes nothing), the change window's boundaries, what an approval
applies and records, and two approvals at once."""

from __future__ import annotations

import threading
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test import Client

from action_plans.models import ActionPlan
from action_plans.services import submit_plan
from commitments.changes import (
    Approval,
    amend_commitment,
    approve_change_proposal,
    propose_commitment_change,
    reject_change_proposal,
    withdraw_change_proposal,
)
from commitments.content import CommitmentContent, MilestoneInput
from commitments.models import ChangeProposal, Commitment, CommitmentChange, PolicyArea
from commitments.services import add_commitment_to_submitted_plan
from members.models import User
from members.tenancy import Role
from ogplocal.exceptions import ActionRefused
from tests.conftest import INLINE_SCRIPT, INLINE_STYLE, Tenant, World, client_for, refusal
from tests.factories import (
    MeetingFactory,
    MembershipFactory,
    MilestoneFactory,
    TermFactory,
    ready_plan,
    submitted_plan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_areas")]

SUBMITTED = date(2026, 5, 20)
WINDOW_CLOSES = date(2026, 11, 20)  # 6 months after the submission; a change on it is in time
DAY_AFTER = date(2026, 11, 21)
PROPOSED = date(2026, 8, 1)
LATE = date(2026, 9, 1)
PAGE_DAY = datetime(2026, 8, 1, 15, 0, tzinfo=UTC)

NOT_EDITOR = "Only the plan's Point of Contact or government officers may change its commitments."
NOT_STAKEHOLDER = (
    "Only a civil-society stakeholder of the plan's jurisdiction may approve or reject a "
    "proposed change."
)
NOT_PROPOSER = (
    "Only the person who proposed the change or the plan's Point of Contact may withdraw it."
)
FROZEN = (
    "The change window of this commitment closed on 2026-11-20: its content is frozen. Progress "
    "is still reported every quarter; a commitment that can no longer be delivered is withdrawn, "
    "with the Support Unit's approval."
)
CLOSED_MEANWHILE = (
    "The change window of this commitment closed on 2026-11-20, before the change was approved: "
    "it can no longer be applied and the content stays as it is. The Point of Contact may "
    "withdraw the proposal."
)
ONE_PENDING = (
    "A change of this commitment already waits for a stakeholder's approval: it is approved, "
    "rejected or withdrawn before another is proposed."
)


def first(plan: ActionPlan) -> Commitment:
    return plan.commitments.order_by("pk").first()  # type: ignore[return-value]


def propose(tenant: Tenant, commitment: Commitment, **kwargs: Any) -> ChangeProposal:
    kwargs.setdefault("actor", tenant.poc)
    kwargs.setdefault("summary", "The pilot needs three more months.")
    kwargs.setdefault("today", PROPOSED)
    if not any(k in kwargs for k in ("title", "ends_on", "policy_areas", "milestones")):
        kwargs["ends_on"] = date(2027, 9, 30)
    given = {f.name: kwargs.pop(f.name) for f in fields(CommitmentContent) if f.name in kwargs}
    return propose_commitment_change(
        commitment=commitment, content=CommitmentContent(**given), **kwargs
    )


def content(commitment: Commitment) -> tuple[Any, ...]:
    commitment.refresh_from_db()
    return (
        commitment.title,
        commitment.problem,
        commitment.status_quo,
        commitment.actions,
        commitment.objectives,
        commitment.lead_agency,
        commitment.partners,
        commitment.starts_on,
        commitment.ends_on,
        sorted(commitment.policy_areas.values_list("code", flat=True)),
        list(commitment.milestones.values_list("pk", "title", "due_on", "done_on")),
    )


def snapshot() -> tuple[Any, ...]:
    return (
        [content(c) for c in Commitment.objects.order_by("pk")],
        list(
            ChangeProposal.objects.order_by("pk").values_list(
                "pk", "state", "decided_by", "decided_on", "decision_comment"
            )
        ),
        CommitmentChange.objects.count(),
    )


# --- propose_commitment_change -----------------------------------------------------------------


@pytest.mark.parametrize("role", ["poc", "officer"])
def test_poc_and_officer_propose_a_change_and_stakeholders_are_told(
    tenant: Tenant,
    role: str,
    django_capture_on_commit_callbacks: Any,
) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    before = content(commitment)
    with django_capture_on_commit_callbacks(execute=True):
        proposal = propose(
            tenant,
            commitment,
            actor=getattr(tenant, role),
            title=commitment.title,  # unchanged: not part of the proposal
            problem="  Procurement data is scattered.  ",
            ends_on=date(2027, 9, 30),
            policy_areas=["open_contracting"],
        )
    assert proposal.state == ChangeProposal.State.PENDING
    assert proposal.proposed_by == getattr(tenant, role)
    assert proposal.proposed_on == PROPOSED
    assert proposal.content == {
        "problem": "Procurement data is scattered.",
        "ends_on": "2027-09-30",
        "policy_areas": ["open_contracting"],
    }
    assert proposal.before["ends_on"] == "2027-06-30"
    assert content(commitment) == before  # nothing applies before a stakeholder approves
    assert CommitmentChange.objects.count() == 0
    assert [m.to for m in mail.outbox] == [[tenant.stakeholder.email]]
    assert "waits for your approval" in mail.outbox[0].subject


@pytest.mark.parametrize(
    "who", ["stakeholder", "monitor", "staff", "outsider", "other_stakeholder", "other_poc"]
)
def test_others_do_not_propose(tenant: Tenant, world: World, who: str) -> None:
    commitment = first(submitted_plan(tenant))
    before = snapshot()
    assert (
        refusal(propose, tenant=tenant, commitment=commitment, actor=world.people[who])
        == NOT_EDITOR
    )
    assert snapshot() == before


def test_propose_refusals_change_nothing(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    before = snapshot()
    cases: list[tuple[dict[str, Any], str]] = [
        ({"summary": "  "}, "Say why the commitment changes: the stakeholders read it."),
        ({"title": commitment.title}, "Nothing was changed."),
        ({"title": "  "}, "Give the commitment a title."),
        (
            {"ends_on": date(2028, 1, 31)},
            "The commitment ends on 2028-01-31, after the plan ends (2027-12-31).",
        ),
        ({"ends_on": date(2026, 6, 1)}, "A commitment must end on or after its start."),
        ({"policy_areas": ["no_such_area"]}, "Unknown policy area(s): no_such_area."),
        ({"milestones": [MilestoneInput(title=" ")]}, "Every milestone needs a title."),
        (
            {"milestones": [MilestoneInput(title="Elsewhere", id=10**6)]},
            "That milestone is not one of this commitment's.",
        ),
    ]
    for kwargs, message in cases:
        assert refusal(propose, tenant=tenant, commitment=commitment, **kwargs) == message
    assert snapshot() == before


def test_a_draft_commitment_is_changed_directly(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=1)
    assert refusal(propose, tenant=tenant, commitment=first(plan)) == (
        "The plan is a draft: change the commitment directly, no approval is needed."
    )
    assert not ChangeProposal.objects.exists()


def test_one_pending_proposal_at_a_time(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment, other = plan.commitments.order_by("pk")
    proposal = propose(tenant, commitment)
    assert refusal(propose, tenant=tenant, commitment=commitment, actor=tenant.officer) == (
        ONE_PENDING
    )
    propose(tenant, other)  # another commitment has its own
    with pytest.raises(IntegrityError), transaction.atomic():
        ChangeProposal.objects.create(
            commitment=commitment, proposed_by=tenant.poc, proposed_on=PROPOSED, summary="x"
        )
    withdraw_change_proposal(actor=tenant.poc, proposal=proposal, today=PROPOSED)
    assert propose(tenant, commitment).state == ChangeProposal.State.PENDING


def test_unchanged_milestones_are_not_a_change(tenant: Tenant) -> None:
    commitment = first(submitted_plan(tenant))
    milestone = MilestoneFactory(commitment=commitment, due_on=date(2026, 12, 31))
    same = [MilestoneInput(title=milestone.title, due_on=milestone.due_on, id=milestone.pk)]
    assert refusal(propose, tenant=tenant, commitment=commitment, milestones=same) == (
        "Nothing was changed."
    )
    moved = [MilestoneInput(title=milestone.title, due_on=date(2027, 2, 28), id=milestone.pk)]
    proposal = propose(tenant, commitment, milestones=moved)
    assert proposal.content == {
        "milestones": [
            {"id": milestone.pk, "title": milestone.title, "due_on": "2027-02-28", "done_on": None}
        ]
    }


# --- The change window --------------------------------------------------------------------------


@pytest.mark.parametrize(("day", "allowed"), [(WINDOW_CLOSES, True), (DAY_AFTER, False)])
def test_window_of_the_plans_commitments(tenant: Tenant, day: date, allowed: bool) -> None:
    commitment = first(submitted_plan(tenant))
    if allowed:
        proposal = propose(tenant, commitment, today=day)
        approve_change_proposal(actor=tenant.stakeholder, proposal=proposal, today=day)
        assert content(commitment)[8] == date(2027, 9, 30)
    else:
        assert refusal(propose, tenant=tenant, commitment=commitment, today=day) == FROZEN
        assert not ChangeProposal.objects.exists()


def test_window_of_a_commitment_added_later(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    added = add_commitment_to_submitted_plan(
        actor=tenant.poc,
        plan=plan,
        ref="late",
        content=CommitmentContent(
            title="Added later", starts_on=date(2026, 9, 1), ends_on=date(2027, 6, 30)
        ),
        co_creation_meeting=MeetingFactory(plan=plan, held_on=date(2026, 8, 20)),
        today=date(2026, 9, 1),
    )
    # Open until 2027-03-01, six months after the day it was added; the plan's first
    # commitments closed on 2026-11-20.
    assert refusal(propose, tenant=tenant, commitment=first(plan), today=DAY_AFTER) == FROZEN
    proposal = propose(tenant, added, today=date(2027, 3, 1))
    approve_change_proposal(actor=tenant.stakeholder, proposal=proposal, today=date(2027, 3, 1))
    assert content(added)[8] == date(2027, 9, 30)
    proposal = propose(tenant, added, title="Renamed", today=date(2027, 3, 1))
    assert refusal(
        approve_change_proposal,
        actor=tenant.stakeholder,
        proposal=proposal,
        today=date(2027, 3, 2),
    ) == CLOSED_MEANWHILE.replace("2026-11-20", "2027-03-01")
    assert refusal(propose, tenant=tenant, commitment=added, today=date(2027, 3, 2)) in (
        ONE_PENDING,
        FROZEN.replace("2026-11-20", "2027-03-01"),
    )


def test_approval_after_the_window_closed_meanwhile_is_refused(tenant: Tenant) -> None:
    commitment = first(submitted_plan(tenant))
    proposal = propose(tenant, commitment, today=WINDOW_CLOSES)
    before = snapshot()
    assert (
        refusal(
            approve_change_proposal, actor=tenant.stakeholder, proposal=proposal, today=DAY_AFTER
        )
        == CLOSED_MEANWHILE
    )
    assert snapshot() == before
    # Rejecting or withdrawing a proposal that can no longer apply stays possible.
    withdraw_change_proposal(actor=tenant.poc, proposal=proposal, today=DAY_AFTER)
    assert ChangeProposal.objects.get().state == ChangeProposal.State.WITHDRAWN


# --- approve_change_proposal ---------------------------------------------------------------------


def test_approval_applies_exactly_the_proposed_fields_and_records_the_change(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    commitment = first(submitted_plan(tenant))
    commitment.policy_areas.set(PolicyArea.objects.filter(code="open_data"))
    kept = MilestoneFactory(commitment=commitment, title="Kept as it is", position=0)
    moved = MilestoneFactory(commitment=commitment, title="Moved", position=1)
    proposal = propose(
        tenant,
        commitment,
        actor=tenant.officer,
        title="Open contracting, all agencies",
        ends_on=date(2027, 9, 30),
        policy_areas=["open_contracting", "open_data"],
        milestones=[
            MilestoneInput(title="Moved", due_on=date(2027, 3, 31), id=moved.pk),
            MilestoneInput(title="Train every agency", due_on=date(2027, 6, 30)),
        ],
    )
    # Meanwhile the problem statement is corrected with an approval recorded outside the portal:
    # the approval must not write back the problem as it was when the change was proposed.
    amend_commitment(
        actor=tenant.poc,
        commitment=commitment,
        content=CommitmentContent(problem="Corrected problem."),
        approval=Approval(approver_name="Marta Ruiz", evidence="Forum minutes, 2026-08-05"),
        today=date(2026, 8, 5),
    )
    before = content(commitment)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        approve_change_proposal(
            actor=tenant.stakeholder, proposal=proposal, comment="Agreed at the forum.", today=LATE
        )
    after = content(commitment)
    assert after[0] == "Open contracting, all agencies"
    assert after[1:8] == before[1:8]  # problem (corrected meanwhile) to starts_on: as they were
    assert after[1] == "Corrected problem."
    assert after[8] == date(2027, 9, 30)
    assert after[9] == ["open_contracting", "open_data"]
    titles = {m[1]: m for m in after[10]}
    assert set(titles) == {"Kept as it is", "Moved", "Train every agency"}
    assert titles["Kept as it is"][2] == kept.due_on
    assert titles["Moved"][2] == date(2027, 3, 31)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by, proposal.decided_on) == (
        ChangeProposal.State.APPROVED,
        tenant.stakeholder,
        LATE,
    )
    assert proposal.decision_comment == "Agreed at the forum."
    change = CommitmentChange.objects.get(approved_by__isnull=False)
    assert change.approved_by == tenant.stakeholder
    assert change.approver_name == ""
    assert change.changed_on == LATE
    assert change.summary.startswith("Changed: title, ends on, policy areas, milestones.")
    assert "The pilot needs three more months." in change.summary
    support = [m for m in mail.outbox if m.to == [staff.email]]
    assert len(support) == 1
    assert "Commitment changed: Open contracting, all agencies" in support[0].subject
    assert f"Approved by {tenant.stakeholder}." in support[0].body
    assert [m.to for m in mail.outbox if m not in support] == [[tenant.officer.email]]


@pytest.mark.parametrize(
    "who", ["poc", "officer", "monitor", "staff", "outsider", "other_stakeholder", "other_poc"]
)
def test_only_a_stakeholder_of_the_jurisdiction_approves_or_rejects(
    tenant: Tenant, world: World, who: str
) -> None:
    proposal = propose(tenant, first(submitted_plan(tenant)))
    before = snapshot()
    assert refusal(approve_change_proposal, actor=world.people[who], proposal=proposal) == (
        NOT_STAKEHOLDER
    )
    assert refusal(
        reject_change_proposal, actor=world.people[who], proposal=proposal, comment="No."
    ) == (NOT_STAKEHOLDER)
    assert snapshot() == before


def test_a_stakeholder_of_a_partner_in_a_joint_plan_approves(tenant: Tenant) -> None:
    partner = MembershipFactory(role=Role.STAKEHOLDER)
    TermFactory(jurisdiction=partner.jurisdiction)
    plan = ready_plan(tenant.jurisdiction, partner.jurisdiction, commitments=2)
    submit_plan(actor=tenant.poc, plan=plan, today=SUBMITTED)
    proposal = propose(tenant, first(plan))
    approve_change_proposal(actor=partner.user, proposal=proposal, today=PROPOSED)
    assert CommitmentChange.objects.get().approved_by == partner.user


def test_nobody_approves_their_own_proposal(tenant: Tenant) -> None:
    # One membership per person and jurisdiction: the POC is a stakeholder of the joint plan's
    # other member.
    partner = MembershipFactory(user=tenant.poc, role=Role.STAKEHOLDER)
    TermFactory(jurisdiction=partner.jurisdiction)
    plan = ready_plan(tenant.jurisdiction, partner.jurisdiction, commitments=2)
    submit_plan(actor=tenant.poc, plan=plan, today=SUBMITTED)
    proposal = propose(tenant, first(plan))
    before = snapshot()
    assert refusal(approve_change_proposal, actor=tenant.poc, proposal=proposal) == (
        "You proposed this change: another civil-society stakeholder of the jurisdiction "
        "approves it."
    )
    assert snapshot() == before
    approve_change_proposal(actor=tenant.stakeholder, proposal=proposal, today=PROPOSED)


def test_a_decided_proposal_is_not_decided_again(tenant: Tenant) -> None:
    commitment = first(submitted_plan(tenant))
    proposal = propose(tenant, commitment)
    approve_change_proposal(actor=tenant.stakeholder, proposal=proposal, today=PROPOSED)
    before = snapshot()
    message = "This proposed change was already approved on 2026-08-01."
    assert refusal(approve_change_proposal, actor=tenant.stakeholder, proposal=proposal) == message
    assert (
        refusal(reject_change_proposal, actor=tenant.stakeholder, proposal=proposal, comment="x")
        == message
    )
    assert refusal(withdraw_change_proposal, actor=tenant.poc, proposal=proposal) == message
    assert snapshot() == before
    assert CommitmentChange.objects.count() == 1


def test_a_change_that_no_longer_applies_is_refused_and_stays_pending(tenant: Tenant) -> None:
    commitment = first(submitted_plan(tenant))
    proposal = propose(tenant, commitment, title="Renamed")
    amend_commitment(
        actor=tenant.poc,
        commitment=commitment,
        content=CommitmentContent(title="Renamed"),
        approval=Approval(approver_name="Marta Ruiz", evidence="Letter of 2026-08-02"),
        today=date(2026, 8, 2),
    )
    before = snapshot()
    assert (
        refusal(approve_change_proposal, actor=tenant.stakeholder, proposal=proposal, today=LATE)
        == "Nothing was changed."
    )
    assert snapshot() == before


# --- reject and withdraw ----------------------------------------------------------------------


def test_a_stakeholder_rejects_with_a_comment(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    commitment = first(submitted_plan(tenant))
    proposal = propose(tenant, commitment)
    before = snapshot()
    assert (
        refusal(reject_change_proposal, actor=tenant.stakeholder, proposal=proposal, comment=" ")
        == "Say why the change is rejected: the Point of Contact reads it."
    )
    assert snapshot() == before
    content_before = content(commitment)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        reject_change_proposal(
            actor=tenant.stakeholder,
            proposal=proposal,
            comment="The forum did not discuss it.",
            today=LATE,
        )
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by, proposal.decided_on) == (
        ChangeProposal.State.REJECTED,
        tenant.stakeholder,
        LATE,
    )
    assert proposal.decision_comment == "The forum did not discuss it."
    assert content(commitment) == content_before
    assert CommitmentChange.objects.count() == 0
    assert [m.to for m in mail.outbox] == [[tenant.poc.email]]


def test_withdrawal_by_the_proposer_or_the_poc(tenant: Tenant, world: World) -> None:
    commitment = first(submitted_plan(tenant))
    second_officer = MembershipFactory(jurisdiction=tenant.jurisdiction, role=Role.OFFICER).user
    proposal = propose(tenant, commitment, actor=tenant.officer)
    before = snapshot()
    for who in ("stakeholder", "monitor", "staff", "outsider", "other_stakeholder", "other_poc"):
        assert refusal(withdraw_change_proposal, actor=world.people[who], proposal=proposal) == (
            NOT_PROPOSER
        ), who
    assert refusal(withdraw_change_proposal, actor=second_officer, proposal=proposal) == (
        NOT_PROPOSER
    )
    assert snapshot() == before
    withdraw_change_proposal(actor=tenant.officer, proposal=proposal, today=LATE)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.decided_by) == ("withdrawn", tenant.officer)
    proposal = propose(tenant, commitment, actor=tenant.officer)
    withdraw_change_proposal(actor=tenant.poc, proposal=proposal, today=LATE)
    assert ChangeProposal.objects.filter(state="withdrawn").count() == 2
    assert CommitmentChange.objects.count() == 0


def test_the_outside_the_portal_path_still_works(tenant: Tenant) -> None:
    commitment = first(submitted_plan(tenant))
    amend_commitment(
        actor=tenant.poc,
        commitment=commitment,
        content=CommitmentContent(title="Renamed"),
        approval=Approval(approver_name="Marta Ruiz", evidence="Forum minutes"),
        today=PROPOSED,
    )
    change = CommitmentChange.objects.get()
    assert (change.approved_by, change.approver_name) == (None, "Marta Ruiz")


# --- Pages ---------------------------------------------------------------------------------------


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.status_code
    html = response.content
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    return html.decode()


def paths(plan: ActionPlan, commitment: Commitment, proposal: ChangeProposal) -> dict[str, str]:
    base = f"/w/villa-example/plans/{plan.pk}/commitments/{commitment.pk}"
    return {
        "detail": f"{base}/",
        "propose": f"{base}/propose/",
        "approve": f"{base}/proposals/{proposal.pk}/approve/",
        "reject": f"{base}/proposals/{proposal.pk}/reject/",
        "withdraw": f"{base}/proposals/{proposal.pk}/withdraw/",
    }


SEES_PROPOSAL = {"poc", "officer", "stakeholder", "staff"}


@time_machine.travel(PAGE_DAY, tick=False)
@pytest.mark.parametrize(
    "who",
    [
        "poc",
        "officer",
        "stakeholder",
        "monitor",
        "staff",
        "outsider",
        "other_stakeholder",
        "anonymous",
    ],
)
def test_commitment_page_by_role(tenant: Tenant, world: World, who: str) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    proposal = propose(tenant, commitment, title="Open contracting, all agencies")
    urls = paths(plan, commitment, proposal)
    client = world.client(who)
    response = client.get(urls["detail"])
    if who == "anonymous":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
        return
    if who in {"outsider", "other_stakeholder"}:
        assert response.status_code == 404
        return
    html = page(client, urls["detail"])
    shown = "A change waits for a stakeholder's approval" in html
    assert shown == (who in SEES_PROPOSAL)
    if shown:
        assert "Open contracting, all agencies" in html
        assert commitment.title in html  # now and as proposed
    assert ('action="' + urls["approve"] + '"' in html) == (who == "stakeholder")
    assert ('action="' + urls["reject"] + '"' in html) == (who == "stakeholder")
    assert ('action="' + urls["withdraw"] + '"' in html) == (who == "poc")
    assert ("Propose a change" in html) is False  # one is already pending


@time_machine.travel(PAGE_DAY, tick=False)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("poc", 302),
        ("officer", 302),
        ("stakeholder", 404),
        ("monitor", 404),
        ("staff", 404),
        ("outsider", 404),
        ("other_poc", 404),
        ("anonymous", 302),
    ],
)
def test_propose_page_by_role(tenant: Tenant, world: World, who: str, expected: int) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    client = world.client(who)
    path = f"/w/villa-example/plans/{plan.pk}/commitments/{commitment.pk}/propose/"
    data = {
        "c-title": "Open contracting, all agencies",
        "c-problem": commitment.problem,
        "c-actions": commitment.actions,
        "c-lead_agency": commitment.lead_agency,
        "c-starts_on": commitment.starts_on.isoformat(),
        "c-ends_on": commitment.ends_on.isoformat(),
        "m-TOTAL_FORMS": "0",
        "m-INITIAL_FORMS": "0",
        "r-summary": "All agencies join.",
    }
    response = client.post(path, data)
    assert response.status_code == expected
    if who in {"poc", "officer"}:
        proposal = ChangeProposal.objects.get()
        assert proposal.content == {"title": "Open contracting, all agencies"}
        assert proposal.summary == "All agencies join."
    else:
        if who == "anonymous":
            assert "/accounts/login/" in response["Location"]
        assert not ChangeProposal.objects.exists()
    assert content(commitment)[0] != "Open contracting, all agencies"


@time_machine.travel(PAGE_DAY, tick=False)
def test_propose_form_keeps_what_was_typed_on_an_error(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    client = client_for(tenant.officer)
    path = f"/w/villa-example/plans/{plan.pk}/commitments/{commitment.pk}/propose/"
    html = page(client, path)
    assert "The change window of this commitment closes on 20 November 2026" in html
    assert "Propose the change" in html
    response = client.post(
        path,
        {
            "c-title": "A title typed here",
            "c-starts_on": "2026-07-01",
            "c-ends_on": "2028-01-31",
            "m-TOTAL_FORMS": "0",
            "m-INITIAL_FORMS": "0",
            "r-summary": "Longer.",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "There is a problem" in html
    assert "after the plan ends (2027-12-31)" in html
    assert "A title typed here" in html
    assert not ChangeProposal.objects.exists()


@time_machine.travel(PAGE_DAY, tick=False)
@pytest.mark.parametrize(
    ("who", "expected"),
    [
        ("stakeholder", 302),
        ("poc", 404),
        ("officer", 404),
        ("monitor", 404),
        ("staff", 404),
        ("outsider", 404),
        ("other_stakeholder", 404),
        ("anonymous", 302),
    ],
)
@pytest.mark.parametrize("decision", ["approve", "reject"])
def test_approve_and_reject_buttons_by_role(
    tenant: Tenant, world: World, who: str, expected: int, decision: str
) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    proposal = propose(tenant, commitment, title="Open contracting, all agencies")
    urls = paths(plan, commitment, proposal)
    before = snapshot()
    prefix = "a" if decision == "approve" else "j"
    response = world.client(who).post(urls[decision], {f"{prefix}-comment": "Seen."})
    assert response.status_code == expected
    proposal.refresh_from_db()
    if who == "stakeholder":
        assert response["Location"] == urls["detail"]
        assert proposal.state == ("approved" if decision == "approve" else "rejected")
        assert (content(commitment)[0] == "Open contracting, all agencies") == (
            decision == "approve"
        )
    else:
        assert snapshot() == before


@time_machine.travel(PAGE_DAY, tick=False)
def test_reject_without_a_comment_shows_the_error_summary(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    proposal = propose(tenant, commitment)
    before = snapshot()
    response = client_for(tenant.stakeholder).post(
        paths(plan, commitment, proposal)["reject"], {"j-comment": ""}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'class="error-summary"' in html
    assert 'href="#id_j-comment"' in html
    assert snapshot() == before


@time_machine.travel(datetime(2026, 11, 21, 15, 0, tzinfo=UTC), tick=False)
def test_after_the_window_the_page_offers_no_approval(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    proposal = propose(tenant, commitment, today=WINDOW_CLOSES)
    urls = paths(plan, commitment, proposal)
    client = client_for(tenant.stakeholder)
    html = page(client, urls["detail"])
    assert "this change can no longer be approved" in html
    assert urls["approve"] not in html
    before = snapshot()
    response = client.post(urls["approve"], {"a-comment": ""})
    assert response.status_code == 400
    assert CLOSED_MEANWHILE in response.content.decode().replace("&#x27;", "'")
    assert snapshot() == before
    assert "waits for your approval" not in page(client, "/w/villa-example/")


@time_machine.travel(PAGE_DAY, tick=False)
def test_withdraw_button(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    proposal = propose(tenant, commitment, actor=tenant.officer)
    urls = paths(plan, commitment, proposal)
    assert client_for(tenant.stakeholder).post(urls["withdraw"]).status_code == 404
    assert client_for(tenant.officer).post(urls["withdraw"]).status_code == 302
    assert ChangeProposal.objects.get().state == "withdrawn"


@time_machine.travel(PAGE_DAY, tick=False)
def test_decisions_need_the_csrf_token(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    proposal = propose(tenant, commitment)
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.stakeholder)
    response = client.post(paths(plan, commitment, proposal)["approve"], {"a-comment": ""})
    assert response.status_code == 403
    assert ChangeProposal.objects.get().state == "pending"


@time_machine.travel(PAGE_DAY, tick=False)
def test_workspace_home_lists_pending_proposals_for_stakeholders(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    propose(tenant, commitment)
    item = f"A change of “{commitment.title}” waits for your approval."
    detail = f"/w/villa-example/plans/{plan.pk}/commitments/{commitment.pk}/"
    html = page(client_for(tenant.stakeholder), "/w/villa-example/")
    assert item in html
    assert f'href="{detail}"' in html
    assert item not in page(client_for(tenant.poc), "/w/villa-example/")


@time_machine.travel(PAGE_DAY, tick=False)
def test_proposal_page_flow_poc_proposes_stakeholder_approves(
    tenant: Tenant, django_capture_on_commit_callbacks: Any
) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    detail = f"/w/villa-example/plans/{plan.pk}/commitments/{commitment.pk}/"
    poc = client_for(tenant.poc)
    html = page(poc, detail)
    assert "Propose a change" in html
    assert "Record a change approved outside the portal" in html
    proposal = propose(tenant, commitment, ends_on=date(2027, 9, 30))
    html = page(client_for(tenant.stakeholder), detail)
    assert "30 June 2027" in html
    assert "30 September 2027" in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(tenant.stakeholder).post(
            paths(plan, commitment, proposal)["approve"], {"a-comment": ""}
        )
    assert response.status_code == 302
    html = page(poc, detail)
    assert "(in the portal)" in html
    assert "Proposed changes" in html
    assert content(commitment)[8] == date(2027, 9, 30)


# --- Two approvals at once (PostgreSQL row locks) -------------------------------------------


@pytest.mark.services
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_approvals_at_once_apply_the_change_once(tenant: Tenant) -> None:
    plan = submitted_plan(tenant)
    commitment = first(plan)
    second = MembershipFactory(jurisdiction=tenant.jurisdiction, role=Role.STAKEHOLDER).user
    proposal = propose(tenant, commitment, title="Approved once")
    barrier = threading.Barrier(2)
    results: list[Any] = []
    refusals: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def approve(actor: User) -> None:
        try:
            barrier.wait(timeout=10)
            try:
                done = approve_change_proposal(actor=actor, proposal=proposal, today=LATE)
            except ActionRefused as refused:
                with lock:
                    refusals.append(refused.message)
            else:
                with lock:
                    results.append(done)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(actor,)) for actor in (tenant.stakeholder, second)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(results) == 1
    assert refusals == ["This proposed change was already approved on 2026-09-01."]
    assert CommitmentChange.objects.filter(commitment=commitment).count() == 1
    assert ChangeProposal.objects.get().state == "approved"
    assert Commitment.objects.get(pk=commitment.pk).title == "Approved once"

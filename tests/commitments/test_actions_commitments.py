"""Business actions on commitments: drafting, adding to a submitted plan under the open cap,
changes within the window, completion and withdrawal (docs/rules.md §3.1)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core import mail

from action_plans.models import ActionPlan
from assessments.models import Assessment
from commitments.changes import Approval, amend_commitment, change_window_closes, set_policy_areas
from commitments.completion import complete_commitment, decide_withdrawal, request_withdrawal
from commitments.content import CommitmentContent, MilestoneInput
from commitments.models import Commitment, CommitmentChange
from commitments.services import (
    add_commitment_to_submitted_plan,
    commitment_slots,
    create_commitment,
)
from members.models import User
from ogplocal.history import KEEP
from tests.conftest import Tenant, World, refusal
from tests.factories import (
    AssessmentFactory,
    JurisdictionFactory,
    MeetingFactory,
    TermFactory,
    ready_plan,
    submitted_plan,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("policy_areas")]


WINDOW_CLOSES = date(2026, 11, 20)  # 6 months after the submission
LATER = date(2026, 9, 1)

NOT_EDITOR = "Only the plan's Point of Contact or government officers may change its commitments."
CAP_REFUSAL = (
    "The plan already has 5 open commitments, the most a plan may have at once. A slot frees "
    "when a commitment is withdrawn, or completed and assessed."
)
FROZEN = (
    "The change window of this commitment closed on 2026-11-20: its content is frozen. Progress "
    "is still reported every quarter; a commitment that can no longer be delivered is withdrawn, "
    "with the Support Unit's approval."
)


def co_creation(plan: ActionPlan, held_on: date = date(2026, 8, 15)) -> Any:
    return MeetingFactory(plan=plan, held_on=held_on)


def add(tenant: Tenant, plan: ActionPlan, ref: str, **kwargs: Any) -> Commitment:
    held_on = kwargs.pop("held_on", LATER)
    if "co_creation_meeting" not in kwargs:
        kwargs["co_creation_meeting"] = co_creation(plan, held_on)
    kwargs.setdefault("today", LATER)
    return add_commitment_to_submitted_plan(
        actor=kwargs.pop("actor", tenant.poc),
        plan=plan,
        ref=f"added-{ref}",
        content=CommitmentContent(
            title=f"Added {ref}",
            starts_on=date(2026, 9, 1),
            ends_on=kwargs.pop("ends_on", date(2027, 6, 30)),
        ),
        **kwargs,
    )


# --- CommitmentContent: the one value every commitment action takes ---------------------------


def test_content_keeps_what_is_not_given_and_strips_text() -> None:
    content = CommitmentContent(
        title="  Open budgets ", problem="", policy_areas=["open_data"], milestones=[]
    )
    assert (content.title, content.problem, content.status_quo) == ("Open budgets", "", KEEP)
    assert (content.starts_on, content.ends_on) == (KEEP, KEEP)
    assert (content.policy_areas, content.milestones) == (("open_data",), ())


def test_content_from_a_form_an_api_request_and_a_stored_proposal() -> None:
    given = CommitmentContent.from_data(
        {
            "ref": "c1",  # not content: left out
            "title": "T",
            "ends_on": date(2027, 6, 30),
            "milestones": [{"title": "M", "due_on": date(2027, 1, 31)}, MilestoneInput("N")],
        }
    )
    assert given == CommitmentContent(
        title="T",
        ends_on=date(2027, 6, 30),
        milestones=[MilestoneInput("M", date(2027, 1, 31)), MilestoneInput("N")],
    )
    stored = {
        "ends_on": "2027-06-30",
        "policy_areas": ["youth"],
        "milestones": [{"id": 7, "title": "M", "due_on": "2027-01-31", "done_on": None}],
    }
    assert CommitmentContent.from_json(stored) == CommitmentContent(
        ends_on=date(2027, 6, 30),
        policy_areas=["youth"],
        milestones=[MilestoneInput("M", date(2027, 1, 31), id=7)],
    )


def test_content_changes_are_the_columns_given_with_another_value() -> None:
    commitment = Commitment(
        title="T", problem="P", starts_on=date(2026, 7, 1), ends_on=date(2027, 6, 30)
    )
    content = CommitmentContent(title="T", problem="Q", ends_on=date(2027, 9, 30))
    assert content.column_changes(commitment) == {
        "problem": ("P", "Q"),
        "ends_on": (date(2027, 6, 30), date(2027, 9, 30)),
    }


def test_a_new_commitment_is_given_its_dates(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=0)
    with pytest.raises(TypeError):
        create_commitment(
            actor=tenant.poc, plan=plan, ref="c1", content=CommitmentContent(title="T")
        )
    assert not Commitment.objects.exists()


# --- create_commitment -------------------------------------------------------------------


@pytest.mark.parametrize("role", ["poc", "officer"])
def test_poc_and_officer_draft_commitments(tenant: Tenant, role: str) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=0)
    actor = getattr(tenant, role)
    commitment = create_commitment(
        actor=actor,
        plan=plan,
        ref="c1",
        content=CommitmentContent(
            title=" Open budgets ",
            starts_on=date(2026, 7, 1),
            ends_on=date(2027, 6, 30),
            policy_areas=["fiscal_openness", "open_data"],
            milestones=[MilestoneInput("Publish the budget", date(2026, 12, 1))],
        ),
    )
    assert commitment.title == "Open budgets"
    assert commitment.added_on is None
    assert sorted(commitment.policy_areas.values_list("code", flat=True)) == [
        "fiscal_openness",
        "open_data",
    ]
    assert commitment.milestones.get().title == "Publish the budget"
    assert commitment.history.earliest().history_user == actor


@pytest.mark.parametrize("role", ["stakeholder", "monitor", "staff", "outsider", "other_poc"])
def test_others_do_not_draft_commitments(tenant: Tenant, world: World, role: str) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=0)
    actor = world.people[role]
    assert (
        refusal(
            create_commitment,
            actor=actor,
            plan=plan,
            ref="c1",
            content=CommitmentContent(
                title="T", starts_on=date(2026, 7, 1), ends_on=date(2027, 6, 30)
            ),
        )
        == NOT_EDITOR
    )
    assert not Commitment.objects.exists()


def test_draft_commitment_refusals(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=0)
    kwargs = {"actor": tenant.poc, "plan": plan, "ref": "c1"}
    given: dict[str, Any] = {"title": "T", "starts_on": date(2026, 7, 1)}
    assert (
        refusal(
            create_commitment,
            content=CommitmentContent(ends_on=date(2028, 1, 1), **given),
            **kwargs,
        )
        == "The commitment ends on 2028-01-01, after the plan ends (2027-12-31)."
    )
    assert (
        refusal(
            create_commitment,
            content=CommitmentContent(
                ends_on=date(2027, 1, 1), policy_areas=["nonsense", "health"], **given
            ),
            **kwargs,
        )
        == "Unknown policy area(s): nonsense."
    )
    assert not Commitment.objects.exists()
    content = CommitmentContent(ends_on=date(2027, 1, 1), **given)
    create_commitment(content=content, **kwargs)
    assert (
        refusal(create_commitment, content=content, **kwargs)
        == "This plan already has a commitment with the reference c1."
    )


def test_a_submitted_plan_takes_no_drafted_commitment(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=3)
    assert refusal(
        create_commitment,
        actor=tenant.poc,
        plan=plan,
        ref="c9",
        content=CommitmentContent(title="T", starts_on=date(2026, 7, 1), ends_on=date(2027, 1, 1)),
    ) == (
        "The plan was submitted on 2026-05-20; a commitment is added to it with the record of "
        "its co-creation, while a slot is free."
    )


# --- add_commitment_to_submitted_plan: the open cap -----------------------------------------


def test_fifth_is_added_and_sixth_refused(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=4)
    fifth = add(tenant, plan, "c5")
    assert fifth.added_on == LATER
    assert fifth.history.first().history_user == tenant.poc
    assert refusal(add, tenant=tenant, plan=plan, ref="c6", held_on=date(2026, 8, 20)) == (
        CAP_REFUSAL
    )
    assert plan.commitments.count() == 5


def test_slot_freed_by_withdrawal(tenant: Tenant, staff: User) -> None:
    plan = submitted_plan(tenant, commitments=5)
    assert refusal(add, tenant=tenant, plan=plan, ref="c6") == CAP_REFUSAL
    first = plan.commitments.earliest("pk")
    request_withdrawal(actor=tenant.poc, commitment=first, reason="The law changed.")
    assert refusal(add, tenant=tenant, plan=plan, ref="c6", held_on=date(2026, 8, 2)) == (
        CAP_REFUSAL
    )  # a request frees nothing
    decide_withdrawal(actor=staff, commitment=first, approve=True, today=LATER)
    first.refresh_from_db()
    assert (first.withdrawn_on, first.withdrawal_approved_by) == (LATER, staff)
    assert add(tenant, plan, "c6", held_on=date(2026, 8, 3)).added_on == LATER


def test_slot_freed_by_completion_and_assessment(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=5)
    first = plan.commitments.first()
    complete_commitment(
        actor=tenant.officer, commitment=first, completed_on=date(2026, 8, 1), today=LATER
    )
    # Completed but not assessed: still open.
    assert refusal(add, tenant=tenant, plan=plan, ref="c6") == CAP_REFUSAL
    AssessmentFactory(
        plan=plan, kind=Assessment.Kind.END_OF_COMMITMENT, commitment=first, submitted_on=LATER
    )
    assert add(tenant, plan, "c6", held_on=date(2026, 8, 3)).ref == "added-c6"


def test_assessment_after_today_frees_nothing_yet(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=5)
    first = plan.commitments.first()
    complete_commitment(
        actor=tenant.poc, commitment=first, completed_on=date(2026, 8, 1), today=LATER
    )
    AssessmentFactory(
        plan=plan,
        kind=Assessment.Kind.END_OF_COMMITMENT,
        commitment=first,
        submitted_on=date(2026, 9, 2),
    )
    assert refusal(add, tenant=tenant, plan=plan, ref="c6") == CAP_REFUSAL


def test_joint_plan_cap_is_twelve(tenant: Tenant) -> None:
    partner = JurisdictionFactory(slug="ciudad-socia", name="Ciudad Socia")
    TermFactory(jurisdiction=partner)
    plan = submitted_plan(tenant, partner, commitments=11)
    add(tenant, plan, "c12")
    assert refusal(add, tenant=tenant, plan=plan, ref="c13", held_on=date(2026, 8, 20)) == (
        "The plan already has 12 open commitments, the most a joint plan may have at once. A "
        "slot frees when a commitment is withdrawn, or completed and assessed."
    )


def test_added_commitment_must_end_by_the_plan_end(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=3)
    assert (
        refusal(add, tenant=tenant, plan=plan, ref="c4", ends_on=date(2028, 1, 1))
        == "The commitment ends on 2028-01-01, after the plan ends (2027-12-31)."
    )
    assert add(tenant, plan, "c4", ends_on=date(2027, 12, 31), held_on=date(2026, 8, 2))


def test_added_commitment_needs_a_record_of_co_creation(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=3)
    assert refusal(add, tenant=tenant, plan=plan, ref="c4", co_creation_meeting=None) == (
        "A commitment added to a submitted plan needs a record of its co-creation: a "
        "co-creation meeting with non-governmental participants, or a stakeholder's approval."
    )
    before_submission = plan.meetings.get()  # held 2026-04-15
    assert refusal(
        add, tenant=tenant, plan=plan, ref="c4", co_creation_meeting=before_submission
    ) == (
        "The co-creation record must be a co-creation meeting of this plan, with "
        "non-governmental participants, held on or after the plan's submission (2026-05-20)."
    )
    government_only = MeetingFactory(
        plan=plan, held_on=date(2026, 6, 1), non_governmental_participants=0
    )
    assert "The co-creation record must be" in refusal(
        add, tenant=tenant, plan=plan, ref="c4", co_creation_meeting=government_only
    )
    assert plan.commitments.count() == 3


def test_added_with_a_stakeholder_approval_records_it_and_tells_the_support_unit(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    plan = submitted_plan(tenant, commitments=3)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        commitment = add(
            tenant, plan, "c4", co_creation_meeting=None, approval=Approval(tenant.stakeholder)
        )
    change = CommitmentChange.objects.get(commitment=commitment)
    assert (change.approved_by, change.recorded_by, change.changed_on) == (
        tenant.stakeholder,
        tenant.poc,
        LATER,
    )
    assert change.summary == "Added to the submitted plan on 2026-09-01."
    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_approval_by_someone_who_is_not_a_stakeholder_refused(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    plan = submitted_plan(tenant, commitments=3)
    for approver in (tenant.officer, other_tenant.stakeholder):
        assert (
            refusal(
                add,
                tenant=tenant,
                plan=plan,
                ref="c4",
                co_creation_meeting=None,
                approval=Approval(approver),
            )
            == f"{approver} is not a civil-society stakeholder of the plan's jurisdiction."
        )
    assert plan.commitments.count() == 3


@pytest.mark.parametrize("role", ["stakeholder", "monitor", "staff", "outsider", "other_poc"])
def test_others_do_not_add_commitments(tenant: Tenant, world: World, role: str) -> None:
    plan = submitted_plan(tenant, commitments=3)
    actor = world.people[role]
    assert refusal(add, tenant=tenant, plan=plan, ref="c4", actor=actor) == NOT_EDITOR
    assert plan.commitments.count() == 3


def test_nothing_is_added_after_the_plan_ended(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=3)
    assert (
        refusal(add, tenant=tenant, plan=plan, ref="c4", today=date(2028, 1, 1))
        == "The plan ended on 2027-12-31; no commitment can be added to it."
    )


def test_the_pages_and_the_action_say_the_same_about_the_open_slots(tenant: Tenant) -> None:
    """The open-slot check is written once: the reason the pages show before anything is typed
    is the refusal the action gives."""
    plan = submitted_plan(tenant, commitments=5)
    slots = commitment_slots(plan, LATER)
    assert (slots.open_count, slots.limit, slots.free) == (5, 5, False)
    assert slots.reason == refusal(add, tenant=tenant, plan=plan, ref="c6") == CAP_REFUSAL
    ended = commitment_slots(plan, date(2028, 1, 1))
    assert ended.reason == refusal(
        add, tenant=tenant, plan=plan, ref="c6", held_on=date(2026, 8, 2), today=date(2028, 1, 1)
    )


# --- amend_commitment: the change window -------------------------------------------------------


def test_a_draft_commitment_changes_freely(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=1)
    commitment = plan.commitments.get()
    amend_commitment(
        actor=tenant.officer, commitment=commitment, content=CommitmentContent(title="Better title")
    )
    commitment.refresh_from_db()
    assert commitment.title == "Better title"
    assert not CommitmentChange.objects.exists()
    last = commitment.history.first()
    assert (last.history_user, last.history_change_reason) == (
        tenant.officer,
        "content changed: title",
    )


@pytest.mark.parametrize(("day", "allowed"), [(WINDOW_CLOSES, True), (date(2026, 11, 21), False)])
def test_change_window_day_of_and_day_after(
    tenant: Tenant, staff: User, day: date, allowed: bool, django_capture_on_commit_callbacks: Any
) -> None:
    plan = submitted_plan(tenant, commitments=1)
    commitment = plan.commitments.get()
    assert change_window_closes(commitment, plan) == WINDOW_CLOSES
    kwargs = {
        "actor": tenant.poc,
        "commitment": commitment,
        "content": CommitmentContent(ends_on=date(2027, 9, 30)),
        "approval": Approval(tenant.stakeholder),
        "today": day,
    }
    mail.outbox.clear()
    if allowed:
        with django_capture_on_commit_callbacks(execute=True):
            amend_commitment(summary="More time for the pilot.", **kwargs)
        change = CommitmentChange.objects.get()
        assert change.summary == "Changed: ends on.\nMore time for the pilot."
        assert (change.approved_by, change.changed_on) == (tenant.stakeholder, day)
        assert mail.outbox[0].to == [staff.email]
        assert "Commitment changed" in mail.outbox[0].subject
    else:
        assert refusal(amend_commitment, **kwargs) == FROZEN
        commitment.refresh_from_db()
        assert commitment.ends_on == date(2027, 6, 30)
        assert not CommitmentChange.objects.exists()
        assert mail.outbox == []


def test_window_of_a_commitment_added_later_runs_from_its_addition(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=3)
    commitment = add(tenant, plan, "c4")  # added 2026-09-01: the window closes 2027-03-01
    assert change_window_closes(commitment, plan) == date(2027, 3, 1)
    kwargs = {
        "actor": tenant.officer,
        "commitment": commitment,
        "approval": Approval(approver_name="Marta Ruiz", evidence="Minutes of 2027-02-20"),
    }
    amend_commitment(content=CommitmentContent(title="Renamed"), today=date(2027, 3, 1), **kwargs)
    assert "closed on 2027-03-01" in refusal(
        amend_commitment,
        content=CommitmentContent(title="Renamed again"),
        today=date(2027, 3, 2),
        **kwargs,
    )


def test_a_change_after_submission_needs_an_approval(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=1)
    commitment = plan.commitments.get()
    message = (
        "Record who approved the change: a stakeholder of the jurisdiction in the portal, or the "
        "name of the person who approved it outside the portal and the evidence of their approval."
    )
    kwargs = {
        "actor": tenant.poc,
        "commitment": commitment,
        "content": CommitmentContent(title="New"),
        "today": LATER,
    }
    assert refusal(amend_commitment, **kwargs) == message
    assert refusal(amend_commitment, approval=Approval(approver_name="Marta"), **kwargs) == message
    commitment.refresh_from_db()
    assert commitment.title != "New"
    amend_commitment(approval=Approval(approver_name="Marta", evidence="Signed note"), **kwargs)
    change = CommitmentChange.objects.get()
    assert (change.approved_by, change.approver_name, change.approval_evidence) == (
        None,
        "Marta",
        "Signed note",
    )


def test_nothing_changed_refused(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=1)
    commitment = plan.commitments.get()
    assert (
        refusal(
            amend_commitment,
            actor=tenant.poc,
            commitment=commitment,
            content=CommitmentContent(title=commitment.title),
            approval=Approval(tenant.stakeholder),
            today=LATER,
        )
        == "Nothing was changed."
    )


def test_policy_areas_are_set_by_code_as_a_change(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, commitments=1)
    commitment = plan.commitments.get()
    set_policy_areas(
        actor=tenant.poc,
        commitment=commitment,
        codes=["justice", "youth"],
        approval=Approval(tenant.stakeholder),
        today=LATER,
    )
    assert sorted(commitment.policy_areas.values_list("code", flat=True)) == ["justice", "youth"]
    assert CommitmentChange.objects.get().summary == "Changed: policy areas."
    assert (
        refusal(
            set_policy_areas, actor=tenant.poc, commitment=commitment, codes=["nope"], today=LATER
        )
        == "Unknown policy area(s): nope."
    )


@pytest.mark.parametrize("role", ["stakeholder", "monitor", "staff", "outsider", "other_poc"])
def test_others_do_not_amend(tenant: Tenant, world: World, role: str) -> None:
    plan = submitted_plan(tenant, commitments=1)
    commitment = plan.commitments.get()
    actor = world.people[role]
    assert (
        refusal(
            amend_commitment,
            actor=actor,
            commitment=commitment,
            content=CommitmentContent(title="Hijacked"),
            approval=Approval(tenant.stakeholder),
            today=LATER,
        )
        == NOT_EDITOR
    )
    commitment.refresh_from_db()
    assert commitment.title != "Hijacked"


# --- completion and withdrawal -----------------------------------------------------------------


def test_complete_commitment_refusals(tenant: Tenant) -> None:
    draft = ready_plan(tenant.jurisdiction, commitments=1)
    assert (
        refusal(complete_commitment, actor=tenant.poc, commitment=draft.commitments.get())
        == "A commitment of a draft plan cannot be completed yet."
    )
    plan = submitted_plan(tenant, commitments=1)
    commitment = plan.commitments.get()
    kwargs = {"actor": tenant.poc, "commitment": commitment, "today": LATER}
    assert (
        refusal(complete_commitment, completed_on=date(2026, 9, 2), **kwargs)
        == "A commitment is completed once it is done; 2026-09-02 is in the future."
    )
    assert (
        refusal(complete_commitment, completed_on=date(2026, 5, 19), **kwargs)
        == "A commitment cannot be completed before it was added (2026-05-20)."
    )
    assert (
        refusal(complete_commitment, actor=tenant.stakeholder, commitment=commitment) == NOT_EDITOR
    )
    complete_commitment(**kwargs)
    assert (
        refusal(complete_commitment, **kwargs)
        == "This commitment was already completed on 2026-09-01."
    )


@pytest.mark.parametrize("role", ["officer", "stakeholder", "monitor", "staff", "outsider"])
def test_only_the_poc_requests_a_withdrawal(tenant: Tenant, world: World, role: str) -> None:
    plan = submitted_plan(tenant, commitments=1)
    commitment = plan.commitments.get()
    actor = world.people[role]
    assert (
        refusal(request_withdrawal, actor=actor, commitment=commitment, reason="x")
        == "Only the plan's Point of Contact may ask for a commitment to be withdrawn."
    )
    commitment.refresh_from_db()
    assert commitment.withdrawal_reason == ""


@pytest.mark.parametrize("role", ["poc", "officer", "stakeholder", "monitor", "outsider"])
def test_only_the_support_unit_decides_a_withdrawal(
    tenant: Tenant, world: World, role: str
) -> None:
    plan = submitted_plan(tenant, commitments=1)
    commitment = plan.commitments.get()
    request_withdrawal(actor=tenant.poc, commitment=commitment, reason="Budget cut.")
    actor = world.people[role]
    assert (
        refusal(decide_withdrawal, actor=actor, commitment=commitment, approve=True)
        == "Only the OGP Support Unit may decide a withdrawal."
    )
    commitment.refresh_from_db()
    assert commitment.withdrawn_on is None


def test_withdrawal_request_and_decisions(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    plan = submitted_plan(tenant, commitments=2)
    first, second = plan.commitments.all()
    assert (
        refusal(decide_withdrawal, actor=staff, commitment=first, approve=True)
        == "Nobody asked for this commitment to be withdrawn."
    )
    assert (
        refusal(request_withdrawal, actor=tenant.poc, commitment=first, reason=" ")
        == "Write why the commitment is withdrawn."
    )
    request_withdrawal(actor=tenant.poc, commitment=first, reason="Budget cut.")
    assert (
        refusal(request_withdrawal, actor=tenant.poc, commitment=first, reason="Again")
        == "Its withdrawal is already waiting for the Support Unit."
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        decide_withdrawal(actor=staff, commitment=first, approve=False, comments="Try a pilot.")
    first.refresh_from_db()
    assert (first.withdrawal_reason, first.withdrawn_on) == ("", None)
    assert mail.outbox[0].to == [tenant.poc.email]
    assert first.history.filter(withdrawal_reason="Budget cut.").exists()  # kept in history
    request_withdrawal(actor=tenant.poc, commitment=second, reason="Law repealed.")
    decide_withdrawal(actor=staff, commitment=second, approve=True, today=LATER)
    assert (
        refusal(decide_withdrawal, actor=staff, commitment=second, approve=True)
        == "This commitment was already withdrawn on 2026-09-01."
    )
    assert "was withdrawn on 2026-09-01; it no longer changes." in refusal(
        amend_commitment,
        actor=tenant.poc,
        commitment=second,
        content=CommitmentContent(title="x"),
        approval=Approval(tenant.stakeholder),
        today=LATER,
    )

"""Business actions on action plans: who may, and the rules of docs/rules.md §3.1."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.utils import translation

from action_plans.models import ActionPlan, Endorsement, Meeting
from action_plans.services import (
    add_endorser_without_account,
    create_plan,
    endorse_plan,
    record_meeting,
    review_plan,
    submit_plan,
    update_plan,
)
from members.models import Jurisdiction, Term, User
from members.tenancy import Role
from ogplocal.dates import local_today
from tests.conftest import Tenant, World, client_for, count_queries, refusal
from tests.factories import (
    CommitmentFactory,
    EndorsementFactory,
    JurisdictionFactory,
    MembershipFactory,
    MonitoringBodyFactory,
    TermFactory,
    ready_plan,
)

pytestmark = pytest.mark.django_db

SUBMISSION_DAY = date(2026, 5, 20)


# --- submit_plan ---------------------------------------------------------------------------


def test_poc_submits_a_plan_with_five_commitments(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    plan = ready_plan(tenant.jurisdiction)
    with django_capture_on_commit_callbacks(execute=True):
        result = submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
    assert result.notices == []
    plan.refresh_from_db()
    assert (plan.submitted_on, plan.submitted_by) == (SUBMISSION_DAY, tenant.poc)
    assert set(plan.commitments.values_list("added_on", flat=True)) == {SUBMISSION_DAY}
    last = plan.history.first()
    assert (last.history_user, last.history_change_reason) == (tenant.poc, "plan submitted")
    commitment = plan.commitments.earliest("pk")
    assert commitment.history.first().history_user == tenant.poc
    assert [m.to for m in mail.outbox] == [[staff.email]]


def test_fewer_than_five_is_a_notice_not_a_refusal(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=3)
    result = submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
    assert result.notices == [
        "The plan has 3 commitments; the OGP Local handbook expects five. You may add more "
        "later while fewer than 5 are open."
    ]
    assert result.plan.submitted_on == SUBMISSION_DAY


@pytest.mark.parametrize(
    "role", ["officer", "stakeholder", "monitor", "staff", "outsider", "other_poc"]
)
def test_only_the_poc_submits(tenant: Tenant, world: World, role: str) -> None:
    plan = ready_plan(tenant.jurisdiction)
    history = plan.history.count()
    actor = world.people[role]
    assert (
        refusal(submit_plan, actor=actor, plan=plan, today=SUBMISSION_DAY)
        == "Only the plan's Point of Contact may submit it."
    )
    plan.refresh_from_db()
    assert plan.submitted_on is None
    assert plan.history.count() == history


def test_every_missing_requirement_is_listed(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, forum="", monitoring_body=None)
    Meeting.objects.filter(plan=plan).update(non_governmental_participants=0)
    Endorsement.objects.filter(plan=plan).update(name=" ")
    message = refusal(submit_plan, actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
    assert message == (
        "The plan cannot be submitted yet:\n"
        "- Forum is missing: The space for participation in developing and reviewing the plan "
        "is described.\n"
        "- Regularity is missing: At least one co-creation meeting with non-governmental "
        "participants was held.\n"
        "- Multi-stakeholder is missing: At least one co-creation meeting had both government "
        "and non-governmental participants.\n"
        "- Endorsement is missing: At least one non-governmental stakeholder endorsed the plan, "
        "by name.\n"
        "- Monitoring body is missing: The plan names its independent monitoring body and "
        "records that the non-governmental stakeholders endorsed it."
    )
    plan.refresh_from_db()
    assert plan.submitted_on is None


def test_monitoring_body_endorsement_is_required(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, monitoring_body_endorsed_on=None)
    assert "- Monitoring body is missing" in refusal(
        submit_plan, actor=tenant.poc, plan=plan, today=SUBMISSION_DAY
    )


def test_no_commitment_refused(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=0)
    assert refusal(submit_plan, actor=tenant.poc, plan=plan, today=SUBMISSION_DAY) == (
        "The plan cannot be submitted yet:\n- The plan has no commitments; add at least one."
    )


def test_six_commitments_refused(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=6)
    assert refusal(submit_plan, actor=tenant.poc, plan=plan, today=SUBMISSION_DAY) == (
        "The plan cannot be submitted yet:\n- The plan has 6 commitments; a plan is submitted "
        "with at most 5 (5 for a plan of one jurisdiction, 12 for a joint plan)."
    )
    assert not plan.commitments.filter(added_on__isnull=False).exists()


def joint_partner(slug: str = "ciudad-socia") -> Jurisdiction:
    partner = JurisdictionFactory(slug=slug, name="Ciudad Socia")
    TermFactory(jurisdiction=partner)
    return partner


def test_joint_plan_takes_twelve_and_refuses_thirteen(tenant: Tenant) -> None:
    partner = joint_partner()
    plan = ready_plan(tenant.jurisdiction, partner, commitments=12)
    assert submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY).notices == []
    other = ready_plan(
        tenant.jurisdiction,
        partner,
        commitments=13,
        starts_on=date(2028, 1, 1),
        ends_on=date(2028, 12, 31),
    )
    assert "The plan has 13 commitments; a plan is submitted with at most 12" in refusal(
        submit_plan, actor=tenant.poc, plan=other, today=SUBMISSION_DAY
    )


def test_commitment_ending_after_the_plan_refused(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, commitments=1)
    CommitmentFactory(plan=plan, title="Late", ends_on=date(2028, 1, 1))
    assert refusal(submit_plan, actor=tenant.poc, plan=plan, today=SUBMISSION_DAY) == (
        "The plan cannot be submitted yet:\n- The commitment “Late” ends on 2028-01-01, after "
        "the plan ends (2027-12-31)."
    )


# §3.1 "Period": the term ends 2030-01-01, so a plan ends on or before 2029-11-01.
def test_plan_ending_two_months_before_the_term_ends(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, ends_on=date(2029, 11, 1))
    assert submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY).plan.submitted_on


def test_plan_ending_one_day_later_refused(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, ends_on=date(2029, 11, 2))
    assert refusal(submit_plan, actor=tenant.poc, plan=plan, today=SUBMISSION_DAY) == (
        "The plan cannot be submitted yet:\n- Villa Example: the plan must end at least 2 months "
        "before the end of the term (the term ends on 1 January 2030, so the plan must end by "
        "1 November 2029)."
    )


@time_machine.travel(datetime(2026, 5, 20, 15, 0, tzinfo=UTC), tick=False)
def test_the_period_problem_is_told_in_the_reader_language_on_the_page_and_the_api(
    tenant: Tenant,
) -> None:
    plan = ready_plan(tenant.jurisdiction, ends_on=date(2029, 11, 2))
    client = client_for(tenant.poc)
    with translation.override("en"):  # the requests activate Spanish: not for the next tests
        page = client.get(
            f"/w/villa-example/plans/{plan.pk}/submit/", HTTP_ACCEPT_LANGUAGE="es"
        ).content.decode()
        refused = client.post(f"/api/v1/plans/{plan.pk}/submit/", HTTP_ACCEPT_LANGUAGE="es")
    assert refused.status_code == 400
    for text in (page, refused.content.decode()):
        assert "Villa Example: " in text
        assert "1 de enero de 2030" in text
        assert "1 de noviembre de 2029" in text
        assert "2030-01-01" not in text


def test_plan_starting_before_joining_refused(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction, starts_on=date(2026, 3, 9))
    assert "- Villa Example: the plan starts before the jurisdiction joined (it joined on " in (
        refusal(submit_plan, actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
    )


def without_elections(tenant: Tenant) -> Jurisdiction:
    jurisdiction = tenant.jurisdiction
    jurisdiction.has_elections = False
    jurisdiction.save()
    Term.objects.filter(jurisdiction=jurisdiction).update(kind=Term.Kind.STRATEGY)
    return jurisdiction  # strategy period 2025-12-10 to 2030-01-01


@pytest.mark.parametrize(
    ("ends_on", "accepted"),
    [
        (date(2027, 5, 31), True),  # one year less a day
        (date(2027, 5, 30), False),
        (date(2030, 5, 31), True),  # four years less a day
        (date(2030, 6, 1), False),
    ],
)
def test_no_elections_plan_lasts_one_to_four_years(
    tenant: Tenant, ends_on: date, accepted: bool
) -> None:
    without_elections(tenant)
    plan = ready_plan(tenant.jurisdiction, commitments=1, ends_on=ends_on)
    plan.commitments.update(ends_on=date(2027, 5, 1))
    if accepted:
        submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
    else:
        assert refusal(submit_plan, actor=tenant.poc, plan=plan, today=SUBMISSION_DAY) == (
            "The plan cannot be submitted yet:\n- Villa Example: the plan must match the "
            "strategy period in force or last one to four years."
        )


def test_no_elections_plan_may_equal_the_strategy_period(tenant: Tenant) -> None:
    jurisdiction = without_elections(tenant)
    Term.objects.filter(jurisdiction=jurisdiction).update(
        starts_on=date(2026, 6, 1), ends_on=date(2031, 12, 31)
    )
    plan = ready_plan(
        jurisdiction, commitments=1, starts_on=date(2026, 6, 1), ends_on=date(2031, 12, 31)
    )
    submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)


def test_joint_plan_meets_the_period_rules_for_every_member(tenant: Tenant) -> None:
    partner = joint_partner()
    Term.objects.filter(jurisdiction=partner).update(ends_on=date(2027, 12, 31))
    plan = ready_plan(tenant.jurisdiction, partner, commitments=1)
    assert refusal(submit_plan, actor=tenant.poc, plan=plan, today=SUBMISSION_DAY) == (
        "The plan cannot be submitted yet:\n- Ciudad Socia: the plan must end at least 2 months "
        "before the end of the term (the term ends on 31 December 2027, so the plan must end "
        "by 31 October 2027)."
    )


def test_a_later_plan_starts_after_the_previous_one_ends(tenant: Tenant) -> None:
    first = ready_plan(tenant.jurisdiction, commitments=1)
    submit_plan(actor=tenant.poc, plan=first, today=SUBMISSION_DAY)
    overlapping = ready_plan(
        tenant.jurisdiction, commitments=1, starts_on=date(2027, 12, 31), ends_on=date(2028, 12, 31)
    )
    assert refusal(submit_plan, actor=tenant.poc, plan=overlapping, today=date(2027, 11, 1)) == (
        "The plan cannot be submitted yet:\n- Villa Example: the plan starts before the previous "
        "plan ends (the previous plan ends on 31 December 2027)."
    )
    following = ready_plan(
        tenant.jurisdiction, commitments=1, starts_on=date(2028, 1, 1), ends_on=date(2028, 12, 31)
    )
    submit_plan(actor=tenant.poc, plan=following, today=date(2027, 11, 1))


def test_submitted_twice_refused(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction)
    submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
    assert (
        refusal(submit_plan, actor=tenant.poc, plan=plan, today=date(2026, 5, 21))
        == "This plan was already submitted on 2026-05-20."
    )


def test_a_plan_that_ended_is_not_submitted(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction)
    assert refusal(submit_plan, actor=tenant.poc, plan=plan, today=date(2028, 1, 1)) == (
        "The plan cannot be submitted yet:\n- The plan's period ended on 2027-12-31; a plan is "
        "submitted before it ends."
    )


@pytest.mark.parametrize("commitments", [1, 5])
def test_submit_plan_query_count(tenant: Tenant, commitments: int) -> None:
    """Pinned: the same number of queries for 1 and for 5 commitments."""
    plan = ready_plan(tenant.jurisdiction, commitments=commitments)
    with count_queries(16):
        submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)


def test_today_is_taken_in_the_jurisdiction_time_zone(tenant: Tenant) -> None:
    # 02:00 UTC on 21 May is still 20 May in Buenos Aires (UTC-3).
    with time_machine.travel(datetime(2026, 5, 21, 2, 0, tzinfo=UTC), tick=False):
        assert local_today(tenant.jurisdiction) == SUBMISSION_DAY
        plan = ready_plan(tenant.jurisdiction)
        assert submit_plan(actor=tenant.poc, plan=plan).plan.submitted_on == SUBMISSION_DAY


# --- create_plan, update_plan --------------------------------------------------------------


@pytest.mark.parametrize("role", ["poc", "officer"])
def test_poc_and_officer_create_a_draft(tenant: Tenant, role: str) -> None:
    actor = getattr(tenant, role)
    plan = create_plan(
        actor=actor,
        jurisdiction=tenant.jurisdiction,
        ref="2026-plan",
        starts_on=date(2026, 6, 1),
        ends_on=date(2027, 12, 31),
    )
    assert plan.submitted_on is None
    assert list(plan.jurisdictions.all()) == [tenant.jurisdiction]
    assert plan.history.earliest().history_user == actor


@pytest.mark.parametrize("role", ["stakeholder", "monitor", "staff", "outsider", "other_poc"])
def test_others_do_not_create_plans(tenant: Tenant, world: World, role: str) -> None:
    actor = world.people[role]
    assert refusal(
        create_plan,
        actor=actor,
        jurisdiction=tenant.jurisdiction,
        ref="x",
        starts_on=date(2026, 6, 1),
        ends_on=date(2027, 12, 31),
    ) == (
        "Only a Point of Contact or government officer of each jurisdiction of the plan may "
        "create it."
    )
    assert not ActionPlan.objects.exists()


def test_joint_plan_needs_a_role_in_every_jurisdiction(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    kwargs = {
        "jurisdiction": tenant.jurisdiction,
        "ref": "joint",
        "starts_on": date(2026, 6, 1),
        "ends_on": date(2027, 12, 31),
        "joint_with": [other_tenant.jurisdiction],
    }
    assert "Only a Point of Contact or government officer of each" in refusal(
        create_plan, actor=tenant.poc, **kwargs
    )
    MembershipFactory(user=tenant.poc, jurisdiction=other_tenant.jurisdiction, role=Role.OFFICER)
    plan = create_plan(actor=tenant.poc, **kwargs)
    assert set(plan.jurisdictions.all()) == {tenant.jurisdiction, other_tenant.jurisdiction}


def test_duplicate_reference_and_dates_refused(tenant: Tenant) -> None:
    kwargs = {
        "actor": tenant.poc,
        "jurisdiction": tenant.jurisdiction,
        "starts_on": date(2026, 6, 1),
        "ends_on": date(2027, 12, 31),
    }
    create_plan(ref="p", **kwargs)
    assert (
        refusal(create_plan, ref="p", **kwargs)
        == "Villa Example already has a plan with the reference p."
    )
    kwargs["ends_on"] = date(2026, 6, 1)
    assert refusal(create_plan, ref="q", **kwargs) == "The plan must end after it starts."


def test_update_a_draft_then_not_after_submission(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction)
    body = MonitoringBodyFactory()
    update_plan(actor=tenant.officer, plan=plan, forum=" New forum ", monitoring_body=body)
    plan.refresh_from_db()
    assert (plan.forum, plan.monitoring_body) == ("New forum", body)
    assert plan.vision  # untouched
    assert plan.history.first().history_change_reason == "plan edited: forum, monitoring_body"
    plan.monitoring_body = tenant.jurisdiction.monitoring_bodies.first()
    plan.save()
    submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
    assert refusal(update_plan, actor=tenant.poc, plan=plan, forum="Other") == (
        "The plan was submitted on 2026-05-20; its strategy, forum, monitoring body and period "
        "can no longer be changed."
    )


@pytest.mark.parametrize("role", ["stakeholder", "monitor", "staff", "outsider", "other_poc"])
def test_others_do_not_update(tenant: Tenant, world: World, role: str) -> None:
    plan = ready_plan(tenant.jurisdiction)
    actor = world.people[role]
    assert (
        refusal(update_plan, actor=actor, plan=plan, forum="x")
        == "Only the plan's Point of Contact or government officers may change it."
    )
    plan.refresh_from_db()
    assert plan.forum != "x"


# --- meetings and endorsements ---------------------------------------------------------------


def test_record_meeting(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction)
    meeting = record_meeting(
        actor=tenant.officer,
        plan=plan,
        held_on=date(2026, 5, 2),
        kind="implementation",
        government_participants=2,
        non_governmental_participants=3,
        today=SUBMISSION_DAY,
    )
    assert (meeting.recorded_by, meeting.history.first().history_user) == (
        tenant.officer,
        tenant.officer,
    )
    kwargs = {
        "actor": tenant.poc,
        "plan": plan,
        "kind": "implementation",
        "government_participants": 1,
        "non_governmental_participants": 1,
        "today": SUBMISSION_DAY,
    }
    assert (
        refusal(record_meeting, held_on=date(2026, 5, 2), **kwargs)
        == "This plan already has a implementation meeting on 2026-05-02."
    )
    assert (
        refusal(record_meeting, held_on=date(2026, 5, 21), **kwargs)
        == "A meeting is recorded once it was held; 2026-05-21 is in the future."
    )
    kwargs["actor"] = tenant.stakeholder
    assert (
        refusal(record_meeting, held_on=date(2026, 5, 3), **kwargs)
        == "Only the plan's Point of Contact or government officers may change it."
    )
    assert plan.meetings.count() == 2


def test_stakeholder_endorses_once(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction)
    endorsement = endorse_plan(
        actor=tenant.stakeholder, plan=plan, organisation="Red Ciudadana", today=SUBMISSION_DAY
    )
    assert (endorsement.user, endorsement.name, endorsement.endorsed_on) == (
        tenant.stakeholder,
        tenant.stakeholder.name,
        SUBMISSION_DAY,
    )
    assert (
        refusal(endorse_plan, actor=tenant.stakeholder, plan=plan)
        == "You have already endorsed this plan."
    )
    assert plan.endorsements.count() == 2


@pytest.mark.parametrize("role", ["poc", "officer", "monitor", "staff", "outsider", "other_poc"])
def test_only_stakeholders_endorse(tenant: Tenant, world: World, role: str) -> None:
    plan = ready_plan(tenant.jurisdiction)
    actor = world.people[role]
    assert (
        refusal(endorse_plan, actor=actor, plan=plan)
        == "Only a civil-society stakeholder of the plan's jurisdiction may endorse it."
    )
    assert plan.endorsements.count() == 1


def test_poc_lists_an_endorser_without_account(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction)
    endorsement = add_endorser_without_account(
        actor=tenant.poc, plan=plan, name="Luis Pérez", organisation="Vecinos Unidos"
    )
    assert endorsement.user is None
    assert (
        refusal(
            add_endorser_without_account,
            actor=tenant.officer,
            plan=plan,
            name="Luis Pérez",
            organisation="Otra",
        )
        == "Luis Pérez has already endorsed this plan."
    )
    assert (
        refusal(
            add_endorser_without_account, actor=tenant.poc, plan=plan, name="X", organisation=""
        )
        == "Write the endorser's organisation."
    )
    assert (
        refusal(
            add_endorser_without_account,
            actor=tenant.stakeholder,
            plan=plan,
            name="Y",
            organisation="Z",
        )
        == "Only the plan's Point of Contact or government officers may change it."
    )
    assert plan.endorsements.count() == 2


# --- review ----------------------------------------------------------------------------------


def test_support_unit_returns_a_plan_with_comments_changing_nothing_else(
    tenant: Tenant, staff: User, django_capture_on_commit_callbacks: Any
) -> None:
    plan = ready_plan(tenant.jurisdiction)
    assert (
        refusal(review_plan, actor=staff, plan=plan, accept=True)
        == "Only a submitted plan can be reviewed."
    )
    submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
    assert (
        refusal(review_plan, actor=staff, plan=plan, accept=False, comments=" ")
        == "Write the comments the plan is returned with."
    )
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        review_plan(
            actor=staff, plan=plan, accept=False, comments="Clarify c2.", today=date(2026, 6, 1)
        )
    plan.refresh_from_db()
    assert (plan.review, plan.review_comments, plan.reviewed_on) == (
        "returned",
        "Clarify c2.",
        date(2026, 6, 1),
    )
    assert plan.submitted_on == SUBMISSION_DAY
    assert ActionPlan.objects.restrict(None).filter(pk=plan.pk).exists()  # still public
    assert mail.outbox[0].to == [tenant.poc.email]
    assert "\n\nClarify c2.\n\n" in mail.outbox[0].body
    assert f"http://localhost:8000/w/villa-example/plans/{plan.pk}/\n" in mail.outbox[0].body
    review_plan(actor=staff, plan=plan, accept=True, today=date(2026, 6, 10))
    plan.refresh_from_db()
    assert plan.review == "accepted"


@pytest.mark.parametrize("role", ["poc", "officer", "stakeholder", "monitor", "outsider"])
def test_only_the_support_unit_reviews(tenant: Tenant, world: World, role: str) -> None:
    plan = ready_plan(tenant.jurisdiction)
    submit_plan(actor=tenant.poc, plan=plan, today=SUBMISSION_DAY)
    actor = world.people[role]
    assert (
        refusal(review_plan, actor=actor, plan=plan, accept=True)
        == "Only the OGP Support Unit may review a plan."
    )
    plan.refresh_from_db()
    assert plan.review == ""


def test_endorsement_factory_names_are_distinct(tenant: Tenant) -> None:
    plan = ready_plan(tenant.jurisdiction)
    EndorsementFactory(plan=plan)
    assert plan.endorsements.count() == 2

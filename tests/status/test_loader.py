"""The rules loader (docs/architecture.md): the facts of many members in a fixed number of
queries."""

from __future__ import annotations

from datetime import date

import pytest

from members import rules
from members.models import Jurisdiction
from portal.status.loader import LOADER_QUERIES, load_facts
from tests.conftest import count_queries
from tests.factories import (
    ActionPlanFactory,
    AssessmentFactory,
    CommitmentFactory,
    ExtensionRequestFactory,
    JurisdictionFactory,
    MeetingFactory,
    ReinstatementFactory,
    StatusOverrideFactory,
    TermFactory,
    TrackerUpdateFactory,
    VoluntaryInactivityRequestFactory,
)


def member_with_history(index: int) -> Jurisdiction:
    jurisdiction = JurisdictionFactory(name=f"Member {index}")
    TermFactory(jurisdiction=jurisdiction)
    plan = ActionPlanFactory(lead_jurisdiction=jurisdiction, submitted_on=date(2026, 6, 1))
    MeetingFactory(plan=plan)
    commitment = CommitmentFactory(plan=plan, completed_on=date(2027, 3, 31))
    TrackerUpdateFactory(commitment=commitment)
    AssessmentFactory(plan=plan)
    AssessmentFactory(
        plan=plan, kind="end_of_commitment", commitment=commitment, submitted_on=date(2027, 4, 20)
    )
    ExtensionRequestFactory(jurisdiction=jurisdiction)
    VoluntaryInactivityRequestFactory(jurisdiction=jurisdiction)
    StatusOverrideFactory(jurisdiction=jurisdiction)
    ReinstatementFactory(jurisdiction=jurisdiction)
    return jurisdiction


@pytest.mark.django_db
def test_query_count_is_the_same_for_one_and_for_fifty_members() -> None:
    first = member_with_history(0)
    with count_queries(LOADER_QUERIES):
        facts = load_facts(Jurisdiction.objects.filter(pk=first.pk))
    assert len(facts) == 1
    for index in range(1, 50):
        member_with_history(index)
    with count_queries(LOADER_QUERIES):
        facts = load_facts()
    assert len(facts) == 50
    assert all(len(item.plans[0].commitments[0].updates) == 1 for item in facts.values())
    # The number itself is pinned: a change that adds queries shows up here.
    assert LOADER_QUERIES == 12


@pytest.mark.django_db
def test_facts_map_every_record() -> None:
    lead = JurisdictionFactory(slug="lead", joined_on=date(2026, 3, 10), first_plan_deadline=None)
    partner = JurisdictionFactory(slug="partner", has_elections=False)
    TermFactory(jurisdiction=lead)
    TermFactory(jurisdiction=partner, kind="strategy", starts_on=date(2026, 1, 1))
    joint = ActionPlanFactory(
        lead_jurisdiction=lead, ref="joint", submitted_on=date(2026, 6, 1), jurisdictions=[partner]
    )
    draft = ActionPlanFactory(
        lead_jurisdiction=lead, ref="draft", starts_on=date(2028, 1, 1), ends_on=date(2028, 12, 31)
    )
    MeetingFactory(plan=draft, held_on=date(2027, 11, 1))
    MeetingFactory(plan=joint, kind="implementation", held_on=date(2026, 9, 1))
    commitment = CommitmentFactory(plan=joint, ref="c1", added_on=date(2026, 8, 1))
    TrackerUpdateFactory(commitment=commitment, quarter="2026Q3", submitted_on=date(2026, 10, 15))
    TrackerUpdateFactory(commitment=commitment, quarter="2026Q4", submitted_on=None, percent=40)
    AssessmentFactory(plan=joint, kind="inception", submitted_on=date(2026, 7, 30))
    AssessmentFactory(plan=joint, kind="final_learning_exercise", submitted_on=None)
    AssessmentFactory(
        plan=joint, kind="end_of_commitment", commitment=commitment, submitted_on=date(2027, 7, 1)
    )
    ExtensionRequestFactory(
        jurisdiction=lead,
        decision="granted",
        decided_on=date(2026, 7, 5),
        granted_until=date(2026, 9, 30),
    )
    VoluntaryInactivityRequestFactory(jurisdiction=lead)
    VoluntaryInactivityRequestFactory(
        jurisdiction=lead,
        starts_on=date(2028, 1, 1),
        ends_on=date(2028, 2, 1),
        decision="pending",
        decided_on=None,
    )
    StatusOverrideFactory(jurisdiction=lead, withdrawn_on=date(2027, 2, 10), ends_on=None)
    ReinstatementFactory(jurisdiction=lead)

    facts = load_facts()
    mine, theirs = facts[lead.pk], facts[partner.pk]
    assert mine.slug == "lead"
    assert mine.terms == (rules.Period(date(2025, 12, 10), date(2030, 1, 1)),)
    assert theirs.strategy_periods == (rules.Period(date(2026, 1, 1), date(2030, 1, 1)),)
    assert not theirs.has_elections
    # a joint plan appears, identical, under every member of it
    shared = next(plan for plan in mine.plans if plan.ref == "joint")
    assert theirs.plans == (shared,)
    assert [plan.ref for plan in mine.plans] == ["joint", "draft"]
    assert mine.plans[1].submitted_on is None
    assert mine.plans[1].meetings[0].kind is rules.MeetingKind.CO_CREATION
    assert shared.meetings == (
        rules.Meeting(date(2026, 9, 1), rules.MeetingKind.IMPLEMENTATION, 4, 7),
    )
    [only] = shared.commitments
    assert only.added_on == date(2026, 8, 1)
    # only submitted updates and assessments count
    assert only.updates == (rules.TrackerUpdate("2026Q3", date(2026, 10, 15), 20),)
    assert only.assessment_submitted_on == date(2027, 7, 1)
    assert shared.inception_assessment_submitted_on == date(2026, 7, 30)
    assert shared.final_learning_submitted_on is None
    assert mine.extension_requests == (
        rules.ExtensionRequest(
            requested_on=date(2026, 7, 1),
            decision=rules.Decision.GRANTED,
            decided_on=date(2026, 7, 5),
            granted_until=date(2026, 9, 30),
            requested_until=date(2026, 9, 30),
        ),
    )
    # approved voluntary periods: granted requests, approved on their decision day
    assert mine.voluntary_periods == (
        rules.VoluntaryInactivity(date(2027, 1, 1), date(2027, 3, 31), date(2026, 12, 10)),
    )
    assert mine.overrides == (
        rules.Override(rules.Status.PROBATION, date(2027, 2, 1), None, date(2027, 2, 10)),
    )
    assert mine.reinstatements == (rules.Reinstatement(date(2028, 1, 10)),)
    assert theirs.extension_requests == ()


@pytest.mark.django_db
def test_no_members_no_queries() -> None:
    with count_queries(0):
        assert load_facts(Jurisdiction.objects.none()) == {}
    with count_queries(1):
        assert load_facts(Jurisdiction.objects.filter(slug="nobody")) == {}

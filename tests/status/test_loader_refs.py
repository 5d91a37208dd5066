"""A member's own plan and a joint plan led by another member may share a ref (§5: a ref is
unique within its lead jurisdiction); the rules still see two distinct plans, and every page that
matches a plan to the rules' deadlines finds it under the ref the rules gave it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.test import Client

from action_plans.models import ActionPlan
from members.models import Jurisdiction
from portal.status.loader import load_facts, rules_ref, split_rules_ref
from portal.workspace.plans import plan_calendar_svg
from tests.factories import ActionPlanFactory, JurisdictionFactory

pytestmark = pytest.mark.django_db


def test_a_joint_plan_with_the_same_ref_as_an_own_plan_stays_distinct() -> None:
    lead = JurisdictionFactory(slug="lead-city")
    member = JurisdictionFactory(slug="member-town")
    ActionPlanFactory(ref="plan-1", lead_jurisdiction=member, starts_on=date(2026, 4, 1))
    ActionPlanFactory(
        ref="plan-1",
        lead_jurisdiction=lead,
        jurisdictions=[member],
        starts_on=date(2026, 6, 1),
    )
    facts = {f.slug: f for f in load_facts().values()}
    assert [p.ref for p in facts["member-town"].plans] == ["plan-1", "plan-1@lead-city"]
    assert [p.ref for p in facts["lead-city"].plans] == ["plan-1"]


TODAY = date(2026, 11, 1)


def _colliding() -> tuple[Jurisdiction, Jurisdiction, ActionPlan, ActionPlan]:
    """member-town's own plan-1, and the joint plan-1 that lead-city leads with it: both submitted,
    with assessment deadlines on different days."""
    lead = JurisdictionFactory(slug="lead-city", name="Lead City")
    member = JurisdictionFactory(slug="member-town", name="Member Town")
    own = ActionPlanFactory(
        ref="plan-1",
        lead_jurisdiction=member,
        starts_on=date(2026, 4, 1),
        ends_on=date(2027, 3, 31),
        submitted_on=date(2026, 4, 10),  # inception due 10 Jun 2026, final 31 May 2027
    )
    joint = ActionPlanFactory(
        ref="plan-1",
        lead_jurisdiction=lead,
        jurisdictions=[member],
        starts_on=date(2026, 6, 1),
        ends_on=date(2027, 12, 31),
        submitted_on=date(2026, 6, 15),  # inception due 15 Aug 2026, final 29 Feb 2028
    )
    return lead, member, own, joint


def test_rules_ref_is_the_ref_the_loader_gives_each_plan_of_each_member() -> None:
    lead, member, own, joint = _colliding()
    assert rules_ref(own, member) == "plan-1"
    assert rules_ref(joint, member) == "plan-1@lead-city"
    assert rules_ref(joint, lead) == "plan-1"
    facts = load_facts()
    for jurisdiction in (lead, member):
        refs = [plan.ref for plan in facts[jurisdiction.pk].plans]
        plans = ActionPlan.objects.filter(jurisdictions=jurisdiction).order_by("starts_on")
        assert [rules_ref(plan, jurisdiction) for plan in plans] == refs
    assert split_rules_ref("plan-1@lead-city") == ("plan-1", "lead-city")
    assert split_rules_ref("plan-1") == ("plan-1", None)


def test_the_calendar_of_a_renamed_joint_plan_keeps_its_assessment_marks() -> None:
    lead, member, own, joint = _colliding()
    svg, _overview = plan_calendar_svg(joint, member, TODAY)
    assert "Inception assessment: due 15 Aug 2026, missed" in svg
    assert "Final learning exercise: due 29 Feb 2028, due" in svg
    # ... and not those of the member's own plan with the same ref
    assert "Inception assessment: due 10 Jun 2026" not in svg
    assert "Final learning exercise: due 31 May 2027" not in svg
    # the lead's calendar of the same plan, where the ref is not renamed, shows them too
    svg, _overview = plan_calendar_svg(joint, lead, TODAY)
    assert "Inception assessment: due 15 Aug 2026, missed" in svg
    assert "Final learning exercise: due 29 Feb 2028, due" in svg
    # and the own plan's calendar keeps its own
    svg, _overview = plan_calendar_svg(own, member, TODAY)
    assert "Inception assessment: due 10 Jun 2026, missed" in svg
    assert "Inception assessment: due 15 Aug 2026" not in svg


def test_the_member_page_calendar_of_a_renamed_joint_plan_keeps_its_marks() -> None:
    _colliding()
    with time_machine.travel(datetime(2026, 11, 1, 15, 0, tzinfo=UTC), tick=False):
        html = Client().get("/members/member-town/").content.decode()
    assert "Inception assessment: due 15 Aug 2026, missed" in html
    assert "Final learning exercise: due 29 Feb 2028, due" in html
    assert "Inception assessment: due 10 Jun 2026" not in html

"""A member's own plan and a joint plan led by another member may share a ref (§5: a ref is
unique within its lead jurisdiction); the rules still see two distinct plans."""

from __future__ import annotations

from datetime import date

import pytest

from portal.status.loader import load_facts
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

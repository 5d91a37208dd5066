"""The demo members, imported through the exchange format, show every status on any day."""

from __future__ import annotations

from datetime import date

import pytest

from members.rules import evaluate
from portal.exchange.demo_data import EXPECTED_REASONS, EXPECTED_STATUSES, demo_exchange
from portal.exchange.importing import import_exchange
from portal.status.loader import load_facts

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "today",
    [date(2026, 11, 23), date(2027, 2, 28), date(2027, 6, 1), date(2028, 1, 10), date(2029, 7, 31)],
)
def test_demo_members_show_every_status(today: date) -> None:
    import_exchange(demo_exchange(today))
    evaluations = {facts.slug: evaluate(facts, today) for facts in load_facts().values()}
    assert {slug: e.status for slug, e in evaluations.items()} == EXPECTED_STATUSES
    for slug, reason in EXPECTED_REASONS.items():
        assert reason in evaluations[slug].reasons, slug


def test_demo_has_something_for_every_page() -> None:
    data = demo_exchange(date(2026, 11, 23))
    plans = [plan for j in data["jurisdictions"] for plan in j["action_plans"]]
    commitments = [c for plan in plans for c in plan["commitments"]]
    areas = {area for c in commitments for area in c["policy_areas"]}
    challenge = {
        "access_to_information", "civic_space", "media_freedom", "fiscal_openness",
        "gender_and_inclusion", "public_participation", "anti_corruption",
        "environment_and_climate", "digital_governance", "justice",
    }  # fmt: skip
    assert challenge <= areas
    assert any(plan.get("joint_with") for plan in plans)
    assert any("submitted_on" not in plan for plan in plans)  # a draft
    assert sum(len(c["updates"]) for c in commitments) > 50
    assert any(c.get("assessment") for c in commitments)
    kinds = {a["kind"] for plan in plans for a in plan["assessments"]}
    assert kinds == {"inception", "final_learning_exercise"}
    assert len({j["country"] for j in data["jurisdictions"]}) >= 8


def test_importing_the_demo_twice_changes_nothing() -> None:
    from action_plans.models import ActionPlan
    from tracker.models import TrackerUpdate

    today = date(2026, 11, 23)
    import_exchange(demo_exchange(today))
    counts = (ActionPlan.objects.count(), TrackerUpdate.objects.count())
    history = TrackerUpdate.history.count()
    import_exchange(demo_exchange(today))
    assert (ActionPlan.objects.count(), TrackerUpdate.objects.count()) == counts
    assert TrackerUpdate.history.count() == history

"""Nothing submitted is ever hard-deleted, and every change keeps who, when and what (§2)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.contrib import admin
from django.db import models, transaction
from django.db.models import ProtectedError, RestrictedError
from simple_history.models import registered_models

from action_plans.models import ActionPlan
from commitments.models import Commitment
from members.models import Jurisdiction, User
from ogplocal.records import HardDeleteRefused, SubmittedRecord
from tests.conftest import Tenant, client_for
from tests.factories import (
    ActionPlanFactory,
    AssessmentFactory,
    CommitmentFactory,
    EndorsementFactory,
    JurisdictionFactory,
    MeetingFactory,
    MilestoneFactory,
    StaffFactory,
    StatusOverrideFactory,
    TrackerUpdateFactory,
)

pytestmark = pytest.mark.django_db

SUBMITTED_MODELS = [m for m in apps.get_models() if issubclass(m, SubmittedRecord)]


def test_every_model_of_submitted_data_is_covered() -> None:
    names = {m.__name__ for m in SUBMITTED_MODELS}
    assert {
        "ActionPlan", "Meeting", "Endorsement", "LetterOfSupport", "Commitment", "Milestone",
        "CommitmentChange", "TrackerUpdate", "Assessment", "ExtensionRequest",
        "VoluntaryInactivityRequest", "StatusOverride", "Reinstatement",
    } <= names  # fmt: skip


@pytest.mark.parametrize("model", SUBMITTED_MODELS, ids=lambda m: m.__name__)
def test_submitted_models_keep_history_and_refuse_deletion(model: type) -> None:
    assert hasattr(model, "history"), f"{model.__name__} keeps no history"
    with pytest.raises(HardDeleteRefused):
        model.objects.all().delete()
    model_admin = admin.site._registry.get(model)
    assert model_admin is not None, f"{model.__name__} is not in the admin"
    assert model_admin.has_delete_permission(None) is False


def test_deleting_one_record_or_a_queryset_changes_nothing() -> None:
    update = TrackerUpdateFactory()
    meeting = MeetingFactory(plan=update.commitment.plan)
    with pytest.raises(HardDeleteRefused, match="never deleted"):
        update.delete()
    with pytest.raises(HardDeleteRefused):
        meeting.plan.meetings.all().delete()
    update.refresh_from_db()
    meeting.refresh_from_db()


def test_a_business_action_records_who_changed_what(tenant: Tenant) -> None:
    from tracker.services import correct_tracker_update, record_tracker_update

    plan = ActionPlanFactory(lead_jurisdiction=tenant.jurisdiction, submitted_on=date(2026, 6, 1))
    commitment = CommitmentFactory(plan=plan, added_on=date(2026, 6, 1))
    update = record_tracker_update(
        actor=tenant.officer,
        commitment=commitment,
        quarter="2026Q3",
        percent=10,
        narrative="Started.",
        today=date(2026, 10, 1),
    )
    correct_tracker_update(actor=tenant.poc, update=update, percent=25, today=date(2026, 10, 20))
    history = list(update.history.order_by("history_date"))
    assert [h.history_user for h in history] == [tenant.officer, tenant.poc]
    assert [h.percent for h in history] == [10, 25]
    changes = {c.field: (c.old, c.new) for c in history[1].diff_against(history[0]).changes}
    assert changes["percent"] == (10, 25)
    assert changes["recorded_by"] == (tenant.officer.pk, tenant.poc.pk)


# --- Issue 10, item 4: no code path hard-deletes a submitted record ----------------------------


@pytest.mark.parametrize("model", SUBMITTED_MODELS, ids=lambda m: m.__name__)
def test_the_raw_delete_of_the_deletion_collector_is_refused_too(model: type) -> None:
    with pytest.raises(HardDeleteRefused):
        model.objects.all()._raw_delete(using="default")


def test_every_foreign_key_of_submitted_data_protects_it() -> None:
    """Deleting what a submitted record points to never cascades into it, nor nulls the link."""
    tracked = [m for m in registered_models.values() if hasattr(m, "history")]
    for model in {*SUBMITTED_MODELS, *tracked}:
        for field in model._meta.concrete_fields:
            if field.is_relation:
                assert field.remote_field.on_delete is models.PROTECT, (
                    f"{model.__name__}.{field.name}"
                )


@pytest.fixture
def everything(tenant: Tenant, other_tenant: Tenant) -> dict[str, Any]:
    """A joint plan of two members with a record of every kind hanging off it."""
    from commitments.models import PolicyArea

    partner = JurisdictionFactory(slug="partner-only", name="Partner Only")
    plan = ActionPlanFactory(
        lead_jurisdiction=tenant.jurisdiction,
        monitoring_body=tenant.jurisdiction.monitoring_bodies.get(),
        jurisdictions=[partner],
        submitted_on=date(2026, 6, 1),
        submitted_by=tenant.poc,
    )
    commitment = CommitmentFactory(plan=plan)
    area = PolicyArea.objects.create(code="test-area", name="Test area")
    commitment.policy_areas.add(area)
    update = TrackerUpdateFactory(commitment=commitment, recorded_by=tenant.officer)
    MeetingFactory(plan=plan, recorded_by=tenant.poc)
    EndorsementFactory(plan=plan)
    MilestoneFactory(commitment=commitment)
    AssessmentFactory(plan=plan, monitoring_body=plan.monitoring_body)
    StatusOverrideFactory(jurisdiction=tenant.jurisdiction, decided_by=tenant.poc)
    return {
        "plan": plan,
        "commitment": commitment,
        "update": update,
        "area": area,
        "partner": partner,
        "tenant": tenant,
    }


def counts() -> dict[str, int]:
    return {m.__name__: m._base_manager.count() for m in SUBMITTED_MODELS} | {
        "plan members": ActionPlan.jurisdictions.through.objects.count(),
        "policy areas": Commitment.policy_areas.through.objects.count(),
    }


PARENT_DELETES: list[tuple[str, Callable[[dict[str, Any]], Any]]] = [
    ("lead jurisdiction", lambda w: w["tenant"].jurisdiction.delete()),
    ("jurisdictions in bulk", lambda w: Jurisdiction.objects.all().delete()),
    ("partner of a joint plan only", lambda w: w["partner"].delete()),
    ("partner in bulk", lambda w: Jurisdiction.objects.filter(slug="partner-only").delete()),
    ("the person who submitted", lambda w: w["tenant"].poc.delete()),
    ("every user", lambda w: User.objects.all().delete()),
    ("a policy area", lambda w: w["area"].delete()),
    ("policy areas in bulk", lambda w: w["area"].__class__.objects.all().delete()),
    ("the monitoring body", lambda w: w["plan"].monitoring_body.delete()),
    ("the plan", lambda w: w["plan"].delete()),
    ("the commitment", lambda w: w["commitment"].delete()),
]


@pytest.mark.parametrize(
    "delete", [d for _, d in PARENT_DELETES], ids=[n for n, _ in PARENT_DELETES]
)
def test_deleting_a_parent_never_deletes_submitted_records(
    everything: dict[str, Any], delete: Callable[[dict[str, Any]], Any]
) -> None:
    before = counts()
    refused = (HardDeleteRefused, ProtectedError, RestrictedError)
    with pytest.raises(refused), transaction.atomic():
        delete(everything)
    assert counts() == before


def test_a_policy_area_no_commitment_uses_can_still_be_deleted() -> None:
    from commitments.models import PolicyArea

    PolicyArea.objects.create(code="unused", name="Unused")
    PolicyArea.objects.get(code="unused").delete()
    assert not PolicyArea.objects.filter(code="unused").exists()


def test_the_admin_offers_no_delete_and_refuses_one(everything: dict[str, Any]) -> None:
    client = client_for(StaffFactory(is_superuser=True))
    update = everything["update"]
    before = counts()
    changelist = client.get("/admin/tracker/trackerupdate/")
    assert changelist.status_code == 200
    assert b'value="delete_selected"' not in changelist.content
    response = client.post(
        "/admin/tracker/trackerupdate/",
        {"action": "delete_selected", "_selected_action": [update.pk], "post": "yes"},
    )
    assert response.status_code in {200, 302}
    assert client.get(f"/admin/tracker/trackerupdate/{update.pk}/delete/").status_code == 403
    assert (
        client.post(
            f"/admin/tracker/trackerupdate/{update.pk}/delete/", {"post": "yes"}
        ).status_code
        == 403
    )
    # A policy area that commitments use is shown as protected and not deleted, one or in bulk.
    area = everything["area"]
    page = client.get(f"/admin/commitments/policyarea/{area.pk}/delete/")
    assert page.status_code == 200
    assert "1 commitments (policy areas)" in page.content.decode()
    client.post(f"/admin/commitments/policyarea/{area.pk}/delete/", {"post": "yes"})
    client.post(
        "/admin/commitments/policyarea/",
        {"action": "delete_selected", "_selected_action": [area.pk], "post": "yes"},
    )
    assert area.__class__.objects.filter(pk=area.pk).exists()
    # Nor does deleting a member or a person in the admin take their records with them.
    jurisdiction = everything["tenant"].jurisdiction
    assert client.get(f"/admin/members/jurisdiction/{jurisdiction.pk}/delete/").status_code == 403
    poc = everything["tenant"].poc
    client.post(f"/admin/members/user/{poc.pk}/delete/", {"post": "yes"})
    assert User.objects.filter(pk=poc.pk).exists()
    assert counts() == before

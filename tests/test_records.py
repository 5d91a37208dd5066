"""Nothing submitted is ever hard-deleted, and every change keeps who, when and what (§2)."""

from __future__ import annotations

from datetime import date

import pytest
from django.apps import apps
from django.contrib import admin

from ogplocal.records import HardDeleteRefused, SubmittedRecord
from tests.conftest import Tenant
from tests.factories import (
    ActionPlanFactory,
    CommitmentFactory,
    MeetingFactory,
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

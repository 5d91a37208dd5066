"""The quarter's tracker page of the jurisdiction workspace (issue 4): a draft kept with what was
typed, submitted, corrected until the quarter's deadline and frozen after it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import time_machine

from tests.conftest import Tenant, client_for, page_ok
from tests.factories import MilestoneFactory, submitted_plan
from tracker.models import TrackerUpdate


def test_tracker_draft_submit_correct_and_freeze(tenant: Tenant) -> None:
    plan = submitted_plan(tenant, recorded=False, commitments=1)
    commitment = plan.commitments.get()
    milestone = MilestoneFactory(commitment=commitment)
    client = client_for(tenant.officer)
    path = f"/w/villa-example/plans/{plan.pk}/tracker/2026Q3/"
    prefix = f"u{commitment.pk}"
    typed = {
        "commitment": commitment.pk,
        f"{prefix}-percent": "25",
        f"{prefix}-completion": "limited",
        f"{prefix}-narrative": "The standard was adopted by decree.",
        f"{prefix}-evidence_links": "https://example.org/decree",
        f"{prefix}-milestone_{milestone.pk}": "in_progress",
    }
    with time_machine.travel(datetime(2026, 10, 10, 15, tzinfo=UTC), tick=False):
        bad = client.post(
            path, {**typed, f"{prefix}-evidence_links": "not a link", "intent": "draft"}
        )
        assert bad.status_code == 400
        assert "The standard was adopted by decree." in bad.content.decode()
        assert not TrackerUpdate.objects.exists()
        assert client.post(path, {**typed, "intent": "draft"}).status_code == 302
        update = TrackerUpdate.objects.get()
        assert update.submitted_on is None
        assert update.narrative == "The standard was adopted by decree."
        assert update.milestone_states == {str(milestone.pk): "in_progress"}
        assert update.evidence_links == ["https://example.org/decree"]
        html = page_ok(client.get(path)).decode()
        assert "The standard was adopted by decree." in html
        assert "draft, not submitted" in html
        assert client.post(path, {**typed, "intent": "submit"}).status_code == 302
    with time_machine.travel(datetime(2026, 10, 20, 15, tzinfo=UTC), tick=False):
        assert (
            client.post(path, {**typed, f"{prefix}-percent": "30", "intent": "submit"}).status_code
            == 302
        )
    update.refresh_from_db()
    assert (update.percent, update.submitted_on) == (30, date(2026, 10, 10))
    with time_machine.travel(datetime(2026, 11, 2, 15, tzinfo=UTC), tick=False):
        html = page_ok(client.get(path)).decode()
        assert "Closed: the updates are frozen." in html
        assert "Save draft" not in html
        assert "History of this update" in html
        frozen = client.post(path, {**typed, f"{prefix}-percent": "90", "intent": "submit"})
        assert frozen.status_code == 400
        assert "frozen" in frozen.content.decode()
    update.refresh_from_db()
    assert update.percent == 30

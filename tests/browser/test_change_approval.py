"""docs/rules.md §3.1 "Changes" in headless Chromium: the POC proposes a change of a submitted
plan's
commitment, a civil-society stakeholder signs in and approves it from their own account, and the
change applies. Dates are relative to the day it runs: the live server's clock is real."""

from __future__ import annotations

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from commitments.models import ChangeProposal, Commitment, CommitmentChange
from ogplocal.dates import local_today
from tests.browser.conftest import screenshot, sign_in, sign_out
from tests.conftest import Tenant
from tests.factories import ready_plan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_poc_proposes_and_stakeholder_approves(live_server, page: Page, tenant: Tenant) -> None:
    base = live_server.url
    today = local_today(tenant.jurisdiction.time_zone)
    plan = ready_plan(
        tenant.jurisdiction,
        commitments=1,
        starts_on=today - timedelta(days=40),
        ends_on=today + timedelta(days=600),
    )
    plan.submitted_on = today - timedelta(days=30)
    plan.save()
    commitment = plan.commitments.get()
    Commitment.objects.filter(pk=commitment.pk).update(
        added_on=plan.submitted_on,
        starts_on=plan.starts_on,
        ends_on=today + timedelta(days=300),
    )
    new_end = today + timedelta(days=400)
    detail = f"{base}/w/villa-example/plans/{plan.pk}/commitments/{commitment.pk}/"
    page.set_default_timeout(10_000)

    # The POC proposes to give the commitment more time.
    sign_in(page, base, tenant.poc.email)
    page.goto(detail)
    page.get_by_role("link", name="Propose a change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Propose a change")
    page.get_by_label("Ends on").fill(new_end.isoformat())
    page.locator("#id_r-summary").fill("The pilot needs more time; the forum agreed.")
    page.get_by_role("button", name="Propose the change").click()
    expect(page.get_by_text("The change was proposed")).to_be_visible()
    expect(
        page.get_by_role("heading", name="A change waits for a stakeholder's approval")
    ).to_be_visible()
    sign_out(page)

    # The stakeholder finds it in "Needs your attention", reads it and approves.
    sign_in(page, base, tenant.stakeholder.email)
    page.get_by_role(
        "link", name=f"A change of “{commitment.title}” waits for your approval."
    ).click()
    expect(
        page.get_by_role("heading", name="A change waits for a stakeholder's approval")
    ).to_be_visible()
    screenshot(page, "change-approval-1-stakeholder-reads")
    page.locator("#id_a-comment").fill("Agreed at the forum.")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(page.get_by_text("You approved the change; it now applies.")).to_be_visible()
    expect(page.get_by_text("(in the portal)")).to_be_visible()
    screenshot(page, "change-approval-2-applied")

    commitment.refresh_from_db()
    assert commitment.ends_on == new_end
    assert CommitmentChange.objects.get().approved_by == tenant.stakeholder
    assert ChangeProposal.objects.get().state == ChangeProposal.State.APPROVED

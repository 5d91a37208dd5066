"""Issue 4, item 9, in headless Chromium: a POC drafts a plan with two commitments and records a
co-creation meeting, a stakeholder signs in and endorses, the POC submits, then files a quarterly
update. Dates are relative to the day it runs, as the live server's clock is the real one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import Page, expect

from action_plans.models import ActionPlan
from ogplocal.dates import local_today, quarter_of
from tests.browser.conftest import screenshot, sign_in, sign_out
from tests.conftest import Tenant
from tracker.models import TrackerUpdate

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def add_commitment(page: Page, ref: str, title: str, starts: date, ends: date) -> None:
    page.get_by_role("link", name="Add a commitment").click()
    page.get_by_label("Reference").fill(ref)
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("What will be done").fill("Publish and explain, with the forum.")
    page.get_by_label("Starts on").fill(starts.isoformat())
    page.get_by_label("Ends on").fill(ends.isoformat())
    page.get_by_label("Access to information").check()
    page.locator("#id_m-0-title").fill("First public release")
    page.locator("#id_m-0-due_on").fill((starts + timedelta(days=60)).isoformat())
    page.get_by_role("button", name="Save the commitment").click()
    expect(page.get_by_text(f"“{title}” was saved.")).to_be_visible()


def test_poc_drafts_stakeholder_endorses_poc_submits_and_reports(
    live_server, page: Page, tenant: Tenant
) -> None:
    base = live_server.url
    today = local_today(tenant.jurisdiction.time_zone)  # the jurisdiction's own today (§2)
    starts = today.replace(day=1)
    ends = starts.replace(year=starts.year + 2) - timedelta(days=1)
    body = tenant.jurisdiction.monitoring_bodies.get()
    page.set_default_timeout(10_000)

    # The POC starts a plan and writes its strategy.
    sign_in(page, base, tenant.poc.email)
    expect(page.get_by_role("heading", level=1)).to_have_text("Villa Example")
    page.get_by_role("link", name="Start your action plan.").click()
    page.get_by_label("Reference").fill("first-plan")
    page.get_by_label("Title").fill("Villa Example open government plan")
    page.get_by_label("Starts on").fill(starts.isoformat())
    page.get_by_label("Ends on").fill(ends.isoformat())
    page.get_by_role("button", name="Create the draft plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Villa Example open government plan")
    page.get_by_role("link", name="Edit strategy, forum and monitoring body").click()
    page.get_by_label("Co-creation forum").fill("The Open Government Forum: 5 offices, 8 NGOs.")
    page.get_by_label("Long-term vision").fill("A city whose decisions are open to all.")
    page.get_by_label("Principles").fill("Transparency, participation, accountability.")
    page.get_by_label("Objectives for the period").fill("Open contracts and budgets.")
    page.get_by_label("Mechanisms for engaging non-governmental stakeholders").fill(
        "Forum meetings every quarter."
    )
    page.locator("#id_monitoring_body").select_option(label=body.name)
    page.get_by_label("Stakeholders endorsed the monitoring body on").fill(today.isoformat())
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("The plan was saved.")).to_be_visible()

    # Two commitments, the first one after an error that keeps what was typed.
    page.get_by_role("link", name="Add a commitment").click()
    page.get_by_label("Reference").fill("c1")
    page.get_by_label("Title", exact=True).fill("Open contracting portal")
    page.get_by_label("Starts on").fill(starts.isoformat())
    page.get_by_label("Ends on").fill((ends + timedelta(days=90)).isoformat())
    page.get_by_role("button", name="Save the commitment").click()
    expect(page.locator(".error-summary")).to_contain_text("after the plan ends")
    expect(page.get_by_label("Title", exact=True)).to_have_value("Open contracting portal")
    screenshot(page, "workspace-commitment-error")
    page.get_by_label("Ends on").fill((starts + timedelta(days=364)).isoformat())
    page.get_by_role("button", name="Save the commitment").click()
    expect(page.get_by_text("“Open contracting portal” was saved.")).to_be_visible()
    add_commitment(page, "c2", "Participatory budgeting", starts, starts + timedelta(days=500))

    # A co-creation meeting.
    page.get_by_role("link", name="Meetings", exact=True).click()
    page.get_by_label("Held on").fill(today.isoformat())
    page.get_by_label("Kind").select_option("co_creation")
    page.get_by_label("Government participants").fill("4")
    page.get_by_label("Non-governmental participants").fill("9")
    page.get_by_label("Minutes").fill("Prioritised contracting and budgets with the forum.")
    page.get_by_role("button", name="Record the meeting").click()
    expect(page.locator(".messages")).to_contain_text("was recorded")
    page.get_by_role("link", name="Submission", exact=True).click()
    expect(page.locator(".requirement-missing")).to_have_count(1)
    expect(page.locator(".requirement-missing")).to_contain_text("Endorsement")
    screenshot(page, "workspace-submission-missing")
    sign_out(page)

    # The stakeholder endorses from their own account.
    sign_in(page, base, tenant.stakeholder.email)
    page.get_by_role("link", name="Read the draft plan and endorse it.").click()
    page.get_by_label("Your organisation").fill("Red Ciudadana")
    page.get_by_role("button", name="Endorse the plan").click()
    expect(page.get_by_text("Thank you: you endorsed the plan.")).to_be_visible()
    screenshot(page, "workspace-stakeholder-endorsed")
    sign_out(page)

    # The POC submits.
    sign_in(page, base, tenant.poc.email)
    page.get_by_role("link", name="The plan meets every requirement: submit it.").click()
    expect(page.locator(".requirement-met")).to_have_count(5)
    screenshot(page, "workspace-submission-ready")
    page.get_by_role("button", name="Submit the plan").click()
    expect(page.get_by_text("The plan was submitted on")).to_be_visible()
    screenshot(page, "workspace-plan-submitted")
    plan = ActionPlan.objects.get(ref="first-plan")
    assert plan.submitted_on is not None

    # The quarterly update: a draft keeps everything, then it is submitted.
    quarter = str(quarter_of(today))
    page.get_by_role("link", name="Quarterly tracker").first.click()
    page.get_by_role("link", name=quarter).click()
    entry = page.locator(".tracker-entry").first
    entry.get_by_label("Percent complete").fill("15")
    entry.get_by_label("Completion level").select_option("limited")
    entry.get_by_label("What happened this quarter").fill("The data standard was adopted.")
    entry.get_by_label("Evidence links").fill("https://example.org/decree")
    entry.get_by_role("button", name="Save draft").click()
    expect(page.get_by_text("draft, not submitted").first).to_be_visible()
    entry = page.locator(".tracker-entry").first
    expect(entry.get_by_label("What happened this quarter")).to_have_value(
        "The data standard was adopted."
    )
    entry.get_by_role("button", name="Submit the update").click()
    expect(page.get_by_text("was submitted.")).to_be_visible()
    screenshot(page, "workspace-tracker-quarter")
    update = TrackerUpdate.objects.get()
    assert (update.percent, update.quarter, update.submitted_on) == (15, quarter, today)

    page.goto(base + "/w/villa-example/")
    expect(page.get_by_text("15% ·")).to_be_visible()
    screenshot(page, "workspace-home")
    page.goto(base + f"/w/villa-example/plans/{plan.pk}/")
    expect(page.locator("svg.plan-calendar")).to_be_visible()
    screenshot(page, "workspace-plan-page")

    # Keyboard: the skip link first, then the page's links, without a mouse.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()

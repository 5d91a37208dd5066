"""A Support Unit member signs in with a password and an authenticator code and uses the console
in headless Chromium: the dashboard, the forecast, and a member's page after a decision."""

from __future__ import annotations

import pytest
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from playwright.sync_api import Page, expect

from commitments.models import Commitment
from members.models import User
from ogplocal.history import save_recorded
from portal.exchange.demo import load_demo
from tests.browser.conftest import screenshot
from tests.conftest import current_code
from tests.factories import PASSWORD, StaffFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def sign_in_with_totp(page: Page, url: str) -> None:
    staff = StaffFactory(email="console@example.org", name="Sofía Support", totp=False)
    secret = generate_totp_secret()
    TOTP.activate(staff, secret)
    page.goto(url + "/accounts/login/")
    page.get_by_label("Email").fill(staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url + "/accounts/2fa/authenticate/")
    page.locator("input[name=code]").fill(current_code(secret))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def test_support_unit_uses_the_console(live_server, page: Page) -> None:
    load_demo()
    # A change the Point of Contact recorded, for the change history.
    commitment = Commitment.objects.filter(plan__jurisdictions__slug="tbilisi").first()
    assert commitment is not None
    commitment.title = commitment.title + " (all districts)"
    save_recorded(
        commitment,
        User.objects.get(email="poc.tbilisi@demo.ogplocal.org"),
        "commitment changed: title",
    )

    sign_in_with_totp(page, live_server.url)
    page.goto(live_server.url + "/support/")
    expect(page.get_by_role("heading", level=1)).to_have_text("All members")
    expect(page.locator(".status-counts")).to_contain_text("inactive")
    screenshot(page, "console-dashboard")

    page.get_by_label("Status", exact=True).select_option("inactive")
    page.get_by_role("button", name="Show members").click()
    expect(page).to_have_url(
        live_server.url + "/support/?status=inactive&country=&reason=&overdue="
    )
    rows = page.locator("table.console-table tbody tr")
    expect(rows.first).to_contain_text("inactive")
    page.get_by_role("link", name="Member", exact=True).click()
    expect(page.locator('th[aria-sort="ascending"]')).to_contain_text("Member")
    screenshot(page, "console-dashboard-inactive")

    page.get_by_role("link", name="Forecast").click()
    page.get_by_role("link", name="Next 90 days").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("What will change")
    screenshot(page, "console-forecast")

    page.goto(live_server.url + "/support/members/tbilisi/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tbilisi")
    page.locator("a[href*='/review/']").first.click()
    page.get_by_label("Return it with comments").check()
    page.get_by_role("textbox", name="Comments").fill("Say who leads each milestone and by when.")
    page.get_by_role("button", name="Record the review").click()
    expect(page).to_have_url(live_server.url + "/support/members/tbilisi/")
    expect(page.locator(".messages")).to_contain_text("The review was recorded")
    expect(page.locator(".history")).to_contain_text("Say who leads each milestone")
    expect(page.locator(".history")).to_contain_text("(all districts)")
    screenshot(page, "console-member")

    # A decision without its reason is refused with the error summary, focused for the keyboard.
    page.goto(live_server.url + "/support/members/tbilisi/override/")
    page.get_by_role("button", name="Override the status").click()
    expect(page.locator(".error-summary")).to_contain_text("There is a problem")
    screenshot(page, "console-override-errors")

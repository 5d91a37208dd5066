"""A demo Point of Contact signs in and lands in their jurisdiction's workspace."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from portal.exchange.demo import DEMO_PASSWORD, load_demo
from tests.browser.conftest import screenshot

# serialized_rollback: the flush after a transactional test must not lose the seeded taxonomy.
pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_demo_poc_signs_in_and_sees_their_workspace(live_server, page: Page) -> None:
    load_demo()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_label("Email").fill("poc@demo.ogplocal.org")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".error-summary")).to_contain_text("not correct")
    screenshot(page, "sign-in-wrong-password")

    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(live_server.url + "/w/buenos-aires/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Buenos Aires")
    expect(page.get_by_text("You are Point of Contact")).to_be_visible()
    expect(page.get_by_role("link", name="Invite a person")).to_be_visible()
    screenshot(page, "poc-workspace")

    # The skip link is the first thing the keyboard reaches.
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()


def test_stakeholder_with_two_jurisdictions_switches_between_them(live_server, page: Page) -> None:
    load_demo()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("stakeholder@demo.ogplocal.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(live_server.url + "/w/buenos-aires/")
    page.get_by_label("Jurisdiction").select_option("cartagena-de-indias")
    expect(page).to_have_url(live_server.url + "/w/cartagena-de-indias/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cartagena de Indias")
    screenshot(page, "stakeholder-switcher")

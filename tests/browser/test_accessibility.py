"""axe-core (from the npm registry) in headless Chromium over every public page type and every
workspace page type: no serious or critical violation."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page

from portal.exchange.demo import DEMO_PASSWORD, load_demo
from tests.browser.conftest import screenshot

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
PUBLIC_PAGES = [
    "/",
    "/members/",
    "/members/buenos-aires/",
    "/dashboard/policy-areas/",
    "/open-data/",
    "/accounts/login/",
    "/accounts/password/reset/",
]


def workspace_pages() -> list[str]:
    """One page of each type a Point of Contact works in, on the demo's Buenos Aires."""
    from action_plans.models import ActionPlan
    from ogplocal.dates import local_today, quarter_of

    plan = ActionPlan.objects.get(lead_jurisdiction__slug="buenos-aires", ref="plan-1")
    commitment = plan.commitments.order_by("ref").first()
    assert commitment is not None
    base = f"/w/buenos-aires/plans/{plan.pk}"
    quarter = quarter_of(local_today("America/Argentina/Buenos_Aires")).preceding()
    return [
        "/w/buenos-aires/",
        "/w/buenos-aires/team/invite/",
        "/w/buenos-aires/requests/",
        "/w/buenos-aires/assessments/",
        "/w/buenos-aires/plans/new/",
        f"{base}/",
        f"{base}/meetings/",
        f"{base}/endorsements/",
        f"{base}/letter/",
        f"{base}/commitments/new/",
        f"{base}/commitments/{commitment.pk}/",
        f"{base}/commitments/{commitment.pk}/edit/",
        f"{base}/tracker/",
        f"{base}/tracker/{quarter}/",
        "/notifications/",
        "/accounts/email/",
    ]


def serious_violations(page: Page) -> list[dict[str, object]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {
            "id": violation["id"],
            "impact": violation["impact"],
            "help": violation["help"],
            "nodes": [node["target"] for node in violation["nodes"]][:5],
        }
        for violation in result["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


def sweep(page: Page, base: str, paths: list[str], prefix: str) -> dict[str, object]:
    found: dict[str, object] = {}
    for path in paths:
        response = page.goto(base + path)
        assert response is not None, path
        assert response.status == 200, path
        problems = serious_violations(page)
        if problems:
            found[path] = problems
            screenshot(page, f"axe-{prefix}-{path.strip('/').replace('/', '-') or 'home'}")
    return found


def test_no_serious_accessibility_violations(live_server, browser_context) -> None:
    load_demo()
    page = browser_context.new_page()
    found = sweep(page, live_server.url, PUBLIC_PAGES, "public")
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("Email").fill("poc@demo.ogplocal.org")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    found |= sweep(page, live_server.url, workspace_pages(), "workspace")
    monitor = browser_context.browser.new_context(bypass_csp=True).new_page()
    monitor.goto(live_server.url + "/accounts/login/")
    monitor.get_by_label("Email").fill("monitor@demo.ogplocal.org")
    monitor.get_by_label("Password").fill(DEMO_PASSWORD)
    monitor.get_by_role("button", name="Sign in").click()
    found |= sweep(monitor, live_server.url, ["/assessments/"], "monitor")
    assert not found, json.dumps(found, indent=2)

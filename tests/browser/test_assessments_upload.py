"""A monitoring body member reads the assessments due and uploads an inception assessment."""

from __future__ import annotations

import pytest
import time_machine
from playwright.sync_api import Page, expect

from assessments.models import Assessment
from tests.browser.conftest import screenshot
from tests.conftest import make_tenant
from tests.factories import MINIMAL_PDF, PASSWORD, submitted_plan

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_monitor_uploads_an_inception_assessment(live_server, page: Page, tmp_path) -> None:
    tenant = make_tenant("villa-example", "Villa Example")
    submitted_plan(tenant)
    with time_machine.travel("2026-08-01 15:00Z"):
        page.goto(live_server.url + "/accounts/login/")
        page.get_by_label("Email").fill(tenant.monitor.email)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.get_by_role("link", name="Assessments due").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Assessments due")
        expect(page.locator(".due-overdue")).to_contain_text("Inception assessment")
        screenshot(page, "assessments-due")

        page.locator(".due-overdue").get_by_role("link", name="Upload this assessment").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Inception assessment")
        screenshot(page, "assessment-upload-form")
        for radio in page.locator("input[type=radio][value=yes]").all():
            radio.check()
        for area in page.locator("textarea").all():
            area.fill("Minutes of the forum and interviews with its members.")
        report = page.get_by_label("Report")
        report.set_input_files(
            files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": b"<svg/>"}]
        )
        page.get_by_role("button", name="Submit the assessment").click()
        expect(page.locator(".error-summary")).to_contain_text("Accepted here: PDF, DOCX or ODT")
        screenshot(page, "assessment-upload-refused")
        assert not Assessment.objects.exists()

        for radio in page.locator("input[type=radio][value=yes]").all():
            radio.check()
        page.get_by_label("Report").set_input_files(
            files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": MINIMAL_PDF}]
        )
        page.get_by_role("button", name="Submit the assessment").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Assessments due")
        expect(page.get_by_text("was submitted")).to_be_visible()
        screenshot(page, "assessments-due-after-upload")
    assessment = Assessment.objects.get()
    assert assessment.findings["forum"] is True
    assert str(assessment.report.name).endswith(".pdf")

"""Headless Chromium from Debian, driven by Playwright for Python; never a downloaded browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from django.conf import settings

from tests.conftest import IN_CI
from tests.factories import PASSWORD

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "artifacts" / "screenshots"


@contextmanager
def chromium_context(monkeypatch: pytest.MonkeyPatch, **options: Any) -> Iterator[Any]:
    """A fresh headless Chromium context; Playwright runs only for the test that asks for it.

    Playwright's sync API keeps an event loop running in this thread while it is open, so it is
    started and stopped around each test: the database set-up and teardown happen outside it.
    """
    if not Path(CHROMIUM).exists():
        if IN_CI:
            pytest.fail(f"Chromium is missing at {CHROMIUM}: .ci/run installs Debian's chromium")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # The ORM calls the test makes while the loop runs are synchronous and safe. Only for these
    # tests: the deploy check refuses the variable.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        yield context
        context.close()
        browser.close()


@pytest.fixture
def page(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A page as a person's browser shows it, under the portal's Content Security Policy."""
    with chromium_context(monkeypatch) as context:
        yield context.new_page()


@pytest.fixture
def browser_context(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """A context that lets a test inject a checking script (axe-core) despite the CSP."""
    with chromium_context(monkeypatch, bypass_csp=True) as context:
        yield context


def screenshot(page: object, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


def sign_in(page: Page, base: str, email: str) -> None:
    """Sign in through the form, with the factories' password."""
    page.goto(base + "/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()

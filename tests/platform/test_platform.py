"""The platform: health check, settings from the environment, the deploy check, demo data, the base
layout and its headers."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

from members.models import Jurisdiction, Membership, User
from portal.exchange.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, load_demo
from tests.conftest import IN_CI, INLINE_SCRIPT, INLINE_STYLE, Tenant, client_for

ROOT = Path(settings.BASE_DIR)
pytestmark = pytest.mark.django_db


def test_healthz_reports_each_service() -> None:
    response = Client().get("/healthz")
    body = response.json()
    assert body["services"]["database"] == "ok"
    if settings.REDIS_URL:
        assert response.status_code == 200
        assert body["services"]["redis"] == "ok"
    else:
        assert body["services"]["redis"] == "not configured"
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


@override_settings(REDIS_URL="redis://127.0.0.1:1/0")
def test_healthz_names_a_configured_service_that_is_down() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["down"] == ["redis"]


def test_redis_is_used_when_configured() -> None:
    if not settings.REDIS_URL:
        pytest.skip("REDIS_URL is not set") if not IN_CI else pytest.fail("CI needs REDIS_URL")
    assert settings.CACHES["default"]["BACKEND"].endswith("RedisCache")
    assert settings.CELERY_BROKER_URL == settings.REDIS_URL


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "EMAIL_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_settings_pass_the_deploy_check_with_zero_findings() -> None:
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={
            "DJANGO_SETTINGS_MODULE": "ogplocal.settings.production",
            "SECRET_KEY": "k" * 20 + "-production-like-secret-value-with-50-chars",
            "ALLOWED_HOSTS": "portal.example.org",
            "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
        },
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("module", ["ogplocal.wsgi", "bench.wsgi"])
def test_the_served_application_freezes_what_it_loaded(module: str) -> None:
    """Loaded as gunicorn loads it, the application has imported its URLconf's views and moved
    every object so far out of the garbage collector's full collections (issue 11)."""
    code = (
        "import gc, sys; import " + module + " as served; "
        "print(gc.get_freeze_count(), 'portal.public.views' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ogplocal.settings.production",
            "SECRET_KEY": "k" * 20 + "-production-like-secret-value-with-50-chars",
            "ALLOWED_HOSTS": "portal.example.org",
            "EMAIL_URL": "smtp+tls://portal:secret@smtp.example.org:587",
        },
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    frozen, views_loaded = result.stdout.split()
    assert int(frozen) > 10_000
    assert views_loaded == "True"


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage(
        "check",
        env={
            "DJANGO_SETTINGS_MODULE": "ogplocal.settings.production",
            "ALLOWED_HOSTS": "x.org",
            "EMAIL_URL": "smtp://mail.example.org:25",
        },
    )
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_production_cookies_are_host_bound() -> None:
    text = (ROOT / "ogplocal/settings/production.py").read_text()
    assert 'SESSION_COOKIE_NAME = "__Host-sessionid"' in text
    assert 'CSRF_COOKIE_NAME = "__Host-csrftoken"' in text


def test_demo_data_loads_idempotently_and_every_account_signs_in() -> None:
    call_command("load_demo", verbosity=0)
    counts = (User.objects.count(), Jurisdiction.objects.count(), Membership.objects.count())
    call_command("load_demo", verbosity=0)
    assert (
        User.objects.count(),
        Jurisdiction.objects.count(),
        Membership.objects.count(),
    ) == counts
    assert counts[0] == len(DEMO_ACCOUNTS)
    for account in DEMO_ACCOUNTS:
        assert Client().login(email=account.email, password=DEMO_PASSWORD), account.email


def test_demo_covers_every_role() -> None:
    load_demo()
    assert set(Membership.objects.values_list("role", flat=True)) == {
        "poc",
        "officer",
        "stakeholder",
    }
    assert User.objects.filter(is_staff=True).exists()
    assert User.objects.filter(monitoring_bodies__isnull=False).exists()


@pytest.mark.parametrize("who", ["anonymous", "poc", "staff"])
def test_pages_are_accessible_shapes_without_inline_code(tenant: Tenant, staff, who: str) -> None:
    user = {"anonymous": None, "poc": tenant.poc, "staff": staff}[who]
    client = client_for(user)
    paths = {
        "anonymous": ["/", "/accounts/login/", "/accounts/password/reset/"],
        "poc": ["/", "/w/villa-example/", "/w/villa-example/team/invite/", "/accounts/email/"],
        "staff": ["/support/"],
    }[who]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content
        assert html.count(b"<h1") == 1, path
        assert b'<a class="skip-link" href="#main">' in html
        assert b'<main id="main"' in html
        assert b"<header" in html
        assert b"<nav" in html
        assert b"<footer" in html
        assert not INLINE_SCRIPT.search(html), path
        assert not INLINE_STYLE.search(html), path
        csp = response["Content-Security-Policy"]
        for directive in (
            "default-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "frame-ancestors 'none'",
        ):
            assert directive in csp


def test_navigation_follows_the_role(tenant: Tenant, staff) -> None:
    poc_page = client_for(tenant.poc).get("/").content
    assert b'href="/w/villa-example/"' in poc_page
    assert b"Support Unit" not in poc_page
    staff_page = client_for(staff).get("/").content
    assert b'href="/support/"' in staff_page
    anon_page = Client().get("/").content
    assert b"Sign in" in anon_page
    assert b"Sign out" not in anon_page


def test_htmx_is_served_from_the_portal_itself() -> None:
    html = Client().get("/").content.decode()
    sources = re.findall(r'<script src="([^"]+)"', html)
    assert "/static/vendor/htmx/htmx.min.js" in sources
    assert all(src.startswith("/static/") for src in sources)
    assert (ROOT / "node_modules/htmx.org/dist/htmx.min.js").exists()


def test_celery_takes_its_configuration_from_the_settings() -> None:
    from ogplocal.celery import app

    assert app.conf.broker_url == settings.CELERY_BROKER_URL == (settings.REDIS_URL or "memory://")
    assert app.conf.task_acks_late is True
    assert app.conf.task_always_eager is True  # tests run tasks in-process

"""No Docker engine runs here: docker-compose.yml is checked by reading it against the settings."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.conf import settings

from tests.conftest import compose_services

ROOT = Path(settings.BASE_DIR)
SERVICES: dict[str, Any] = compose_services()
PORTAL_SERVICES = ("web", "worker", "beat")


def variables_the_settings_read() -> set[str]:
    names: set[str] = set()
    for module in (ROOT / "ogplocal" / "settings").glob("*.py"):
        names |= set(re.findall(r'env(?:\.\w+)?\(\s*"([A-Z_]+)"', module.read_text()))
    return names


def test_the_production_shape_has_every_service() -> None:
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis", "mail"}
    assert SERVICES["db"]["image"].startswith("postgres:")
    assert SERVICES["redis"]["image"].startswith("redis:")
    assert "mailpit" in SERVICES["mail"]["image"]
    assert "gunicorn ogplocal.wsgi:application" in SERVICES["web"]["command"]
    assert SERVICES["worker"]["command"].startswith("celery -A ogplocal worker")
    assert SERVICES["beat"]["command"].startswith("celery -A ogplocal beat")


def test_portal_services_share_one_image_and_environment() -> None:
    environments = [SERVICES[name]["environment"] for name in PORTAL_SERVICES]
    assert all(environment == environments[0] for environment in environments)
    assert {SERVICES[name]["image"] for name in PORTAL_SERVICES} == {"ogplocal-portal"}
    for name in PORTAL_SERVICES:
        assert set(SERVICES[name]["depends_on"]) == {"db", "redis"}


def test_environment_matches_what_the_settings_read() -> None:
    environment = SERVICES["web"]["environment"]
    read = variables_the_settings_read()
    required = {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL", "EMAIL_URL"}
    assert required <= read
    unread = set(environment) - {"DJANGO_SETTINGS_MODULE"} - read
    assert not unread, f"compose sets variables nobody reads: {unread}"
    assert required <= set(environment)
    assert environment["DJANGO_SETTINGS_MODULE"] == "ogplocal.settings.production"
    db = SERVICES["db"]["environment"]
    assert environment["DATABASE_URL"] == (
        f"postgres://{db['POSTGRES_USER']}:{db['POSTGRES_PASSWORD']}@db:5432/{db['POSTGRES_DB']}"
    )
    assert environment["REDIS_URL"].startswith("redis://redis:6379/")
    assert environment["EMAIL_URL"].startswith("smtp://mail:")


def test_the_image_installs_the_lock_and_runs_gunicorn() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "--require-hashes -r requirements/lock.txt" in dockerfile
    assert "npm ci" in dockerfile
    assert "collectstatic" in dockerfile

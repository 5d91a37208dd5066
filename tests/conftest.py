"""What every test starts from: the seeded world (two jurisdictions with a person in every role,
the Support Unit, a person with no role), a client signed in as any of them, a fresh media
directory, and the one way to count a request's database queries.

Factories for everything else live in tests/factories.py. Under CI=true the real PostgreSQL and
Redis servers are required: a run without them fails at once instead of skipping the tests that
need them.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
import yaml
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver
from django.utils import translation

from commitments.models import PolicyArea
from commitments.taxonomy import CHALLENGE_AREAS, OTHER_AREAS
from members.models import Jurisdiction, User
from members.tenancy import Role
from ogplocal.exceptions import ActionRefused
from tests.factories import (
    MembershipFactory,
    MonitoringBodyFactory,
    MonitoringBodyMemberFactory,
    StaffFactory,
    TermFactory,
    UserFactory,
)

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"].endswith("postgresql")


def pytest_sessionstart(session: pytest.Session) -> None:
    if not IN_CI:
        return
    missing = []
    if not on_postgres():
        missing.append("DATABASE_URL pointing at PostgreSQL")
    if not settings.REDIS_URL:
        missing.append("REDIS_URL")
    if missing:
        pytest.exit(
            f"CI=true needs {' and '.join(missing)}; no test may be skipped for want of them.", 3
        )
    redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=3).ping()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests that need PostgreSQL or Redis skip locally without them, and never under CI."""
    if IN_CI:
        return
    for item in items:
        if item.get_closest_marker("services") and not (on_postgres() and settings.REDIS_URL):
            item.add_marker(
                pytest.mark.skip(reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL")
            )


@pytest.fixture(autouse=True)
def _fresh_cache() -> None:
    """Rate-limit counters and cached pages of one test never reach the next."""
    cache.clear()


@pytest.fixture(autouse=True)
def _portal_language() -> Iterator[None]:
    """The language a request activated (the locale middleware leaves it active in the thread)
    never reaches the next test: a business action called directly speaks the portal's own."""
    yield
    translation.deactivate()


# --- The seeded world -----------------------------------------------------------------------------


@dataclass
class Tenant:
    """One jurisdiction with one person in every role, and its selected monitoring body."""

    jurisdiction: Jurisdiction
    poc: User
    officer: User
    stakeholder: User
    monitor: User


def make_tenant(slug: str, name: str) -> Tenant:
    poc = MembershipFactory(jurisdiction__slug=slug, jurisdiction__name=name, role=Role.POC)
    jurisdiction = poc.jurisdiction
    TermFactory(jurisdiction=jurisdiction)
    officer = MembershipFactory(jurisdiction=jurisdiction, role=Role.OFFICER)
    stakeholder = MembershipFactory(jurisdiction=jurisdiction, role=Role.STAKEHOLDER)
    body = MonitoringBodyFactory(selected_jurisdictions=[jurisdiction])
    monitor = MonitoringBodyMemberFactory(body=body)
    return Tenant(jurisdiction, poc.user, officer.user, stakeholder.user, monitor.user)


@pytest.fixture
def tenant(db: None) -> Tenant:
    return make_tenant("villa-example", "Villa Example")


@pytest.fixture
def other_tenant(db: None) -> Tenant:
    return make_tenant("puerto-otro", "Puerto Otro")


@pytest.fixture
def staff(db: None) -> User:
    return StaffFactory()


@pytest.fixture
def outsider(db: None) -> User:
    """Signed in, with no role anywhere."""
    return UserFactory()


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


class World:
    """Everybody a test may act as: two jurisdictions, `tenant` (Villa Example) and `other`
    (Puerto Otro), each with its Point of Contact, officer, civil-society stakeholder and a member
    of its selected monitoring body; Support Unit `staff` with TOTP; an `outsider`, signed in with
    no role anywhere; and anonymous.

    `people` names each by role: poc, officer, stakeholder and monitor of the tenant; the same
    four of the other jurisdiction prefixed `other_`; staff, outsider, and anonymous (None). A test
    adds the rows it needs with tests/factories.py (ready_plan, submitted_plan, ...).
    """

    def __init__(self, tenant: Tenant, other: Tenant, staff: User, outsider: User) -> None:
        self.tenant, self.other, self.staff, self.outsider = tenant, other, staff, outsider
        self.people: dict[str, User | None] = {
            "poc": tenant.poc,
            "officer": tenant.officer,
            "stakeholder": tenant.stakeholder,
            "monitor": tenant.monitor,
            "other_poc": other.poc,
            "other_officer": other.officer,
            "other_stakeholder": other.stakeholder,
            "other_monitor": other.monitor,
            "staff": staff,
            "outsider": outsider,
            "anonymous": None,
        }

    def client(self, role: str) -> Client:
        """A browser signed in as the person of `role` (not signed in for anonymous)."""
        return client_for(self.people[role])


@pytest.fixture
def world(tenant: Tenant, other_tenant: Tenant, staff: User, outsider: User) -> World:
    """The seeded world; `tenant`, `other_tenant`, `staff` and `outsider` are its people (a module
    that overrides one of those fixtures changes the world's person too)."""
    return World(tenant, other_tenant, staff, outsider)


@pytest.fixture
def policy_areas(db: None) -> None:
    """The seeded taxonomy, even after a transactional test of another module flushed it."""
    for code, name in (*CHALLENGE_AREAS, *OTHER_AREAS):
        PolicyArea.objects.get_or_create(
            code=code, defaults={"name": name, "is_challenge_area": (code, name) in CHALLENGE_AREAS}
        )


# --- Acting, counting, uploading ------------------------------------------------------------------


def refusal(action: Callable[..., Any], **kwargs: Any) -> str:
    """The message of the ActionRefused that the business action raises."""
    with pytest.raises(ActionRefused) as caught:
        action(**kwargs)
    return caught.value.message


@contextmanager
def count_queries(expected: int | None = None) -> Iterator[CaptureQueriesContext]:
    """The database queries of the block: `len(queries)`, and `queries.captured_queries` for the
    SQL. With `expected` the number is pinned: the block must run exactly that many, and a failure
    lists them (nothing is checked when the block raises)."""
    with CaptureQueriesContext(connection) as queries:
        yield queries
    if expected is not None:
        run = "\n".join(query["sql"] for query in queries.captured_queries)
        assert len(queries) == expected, f"{len(queries)} queries, pinned {expected}:\n{run}"


@pytest.fixture
def media(tmp_path: Path) -> Iterator[Path]:
    """A fresh, empty MEDIA_ROOT for the default storage."""
    root = tmp_path / "media"
    root.mkdir()
    storages = {
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": root, "base_url": None},
        },
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(MEDIA_ROOT=root, STORAGES=storages):
        yield root


def stored(root: Path) -> list[Path]:
    """The files under `root` (the `media` directory): what an upload left behind."""
    return [path for path in root.rglob("*") if path.is_file()]


def assert_attachment(response: Any, content: bytes, content_type: str, extension: str) -> None:
    """A download answered as an attachment of `content`, its type declared, never sniffed."""
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Disposition"].rstrip('"').endswith(extension)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == content_type
    assert b"".join(response.streaming_content) == content


# --- Routes, pages, sign-in codes, the compose file -----------------------------------------------


def walk(
    patterns: list[Any], prefix: str = "", namespaces: tuple[str, ...] = ()
) -> Iterator[tuple[str, URLPattern, tuple[str, ...]]]:
    """Every route of a URL configuration: its full pattern, its view, its namespaces."""
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = namespaces + ((entry.namespace,) if entry.namespace else ())
            yield from walk(entry.url_patterns, prefix + str(entry.pattern), inner)
        else:
            yield prefix + str(entry.pattern), entry, namespaces


INLINE_SCRIPT = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(rb"<style|\sstyle=\"|\son[a-z]+=\"", re.IGNORECASE)


def page_ok(response: Any) -> bytes:
    """The HTML of a page answered 200, with one h1 and no inline script or style."""
    assert response.status_code == 200, response.status_code
    html: bytes = response.content
    assert html.count(b"<h1") == 1
    assert not INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html)
    return html


def current_code(secret: str) -> str:
    """The authenticator app's code for `secret` now."""
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


@functools.cache
def compose_services() -> dict[str, Any]:
    """The services of docker-compose.yml (no Docker engine runs here: the file is read)."""
    compose = yaml.safe_load((Path(settings.BASE_DIR) / "docker-compose.yml").read_text())
    return compose["services"]  # type: ignore[no-any-return]

"""Shared fixtures: two jurisdictions with every role each, so nothing of one may reach the other.

Under CI=true the real PostgreSQL and Redis servers are required: a run without them fails at once
instead of skipping the tests that need them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from django.test import Client

from members.models import Jurisdiction, User
from members.tenancy import Role
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
    import redis

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
    from django.core.cache import cache

    cache.clear()


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

"""Every route declares who may reach it; an undeclared route fails here (docs/architecture.md)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, get_resolver

from ogplocal.access import Policy, policy_of
from tests.conftest import walk

WALKED = list(walk(get_resolver().url_patterns))
ROUTES = [(route, pattern) for route, pattern, _ in WALKED]
POLICIES = {route: policy_of(pattern.callback, namespaces) for route, pattern, namespaces in WALKED}


def test_the_walk_finds_the_portals_routes() -> None:
    names = {pattern.name for _, pattern in ROUTES}
    assert {"home", "workspace", "invite", "healthz", "support_home", "account_login"} <= names
    assert len(ROUTES) > 50


@pytest.mark.parametrize(("route", "pattern"), ROUTES, ids=[route for route, _ in ROUTES])
def test_every_route_declares_an_access_policy(route: str, pattern: URLPattern) -> None:
    assert POLICIES[route] is not None, f"{route} declares no access policy"


def test_a_route_without_policy_is_caught() -> None:
    def undeclared(request: object) -> None: ...

    assert policy_of(undeclared) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("route", "pattern"),
    [
        (r, p)
        for r, p in ROUTES
        if POLICIES[r] in {Policy.TENANT, Policy.SIGNED_IN, Policy.SUPPORT_UNIT}
        and "<" not in r
        and not r.startswith("admin/")
        # The API answers 401 in its one error shape instead (tests/api/test_api_access.py).
        and not r.startswith("api/")
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_signed_in_routes_send_anonymous_people_to_sign_in(
    client: Any, route: str, pattern: URLPattern
) -> None:
    response = client.get("/" + route)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

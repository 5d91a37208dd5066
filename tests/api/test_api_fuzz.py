"""Schemathesis against the API's own schema, through the Django WSGI app (issue 9, item 6):
as a Point of Contact, as a monitoring body member and anonymously, zero server errors and zero
responses that break the schema. Bounded: a few examples per operation, so the run stays short."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from ogplocal.api.tokens import create_token
from ogplocal.wsgi import application
from tests.conftest import Tenant
from tests.factories import (
    AssessmentFactory,
    TrackerUpdateFactory,
    ready_plan,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES_PER_OPERATION = 5


@contextmanager
def wsgi_in_test_transaction() -> Iterator[None]:
    """Requests run inside the test's transaction, as Django's test client runs them: the
    handler must not close the connection at the start and end of each request. (The test
    client connects these signals again after each of its own requests, so this wraps the run.)"""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        with override_settings(
            API_THROTTLE_ANON="100000/minute", API_THROTTLE_USER="100000/minute"
        ):
            yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def seeded(tenant: Tenant, other_tenant: Tenant) -> Tenant:
    plan = ready_plan(tenant.jurisdiction, submitted_on=date(2026, 5, 20))
    commitment = plan.commitments.first()
    TrackerUpdateFactory(commitment=commitment, quarter="2026Q3", submitted_on=date(2026, 10, 2))
    AssessmentFactory(plan=plan, published=True)
    ready_plan(other_tenant.jurisdiction)
    return tenant


def fuzz(headers: dict[str, str]) -> list[str]:
    with wsgi_in_test_transaction():
        return run_all(headers)


def run_all(headers: dict[str, str]) -> list[str]:
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]
        strategy = operation.as_strategy(generation_mode=GenerationMode.POSITIVE)

        @given(case=strategy)
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        def run(case: Any) -> None:
            response = case.call(headers=headers)
            case.validate_response(response, checks=CHECKS)

        try:
            run()
        except (Exception, BaseExceptionGroup) as failure:  # every failure is collected
            failures.append(f"{operation.label}: {failure}")
    return failures


def bearer(user: Any) -> dict[str, str]:
    headers = {"Authorization": f"Bearer {create_token(user=user, name='fuzz')[1]}"}
    # The run is as this person, not anonymous: the token must work.
    assert Client(headers=headers).get("/api/v1/plans/").status_code == 200
    return headers


@pytest.mark.django_db
def test_fuzz_as_point_of_contact(seeded: Tenant) -> None:
    assert fuzz(bearer(seeded.poc)) == []


@pytest.mark.django_db
def test_fuzz_as_monitoring_body_member(seeded: Tenant) -> None:
    assert fuzz(bearer(seeded.monitor)) == []


@pytest.mark.django_db
def test_fuzz_anonymously(seeded: Tenant) -> None:
    assert fuzz({}) == []

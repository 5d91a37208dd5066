"""The API's platform: one error shape, throttling, conditional GET, filtering, pagination, the
schema (drf-spectacular, validated) and the docs page served from the portal under its CSP."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from tests.conftest import Tenant, client_for
from tests.factories import CommitmentFactory, TrackerUpdateFactory, ready_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(tenant: Tenant, other_tenant: Tenant) -> Tenant:
    plan = ready_plan(tenant.jurisdiction, ref="p1", submitted_on=date(2026, 5, 20))
    for commitment in plan.commitments.all()[:2]:
        TrackerUpdateFactory(commitment=commitment, quarter="2026Q3")
    ready_plan(other_tenant.jurisdiction, ref="p2", submitted_on=date(2026, 5, 20))
    return tenant


def is_error(body: object) -> bool:
    return (
        isinstance(body, dict)
        and set(body) == {"message", "errors"}
        and isinstance(body["message"], str)
        and all(isinstance(v, list) for v in body["errors"].values())
    )


def test_validation_errors_name_their_fields(tenant: Tenant) -> None:
    response = client_for(tenant.poc).post(
        "/api/v1/plans/",
        {"ref": "bad ref!", "starts_on": "someday"},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert is_error(body)
    assert {"jurisdiction", "ref", "starts_on", "ends_on"} <= set(body["errors"])


def test_a_malformed_body_is_the_one_shape(tenant: Tenant) -> None:
    response = client_for(tenant.poc).post(
        "/api/v1/plans/", "{not json", content_type="application/json"
    )
    assert response.status_code == 400
    assert is_error(response.json())


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/plans/", 401),
        ("/api/v1/plans/1/", 401),
        ("/api/v1/public/plans/999/", 404),
        ("/api/v1/nowhere/", 404),
        ("/api/v1/public/members/no-such-member/", 404),
    ],
)
def test_anonymous_errors_are_the_one_shape(path: str, status: int) -> None:
    response = Client().get(path)
    assert response.status_code == status
    assert is_error(response.json())


def test_method_not_allowed_and_forbidden_are_the_one_shape(tenant: Tenant) -> None:
    client = client_for(tenant.poc)
    assert is_error(client.delete("/api/v1/plans/").json())
    plan = ready_plan(tenant.jurisdiction, ref="d")
    refused = client_for(tenant.stakeholder).post(f"/api/v1/plans/{plan.pk}/submit/")
    assert refused.status_code == 403
    assert is_error(refused.json())


def test_throttling_answers_429_in_the_one_shape(published: Tenant) -> None:
    with override_settings(API_THROTTLE_ANON="2/minute"):
        client = Client()
        statuses = [client.get("/api/v1/public/plans/").status_code for _ in range(3)]
        assert statuses == [200, 200, 429]
        response = client.get("/api/v1/public/plans/")
        assert is_error(response.json())
        assert "Retry-After" in response


def test_conditional_get_answers_304_until_the_data_changes(published: Tenant) -> None:
    client = Client()
    first = client.get("/api/v1/public/plans/")
    etag = first["ETag"]
    assert first.status_code == 200
    assert etag.startswith('"')
    again = client.get("/api/v1/public/plans/", headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    plan = published.jurisdiction.action_plans.get(ref="p1")
    plan.title = "Renamed"
    plan.save()
    changed = client.get("/api/v1/public/plans/", headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_conditional_get_on_a_single_member(published: Tenant) -> None:
    client = Client()
    etag = client.get("/api/v1/public/members/villa-example/")["ETag"]
    response = client.get("/api/v1/public/members/villa-example/", headers={"If-None-Match": etag})
    assert response.status_code == 304


def test_filtering(published: Tenant, other_tenant: Tenant) -> None:
    client = Client()
    plans = client.get("/api/v1/public/plans/?jurisdiction=villa-example").json()
    assert [p["ref"] for p in plans["results"]] == ["p1"]
    plan_id = plans["results"][0]["id"]
    commitments = client.get(f"/api/v1/public/commitments/?plan={plan_id}").json()
    assert commitments["count"] == 5
    assert {c["plan"] for c in commitments["results"]} == {plan_id}
    updates = client.get("/api/v1/public/tracker-updates/?quarter=2026Q3").json()
    assert updates["count"] == 2
    assert client.get("/api/v1/public/tracker-updates/?quarter=2027Q1").json()["count"] == 0
    members = client.get("/api/v1/public/members/?status=active").json()
    assert all(m["status"] == "active" for m in members["results"])
    signed_in = client_for(published.poc).get("/api/v1/plans/?submitted=false").json()
    assert signed_in["count"] == 0


def test_a_bad_filter_value_is_the_one_shape(published: Tenant) -> None:
    response = Client().get("/api/v1/public/commitments/?plan=abc")
    assert response.status_code == 400
    assert "plan" in response.json()["errors"]


def test_pagination(published: Tenant) -> None:
    CommitmentFactory.create_batch(3, plan=published.jurisdiction.action_plans.get(ref="p1"))
    page = Client().get("/api/v1/public/commitments/?page_size=4").json()
    assert (page["count"], len(page["results"])) == (13, 4)
    assert "page=2" in page["next"]
    assert Client().get("/api/v1/public/commitments/?page=99").status_code == 404


def test_the_schema_validates_without_warnings(tmp_path: object) -> None:
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", f"{tmp_path}/schema.yml")


def test_the_schema_is_served_and_documents_the_error_shape() -> None:
    response = Client().get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["components"]["schemas"]["Error"]["required"] == ["message", "errors"]
    assert "apiToken" in schema["components"]["securitySchemes"]
    paths = schema["paths"]
    for path in (
        "/api/v1/plans/{id}/submit/",
        "/api/v1/assessments/{id}/report/",
        "/api/v1/public/members/{slug}/",
        "/api/v1/notifications/",
    ):
        assert path in paths
    assert "304" in paths["/api/v1/public/plans/"]["get"]["responses"]


def test_the_docs_page_runs_under_the_csp_without_inline_script() -> None:
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Content-Security-Policy" in response
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    assert scripts
    assert all('src="/static/' in attrs and not body.strip() for attrs, body in scripts)
    assert "<style" not in html
    assert "cdn" not in html.lower()
    assert 'data-schema-url="/api/schema/"' in html

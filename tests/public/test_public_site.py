"""The public site: directory, policy-area dashboard, open data, sitemap, caching; only what is
public ever appears, and each page runs a fixed number of queries."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.test import Client

from commitments.models import PolicyArea
from members.models import Jurisdiction
from tests.conftest import Tenant, client_for, count_queries
from tests.factories import (
    ActionPlanFactory,
    AssessmentFactory,
    CommitmentFactory,
    JurisdictionFactory,
    TrackerUpdateFactory,
)

pytestmark = pytest.mark.django_db


def public_plan(member: Jurisdiction, *, areas: tuple[str, ...] = ("justice",), year: int = 2026):
    """A plan of `member` submitted on 1 June of `year` (public from then on) and its one
    commitment, in the policy areas `areas`; the plan and the commitment."""
    plan = ActionPlanFactory(
        lead_jurisdiction=member,
        starts_on=date(year, 6, 1),
        ends_on=date(year + 1, 12, 31),
        submitted_on=date(year, 6, 1),
    )
    commitment = CommitmentFactory(
        plan=plan,
        starts_on=date(year, 7, 1),
        ends_on=date(year + 1, 6, 30),
        added_on=date(year, 6, 1),
    )
    commitment.policy_areas.set(PolicyArea.objects.filter(code__in=areas))
    return plan, commitment


def draft_plan(member: Jurisdiction, *, areas: tuple[str, ...] = ("media_freedom",)):
    """A draft plan of `member` and its one commitment, neither ever public."""
    plan = ActionPlanFactory(lead_jurisdiction=member, ref="draft", submitted_on=None)
    commitment = CommitmentFactory(plan=plan, title="A secret draft commitment")
    commitment.policy_areas.set(PolicyArea.objects.filter(code__in=areas))
    return plan, commitment


def test_directory_cards_say_what_a_reader_wants_first() -> None:
    member = JurisdictionFactory(name="Villa Alta", joined_on=date(2026, 3, 10), status="inactive")
    public_plan(member)
    draft_plan(JurisdictionFactory(name="Villa Baja"))
    html = Client().get("/members/").content.decode()
    assert "Villa Alta" in html
    assert "Villa Baja" in html
    assert "Joined 2026, implementing 1 commitment" in html
    assert 'class="badge badge-inactive"' in html
    assert "A secret draft commitment" not in html
    assert "Joined 2026, implementing 0 commitments" in html  # the draft counts for nothing


@pytest.mark.parametrize(("today", "implementing"), [("2027-12-31", 1), ("2028-01-01", 0)])
def test_a_plan_that_has_ended_implements_nothing(today: str, implementing: int) -> None:
    import time_machine

    public_plan(JurisdictionFactory(name="Villa Alta", joined_on=date(2026, 3, 10)))
    with time_machine.travel(today + " 12:00", tick=False):
        html = Client().get("/members/").content.decode()
    noun = "commitment" if implementing == 1 else "commitments"
    assert f"Joined 2026, implementing {implementing} {noun}" in html


def test_directory_filters_search_and_pages() -> None:
    alta = JurisdictionFactory(name="Villa Alta", country="AR", status="active")
    JurisdictionFactory(name="Tbilisi", country="GE", slug="tbilisi", status="probation")
    public_plan(alta, areas=("justice",))
    draft_plan(JurisdictionFactory(name="Draftville", country="AR"), areas=("justice",))
    client = Client()

    def names(query: str) -> list[str]:
        html = client.get("/members/?" + query).content.decode()
        return [n for n in ("Villa Alta", "Tbilisi", "Draftville") if f">{n}</a>" in html]

    assert names("status=probation") == ["Tbilisi"]
    assert names("country=ar") == ["Villa Alta", "Draftville"]
    assert names("area=justice") == ["Villa Alta"]  # a draft plan's areas do not count
    assert names("q=tbil") == ["Tbilisi"]
    JurisdictionFactory.create_batch(30, country="BR")
    first = client.get("/members/?country=BR").content.decode()
    assert "Page 1 of 2" in first
    assert 'rel="next"' in first
    assert "Page 2 of 2" in client.get("/members/?country=BR&page=2").content.decode()


@pytest.mark.parametrize("path", ["/members/", "/dashboard/policy-areas/", "/open-data/"])
def test_public_pages_run_a_fixed_number_of_queries(path: str) -> None:
    from django.core.cache import cache

    def count() -> int:
        cache.clear()
        with count_queries() as queries:
            assert Client().get(path).status_code == 200
        return len(queries)

    public_plan(JurisdictionFactory())
    few = count()
    for _ in range(12):
        public_plan(JurisdictionFactory(), areas=("justice", "civic_space"))
    assert count() == few


def test_policy_area_shares_count_submitted_plans_only() -> None:
    for _ in range(3):
        public_plan(JurisdictionFactory(country="AR"), areas=("justice",), year=2026)
    public_plan(JurisdictionFactory(country="GE"), areas=("civic_space", "justice"), year=2027)
    draft_plan(JurisdictionFactory(), areas=("media_freedom",))
    html = Client().get("/dashboard/policy-areas/").content.decode()
    assert "<svg" in html
    assert 'role="img"' in html
    assert "100% (4 of 4)" in html  # justice
    assert "25% (1 of 4)" in html  # civic space
    assert "Media freedom" not in html
    filtered = Client().get("/dashboard/policy-areas/?year=2027&country=GE").content.decode()
    assert "100% (1 of 1)" in filtered
    assert "Policy areas of 1 submitted plan" in filtered


def test_open_data_downloads_only_public_rows(tenant: Tenant) -> None:
    plan, commitment = public_plan(tenant.jurisdiction)
    TrackerUpdateFactory(commitment=commitment, quarter="2026Q3", percent=20)
    TrackerUpdateFactory(commitment=commitment, quarter="2026Q4", submitted_on=None, percent=99)
    draft_plan(tenant.jurisdiction)
    client = Client()
    members = client.get("/open-data/members.csv")
    assert members["Content-Disposition"] == 'attachment; filename="ogp-local-members.csv"'
    rows = list(csv.DictReader(io.StringIO(b"".join(members.streaming_content).decode())))
    assert [r["slug"] for r in rows] == ["villa-example"]
    assert set(rows[0]) == {
        "slug", "name", "country", "joined_on", "has_elections", "status", "status_since",
        "status_reasons",
    }  # fmt: skip
    commitments = client.get("/open-data/commitments.json").json()
    assert [c["title"] for c in commitments] == [commitment.title]
    updates = client.get("/open-data/tracker-updates.json").json()
    assert [(u["quarter"], u["percent"]) for u in updates] == [("2026Q3", 20)]
    plans = client.get("/open-data/plans.json").json()
    assert [p["ref"] for p in plans] == [plan.ref]
    assert client.get("/open-data/secrets.csv").status_code == 404
    documented = client.get("/open-data/").content.decode()
    for field in ("status_reasons", "policy_areas", "completion", "monitoring_body"):
        assert f"<code>{field}</code>" in documented


def test_member_history_is_the_public_exchange_export(tenant: Tenant) -> None:
    from members.models import ExtensionRequest

    public_plan(tenant.jurisdiction)
    draft_plan(tenant.jurisdiction)
    ExtensionRequest.objects.create(jurisdiction=tenant.jurisdiction, requested_on=date(2026, 5, 1))
    data = json.loads(Client().get("/members/villa-example/history.json").content)
    assert data["format"] == "ogplocal-exchange/1"
    (member,) = data["jurisdictions"]
    assert [p.get("submitted_on") for p in member["action_plans"]] == ["2026-06-01"]
    assert "extension_requests" not in member
    assert Client().get("/members/nowhere/history.json").status_code == 404


def test_anonymous_pages_are_cached_until_something_changes(
    django_capture_on_commit_callbacks,
) -> None:
    member = JurisdictionFactory(name="Villa Alta")
    client = Client()
    client.get("/members/")
    with count_queries() as cached:
        assert "Villa Alta" in client.get("/members/").content.decode()
    assert len(cached) == 0
    member.name = "Villa Altísima"  # type: ignore[assignment]
    with django_capture_on_commit_callbacks(execute=True):
        member.save()
    assert "Villa Altísima" in client.get("/members/").content.decode()


def test_one_transaction_empties_the_cache_once_however_many_rows_it_saves(
    django_capture_on_commit_callbacks,
) -> None:
    from django.db import transaction

    from ogplocal.public_cache import generation

    members = JurisdictionFactory.create_batch(3)
    before = generation()
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        for member in members:
            member.save()
    assert generation() == before + 1
    # A change whose savepoint rolls back takes its hook along; the next change still empties it.
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        try:
            with transaction.atomic():
                members[0].save()
                raise RuntimeError
        except RuntimeError:
            pass
        members[1].save()
    assert generation() == before + 2


def test_signed_in_people_always_get_a_fresh_page(tenant: Tenant) -> None:
    client = client_for(tenant.poc)
    client.get("/members/")
    with count_queries() as queries:
        client.get("/members/")
    assert len(queries) > 0


def test_sitemap_lists_public_pages_and_members() -> None:
    JurisdictionFactory(slug="villa-alta")
    xml = Client().get("/sitemap.xml").content.decode()
    for path in ("/members/", "/dashboard/policy-areas/", "/open-data/", "/members/villa-alta/"):
        assert f"<loc>http://testserver{path}</loc>" in xml


@pytest.mark.parametrize("path", ["/members/", "/dashboard/policy-areas/", "/open-data/"])
def test_every_public_page_has_its_own_title_and_description(path: str) -> None:
    html = Client().get(path).content.decode()
    title = html.split("<title>")[1].split("</title>")[0]
    description = html.split('<meta name="description" content="')[1].split('"')[0]
    assert title.strip()
    assert "OGP Local portal" in title
    assert "local governments' open government action plans" not in description  # page's own


def test_member_page_shows_only_what_is_public(tenant: Tenant) -> None:
    plan, commitment = public_plan(tenant.jurisdiction)
    TrackerUpdateFactory(commitment=commitment, quarter="2026Q3", percent=20, narrative="Public.")
    TrackerUpdateFactory(
        commitment=commitment, quarter="2026Q4", submitted_on=None, percent=90, narrative="Draft!"
    )
    AssessmentFactory(plan=plan, kind="inception", published=False)
    draft_plan(tenant.jurisdiction)
    tenant.jurisdiction.status = "inactive"
    tenant.jurisdiction.status_reasons = ["tracker_not_updated"]
    tenant.jurisdiction.save()
    for client in (Client(), client_for(tenant.poc)):
        html = client.get("/members/villa-example/").content.decode()
        assert commitment.title in html
        assert "Public." in html
        assert "20% in 2026Q3" in html
        assert "Draft!" not in html
        assert "A secret draft commitment" not in html
        assert "No assessment has been published yet." in html
        assert "The tracker was not updated in two consecutive quarters." in html
        assert '<svg xmlns="http://www.w3.org/2000/svg"' in html  # the plan calendar
    assert Client().get("/members/nowhere/").status_code == 404


def test_member_page_runs_a_fixed_number_of_queries(tenant: Tenant) -> None:
    from django.core.cache import cache

    plan, commitment = public_plan(tenant.jurisdiction)
    TrackerUpdateFactory(commitment=commitment, quarter="2026Q3")

    def count() -> int:
        cache.clear()
        with count_queries() as queries:
            assert Client().get("/members/villa-example/").status_code == 200
        return len(queries)

    few = count()
    for n in range(4):
        more = CommitmentFactory(plan=plan, added_on=date(2026, 6, 1))
        TrackerUpdateFactory(commitment=more, quarter="2026Q3")
        TrackerUpdateFactory(commitment=more, quarter="2026Q4", submitted_on=date(2027, 1, 20 + n))
    assert count() == few


def test_derived_data_is_kept_until_the_portals_data_changes(
    django_capture_on_commit_callbacks,
) -> None:
    from ogplocal.public_cache import derived

    member = JurisdictionFactory(name="Villa Alta")
    calls: list[str] = []

    def name() -> str:
        calls.append("computed")
        return str(type(member).objects.get(pk=member.pk).name)

    assert derived("test-name", name) == "Villa Alta"
    assert derived("test-name", name) == "Villa Alta"
    assert calls == ["computed"]
    member.name = "Villa Altísima"  # type: ignore[assignment]
    with django_capture_on_commit_callbacks(execute=True):
        member.save()
    assert derived("test-name", name) == "Villa Altísima"
    assert calls == ["computed", "computed"]


def test_migrating_empties_the_cache_so_no_code_reads_what_older_code_kept() -> None:
    """A deployment runs `migrate` before it serves: cached pages and pickled rows of the code
    before are never read by the code after (issue 11)."""
    from django.core.management import call_command

    from ogplocal.public_cache import generation

    before = generation()
    call_command("migrate", verbosity=0)
    assert generation() == before + 1


def test_migrating_goes_on_when_the_cache_is_down(caplog) -> None:
    from unittest import mock

    from django.core.management import call_command
    from redis.exceptions import ConnectionError as RedisConnectionError

    with mock.patch(
        "ogplocal.public_cache.invalidate", side_effect=RedisConnectionError("refused")
    ):
        call_command("migrate", verbosity=0)
    assert "the public cache could not be emptied after migrating: refused" in caplog.text

"""Restricted querysets: each role sees and changes exactly what docs/roles.md §1 grants, nothing of
another jurisdiction; a missing and a forbidden workspace both answer 404."""

from __future__ import annotations

import re

import pytest

from members.models import Invitation, Jurisdiction, Membership
from members.tenancy import Action
from tests.conftest import Tenant, client_for, count_queries
from tests.factories import CommitmentFactory, InvitationFactory, MembershipFactory, ready_plan

pytestmark = pytest.mark.django_db

# Which of the tenant's own people may do each action on their own jurisdiction (docs/roles.md §1).
EXPECTED = {
    Action.VIEW_PRIVATE: {"poc", "officer", "stakeholder", "monitor"},
    Action.EDIT: {"poc", "officer"},
    Action.SUBMIT: {"poc"},
    Action.ENDORSE: {"stakeholder"},
    Action.ASSESS: {"monitor"},
    Action.DECIDE: set(),
}


def without_csrf(html: bytes) -> bytes:
    """The page less what differs per request: the CSRF token, and the address the language
    switcher returns to (the path the person asked for, which tells them nothing new)."""
    html = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", html)
    return re.sub(rb'name="next" value="[^"]*"', b"", html)


ROLES = ("poc", "officer", "stakeholder", "monitor")


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_exactly_its_actions_on_its_own_jurisdiction(
    tenant: Tenant, other_tenant: Tenant, role: str, action: Action
) -> None:
    user = getattr(tenant, role)
    allowed = set(Jurisdiction.objects.restrict(user, action).values_list("slug", flat=True))
    assert allowed == ({"villa-example"} if role in EXPECTED[action] else set())


@pytest.mark.parametrize("role", ROLES)
def test_public_view_is_every_member_for_everybody(
    tenant: Tenant, other_tenant: Tenant, role: str
) -> None:
    for user in (getattr(tenant, role), None):
        slugs = set(Jurisdiction.objects.restrict(user, Action.VIEW).values_list("slug", flat=True))
        assert slugs == {"villa-example", "puerto-otro"}


def test_support_unit_reads_and_decides_everywhere_but_edits_nothing(
    tenant: Tenant, other_tenant: Tenant, staff
) -> None:
    for action in (Action.VIEW, Action.VIEW_PRIVATE, Action.DECIDE):
        assert Jurisdiction.objects.restrict(staff, action).count() == 2
    for action in (Action.EDIT, Action.SUBMIT, Action.ENDORSE, Action.ASSESS):
        assert not Jurisdiction.objects.restrict(staff, action).exists()


def test_anonymous_and_outsider_see_no_private_rows(tenant: Tenant, outsider) -> None:
    InvitationFactory(jurisdiction=tenant.jurisdiction)
    for user in (None, outsider):
        assert not Membership.objects.restrict(user, Action.VIEW_PRIVATE).exists()
        assert not Invitation.objects.restrict(user, Action.VIEW_PRIVATE).exists()
        assert not Membership.objects.restrict(user, Action.VIEW).exists()


def test_deactivated_user_loses_every_role(tenant: Tenant) -> None:
    tenant.poc.is_active = False
    tenant.poc.save()
    assert not Jurisdiction.objects.restrict(tenant.poc, Action.VIEW_PRIVATE).exists()


def test_memberships_of_a_jurisdiction_reach_only_its_people(
    tenant: Tenant, other_tenant: Tenant
) -> None:
    seen = Membership.objects.restrict(tenant.officer, Action.VIEW_PRIVATE)
    assert {m.jurisdiction.slug for m in seen} == {"villa-example"}


@pytest.mark.parametrize("role", ["poc", "officer", "stakeholder", "monitor"])
def test_workspace_of_own_jurisdiction_opens(tenant: Tenant, role: str) -> None:
    response = client_for(getattr(tenant, role)).get("/w/villa-example/")
    assert response.status_code == 200
    assert b"Villa Example" in response.content


@pytest.mark.parametrize("role", ["poc", "officer", "stakeholder", "monitor"])
def test_foreign_workspace_and_missing_one_look_the_same(
    tenant: Tenant, other_tenant: Tenant, role: str
) -> None:
    client = client_for(getattr(tenant, role))
    foreign = client.get("/w/puerto-otro/")
    missing = client.get("/w/no-such-place/")
    assert foreign.status_code == missing.status_code == 404
    assert b"Puerto Otro" not in foreign.content
    assert without_csrf(foreign.content) == without_csrf(missing.content)


def test_outsider_gets_404_and_anonymous_is_sent_to_sign_in(tenant: Tenant, outsider) -> None:
    assert client_for(outsider).get("/w/villa-example/").status_code == 404
    response = client_for(None).get("/w/villa-example/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_switcher_goes_to_own_workspaces_only(tenant: Tenant, other_tenant: Tenant) -> None:
    MembershipFactory(
        user=tenant.stakeholder, jurisdiction=other_tenant.jurisdiction, role="stakeholder"
    )
    client = client_for(tenant.stakeholder)
    page = client.get("/w/villa-example/")
    assert b'id="switcher-jurisdiction"' in page.content
    assert client.get("/w/switch/?jurisdiction=puerto-otro")["Location"] == "/w/puerto-otro/"
    assert client_for(tenant.poc).get("/w/switch/?jurisdiction=puerto-otro").status_code == 404


def test_workspace_query_count_does_not_grow_with_the_team(tenant: Tenant) -> None:
    client = client_for(tenant.poc)
    client.get("/w/villa-example/")  # warm caches (content types, sessions)
    with count_queries() as small:
        client.get("/w/villa-example/")
    MembershipFactory.create_batch(20, jurisdiction=tenant.jurisdiction, role="officer")
    InvitationFactory.create_batch(5, jurisdiction=tenant.jurisdiction)
    with count_queries() as large:
        client.get("/w/villa-example/")
    # The exact number is pinned by the workspace tests; here: it does not grow with the team.
    assert len(large) == len(small)


def test_restrict_adds_distinct_only_where_a_join_could_repeat_a_row(
    tenant: Tenant, other_tenant: Tenant, staff
) -> None:
    """DISTINCT sorts every selected column (the directory's count at 10,000 members, issue 11),
    so a query of one table, which cannot repeat a row, goes without; a condition that joins keeps
    it, and a joint plan's commitment is still listed once."""
    from action_plans.models import ActionPlan
    from commitments.models import Commitment

    for user in (None, tenant.poc, tenant.monitor, staff):
        for action in (Action.VIEW, Action.VIEW_PRIVATE):
            assert not Jurisdiction.objects.restrict(user, action).query.distinct, (user, action)
    # Anybody's VIEW of the jurisdictions is every member, spelt once (no OR of subqueries).
    assert "members_membership" not in str(
        Jurisdiction.objects.restrict(tenant.poc, Action.VIEW).query
    )
    plan = ready_plan(tenant.jurisdiction, commitments=1)
    plan.jurisdictions.add(other_tenant.jurisdiction)
    Membership.objects.create(
        user=tenant.poc, jurisdiction=other_tenant.jurisdiction, role="stakeholder"
    )
    CommitmentFactory(plan=plan)
    commitments = Commitment.objects.restrict(tenant.poc, Action.VIEW_PRIVATE)
    assert commitments.query.distinct
    assert sorted(commitments.values_list("pk", flat=True)) == sorted(
        plan.commitments.values_list("pk", flat=True)
    )
    assert list(ActionPlan.objects.restrict(tenant.poc, Action.VIEW_PRIVATE)) == [plan]

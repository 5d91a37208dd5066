"""Inviting a person to a jurisdiction by email, and using the link once."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from members.models import Invitation, Membership, User
from tests.conftest import Tenant, client_for
from tests.factories import PASSWORD, InvitationFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_poc_invites_an_officer_who_gets_an_email(
    tenant: Tenant, django_capture_on_commit_callbacks
) -> None:
    client = client_for(tenant.poc)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/w/villa-example/team/invite/", {"email": "New.Person@Example.org", "role": "officer"}
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.role, invitation.invited_by) == (
        "new.person@example.org",
        "officer",
        tenant.poc,
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["new.person@example.org"]
    assert "Villa Example" in message.subject
    assert f"/invitations/{invitation.token}/" in message.body
    assert message.alternatives  # an HTML part too


@pytest.mark.parametrize("role", ["officer", "stakeholder", "monitor"])
def test_only_the_poc_may_invite(tenant: Tenant, role: str) -> None:
    client = client_for(getattr(tenant, role))
    assert client.get("/w/villa-example/team/invite/").status_code == 404
    response = client.post(
        "/w/villa-example/team/invite/", {"email": "x@example.org", "role": "poc"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_poc_of_another_jurisdiction_may_not_invite(tenant: Tenant, other_tenant: Tenant) -> None:
    response = client_for(other_tenant.poc).post(
        "/w/villa-example/team/invite/", {"email": "x@example.org", "role": "poc"}
    )
    assert response.status_code == 404
    assert not Invitation.objects.exists()


def test_bad_invitation_input_is_explained_and_changes_nothing(tenant: Tenant) -> None:
    client = client_for(tenant.poc)
    response = client.post(
        "/w/villa-example/team/invite/", {"email": "not-an-email", "role": "king"}
    )
    assert response.status_code == 200
    assert b"There is a problem" in response.content
    assert b"Enter a valid email address." in response.content
    assert b"Select a valid choice." in response.content
    response = client.post(
        "/w/villa-example/team/invite/", {"email": tenant.officer.email, "role": "officer"}
    )
    assert b"already has a role in Villa Example" in response.content
    assert not Invitation.objects.exists()


def test_new_person_accepts_once_and_is_signed_in(tenant: Tenant) -> None:
    invitation = InvitationFactory(jurisdiction=tenant.jurisdiction, email="new@example.org")
    client = client_for(None)
    page = client.get(f"/invitations/{invitation.token}/")
    assert b"You are invited to join Villa Example" in page.content
    response = client.post(
        f"/invitations/{invitation.token}/",
        {"name": "Nueva Persona", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response["Location"] == "/w/villa-example/"
    user = User.objects.get(email="new@example.org")
    assert user.name == "Nueva Persona"
    assert Membership.objects.get(user=user).role == "officer"
    assert user.emailaddress_set.get().verified
    assert client.get("/w/villa-example/").status_code == 200  # signed in

    again = client_for(None).post(
        f"/invitations/{invitation.token}/",
        {"name": "Somebody Else", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert again.status_code == 410
    assert b"This invitation has already been used" in again.content
    assert User.objects.filter(email="new@example.org").count() == 1
    assert Membership.objects.filter(user=user).count() == 1


def test_mismatched_or_weak_passwords_are_explained(tenant: Tenant) -> None:
    invitation = InvitationFactory(jurisdiction=tenant.jurisdiction)
    client = client_for(None)
    response = client.post(
        f"/invitations/{invitation.token}/",
        {"name": "A", "password1": PASSWORD, "password2": "other"},
    )
    assert b"The two passwords differ." in response.content
    response = client.post(
        f"/invitations/{invitation.token}/",
        {"name": "A", "password1": "12345678", "password2": "12345678"},
    )
    assert b"This password is too common." in response.content
    assert not User.objects.filter(email=invitation.email).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_expired_invitation_is_refused_with_its_date(tenant: Tenant) -> None:
    invitation = InvitationFactory(
        jurisdiction=tenant.jurisdiction, expires_at=timezone.now() - timedelta(days=1)
    )
    response = client_for(None).post(
        f"/invitations/{invitation.token}/",
        {"name": "Late", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 410
    assert b"This invitation expired on" in response.content
    assert not User.objects.filter(email=invitation.email).exists()


def test_unknown_invitation_link_is_404() -> None:
    assert client_for(None).get("/invitations/nonsense/").status_code == 404


def test_existing_account_accepts_after_signing_in(tenant: Tenant, other_tenant: Tenant) -> None:
    person = other_tenant.officer
    invitation = InvitationFactory(
        jurisdiction=tenant.jurisdiction, email=person.email, role="stakeholder"
    )
    anonymous = client_for(None).get(f"/invitations/{invitation.token}/")
    assert b"You already have an account" in anonymous.content
    response = client_for(person).post(f"/invitations/{invitation.token}/")
    assert response["Location"] == "/w/villa-example/"
    assert (
        Membership.objects.get(user=person, jurisdiction=tenant.jurisdiction).role == "stakeholder"
    )


def test_invitation_for_someone_else_is_refused(tenant: Tenant, outsider) -> None:
    invitation = InvitationFactory(jurisdiction=tenant.jurisdiction, email="someone@example.org")
    response = client_for(outsider).post(f"/invitations/{invitation.token}/")
    assert response.status_code == 409
    assert re.search(rb"sent to someone@example.org", response.content)
    assert not Membership.objects.filter(user=outsider).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_token_is_long_and_unguessable() -> None:
    invitation = InvitationFactory()
    assert len(invitation.token) >= 40
    assert UserFactory().email != invitation.email

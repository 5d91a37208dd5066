"""Personal API tokens: stored hashed, shown once, revocable; Support Unit staff need MFA."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.test import Client

from members.models import ApiToken, User
from ogplocal.api.tokens import create_token
from ogplocal.exceptions import ActionRefused
from tests.conftest import Tenant, client_for
from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db


def bearer(key: str) -> Client:
    return Client(headers={"Authorization": f"Bearer {key}"})


def test_created_on_the_account_page_shown_once_stored_hashed(tenant: Tenant) -> None:
    client = client_for(tenant.poc)
    assert client.get("/accounts/tokens/").status_code == 200
    response = client.post("/accounts/tokens/", {"name": "reporting script"})
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    shown = re.search(r'id="new-token-key">([^<]+)<', response.content.decode())
    assert shown is not None
    key = shown.group(1)
    token = ApiToken.objects.get(user=tenant.poc)
    assert token.name == "reporting script"
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {token.key_hash, token.lookup}
    # Shown once: the page never shows it again.
    assert key not in client.get("/accounts/tokens/").content.decode()
    # The key works, with the owner's roles.
    listing = bearer(key).get("/api/v1/plans/")
    assert listing.status_code == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_token_is_refused(tenant: Tenant) -> None:
    token, key = create_token(user=tenant.poc, name="ci")
    assert bearer(key).get("/api/v1/plans/").status_code == 200
    response = client_for(tenant.poc).post(f"/accounts/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None
    refused = bearer(key).get("/api/v1/plans/")
    assert refused.status_code == 401
    assert set(refused.json()) == {"message", "errors"}


def test_nobody_revokes_anothers_token(tenant: Tenant, other_tenant: Tenant) -> None:
    token, _key = create_token(user=tenant.poc, name="ci")
    client_for(other_tenant.poc).post(f"/accounts/tokens/{token.pk}/revoke/")
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize(
    "key", ["nonsense", "ogpl_abc_def", "ogpl_0123456789ab_wrong-secret", "Bearer two words"]
)
def test_an_unknown_key_is_refused(tenant: Tenant, key: str) -> None:
    create_token(user=tenant.poc, name="ci")
    response = bearer(key).get("/api/v1/plans/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_tampered_secret_with_a_real_lookup_is_refused(tenant: Tenant) -> None:
    _, key = create_token(user=tenant.poc, name="ci")
    assert bearer(key[:-2] + "xx").get("/api/v1/plans/").status_code == 401


def test_staff_without_mfa_neither_create_nor_use_tokens(db: None) -> None:
    staff: User = StaffFactory(totp=False)  # type: ignore[assignment]
    page = client_for(staff).get("/accounts/tokens/")
    assert "two-factor" in page.content.decode()
    refused = client_for(staff).post("/accounts/tokens/", {"name": "x"})
    assert refused.status_code == 400
    assert not ApiToken.objects.filter(user=staff).exists()
    with pytest.raises(ActionRefused):
        create_token(user=staff, name="x")
    # A token made before MFA was removed, or written in directly, is refused too.
    secret = "ogpl_aaaaaaaaaaaa_secret"
    ApiToken.objects.create(
        user=staff,
        name="x",
        lookup="aaaaaaaaaaaa",
        key_hash=hashlib.sha256(secret.encode()).hexdigest(),
    )
    assert bearer(secret).get("/api/v1/plans/").status_code == 401


def test_staff_with_mfa_use_tokens(staff: User) -> None:
    _, key = create_token(user=staff, name="console script")
    assert bearer(key).get("/api/v1/plans/").status_code == 200


def test_a_name_is_required(tenant: Tenant) -> None:
    response = client_for(tenant.poc).post("/accounts/tokens/", {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


def test_the_token_page_needs_signing_in() -> None:
    response = Client().get("/accounts/tokens/")
    assert response.status_code == 302


@pytest.mark.django_db
def test_staff_without_mfa_cannot_use_the_api_through_their_session() -> None:
    without = client_for(StaffFactory(totp=False)).get("/api/v1/jurisdictions/")
    assert without.status_code in {401, 403}
    assert "two-factor" in without.json()["message"]
    assert client_for(StaffFactory()).get("/api/v1/jurisdictions/").status_code == 200

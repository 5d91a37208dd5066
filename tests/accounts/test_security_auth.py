"""Issue 10, item 3: rate limits on signing in and resetting passwords (the admin's sign-in too),
sessions that end at sign-out and at deactivation, a new session id at sign-in, and
re-authentication before changing an email address or two-factor authentication.

The numbers are allauth's defaults, which the portal keeps (ogplocal/settings/base.py): 5 failed
sign-ins per email address in 5 minutes; 5 password-reset requests per address a minute; a sign-in
older than ACCOUNT_REAUTHENTICATION_TIMEOUT (300 s) asks for the password again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from allauth.account import app_settings as account_settings
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.base import SessionBase
from django.core import mail
from django.http.response import HttpResponseBase
from django.test import Client, override_settings

from members.models import User
from tests.conftest import Tenant
from tests.factories import PASSWORD, StaffFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
LOGIN_LIMIT = 5  # ACCOUNT_LOGIN_ATTEMPTS_LIMIT's default, kept
LOGIN_WINDOW = timedelta(minutes=5)  # ACCOUNT_LOGIN_ATTEMPTS_TIMEOUT's default, kept
TOO_MANY = b"Too many failed login attempts. Try again later."


def sign_in(client: Client, email: str, password: str = PASSWORD, path: str = "/accounts/login/"):
    return client.post(path, {"login": email, "password": password})


def signed_in(client: Client) -> bool:
    return SESSION_KEY in client.session


# --- Rate limits -----------------------------------------------------------------------------


def test_the_portal_keeps_allauths_limits() -> None:
    assert "ACCOUNT_RATE_LIMITS" not in dir(settings)
    assert account_settings.RATE_LIMITS["login_failed"] == f"10/m/ip,{LOGIN_LIMIT}/300s/key"
    assert account_settings.RATE_LIMITS["reset_password"] == "20/m/ip,5/m/key"
    assert account_settings.REAUTHENTICATION_REQUIRED is True
    assert account_settings.REAUTHENTICATION_TIMEOUT == 300


@pytest.mark.parametrize(
    "path", ["/accounts/login/", "/accounts/login/?next=/admin/"], ids=["portal", "admin"]
)
def test_failed_sign_ins_are_limited_even_for_the_right_password_until_the_window_passes(
    path: str,
) -> None:
    user = StaffFactory(is_superuser=True) if "admin" in path else UserFactory()
    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        for attempt in range(LOGIN_LIMIT):
            response = sign_in(client, user.email, "wrong", path)
            assert response.status_code == 200
            assert b"are not correct" in response.content, attempt
        refused = sign_in(client, user.email, "wrong", path)
        assert TOO_MANY in refused.content
        # The right password is refused too, with the same clear message, from any client.
        for other in (client, Client()):
            response = sign_in(other, user.email.upper(), PASSWORD, path)
            assert response.status_code == 200
            assert TOO_MANY in response.content
            assert b"There is a problem" in response.content
            assert not signed_in(other)
        clock.shift(LOGIN_WINDOW - timedelta(seconds=5))
        assert TOO_MANY in sign_in(client, user.email, PASSWORD, path).content
        clock.shift(timedelta(seconds=10))
        response = sign_in(client, user.email, PASSWORD, path)
        assert response.status_code == 302
        if user.is_staff:  # the password is right: on to the TOTP step
            assert response["Location"] == "/accounts/2fa/authenticate/"
        else:
            assert signed_in(client)


def test_the_admin_sign_in_form_is_allauths_and_its_own_post_signs_nobody_in() -> None:
    user = StaffFactory(is_superuser=True)
    client = Client()
    page = client.get("/admin/login/?next=/admin/")
    assert page.status_code == 302
    assert page["Location"].startswith("/accounts/login/")
    # A post to Django's own admin sign-in (without rate limits) authenticates nobody.
    response = client.post(
        "/admin/login/?next=/admin/", {"username": user.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not signed_in(client)


def test_the_limit_counts_per_address_so_another_person_still_signs_in(tenant: Tenant) -> None:
    with time_machine.travel(START, tick=False):
        for _ in range(LOGIN_LIMIT + 1):
            sign_in(Client(), tenant.poc.email, "wrong")
        other = Client()
        assert sign_in(other, tenant.officer.email).status_code == 302
        assert signed_in(other)


def test_password_reset_requests_are_limited_per_address(
    tenant: Tenant, django_capture_on_commit_callbacks: Callable[..., Any]
) -> None:
    def ask(client: Client, email: str) -> HttpResponseBase:
        # Each email is an outbox row, sent once the request's transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            return client.post("/accounts/password/reset/", {"email": email})

    with time_machine.travel(START, tick=False) as clock:
        client = Client()
        for _ in range(5):
            response = ask(client, tenant.poc.email)
            assert response.status_code == 302
        assert len(mail.outbox) == 5
        refused = ask(client, tenant.poc.email)
        assert refused.status_code == 429
        assert len(mail.outbox) == 5
        html = refused.content.decode()
        # The portal's page, in its layout, saying what happened and what to do.
        assert '<main id="main"' in html
        assert "Too many requests" in html
        assert "Wait a few minutes and try again." in html
        # Another address is not held back by this one.
        other = ask(Client(), tenant.officer.email)
        assert other.status_code == 302
        clock.shift(timedelta(minutes=1, seconds=1))
        again = ask(client, tenant.poc.email)
        assert again.status_code == 302
        assert len(mail.outbox) == 7


# --- Sessions --------------------------------------------------------------------------------

# The session engines the settings use: the database in dev and test, Redis in front of the
# database in production wherever REDIS_URL is set (ogplocal/settings/production.py).
ENGINES = ["django.contrib.sessions.backends.db"]
if settings.REDIS_URL:
    ENGINES.append("django.contrib.sessions.backends.cached_db")


@pytest.fixture(params=ENGINES, ids=lambda engine: engine.rsplit(".", 1)[-1])
def session_engine(request: pytest.FixtureRequest) -> Iterator[str]:
    with override_settings(SESSION_ENGINE=request.param):
        yield request.param


def test_production_uses_the_engines_tested_here() -> None:
    text = (settings.BASE_DIR / "ogplocal/settings/production.py").read_text()
    assert 'SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"' in text


def session_store(key: str) -> SessionBase:
    from importlib import import_module

    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=key)


def replay(cookie: str) -> Client:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = cookie
    return client


def test_the_session_id_changes_at_sign_in(session_engine: str, tenant: Tenant) -> None:
    client = Client()
    client.get("/accounts/login/")
    session = client.session
    session["planted"] = "by an attacker"
    session.save()
    planted = session.session_key
    assert planted
    client.cookies[settings.SESSION_COOKIE_NAME] = planted
    assert sign_in(client, tenant.poc.email).status_code == 302
    fresh = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert fresh != planted
    # The planted id is not signed in: whoever knew it knows nothing useful.
    assert replay(planted).get("/w/villa-example/").status_code == 302
    assert replay(fresh).get("/w/villa-example/").status_code == 200


def test_sign_out_ends_the_session_on_the_server(session_engine: str, tenant: Tenant) -> None:
    client = Client()
    sign_in(client, tenant.poc.email)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert replay(cookie).get("/w/villa-example/").status_code == 200
    client.post("/accounts/logout/")
    # The old cookie, sent again by someone who kept it, is anonymous: the session is gone.
    stolen = replay(cookie)
    response = stolen.get("/w/villa-example/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert not session_store(cookie).exists(cookie)


def deactivate_in_the_admin(user: User) -> None:
    """A Support Unit admin unticks "active" on the person's change form."""
    client = Client()
    client.force_login(StaffFactory(is_superuser=True))
    response = client.post(
        f"/admin/members/user/{user.pk}/change/",
        {
            "email": user.email,
            "name": user.name,
            "is_staff": "",
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert not User.objects.get(pk=user.pk).is_active


def deactivate_by_saving(user: User) -> None:
    user.is_active = False
    user.save()


@pytest.mark.parametrize(
    "deactivate", [deactivate_in_the_admin, deactivate_by_saving], ids=["admin", "save"]
)
def test_deactivating_a_user_ends_their_sessions(
    session_engine: str, tenant: Tenant, deactivate: object
) -> None:
    user = tenant.poc
    phone, laptop = Client(), Client()
    sign_in(phone, user.email)
    sign_in(laptop, user.email)
    cookies = [c.cookies[settings.SESSION_COOKIE_NAME].value for c in (phone, laptop)]
    assert phone.get("/w/villa-example/").status_code == 200
    deactivate(User.objects.get(pk=user.pk))  # type: ignore[operator]
    for client in (phone, laptop):
        response = client.get("/w/villa-example/")
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    # Nor can they sign in again while inactive.
    refused = Client()
    assert sign_in(refused, user.email)["Location"] == "/accounts/inactive/"
    assert not signed_in(refused)
    # Reactivated later, the old sessions stay ended: the person signs in afresh.
    User.objects.filter(pk=user.pk).update(is_active=True)
    for cookie in cookies:
        assert replay(cookie).get("/w/villa-example/").status_code == 302
    again = Client()
    assert sign_in(again, user.email).status_code == 302
    assert again.get("/w/villa-example/").status_code == 200


def test_a_bulk_update_that_deactivates_still_signs_the_person_out(
    session_engine: str, tenant: Tenant
) -> None:
    """A queryset update sends no signal, so the sessions stay stored; the next request is
    anonymous all the same, because the authentication backends refuse an inactive user."""
    client = Client()
    sign_in(client, tenant.poc.email)
    User.objects.filter(pk=tenant.poc.pk).update(is_active=False)
    response = client.get("/w/villa-example/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/jurisdictions/").status_code in {401, 403}


def test_ending_sessions_leaves_other_peoples_alone(session_engine: str, tenant: Tenant) -> None:
    from members.services import end_sessions

    mine, theirs = Client(), Client()
    sign_in(mine, tenant.poc.email)
    sign_in(theirs, tenant.officer.email)
    assert end_sessions(user=tenant.poc) == 1
    assert mine.get("/w/villa-example/").status_code == 302
    assert theirs.get("/w/villa-example/").status_code == 200


# --- Re-authentication -----------------------------------------------------------------------

REAUTH = timedelta(seconds=300)


def fresh_sign_in(user: User) -> Client:
    client = Client()
    assert sign_in(client, user.email).status_code == 302
    return client


def assert_reauthentication_asked(response: object) -> None:
    assert response.status_code == 302  # type: ignore[attr-defined]
    assert response["Location"].startswith("/accounts/reauthenticate/")  # type: ignore[index]


def reauthenticate(client: Client) -> None:
    response = client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    assert response.status_code == 302


def add_email(client: Client, email: str) -> object:
    return client.post("/accounts/email/", {"email": email, "action_add": ""})


def test_changing_email_addresses_asks_for_the_password_again(tenant: Tenant) -> None:
    """allauth counts only a re-authentication, not the sign-in itself, and for
    ACCOUNT_REAUTHENTICATION_TIMEOUT seconds: every change after that asks again."""
    user = tenant.poc
    with time_machine.travel(START, tick=False) as clock:
        client = fresh_sign_in(user)
        # Reading the page needs nothing more; changing anything does.
        assert client.get("/accounts/email/").status_code == 200
        assert_reauthentication_asked(add_email(client, "first@example.org"))
        assert not EmailAddress.objects.filter(email="first@example.org").exists()
        wrong = client.post("/accounts/reauthenticate/", {"password": "wrong"})
        assert wrong.status_code == 200
        assert_reauthentication_asked(add_email(client, "first@example.org"))
        reauthenticate(client)
        added = add_email(client, "first@example.org")
        assert added.status_code == 302
        assert added["Location"] == "/accounts/email/"  # type: ignore[index]
        assert EmailAddress.objects.filter(user=user, email="first@example.org").exists()
        EmailAddress.objects.filter(email="first@example.org").update(verified=True)

        clock.shift(REAUTH - timedelta(seconds=5))
        assert add_email(client, "second@example.org").status_code == 302  # type: ignore[attr-defined]
        clock.shift(timedelta(seconds=10))
        assert_reauthentication_asked(add_email(client, "third@example.org"))
        assert_reauthentication_asked(
            client.post("/accounts/email/", {"email": "first@example.org", "action_primary": ""})
        )
        assert_reauthentication_asked(
            client.post("/accounts/email/", {"email": "second@example.org", "action_remove": ""})
        )
        assert not EmailAddress.objects.filter(email="third@example.org").exists()
        assert EmailAddress.objects.get(user=user, primary=True).email == user.email
        assert EmailAddress.objects.filter(email="second@example.org").exists()


MFA_CHANGES = [
    ("/accounts/2fa/totp/activate/", False),
    ("/accounts/2fa/totp/deactivate/", True),
    ("/accounts/2fa/recovery-codes/generate/", True),
]


@pytest.mark.parametrize(("path", "with_totp"), MFA_CHANGES, ids=[p for p, _ in MFA_CHANGES])
def test_changing_two_factor_authentication_asks_again_once_the_timeout_passed(
    path: str, with_totp: bool
) -> None:
    user = UserFactory()
    if with_totp:
        TOTP.activate(user, generate_totp_secret())
    before = set(Authenticator.objects.filter(user=user).values_list("pk", "type"))
    with time_machine.travel(START, tick=False) as clock:
        client = fresh_sign_in(user) if not with_totp else Client()
        if with_totp:
            client.force_login(user)  # past the TOTP step (tested in test_accounts.py)
        for method in ("get", "post"):
            asked = getattr(client, method)(path)
            assert asked.status_code == 302, (method, asked.status_code)
            assert asked["Location"].startswith("/accounts/reauthenticate/"), asked["Location"]
        reauthenticate(client)
        assert client.get(path).status_code == 200
        clock.shift(REAUTH + timedelta(seconds=1))
        for method in ("get", "post"):
            asked = getattr(client, method)(path)
            assert asked.status_code == 302, (method, asked.status_code)
            assert asked["Location"].startswith("/accounts/reauthenticate/"), asked["Location"]
    assert set(Authenticator.objects.filter(user=user).values_list("pk", "type")) == before

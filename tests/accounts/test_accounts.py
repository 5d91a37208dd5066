"""Signing in with an email address, wrong passwords, password resets, closed sign-up, MFA."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.test import Client

from members.tenancy import has_totp
from portal.exchange.demo import DEMO_PASSWORD, DEMO_SUPPORT_TOTP_SECRET, load_demo
from tests.conftest import Tenant, client_for, current_code
from tests.factories import PASSWORD, StaffFactory

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

pytestmark = pytest.mark.django_db


def test_sign_in_with_email_and_password(tenant: Tenant) -> None:
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": tenant.poc.email.upper(), "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/w/villa-example/").status_code == 200


def test_session_id_changes_at_sign_in(tenant: Tenant) -> None:
    client = Client()
    client.get("/accounts/login/")
    before = client.cookies.get("sessionid")
    client.post("/accounts/login/", {"login": tenant.poc.email, "password": PASSWORD})
    after = client.cookies["sessionid"].value
    assert before is None or before.value != after


def test_wrong_password_is_explained_and_signs_nobody_in(tenant: Tenant) -> None:
    client = Client()
    response = client.post("/accounts/login/", {"login": tenant.poc.email, "password": "wrong"})
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in response.content
    assert b"There is a problem" in response.content
    assert "_auth_user_id" not in client.session


def test_sign_up_is_closed() -> None:
    response = Client().get("/accounts/signup/")
    assert b"Accounts are by invitation" in response.content


def test_sign_out_ends_the_session(tenant: Tenant) -> None:
    client = client_for(tenant.poc)
    client.post("/accounts/logout/")
    assert client.get("/w/villa-example/").status_code == 302


def test_password_reset_round_trip_and_expired_link(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    client = Client()
    # The email is an outbox row, sent once the request's transaction commits.
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": tenant.poc.email})
    assert len(mail.outbox) == 1
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link
    response = client.get(link.group(1), follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
    new_password = "a-new-and-long-passphrase"
    done = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    assert Client().login(email=tenant.poc.email, password=new_password)

    used_again = Client().get(link.group(1), follow=True)
    assert b"The password reset link was invalid" in used_again.content
    assert Client().login(email=tenant.poc.email, password=new_password)


def test_expired_reset_link_is_explained_and_changes_nothing(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    with (
        time_machine.travel("2026-11-01 09:00", tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        Client().post("/accounts/password/reset/", {"email": tenant.poc.email})
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    assert link
    with time_machine.travel("2026-11-05 09:00", tick=False):  # PASSWORD_RESET_TIMEOUT: 3 days
        client = Client()
        response = client.get(link.group(1), follow=True)
        assert b"The password reset link was invalid" in response.content
        form_url = response.redirect_chain[-1][0] if response.redirect_chain else link.group(1)
        client.post(form_url, {"password1": "another-long-pass", "password2": "another-long-pass"})
    assert Client().login(email=tenant.poc.email, password=PASSWORD)


def test_repeated_wrong_passwords_are_rate_limited(tenant: Tenant) -> None:
    client = Client()
    for _ in range(5):
        client.post("/accounts/login/", {"login": tenant.poc.email, "password": "wrong"})
    response = client.post("/accounts/login/", {"login": tenant.poc.email, "password": PASSWORD})
    assert b"Too many failed login attempts" in response.content
    assert "_auth_user_id" not in client.session


def test_bad_reset_link_is_explained() -> None:
    response = Client().get("/accounts/password/reset/key/zz-bogus/", follow=True)
    assert b"The password reset link was invalid" in response.content


def test_demo_support_account_signs_in_with_the_documented_totp_secret() -> None:
    load_demo()
    client = Client()
    response = client.post(
        "/accounts/login/", {"login": "support@demo.ogplocal.org", "password": DEMO_PASSWORD}
    )
    assert response["Location"] == "/accounts/2fa/authenticate/"
    response = client.post(
        "/accounts/2fa/authenticate/", {"code": current_code(DEMO_SUPPORT_TOTP_SECRET)}
    )
    assert response.status_code == 302
    assert client.get("/support/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_staff_without_mfa_are_sent_to_set_it_up_before_any_staff_page() -> None:
    user = StaffFactory(totp=False)
    assert not has_totp(user)
    client = Client()
    client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    for path in ("/support/", "/admin/", "/admin/members/jurisdiction/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/2fa/totp/activate/"
    # allauth asks for the password again before any change to MFA (re-authentication).
    assert client.get("/accounts/2fa/totp/activate/")["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    client.post("/accounts/reauthenticate/", {"password": PASSWORD})
    setup = client.get("/accounts/2fa/totp/activate/")
    assert setup.status_code == 200
    assert b"Support Unit pages need two-factor authentication" in setup.content


@pytest.mark.parametrize("role", ["poc", "officer", "stakeholder", "monitor"])
def test_other_roles_are_refused_staff_pages(tenant: Tenant, role: str) -> None:
    client = client_for(getattr(tenant, role))
    assert client.get("/support/").status_code == 403
    assert client.get("/admin/").status_code in {302, 403}
    assert client.get("/admin/members/jurisdiction/").status_code in {302, 403}
    response = client.get("/admin/login/")
    assert response.status_code == 403


def test_admin_sign_in_goes_through_allauth() -> None:
    response = Client().get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

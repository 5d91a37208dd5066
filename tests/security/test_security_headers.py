"""Issue 10, item 2: the security headers of every kind of response, and no inline script or style.

One Content Security Policy without nonces holds for every page, cached or not
(docs/architecture.md), so
every page type is asserted against the exact same directives; the production-only headers (HSTS)
and the `__Host-` cookie names are asserted under the values of `ogplocal.settings.production`.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import Client, override_settings

from action_plans.pdf import plan_document
from members.models import User
from portal.workspace.plans import plan_calendar_svg
from tests.conftest import Tenant, client_for, count_queries
from tests.factories import PASSWORD, ActionPlanFactory, CommitmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)

# The whole policy, directive by directive: nothing more (no 'unsafe-inline', no nonce, no host).
EXPECTED_CSP = {
    "default-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}


def csp_directives(response: HttpResponse) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *values = part.split()
        assert name not in directives, f"{name} given twice in {header!r}"
        directives[name] = values
    return directives


def assert_security_headers(response: HttpResponse) -> None:
    assert "Content-Security-Policy-Report-Only" not in response
    assert csp_directives(response) == EXPECTED_CSP
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


# --- Inline code in HTML ---------------------------------------------------------------------


@dataclass
class InlineCode(HTMLParser):
    """Every inline script, style element, style attribute and event handler of a document."""

    found: list[str] = field(default_factory=list)
    _open_script: bool = False

    def __post_init__(self) -> None:
        super().__init__(convert_charrefs=True)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value for name, value in attrs}
        line = self.getpos()[0]
        if tag == "script":
            # A data block (json_script) is not script: CSP does not run it, browsers don't either.
            data_block = (names.get("type") or "").lower() == "application/json"
            if "src" not in names and not data_block:
                self.found.append(f"line {line}: <script> without src")
        if tag == "style":
            self.found.append(f"line {line}: <style> element")
        for name in names:
            if name == "style":
                self.found.append(f"line {line}: style= on <{tag}>")
            if name.startswith("on"):
                self.found.append(f"line {line}: {name}= on <{tag}>")


def inline_code(html: str) -> list[str]:
    parser = InlineCode()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_scanner_finds_each_kind_of_inline_code() -> None:
    html = (
        '<script>alert(1)</script><script src="/static/a.js"></script>'
        '<script type="application/json" id="d">{}</script>'
        "<style>p{}</style><p STYLE='color:red'>x</p><a href=# onclick=\"go()\">y</a>"
        "<img src=x onerror=alert(1)>"
    )
    found = inline_code(html)
    assert len(found) == 5, found
    assert any("<script> without src" in f for f in found)
    assert any("<style> element" in f for f in found)
    assert any("style= on <p>" in f for f in found)
    assert any("onclick= on <a>" in f for f in found)
    assert any("onerror= on <img>" in f for f in found)


TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", re.DOTALL)


def template_files() -> list[Path]:
    """Every template of the portal: templates/ and each local app's templates/ directory."""
    directories = [ROOT / "templates"]
    for app in ("members", "action_plans", "commitments", "tracker", "assessments", "ogplocal"):
        directories.append(ROOT / app / "templates")
    files = [
        path
        for directory in directories
        if directory.is_dir()
        for path in sorted(directory.rglob("*"))
        if path.suffix in {".html", ".htm", ".svg", ".xml"}
    ]
    assert len(files) > 40
    return files


@pytest.mark.parametrize("path", template_files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_template_holds_inline_script_or_style(path: Path) -> None:
    # Template comments never reach a page; template tags are read as text by html.parser.
    text = TEMPLATE_COMMENT.sub("", path.read_text(encoding="utf-8"))
    assert inline_code(text) == []


# --- Every page type ---------------------------------------------------------------------------


@pytest.fixture
def plan(tenant: Tenant) -> Any:
    plan = ActionPlanFactory(lead_jurisdiction=tenant.jurisdiction, submitted_on=date(2026, 6, 1))
    CommitmentFactory(plan=plan)
    return plan


@dataclass
class PageType:
    name: str
    method: str
    path: str
    who: str  # anonymous, poc, staff
    status: int
    html: bool


PAGE_TYPES = [
    PageType("public page", "get", "/members/", "anonymous", 200, True),
    PageType("public member page", "get", "/members/villa-example/", "anonymous", 200, True),
    PageType("workspace page", "get", "/w/villa-example/", "poc", 200, True),
    PageType("workspace plan page", "get", "/w/villa-example/plans/{plan}/", "poc", 200, True),
    PageType("console page (staff with TOTP)", "get", "/support/", "staff", 200, True),
    PageType("API JSON", "get", "/api/v1/jurisdictions/", "poc", 200, False),
    PageType("API public JSON", "get", "/api/v1/public/members/", "anonymous", 200, False),
    PageType("API error", "get", "/api/v1/jurisdictions/", "anonymous", 401, False),
    PageType("API docs (Swagger UI)", "get", "/api/docs/", "anonymous", 200, True),
    PageType("API schema", "get", "/api/schema/", "anonymous", 200, False),
    PageType("API not found", "get", "/api/v1/plans/999999/", "poc", 404, False),
    PageType("404 page", "get", "/no-such-page/", "anonymous", 404, True),
    PageType("404 in a workspace", "get", "/w/no-such-member/", "poc", 404, True),
    PageType("file download", "get", "/open-data/members.csv", "anonymous", 200, False),
    PageType(
        "history download", "get", "/members/villa-example/history.json", "anonymous", 200, False
    ),
    PageType("admin index", "get", "/admin/", "staff", 200, True),
    PageType("admin change list", "get", "/admin/members/jurisdiction/", "staff", 200, True),
    PageType(
        "admin change form",
        "get",
        "/admin/members/jurisdiction/{jurisdiction}/change/",
        "staff",
        200,
        True,
    ),
    PageType("allauth sign-in", "get", "/accounts/login/", "anonymous", 200, True),
    PageType("allauth password reset", "get", "/accounts/password/reset/", "anonymous", 200, True),
    PageType("allauth email page", "get", "/accounts/email/", "poc", 200, True),
    PageType("allauth MFA page", "get", "/accounts/2fa/", "staff", 200, True),
    PageType("redirect to sign in", "get", "/w/villa-example/", "anonymous", 302, False),
    PageType("redirect after sign-out", "post", "/accounts/logout/", "poc", 302, False),
    PageType("health check", "get", "/healthz", "anonymous", 200, False),
    PageType("static file", "get", "/static/css/portal.css", "anonymous", 200, False),
]


def client_as(who: str, tenant: Tenant, staff: User) -> Client:
    return client_for({"anonymous": None, "poc": tenant.poc, "staff": staff}[who])


@pytest.fixture
def staff(db: None) -> User:
    """Support Unit staff with TOTP, allowed every admin page (as the demo's support account)."""
    return StaffFactory(is_superuser=True)


@pytest.mark.parametrize("page", PAGE_TYPES, ids=lambda p: p.name)
def test_every_page_type_has_the_security_headers_and_no_inline_code(
    page: PageType, tenant: Tenant, staff: User, plan: Any
) -> None:
    client = client_as(page.who, tenant, staff)
    path = page.path.format(jurisdiction=tenant.jurisdiction.pk, plan=plan.pk)
    response = getattr(client, page.method)(path)
    assert response.status_code == page.status, (path, response.status_code)
    assert_security_headers(response)
    if page.html:
        assert response["Content-Type"].startswith("text/html")
        assert inline_code(response.content.decode()) == [], path


def test_a_cached_anonymous_page_served_from_the_cache_keeps_the_headers(plan: Any) -> None:
    first = Client().get("/members/villa-example/")
    assert first.status_code == 200
    # Served from the cache: not one query, the very same rendering, and the same headers.
    with count_queries(0):
        second = Client().get("/members/villa-example/")
    assert second.status_code == 200
    assert second.content == first.content
    assert_security_headers(second)
    assert inline_code(second.content.decode()) == []


# --- Production: HSTS and __Host- cookies ----------------------------------------------------

PRODUCTION_NAMES = (
    "SECURE_PROXY_SSL_HEADER",
    "SECURE_SSL_REDIRECT",
    "SECURE_REDIRECT_EXEMPT",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SESSION_COOKIE_NAME",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_NAME",
    "CSRF_COOKIE_SECURE",
    "LANGUAGE_COOKIE_NAME",
    "LANGUAGE_COOKIE_SECURE",
)


@pytest.fixture
def production(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The values `ogplocal.settings.production` really sets, applied over the test settings."""
    monkeypatch.setenv("SECRET_KEY", "k" * 50)
    monkeypatch.setenv("ALLOWED_HOSTS", "testserver")
    monkeypatch.setenv("EMAIL_URL", "smtp+tls://portal:secret@smtp.example.org:587")
    monkeypatch.delenv("SECURE_HSTS_SECONDS", raising=False)
    monkeypatch.delenv("SECURE_SSL_REDIRECT", raising=False)
    from ogplocal.settings import base

    # The production module adjusts base's DATABASES dict in place, which the running test
    # settings share: what it changes there is put back.
    database = dict(base.DATABASES["default"])
    sys.modules.pop("ogplocal.settings.production", None)
    try:
        module = importlib.import_module("ogplocal.settings.production")
    finally:
        sys.modules.pop("ogplocal.settings.production", None)
        base.DATABASES["default"].clear()
        base.DATABASES["default"].update(database)
    values = {name: getattr(module, name) for name in PRODUCTION_NAMES}
    with override_settings(**values):
        yield values


def test_production_values_are_the_documented_ones(production: dict[str, Any]) -> None:
    assert settings.DATABASES["default"].get("CONN_HEALTH_CHECKS") is False  # not leaked
    assert production["SECURE_HSTS_SECONDS"] == 31536000
    assert production["SESSION_COOKIE_NAME"] == "__Host-sessionid"
    assert production["CSRF_COOKIE_NAME"] == "__Host-csrftoken"
    assert production["LANGUAGE_COOKIE_NAME"] == "__Host-language"
    assert production["SESSION_COOKIE_SECURE"] is True
    assert production["CSRF_COOKIE_SECURE"] is True
    assert production["LANGUAGE_COOKIE_SECURE"] is True


def test_production_sends_hsts_over_https_and_redirects_plain_http(
    production: dict[str, Any],
) -> None:
    secure = Client().get("/members/", secure=True)
    assert secure.status_code == 200
    assert secure["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert_security_headers(secure)
    # Behind the proxy: X-Forwarded-Proto says the request came over HTTPS.
    proxied = Client().get("/members/", headers={"x-forwarded-proto": "https"})
    assert proxied.status_code == 200
    assert "Strict-Transport-Security" in proxied
    plain = Client().get("/members/")
    assert plain.status_code == 301
    assert plain["Location"] == "https://testserver/members/"
    assert_security_headers(plain)
    # The load balancer's health check answers over plain HTTP.
    assert Client().get("/healthz").status_code == 200


def assert_host_cookie(morsel: Any) -> None:
    """What a browser requires of a __Host- cookie: Secure, Path=/, and no Domain."""
    assert morsel.key.startswith("__Host-")
    assert morsel["secure"] is True
    assert morsel["path"] == "/"
    assert morsel["domain"] == ""


def test_production_session_and_csrf_cookies_are_host_bound(
    production: dict[str, Any], tenant: Tenant
) -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/accounts/login/", secure=True)
    assert page.status_code == 200
    csrf = client.cookies["__Host-csrftoken"]
    assert_host_cookie(csrf)
    assert "csrftoken" not in client.cookies
    signed_in = client.post(
        "/accounts/login/",
        {
            "login": tenant.poc.email,
            "password": PASSWORD,
            "csrfmiddlewaretoken": csrf.value,
        },
        secure=True,
        headers={"referer": "https://testserver/accounts/login/"},
    )
    assert signed_in.status_code == 302, signed_in.content
    session = client.cookies["__Host-sessionid"]
    assert_host_cookie(session)
    assert session["httponly"] is True
    assert "sessionid" not in client.cookies
    assert client.get("/w/villa-example/", secure=True).status_code == 200


def test_production_reads_the_language_from_the_host_bound_cookie(
    production: dict[str, Any],
) -> None:
    client = Client()
    client.cookies["__Host-language"] = "es"
    response = client.get("/members/", secure=True)
    assert response["Content-Language"] == "es"
    # The development cookie name means nothing in production.
    client = Client()
    client.cookies["django_language"] = "es"
    assert client.get("/members/", secure=True)["Content-Language"] == "en"


# --- The plan PDF: its stylesheet is a file --------------------------------------------------


def test_the_plan_pdf_is_laid_out_by_its_stylesheet_file(tenant: Tenant, plan: Any) -> None:
    """The rules that were a <style> in workspace/plan_pdf.html still shape the PDF: A4 pages,
    the calendar on a landscape page, the plan's title and the page number in every footer."""
    today = date(2026, 10, 1)
    calendar, _overview = plan_calendar_svg(plan, tenant.jurisdiction, today)
    html = render_to_string(
        "workspace/plan_pdf.html",
        {"plan": plan, "jurisdiction": tenant.jurisdiction,
         "commitments": list(plan.commitments.all()), "calendar": calendar, "today": today},
    )  # fmt: skip
    assert inline_code(html) == []
    pages = plan_document(html).pages
    first, last = pages[0], pages[-1]
    assert (round(first.width), round(first.height)) == (794, 1123)  # A4 portrait in CSS px
    assert (round(last.width), round(last.height)) == (1123, 794)  # the calendar, landscape
    footer = margin_text(first)
    assert str(plan) in footer
    assert f"1 / {len(pages)}" in footer


def margin_text(page: Any) -> str:
    """The text of a laid-out page's margin boxes (its header and footer)."""
    texts: list[str] = []

    def walk(box: Any) -> None:
        if hasattr(box, "text"):
            texts.append(box.text)
        for child in getattr(box, "children", ()):
            walk(child)

    for box in page._page_box.children:
        if type(box).__name__ == "MarginBox":
            walk(box)
    return " ".join(texts)

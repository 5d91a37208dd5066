"""The portal in the members' languages (issue 12): who chooses the language, where it is kept,
the emails in the recipient's language, localised dates and country names, the plan's own texts
marked as English, and a public cache that keeps the languages apart.

The es/fr/pt catalogues are filled by the translators; these tests use a small test-only Spanish
catalogue (the `spanish` fixture) for the messages they read, and Django's and django-countries'
own catalogues for dates and country names."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.utils import translation
from django.utils.formats import date_format

from action_plans.calendar import calendar_data, draw_calendar
from commitments.models import PolicyArea
from commitments.taxonomy import seed_policy_areas
from members import outbox
from members.language import recipient_language
from members.models import Notification, User
from portal.status import tasks
from tests.conftest import Tenant, client_for, count_queries
from tests.factories import ActionPlanFactory, CommitmentFactory, StaffFactory

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]

# A few messages of the code with a Spanish translation, compiled for the tests only.
SPANISH = {
    "Members": "Miembros",
    "Why this status": "Por qué este estado",
    "Justice": "Justicia",
    "the first action plan": "el primer plan de acción",
    "The Support Unit accepted %(plan)s": "La Unidad de Apoyo aceptó %(plan)s",
}
SPANISH_PLURALS = {
    (
        "Due in %(days)d day: %(what)s of %(jurisdiction)s",
        "Due in %(days)d days: %(what)s of %(jurisdiction)s",
    ): (
        "Vence en %(days)d día: %(what)s de %(jurisdiction)s",
        "Vence en %(days)d días: %(what)s de %(jurisdiction)s",
        "Vence en %(days)d días: %(what)s de %(jurisdiction)s",
    ),
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@pytest.fixture
def spanish(tmp_path: Path, settings: Any) -> None:
    """A Spanish catalogue with the messages above, first in LOCALE_PATHS (the settings fixture
    resets Django's translation caches when LOCALE_PATHS changes, and again afterwards)."""
    po = tmp_path / "es" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    lines = [
        'msgid ""',
        'msgstr ""',
        '"Content-Type: text/plain; charset=UTF-8\\n"',
        '"Language: es\\n"',
        '"Plural-Forms: nplurals=3; plural=n == 1 ? 0 : n != 0 && n % 1000000 == 0 ? 1 : 2;\\n"',
        "",
    ]
    for msgid, msgstr in SPANISH.items():
        lines += [f"msgid {_quote(msgid)}", f"msgstr {_quote(msgstr)}", ""]
    for (singular, plural), forms in SPANISH_PLURALS.items():
        lines += [f"msgid {_quote(singular)}", f"msgid_plural {_quote(plural)}"]
        lines += [f"msgstr[{n}] {_quote(form)}" for n, form in enumerate(forms)]
        lines.append("")
    po.write_text("\n".join(lines), encoding="utf-8")
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "gettext's msgfmt is needed (apt-get install gettext)"
    subprocess.run([msgfmt, "--check", "-o", str(po.with_suffix(".mo")), str(po)], check=True)
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]


def html_lang(response: Any) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "the page has no <html lang>"
    return match.group(1)


# --- Who chooses the language ------------------------------------------------------------------


def test_without_a_choice_or_a_browser_language_the_portal_is_english(tenant: Tenant) -> None:
    response = Client().get("/members/villa-example/")
    assert html_lang(response) == "en"
    assert response["Content-Language"] == "en"
    assert "Why this status" in response.content.decode()


def test_accept_language_applies_when_there_is_no_choice(tenant: Tenant) -> None:
    response = Client().get("/members/villa-example/", HTTP_ACCEPT_LANGUAGE="fr-CH, fr;q=0.9")
    assert html_lang(response) == "fr"
    # A signed-in person who chose nothing follows their browser too.
    assert tenant.poc.language == ""
    signed_in = client_for(tenant.poc).get("/notifications/", HTTP_ACCEPT_LANGUAGE="pt-BR")
    assert html_lang(signed_in) == "pt"


def test_the_persons_choice_beats_accept_language_and_the_cookie(tenant: Tenant) -> None:
    tenant.poc.language = "fr"
    tenant.poc.save()
    client = client_for(tenant.poc)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    response = client.get("/notifications/", HTTP_ACCEPT_LANGUAGE="es")
    assert html_lang(response) == "fr"
    # The browser keeps the choice after signing out: the cookie now says fr.
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "fr"


def test_the_switcher_is_on_every_page_and_works_without_javascript(tenant: Tenant) -> None:
    html = Client().get("/members/").content.decode()
    form = re.search(r'<form class="language-switcher" method="post" action="([^"]+)">', html)
    assert form
    assert form.group(1) == "/i18n/setlang/"
    assert '<label for="language-switcher">Language</label>' in html
    for code, name in (("en", "English"), ("es", "Español"), ("fr", "Français")):
        assert f'<option value="{code}" lang="{code}"' in html
        assert name in html
    assert '<input type="hidden" name="next" value="/members/">' in html
    # Cached for every visitor: no per-visitor CSRF token on an anonymous page.
    assert "csrfmiddlewaretoken" not in html

    client = Client(enforce_csrf_checks=True)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/members/"})
    assert response.status_code == 302
    assert response["Location"] == "/members/"
    assert html_lang(client.get("/members/")) == "es"


def test_the_switcher_saves_a_signed_in_persons_choice_for_every_browser(tenant: Tenant) -> None:
    client = client_for(tenant.poc)
    response = client.post("/i18n/setlang/", {"language": "pt", "next": "/notifications/"})
    assert response.status_code == 302
    tenant.poc.refresh_from_db()
    assert tenant.poc.language == "pt"
    # Another browser, where the person signs in again: Portuguese, whatever it sends.
    elsewhere = client_for(tenant.poc)
    assert html_lang(elsewhere.get("/notifications/", HTTP_ACCEPT_LANGUAGE="es")) == "pt"


def test_a_signed_in_switch_needs_the_csrf_token(tenant: Tenant) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(tenant.poc)
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/notifications/"})
    assert response.status_code == 403
    tenant.poc.refresh_from_db()
    assert tenant.poc.language == ""
    page = client.get("/notifications/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token
    response = client.post(
        "/i18n/setlang/",
        {"language": "es", "next": "/notifications/", "csrfmiddlewaretoken": token.group(1)},
    )
    assert response.status_code == 302
    tenant.poc.refresh_from_db()
    assert tenant.poc.language == "es"


def test_an_unknown_language_changes_nothing(tenant: Tenant) -> None:
    client = client_for(tenant.poc)
    client.post("/i18n/setlang/", {"language": "de", "next": "/"})
    tenant.poc.refresh_from_db()
    assert tenant.poc.language == ""


# --- Emails in the recipient's language --------------------------------------------------------


def test_a_reminder_to_a_spanish_speaking_poc_is_in_spanish(
    spanish: None, tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    tenant.poc.language = "es"
    tenant.poc.save()
    tenant.officer.language = "fr"
    tenant.officer.save()
    # The first plan is due on 2026-07-10 (tests/status/test_notifications.py): 30 days before, the
    # Points of Contact are reminded, by the Celery task as the beat runs it.
    with (
        time_machine.travel(datetime(2026, 6, 10, 12, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        tasks.sweep_reminders.delay()
    (message,) = [m for m in mail.outbox if m.to == [tenant.poc.email]]
    assert message.subject == (
        "[OGP Local] Vence en 30 días: el primer plan de acción de Villa Example"
    )
    assert "10 de julio de 2026" in message.body  # Django's Spanish date format
    html = message.alternatives[0][0]
    assert '<html lang="es">' in str(html)
    # What the portal shows under /notifications/ is what was sent.
    assert tenant.poc.notifications.get().subject == message.subject


def test_a_person_without_a_choice_gets_the_portals_language(tenant: Tenant) -> None:
    assert recipient_language(tenant.poc) == settings.LANGUAGE_CODE == "en"
    tenant.poc.language = "pt"
    assert recipient_language(tenant.poc) == "pt"


def test_notices_to_several_people_go_out_in_each_ones_language(
    spanish: None, django_capture_on_commit_callbacks: Capture
) -> None:
    StaffFactory(email="ana@example.org", language="es")
    StaffFactory(email="bob@example.org", language="")
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        outbox.notify(
            to=["ana@example.org", "bob@example.org", "nobody@example.org"],
            template="email/plan_reviewed",
            key="plan-reviewed:test",
            topic=Notification.Topic.DECISION,
            link="/",
            context={"plan": "P", "accepted": True, "comments": ""},
        )
    # One email each, in their own language; an address without an account in the portal's.
    assert sorted((message.to, message.subject) for message in mail.outbox) == [
        (["ana@example.org"], "[OGP Local] La Unidad de Apoyo aceptó P"),
        (["bob@example.org"], "[OGP Local] The Support Unit accepted P"),
        (["nobody@example.org"], "[OGP Local] The Support Unit accepted P"),
    ]


def test_allauths_password_reset_email_is_in_the_persons_language(
    tenant: Tenant, django_capture_on_commit_callbacks: Capture
) -> None:
    tenant.poc.language = "es"
    tenant.poc.save()
    from allauth.account.models import EmailAddress

    EmailAddress.objects.get_or_create(
        user=tenant.poc, email=tenant.poc.email, defaults={"verified": True, "primary": True}
    )
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": tenant.poc.email})
    (message,) = mail.outbox
    with translation.override("es"):
        expected = translation.gettext("Password Reset Email")
    assert expected != "Password Reset Email"  # allauth ships Spanish
    assert expected in message.subject


# --- Dates, numbers, country names -------------------------------------------------------------


def test_dates_follow_the_language() -> None:
    day = date(2026, 12, 1)
    with translation.override("en"):
        assert date_format(day, "DATE_FORMAT") == "1 December 2026"
        assert date_format(day, "SHORT_DATE_FORMAT") == "1 Dec 2026"
    with translation.override("es"):
        assert date_format(day, "DATE_FORMAT") == "1 de diciembre de 2026"
        assert date_format(day, "SHORT_DATE_FORMAT") == "01/12/2026"
    with translation.override("fr"):
        assert date_format(day, "DATE_FORMAT") == "1 décembre 2026"
    with translation.override("pt"):
        assert date_format(day, "DATE_FORMAT") == "1 de Dezembro de 2026"


def test_the_member_page_localises_dates_and_the_country(tenant: Tenant) -> None:
    tenant.jurisdiction.country = "DE"
    tenant.jurisdiction.joined_on = date(2026, 3, 10)
    tenant.jurisdiction.save()
    pages = {
        language: Client()
        .get("/members/villa-example/", HTTP_ACCEPT_LANGUAGE=language)
        .content.decode()
        for language in ("en", "es", "fr", "pt")
    }
    assert "10 March 2026" in pages["en"]
    assert "Germany" in pages["en"]
    assert "10 de marzo de 2026" in pages["es"]
    assert "Alemania" in pages["es"]
    assert "10 mars 2026" in pages["fr"]
    assert "Allemagne" in pages["fr"]
    assert "Alemanha" in pages["pt"]


def test_the_calendar_writes_months_and_words_in_the_language(tenant: Tenant) -> None:
    plan = ActionPlanFactory(
        lead_jurisdiction=tenant.jurisdiction,
        starts_on=date(2027, 1, 1),
        ends_on=date(2027, 12, 31),
        submitted_on=None,
    )
    with translation.override("en"):
        english = draw_calendar(calendar_data(plan, [], date(2026, 11, 1)))
    with translation.override("es"):
        spanish = draw_calendar(calendar_data(plan, [], date(2026, 11, 1)))
    assert "<title>January 2027</title>" in english
    assert "<title>enero de 2027</title>" in spanish
    assert ">E</text>" in spanish  # enero's initial, where English has J
    assert "1 Jan 2027" in english
    assert "01/01/2027" in spanish


def test_the_dashboards_figures_are_kept_once_for_every_language(tenant: Tenant) -> None:
    """A signed-in reader's dashboard reads its aggregate from the cache in any language; the
    areas' names are put in the reader's language on each page, not kept with the figures."""
    seed_policy_areas()  # the migration seeds them; a transactional test may have flushed them
    plan = ActionPlanFactory(lead_jurisdiction=tenant.jurisdiction, submitted_on=date(2026, 6, 1))
    commitment = CommitmentFactory(plan=plan, added_on=date(2026, 6, 1))
    commitment.policy_areas.set([PolicyArea.objects.get(code="justice")])
    client = client_for(tenant.poc)
    english = client.get("/dashboard/policy-areas/", HTTP_ACCEPT_LANGUAGE="en")
    with count_queries() as queries:
        spanish = client.get("/dashboard/policy-areas/", HTTP_ACCEPT_LANGUAGE="es")
    assert not [q for q in queries.captured_queries if "commitments_policyarea" in q["sql"]]
    assert "Justice" in english.content.decode()
    assert "Justicia" in spanish.content.decode()
    assert "Justice" not in spanish.content.decode()


def test_policy_area_names_follow_the_language(spanish: None) -> None:
    seed_policy_areas()  # the migration seeds them; a transactional test may have flushed them
    justice = PolicyArea.objects.get(code="justice")
    assert justice.name == "Justice"  # stored, exported and exchanged in English
    with translation.override("es"):
        assert str(justice) == justice.label == "Justicia"
    with translation.override("en"):
        assert str(justice) == "Justice"


# --- The plan stays in English -----------------------------------------------------------------


def test_the_plans_own_texts_are_marked_english_when_the_page_is_not(tenant: Tenant) -> None:
    plan = ActionPlanFactory(
        lead_jurisdiction=tenant.jurisdiction,
        starts_on=date(2026, 6, 1),
        ends_on=date(2027, 12, 31),
        submitted_on=date(2026, 6, 1),
        vision="A city whose decisions are open to all.",
    )
    CommitmentFactory(plan=plan, title="Open contracting", added_on=date(2026, 6, 1))
    english = Client().get("/members/villa-example/").content.decode()
    spanish = Client().get("/members/villa-example/", HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert not re.search(r'<(?!html|option)\w+[^>]* lang="en"', english)
    assert '<dd lang="en">A city whose decisions are open to all.</dd>' in spanish
    assert '<h4 lang="en">Open contracting</h4>' in spanish


def test_the_plan_pdf_says_its_language(tenant: Tenant) -> None:
    from django.template.loader import render_to_string

    plan = ActionPlanFactory(lead_jurisdiction=tenant.jurisdiction, submitted_on=None)
    context = {"plan": plan, "commitments": [], "calendar": "", "today": date(2026, 6, 1)}
    with translation.override("fr"):
        html = render_to_string("workspace/plan_pdf.html", context)
    assert '<html lang="fr">' in html
    assert f'<h1 lang="en">{plan}</h1>' in html
    with translation.override("en"):
        assert '<html lang="en">' in render_to_string("workspace/plan_pdf.html", context)


# --- The public cache --------------------------------------------------------------------------


def test_the_public_cache_keeps_the_languages_apart(spanish: None, tenant: Tenant) -> None:
    def get(**headers: str) -> Any:
        return Client().get("/members/villa-example/", **headers)

    spanish_page = get(HTTP_ACCEPT_LANGUAGE="es")
    assert "Por qué este estado" in spanish_page.content.decode()
    english_page = get()  # cached by now in Spanish: must not be served to an English reader
    assert html_lang(english_page) == "en"
    assert "Why this status" in english_page.content.decode()
    assert "Por qué este estado" not in english_page.content.decode()
    by_cookie = Client()
    by_cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    assert "Por qué este estado" in by_cookie.get("/members/villa-example/").content.decode()
    for response in (spanish_page, english_page):
        vary = {part.strip().lower() for part in response["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary
        assert response["Content-Language"] in ("es", "en")


def test_signed_in_pages_are_never_cached_across_languages(tenant: Tenant) -> None:
    client = client_for(tenant.poc)
    assert html_lang(client.get("/members/villa-example/", HTTP_ACCEPT_LANGUAGE="fr")) == "fr"
    User.objects.filter(pk=tenant.poc.pk).update(language="pt")
    assert html_lang(client.get("/members/villa-example/", HTTP_ACCEPT_LANGUAGE="fr")) == "pt"


def test_an_api_token_answers_in_its_owners_language(tenant: Tenant) -> None:
    from ogplocal.api.tokens import create_token

    tenant.poc.language = "fr"
    tenant.poc.save()
    _token, key = create_token(user=tenant.poc, name="script")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    response = client.get("/api/v1/plans/999999/", HTTP_ACCEPT_LANGUAGE="es")
    assert response.status_code == 404
    assert response["Content-Language"] == "fr"
    with translation.override("fr"):
        assert response.json()["message"] == translation.gettext("Not found.")

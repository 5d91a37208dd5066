"""The demo accounts and jurisdictions that `make run` loads (documented in README.md).

Loading is idempotent: running it again updates the same rows and creates nothing twice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from members.models import (
    Jurisdiction,
    Membership,
    MonitoringBody,
    MonitoringBodyMember,
    Term,
    User,
)
from members.tenancy import Role

DEMO_PASSWORD = "OpenGov-demo-2026"
# Base32, as authenticator apps take it; README.md documents it so a newcomer can sign in as staff.
DEMO_SUPPORT_TOTP_SECRET = "OGPLOCALDEMOTOTPSECRETSUPPORTUNT"


@dataclass(frozen=True)
class DemoJurisdiction:
    slug: str
    name: str
    country: str
    time_zone: str
    joined_on: date
    term: tuple[date, date]


# Real OGP Local members (../shared/data/ogp-local-members.csv); the dates here are illustrative.
DEMO_JURISDICTIONS = (
    DemoJurisdiction(
        "buenos-aires",
        "Buenos Aires",
        "AR",
        "America/Argentina/Buenos_Aires",
        date(2024, 3, 10),
        (date(2023, 12, 10), date(2027, 12, 10)),
    ),
    DemoJurisdiction(
        "tbilisi",
        "Tbilisi",
        "GE",
        "Asia/Tbilisi",
        date(2024, 2, 1),
        (date(2021, 11, 12), date(2025, 11, 12)),
    ),
    DemoJurisdiction(
        "nairobi",
        "Nairobi",
        "KE",
        "Africa/Nairobi",
        date(2025, 1, 15),
        (date(2022, 8, 25), date(2027, 8, 25)),
    ),
    DemoJurisdiction(
        "cartagena-de-indias",
        "Cartagena de Indias",
        "CO",
        "America/Bogota",
        date(2025, 6, 2),
        (date(2024, 1, 1), date(2027, 12, 31)),
    ),
)


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    roles: tuple[tuple[str, Role], ...] = ()
    monitoring_body: bool = False
    support_unit: bool = False


DEMO_MONITORING_BODY = "Observatorio de Gobierno Abierto (demo)"
DEMO_ACCOUNTS = (
    DemoAccount("poc@demo.ogplocal.org", "Lucía Fernández", (("buenos-aires", Role.POC),)),
    DemoAccount("officer@demo.ogplocal.org", "Martín Sosa", (("buenos-aires", Role.OFFICER),)),
    DemoAccount(
        "stakeholder@demo.ogplocal.org",
        "Ana Gómez",
        (("buenos-aires", Role.STAKEHOLDER), ("cartagena-de-indias", Role.STAKEHOLDER)),
    ),
    DemoAccount("monitor@demo.ogplocal.org", "Diego Herrera", monitoring_body=True),
    DemoAccount("support@demo.ogplocal.org", "Support Unit (demo)", support_unit=True),
    DemoAccount("poc.tbilisi@demo.ogplocal.org", "Nino Beridze", (("tbilisi", Role.POC),)),
    DemoAccount("poc.nairobi@demo.ogplocal.org", "Wanjiru Kamau", (("nairobi", Role.POC),)),
)


@transaction.atomic
def load_demo_accounts() -> dict[str, int]:
    """Create or update the demo jurisdictions and accounts; returns how many of each exist."""
    jurisdictions: dict[str, Jurisdiction] = {}
    for demo in DEMO_JURISDICTIONS:
        jurisdiction, _ = Jurisdiction.objects.update_or_create(
            slug=demo.slug,
            defaults={
                "name": demo.name,
                "country": demo.country,
                "time_zone": demo.time_zone,
                "joined_on": demo.joined_on,
                "has_elections": True,
            },
        )
        Term.objects.update_or_create(
            jurisdiction=jurisdiction,
            kind=Term.Kind.TERM,
            starts_on=demo.term[0],
            defaults={"ends_on": demo.term[1]},
        )
        jurisdictions[demo.slug] = jurisdiction

    body, _ = MonitoringBody.objects.get_or_create(name=DEMO_MONITORING_BODY)
    body.selected_jurisdictions.add(jurisdictions["buenos-aires"])

    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.update_or_create(
            email=account.email,
            defaults={
                "name": account.name,
                "is_staff": account.support_unit,
                "is_superuser": account.support_unit,
                "is_active": True,
            },
        )
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
        EmailAddress.objects.update_or_create(
            user=user, email=account.email, defaults={"verified": True, "primary": True}
        )
        for slug, role in account.roles:
            Membership.objects.update_or_create(
                user=user, jurisdiction=jurisdictions[slug], defaults={"role": role}
            )
        if account.monitoring_body:
            MonitoringBodyMember.objects.get_or_create(body=body, user=user)
        if (
            account.support_unit
            and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
        ):
            TOTP.activate(user, DEMO_SUPPORT_TOTP_SECRET)
    return {"jurisdictions": len(jurisdictions), "accounts": len(DEMO_ACCOUNTS)}

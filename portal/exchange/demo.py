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
from django.utils import timezone

from commitments.taxonomy import seed_policy_areas
from members.models import (
    Jurisdiction,
    Membership,
    MonitoringBody,
    MonitoringBodyMember,
    User,
)
from members.tenancy import Role
from portal.exchange.demo_data import DEMO_MONITORING_BODY, demo_exchange
from portal.exchange.importing import import_exchange
from portal.status.evaluation import save_evaluations

DEMO_PASSWORD = "OpenGov-demo-2026"
# Base32, as authenticator apps take it; README.md documents it so a newcomer can sign in as staff.
DEMO_SUPPORT_TOTP_SECRET = "OGPLOCALDEMOTOTPSECRETSUPPORTUNT"


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    roles: tuple[tuple[str, Role], ...] = ()
    monitoring_body: bool = False
    support_unit: bool = False


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


def load_demo(today: date | None = None) -> dict[str, int]:
    """Load the demo members (once) and the demo accounts, then evaluate every status.

    The members are imported from `portal.exchange.demo_data.demo_exchange(today)` only when none
    of them exists yet: a database that has them keeps its data as it is (a later run changes
    nothing but the statuses, evaluated as of `today`). Delete db.sqlite3 for a fresh demo.
    """
    seed_policy_areas()  # reference data a flushed database may lack
    today = today or timezone.localdate()
    data = demo_exchange(today)
    slugs = [item["slug"] for item in data["jurisdictions"]]
    imported = not Jurisdiction.objects.filter(slug__in=slugs).exists()
    if imported:
        import_exchange(data, reason="load_demo")
    load_demo_accounts()
    save_evaluations(reason="load_demo")  # each member on its own local today
    return {
        "jurisdictions": len(slugs),
        "accounts": len(DEMO_ACCOUNTS),
        "imported": int(imported),
    }


@transaction.atomic
def load_demo_accounts() -> dict[str, int]:
    """Create or update one demo account per role on the demo members (idempotent)."""
    jurisdictions = {j.slug: j for j in Jurisdiction.objects.all()}
    body, _ = MonitoringBody.objects.get_or_create(name=DEMO_MONITORING_BODY)
    if "buenos-aires" in jurisdictions:
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
            if slug in jurisdictions:
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
    return {"accounts": len(DEMO_ACCOUNTS)}

"""factory_boy factories for the portal's models."""

from __future__ import annotations

from datetime import date
from typing import Any

import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from django.utils.text import slugify

from members.models import (
    Invitation,
    Jurisdiction,
    Membership,
    MonitoringBody,
    MonitoringBodyMember,
    Term,
    User,
)
from members.tenancy import Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        if create:
            EmailAddress.objects.get_or_create(
                user=obj, email=obj.email, defaults={"verified": True, "primary": True}
            )


class StaffFactory(UserFactory):
    is_staff = True

    @factory.post_generation
    def totp(obj: User, create: bool, extracted: Any, **kwargs: Any) -> None:  # noqa: N805
        """Staff set up TOTP unless built with totp=False."""
        if create and extracted is not False:
            TOTP.activate(obj, generate_totp_secret())


class JurisdictionFactory(factory.django.DjangoModelFactory[Jurisdiction]):
    class Meta:
        model = Jurisdiction
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Villa Example {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    country = "AR"
    time_zone = "America/Argentina/Buenos_Aires"
    has_elections = True
    joined_on = date(2026, 3, 10)


class TermFactory(factory.django.DjangoModelFactory[Term]):
    class Meta:
        model = Term

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    starts_on = date(2025, 12, 10)
    ends_on = date(2030, 1, 1)


class MembershipFactory(factory.django.DjangoModelFactory[Membership]):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    jurisdiction = factory.SubFactory(JurisdictionFactory)
    role = Role.POC


class MonitoringBodyFactory(factory.django.DjangoModelFactory[MonitoringBody]):
    class Meta:
        model = MonitoringBody
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"University of Example {n}")

    @factory.post_generation
    def selected_jurisdictions(
        self: MonitoringBody, create: bool, extracted: Any, **kw: Any
    ) -> None:
        if create and extracted:
            self.selected_jurisdictions.add(*extracted)


class MonitoringBodyMemberFactory(factory.django.DjangoModelFactory[MonitoringBodyMember]):
    class Meta:
        model = MonitoringBodyMember

    body = factory.SubFactory(MonitoringBodyFactory)
    user = factory.SubFactory(UserFactory)


class InvitationFactory(factory.django.DjangoModelFactory[Invitation]):
    class Meta:
        model = Invitation

    jurisdiction = factory.SubFactory(JurisdictionFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Role.OFFICER


def has_totp(user: User) -> bool:
    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

"""The API's base classes are safe by construction: a viewset reads rows only through its base's
`get_queryset` (`restrict()`, or the person's own rows) and narrows them with `narrow()`; a class
that overrides `get_queryset` is refused when it is defined. The acting user is typed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.test import RequestFactory
from rest_framework import exceptions, mixins
from rest_framework.request import Request

from commitments.api import ChangeProposalViewSet
from members.api import (
    ExtensionRequestViewSet,
    NotificationViewSet,
    VoluntaryInactivityRequestViewSet,
)
from members.models import Jurisdiction, User
from members.tenancy import Action, acting_user, signed_in_user
from ogplocal.api.base import OwnRowsViewSet, PublicViewSet, TenantViewSet
from ogplocal.api.urls import public_router, router

BASE_ROWS = {
    TenantViewSet.get_queryset,
    OwnRowsViewSet.get_queryset,
    PublicViewSet.get_queryset,
}


def test_a_tenant_viewset_that_overrides_get_queryset_is_refused_when_defined() -> None:
    with pytest.raises(TypeError, match=r"overrides get_queryset\(\).*narrow\(queryset\)"):

        class Bypass(mixins.ListModelMixin, TenantViewSet):
            model = Jurisdiction

            def get_queryset(self) -> QuerySet[Any]:
                return Jurisdiction.objects.all()


def test_a_mixin_that_overrides_get_queryset_is_refused_too() -> None:
    class EveryRow:
        def get_queryset(self) -> QuerySet[Any]:
            return Jurisdiction.objects.all()

    with pytest.raises(TypeError, match=r"EveryRow overrides get_queryset\(\)"):

        class Bypass(EveryRow, TenantViewSet):
            model = Jurisdiction


def test_overriding_restricted_is_refused() -> None:
    with pytest.raises(TypeError, match=r"overrides restricted\(\)"):

        class Bypass(TenantViewSet):
            model = Jurisdiction

            def restricted(self, action: Action = Action.VIEW) -> QuerySet[Any]:
                return Jurisdiction.objects.all()


def test_public_and_own_rows_viewsets_are_sealed_as_well() -> None:
    with pytest.raises(TypeError, match=r"overrides get_queryset\(\)"):

        class PublicBypass(PublicViewSet):
            model = Jurisdiction

            def get_queryset(self) -> QuerySet[Any]:
                return Jurisdiction.objects.all()

    with pytest.raises(TypeError, match=r"overrides get_queryset\(\)"):

        class OwnBypass(OwnRowsViewSet):
            model = Jurisdiction

            def get_queryset(self) -> QuerySet[Any]:
                return Jurisdiction.objects.all()


def test_narrowing_through_the_hook_is_accepted() -> None:
    class Narrowed(mixins.ListModelMixin, TenantViewSet):
        model = Jurisdiction
        read_action = Action.VIEW_PRIVATE

        def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
            return queryset.order_by("slug")

    assert Narrowed.get_queryset is TenantViewSet.get_queryset


@pytest.mark.parametrize(
    "registered",
    [*router.registry, *public_router.registry],
    ids=lambda registered: registered[2],
)
def test_every_routed_viewset_reads_its_rows_through_its_base(registered: tuple) -> None:
    viewset = registered[1]
    assert viewset.get_queryset in BASE_ROWS
    assert "narrow" in {name for klass in viewset.__mro__ for name in vars(klass)}


def test_what_is_never_public_is_read_with_view_private() -> None:
    for viewset in (
        ChangeProposalViewSet,
        ExtensionRequestViewSet,
        VoluntaryInactivityRequestViewSet,
    ):
        assert viewset.read_action is Action.VIEW_PRIVATE
    assert NotificationViewSet.owner_field == "recipient"


def test_the_acting_user_is_the_signed_in_person() -> None:
    request = RequestFactory().get("/")
    person = User(email="person@example.org")
    request.user = person
    assert acting_user(request) is person
    assert signed_in_user(request) is person
    api_request = Request(request)
    api_request.user = person
    assert acting_user(api_request) is person


def test_nobody_signed_in_has_no_acting_user() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    assert signed_in_user(request) is None
    with pytest.raises(PermissionDenied):
        acting_user(request)
    view = TenantViewSet()
    view.request = Request(request)
    view.request.user = AnonymousUser()
    with pytest.raises(exceptions.NotAuthenticated):
        _ = view.actor

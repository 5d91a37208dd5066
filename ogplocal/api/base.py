"""What every API view shares: access policies, restricted querysets, conditional GET, throttles."""

from __future__ import annotations

import hashlib
import json
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Model, QuerySet
from django.utils import translation
from django.utils.translation import gettext as _
from rest_framework import exceptions, permissions, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from members.tenancy import Action, acting_user
from ogplocal.access import Policy

if TYPE_CHECKING:
    from members.models import User

# The methods that decide which rows a view reads. Only the base classes of this module define
# them, each through `restrict()` (or the person's own rows); a subclass narrows with `narrow()`.
SEALED = ("get_queryset", "restricted")


class SealedRows:
    """Refuses, when a subclass is defined, an override of the methods of `SEALED`.

    An override of `get_queryset` could read rows past `restrict()` (the defect safe by
    construction rules out, issue 17): the class is refused at import, before any request.
    """

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The class and its mixins, down to the first base class of this module, which decides.
        for klass in cls.__mro__:
            if klass.__module__ == __name__:
                break
            for name in SEALED:
                if name in vars(klass):
                    raise TypeError(
                        f"{cls.__module__}.{cls.__qualname__}: {klass.__qualname__} overrides "
                        f"{name}(), which could read rows past restrict(). Narrow the "
                        "restricted rows in narrow(queryset) instead (and name the action a row "
                        "must allow in read_action)."
                    )


class SignedInViewSet(SealedRows, viewsets.GenericViewSet[Any]):
    """A signed-in person's API: their language, the typed `actor`, rows narrowed by `narrow()`."""

    permission_classes = (permissions.IsAuthenticated,)
    model: ClassVar[type[Model]]
    lookup_value_converter = "int"

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        # A token carries no session, so UserLanguageMiddleware did not see who asks: the
        # person's chosen language applies to the messages of the answer too (issue 12).
        language = getattr(request.user, "language", "")
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = language  # type: ignore[attr-defined]

    @property
    def actor(self) -> User:
        """The signed-in person who acts (the permission classes let nobody else this far)."""
        if not self.request.user.is_authenticated:
            raise exceptions.NotAuthenticated
        return acting_user(self.request)

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        """The hook of a subclass: order, filter further, select related rows."""
        return queryset


class TenantViewSet(SignedInViewSet):
    """A jurisdiction's data, read through `restrict(user, read_action)` only.

    Subclasses name `model`; they may narrow the rows in `narrow()` but never bypass `restrict`
    (an override of `get_queryset` is refused when the class is defined, see `SealedRows`).
    A missing row and a forbidden one are the same 404.
    """

    access_policy: ClassVar[Policy] = Policy.TENANT
    # What a row must allow to be listed and read: VIEW, or VIEW_PRIVATE for what is never public.
    read_action: ClassVar[Action] = Action.VIEW

    def restricted(self, action: Action = Action.VIEW) -> QuerySet[Any]:
        user = self.request.user if self.request else None
        return self.model._default_manager.restrict(user, action)  # type: ignore[attr-defined]

    def get_queryset(self) -> QuerySet[Any]:
        return self.narrow(self.restricted(self.read_action))

    def permitted[Row: Model](self, row: Row, action: Action) -> Row:
        """`row` when the user may do `action` on it; 403 (the row is visible, the action not)."""
        manager: Any = type(row)._default_manager
        if not manager.restrict(self.request.user, action).filter(pk=row.pk).exists():
            raise exceptions.PermissionDenied(_("Your role does not allow this here."))
        return row

    def visible[Row: Model](self, model: type[Row], pk: Any, field: str) -> Row:
        """The row `pk` the user may see, or a 400 on `field` (a body names it, not the path)."""
        manager: Any = model._default_manager
        row = manager.restrict(self.request.user, Action.VIEW).filter(pk=pk).first()
        if row is None:
            raise exceptions.ValidationError({field: [_("No such record, or not visible to you.")]})
        return row


class OwnRowsViewSet(SignedInViewSet):
    """The signed-in person's own rows (`owner_field` names them), never anybody else's."""

    access_policy: ClassVar[Policy] = Policy.SIGNED_IN
    owner_field: ClassVar[str]

    def get_queryset(self) -> QuerySet[Any]:
        user = self.request.user
        if not user.is_authenticated:  # the schema generator asks without a person
            return self.model._default_manager.none()
        return self.narrow(self.model._default_manager.filter(**{self.owner_field: user}))


def etag_of(data: Any) -> str:
    body = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True).encode()
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


class ConditionalReads:
    """ETag on every read; `If-None-Match` with the current ETag answers 304 without a body."""

    def finalize_response(self, request: Request, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        if (
            request.method in ("GET", "HEAD")
            and isinstance(response, Response)
            and response.status_code == 200
            and response.data is not None
        ):
            etag = etag_of(response.data)
            response["ETag"] = etag
            response["Cache-Control"] = "public, max-age=0, must-revalidate"
            sent = [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]
            if etag in sent or "*" in sent:
                not_modified = Response(status=304, headers={"ETag": etag})
                not_modified.accepted_renderer = response.accepted_renderer
                not_modified.accepted_media_type = response.accepted_media_type
                not_modified.renderer_context = response.renderer_context
                return not_modified
        return response


class PublicViewSet(SealedRows, ConditionalReads, viewsets.ReadOnlyModelViewSet[Any]):
    """Published data only, whoever asks: `restrict(None, Action.VIEW)`, as the public pages.

    Subclasses narrow the rows in `narrow()`; an override of `get_queryset` is refused."""

    access_policy: ClassVar[Policy] = Policy.PUBLIC
    permission_classes = (permissions.AllowAny,)
    model: ClassVar[type[Model]]
    lookup_value_converter = "int"

    def get_queryset(self) -> QuerySet[Any]:
        return self.narrow(self.model._default_manager.restrict(None, Action.VIEW))  # type: ignore[attr-defined]

    def narrow(self, queryset: QuerySet[Any]) -> QuerySet[Any]:
        return queryset

"""Every API error has one shape: `{"message": "...", "errors": {"field": ["..."]}}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from ogplocal.exceptions import ActionRefused

NON_FIELD = "non_field_errors"


class ErrorSerializer(serializers.Serializer[Any]):
    """The one error shape (documented for every operation by `ogplocal.api.schema`)."""

    message = serializers.CharField()
    errors = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


def _flatten(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    if isinstance(detail, dict):
        flat: dict[str, list[str]] = {}
        for key, value in detail.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            for field, messages in _flatten(value, name).items():
                flat.setdefault(field, []).extend(messages)
        return flat
    if isinstance(detail, list):
        flat = {}
        for index, value in enumerate(detail):
            if isinstance(value, dict | list):
                inner = _flatten(value, f"{prefix}[{index}]" if prefix else f"[{index}]")
            else:
                inner = {prefix or NON_FIELD: [str(value)]}
            for field, messages in inner.items():
                flat.setdefault(field, []).extend(messages)
        return flat
    return {prefix or NON_FIELD: [str(detail)]}


def error_body(message: str, errors: dict[str, list[str]] | None = None) -> dict[str, Any]:
    return {"message": message, "errors": errors or {}}


def handle_exception(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ActionRefused):
        # A business action refused: the rule's own words, beside its field when it names one.
        field = exc.field or NON_FIELD
        return Response(error_body(exc.message, {field: [exc.message]}), status=400)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD: exc.messages}
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        messages = [m for field_messages in errors.values() for m in field_messages]
        message = messages[0] if len(messages) == 1 else _("The request has errors.")
        response.data = error_body(message, errors)
    else:
        detail = getattr(exc, "detail", None) or _("The request failed.")
        response.data = error_body(str(detail))
    if response.status_code == status.HTTP_401_UNAUTHORIZED and "WWW-Authenticate" not in response:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response

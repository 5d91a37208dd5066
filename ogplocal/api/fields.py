"""What every app's API module shares: the serializer bases, the field helpers and `valid()`.

Reads are model serializers (`Row`) over restricted querysets; writes are plain serializers
(`Plain`) whose validated data become the keyword arguments of a business action.
"""

from __future__ import annotations

from typing import Any

from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request

# A row's id, in a filter or in a body: a positive 32-bit integer (anything else is a 400, never
# a database error).
ID_FILTER: dict[str, Any] = {"min_value": 1, "max_value": 2**31 - 1}

# The parsers of an action that uploads files.
MULTIPART = (MultiPartParser, FormParser)


class Row(serializers.ModelSerializer[Any]):
    """A read of a model row."""


class Plain(serializers.Serializer[Any]):
    """A plain shape: a write's arguments, or a read that is not a row."""


def text(max_length: int = 20000) -> serializers.CharField:
    """An optional text: blank by default."""
    return serializers.CharField(
        max_length=max_length, allow_blank=True, required=False, default=""
    )


def valid(serializer_class: type[serializers.Serializer[Any]], request: Request) -> dict[str, Any]:
    """The request body in the shape of `serializer_class`, or a 400 in the one error shape."""
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return dict(data.validated_data)

"""Schema post-processing: every operation documents the one error shape for the statuses the
API can answer with, and public reads document their conditional 304."""

from __future__ import annotations

from typing import Any

from drf_spectacular.authentication import SessionScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_REF = {"$ref": "#/components/schemas/Error"}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "message": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": {"type": "array", "items": {"type": "string"}},
        },
    },
    "required": ["message", "errors"],
}
ERROR_STATUSES = {
    "400": "The request is not valid, or a business rule refused it.",
    "401": "Not signed in, or the API token is unknown or revoked.",
    "403": "Signed in, but this action is not yours to take.",
    "404": "Not found, or not visible to you (the same answer).",
    "405": "Method not allowed.",
    "406": "Not acceptable.",
    "415": "Unsupported media type.",
    "429": "Too many requests: slow down.",
}


def add_error_responses(result: dict[str, Any], generator: Any, request: Any, public: bool) -> Any:
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_STATUSES.items():
                responses.setdefault(
                    code,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": ERROR_REF}},
                    },
                )
            if method == "get" and path.startswith("/api/v1/public/"):
                responses.setdefault("304", {"description": "Not modified since the ETag sent."})
    return result


class TokenScheme(OpenApiAuthenticationExtension):
    """Personal API tokens in the schema: `Authorization: Bearer ogpl_...`."""

    target_class = "ogplocal.api.tokens.TokenAuthentication"
    name = "apiToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "bearerFormat": "ogpl_<lookup>_<secret>"}


class StaffAwareSessionScheme(SessionScheme):
    """The portal's session authentication is DRF's with an MFA check for staff: same scheme."""

    target_class = "ogplocal.api.tokens.SessionAuthentication"
    priority = 0

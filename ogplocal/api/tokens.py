"""Personal API tokens: created and revoked by their owner, stored as a SHA-256 of the key only."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from members.models import ApiToken, User
from members.tenancy import has_totp
from ogplocal.exceptions import ActionRefused

# `last_used_at` is written at most once a minute per token, not on every request.
LAST_USED_RESOLUTION_SECONDS = 60


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def may_hold_tokens(user: User) -> bool:
    """Support Unit staff hold tokens only after setting up two-factor authentication."""
    return user.is_active and (not user.is_staff or has_totp(user))


def create_token(*, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token and its key; the key is not stored and cannot be shown again."""
    name = name.strip()
    if not name:
        raise ActionRefused(_("Name the token, such as 'reporting script'."), field="name")
    if not may_hold_tokens(user):
        raise ActionRefused(
            _("Set up two-factor authentication before creating an API token."), field="name"
        )
    lookup = secrets.token_hex(6)
    key = f"{ApiToken.PREFIX}_{lookup}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name[:100], lookup=lookup, key_hash=hash_key(key)
    )
    return token, key


def revoke_token(*, user: User, token_id: int) -> ApiToken:
    token = ApiToken.objects.filter(user=user, pk=token_id).first()
    if token is None:
        raise ActionRefused(_("No such token."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


def user_for_key(key: str) -> tuple[User, ApiToken] | None:
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != ApiToken.PREFIX:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(lookup=parts[1], revoked_at__isnull=True)
        .first()
    )
    if token is None or not hmac.compare_digest(token.key_hash, hash_key(key)):
        return None
    if not may_hold_tokens(token.user):
        return None
    now = timezone.now()
    if (
        token.last_used_at is None
        or (now - token.last_used_at).total_seconds() > LAST_USED_RESOLUTION_SECONDS
    ):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user, token


class TokenAuthentication(authentication.BaseAuthentication):
    """`Authorization: Bearer ogpl_...` (or `Token ogpl_...`)."""

    keywords = ("bearer", "token")

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].decode(errors="replace").lower() not in self.keywords:
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send one key after 'Bearer'."))
        found = user_for_key(header[1].decode(errors="replace"))
        if found is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is unknown or revoked, or its owner may not use tokens.")
            )
        return found

    def authenticate_header(self, request: Request) -> str:
        return 'Bearer realm="api"'


class SessionAuthentication(authentication.SessionAuthentication):
    """The browser session, as DRF's, but Support Unit staff reach the API only after setting up
    two-factor authentication, as with every other staff page (issue 2, issue 9)."""

    def authenticate(self, request: Request) -> tuple[Any, None] | None:
        result = super().authenticate(request)
        if result is not None and not may_hold_tokens(result[0]):
            raise exceptions.AuthenticationFailed(
                _("Support Unit staff set up two-factor authentication before using the API.")
            )
        return result

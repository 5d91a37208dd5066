"""Helpers every business action shares: optional arguments, who changed a record and why.

Each action records its saves with `save_recorded(instance, actor, reason)`, so the history that
django-simple-history keeps names the person and the reason (docs/rules.md §2: nothing submitted
is ever lost).
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils.translation import gettext as _

from ogplocal.exceptions import ActionRefused


class Keep:
    """The value of an optional argument that leaves a field as it is (None may mean "clear")."""

    _instance: Keep | None = None

    def __new__(cls) -> Keep:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "KEEP"

    def __bool__(self) -> bool:
        return False


KEEP = Keep()


CHANGE_REASON_LENGTH = 100  # django-simple-history's history_change_reason field


def record_by(instance: models.Model, actor: AbstractBaseUser | None, reason: str = "") -> None:
    """Name who makes the next save and why, for the history django-simple-history keeps."""
    instance._history_user = actor  # type: ignore[attr-defined]
    if reason:
        # The history's change reason is a varchar(100); PostgreSQL refuses a longer one.
        if len(reason) > CHANGE_REASON_LENGTH:
            reason = reason[: CHANGE_REASON_LENGTH - 1] + "…"
        instance._change_reason = reason  # type: ignore[attr-defined]


def save_recorded(
    instance: models.Model,
    actor: AbstractBaseUser | None,
    reason: str = "",
    *,
    update_fields: list[str] | None = None,
) -> None:
    record_by(instance, actor, reason)
    instance.save(update_fields=update_fields)


def require_reason(reason: str, *, what: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ActionRefused(_("Write the reason for %(what)s.") % {"what": what}, field="reason")
    return reason

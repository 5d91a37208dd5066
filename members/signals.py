"""Receivers of the members app: a person who is deactivated is signed out everywhere."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save, pre_save

from members.models import User
from members.services import end_sessions


def _remember_was_active(sender: type[User], instance: User, **kwargs: Any) -> None:
    update_fields = kwargs.get("update_fields")
    if instance.pk is None or (update_fields is not None and "is_active" not in update_fields):
        instance._was_active = None  # type: ignore[attr-defined]
        return
    stored = User.objects.filter(pk=instance.pk).values_list("is_active", flat=True).first()
    instance._was_active = stored  # type: ignore[attr-defined]


def _end_sessions_when_deactivated(sender: type[User], instance: User, **kwargs: Any) -> None:
    # Issue 10, item 3: sessions end when a user is deactivated. While inactive they are
    # anonymous anyway (ModelBackend refuses inactive users); ending the sessions also keeps an
    # old session from coming back if the account is made active again.
    if getattr(instance, "_was_active", None) and not instance.is_active:
        # At once, not on commit: ending a session of a save that is then rolled back only
        # asks the person to sign in again.
        end_sessions(user=instance)


def connect() -> None:
    pre_save.connect(_remember_was_active, sender=User, dispatch_uid="members:was-active")
    post_save.connect(
        _end_sessions_when_deactivated, sender=User, dispatch_uid="members:end-sessions"
    )

"""Submitted records are never hard-deleted (DESIGN.md §2): neither one by one nor in bulk."""

from __future__ import annotations

from typing import Any, NoReturn

from django.db import models
from django.utils.translation import gettext as _

from members.tenancy import RestrictedQuerySet


class HardDeleteRefused(Exception):
    """Raised by every code path that would delete a submitted record."""


def refuse_delete(model: type[models.Model] | models.Model) -> NoReturn:
    name = model._meta.verbose_name
    raise HardDeleteRefused(
        _("A %(record)s is never deleted: withdraw it or record a correction instead.")
        % {"record": name}
    )


class SubmittedQuerySet(RestrictedQuerySet):
    """A restricted queryset whose bulk delete is refused."""

    def delete(self) -> NoReturn:  # type: ignore[override]
        refuse_delete(self.model)


class SubmittedRecord(models.Model):
    """Base of every model holding submitted data: history is kept, deletion is refused."""

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        refuse_delete(self)

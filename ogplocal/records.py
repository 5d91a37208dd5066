"""Submitted records are never hard-deleted (docs/rules.md §2): neither one by one nor in bulk."""

from __future__ import annotations

from typing import Any, NoReturn

from django.apps import apps
from django.db import models
from django.db.models.signals import pre_delete
from django.utils.translation import gettext as _


class HardDeleteRefused(Exception):
    """Raised by every code path that would delete a submitted record."""


def refuse_delete(model: type[models.Model] | models.Model) -> NoReturn:
    name = model._meta.verbose_name
    raise HardDeleteRefused(
        _(
            "A record of the kind “%(record)s” is never deleted: withdraw it or record a "
            "correction instead."
        )
        % {"record": name}
    )


class RefusesBulkDelete:
    """A queryset whose bulk delete is refused (members.tenancy.SubmittedQuerySet adds the
    restriction to what a user may do)."""

    model: type[models.Model]

    def delete(self) -> NoReturn:
        refuse_delete(self.model)

    def _raw_delete(self, using: Any) -> NoReturn:
        # The delete without signals the deletion collector uses for fast deletes.
        refuse_delete(self.model)


class SubmittedRecord(models.Model):
    """Base of every model holding submitted data: history is kept, deletion is refused."""

    class Meta:
        abstract = True

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        refuse_delete(self)


# Every foreign key of a submitted record is PROTECT, so deleting what it points to is refused by
# the database layer. A many-to-many link is a row of its own table that Django deletes with
# either end: deleting a partner jurisdiction of a joint plan, or a policy area, would silently
# take it out of the submitted plan or commitment. These receivers refuse that deletion instead.


def submitted_links(instance: models.Model) -> list[str]:
    """What submitted records link to `instance` through a many-to-many field, in words."""
    found = []
    for model in apps.get_models():
        if not issubclass(model, SubmittedRecord):
            continue
        for field in model._meta.many_to_many:
            if not isinstance(instance, field.related_model):
                continue
            through = field.remote_field.through
            assert through is not None  # an installed model's field is resolved
            count = through._default_manager.filter(
                **{field.m2m_reverse_field_name(): instance.pk}
            ).count()
            if count:
                found.append(f"{count} {model._meta.verbose_name_plural} ({field.verbose_name})")
    return found


def _refuse_deleting_linked(
    sender: type[models.Model], instance: models.Model, **kwargs: Any
) -> None:
    links = submitted_links(instance)
    if links:
        raise HardDeleteRefused(
            _(
                "%(record)s “%(name)s” is linked to %(links)s: submitted records are never "
                "changed by deleting what they name."
            )
            % {"record": instance._meta.verbose_name, "name": instance, "links": ", ".join(links)}
        )


def protect_many_to_many_links() -> None:
    """Connect the refusal to every model a submitted record links to by many-to-many."""
    for model in apps.get_models():
        if issubclass(model, SubmittedRecord):
            for field in model._meta.many_to_many:
                pre_delete.connect(
                    _refuse_deleting_linked,
                    sender=field.related_model,
                    dispatch_uid=f"records:m2m:{field.related_model._meta.label}",
                )

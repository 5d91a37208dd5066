"""What every admin of submitted data shares: its history is shown and nothing is deleted."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from ogplocal.records import submitted_links


class SubmittedRecordAdmin(SimpleHistoryAdmin):
    """Support Unit staff read and correct submitted records; the history keeps every change."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class LinkedFromSubmittedAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The admin of what submitted records link to by many-to-many (policy areas): one that is
    linked is shown as protected, so neither its delete page nor the bulk action deletes it."""

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        for obj in objs:
            links = submitted_links(obj)
            if links:
                protected = [*protected, f"{obj}: {', '.join(links)}"]
        return deleted, counts, perms_needed, protected

"""What every admin of submitted data shares: its history is shown and nothing is deleted."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin


class SubmittedRecordAdmin(SimpleHistoryAdmin):
    """Support Unit staff read and correct submitted records; the history keeps every change."""

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

"""The one error a business action raises when it refuses: its message is for the person asking."""

from __future__ import annotations


class ActionRefused(Exception):
    """A business rule refused the action; `message` says why in words a POC understands.

    `field` names the form field the refusal is about, when there is one, so a form can show the
    message beside it.
    """

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field

    def __str__(self) -> str:
        return self.message

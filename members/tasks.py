"""Celery tasks of the outbox (members/outbox.py): each calls a service (docs/architecture.md: thin
tasks).

Every task is idempotent: running one twice (a message handed out again after a worker died, a
beat entry run by hand) sends nothing new. They are acknowledged after they ran
(CELERY_TASK_ACKS_LATE), and the beat schedule is in ogplocal/celery.py. The daily jobs' tasks are
in portal/status/tasks.py; they keep their historic names `members.tasks.…`.
"""

from __future__ import annotations

from celery import shared_task

from members import outbox

# Defined beside the outbox, which queues it; imported here so that Celery finds it with the
# other tasks of the app (its name is `members.tasks.send_notification`).
send_notification = outbox.send_task

__all__ = ["resend_unsent_notifications", "send_notification"]


@shared_task(ignore_result=True)
def resend_unsent_notifications() -> int:
    """Beat: queue again the emails still unsent after their retries."""
    return outbox.resend_unsent()

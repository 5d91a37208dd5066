"""Celery tasks of the members app: each imports and calls a service (STYLE.md, thin tasks).

Every task is idempotent: running one twice (a message handed out again after a worker died, a
beat entry run by hand) decides and sends nothing new. They are acknowledged after they ran
(CELERY_TASK_ACKS_LATE), and the beat schedule is in ogplocal/celery.py.
"""

from __future__ import annotations

import smtplib

from celery import shared_task
from django.conf import settings

from members import notifications


@shared_task(ignore_result=True)
def evaluate_statuses(every_member: bool = False) -> int:
    """Beat: fan out the daily status evaluation, one task per batch of members."""
    return notifications.queue_status_evaluations(every_member=every_member)


@shared_task(ignore_result=True)
def evaluate_status_batch(jurisdiction_ids: list[int]) -> int:
    return notifications.evaluate_status_batch(jurisdiction_ids)


@shared_task(ignore_result=True)
def sweep_reminders() -> int:
    """Beat: fan out the deadline reminder sweep, one task per batch of members."""
    return notifications.queue_reminder_sweeps()


@shared_task(ignore_result=True)
def sweep_reminder_batch(jurisdiction_ids: list[int]) -> int:
    return notifications.sweep_reminder_batch(jurisdiction_ids)


@shared_task(ignore_result=True)
def resend_unsent_notifications() -> int:
    """Beat: queue again the emails still unsent after their retries."""
    return notifications.resend_unsent()


@shared_task(
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=settings.NOTIFICATION_RETRY_BACKOFF,
    retry_backoff_max=settings.NOTIFICATION_RETRY_BACKOFF_MAX,
    retry_jitter=True,
    max_retries=settings.NOTIFICATION_MAX_RETRIES,
)
def send_notification(notification_id: int) -> bool:
    return notifications.send_notification(notification_id=notification_id)

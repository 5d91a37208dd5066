"""Celery tasks of the daily jobs (portal/status/jobs.py): each calls a service (thin
tasks, docs/architecture.md).

They keep the names they had when they lived in members/tasks.py (`members.tasks.…`), which the
beat schedule (ogplocal/celery.py), the queue routes (CELERY_TASK_ROUTES) and messages already
queued use. Every task is idempotent: running one twice decides and sends nothing new.
"""

from __future__ import annotations

from celery import shared_task

from portal.status import jobs


@shared_task(name="members.tasks.evaluate_statuses", ignore_result=True)
def evaluate_statuses(every_member: bool = False) -> int:
    """Beat: fan out the daily status evaluation, one task per batch of members."""
    return jobs.queue_status_evaluations(evaluate_status_batch, every_member=every_member)


@shared_task(name="members.tasks.evaluate_status_batch", ignore_result=True)
def evaluate_status_batch(jurisdiction_ids: list[int]) -> int:
    return jobs.evaluate_status_batch(jurisdiction_ids)


@shared_task(name="members.tasks.sweep_reminders", ignore_result=True)
def sweep_reminders() -> int:
    """Beat: fan out the deadline reminder sweep, one task per batch of members."""
    return jobs.queue_reminder_sweeps(sweep_reminder_batch)


@shared_task(name="members.tasks.sweep_reminder_batch", ignore_result=True)
def sweep_reminder_batch(jurisdiction_ids: list[int]) -> int:
    return jobs.sweep_reminder_batch(jurisdiction_ids)

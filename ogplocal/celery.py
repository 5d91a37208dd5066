"""The Celery app: Redis is the broker (REDIS_URL); without it tasks run eagerly in-process.

The beat schedule is here, in code (one beat process schedules it, docs/architecture.md). Every
entry
`expires`: a run that waited in the queue past its next turn is dropped, not run late on top of
the next one. Times are UTC (CELERY_TIMEZONE); each member's "today" is its own (docs/rules.md §2).
"""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogplocal.settings.dev")

app = Celery("ogplocal")
app.config_from_object("django.conf:settings", namespace="CELERY")
# The tasks.py of every installed app (members.tasks: the outbox), and of the status engine, a
# sub-package of the portal app (portal.status.tasks: the daily jobs).
app.autodiscover_tasks()
app.autodiscover_tasks(["portal.status"])

HOUR = 60 * 60

app.conf.beat_schedule = {
    # The daily status evaluation (docs/rules.md §3.3 "the daily job"). It runs every hour but takes
    # only the members whose local day began since they were last evaluated, so each member is
    # evaluated once a day, within the hour after its own midnight, and a missed run catches up.
    "evaluate-member-statuses": {
        "task": "members.tasks.evaluate_statuses",
        "schedule": crontab(minute=5),
        "options": {"expires": 50 * 60},
    },
    # The deadline reminders of §3.2 (30, 7 and 1 days before, and the day after a miss), once a
    # day for every member, on each member's local date.
    "sweep-deadline-reminders": {
        "task": "members.tasks.sweep_reminders",
        "schedule": crontab(hour=6, minute=15),
        "options": {"expires": 12 * HOUR},
    },
    # Emails decided but still unsent after their retries (an SMTP server down for long, a broker
    # that lost its queue) are queued again.
    "resend-unsent-notifications": {
        "task": "members.tasks.resend_unsent_notifications",
        "schedule": crontab(minute=35),
        "options": {"expires": 30 * 60},
    },
}

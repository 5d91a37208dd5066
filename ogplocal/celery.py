"""The Celery app: Redis is the broker (REDIS_URL); without it tasks run eagerly in-process."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ogplocal.settings.dev")

app = Celery("ogplocal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

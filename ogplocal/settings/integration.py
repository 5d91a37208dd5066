"""The settings of the Celery worker that the integration tests start
(tests/platform/test_jobs_worker.py).

The test settings, but tasks go through the broker (REDIS_URL) to a real worker process, the
database is the test database the test names in DATABASE_URL, and email goes to the SMTP server of
EMAIL_URL (the test's own, on loopback). The test may shorten the broker's visibility timeout
(CELERY_VISIBILITY_TIMEOUT) to see a killed worker's task handed out again within seconds.
"""

from .base import mailers_from
from .test import *  # noqa: F403
from .test import env

CELERY_TASK_ALWAYS_EAGER = False
CELERY_BROKER_URL = env("REDIS_URL")
_visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    # How often a worker looks for messages whose visibility timeout has passed (kombu: 10 s).
    "unacked_restore_interval": min(10, _visibility_timeout),
}
MAILERS = mailers_from(env.email_url("EMAIL_URL"))
# Retries a second apart, so a test sees an SMTP server that fails twice within seconds.
NOTIFICATION_RETRY_BACKOFF = 1
NOTIFICATION_RETRY_BACKOFF_MAX = 2

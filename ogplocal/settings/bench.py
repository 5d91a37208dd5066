"""The benchmark and load runs (bench/, issue 11): production-like settings served on loopback.

DEBUG off, Redis cache and sessions (`cached_db`), persistent connections, WhiteNoise with the
collected static files, email to nowhere; but plain HTTP on 127.0.0.1 (no SSL redirect, no
`__Host-` cookies) and the bench URLconf, which adds the minimal view every page is compared with.
The rate limits stay as the code sets them; a load run raises the API's through
API_THROTTLE_ANON and API_THROTTLE_USER (ogplocal/settings/base.py), `make loadtest` does.
"""

from .base import *  # noqa: F403
from .base import DATABASES, REDIS_URL, env

DEBUG = False
SECRET_KEY = env("SECRET_KEY", default="bench-only-insecure-key")
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if REDIS_URL:
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.dummy.EmailBackend"}}
CELERY_TASK_ALWAYS_EAGER = True
STATIC_ROOT = env.path("STATIC_ROOT", default="/tmp/ogplocal-bench-static")  # noqa: S108
SECURE_SSL_REDIRECT = False
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

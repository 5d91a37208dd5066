"""Settings shared by every environment.

Everything that differs between machines comes from environment variables (django-environ), as
cookiecutter-django does; ``dev``, ``test`` and ``production`` adjust the defaults.
"""

from pathlib import Path
from typing import Any

import environ
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent.parent
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# SECRET_KEY: set by each environment module; production has no default.
ALLOWED_HOSTS: list[str] = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS: list[str] = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "rest_framework",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    # Installed for its catalogues: country names in the reader's language (issue 12).
    "django_countries",
    "members",
    "action_plans",
    "commitments",
    "tracker",
    "assessments",
    "portal",
]

MIDDLEWARE = [
    # Outermost, so every response carries the policy and the framing refusal: the HTTPS redirect
    # of SecurityMiddleware and the static files WhiteNoise serves included (issue 10, item 2).
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A signed-in person's chosen language beats the cookie and Accept-Language (issue 12).
    "members.language.UserLanguageMiddleware",
    # Every view needs a signed-in user unless it is declared public (ogplocal.access).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "members.middleware.StaffMFAMiddleware",
]

ROOT_URLCONF = "ogplocal.urls"
WSGI_APPLICATION = "ogplocal.wsgi.application"
ASGI_APPLICATION = "ogplocal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "members.context_processors.navigation",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Unset under `make run`: an in-process cache and eager Celery tasks, so no server is needed.
REDIS_URL: str | None = env("REDIS_URL", default=None)

if REDIS_URL:
    CACHES = {
        "default": {
            # Django's, reusing its Redis client objects (ogplocal/cache.py).
            "BACKEND": "ogplocal.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="ogplocal"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Files ------------------------------------------------------------------------------------
# Uploads go to the filesystem by default and to any S3-compatible store when STORAGE_BACKEND=s3;
# they are never served from a public media URL (downloads go through views that check access).
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
]
STORAGE_BACKEND = env("STORAGE_BACKEND", default="filesystem")
if STORAGE_BACKEND == "s3":
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL", default=None),
            "region_name": env("S3_REGION", default=None),
            "access_key": env("S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("S3_SECRET_ACCESS_KEY", default=None),
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": None},
    }
STORAGES = {
    "default": _default_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640

# --- Accounts ---------------------------------------------------------------------------------
AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# allauth: email is the login; nobody signs up without an invitation (members.adapters).
ACCOUNT_ADAPTER = "members.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[OGP Local] "
ACCOUNT_PRESERVE_USERNAME_CASING = False
# allauth's own rate limits stay on (its defaults: sign-in failures, password resets, ...); they
# count in the cache, which is Redis wherever REDIS_URL is set.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "OGP Local portal"
INVITATION_VALID_DAYS = 14


# --- Email ------------------------------------------------------------------------------------
# EMAIL_URL, e.g. smtp+tls://user:password@smtp.example.org:587 or consolemail:// (the default).
# Django 6.1 configures mail as MAILERS, like CACHES.
def mailers_from(email: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if email["EMAIL_BACKEND"].endswith("smtp.EmailBackend"):
        options = {
            "host": email.get("EMAIL_HOST") or "localhost",
            "port": email.get("EMAIL_PORT") or 25,
            "username": email.get("EMAIL_HOST_USER", ""),
            "password": email.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": bool(email.get("EMAIL_USE_TLS", False)),
            "use_ssl": bool(email.get("EMAIL_USE_SSL", False)),
            "timeout": env.int("EMAIL_TIMEOUT", default=30),
        }
    return {"default": {"BACKEND": email["EMAIL_BACKEND"], "OPTIONS": options}}


MAILERS = mailers_from(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="OGP Local <no-reply@ogplocal.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Celery -----------------------------------------------------------------------------------
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"

# --- Security headers -------------------------------------------------------------------------
# No inline script or style anywhere, so one policy without nonces holds for every page, cached
# or not (docs/architecture.md). The TOTP set-up page shows its QR code as a data: image.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# --- Internationalisation ---------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("pt", "Português")]
LOCALE_PATHS = [BASE_DIR / "locale"]
# English keeps the portal's "10 July 2026"; es, fr and pt use Django's own formats.
FORMAT_MODULE_PATH = ["ogplocal.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- API --------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
}

# --- Background jobs and email (issue 7) ------------------------------------------------------
# Celery's beat schedule is in ogplocal/celery.py; the tasks are in members/tasks.py (the outbox)
# and portal/status/tasks.py (the daily jobs). Tasks are
# acknowledged after they ran (CELERY_TASK_ACKS_LATE above), so a worker that dies mid-task leaves
# its message to another. Redis hands an unacknowledged message out again after the visibility
# timeout, also one a worker holds for a countdown (a retry): the timeout must stay above the
# longest countdown (NOTIFICATION_RETRY_BACKOFF_MAX), or a retry would run twice.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=2 * 60 * 60),
}
# Named queues (docs/architecture.md): status evaluation in batches of members, and email;
# everything
# else stays on Celery's default queue. docker-compose.yml's worker consumes all three.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "members.tasks.send_notification": {"queue": "email"},
    "members.tasks.*": {"queue": "status"},
}
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Sending an email that the SMTP server refused for now: retried with exponential backoff from
# NOTIFICATION_RETRY_BACKOFF seconds up to NOTIFICATION_RETRY_BACKOFF_MAX, at most
# NOTIFICATION_MAX_RETRIES times (30 s, 1, 2, 4, 8 minutes, then every 10 minutes: about 75
# minutes in all); a row still unsent after that is queued again by the sweep.
NOTIFICATION_RETRY_BACKOFF = 30
NOTIFICATION_RETRY_BACKOFF_MAX = 10 * 60
NOTIFICATION_MAX_RETRIES = 10
# The portal's address, for the links in emails.
PORTAL_URL = env("PORTAL_URL", default="http://localhost:8000").rstrip("/")

# --- REST API (issue 9) -----------------------------------------------------------------------
# /api/v1/ with sessions and personal API tokens (ogplocal.api.tokens), one error shape
# (ogplocal.api.errors), django-filter, pagination; the OpenAPI schema by drf-spectacular at
# /api/schema/ and Swagger UI at /api/docs/ from drf-spectacular-sidecar's files (no CDN).
INSTALLED_APPS += ["django_filters", "drf_spectacular", "drf_spectacular_sidecar"]
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # First: an anonymous request is answered 401 with `WWW-Authenticate: Bearer`.
        "ogplocal.api.tokens.TokenAuthentication",
        "ogplocal.api.tokens.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "ogplocal.api.limits.Pages",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_THROTTLE_CLASSES": [
        "ogplocal.api.limits.AnonThrottle",
        "ogplocal.api.limits.UserThrottle",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "ogplocal.api.errors.handle_exception",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
# Requests per client and period (DRF's "N/second|minute|hour|day"), per environment; the
# counters are kept in the cache (Redis wherever REDIS_URL is set).
API_THROTTLE_ANON = env("API_THROTTLE_ANON", default="120/minute")
API_THROTTLE_USER = env("API_THROTTLE_USER", default="1200/minute")
SPECTACULAR_SETTINGS = {
    "TITLE": "OGP Local portal API",
    "DESCRIPTION": (
        "Action plans, commitments, the quarterly tracker, assessments and member status. "
        "Authenticate with a session or a personal API token (`Authorization: Bearer ogpl_...`, "
        "created under /accounts/tokens/). Every error is `{message, errors}`."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "ogplocal.api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "MeetingKindEnum": "action_plans.models.Meeting.Kind",
        "AssessmentKindEnum": "assessments.models.Assessment.Kind",
    },
}

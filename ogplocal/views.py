"""Views of the project itself: the health check."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ogplocal.access import Policy, access_policy


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means the service is down for the check
        return f"down: {type(error).__name__}"
    return "ok"


def redis_state() -> str:
    if not settings.REDIS_URL:
        return "not configured"
    # The Redis client is only needed where REDIS_URL is set (`make run` has none).
    import redis

    try:
        client = redis.Redis.from_url(
            settings.REDIS_URL, socket_connect_timeout=2, socket_timeout=2
        )
        client.ping()
    except Exception as error:  # any failure means the service is down for the check
        return f"down: {type(error).__name__}"
    return "ok"


@access_policy(Policy.PUBLIC)
@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the state of each service; 503 naming a configured service that is down."""
    services = {"database": database_state(), "redis": redis_state()}
    down = [name for name, state in services.items() if state.startswith("down")]
    body = {"status": "down" if down else "ok", "services": services, "down": down}
    return JsonResponse(body, status=503 if down else 200)

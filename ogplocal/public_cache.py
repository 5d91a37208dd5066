"""Public pages are cached, and every change that could affect them invalidates the cache.

Anonymous GET responses of views decorated with `public_page` are kept in the cache together with
the *generation* number they were rendered at; saving or deleting any row of the portal's own apps
bumps the generation after the transaction commits, so the next request renders afresh. The
generation and the page are read in one `get_many`, one cache round trip (issue 11). Signed-in
people always get a fresh page (their navigation is personal).

`derived` keeps expensive data derived from the portal's rows (a member's rules evaluation, an
aggregate) under the same generation: whatever changes a row makes it stale.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

GENERATION_KEY = "public-pages:generation"
TIMEOUT = 60 * 60
# Apps whose rows can appear on a public page.
PUBLIC_DATA_APPS = ("members", "action_plans", "commitments", "tracker", "assessments")
# Rows that never reach a public page nor decide what derived data a person may see: changing
# them need not empty the cache. Memberships do decide it (`derived` values kept per person, the
# workspace's plans), so their changes count.
PRIVATE_MODELS = {"invitation", "notification", "user"}


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    return _current(value)


def _current(value: Any) -> int:
    """The generation read as `value` (None: evicted or never set, start one)."""
    if value is None:
        cache.add(GENERATION_KEY, 1, timeout=None)
        value = cache.get(GENERATION_KEY, 1)
    return int(value)


def _lookup(key: str) -> tuple[int, Any]:
    """The current generation and the value stored under `key` at that generation (None when
    there is none or it was stored at an earlier one), in one cache round trip."""
    found = cache.get_many([GENERATION_KEY, key])
    current = _current(found.get(GENERATION_KEY))
    stored = found.get(key)
    if isinstance(stored, tuple) and len(stored) == 2 and stored[0] == current:
        return current, stored[1]
    return current, None


def derived(key: str, compute: Callable[[], Any], timeout: int = TIMEOUT) -> Any:
    """`compute()`, kept in the cache under `key` until any row of the portal's data changes.

    `key` must name everything the value depends on besides those rows (the day, the selection,
    what the reader may see)."""
    full_key = f"derived:{key}"
    current, value = _lookup(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, (current, value), timeout)
    return value


def invalidate() -> None:
    """Every cached public page is stale from now on."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # the key was evicted: start a new generation
        cache.set(GENERATION_KEY, generation() + 1, timeout=None)


class _Pending:
    """The invalidation a transaction owes; every change registers a hook, the first to run pays."""

    done = False


def _invalidate_on_commit() -> None:
    """Invalidate once when the transaction commits, however many rows it changed: the daily
    status evaluation saves up to 500 members in one transaction, and 500 increments of the same
    Redis key took longer than the evaluation itself (issue 11). Each change still registers its
    own hook, so a savepoint rolled back takes only its own hooks along."""
    connection = transaction.get_connection()
    pending = getattr(connection, "_public_cache_pending", None)
    if pending is None or pending.done:
        pending = connection._public_cache_pending = _Pending()  # type: ignore[attr-defined]

    def hook() -> None:
        if not pending.done:
            pending.done = True
            invalidate()

    transaction.on_commit(hook)


def _changed(sender: Any, **kwargs: Any) -> None:
    if sender._meta.model_name in PRIVATE_MODELS:
        return
    _invalidate_on_commit()


def connect_invalidation() -> None:
    """Called once from an AppConfig.ready(): watch every model of the public data apps."""
    for label in PUBLIC_DATA_APPS:
        for model in apps.get_app_config(label).get_models():
            uid = f"public-cache:{model._meta.label}"
            post_save.connect(_changed, sender=model, dispatch_uid=uid + ":save")
            post_delete.connect(_changed, sender=model, dispatch_uid=uid + ":delete")
    m2m_changed.connect(_m2m_changed, dispatch_uid="public-cache:m2m")
    # A deployment migrates before it serves (docker-compose.yml): what the code before it kept,
    # pages and pickled rows alike, is never read by the code after it.
    post_migrate.connect(
        _migrated, sender=apps.get_app_config("members"), dispatch_uid="public-cache:migrate"
    )


def _migrated(**kwargs: Any) -> None:
    try:
        invalidate()
    except (RedisError, OSError) as error:  # no cache to serve from either: say so, migrate on
        logger.warning("the public cache could not be emptied after migrating: %s", error)


def _m2m_changed(sender: type, instance: Any, action: str, **kwargs: Any) -> None:
    if action.startswith("post_") and instance._meta.app_label in PUBLIC_DATA_APPS:
        _invalidate_on_commit()


def _has_messages(request: HttpRequest) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and len(storage))


def public_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Cache the anonymous GET response of a public view until the data changes."""

    @functools.wraps(view)
    def cached_view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method != "GET" or request.user.is_authenticated or _has_messages(request):
            return view(request, *args, **kwargs)
        key = f"public-page:{get_language()}:{request.get_full_path()}"
        current, response = _lookup(key)
        if response is None:
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.streaming:
                cache.set(key, (current, response), TIMEOUT)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        return response

    return cached_view

"""The state of the portal a refused write must leave as it was: a checksum of every row of
every portal table, and the number of emails sent (the authorization matrix and the console's
refusals compare one before and after)."""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from django.apps import apps
from django.core import mail
from django.db import connection

from tests.conftest import on_postgres

PORTAL_APPS = {"members", "action_plans", "commitments", "tracker", "assessments", "account", "mfa"}


@functools.cache
def portal_tables() -> list[str]:
    return sorted(
        model._meta.db_table
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in PORTAL_APPS and not model._meta.proxy
    )


def snapshot() -> tuple[Any, ...]:
    """Row counts and a checksum of every row of every portal table, and the mail sent."""
    tables = portal_tables()
    with connection.cursor() as cursor:
        if on_postgres():
            cursor.execute(
                " UNION ALL ".join(
                    f"SELECT '{table}', count(*), "
                    f"md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) "
                    f'FROM "{table}" t'
                    for table in tables
                )
            )
            # UNION ALL keeps no order (PostgreSQL may append the parts in any order).
            rows = tuple(sorted(cursor.fetchall()))
        else:
            found = []
            for table in tables:
                cursor.execute(f'SELECT * FROM "{table}"')
                content = sorted(repr(row) for row in cursor.fetchall())
                found.append(
                    (table, len(content), hashlib.md5("|".join(content).encode()).hexdigest())
                )
            rows = tuple(found)
    return (*rows, ("mail", len(mail.outbox)))


def changed(before: tuple[Any, ...], after: tuple[Any, ...]) -> list[str]:
    return [b[0] for b, a in zip(before, after, strict=True) if b != a]

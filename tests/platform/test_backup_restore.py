"""Backup and restore (issue 10 item 6): what the README's `## Backup and restore` prescribes works.

The test database is populated with the demo members, dumped with `pg_dump --format=custom`,
restored with `pg_restore --no-owner` into a new database of a unique name, and the two are
compared: the row count of every table of the portal's apps (historical and many-to-many tables
included), and the status evaluation of `manage.py evaluate_status --as-of DATE --json` run against
each one. The new database is dropped at the end. Marked `services`: skipped locally without
PostgreSQL and Redis, never under CI=true.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg2
import pytest
from django.apps import apps
from django.conf import settings
from django.db import connection
from psycopg2 import sql

from portal.exchange.demo import load_demo
from portal.status.evaluation import evaluate_members
from tests.conftest import IN_CI

pytestmark = [
    pytest.mark.services,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

ROOT = Path(settings.BASE_DIR)
PORTAL_APPS = ("members", "action_plans", "commitments", "tracker", "assessments")
DEMO_TODAY = date(2026, 11, 23)
AS_OF = date(2027, 2, 15)
TIMEOUT = 30


def client_tool(name: str) -> str:
    """The path of a PostgreSQL client program; missing: a failure under CI, else a skip."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (Debian: postgresql-client)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return path


def libpq_env() -> dict[str, str]:
    """The environment of pg_dump and pg_restore: the test database's server and role."""
    db = connection.settings_dict
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env


def database_url(name: str) -> str:
    """A DATABASE_URL for database `name` on the test database's server."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = db["HOST"] or "127.0.0.1"
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{credentials}@{host}{port}/{name}"


def connect(name: str) -> Any:
    db = connection.settings_dict
    return psycopg2.connect(
        dbname=name,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        connect_timeout=5,
    )


@pytest.fixture
def restored_name() -> Iterator[str]:
    """A new, empty database of a unique name, dropped afterwards."""
    name = f"ogplocal_restore_{uuid.uuid4().hex[:12]}"
    maintenance = connect("postgres")
    maintenance.autocommit = True
    try:
        with maintenance.cursor() as cursor:
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        yield name
    finally:
        with maintenance.cursor() as cursor:
            cursor.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
        maintenance.close()


def portal_tables() -> list[str]:
    """Every table of the portal's apps: models, their historical models, many-to-many tables."""
    tables: set[str] = set()
    for label in PORTAL_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            if not model._meta.proxy and model._meta.managed:
                tables.add(model._meta.db_table)
    return sorted(tables)


def row_counts(name: str, tables: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    with connect(name) as conn, conn.cursor() as cursor:
        for table in tables:
            cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(table)))
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


def evaluate_status_json(name: str) -> list[dict[str, Any]]:
    """`manage.py evaluate_status --as-of AS_OF --json` with DATABASE_URL pointing at `name`."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "ogplocal.settings.test",
        "DATABASE_URL": database_url(name),
    }
    done = subprocess.run(
        [sys.executable, "manage.py", "evaluate_status", "--as-of", AS_OF.isoformat(), "--json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result: list[dict[str, Any]] = json.loads(done.stdout)
    return result


def test_dump_and_restore_keep_every_row_and_the_status_evaluation(
    restored_name: str, tmp_path: Path
) -> None:
    pg_dump = client_tool("pg_dump")
    pg_restore = client_tool("pg_restore")
    loaded = load_demo(today=DEMO_TODAY)
    assert loaded["jurisdictions"] == 14

    source_name = str(connection.settings_dict["NAME"])
    assert source_name.startswith("test_"), source_name
    dump = tmp_path / "ogplocal.dump"
    subprocess.run(
        [pg_dump, "--format=custom", f"--file={dump}", f"--dbname={source_name}"],
        env=libpq_env(),
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )
    assert dump.stat().st_size > 0
    subprocess.run(
        [pg_restore, "--no-owner", f"--dbname={restored_name}", str(dump)],
        env=libpq_env(),
        check=True,
        capture_output=True,
        timeout=TIMEOUT,
    )

    tables = portal_tables()
    historical = [table for table in tables if "historical" in table]
    assert len(historical) >= 5, historical
    source_counts = row_counts(source_name, tables)
    assert source_counts == row_counts(restored_name, tables)
    for table in ("members_jurisdiction", "commitments_commitment"):
        assert source_counts.get(table, 0) > 0, (table, source_counts)
    assert sum(source_counts[table] for table in historical) > 0

    # The evaluation in this process, and the command's against the source and the restored copy.
    in_process = json.loads(json.dumps([item.as_dict() for item in evaluate_members(as_of=AS_OF)]))
    from_source = evaluate_status_json(source_name)
    from_restored = evaluate_status_json(restored_name)
    assert len(from_source) == 14
    assert from_source == in_process
    assert from_restored == from_source

"""`make bench` runs end to end at 100 members, so the command cannot rot (issue 11).

A small data set (100 members, and 20 for the second size of the query counts) in databases of its
own (DATABASE_URL's name + `_bench_test` and `_bench_test_small`, never the 10,000 members of
`make bench`), two turns of one second each with the minimal view per row, the Redis of
REDIS_URL. The assertions are on the table's shape and on sane numbers, not on the targets: the
machine is shared and noisy. The query counts, though, must be the same at both sizes.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.run import ROOT, database_url
from tests.conftest import IN_CI

pytestmark = [
    pytest.mark.services,
    pytest.mark.skipif(
        not IN_CI and shutil.which("wrk") is None, reason="needs wrk (apt-get install wrk)"
    ),
]

PAGES = [
    "member page, cached",
    "directory, cached",
    "dashboard, cached",
    "member page, uncached",
    "directory, uncached",
    "dashboard, uncached",
    "workspace home",
]
STEPS = ["daily status evaluation", "loader and rules alone", "reminder sweep", "plan PDF"]


def test_the_bench_prints_every_row_with_sane_numbers(tmp_path: Path) -> None:
    figures = tmp_path / "bench.json"
    env = {
        **os.environ,
        "BENCH_DATABASE_URL": database_url(os.environ["DATABASE_URL"], "_bench_test"),
        "BENCH_REDIS_URL": os.environ["REDIS_URL"],
    }
    done = subprocess.run(
        [
            *(sys.executable, "-m", "bench.run", "--members", "100", "--small", "20"),
            *("--duration", "2", "--turns", "2", "--json", str(figures)),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    for name in PAGES + STEPS:
        assert f"| {name} |" in done.stdout
    result = json.loads(figures.read_text())
    assert [row["name"] for row in result["pages"]] == PAGES
    for row in result["pages"]:
        assert row["errors"] == 0, row
        assert row["rps"] > 0, row
        assert row["minimal_rps"] > 0, row
        assert 0 < row["p50_ms"] <= row["p99_ms"], row
        assert 0 < row["ratio"] < 10, row
        # Two turns of the minimal view and the page; the ratio is their median.
        assert len(row["ratios"]) == 2, row
        assert row["ratio"] == pytest.approx(sum(row["ratios"]) / 2), row
        assert 50 < row["peak_mib"] < 2000, row
    assert result["query_sizes"] == [20, 100]
    small, large = result["queries"]["20"], result["queries"]["100"]
    assert small == large, "a page runs more queries for more members"
    assert set(large) == {"member page", "directory", "dashboard", "workspace home"}
    steps = result["steps"]
    assert list(steps) == STEPS
    assert steps["daily status evaluation"]["members"] == 100
    assert steps["reminder sweep"]["members"] == 100
    assert steps["loader and rules alone"]["members"] == 100
    assert sum(steps["loader and rules alone"]["statuses"].values()) == 100
    for figures_ in steps.values():
        assert figures_["seconds"] > 0
        assert 50 < figures_["peak_mib"] < 2000
    assert steps["plan PDF"]["bytes"] > 10_000

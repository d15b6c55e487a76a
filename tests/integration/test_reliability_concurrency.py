"""8 threads in each of 4 processes read and update the same database at once (issue 2 §7,
issue 14 §1), on the SQLite file and on PostgreSQL.

Every read-then-write goes through ``write_transaction`` (BEGIN IMMEDIATE on SQLite, an advisory
lock on PostgreSQL), so no update may be lost and no "database is locked" may reach a caller.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from data.ops.verify import check_database_integrity
from tests.integration.reliability_workers import COUNTER_KEY, open_store

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 3.0
THREADS = 8
PROCESSES = 4


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request: pytest.FixtureRequest, db_path: Path) -> str:
    """What the workers open: the SQLite file, or a PostgreSQL database migrated beforehand."""
    if request.param == "sqlite":
        return str(db_path)
    url: str = request.getfixturevalue("postgres_url")
    open_store(url).close()
    return url


def test_threads_and_processes_lose_no_update_and_see_no_lock_error(target: str) -> None:
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.reliability_workers",
                "mixed",
                target,
                f"proc{n}",
                str(SECONDS),
                str(THREADS),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    results: list[dict[str, object]] = []
    for process in processes:
        out, _ = process.communicate(timeout=180)
        assert process.returncode == 0
        results += json.loads(out.strip().splitlines()[-1])

    assert len(results) == THREADS * PROCESSES
    errors = [e for r in results for e in r["errors"]]  # type: ignore[attr-defined]
    assert errors == []
    increments = sum(int(r["increments"]) for r in results)  # type: ignore[call-overload]
    # Every worker had a real share of the contended work, or the test proves nothing.
    assert all(int(r["increments"]) > 0 for r in results)  # type: ignore[call-overload]
    assert all(int(r["saves"]) > 0 for r in results)  # type: ignore[call-overload]

    store = open_store(target)
    assert store.get_app_state(COUNTER_KEY) == increments
    # Each worker saved into its own five profile ids.
    assert len(store.list_profiles()) == sum(
        min(int(r["saves"]), 5)  # type: ignore[call-overload]
        for r in results
    )
    store.close()
    if not target.startswith("postgresql://"):
        assert check_database_integrity(Path(target)) == (True, [])

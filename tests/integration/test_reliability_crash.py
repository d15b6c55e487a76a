"""A process killed with SIGKILL at random points leaves a sound database (issue 2 §7).

Three kinds of work are killed 20 times each: a loop of multi-statement transactions, backups
(while a writer commits), and the legacy JSON migration. After every kill
``check_database_integrity()`` passes and the data is exactly the state after some whole number of
transactions (see ``reliability_workers``: transaction i writes ten issues, their transitions and
the marker i — never a part of that); the migration left nothing or everything.
"""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from data.db.connection import get_db_connection, initialize_database
from data.ops.backup import backup_database, list_backups
from data.ops.verify import check_database_integrity
from data.store.sqlite_backend import SQLiteBackend
from tests.integration.reliability_workers import (
    ISSUES_PER_TRANSACTION,
    PROFILE_ID,
    QUERY_ID,
    TRANSITIONS_PER_ISSUE,
    committed_groups,
    write_group,
)
from tests.legacy_tree import status_changes_per_issue, write_legacy_tree

ROOT = Path(__file__).resolve().parents[2]
KILLS = 20


@pytest.fixture
def crash_db(backend: SQLiteBackend) -> Path:
    backend.save_profile({"id": PROFILE_ID, "name": "Crash"})
    backend.save_query(PROFILE_ID, {"id": QUERY_ID, "name": "Q", "jql": "project = CR"})
    return backend.db_path


def _start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.integration.reliability_workers", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def _kill_after_first_output(process: subprocess.Popen[str], rng: random.Random) -> None:
    """Let the worker get going, then SIGKILL it at a random moment of its loop."""
    assert process.stdout is not None
    process.stdout.readline()
    time.sleep(rng.uniform(0, 0.06))
    process.send_signal(signal.SIGKILL)
    process.communicate(timeout=30)
    assert process.returncode == -signal.SIGKILL


def assert_whole_transactions(db: Path) -> int:
    """The database is sound and holds exactly transactions 0..marker; returns the marker."""
    assert check_database_integrity(db) == (True, [])
    marker, groups, transitions = committed_groups(db)
    assert groups == {g: ISSUES_PER_TRANSACTION for g in range(marker + 1)}
    assert transitions == (marker + 1) * ISSUES_PER_TRANSACTION * TRANSITIONS_PER_ISSUE
    return marker


def test_killed_write_loop_leaves_whole_transactions(crash_db: Path) -> None:
    rng = random.Random(20261123)
    marker = -1
    for _ in range(KILLS):
        process = _start("write-loop", str(crash_db), str(marker + 1))
        _kill_after_first_output(process, rng)
        new_marker = assert_whole_transactions(crash_db)
        # The worker printed after its first commit, so at least that one survived.
        assert new_marker > marker
        marker = new_marker


def test_killed_backup_leaves_database_and_listed_backups_sound(
    crash_db: Path, backend: SQLiteBackend, tmp_path: Path
) -> None:
    # Enough data (~10 MB) that one backup takes several steps, so kills land inside them.
    for group in range(50):
        write_group(crash_db, group)
    for n in range(5):
        backend.save_jira_cache(
            PROFILE_ID, QUERY_ID, f"page-{n}", {"blob": os.urandom(1_000_000).hex()}, "2099-01-01"
        )
    dest = tmp_path / "backups"
    rng = random.Random(4711)
    marker = assert_whole_transactions(crash_db)
    for _ in range(KILLS):
        # A writer keeps committing while backups are taken; both are killed.
        writer = _start("write-loop", str(crash_db), str(marker + 1))
        backups = _start("backup-loop", str(crash_db), str(dest))
        _kill_after_first_output(backups, rng)
        _kill_after_first_output(writer, rng)
        marker = assert_whole_transactions(crash_db)
        for backup in list_backups(dest)[-2:]:
            # A listed backup is complete and shows whole transactions only.
            assert_whole_transactions(backup)
        for backup in list_backups(dest)[:-2]:
            backup.unlink()

    leftovers = [p for p in dest.iterdir() if p.name.endswith(".partial")]
    latest = backup_database(dest, db_path=crash_db)
    # Temporary files of killed backups are never listed and are removed by the next backup.
    assert not set(leftovers) & set(list_backups(dest))
    assert not [p for p in dest.iterdir() if p.name.endswith(".partial")]
    assert assert_whole_transactions(latest) == marker


def _file_hashes(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_killed_legacy_migration_leaves_nothing_or_everything(tmp_path: Path) -> None:
    from data.legacy.migration import migrate_legacy

    issues, histories = 1500, 6
    legacy = write_legacy_tree(tmp_path / "legacy", issues=issues, histories=histories)
    before = _file_hashes(legacy)
    # Calibrate: kill points spread over the whole migration and a little past its end.
    scratch = initialize_database(tmp_path / "scratch" / "profiles" / "burndown.db")
    started = time.perf_counter()
    migrate_legacy(legacy, db_path=scratch)
    duration = time.perf_counter() - started

    rng = random.Random(1426)
    outcomes = {"nothing": 0, "everything": 0}
    for attempt in range(KILLS):
        # A database that is ready (as after `flowcast init`): the kill hits the migration itself.
        db = initialize_database(tmp_path / f"run{attempt}" / "profiles" / "burndown.db")
        process = _start("migrate-legacy", str(db), str(legacy))
        assert process.stdout is not None
        process.stdout.readline()
        time.sleep(rng.uniform(0, 1.2 * duration))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)

        assert check_database_integrity(db) == (True, [])
        with get_db_connection(db) as conn:
            profiles = conn.execute("SELECT COUNT(*) FROM profiles").fetchone()[0]
            stored = conn.execute("SELECT COUNT(*) FROM issues").fetchone()[0]
            transitions = conn.execute("SELECT COUNT(*) FROM issue_transitions").fetchone()[0]
            flag = conn.execute(
                "SELECT value FROM app_state WHERE key = 'migration_complete'"
            ).fetchone()
        if profiles == 0:
            assert (stored, transitions, flag) == (0, 0, None)
            outcomes["nothing"] += 1
        else:
            assert profiles == 1
            assert stored == issues
            assert transitions == issues * status_changes_per_issue(histories)
            assert flag is not None and flag[0] == '"true"'
            outcomes["everything"] += 1
        assert _file_hashes(legacy) == before  # legacy files only ever read
    # Both outcomes were seen, or the kill points did not cover the migration.
    assert outcomes["nothing"] > 0

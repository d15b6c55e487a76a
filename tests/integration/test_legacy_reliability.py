"""The legacy side under stress: several processes writing the JSON files at once lose nothing, and a
migration killed at a random moment leaves either nothing or everything — never half."""

from __future__ import annotations

import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from data.db.connection import get_db_connection, initialize_database
from data.store.json_backend import JSONBackend
from tests.legacy_tree import write_legacy_tree

REPO = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys
    from data.store.json_backend import JSONBackend
    backend = JSONBackend(sys.argv[1])
    for n in range(int(sys.argv[3])):
        backend.set_app_state(f"{sys.argv[2]}-{n}", n)          # read-modify-write of one file
        backend.save_task_progress(f"{sys.argv[2]}-task", n % 100, "running")
    """
)


def test_concurrent_processes_lose_no_json_writes(tmp_path: Path) -> None:
    writes = 40
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name, str(writes)], env=env)
        for name in ("a", "b", "c")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0, 0]
    backend = JSONBackend(tmp_path)
    for name in ("a", "b", "c"):
        assert [backend.get_app_state(f"{name}-{n}") for n in range(writes)] == list(range(writes))
        task = backend.get_task_progress(f"{name}-task")
        assert task is not None and task["progress_percent"] == (writes - 1) % 100
    assert not list(tmp_path.rglob("*.tmp"))  # no temporary file left behind


MIGRATOR = textwrap.dedent(
    """
    import sys
    from data.legacy.migration import migrate_legacy
    migrate_legacy(sys.argv[1], db_path=sys.argv[2])
    print("done", flush=True)
    """
)


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "profiles").rglob("*.json"))
    }


def _start_migration(legacy: Path, db: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen(
        [sys.executable, "-c", MIGRATOR, str(legacy), str(db)], env=env, stdout=subprocess.PIPE
    )


def _state(db: Path) -> tuple[int, int, bool]:
    with get_db_connection(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        profiles = conn.execute("SELECT COUNT(*) FROM profiles").fetchone()[0]
        issues = conn.execute("SELECT COUNT(*) FROM issues").fetchone()[0]
        flag = conn.execute("SELECT 1 FROM app_state WHERE key = 'migration_complete'").fetchone()
    return profiles, issues, flag is not None


def test_a_killed_migration_leaves_all_or_nothing(tmp_path: Path) -> None:
    legacy = write_legacy_tree(tmp_path / "legacy", issues=1500, histories=6)
    before = _hashes(legacy)
    complete = (1, 1500, True)
    # One run to the end gives the duration the kills are spread over.
    db = initialize_database(tmp_path / "full" / "profiles" / "burndown.db")
    started = time.perf_counter()
    full_run = _start_migration(legacy, db)
    full_run.communicate(timeout=120)
    assert full_run.returncode == 0
    duration = time.perf_counter() - started
    assert _state(db) == complete
    rng = random.Random(7)
    # The first kill lands while the child is still starting, the others anywhere in the run.
    fractions = [0.02] + [rng.uniform(0.1, 1.1) for _ in range(7)]
    outcomes = []
    for attempt, fraction in enumerate(fractions):
        db = initialize_database(tmp_path / f"db-{attempt}" / "profiles" / "burndown.db")
        proc = _start_migration(legacy, db)
        time.sleep(duration * fraction)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=60)
        outcome = _state(db)
        # Either the transaction committed completely (with its flag) or not at all.
        assert outcome in {(0, 0, False), complete}
        outcomes.append(outcome)
        assert _hashes(legacy) == before
    assert outcomes[0] == (0, 0, False)

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

from data.database import get_db_connection, initialize_database
from data.persistence.json_backend import JSONBackend
from tests.legacy_tree import write_legacy_tree

REPO = Path(__file__).resolve().parents[2]

WRITER = textwrap.dedent(
    """
    import sys
    from data.persistence.json_backend import JSONBackend
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
    from data.migration import migrate_legacy
    migrate_legacy(sys.argv[1], db_path=sys.argv[2])
    print("done", flush=True)
    """
)


def _hashes(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted((root / "profiles").rglob("*.json"))
    }


def test_a_killed_migration_leaves_all_or_nothing(tmp_path: Path) -> None:
    legacy = write_legacy_tree(tmp_path / "legacy", issues=1500, histories=6)
    before = _hashes(legacy)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    rng = random.Random(7)
    outcomes = set()
    for attempt in range(8):
        db = initialize_database(tmp_path / f"db-{attempt}" / "profiles" / "burndown.db")
        proc = subprocess.Popen(
            [sys.executable, "-c", MIGRATOR, str(legacy), str(db)],
            env=env,
            stdout=subprocess.PIPE,
        )
        time.sleep(rng.uniform(0.2, 2.5))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)
        with get_db_connection(db) as conn:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            profiles = conn.execute("SELECT COUNT(*) FROM profiles").fetchone()[0]
            issues = conn.execute("SELECT COUNT(*) FROM issues").fetchone()[0]
            flag = conn.execute(
                "SELECT value FROM app_state WHERE key = 'migration_complete'"
            ).fetchone()
        # Either the transaction committed completely (with its flag) or not at all.
        assert (profiles, issues, flag is not None) in {(0, 0, False), (1, 1500, True)}
        outcomes.add(profiles)
        assert _hashes(legacy) == before
    assert 0 in outcomes  # at least one kill landed before the commit

"""8 threads and 2 processes read and update the same database at once (issue 2 §7).

Every read-then-write goes through ``write_transaction`` (BEGIN IMMEDIATE), so no update may be
lost and no "database is locked" may reach a caller.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from data.ops.verify import check_database_integrity
from data.store.sqlite_backend import SQLiteBackend
from tests.integration.reliability_workers import COUNTER_KEY, mixed_work

ROOT = Path(__file__).resolve().parents[2]
SECONDS = 3.0
THREADS = 8
PROCESSES = 2


def test_threads_and_processes_lose_no_update_and_see_no_lock_error(db_path: Path) -> None:
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.reliability_workers",
                "mixed",
                str(db_path),
                f"proc{n}",
                str(SECONDS),
                str(100 + n),
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        for n in range(PROCESSES)
    ]
    results: list[dict[str, object]] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        result = mixed_work(db_path, f"thread{n}", SECONDS, n)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for process in processes:
        out, _ = process.communicate(timeout=60)
        assert process.returncode == 0
        results.append(json.loads(out.strip().splitlines()[-1]))

    assert len(results) == THREADS + PROCESSES
    errors = [e for r in results for e in r["errors"]]  # type: ignore[attr-defined]
    assert errors == []
    increments = sum(int(r["increments"]) for r in results)  # type: ignore[call-overload]
    saves = sum(int(r["saves"]) for r in results)  # type: ignore[call-overload]
    # Every worker had a real share of the contended work, or the test proves nothing.
    assert all(int(r["increments"]) > 0 for r in results)  # type: ignore[call-overload]
    assert saves > 0

    backend = SQLiteBackend(db_path)
    assert backend.get_app_state(COUNTER_KEY) == increments
    # Each worker saved into its own five profile ids.
    assert len(backend.list_profiles()) == sum(
        min(int(r["saves"]), 5)  # type: ignore[call-overload]
        for r in results
    )
    assert check_database_integrity(db_path) == (True, [])

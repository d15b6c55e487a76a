"""Helpers for tests of long jobs: cancel a run as a page does, run a job in another process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from data.store.sqlite_backend import SQLiteBackend

ROOT = Path(__file__).resolve().parents[1]


@contextmanager
def cancel_when(
    db_path: Path, task: str, ready: Callable[[dict[str, Any]], bool]
) -> Iterator[None]:
    """While the block runs, press Cancel as a page does (another connection sets the record's
    flag) as soon as the task's running record satisfies ``ready``."""
    canceller = SQLiteBackend(db_path)

    def watch() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            record = canceller.get_task_progress(task)
            if record and record["status"] == "running" and ready(record):
                canceller.request_task_cancel(task)
                return
            time.sleep(0.002)

    thread = threading.Thread(target=watch)
    thread.start()
    try:
        yield
    finally:
        thread.join()


def start_python(script: str, data_dir: Path) -> tuple[subprocess.Popen[str], str]:
    """Run ``script`` in another Python process on ``data_dir``; (process, its first line)."""
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", script], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    return process, process.stdout.readline().strip()

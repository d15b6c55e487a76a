"""Long jobs start in a fresh process: nothing a server thread holds at that moment reaches them.

Forked from the threaded server, a job inherited whatever lock another thread held (in production
an SQLite mutex) and blocked forever on its first query: the fetch never started and the server
could not exit, waiting for it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import diskcache
from dash.testing.wait import until

from callbacks.background import SpawningDiskcacheManager
from data.persistence import get_backend

# Stands in for any lock a server thread may hold while another thread starts a job.
server_lock = threading.Lock()


def read_under_server_lock(task: str) -> dict[str, object]:
    """The job: take the lock the server holds, then read the database the server uses."""
    with server_lock:
        return {"pid": os.getpid(), "progress": get_backend().get_task_progress(task)}


def record_progress(set_progress, task: str) -> str:
    set_progress((50, "50%", "half way"))
    get_backend().save_task_progress(task, 100, "completed", "done")
    return "finished"


def start(manager: SpawningDiskcacheManager, fn, args: tuple, *, progress: bool = False) -> int:
    job_fn = manager.make_job_fn(fn, progress)
    return manager.call_job_fn("job-key", job_fn, args, {})


def test_a_lock_held_by_a_server_thread_does_not_block_the_job(db_path: Path, tmp_path: Path):
    get_backend().save_task_progress("sync:p:q", 40, "running", "Fetched 400 of 1,000 issues")
    manager = SpawningDiskcacheManager(diskcache.Cache(str(tmp_path / "background")))
    with server_lock:  # held while the job starts, as another request thread would
        pid = start(manager, read_under_server_lock, ("sync:p:q",))
    until(lambda: manager.result_ready("job-key"), 60)
    result = manager.get_result("job-key", pid)
    assert result["pid"] == pid != os.getpid()
    assert result["progress"]["message"] == "Fetched 400 of 1,000 issues"


def test_the_job_reports_progress_and_writes_to_the_server_s_data_directory(
    db_path: Path, tmp_path: Path
):
    manager = SpawningDiskcacheManager(diskcache.Cache(str(tmp_path / "background")))
    pid = start(manager, record_progress, ("sync:p:q",), progress=True)
    until(lambda: manager.result_ready("job-key"), 60)
    assert manager.get_result("job-key", pid) == "finished"
    # The job's environment carried the data directory the server uses now.
    assert get_backend().get_task_progress("sync:p:q")["message"] == "done"

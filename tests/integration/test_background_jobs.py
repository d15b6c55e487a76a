"""Long jobs start in a fresh process: nothing a server thread holds at that moment reaches them.

Forked from the threaded server, a job inherited whatever lock another thread held (in production
an SQLite mutex) and blocked forever on its first query: the fetch never started and the server
could not exit, waiting for it.
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import dash
import diskcache
import multiprocess
import psutil
from dash import DiskcacheManager
from dash.testing.wait import until
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from callbacks.background import SpawningDiskcacheManager
from data.store import get_backend

ROOT = Path(__file__).resolve().parents[2]
# The Dash versions the call_job_fn override is proven on (pyproject.toml says the same).
PROVEN_DASH = ">=4.4,<4.5"

# Stands in for any lock a server thread may hold while another thread starts a job.
server_lock = threading.Lock()


def read_under_server_lock(task: str) -> dict[str, object]:
    """The job: take the lock the server holds, then read the database the server uses."""
    with server_lock:
        return {"pid": os.getpid(), "progress": get_backend().get_task_progress(task)}


def record_progress(task: str) -> str:
    get_backend().save_task_progress(task, 100, "completed", "done")
    return "finished"


def start(manager: SpawningDiskcacheManager, fn, args: tuple) -> int:
    job_fn = manager.make_job_fn(fn, False)
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


def test_the_job_writes_its_progress_record_to_the_server_s_data_directory(
    db_path: Path, tmp_path: Path
):
    manager = SpawningDiskcacheManager(diskcache.Cache(str(tmp_path / "background")))
    pid = start(manager, record_progress, ("sync:p:q",))
    until(lambda: manager.result_ready("job-key"), 60)
    assert manager.get_result("job-key", pid) == "finished"
    # The job's environment carried the data directory the server uses now.
    assert get_backend().get_task_progress("sync:p:q")["message"] == "done"


def sleep_for_an_hour() -> None:
    time.sleep(3600)


def test_stopping_the_server_stops_its_jobs(data_dir: Path, tmp_path: Path):
    # A server process that starts a long job and exits (as Ctrl-C or a stop does).
    script = (
        "import diskcache\n"
        "from callbacks.background import SpawningDiskcacheManager\n"
        "from tests.integration.test_background_jobs import sleep_for_an_hour, start\n"
        f"manager = SpawningDiskcacheManager(diskcache.Cache({str(tmp_path / 'bg')!r}))\n"
        "print(start(manager, sleep_for_an_hour, ()), flush=True)\n"
    )
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT)}
    server = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    # It exited (a job forked without daemon=True held it until the job ended: an hour).
    assert server.returncode == 0, server.stderr
    job = int(server.stdout.strip())
    until(lambda: not psutil.pid_exists(job) or psutil.Process(job).status() == "zombie", 10)


def test_why_the_manager_overrides_dash_s_call_job_fn() -> None:
    """``call_job_fn`` is not in Dash's documentation, and overriding it is the only way to start
    a background callback's process differently: DiskcacheManager offers no start-method or
    daemon option. Dash's own starts the job with multiprocess's default context (fork on Linux,
    which copies a lock another server thread holds: the first test above) and not as a daemon
    (the server cannot exit while a job runs: the test above). The override keeps Dash's
    contract, which this test pins; pyproject.toml pins Dash to the versions it is proven on, so
    an upgrade re-runs these tests before it is allowed."""
    own = inspect.signature(DiskcacheManager.call_job_fn)
    assert list(own.parameters) == ["self", "key", "job_fn", "args", "context"]
    assert list(inspect.signature(SpawningDiskcacheManager.call_job_fn).parameters) == list(
        own.parameters
    )
    assert callable(DiskcacheManager._make_progress_key)
    source = inspect.getsource(DiskcacheManager.call_job_fn)
    assert "daemon" not in source and "get_context" not in source  # still fork, not a daemon
    assert multiprocess.get_start_method() == "fork"
    assert Version(dash.__version__) in SpecifierSet(PROVEN_DASH)

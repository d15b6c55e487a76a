"""Long jobs on a real database: progress records, cancel between steps with nothing changed,
one run per task (also across processes), and the backfill and legacy-migration jobs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from data.analytics.snapshots import backfill_snapshots
from data.db.connection import get_db_connection
from data.errors import TaskCancelled, ValidationError
from data.jobs import (
    INTERRUPTED,
    MIGRATION_TASK,
    JobInProgress,
    backfill_task,
    job_lock,
    job_progress,
    run_job,
)
from data.legacy.migration import run_migration_job
from data.store.sqlite_backend import SQLiteBackend
from tests.jobs_support import start_python
from tests.legacy_tree import write_legacy_tree


def _record(backend: SQLiteBackend, task: str) -> dict:
    record = backend.get_task_progress(task)
    assert record is not None
    return record


def _count(db_path: Path, table: str) -> int:
    with get_db_connection(db_path) as conn:
        # The table name is one of this test's literals.
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]  # noqa: S608


def test_a_job_records_its_progress_and_ends_completed_with_its_message(backend):
    seen = []
    with run_job("demo", "Starting", lambda p, m: seen.append((p, m))) as job:
        job.step(40, "Halfway there")
        assert _record(backend, "demo")["status"] == "running"
        assert _record(backend, "demo")["message"] == "Halfway there"
        job.finish("Did 2 things")
    record = _record(backend, "demo")
    assert (record["status"], record["progress_percent"], record["message"]) == (
        "completed",
        100,
        "Did 2 things",
    )
    assert seen == [(0, "Starting"), (40, "Halfway there"), (100, "Did 2 things")]


def test_cancel_stops_the_job_at_its_next_step_and_records_it(backend):
    with pytest.raises(TaskCancelled, match="Cancelled at your request"):
        with run_job("demo", "Starting") as job:
            job.step(10, "First")
            assert backend.request_task_cancel("demo") is True
            job.step(20, "Second")
            pytest.fail("the step after a cancel request must raise")
    assert _record(backend, "demo")["status"] == "cancelled"
    # The next run starts clean: the old cancel flag is not inherited.
    with run_job("demo", "Again") as job:
        job.step(50, "Still going")
    assert _record(backend, "demo")["status"] == "completed"


def test_a_failing_job_records_the_error_message(backend):
    with pytest.raises(ValidationError):
        with run_job("demo", "Starting"):
            raise ValidationError("Week 2026-W99 does not exist; pick an existing ISO week.")
    record = _record(backend, "demo")
    assert record["status"] == "failed" and "2026-W99 does not exist" in record["message"]


def test_a_second_run_of_the_same_task_is_refused_with_the_busy_message(backend):
    with run_job("demo", "Starting"):
        with pytest.raises(JobInProgress, match="already backfilling"):
            with run_job("demo", "Again", busy="Team is already backfilling; wait for it."):
                pass
        with run_job("other", "Another task runs alongside") as other:
            other.finish("ok")
    assert _record(backend, "demo")["status"] == "completed"


def test_a_run_in_another_process_holds_the_task(backend, data_dir):
    script = (
        "import sys, time\n"
        "from data.jobs import job_lock\n"
        "with job_lock('demo', 'busy'):\n"
        "    print('locked', flush=True)\n"
        "    time.sleep(30)\n"
    )
    holder, first_line = start_python(script, data_dir)
    try:
        assert first_line == "locked"
        with pytest.raises(JobInProgress, match="busy"):
            with job_lock("demo", "busy"):
                pass
    finally:
        holder.kill()
        holder.communicate()
    # A killed holder releases the lock with its process; a leftover "running" record is closed.
    backend.save_task_progress("demo", 30, "running", "from the killed run")
    deadline = time.monotonic() + 10
    while True:
        try:
            with run_job("demo", "After the kill") as job:
                job.finish("ok")
            break
        except JobInProgress:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    assert _record(backend, "demo")["status"] == "completed"


def test_a_running_record_is_only_closed_when_no_process_runs_it(backend, data_dir):
    script = (
        "import time\n"
        "from data.jobs import run_job\n"
        "with run_job('demo', 'Starting') as job:\n"
        "    job.step(30, 'Working')\n"
        "    print('working', flush=True)\n"
        "    time.sleep(30)\n"
    )
    worker, first_line = start_python(script, data_dir)
    try:
        assert first_line == "working"
        # Alive: the record is the live run's, untouched.
        assert job_progress("demo")["status"] == "running"
        assert job_progress("demo")["message"] == "Working"
    finally:
        worker.kill()  # as a stopped server or `kill -9` would
        worker.communicate()
    # Killed: its lock went with its process, so the first read closes the record.
    record = job_progress("demo")
    assert (record["status"], record["progress_percent"], record["message"]) == (
        "failed",
        30,
        INTERRUPTED,
    )
    # Finished records are never touched.
    backend.save_task_progress("other", 100, "completed", "Done")
    assert job_progress("other")["status"] == "completed"
    assert job_progress("never-ran") is None


def test_backfill_reports_every_week_and_stores_the_snapshots(seeded):
    seen = []
    weeks = backfill_snapshots("team", "q", 4, lambda p, m: seen.append((p, m)))
    assert len(weeks) == 4
    messages = [m for _p, m in seen]
    assert [m for m in messages if m.startswith("Computing week")] == [
        f"Computing week {w} ({i} of 4)" for i, w in enumerate(weeks, 1)
    ]
    assert "Saving 4 weekly snapshots" in messages
    record = _record(seeded, backfill_task("team", "q"))
    assert record["status"] == "completed" and weeks[0] in record["message"]
    assert _count(seeded.db_path, "metrics_snapshots") > 0


def test_a_cancelled_backfill_stores_nothing(seeded):
    task = backfill_task("team", "q")

    def cancel_at_week_three(_percent: float, message: str) -> None:
        if message.startswith("Computing week") and "(3 of" in message:
            seeded.request_task_cancel(task)

    with pytest.raises(TaskCancelled):
        backfill_snapshots("team", "q", 6, cancel_at_week_three)
    assert _count(seeded.db_path, "metrics_snapshots") == 0
    assert _record(seeded, task)["status"] == "cancelled"


def test_the_migration_job_reports_each_phase_and_profile(data_dir, backend):
    source = write_legacy_tree(
        data_dir / "legacy", issues=5, profiles=(("kafka", "Kafka"), ("flink", "Flink"))
    )
    seen = []
    report = run_migration_job(source, lambda p, m: seen.append((p, m)))
    assert report.profiles == 2
    messages = [m for _p, m in seen]
    assert messages[0] == "Starting the migration"
    assert any(m.startswith("Writing the issues of profile 'flink'") for m in messages)
    assert [p for p, _m in seen] == sorted(p for p, _m in seen)  # never goes backwards
    assert _record(backend, MIGRATION_TASK)["status"] == "completed"
    assert _count(backend.db_path, "profiles") == 2


@pytest.mark.parametrize("phase", ["Reading the legacy files", "Checking the legacy data"])
def test_a_cancelled_migration_leaves_the_database_unchanged(data_dir, backend, phase):
    source = write_legacy_tree(
        data_dir / "legacy", issues=5, profiles=(("kafka", "Kafka"), ("flink", "Flink"))
    )

    def cancel_at(_percent: float, message: str) -> None:
        if message.startswith(phase):
            backend.request_task_cancel(MIGRATION_TASK)

    with pytest.raises(TaskCancelled):
        run_migration_job(source, cancel_at)
    assert _count(backend.db_path, "profiles") == 0
    assert _count(backend.db_path, "issues") == 0
    assert _record(backend, MIGRATION_TASK)["status"] == "cancelled"

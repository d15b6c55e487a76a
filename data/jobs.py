"""Long jobs recorded in ``task_progress``: one run per task at a time, progress, cancellation
between steps, and a final status every tab (and the CLI) can read.

A job is driven as::

    with run_job("backfill:team:all", "Starting", progress) as job:
        for i, week in enumerate(weeks):
            job.step(100 * i / len(weeks), f"Week {week}")  # raises TaskCancelled if asked
        ...
        job.finish("Stored 26 weeks")

Cancel is cooperative: ``request_task_cancel`` (any process) sets the record's flag and the job
raises ``TaskCancelled`` at its next step, so it closes its record and leaves the data as it was
(a job writes in one transaction after its last step). One run per task is enforced with the
store's task lock (``PersistenceBackend.task_lock``: an OS file lock beside the database), which
dies with its process, so a killed run's leftover "running" record never blocks the next one.
The JIRA sync (``data/jira/sync.py``) is one of these jobs too.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from typing import Any

from data.errors import ConflictError, FlowcastError, TaskCancelled
from data.store import get_backend
from data.store.locks import LockHeld
from data.store.sql_backend import write_task_progress
from data.timeutil import parse_timestamp, utc_now

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[float, str], None]
# What a job hands the work it drives: report (percent, message), raise TaskCancelled if asked.
StepCallback = Callable[[float, str], None]
ACTIVE = ("pending", "running")
# How often a running job rewrites its task_progress record at most (seconds).
RECORD_INTERVAL = 0.5


class JobInProgress(ConflictError):
    """Another run of the same job is in progress."""


def backfill_task(profile_id: str, query_id: str) -> str:
    return f"backfill:{profile_id}:{query_id}"


MIGRATION_TASK = "migrate-legacy"


@contextmanager
def job_lock(
    task: str, busy_message: str, error: type[JobInProgress] = JobInProgress
) -> Iterator[None]:
    """Hold the task's lock for the duration of a run; ``error(busy_message)`` if it is held."""
    with ExitStack() as held:
        try:
            held.enter_context(get_backend().task_lock(task))
        except LockHeld:
            raise error(busy_message) from None
        yield


INTERRUPTED = "Interrupted (its process stopped before it finished); nothing changed"
NEVER_STARTED = "Did not start (its process never took the task); nothing changed"
# A page announces a run at the click (``announce``); its process takes the task a second or
# two later. A "pending" record older than this with nobody holding the task never started.
PENDING_GRACE = timedelta(seconds=60)


def announce(task: str, message: str) -> bool:
    """Record ``task`` as pending (unless a run is active), from the click that starts it, so
    every tab shows it and Cancel works before its process has started. True when recorded."""
    backend = get_backend()
    record = backend.get_task_progress(task)
    if record is not None and record["status"] in ACTIVE:
        return False
    backend.save_task_progress(task, 0, "pending", message)
    return True


def close_interrupted_run(task: str) -> None:
    """With the task's lock held: a record still saying "running" belongs to a run whose process
    was stopped or killed (the server stopped, a kill), and an old "pending" one to a run whose
    process never started; close it as failed, so its cancel flag is not inherited and nobody
    waits for it. A fresh "pending" record is a run about to start: it stays."""
    backend = get_backend()
    stale = backend.get_task_progress(task)
    if stale is None:
        return
    if stale["status"] == "running":
        backend.save_task_progress(task, stale["progress_percent"], "failed", INTERRUPTED)
    elif (
        stale["status"] == "pending"
        and parse_timestamp(stale["updated_at"]) + PENDING_GRACE < utc_now()
    ):
        backend.save_task_progress(task, 0, "failed", NEVER_STARTED)


def job_progress(task: str) -> dict[str, Any] | None:
    """The task's ``task_progress`` record as pages should read it (``as_shown``)."""
    return as_shown(get_backend().get_task_progress(task))


def as_shown(record: dict[str, Any] | None) -> dict[str, Any] | None:
    """A task record as it may be shown: a "running" (or stale "pending") record whose lock no
    process holds is closed first (``close_interrupted_run``), so a page, an export or a second
    run never takes a dead run for a live one. When even that cannot be written (a read-only
    database), a dead "running" record is shown interrupted all the same, and closed by the
    first run that can write."""
    if record is None or record["status"] not in ACTIVE:
        return record
    task = record["task_name"]
    try:
        with job_lock(task, "running"):
            close_interrupted_run(task)
    except JobInProgress:
        return record  # a live run holds the lock
    except FlowcastError as exc:
        logger.warning("could not close the interrupted record of %s: %s", task, exc)
        if record["status"] == "running":
            return {**record, "status": "failed", "message": INTERRUPTED}
        return record
    return get_backend().get_task_progress(task)


class Job:
    """One run of a task: its progress record, cancellation and final message."""

    def __init__(self, task: str, progress: ProgressCallback | None) -> None:
        self.task = task
        self.backend = get_backend()
        self.progress_callback = progress
        self.percent = 0.0
        self.final_message = "Done"
        self.details: dict[str, Any] | None = None
        self.span = (0.0, 100.0)
        self._recorded_at = -math.inf
        # True once the work wrote its completed record into its own transaction (finish_in);
        # whether that committed, the record itself says (``completed_by_work``).
        self.recorded = False

    def report(self, percent: float, message: str) -> None:
        """Progress ``percent`` of the current phase (the whole run unless inside ``phase``)."""
        start, end = self.span
        self.percent = max(self.percent, min(100.0, start + (end - start) * percent / 100))
        self.say(message)

    def say(self, message: str) -> None:
        """A new message at the progress reached so far (a retry's wait, a count). The tab that
        started the job hears every one; the record other tabs poll is written at most every
        ``RECORD_INTERVAL`` seconds (they poll about once a second)."""
        now = time.monotonic()
        if now - self._recorded_at >= RECORD_INTERVAL:
            self.backend.save_task_progress(self.task, self.percent, "running", message)
            self._recorded_at = now
        if self.progress_callback is not None:
            self.progress_callback(self.percent, message)

    @contextmanager
    def phase(self, start: float, end: float) -> Iterator[Job]:
        """Within the block, 0-100 % reported by the work means ``start``-``end`` % of the run
        (a fetch's sync is its first 80 %, the snapshots the next)."""
        outer = self.span
        low, high = outer
        self.span = (low + (high - low) * start / 100, low + (high - low) * end / 100)
        try:
            yield self
        finally:
            self.span = outer

    def cancel_requested(self) -> bool:
        row = self.backend.get_task_progress(self.task)
        return bool(row and row["cancel_requested"])

    def check_cancel(self) -> None:
        if self.cancel_requested():
            raise TaskCancelled("Cancelled at your request; nothing was changed.")

    def step(self, percent: float, message: str) -> None:
        """Report, then stop (TaskCancelled) if a cancel was requested: a job's step callback."""
        self.report(percent, message)
        self.check_cancel()

    def tick(self, percent: float, message: str) -> None:
        """Progress of work inside an open write transaction, to the caller's callback only:
        writing the record — or a cancel request from another tab — waits for that very
        transaction, so this is no cancel point (the work's last ``step`` before it is)."""
        start, end = self.span
        self.percent = max(self.percent, min(100.0, start + (end - start) * percent / 100))
        if self.progress_callback is not None:
            self.progress_callback(self.percent, message)

    def finish(self, message: str, details: dict[str, Any] | None = None) -> None:
        """The completed record's message, and what the job wants kept (JSON) with it."""
        self.final_message = message
        self.details = details

    def finish_in(self, conn: Any, message: str, details: dict[str, Any] | None = None) -> None:
        """``finish``, with the completed record written on ``conn`` — a connection to the
        store's database inside the work's own open write transaction — so the work and the
        record saying it is done commit together: a failure after that commit (a full disk, a
        killed process) can no longer leave a "running" record over completed work, nor a
        "nothing was written" message. (Storage mode ``json`` keeps records in its files,
        which no transaction covers: there the record is written when the run ends.)"""
        self.finish(message, details)
        if not self.backend.legacy_json:
            write_task_progress(conn, self.task, 100, "completed", message, details)
            self.recorded = True

    def completed_by_work(self) -> bool:
        """True when the work's transaction committed the completed record (``finish_in``): this
        run wrote "running" when it started, so "completed" can only be that commit's."""
        if not self.recorded:
            return False
        record = self.backend.get_task_progress(self.task)
        return record is not None and record["status"] == "completed"


@contextmanager
def run_job(
    task: str,
    first_message: str,
    progress: ProgressCallback | None = None,
    *,
    busy: str = "",
    error: type[JobInProgress] = JobInProgress,
) -> Iterator[Job]:
    """Run ``task`` as a job: running → completed, cancelled or failed in ``task_progress``.

    Raises ``error`` (with ``busy`` as its message) when another run holds the task. The final
    record is written while the lock is held, which is what lets ``job_progress`` tell a dead run
    from a live one.
    """
    backend = get_backend()
    message = busy or "This job is already running; wait for it to finish or press Cancel."
    # One connection for the whole run: its progress records, cancel checks and its work.
    with job_lock(task, message, error), backend.session():
        close_interrupted_run(task)
        backend.save_task_progress(task, 0, "running", first_message)
        job = Job(task, progress)
        if progress is not None:
            progress(0, first_message)
        try:
            job.check_cancel()  # Cancel pressed while the run was pending
            yield job
        except TaskCancelled as exc:
            _close(job, "cancelled", str(exc))
            raise
        except KeyboardInterrupt:
            _close(job, "cancelled", "Cancelled; nothing changed")
            raise
        except FlowcastError as exc:
            _close(job, "failed", str(exc))
            raise
        except BaseException:
            _close(job, "failed", "Stopped by an internal error")
            raise
        if not job.completed_by_work():
            backend.save_task_progress(task, 100, "completed", job.final_message, job.details)
        if progress is not None:
            progress(100, job.final_message)


def _close(job: Job, status: str, message: str) -> None:
    """The record of a run that stopped: never over a completed record its work committed, and
    never at the cost of the error that stopped it (a full disk may refuse this write too; the
    record then stays "running" and reads as interrupted, see ``as_shown``)."""
    try:
        if not job.completed_by_work():
            job.backend.save_task_progress(job.task, job.percent, status, message)
    except FlowcastError as exc:
        logger.warning("could not record that %s %s: %s", job.task, status, exc)

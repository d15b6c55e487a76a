"""data.analytics.fetch: the one fetch of the dashboard and the CLI (sync, then the weekly
snapshots) as one job whose record completes after its last step; Cancel at every step."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from data.analytics.fetch import SNAPSHOT_WEEKS, SnapshotsCancelled, fetch
from data.analytics.snapshots import weekly_review
from data.db.connection import get_db_connection
from data.errors import TaskCancelled
from data.jira.sync import sync_state, task_name
from data.jobs import NEVER_STARTED, PENDING_GRACE, announce, job_progress
from data.store.sqlite_backend import SQLiteBackend
from data.timeutil import to_utc_iso, utc_now
from fakejira import FakeJira
from tests.integration.jira_support import FAST_RETRY, make_profile

FLOWCAST = str(Path(sys.executable).with_name("flowcast"))


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    with FakeJira("cloud", issues=120, seed=5) as server:
        yield server


def test_the_record_completes_after_the_snapshots(fake: FakeJira, backend: SQLiteBackend) -> None:
    profile_id, query_id = make_profile(fake)
    seen: list[tuple[float, str, str]] = []

    def progress(percent: float, message: str) -> None:
        # What every other tab reads at this moment.
        record = backend.get_task_progress(task_name(profile_id, query_id))
        assert record is not None
        seen.append((percent, message, record["status"]))

    result = fetch(profile_id, query_id, progress=progress, retry=FAST_RETRY)
    assert result.sync.issue_count == 120 and len(result.snapshot_weeks) == SNAPSHOT_WEEKS
    # Every report while the snapshots are computed still reads as running, below 100 %.
    snapshot_reports = [s for s in seen if s[1].startswith("Computing week")]
    assert len(snapshot_reports) == SNAPSHOT_WEEKS
    assert all(status == "running" and 80 <= p < 100 for p, _m, status in snapshot_reports)
    record = backend.get_task_progress(task_name(profile_id, query_id))
    assert record["status"] == "completed" and record["progress_percent"] == 100
    assert record["message"] == result.summary()
    assert record["details"]["snapshot_weeks"] == result.snapshot_weeks
    assert len(weekly_review(profile_id, query_id, SNAPSHOT_WEEKS).trends) == SNAPSHOT_WEEKS


def test_cancel_during_the_snapshots_keeps_the_fetch_and_says_so(
    fake: FakeJira, backend: SQLiteBackend
) -> None:
    profile_id, query_id = make_profile(fake)
    task = task_name(profile_id, query_id)

    def progress(_percent: float, message: str) -> None:
        if message.startswith("Computing week"):
            backend.request_task_cancel(task)  # another tab's Cancel

    with pytest.raises(SnapshotsCancelled) as cancelled:
        fetch(profile_id, query_id, progress=progress, retry=FAST_RETRY)
    message = str(cancelled.value)
    assert message.startswith("Cancelled after the issues were fetched: Fetched all 120 issues")
    assert "the weekly snapshots were not recomputed" in message
    record = backend.get_task_progress(task)
    assert (record["status"], record["message"]) == ("cancelled", message)
    # The sync's write stands; no snapshot was written.
    assert sync_state(profile_id, query_id)["issue_count"] == 120
    assert len(weekly_review(profile_id, query_id, SNAPSHOT_WEEKS).trends) == 0


def test_cancel_during_the_sync_leaves_the_previous_data(
    fake: FakeJira, backend: SQLiteBackend
) -> None:
    profile_id, query_id = make_profile(fake)
    fetch(profile_id, query_id, retry=FAST_RETRY)
    before = sync_state(profile_id, query_id)
    task = task_name(profile_id, query_id)

    def progress(_percent: float, message: str) -> None:
        if message.startswith("Fetched"):
            backend.request_task_cancel(task)

    with pytest.raises(TaskCancelled) as cancelled:
        fetch(profile_id, query_id, full=True, progress=progress, retry=FAST_RETRY)
    assert not isinstance(cancelled.value, SnapshotsCancelled)
    assert "the previous data is unchanged" in str(cancelled.value)
    assert sync_state(profile_id, query_id)["last_sync_at"] == before["last_sync_at"]
    assert backend.get_task_progress(task)["status"] == "cancelled"


def test_cancel_before_the_job_started_stops_it_before_jira_is_asked(
    fake: FakeJira, backend: SQLiteBackend
) -> None:
    profile_id, query_id = make_profile(fake)
    task = task_name(profile_id, query_id)
    # The click records the run as pending; Cancel lands before the job's process starts.
    assert announce(task, "Starting…") is True
    assert job_progress(task)["status"] == "pending"
    assert backend.request_task_cancel(task) is True
    fake.reset_counts()
    with pytest.raises(TaskCancelled):
        fetch(profile_id, query_id, retry=FAST_RETRY)
    assert fake.total_requests == 0
    assert backend.get_task_progress(task)["status"] == "cancelled"
    assert sync_state(profile_id, query_id) is None


def test_a_second_announce_does_not_touch_an_active_run(backend: SQLiteBackend) -> None:
    backend.save_task_progress("sync:p:q", 40, "running", "Fetched 40 of 100 issues")
    assert announce("sync:p:q", "Starting…") is False
    assert backend.get_task_progress("sync:p:q")["message"] == "Fetched 40 of 100 issues"


def test_a_pending_run_that_never_started_is_closed_after_the_grace(
    backend: SQLiteBackend,
) -> None:
    announce("sync:p:q", "Starting…")
    assert job_progress("sync:p:q")["status"] == "pending"  # fresh: about to start
    old = to_utc_iso(utc_now() - PENDING_GRACE - timedelta(seconds=1))
    with get_db_connection(backend.db_path) as conn:
        conn.execute("UPDATE task_progress SET updated_at = ? WHERE task_name = 'sync:p:q'", (old,))
    record = job_progress("sync:p:q")
    assert (record["status"], record["message"]) == ("failed", NEVER_STARTED)


def test_the_cli_fetch_stores_the_snapshots_too(fake: FakeJira, backend: SQLiteBackend) -> None:
    profile_id, query_id = make_profile(fake)
    done = subprocess.run(
        [FLOWCAST, "fetch", "--profile", profile_id, "--query", query_id, "--json"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["issue_count"] == 120 and len(printed["snapshot_weeks"]) == SNAPSHOT_WEEKS
    assert len(weekly_review(profile_id, query_id, SNAPSHOT_WEEKS).trends) == SNAPSHOT_WEEKS
    assert backend.get_task_progress(task_name(profile_id, query_id))["status"] == "completed"

"""``flowcast fetch`` and ``flowcast profile test-connection`` as real processes, including a
sync killed with SIGKILL mid-way."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.jira.sync import sync, task_name
from data.jobs import INTERRUPTED, job_progress
from data.store.sqlite_backend import SQLiteBackend
from fakejira import FakeJira
from tests.integration.jira_support import (
    FAST_RETRY,
    assert_sound,
    make_profile,
    store_snapshot,
    visible_keys,
)

FLOWCAST = str(Path(sys.executable).with_name("flowcast"))

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    with FakeJira("cloud", issues=120, seed=3) as server:
        yield server


def _flowcast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FLOWCAST, *args], capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )


def test_fetch_prints_the_result_and_test_connection_reports_the_site(
    fake: FakeJira, db_path: Path
) -> None:
    profile_id, query_id = make_profile(fake)
    done = _flowcast("fetch", "--profile", profile_id, "--query", "Q")
    assert done.returncode == 0, done.stderr
    assert "Full sync of 'Q': 120 issues" in done.stdout
    assert "Fetched 120 of 120 issues" in done.stderr  # the progress line
    again = _flowcast("fetch", "--profile", profile_id, "--query", query_id, "--json")
    assert again.returncode == 0 and '"mode": "incremental"' in again.stdout
    info = _flowcast("profile", "test-connection", profile_id)
    assert info.returncode == 0
    assert "(cloud) as Demo User (time zone America/Chicago)" in info.stdout


def test_fetch_with_a_bad_token_is_one_line_without_the_token(
    fake: FakeJira, db_path: Path
) -> None:
    profile_id, _ = make_profile(fake, token="not-the-token-123")
    done = _flowcast("fetch", "--profile", profile_id, "--query", "Q", "--quiet")
    assert done.returncode == 1
    assert done.stderr.startswith("Error: JIRA refused the credentials (401")
    assert "Traceback" not in done.stderr and "not-the-token-123" not in done.stderr


def test_a_sync_killed_mid_way_leaves_the_previous_state_and_the_next_sync_works(
    fake: FakeJira, db_path: Path, backend: SQLiteBackend
) -> None:
    profile_id, query_id = make_profile(fake, page_size=10)
    sync(profile_id, query_id, retry=FAST_RETRY)
    before = store_snapshot(db_path, profile_id)
    fake.dataset.touch(sorted(visible_keys(fake))[:40])
    fake.latency_ms = 150  # 12 pages and 12 bulkfetches: several seconds to kill it in
    task = task_name(profile_id, query_id)
    proc = subprocess.Popen(
        [FLOWCAST, "fetch", "--profile", profile_id, "--query", query_id, "--full", "--quiet"],
        env=os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            row = backend.get_task_progress(task)
            # Mid-way: 20 to 80 of the 120 issues fetched (the record is rewritten at most
            # twice a second, so not every page's count shows), none written yet.
            fetched = re.match(r"Fetched (\d+) of", row["message"]) if row else None
            if row and row["status"] == "running" and fetched and 20 <= int(fetched[1]) <= 80:
                break
            assert proc.poll() is None, "the fetch ended before it could be killed"
            time.sleep(0.02)
        else:
            pytest.fail("the fetch never reported progress")
        proc.send_signal(signal.SIGKILL)
        assert proc.wait(10) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    assert_sound(db_path)
    assert store_snapshot(db_path, profile_id) == before
    assert backend.get_task_progress(task)["status"] == "running"  # type: ignore[index]
    # ...but nobody holds its lock, so reading it closes it.
    assert job_progress(task)["message"] == INTERRUPTED  # type: ignore[index]
    # The dead sync's lock died with it; its 'running' row does not block or cancel the next one.
    fake.latency_ms = 0
    result = sync(profile_id, query_id, full=True, retry=FAST_RETRY)
    assert result.issue_count == 120
    assert store_snapshot(db_path, profile_id) != before
    assert_sound(db_path)

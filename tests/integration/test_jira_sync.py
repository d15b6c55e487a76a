"""Sync against the fake JIRA over real HTTP, both deployments: full, incremental, atomic."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from data.analytics.report import load_context, quality_section
from data.db.connection import get_db_connection
from data.errors import TaskCancelled
from data.jira.client import RetryPolicy
from data.jira.sync import SyncInProgress, sync, sync_state, task_name
from data.jobs import job_progress
from data.store.sqlite_backend import SQLiteBackend
from demo import DEMO_ISSUES, DEMO_SEED
from fakejira import FakeJira
from fakejira.catalog import STATUSES
from tests.integration.jira_support import (
    FAST_RETRY,
    assert_sound,
    make_profile,
    status_changes,
    store_snapshot,
    visible_keys,
)

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    # A user west of UTC: JQL dates typed in UTC would be read 8 hours off.
    with FakeJira(request.param, issues=150, seed=11, timezone="America/Los_Angeles") as server:
        yield server


def _stored_keys(db_path: Path, profile_id: str, query_id: str) -> set[str]:
    with get_db_connection(db_path) as conn:
        return {
            r[0]
            for r in conn.execute(
                "SELECT issue_key FROM query_issues WHERE profile_id = ? AND query_id = ?",
                (profile_id, query_id),
            )
        }


def test_full_sync_stores_every_issue_with_its_status_history(
    fake: FakeJira, db_path: Path
) -> None:
    profile_id, query_id = make_profile(fake)
    result = sync(profile_id, query_id, retry=FAST_RETRY)
    keys = visible_keys(fake)
    assert result.mode == "full" and result.issue_count == len(keys) == 150
    assert _stored_keys(db_path, profile_id, query_id) == keys
    expected_transitions = sum(status_changes(fake, key) for key in keys)
    assert result.transition_count == expected_transitions
    assert_sound(db_path)
    state = sync_state(profile_id, query_id)
    assert state is not None and state["jira_time_zone"] == "America/Los_Angeles"
    assert state["deployment"] == fake.deployment and state["last_error"] is None


def test_changelogs_longer_than_40_histories_are_complete(fake: FakeJira, db_path: Path) -> None:
    long = [i.key for i in fake.dataset.issues() if len(i.histories) > 40]
    assert long, "the fake's dataset should hold issues with more than 40 histories"
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    with get_db_connection(db_path) as conn:
        for key in long:
            stored = conn.execute(
                "SELECT COUNT(*) FROM issue_transitions WHERE profile_id = ? AND issue_key = ?",
                (profile_id, key),
            ).fetchone()[0]
            assert stored == status_changes(fake, key), key


def test_rerunning_a_full_sync_is_idempotent(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    first = store_snapshot(db_path, profile_id)
    sync(profile_id, query_id, full=True, retry=FAST_RETRY)
    assert store_snapshot(db_path, profile_id) == first


def test_incremental_picks_up_changes_west_of_utc(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    key = next(i.key for i in fake.dataset.issues() if i.project == "DEMO")
    fake.dataset.touch([key], status="Blocked")
    fake.reset_counts()
    # A one-minute margin: a bound formatted in UTC would lie 8 hours in the Los Angeles future.
    result = sync(profile_id, query_id, retry=FAST_RETRY, safety_margin=timedelta(minutes=1))
    assert result.mode == "incremental"
    assert 1 <= result.fetched < 150
    with get_db_connection(db_path) as conn:
        status, last = conn.execute(
            "SELECT i.status, (SELECT to_status FROM issue_transitions t WHERE t.profile_id = "
            "i.profile_id AND t.issue_key = i.issue_key ORDER BY seq DESC LIMIT 1) FROM issues i "
            "WHERE profile_id = ? AND issue_key = ?",
            (profile_id, key),
        ).fetchone()
    assert (status, last) == ("Blocked", "Blocked")
    assert_sound(db_path)


def test_incremental_drops_issues_that_left_the_query_or_were_deleted(
    fake: FakeJira, db_path: Path
) -> None:
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    issues = [i.key for i in fake.dataset.issues()]
    moved_from, deleted = issues[3], issues[4]
    fake.dataset.move(moved_from, "OPS")
    fake.dataset.delete(deleted)
    new = fake.dataset.create(2)
    result = sync(profile_id, query_id, retry=FAST_RETRY)
    assert result.mode == "incremental"
    stored = _stored_keys(db_path, profile_id, query_id)
    assert stored == visible_keys(fake)
    assert moved_from not in stored and deleted not in stored
    assert {i.key for i in new} <= stored
    assert result.removed == 2
    with get_db_connection(db_path) as conn:
        orphans = conn.execute(
            "SELECT COUNT(*) FROM issues WHERE profile_id = ? AND issue_key IN (?, ?)",
            (profile_id, moved_from, deleted),
        ).fetchone()[0]
    assert orphans == 0
    assert_sound(db_path)


def test_a_stale_full_sync_or_changed_jql_forces_a_full_sync(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake, cache_ttl_hours=24)
    sync(profile_id, query_id, retry=FAST_RETRY)
    assert sync(profile_id, query_id, retry=FAST_RETRY).mode == "incremental"
    with get_db_connection(db_path) as conn:
        conn.execute(
            "UPDATE jira_sync_state SET last_full_sync_at = '2000-01-01T00:00:00.000Z' "
            "WHERE profile_id = ?",
            (profile_id,),
        )
    assert sync(profile_id, query_id, retry=FAST_RETRY).mode == "full"
    from data.profiles import manager as pm

    pm.update_query(profile_id, query_id, jql="project = DEMO AND issuetype = Bug")
    result = sync(profile_id, query_id, retry=FAST_RETRY)
    assert result.mode == "full"
    bugs = {i.key for i in fake.dataset.issues() if i.issue_type == "Bug"}
    assert _stored_keys(db_path, profile_id, query_id) == bugs


def test_progress_is_written_to_task_progress(
    fake: FakeJira, backend: SQLiteBackend, db_path: Path
) -> None:
    profile_id, query_id = make_profile(fake, page_size=40)
    seen: list[tuple[float, str]] = []
    sync(profile_id, query_id, retry=FAST_RETRY, progress=lambda p, m: seen.append((p, m)))
    assert any(m == "Fetched 40 of 150 issues" for _, m in seen), seen
    percents = [p for p, _ in seen]
    assert percents == sorted(percents)
    row = backend.get_task_progress(task_name(profile_id, query_id))
    assert row is not None and row["status"] == "completed" and row["progress_percent"] == 100
    assert row["details"]["issue_count"] == 150


def test_cancelling_between_pages_leaves_the_previous_data(
    fake: FakeJira, backend: SQLiteBackend, db_path: Path
) -> None:
    profile_id, query_id = make_profile(fake, page_size=40)
    sync(profile_id, query_id, retry=FAST_RETRY)
    before = store_snapshot(db_path, profile_id)
    fake.dataset.touch([k for k in sorted(visible_keys(fake))[:30]])
    task = task_name(profile_id, query_id)

    def cancel_from_another_caller(percent: float, message: str) -> None:
        if message.startswith("Fetched"):
            assert backend.request_task_cancel(task)

    with pytest.raises(TaskCancelled, match="previous data is unchanged"):
        sync(profile_id, query_id, full=True, retry=FAST_RETRY, progress=cancel_from_another_caller)
    assert store_snapshot(db_path, profile_id) == before
    row = backend.get_task_progress(task)
    assert row is not None and row["status"] == "cancelled"
    # The cancel callable works the same way, and a later sync runs normally.
    with pytest.raises(TaskCancelled):
        sync(profile_id, query_id, full=True, retry=FAST_RETRY, cancel=lambda: True)
    assert store_snapshot(db_path, profile_id) == before
    assert sync(profile_id, query_id, retry=FAST_RETRY).issue_count == 150


def test_a_second_sync_of_the_same_query_is_refused(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake, page_size=40)
    inside, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def hold(percent: float, message: str) -> None:
        if message.startswith("Fetched") and not inside.is_set():
            inside.set()
            release.wait(10)

    def first() -> None:
        try:
            sync(profile_id, query_id, retry=FAST_RETRY, progress=hold)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(10)
        # The live run holds the lock: its record stays running.
        assert job_progress(task_name(profile_id, query_id))["status"] == "running"
        with pytest.raises(SyncInProgress, match="already syncing"):
            sync(profile_id, query_id, retry=FAST_RETRY)
    finally:
        release.set()
        thread.join(10)
    assert errors == []
    assert job_progress(task_name(profile_id, query_id))["status"] == "completed"
    assert sync_state(profile_id, query_id)["issue_count"] == 150  # type: ignore[index]


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
def test_jira_status_categories_map_statuses_seen_only_in_history(
    deployment: str, db_path: Path
) -> None:
    # The demo data set, queried for finished work only: every issue is in Done now, so the
    # statuses it passed through (To Do, In Progress, ...) appear only in its transitions.
    with FakeJira(deployment, issues=DEMO_ISSUES, seed=DEMO_SEED) as server:
        profile_id, query_id = make_profile(server, jql="project = DEMO AND status = Done")
        assert sync(profile_id, query_id, retry=FAST_RETRY).mode == "full"
        with get_db_connection(db_path) as conn:
            stored = {
                r["name"]: r["category"]
                for r in conn.execute(
                    "SELECT name, category FROM jira_statuses WHERE profile_id = ?", (profile_id,)
                )
            }
        assert stored == {s.name: s.category for s in STATUSES.values()}

        ctx = load_context(profile_id, query_id)
        current = set(ctx.frames.issues["current_status"].astype(str))
        seen = set(ctx.frames.transitions["to_status"].astype(str))
        assert current == {"Done"} and {"In Progress", "In Review", "Blocked"} <= seen
        quality = quality_section(ctx)
        assert quality.unmapped_statuses == ()
        assert "map to no flow state" not in quality.note

        # Without the table only "Done" has a category, so the rest would be unmapped; an
        # incremental sync of a profile with no rows fetches them again.
        with get_db_connection(db_path) as conn:
            conn.execute("DELETE FROM jira_statuses WHERE profile_id = ?", (profile_id,))
        assert set(quality_section(load_context(profile_id, query_id)).unmapped_statuses) >= {
            "In Progress",
            "Blocked",
        }
        again = sync(profile_id, query_id, retry=FAST_RETRY)
        assert again.mode == "incremental"
        assert quality_section(load_context(profile_id, query_id)).unmapped_statuses == ()


def test_cancel_stops_a_sync_waiting_to_retry_an_unreachable_jira(backend: SQLiteBackend) -> None:
    """Port 1 on loopback refuses at once; the sync waits (real time, 30 s here) before its one
    retry. The wait says why in task_progress, and Cancel ends it within a poll step."""
    backend.save_profile(
        {"id": "p", "name": "P", "jira_config": {"base_url": "http://127.0.0.1:1",
                                                  "deployment": "cloud", "email": "a@b.c",
                                                  "token": "t"}}
    )  # fmt: skip
    backend.save_query("p", {"id": "q", "name": "Q", "jql": "project = X"})
    task = task_name("p", "q")
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            sync("p", "q", retry=RetryPolicy(first_delay=30, jitter=(1, 1), max_total_wait=60))
        except BaseException as exc:  # the test inspects it
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        deadline = time.monotonic() + 30
        while "retrying in" not in ((backend.get_task_progress(task) or {}).get("message") or ""):
            assert time.monotonic() < deadline, backend.get_task_progress(task)
            time.sleep(0.05)
        message = backend.get_task_progress(task)["message"]
        assert message.startswith("Nothing answers at http://127.0.0.1:1 (connection refused)")
        assert message.endswith("(attempt 1 of 2)")
        assert backend.request_task_cancel(task)
        worker.join(timeout=5)
        assert not worker.is_alive(), "the retry wait did not stop at Cancel"
    finally:
        backend.request_task_cancel(task)
        worker.join(timeout=120)
    assert len(outcome) == 1 and isinstance(outcome[0], TaskCancelled)
    assert backend.get_task_progress(task)["status"] == "cancelled"


def test_an_issue_read_again_within_the_safety_margin_is_not_called_a_change(
    fake: FakeJira, db_path: Path
) -> None:
    """An incremental sync reads again what JIRA updated shortly before the last sync (its safety
    margin); those issues did not change, and the summary says so (the demo said "1 changed or
    new issues updated" after a sync that changed nothing)."""
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    everything = timedelta(days=3650)  # the margin reaches back past every issue's update
    key = next(i.key for i in fake.dataset.issues() if i.project == "DEMO")
    fake.dataset.touch([key], status="Blocked")
    second = sync(profile_id, query_id, retry=FAST_RETRY, safety_margin=everything)
    assert (second.mode, second.fetched, second.changed) == ("incremental", 150, 1)
    assert second.summary() == "1 changed or new issues updated; the query has 150 issues."
    third = sync(profile_id, query_id, retry=FAST_RETRY, safety_margin=everything)
    assert (third.fetched, third.changed) == (150, 0)
    assert third.summary() == "No changes since the last sync; the query has 150 issues."

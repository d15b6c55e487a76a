"""Header adapters as plain functions: the fetch job, one sync per query, cancel, polling."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from dash import no_update

from callbacks import header, jobs
from data.analytics.fetch import SNAPSHOT_WEEKS
from data.analytics.snapshots import weekly_review
from data.jira.sync import sync_state, task_name
from data.jobs import INTERRUPTED, job_lock
from data.profiles import manager as profile_manager
from fakejira import dead_jira
from fakejira.server import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira
from layouts import ids
from layouts.jobs import BAR_IDLE, BAR_SHOWN


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    with FakeJira(deployment="cloud", issues=80, seed=5) as server:
        yield server


@pytest.fixture
def selection(backend, fake: FakeJira) -> dict[str, str]:
    profile_id = profile_manager.create_profile(
        "Team",
        {"jira_config": {"base_url": fake.base_url, "deployment": "cloud",
                         "email": DEFAULT_EMAIL, "token": DEFAULT_TOKEN}},
    )  # fmt: skip
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    return {"profile": profile_id, "query": query_id}


def test_progress_values_format_the_record():
    assert jobs.progress_values(None) == (0, "", "")
    running = {"progress_percent": 42.4, "status": "running", "message": "Fetched 1 of 2"}
    assert jobs.progress_values(running) == (42.4, "42%", "Fetched 1 of 2")
    done = {"progress_percent": 100, "status": "completed", "message": "Synced 80 issues"}
    assert jobs.progress_values(done) == (100.0, "100%", "Completed: Synced 80 issues")


def test_fetch_syncs_reports_progress_and_computes_snapshots(selection):
    reported = []
    alert, version, last_sync = header.run_fetch(
        selection, False, 2, lambda percent, message: reported.append((percent, message))
    )
    assert alert.color == "success" and "80 issues" in alert.children
    assert version == 3
    assert "80 issues" in last_sync
    # 100 % only when the whole job is done, after the snapshots (each phase reported on the way).
    assert reported[-1] == (100, alert.children)
    assert alert.children.endswith(f"{SNAPSHOT_WEEKS} weekly snapshots updated.")
    assert all(0 <= value < 100 for value, _message in reported[:-1])
    messages = [message for _value, message in reported]
    first_week = next(i for i, m in enumerate(messages) if m.startswith("Computing week"))
    assert any(m.startswith("Fetched") for m in messages[:first_week])
    assert all(value >= 80 for value, _m in reported[first_week:])
    assert sync_state(selection["profile"], selection["query"])["issue_count"] == 80
    trends = weekly_review(selection["profile"], selection["query"], SNAPSHOT_WEEKS).trends
    assert len(trends) == SNAPSHOT_WEEKS


def test_a_second_fetch_of_a_running_query_explains_and_does_nothing(selection, backend):
    task = task_name(selection["profile"], selection["query"])
    with job_lock(task, "busy"):  # the running fetch holds its query's lock
        backend.save_task_progress(task, 37, "running", "Fetched 30 of 80 issues")
        alert, version, last_sync = header.run_fetch(selection, False, 0)
    assert "already running (37%)" in alert.children
    assert version is no_update and last_sync is no_update
    assert sync_state(selection["profile"], selection["query"]) is None


def test_a_fetch_whose_process_was_stopped_blocks_nothing(selection, backend):
    # The server stopped mid-fetch: its record still says running, but no process holds the lock.
    task = task_name(selection["profile"], selection["query"])
    backend.save_task_progress(task, 37, "running", "Fetched 30 of 80 issues")
    # Every tab's poll shows it ended, with Fetch enabled and Cancel disabled.
    assert header.FETCH.poll(selection, True) == (
        37.0, "37%", f"Failed: {INTERRUPTED}", False, True, False, BAR_SHOWN
    )  # fmt: skip
    assert header.FETCH.cancel(selection).children == "No fetch is running."
    alert, version, _ = header.run_fetch(selection, False, 0)
    assert alert.children.startswith("Fetched all 80 issues (full sync)") and version == 1
    assert backend.get_task_progress(task)["status"] == "completed"


def test_fetch_without_a_query_asks_for_one(backend):
    alert, version, _ = header.run_fetch({"profile": None, "query": None}, False, 0)
    assert "Choose a profile and a query" in alert.children and version is no_update


def test_fetch_for_a_profile_without_queries_says_to_create_one(backend):
    profile_id = profile_manager.create_profile("Empty team")
    alert, version, _ = header.run_fetch({"profile": profile_id, "query": None}, False, 0)
    assert alert.children == (
        "Profile 'Empty team' has no queries yet; create one in Settings → Queries."
    )
    assert version is no_update


def test_a_jira_error_is_an_alert_with_jiras_message(selection, fake):
    profile_manager.update_profile(selection["profile"], {"jira_config": {"token": "wrong"}})
    alert, version, _ = header.run_fetch(selection, False, 0)
    assert alert.color == "danger" and version is no_update
    assert "token" in str(alert.children).lower()


def test_a_jira_that_does_not_answer_is_a_red_alert_with_retry(selection):
    with dead_jira() as url:
        profile_manager.update_profile(selection["profile"], {"jira_config": {"base_url": url}})
        alert, version, last_sync = header.run_fetch(selection, False, 0)
    assert alert.color == "danger" and version is no_update and last_sync is no_update
    title, message, retry = alert.children
    assert title.children == "No answer from JIRA: "
    assert message.children.startswith(f"Nothing answered at {url} (connection refused")
    assert (retry.id, retry.children) == (ids.HEADER_FETCH_RETRY, "Retry")
    assert sync_state(selection["profile"], selection["query"])["issue_count"] == 0


def test_an_error_a_retry_cannot_fix_offers_no_retry(selection):
    profile_manager.update_profile(selection["profile"], {"jira_config": {"token": "wrong"}})
    alert, _version, _ = header.run_fetch(selection, False, 0)
    assert [type(part).__name__ for part in alert.children] == ["Strong", "Span"]


def test_cancel_flags_a_running_job_only(selection, backend):
    assert "No fetch" in header.FETCH.cancel(selection).children
    task = task_name(selection["profile"], selection["query"])
    with job_lock(task, "busy"):
        backend.save_task_progress(task, 10, "running", "Connecting to JIRA")
        assert "Cancelling" in header.FETCH.cancel(selection).children
    assert backend.get_task_progress(task)["cancel_requested"] is True


def test_poll_shows_a_running_job_to_every_tab(selection, backend):
    # Nothing ran: the buttons are left to this tab (its own fetch may just have started), and
    # the bar is hidden (an empty, unlabelled bar said nothing).
    assert header.FETCH.poll(selection, False) == (
        0, "", "", no_update, no_update, False, BAR_IDLE
    )  # fmt: skip
    task = task_name(selection["profile"], selection["query"])
    with job_lock(task, "busy"):
        backend.save_task_progress(task, 50, "running", "Fetched 40 of 80 issues")
        # Running: Fetch disabled, Cancel enabled.
        assert header.FETCH.poll(selection, False) == (
            50.0, "50%", "Fetched 40 of 80 issues", True, False, True, BAR_SHOWN
        )  # fmt: skip
    backend.save_task_progress(task, 100, "completed", "Synced 80 issues")
    # The end of a job seen running re-enables Fetch once.
    assert header.FETCH.poll(selection, True) == (
        100.0, "100%", "Completed: Synced 80 issues", False, True, False, BAR_SHOWN
    )  # fmt: skip

"""A running Fetch seen from a reloaded page and from a second tab, and cancelled from there.

Every tab learns about the job only from ``task_progress`` (the header polls it once a second), so
the fetch must still be running when each page comes up: the fake JIRA serves 10 issues a page
and waits 1.5 s on every request, which makes a full fetch of the 600 demo issues take about
3 minutes (60 pages, each a search and a changelog request). The test needs a few seconds of it
and cancels it; a failing test cancels it too (the fixture below), and stopping the fake ends it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from dash.testing.wait import until

from callbacks.jobs import progress_values
from data.jira.sync import sync, sync_state, task_name
from data.profiles import manager as profile_manager
from data.store import get_backend
from layouts import ids
from tests.browser.conftest import click, text_of

TIMEOUT = 60
PAGE_SIZE = 10
LATENCY_MS = 1500
RUNNING_MESSAGE = re.compile(r"^Fetched \d+ of 600 issues$")


@pytest.fixture
def slow_demo(demo: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The demo fetched once (the data a cancelled fetch must leave alone), then made slow."""
    sync(demo["profile"], demo["query"])
    profile_manager.update_profile(demo["profile"], {"jira_config": {"page_size": PAGE_SIZE}})
    demo["fake"].latency_ms = LATENCY_MS
    demo["task"] = task_name(demo["profile"], demo["query"])
    try:
        yield demo
    finally:
        # A test that failed before its Cancel must not leave the job fetching for minutes.
        get_backend().request_task_cancel(demo["task"])


def is_disabled(dash_duo, element_id: str) -> bool:
    """The button's disabled property, read in one script call (no stale element handles)."""
    return bool(
        dash_duo.driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e.disabled : null;",
            element_id,
        )
    )


def job_status(task: str) -> str | None:
    return (get_backend().get_task_progress(task) or {}).get("status")


def wait_for_running_fetch(dash_duo, task: str) -> None:
    """This page shows the job as task_progress has it: a 'Fetched n of 600' message equal to the
    stored one (retried: the record moves on every 3 s), a percent above 0, Fetch off, Cancel on."""

    def shows_stored_progress() -> bool:
        shown = text_of(dash_duo, ids.HEADER_PROGRESS_MESSAGE)
        stored = progress_values(get_backend().get_task_progress(task))[2]
        return bool(RUNNING_MESSAGE.match(shown)) and shown == stored

    until(shows_stored_progress, TIMEOUT, poll=0.2)
    until(lambda: text_of(dash_duo, ids.HEADER_PROGRESS) not in ("", "0%"), TIMEOUT)
    until(lambda: is_disabled(dash_duo, ids.HEADER_FETCH), TIMEOUT)
    until(lambda: not is_disabled(dash_duo, ids.HEADER_CANCEL), TIMEOUT)


def test_a_reloaded_page_and_a_second_tab_show_the_running_fetch_and_cancel_it(
    start_app, slow_demo
):
    demo, task = slow_demo, slow_demo["task"]
    before = sync_state(demo["profile"], demo["query"])
    dash_duo = start_app()
    click(dash_duo, ids.HEADER_FULL_FETCH)
    click(dash_duo, ids.HEADER_FETCH)
    # The job has read its first page once task_progress says so.
    until(
        lambda: RUNNING_MESSAGE.match(progress_values(get_backend().get_task_progress(task))[2]),
        TIMEOUT,
    )

    # (a) A reload drops the page's own background callback; the job runs on in its process.
    dash_duo.driver.refresh()
    wait_for_running_fetch(dash_duo, task)
    first_tab = dash_duo.driver.current_window_handle

    # (b) A second tab shows the same job and cancels it.
    dash_duo.driver.switch_to.new_window("tab")
    dash_duo.driver.get(dash_duo.server_url)
    wait_for_running_fetch(dash_duo, task)
    assert job_status(task) == "running"
    click(dash_duo, ids.HEADER_CANCEL)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_CANCEL_RESULT}", "Cancelling", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_PROGRESS_MESSAGE}", "Cancelled", timeout=TIMEOUT)
    until(lambda: not is_disabled(dash_duo, ids.HEADER_FETCH), TIMEOUT)
    assert job_status(task) == "cancelled"
    after = sync_state(demo["profile"], demo["query"])
    assert after["last_sync_at"] == before["last_sync_at"]
    assert after["issue_count"] == before["issue_count"] == 600
    assert dash_duo.get_logs() == []

    # The reloaded first tab sees the end of the job too.
    dash_duo.driver.switch_to.window(first_tab)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_PROGRESS_MESSAGE}", "Cancelled", timeout=TIMEOUT)
    until(lambda: not is_disabled(dash_duo, ids.HEADER_FETCH), TIMEOUT)
    assert is_disabled(dash_duo, ids.HEADER_CANCEL)
    assert dash_duo.get_logs() == []

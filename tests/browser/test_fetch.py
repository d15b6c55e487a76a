"""First start on the demo; Fetch from the fake JIRA with a visible progress bar; Cancel."""

from __future__ import annotations

from dash.testing.wait import until

from data.jira.sync import sync, sync_state, task_name
from data.store import get_backend
from layouts import ids
from tests.browser.conftest import click, text_of, wait_for_graph

TIMEOUT = 60


def test_first_start_and_fetch_reaches_100(start_app, demo):
    dash_duo = start_app()
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_PROFILE}", "Demo", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_QUERY}", "All work", timeout=TIMEOUT)
    dash_duo.wait_for_text_to_equal(f"#{ids.HEADER_LAST_SYNC}", "never", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.PAGE}", "has not been fetched yet", timeout=TIMEOUT)

    click(dash_duo, ids.HEADER_FETCH)
    dash_duo.wait_for_contains_text(
        f"#{ids.HEADER_FETCH_RESULT}", "Fetched 600 issues", timeout=TIMEOUT
    )
    dash_duo.wait_for_text_to_equal(f"#{ids.HEADER_PROGRESS}", "100%", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_LAST_SYNC}", "600 issues", timeout=TIMEOUT)
    # The fetch bumps the data version: the landing page re-renders with the fetched data.
    wait_for_graph(dash_duo, ids.FORECAST_BURNDOWN, TIMEOUT)
    until(lambda: "not been fetched" not in text_of(dash_duo, ids.PAGE), TIMEOUT)
    state = sync_state(demo["profile"], demo["query"])
    assert state is not None and state["issue_count"] == 600
    assert dash_duo.get_logs() == []


def test_cancel_mid_fetch_keeps_the_previous_data(start_app, demo):
    sync(demo["profile"], demo["query"])
    before = sync_state(demo["profile"], demo["query"])
    demo["fake"].latency_ms = 2000  # every JIRA request now takes 2 s: time to press Cancel
    dash_duo = start_app()
    click(dash_duo, ids.HEADER_FULL_FETCH)
    click(dash_duo, ids.HEADER_FETCH)
    task = task_name(demo["profile"], demo["query"])
    until(lambda: (get_backend().get_task_progress(task) or {}).get("status") == "running", TIMEOUT)
    click(dash_duo, ids.HEADER_CANCEL)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_CANCEL_RESULT}", "Cancelling", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(
        f"#{ids.HEADER_FETCH_RESULT}", "Fetch cancelled", timeout=TIMEOUT
    )
    assert get_backend().get_task_progress(task)["status"] == "cancelled"
    after = sync_state(demo["profile"], demo["query"])
    assert after["last_sync_at"] == before["last_sync_at"]
    assert after["issue_count"] == before["issue_count"] == 600
    # The poller takes over again and shows the cancelled job's record.
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_PROGRESS_MESSAGE}", "Cancelled", timeout=TIMEOUT)
    assert dash_duo.get_logs() == []


def test_a_new_fetch_starts_from_an_empty_bar_not_the_last_run_s_message(start_app, demo):
    sync(demo["profile"], demo["query"])
    dash_duo = start_app()
    message = f"#{ids.HEADER_PROGRESS_MESSAGE}"
    dash_duo.wait_for_contains_text(message, "Completed: Synced 600 issues", timeout=TIMEOUT)
    # Every text the message shows from the click on, in order.
    dash_duo.driver.execute_script(
        """const element = document.getElementById(arguments[0]);
        window.shown = [];
        new MutationObserver(() => window.shown.push(element.innerText))
            .observe(element, {childList: true, characterData: true, subtree: true});""",
        ids.HEADER_PROGRESS_MESSAGE,
    )
    click(dash_duo, ids.HEADER_FETCH)
    dash_duo.wait_for_contains_text(
        f"#{ids.HEADER_FETCH_RESULT}", "the query now has 600 issues", timeout=TIMEOUT
    )
    shown = dash_duo.driver.execute_script("return window.shown")
    # At the click, before the job's process reports: the bar says so, not the last run's end.
    assert shown[0] == "Starting…"
    assert not any("(full, 600 fetched)" in text for text in shown)
    assert dash_duo.get_logs() == []

"""First start on the demo; Fetch from the fake JIRA with a visible progress bar; Cancel."""

from __future__ import annotations

from dash.testing.wait import until

from data.jira.sync import sync, sync_state, task_name
from data.profiles import manager as profile_manager
from data.store import get_backend
from fakejira import dead_jira
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
        f"#{ids.HEADER_FETCH_RESULT}",
        "Fetched all 600 issues (full sync); the query has 600 issues; 26 weekly snapshots updated.",
        timeout=TIMEOUT,
    )
    dash_duo.wait_for_text_to_equal(f"#{ids.HEADER_PROGRESS}", "100%", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_LAST_SYNC}", "600 issues", timeout=TIMEOUT)
    # The fetch bumps the data version: the landing page re-renders with the fetched data.
    wait_for_graph(dash_duo, ids.FORECAST_BURNDOWN, TIMEOUT)
    until(lambda: "not been fetched" not in text_of(dash_duo, ids.PAGE), TIMEOUT)
    state = sync_state(demo["profile"], demo["query"])
    assert state is not None and state["issue_count"] == 600
    assert dash_duo.get_logs() == []


def test_a_dead_jira_fails_fast_in_red_and_retry_fetches_again(start_app, demo):
    # Nothing answers at the profile's URL: the fetch ends within seconds (one retry) in a red
    # alert with a Retry button; once JIRA is back, Retry fetches as Fetch does.
    jira = profile_manager.get_profile(demo["profile"])["jira_config"]
    with dead_jira() as url:
        profile_manager.update_profile(demo["profile"], {"jira_config": {"base_url": url}})
        dash_duo = start_app()
        click(dash_duo, ids.HEADER_FETCH)
        result = f"#{ids.HEADER_FETCH_RESULT}"
        dash_duo.wait_for_contains_text(result, "No answer from JIRA", timeout=TIMEOUT)
        assert f"Nothing answered at {url} (connection refused" in text_of(
            dash_duo, ids.HEADER_FETCH_RESULT
        )
        assert dash_duo.find_element(f"{result} .alert").get_attribute("class").count("danger")
        dash_duo.wait_for_contains_text(
            f"#{ids.HEADER_PROGRESS_MESSAGE}", "Failed: Nothing answered", timeout=TIMEOUT
        )
    assert sync_state(demo["profile"], demo["query"])["issue_count"] == 0
    profile_manager.update_profile(demo["profile"], {"jira_config": {"base_url": jira["base_url"]}})
    click(dash_duo, ids.HEADER_FETCH_RETRY)
    dash_duo.wait_for_contains_text(result, "Fetched all 600 issues", timeout=TIMEOUT)
    assert sync_state(demo["profile"], demo["query"])["issue_count"] == 600
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
        f"#{ids.HEADER_FETCH_RESULT}",
        f"The sync of query {demo['query']!r} was cancelled; the previous data is unchanged.",
        timeout=TIMEOUT,
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
    dash_duo.wait_for_contains_text(message, "Completed: Fetched all 600 issues", timeout=TIMEOUT)
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
        f"#{ids.HEADER_FETCH_RESULT}",
        "No changes since the last sync; the query has 600 issues",
        timeout=TIMEOUT,
    )
    shown = dash_duo.driver.execute_script("return window.shown")
    # At the click, before the job's process reports: the bar says so, not the last run's end.
    assert shown[0] == "Starting…"
    assert not any("Fetched all 600 issues" in text for text in shown)
    assert dash_duo.get_logs() == []


def test_cancel_works_while_the_fetch_is_starting(start_app, demo):
    """Cancel pressed while the bar says "Starting…" (the job's process takes a second or two to
    start) used to answer "No fetch is running." and the fetch then completed. The click records
    the run as pending, so Cancel reaches it; the job stops at its first step (before asking JIRA
    anything when it had not started yet: tests/integration/test_fetch.py)."""
    demo["fake"].latency_ms = 500  # the run must not finish before Cancel lands
    dash_duo = start_app()
    dash_duo.wait_for_text_to_equal(f"#{ids.HEADER_LAST_SYNC}", "never", timeout=TIMEOUT)
    task = task_name(demo["profile"], demo["query"])
    click(dash_duo, ids.HEADER_FETCH)
    until(lambda: (get_backend().get_task_progress(task) or {}).get("status") == "pending", TIMEOUT)
    click(dash_duo, ids.HEADER_CANCEL)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_CANCEL_RESULT}", "Cancelling", timeout=TIMEOUT)
    until(lambda: "ancelled" in text_of(dash_duo, ids.HEADER_FETCH_RESULT), TIMEOUT)
    assert get_backend().get_task_progress(task)["status"] == "cancelled"
    assert sync_state(demo["profile"], demo["query"]) is None
    assert dash_duo.get_logs() == []


def test_cancel_during_the_snapshots_keeps_the_fetched_issues(start_app, demo):
    # A million Monte Carlo trials per forecast (a real setting): the 26 weeks take long enough
    # to press Cancel while they are computed.
    profile_manager.update_profile(
        demo["profile"], {"forecast_settings": {"monte_carlo_trials": 1_000_000}}
    )
    dash_duo = start_app()
    task = task_name(demo["profile"], demo["query"])
    click(dash_duo, ids.HEADER_FETCH)

    def computing_snapshots() -> bool:
        record = get_backend().get_task_progress(task) or {}
        return record.get("message", "").startswith("Computing week")

    until(computing_snapshots, TIMEOUT)
    click(dash_duo, ids.HEADER_CANCEL)
    dash_duo.wait_for_contains_text(
        f"#{ids.HEADER_FETCH_RESULT}",
        "Cancelled after the issues were fetched: Fetched all 600 issues",
        timeout=TIMEOUT,
    )
    assert get_backend().get_task_progress(task)["status"] == "cancelled"
    assert sync_state(demo["profile"], demo["query"])["issue_count"] == 600
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_LAST_SYNC}", "600 issues", timeout=TIMEOUT)
    # The pages redraw from the fetched issues (let that finish before the server stops).
    wait_for_graph(dash_duo, ids.FORECAST_BURNDOWN, TIMEOUT)
    until(lambda: "not been fetched" not in text_of(dash_duo, ids.PAGE), TIMEOUT)
    assert dash_duo.get_logs() == []

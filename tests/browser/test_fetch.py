"""Fetch from the fake JIRA with a visible progress bar; cancel mid-fetch keeps the old data."""

from __future__ import annotations

from app import create_app
from data.jira.sync import sync_state
from layouts import ids

TIMEOUT = 30


def _bar_text(dash_duo) -> str:
    return dash_duo.find_element(f"#{ids.HEADER_PROGRESS}").text


def test_fetch_progress_reaches_100(dash_duo, demo_profile):
    dash_duo.start_server(create_app())
    dash_duo.wait_for_text_to_equal(f"#{ids.HEADER_LAST_SYNC}", "never", timeout=TIMEOUT)
    dash_duo.find_element(f"#{ids.HEADER_FETCH}").click()
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_FETCH_RESULT}", "Fetched 400 issues", timeout=60)
    dash_duo.wait_for_text_to_equal(f"#{ids.HEADER_PROGRESS}", "100%", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_LAST_SYNC}", "400 issues", timeout=TIMEOUT)
    state = sync_state(demo_profile["profile"], demo_profile["query"])
    assert state is not None and state["issue_count"] == 400
    assert dash_duo.get_logs() == []

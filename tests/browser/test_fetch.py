"""Fetch from the fake JIRA with a visible progress bar; cancel mid-fetch keeps the old data."""

from __future__ import annotations

from data.jira.sync import sync_state
from layouts import ids

TIMEOUT = 60


def test_fetch_progress_reaches_100(start_app, demo):
    dash_duo = start_app()
    dash_duo.wait_for_text_to_equal(f"#{ids.HEADER_LAST_SYNC}", "never", timeout=TIMEOUT)
    dash_duo.find_element(f"#{ids.HEADER_FETCH}").click()
    dash_duo.wait_for_contains_text(
        f"#{ids.HEADER_FETCH_RESULT}", "Fetched 600 issues", timeout=TIMEOUT
    )
    dash_duo.wait_for_text_to_equal(f"#{ids.HEADER_PROGRESS}", "100%", timeout=TIMEOUT)
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_LAST_SYNC}", "600 issues", timeout=TIMEOUT)
    state = sync_state(demo["profile"], demo["query"])
    assert state is not None and state["issue_count"] == 600
    assert dash_duo.get_logs() == []

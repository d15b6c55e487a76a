"""The Sprints page on the demo (a Scrum board with fortnightly sprints) in Chromium: the active
sprint is drawn first, the picker and the Items / Points switch redraw the sprint, and the Bugs
query, which reads the same board, still shows it; a query without a board says to name one in
Settings, a board never fetched says to press Fetch (and the Fetch draws it)."""

from __future__ import annotations

from datetime import UTC, datetime

from dash.testing.wait import until

from data.analytics.snapshots import snapshot_weeks
from data.jira.sync import sync
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import choose_option, click, text_of, wait_for_graph

TIMEOUT = 30


def _burndown_title(dash_duo) -> str:
    return dash_duo.driver.execute_script(
        "const t = document.querySelector(arguments[0]); return t ? t.textContent : '';",
        f"#{ids.SPRINTS_BURNDOWN} .gtitle",
    )


def test_the_sprints_page_draws_the_active_sprint_and_redraws_the_one_picked(start_app, demo):
    sync(demo["profile"], demo["query"])
    fake = demo["fake"]
    active = next(s for s in fake.dataset.sprints if s.state == "active")
    closed = [s for s in fake.dataset.sprints if s.state == "closed"]
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/sprints")
    for graph_id in (ids.SPRINTS_BURNDOWN, ids.SPRINTS_VELOCITY):
        wait_for_graph(dash_duo, graph_id, TIMEOUT)
    assert _burndown_title(dash_duo) == f"Burndown of {active.name} (remaining items)"
    assert closed[-1].name in text_of(dash_duo, ids.SPRINTS_VELOCITY)
    table = text_of(dash_duo, ids.SPRINTS_SCOPE_TABLE)
    assert "Committed at start" in table and "Carried over" in table
    assert "In sprints" in text_of(dash_duo, ids.SPRINTS_FORECAST)

    picked = closed[-2]
    assert picked.start_ms is not None and picked.complete_ms is not None
    choose_option(
        dash_duo,
        ids.SPRINTS_PICKER,
        f"{picked.name} (closed, {_utc_day(picked.start_ms)} – {_utc_day(picked.complete_ms)})",
    )
    until(lambda: _burndown_title(dash_duo) == f"Burndown of {closed[-2].name} (remaining items)",
          TIMEOUT)  # fmt: skip
    dash_duo.wait_for_contains_text(f"#{ids.SPRINTS_SCOPE_TABLE}", closed[-2].name, TIMEOUT)

    next(
        e for e in dash_duo.find_elements(f"#{ids.SPRINTS_UNIT} label") if e.text == "Points"
    ).click()
    until(lambda: _burndown_title(dash_duo).endswith("(remaining points)"), TIMEOUT)
    assert closed[-2].name in _burndown_title(dash_duo)
    assert dash_duo.get_logs() == []


def _utc_day(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).date().isoformat()


def test_a_query_without_a_board_says_to_name_one_in_settings(start_app, demo):
    other = profile_manager.create_profile("No board")
    query = profile_manager.create_query(other, "Everything", "project = DEMO")
    profile_manager.switch_to(other, query)
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/sprints")
    dash_duo.wait_for_element(f"#{ids.SPRINTS_NOTICE}", timeout=TIMEOUT)
    assert text_of(dash_duo, ids.SPRINTS_NOTICE) == (
        "This query reads no board: name one in Settings › Queries to see sprints."
    )
    # Never fetched either, yet nothing on the page says to press Fetch: it would bring no sprint.
    page = dash_duo.driver.execute_script(
        "return document.getElementById(arguments[0]).innerText", ids.PAGE
    )
    assert "press Fetch" not in page
    assert dash_duo.get_logs() == []


def test_a_board_never_fetched_says_press_fetch_and_the_fetch_draws_it(start_app, demo):
    dash_duo = start_app()  # the demo names board 1 and has not been fetched
    dash_duo.driver.get(dash_duo.server_url + "/sprints")
    dash_duo.wait_for_element(f"#{ids.SPRINTS_NOTICE}", timeout=TIMEOUT)
    assert text_of(dash_duo, ids.SPRINTS_NOTICE) == "No sprints stored yet: press Fetch."
    click(dash_duo, ids.HEADER_FETCH)
    wait_for_graph(dash_duo, ids.SPRINTS_BURNDOWN, 90)
    active = next(s for s in demo["fake"].dataset.sprints if s.state == "active")
    assert _burndown_title(dash_duo) == f"Burndown of {active.name} (remaining items)"
    assert dash_duo.get_logs() == []


def test_the_weekly_review_lists_the_sprints_closed_in_the_weeks_shown(start_app, demo):
    sync(demo["profile"], demo["query"])
    snapshot_weeks(demo["profile"], demo["query"], backfill=4)
    # Fortnightly sprints: four weeks close two; the latest closed one is among them.
    latest = [s for s in demo["fake"].dataset.sprints if s.state == "closed"][-1]
    dash_duo = start_app()
    dash_duo.driver.get(dash_duo.server_url + "/review")
    dash_duo.wait_for_contains_text(f"#{ids.REVIEW_SPRINTS}", latest.name, timeout=TIMEOUT)
    assert "Carried over" in text_of(dash_duo, ids.REVIEW_SPRINTS)
    assert dash_duo.get_logs() == []

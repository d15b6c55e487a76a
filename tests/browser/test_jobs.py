"""Backfill and legacy migration from the dashboard: a progress bar with the job's message, a
second tab that shows the same running job and cancels it, and a run that reaches 100%.

The backfill must still be running when the second tab comes up and its Cancel is pressed, on any
machine: the profile asks for 1,000,000 Monte Carlo trials per forecast (a real setting), which
makes a 260-week backfill of 3,000 issues take ~35 s here (5 s with the default 10,000 trials);
the test needs a few seconds of it. A failing test cancels the job too (the fixture below).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from dash.testing.wait import until
from selenium.webdriver.support.select import Select

from data.analytics.snapshots import snapshot_weeks
from data.jira.sync import sync
from data.jobs import MIGRATION_TASK, backfill_task
from data.profiles import manager as profile_manager
from data.store import get_backend
from fakejira.server import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira
from layouts import ids
from tests.browser.conftest import click, text_of
from tests.browser.test_progress_tabs import is_disabled, job_status
from tests.legacy_tree import write_legacy_tree

TIMEOUT = 60
ISSUES = 3000
MONTE_CARLO_TRIALS = 1_000_000


@pytest.fixture
def big_query(db_path) -> Iterator[dict[str, Any]]:
    """A fetched 3,000-issue query with 4 weekly snapshots, selected in the header."""
    with FakeJira(deployment="cloud", issues=ISSUES, seed=11) as fake:
        profile_id = profile_manager.create_profile(
            "Big team",
            {"jira_config": {"base_url": fake.base_url, "deployment": "cloud",
                             "email": DEFAULT_EMAIL, "token": DEFAULT_TOKEN},
             "forecast_settings": {"monte_carlo_trials": MONTE_CARLO_TRIALS}},
        )  # fmt: skip
        query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
        sync(profile_id, query_id)
        snapshot_weeks(profile_id, query_id, backfill=4)
        profile_manager.switch_to(profile_id, query_id)
        task = backfill_task(profile_id, query_id)
        try:
            yield {"profile": profile_id, "query": query_id, "task": task}
        finally:
            get_backend().request_task_cancel(task)


def snapshot_weeks_stored(query: dict[str, Any]) -> list[str]:
    rows = get_backend().get_metrics_snapshots(query["profile"], query["query"], limit=1000)
    return sorted({row["snapshot_date"] for row in rows})


RECORD_TEXTS = """
window.recordedTexts = [];
const slot = document.getElementById(arguments[0]);
new MutationObserver(() => window.recordedTexts.push(slot.innerText))
    .observe(slot, {childList: true, subtree: true, characterData: true});
"""


def wait_for_running_backfill(dash_duo) -> None:
    until(lambda: text_of(dash_duo, ids.REVIEW_BACKFILL_MESSAGE).startswith("Computing week"),
          TIMEOUT, poll=0.2)  # fmt: skip
    until(lambda: text_of(dash_duo, ids.REVIEW_BACKFILL_PROGRESS) not in ("", "0%"), TIMEOUT)
    until(lambda: is_disabled(dash_duo, ids.REVIEW_BACKFILL), TIMEOUT)
    until(lambda: not is_disabled(dash_duo, ids.REVIEW_BACKFILL_CANCEL), TIMEOUT)


def test_a_second_tab_shows_the_running_backfill_and_cancels_it(start_app, big_query):
    before = snapshot_weeks_stored(big_query)
    dash_duo = start_app()
    dash_duo.driver.get(f"{dash_duo.server_url}/review")
    Select(dash_duo.wait_for_element(f"#{ids.REVIEW_BACKFILL_WEEKS}")).select_by_value("260")
    click(dash_duo, ids.REVIEW_BACKFILL)
    wait_for_running_backfill(dash_duo)  # the tab that started it: its own progress
    first_tab = dash_duo.driver.current_window_handle

    dash_duo.driver.switch_to.new_window("tab")
    dash_duo.driver.get(f"{dash_duo.server_url}/review")
    wait_for_running_backfill(dash_duo)  # another tab: from task_progress
    assert job_status(big_query["task"]) == "running"
    # The answer lasts until the backfill stops (often less than a second): record what it says.
    dash_duo.driver.execute_script(RECORD_TEXTS, ids.REVIEW_BACKFILL_CANCEL_RESULT)
    click(dash_duo, ids.REVIEW_BACKFILL_CANCEL)
    dash_duo.wait_for_contains_text(f"#{ids.REVIEW_BACKFILL_MESSAGE}", "Cancelled", timeout=TIMEOUT)
    until(lambda: not is_disabled(dash_duo, ids.REVIEW_BACKFILL), TIMEOUT)
    seen = dash_duo.driver.execute_script("return window.recordedTexts;")
    assert "Cancelling: the backfill stops after the week it is computing." in seen, seen
    until(lambda: text_of(dash_duo, ids.REVIEW_BACKFILL_CANCEL_RESULT) == "", TIMEOUT)
    assert job_status(big_query["task"]) == "cancelled"
    assert snapshot_weeks_stored(big_query) == before
    assert dash_duo.get_logs() == []

    dash_duo.driver.switch_to.window(first_tab)
    dash_duo.wait_for_text_to_equal(
        f"#{ids.REVIEW_BACKFILL_RESULT}",
        "Backfill cancelled; the snapshots are unchanged.",
        timeout=TIMEOUT,
    )
    until(lambda: not is_disabled(dash_duo, ids.REVIEW_BACKFILL), TIMEOUT)
    assert is_disabled(dash_duo, ids.REVIEW_BACKFILL_CANCEL)
    assert dash_duo.get_logs() == []


def test_backfill_reaches_100_and_redraws_the_review(start_app, big_query):
    dash_duo = start_app()
    dash_duo.driver.get(f"{dash_duo.server_url}/review")
    Select(dash_duo.wait_for_element(f"#{ids.REVIEW_BACKFILL_WEEKS}")).select_by_value("12")
    # No backfill ran for this query: its bar is hidden, not empty and unlabelled.
    assert not dash_duo.find_element(f"#{ids.REVIEW_BACKFILL_PROGRESS}").is_displayed()
    click(dash_duo, ids.REVIEW_BACKFILL)
    dash_duo.wait_for_contains_text(
        f"#{ids.REVIEW_BACKFILL_RESULT}", "Stored snapshots for", timeout=TIMEOUT
    )
    # The bar is never reset to 0%: the next poll (one interval, longer under load) draws the
    # record's 100%.
    until(lambda: text_of(dash_duo, ids.REVIEW_BACKFILL_PROGRESS) == "100%", TIMEOUT)
    until(
        lambda: text_of(dash_duo, ids.REVIEW_BACKFILL_MESSAGE).startswith(
            "Completed: Stored snapshots for"
        ),
        TIMEOUT,
    )
    assert len(snapshot_weeks_stored(big_query)) == 12
    dash_duo.wait_for_element(f"#{ids.REVIEW_TRENDS} .main-svg .trace", timeout=TIMEOUT)
    assert job_status(big_query["task"]) == "completed"
    assert dash_duo.get_logs() == []


def test_migration_shows_its_progress_and_reaches_100(start_app, db_path, tmp_path):
    source = write_legacy_tree(tmp_path / "legacy", issues=30, profiles=(("kafka", "Kafka"),))
    dash_duo = start_app()
    dash_duo.driver.get(f"{dash_duo.server_url}/data")
    # No migration ran: no empty, unlabelled bar; the folder field's placeholder is not cut off.
    dash_duo.wait_for_element(f"#{ids.DATA_MIGRATE_PROGRESS}", timeout=TIMEOUT)
    assert not dash_duo.find_element(f"#{ids.DATA_MIGRATE_PROGRESS}").is_displayed()
    text_width, room = dash_duo.driver.execute_script(
        """const e = document.getElementById(arguments[0]), s = getComputedStyle(e);
        const c = document.createElement('canvas').getContext('2d');
        c.font = s.font;
        return [c.measureText(e.placeholder).width,
                e.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight)];""",
        ids.DATA_MIGRATE_PATH,
    )
    assert 0 < text_width <= room
    dash_duo.find_element(f"#{ids.DATA_MIGRATE_PATH}").send_keys(str(source))
    click(dash_duo, ids.DATA_MIGRATE_DRY_RUN)
    dash_duo.wait_for_contains_text(f"#{ids.DATA_MIGRATE_RESULT}", "Dry run", timeout=TIMEOUT)
    until(lambda: not is_disabled(dash_duo, ids.DATA_MIGRATE_RUN), TIMEOUT)
    click(dash_duo, ids.DATA_MIGRATE_RUN)
    dash_duo.wait_for_contains_text(f"#{ids.DATA_MIGRATE_RESULT}", "Migrated:", timeout=TIMEOUT)
    until(lambda: text_of(dash_duo, ids.DATA_MIGRATE_PROGRESS) == "100%", TIMEOUT)
    assert dash_duo.find_element(f"#{ids.DATA_MIGRATE_PROGRESS}").is_displayed()
    until(
        lambda: text_of(dash_duo, ids.DATA_MIGRATE_MESSAGE).startswith(
            "Completed: Migrated 1 profile(s)"
        ),
        TIMEOUT,
    )
    assert job_status(MIGRATION_TASK) == "completed"
    assert [p["name"] for p in profile_manager.list_profiles()] == ["Kafka"]
    # The header's profile list was refreshed with the migrated profile.
    dash_duo.wait_for_contains_text(f"#{ids.HEADER_PROFILE}", "Kafka", timeout=TIMEOUT)
    # The summary is kept with the job's record: a reload (or another tab) shows it too.
    dash_duo.driver.refresh()
    dash_duo.wait_for_contains_text(f"#{ids.DATA_MIGRATE_RESULT}", "Migrated:", timeout=TIMEOUT)
    assert "1 profile(s)" in text_of(dash_duo, ids.DATA_MIGRATE_RESULT)
    assert dash_duo.get_logs() == []

"""The Forecast page's Epics view on the demo in Chromium: the epics riskiest first with their
done / total items, and the sub-task counting switch redraws the page and is remembered."""

from __future__ import annotations

from dash.testing.wait import until
from selenium.common.exceptions import (
    ElementClickInterceptedException,
    StaleElementReferenceException,
)

from data.jira.sync import sync
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import text_of

TIMEOUT = 30


def _rows(dash_duo) -> list[list[str]]:
    return dash_duo.driver.execute_script(
        """return Array.from(document.querySelectorAll(arguments[0])).map(
            tr => Array.from(tr.cells).map(td => td.innerText));""",
        f"#{ids.FORECAST_EPICS_TABLE} tbody tr",
    )


def test_the_epics_view_lists_the_epics_and_counts_sub_tasks_when_asked(start_app, demo):
    # A query with the demo's sub-tasks, so counting them as items changes the totals.
    query = profile_manager.create_query(demo["profile"], "Everything", "project = DEMO")
    sync(demo["profile"], query)
    profile_manager.switch_to(demo["profile"], query)
    dataset = demo["fake"].dataset
    issues = dataset.issues()
    stories = {i.id: i for i in issues if i.parent_id is not None and i.issue_type != "Sub-task"}
    epic = next(
        e
        for e in issues
        if e.issue_type == "Epic"
        and any(
            s.parent_id in stories and stories[s.parent_id].parent_id == e.id
            for s in issues
            if s.issue_type == "Sub-task"
        )
    )
    children = [i for i in issues if i.parent_id == epic.id]
    subtasks = [i for i in issues if i.issue_type == "Sub-task" and i.parent_id in
                {c.id for c in children}]  # fmt: skip

    dash_duo = start_app()
    dash_duo.wait_for_element(f"#{ids.FORECAST_EPICS_TABLE}", timeout=TIMEOUT)
    rows = {row[0]: row for row in _rows(dash_duo)}
    assert rows[epic.key][3].endswith(f"/ {len(children)}")
    assert "Epics" in text_of(dash_duo, ids.FORECAST_EPICS_VIEW)

    def choose_items() -> bool:
        # Retried like conftest.click: the page still lays out (lazy charts shift the switch).
        labels = dash_duo.find_elements(f"#{ids.FORECAST_EPICS_COUNTING} label")
        label = next(label for label in labels if label.text == "Sub-tasks as items")
        dash_duo.driver.execute_script(
            "arguments[0].scrollIntoView({block: 'center', behavior: 'instant'});", label
        )
        try:
            label.click()
        except (ElementClickInterceptedException, StaleElementReferenceException):
            return False
        return True

    until(choose_items, TIMEOUT, poll=0.25)
    total = len(children) + len(subtasks)
    # The switch redraws the whole page (every metric follows it): rows go while it draws.
    until(
        lambda: ({r[0]: r for r in _rows(dash_duo)}.get(epic.key) or [""] * 4)[3].endswith(
            f"/ {total}"
        ),
        TIMEOUT,
    )
    settings = profile_manager.get_profile(demo["profile"])["forecast_settings"]
    assert settings["subtask_counting"] == "items"
    assert dash_duo.get_logs() == []

"""Forecast adapters as plain functions: the page frame, the Items / Points switch in both units
(figures carry the weekly frame's values of that unit), and Points off without a points field."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from dash import no_update

from callbacks import forecast
from data import plans, profile_manager
from data.metrics import report
from data.metrics.store import save_weekly_statistics
from data.metrics.weekly import parse_statistics_csv
from data.persistence import get_backend
from layouts import ids
from layouts.forecast import NO_POINTS_NOTE

POINTS_FIELD = "customfield_10016"
# Eight weeks of (completed items, completed points, created items, created points).
WEEKS = [(3, 8, 5, 13), (2, 5, 2, 5), (4, 11, 3, 8), (1, 2, 4, 10),
         (3, 9, 1, 3), (2, 6, 2, 5), (5, 12, 3, 8), (2, 7, 1, 2)]  # fmt: skip


def _selection(points_field: str | None) -> dict[str, str]:
    """A query whose weekly statistics were imported (the last eight complete weeks)."""
    settings = {"jira_config": {"points_field": points_field}} if points_field else None
    profile_id = profile_manager.create_profile("Team", settings)
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    monday = date.today() - timedelta(days=date.today().weekday())
    lines = ["date,completed_items,completed_points,created_items,created_points"]
    for i, row in enumerate(WEEKS):
        day = monday - timedelta(weeks=len(WEEKS) - i)
        lines.append(",".join([day.isoformat(), *map(str, row)]))
    weekly = parse_statistics_csv("\n".join(lines) + "\n", 10, 30)
    save_weekly_statistics(get_backend(), profile_id, query_id, weekly, points_field)
    return {"profile": profile_id, "query": query_id}


def _switch(selection, chosen=None, stored=None, trigger=None) -> dict:
    names = ("value", "store", "note", "cards", "burndown", "burnup", "throughput", "scope")
    return dict(zip(names, forecast.switch_unit(trigger, chosen, stored, selection), strict=True))


def _trace(figure, name: str) -> list:
    return next(list(t.y) for t in figure.data if t.name == name)


@pytest.fixture
def with_points(backend):
    return _selection(POINTS_FIELD)


def test_items_then_points_draw_the_weekly_frame_of_that_unit(with_points):
    weekly = report.load_context(with_points["profile"], with_points["query"]).weekly
    items = _switch(with_points, "items", None)  # page load, nothing stored yet
    assert items["value"] is no_update and items["store"] is no_update and items["note"] == ""
    assert _trace(items["burndown"], "Remaining") == weekly["remaining_items"].tolist()
    assert items["burndown"].layout.yaxis.title.text == "items"
    assert _trace(items["throughput"], "Completed items") == [
        float(v) for v in weekly["completed_items"]
    ]

    points = _switch(with_points, "points", None, trigger=ids.FORECAST_UNIT)  # a click
    assert points["store"] == "points" and points["value"] is no_update
    assert _trace(points["burndown"], "Remaining") == weekly["remaining_points"].tolist()
    assert points["burndown"].layout.title.text == "Burndown (remaining points)"
    assert points["burndown"].layout.yaxis.title.text == "points"
    assert _trace(points["burnup"], "Completed") == weekly["completed_points"].cumsum().tolist()
    assert _trace(points["burnup"], "Scope") == weekly["scope_points"].tolist()
    assert _trace(points["throughput"], "Completed points") == weekly["completed_points"].tolist()
    assert _trace(points["scope"], "Created") == weekly["created_points"].tolist()
    assert _trace(points["scope"], "Total scope") == weekly["scope_points"].tolist()
    # The band starts at today's remaining points and ends at zero on the points P50 date.
    section = report.forecast_section(
        report.load_context(with_points["profile"], with_points["query"])
    )
    p50 = section.monte_carlo_points.dates["p50"].isoformat()
    band = _trace(points["burndown"], f"Forecast P50 ({p50})")
    assert band == [section.remaining_points, 0.0] and section.remaining_points == 30
    assert "30.0 points" in str(points["cards"]) and "10 items" in str(points["cards"])


def test_a_stored_unit_is_drawn_on_page_load(with_points):
    drawn = _switch(with_points, "items", "points")  # the radio starts at items; points stored
    assert drawn["value"] == "points" and drawn["store"] is no_update
    assert drawn["burnup"].layout.yaxis.title.text == "points"
    assert _switch(with_points, "items", "nonsense")["burndown"].layout.yaxis.title.text == "items"


def test_points_are_off_without_a_points_field(backend):
    selection = _selection(None)
    page = forecast.render(selection["profile"], selection["query"])
    switch = _find(page, ids.FORECAST_UNIT)
    assert [o["disabled"] for o in switch.options if o["value"] == "points"] == [True]
    assert _find(page, ids.FORECAST_UNIT_NOTE).children == NO_POINTS_NOTE
    # Points stored by this browser for another profile: drawn in items, the store is kept.
    drawn = _switch(selection, "items", "points")
    assert drawn["store"] is no_update and drawn["value"] is no_update
    assert drawn["note"] == NO_POINTS_NOTE and "Settings" in NO_POINTS_NOTE
    assert drawn["burndown"].layout.yaxis.title.text == "items"
    assert "no points field" in str(drawn["cards"])


def test_the_plan_baseline_shows_in_points_only_with_a_points_target(with_points):
    document = {"name": "Release", "type": "release", "status": "active",
                "scope_target": {"items": 40}, "deadline": "2027-03-31", "scope_items": []}  # fmt: skip
    plan_id = plans.create_plan(with_points["profile"], with_points["query"], "Release", document)
    plans.submit_version(plan_id)
    plans.approve_version(plan_id, notes="ok")
    items = _switch(with_points, "items", None)
    assert _trace(items["burndown"], "Approved plan v1") == [40, 0]
    points = _switch(with_points, "points", None, trigger=ids.FORECAST_UNIT)
    assert "Approved plan v1" not in [t.name for t in points["burndown"].data]
    assert points["note"].startswith("Approved plan v1 has a scope target in items only")

    plans.create_version(plan_id, {**document, "scope_target": {"items": 40, "points": 120}}, "pts")
    plans.submit_version(plan_id)
    plans.approve_version(plan_id, notes="ok")
    points = _switch(with_points, "points", None, trigger=ids.FORECAST_UNIT)
    assert _trace(points["burndown"], "Approved plan v2") == [120, 0] and points["note"] == ""


def test_a_missing_query_is_an_alert(with_points):
    drawn = _switch({"profile": with_points["profile"], "query": "gone"}, "points", None,
                    trigger=ids.FORECAST_UNIT)  # fmt: skip
    assert drawn["store"] == "points" and drawn["burndown"] is no_update
    assert "No query 'gone'" in str(drawn["note"].children)


def _find(component, component_id):
    """The component with ``component_id`` under ``component`` (depth first)."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            found = _find(child, component_id)
            if found is not None:
                return found
    return None

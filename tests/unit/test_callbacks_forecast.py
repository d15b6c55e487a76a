"""Forecast adapters as plain functions: the page frame, the Items / Points switch in both units
(figures carry the weekly frame's values of that unit), and Points off without a points field."""

from __future__ import annotations

import base64
from datetime import date, timedelta

import numpy as np
import plotly.graph_objects as go
import pytest
from dash import no_update

from callbacks import forecast, shell
from data import plans
from data.analytics import report
from data.analytics.loading import save_weekly_statistics
from data.metrics.weekly import parse_statistics_csv
from data.profiles import manager as profile_manager
from data.store import get_backend
from layouts import ids
from layouts.forecast import NO_POINTS_NOTE
from tests.components import find_component

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


def _page(selection, unit=None) -> dict:
    """The page rendered for ``unit``: switch value, note, cards and the four figures."""
    page = forecast.render(selection["profile"], selection["query"], unit)
    graphs = {
        name: go.Figure(find_component(page, graph_id).figure)
        for name, graph_id in (("burndown", ids.FORECAST_BURNDOWN), ("burnup", ids.FORECAST_BURNUP),
                               ("throughput", ids.FORECAST_THROUGHPUT), ("scope", ids.FORECAST_SCOPE))
    }  # fmt: skip
    switch = find_component(page, ids.FORECAST_UNIT)
    return {
        "value": switch.value,
        "shown": find_component(page, ids.FORECAST_UNIT_SHOWN).data,
        "points_disabled": switch.options[1]["disabled"],
        "note": find_component(page, ids.FORECAST_UNIT_NOTE).children,
        "cards": str(find_component(page, ids.FORECAST_CARDS)),
        **graphs,
    }


def _trace(figure, name: str) -> list:
    """A trace's y values (a page's chart holds numbers as plotly's typed arrays)."""
    y = next(t.y for t in figure.data if t.name == name)
    if isinstance(y, dict):  # {"dtype": ..., "bdata": base64}
        y = np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"])
    return list(y)


@pytest.fixture
def with_points(backend):
    return _selection(POINTS_FIELD)


def test_items_then_points_draw_the_weekly_frame_of_that_unit(with_points):
    weekly = report.load_context(with_points["profile"], with_points["query"]).weekly
    items = _page(with_points)  # nothing stored in this browser yet: items
    assert items["value"] == "items" and items["note"] == "" and not items["points_disabled"]
    assert _trace(items["burndown"], "Remaining") == weekly["remaining_items"].tolist()
    assert items["burndown"].layout.yaxis.title.text == "items"
    assert _trace(items["throughput"], "Completed items") == [
        float(v) for v in weekly["completed_items"]
    ]

    points = _page(with_points, "points")
    assert points["value"] == points["shown"] == "points"
    assert _trace(points["burndown"], "Remaining") == weekly["remaining_points"].tolist()
    assert points["burndown"].layout.title.text == "Burndown (remaining points)"
    assert points["burndown"].layout.yaxis.title.text == "points"
    assert _trace(points["burnup"], "Completed") == weekly["completed_points"].cumsum().tolist()
    assert _trace(points["burnup"], "Scope") == weekly["scope_points"].tolist()
    assert _trace(points["throughput"], "Completed points") == weekly["completed_points"].tolist()
    assert _trace(points["scope"], "Created") == weekly["created_points"].tolist()
    assert _trace(points["scope"], "Total scope") == weekly["scope_points"].tolist()
    assert points["scope"].layout.yaxis.title.text == "points per week"
    # The band starts at today's remaining points and ends at zero on the points P50 date.
    ctx = report.load_context(with_points["profile"], with_points["query"])
    section = report.forecast_section(ctx)
    p50 = section.monte_carlo_points.dates["p50"].isoformat()
    assert section.monte_carlo_points.dates != section.monte_carlo_items.dates
    assert _trace(points["burndown"], f"Forecast P50 ({p50})") == [30.0, 0.0]
    assert section.remaining_points == 30
    assert "30.0 points" in points["cards"] and "10 items" in points["cards"]
    assert p50 in points["cards"]


def test_points_are_off_without_a_points_field(backend):
    selection = _selection(None)
    # Points stored by this browser (for another profile): drawn in items, the switch on items.
    page = _page(selection, "points")
    assert page["value"] == page["shown"] == "items" and page["points_disabled"]
    assert page["note"] == NO_POINTS_NOTE and "Settings" in NO_POINTS_NOTE
    assert page["burndown"].layout.yaxis.title.text == "items"
    assert "no points field" in page["cards"]


def test_the_plan_baseline_shows_in_points_only_with_a_points_target(with_points):
    document = {"name": "Release", "type": "release", "status": "active",
                "scope_target": {"items": 40}, "deadline": "2027-03-31", "scope_items": []}  # fmt: skip
    plan_id = plans.create_plan(with_points["profile"], with_points["query"], "Release", document)
    plans.submit_version(plan_id)
    plans.approve_version(plan_id, notes="ok")
    assert _trace(_page(with_points)["burndown"], "Approved plan v1") == [40, 0]
    points = _page(with_points, "points")
    assert "Approved plan v1" not in [t.name for t in points["burndown"].data]
    assert points["note"].startswith("Approved plan v1 has a scope target in items only")

    targets = {"items": 40, "points": 120}
    plans.create_version(plan_id, {**document, "scope_target": targets}, "points added")
    plans.submit_version(plan_id)
    plans.approve_version(plan_id, notes="ok")
    points = _page(with_points, "points")
    assert _trace(points["burndown"], "Approved plan v2") == [120, 0] and points["note"] == ""


def test_a_unit_change_re_renders_only_the_forecast_page(with_points):
    change = [shell.UNIT_CHANGE]
    forecast_page = shell.page_update(change, "/", with_points, "points")
    assert find_component(forecast_page, ids.FORECAST_UNIT).value == "points"
    assert shell.page_update(change, "/settings", with_points, "points") is no_update
    # A page load: the store reports its stored value together with the URL -> the page renders.
    load = [shell.UNIT_CHANGE, f"{ids.URL}.pathname"]
    assert ids.FLOW_QUALITY in str(shell.page_update(load, "/flow", with_points, "points"))
    # Any other trigger renders the page as usual (here a query switch on the Forecast page).
    page = shell.page_update([f"{ids.SELECTION}.data"], "/", with_points, "points")
    burndown = go.Figure(find_component(page, ids.FORECAST_BURNDOWN).figure)
    assert burndown.layout.yaxis.title.text == "points"
    missing = shell.page_update([], "/", {**with_points, "query": "gone"}, "points")
    assert "No query 'gone'" in str(missing.children)


def test_a_query_never_fetched_has_no_completion_dates(backend):
    # The Monte Carlo cards used to show today's date as P50 and P85 before any fetch.
    profile_id = profile_manager.create_profile("Team")
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    page = forecast.render(profile_id, query_id, "items")
    cards = _texts(find_component(page, ids.FORECAST_CARDS))
    assert date.today().isoformat() not in cards
    assert cards.count("no forecast") == 3  # P50, P85 and PERT
    assert "has not been fetched yet" in _texts(page)


def _texts(component) -> str:
    """Every string under a component, joined by spaces."""
    if isinstance(component, str | int | float):
        return str(component)
    children = getattr(component, "children", None)
    parts = children if isinstance(children, list | tuple) else [children]
    return " ".join(_texts(c) for c in parts if c is not None)


def test_the_scope_switch_saves_the_model_and_re_renders(with_points):
    # Dash calls the switch's callback when a render inserts it: the saved model changes nothing.
    assert forecast.choose_scope(with_points, "fixed", 3) is no_update
    assert forecast.choose_scope(with_points, "growing", 3) == 4  # the data version re-renders
    saved = profile_manager.get_profile(with_points["profile"])["forecast_settings"]
    assert saved["monte_carlo_scope"] == "growing"
    page = forecast.render(with_points["profile"], with_points["query"], "items")
    assert find_component(page, ids.FORECAST_SCOPE_MODEL).value == "growing"
    assert "growing scope" in find_component(page, ids.FORECAST_SCOPE_NOTE).children
    section = report.forecast_section(
        report.load_context(with_points["profile"], with_points["query"])
    )
    # The eight imported weeks created 5+2+3+4+1+2+3+1 = 21 items: 2.6 a week arrive.
    assert section.growing_items.arrival_rate == pytest.approx(21 / 8)


def test_how_many_follows_the_date_picked_in_the_unit_shown(with_points):
    figure = forecast.how_many_for(with_points, "2040-01-01", "points")
    # Ten years of throughput would finish everything: at most the 30 open points.
    assert figure.layout.title.text == "How many points by 2040-01-01"
    assert max(figure.data[0].x) == 30
    assert forecast.how_many_for(with_points, None, "items") is no_update

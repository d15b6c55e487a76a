"""The Weekly review's week-over-week table: shares in percent, their change in points."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd
import pytest
from plotly.subplots import make_subplots

from layouts import ids
from layouts.charts import subplot_grid
from layouts.data_page import data_layout
from layouts.review import (
    deltas_table,
    review_content,
    review_layout,
    trends_figure,
    week_ticks,
)


def _table(component):
    """The table itself: deltas_table puts its Download CSV above it."""
    _csv, box = component.children
    return box.children


def _header(component) -> list[str]:
    return [cell.children for cell in _table(component).children[0].children.children]


def _rows(component) -> list[list[str]]:
    body = _table(component).children[1]
    return [[cell.children for cell in row.children] for row in body.children]


DELTA_COLUMNS = ["metric", "previous_week", "week", "previous", "current", "delta",
                 "partial_week", "partial"]  # fmt: skip


def test_each_metric_shows_in_its_unit_counts_as_whole_numbers_shares_in_percent():
    deltas = pd.DataFrame(
        [
            ("flow.efficiency", "2026-W47", "2026-W48", 0.30, 0.334, 0.034, None, None),
            ("dora.change_failure_rate", "2026-W47", "2026-W48", 0.5, 0.25, -0.25, None, None),
            ("flow.load", "2026-W47", "2026-W48", 55.0, 57.0, 2.0, None, None),
            ("forecast.remaining_items", "2026-W47", "2026-W48", 52.0, 52.0, 0.0, None, None),
            ("dora.lead_time_median_hours", "2026-W47", "2026-W48", 321.0, 309.0, -12.0, None,
             None),
            ("flow.velocity_per_week", "2026-W47", "2026-W48", 16.5, 16.5, math.nan, None, None),
        ],
        columns=DELTA_COLUMNS,
    )  # fmt: skip
    table = deltas_table(deltas)
    assert _header(table) == ["Metric", "2026-W47", "2026-W48", "Change"]
    assert _rows(table) == [
        ["Flow efficiency (%)", "30.0%", "33.4%", "+3.4 pp"],
        ["Change failure rate (%)", "50.0%", "25.0%", "-25.0 pp"],
        ["Flow load (items)", "55", "57", "+2"],
        ["Remaining items", "52", "52", "0"],
        # 321 h = 13.375 days: lead time reads in days on every page, as on the DORA cards.
        ["Lead time (days)", "13.4 d", "12.9 d", "-0.5 d"],
        ["Flow velocity (items / week)", "16.5", "16.5", "–"],
    ]


def test_the_running_week_is_shown_as_partial_beside_the_two_complete_weeks():
    deltas = pd.DataFrame(
        [("flow.load", "2026-W47", "2026-W48", 55.0, 57.0, 2.0, "2026-W49", 51.0)],
        columns=DELTA_COLUMNS,
    )
    table = deltas_table(deltas, {"2026-W49": "2026-12-02"})
    assert _header(table) == [
        "Metric", "2026-W47", "2026-W48", "Change", "2026-W49 so far (partial, to Wed 2 Dec)"
    ]  # fmt: skip
    assert _rows(table) == [["Flow load (items)", "55", "57", "+2", "51"]]


def test_trend_axes_start_at_zero_even_for_a_flat_series():
    # A flat 0.5 deployments a week ran its axis from -0.5 to 1.5; shares are drawn in percent.
    weeks = [f"2026-W{n:02d}" for n in range(37, 41)]
    trends = pd.DataFrame(
        {"week": weeks, "dora.deployments_per_week": [0.5] * 4,
         "dora.change_failure_rate": [0.5, 0.25, 0.0, 0.0], "flow.load": [0] * 4}
    )  # fmt: skip
    figure = trends_figure(trends, {"2026-W40": "2026-10-01"})
    deployments, failures, load = figure.data
    assert list(figure.layout.yaxis.range) == [0, 0.55]
    assert list(failures.y) == [50.0, 25.0, 0.0, 0.0] and figure.layout.yaxis2.ticksuffix == "%"
    assert list(figure.layout.yaxis3.range) == [0, 1]
    assert list(load.marker.symbol) == ["circle", "circle", "circle", "circle-open"]
    assert load.customdata[-1] == " (partial week, to Thu 1 Oct)"


def test_small_trend_charts_label_a_few_weeks_and_hide_the_mode_bar():
    weeks = [f"2026-W{n:02d}" for n in range(37, 49)]
    trends = pd.DataFrame({"week": weeks, "flow.load": range(12), "flow.efficiency": [0.5] * 12})
    figure = trends_figure(trends)
    for axis in (figure.layout.xaxis, figure.layout.xaxis2):
        assert axis.showticklabels is not False
        assert list(axis.tickvals) == ["2026-W37", "2026-W41", "2026-W44", "2026-W48"]
        assert list(axis.ticktext) == ["W37", "W41", "W44", "W48"]
    assert week_ticks(weeks[:3]) == weeks[:3]
    review = SimpleNamespace(
        trends=trends,
        deltas=pd.DataFrame(),
        drift=pd.DataFrame(columns=["week", "p50", "p85", "p95"]),
        partial={},
        sprints={},
    )
    trends_graph = review_content(review, None).children[0].children[0]
    assert trends_graph.id == ids.REVIEW_TRENDS
    # Only the PNG download, named after the chart (a whole mode bar covers the titles).
    assert trends_graph.config["modeBarButtons"] == [["toImage"]]
    assert trends_graph.config["toImageButtonOptions"]["filename"].startswith(
        f"flowcast_{ids.REVIEW_TRENDS}_"
    )


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from _walk(child)


def _ids(component) -> set[str]:
    return {c.id for c in _walk(component) if isinstance(getattr(c, "id", None), str)}


def test_the_backfill_toolbar_keeps_cancel_answers_below_it():
    review = SimpleNamespace(
        trends=pd.DataFrame(columns=["week"]),
        deltas=pd.DataFrame(),
        drift=pd.DataFrame(columns=["week", "p50", "p85", "p95"]),
        partial={},
        sprints={},
    )
    toolbar, below = review_layout(review, None, []).children[:2]
    assert {ids.REVIEW_BACKFILL, ids.BACKFILL_JOB.cancel} <= _ids(toolbar)
    assert ids.BACKFILL_JOB.cancel_result not in _ids(toolbar)
    assert below.id == ids.BACKFILL_JOB.cancel_result
    weeks = next(c for c in _walk(toolbar) if getattr(c, "id", None) == ids.REVIEW_BACKFILL_WEEKS)
    assert weeks.style["minWidth"] == "10rem"
    # The Data page's migration panel still has its Cancel answer.
    assert ids.MIGRATION_JOB.cancel_result in _ids(data_layout("Team", [], []))


@pytest.mark.parametrize(("rows", "cols", "titles"), [(4, 3, 11), (1, 3, 2), (2, 2, 4), (5, 3, 13),
                                                      (1, 1, 1), (3, 2, 0)])  # fmt: skip
def test_the_trend_grid_is_make_subplots_grid(rows: int, cols: int, titles: int) -> None:
    names = [f"metric {i}" for i in range(titles)]
    expected = make_subplots(
        rows=rows, cols=cols, subplot_titles=names or None, vertical_spacing=0.12,
        horizontal_spacing=0.06,
    ).layout.to_plotly_json()  # fmt: skip
    del expected["template"]
    for title in expected.get("annotations", []):
        title["font"] = {"size": 12}
    grid = subplot_grid(rows, cols, names, 0.12, 0.06, title_size=12)
    assert grid == {"annotations": [], **expected}
    # The axes in make_subplots' order (plotly keeps it), the titles last.
    assert list(grid) == [key for key in expected if key != "annotations"] + ["annotations"]

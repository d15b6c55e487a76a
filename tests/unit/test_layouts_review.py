"""The Weekly review's week-over-week table: shares in percent, their change in points."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pandas as pd

from layouts import ids
from layouts.data_page import data_layout
from layouts.review import (
    deltas_table,
    review_content,
    review_layout,
    trends_figure,
    week_ticks,
)


def _rows(table) -> list[list[str]]:
    body = table.children.children[1]
    return [[cell.children for cell in row.children] for row in body.children]


def test_shares_show_as_percent_and_their_change_in_percentage_points():
    deltas = pd.DataFrame(
        [
            ("flow.efficiency", "2026-W47", "2026-W48", 0.30, 0.334, 0.034),
            ("dora.change_failure_rate", "2026-W47", "2026-W48", 0.5, 0.25, -0.25),
            ("flow.load", "2026-W47", "2026-W48", 55.0, 57.0, 2.0),
            ("flow.velocity_per_week", "2026-W47", "2026-W48", 16.5, 16.5, math.nan),
        ],
        columns=["metric", "previous_week", "week", "previous", "current", "delta"],
    )
    assert _rows(deltas_table(deltas)) == [
        ["Flow efficiency", "30.0% (2026-W47)", "33.4% (2026-W48)", "+3.4 pp"],
        ["Change failure rate", "50.0% (2026-W47)", "25.0% (2026-W48)", "-25.0 pp"],
        ["Flow load", "55.00 (2026-W47)", "57.00 (2026-W48)", "+2.00"],
        ["Flow velocity", "16.50 (2026-W47)", "16.50 (2026-W48)", "–"],
    ]


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
    )
    trends_graph = review_content(review, None).children[0]
    assert trends_graph.id == ids.REVIEW_TRENDS
    assert trends_graph.config["displayModeBar"] is False


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
    )
    toolbar, below = review_layout(review, None, []).children[:2]
    assert {ids.REVIEW_BACKFILL, ids.BACKFILL_JOB.cancel} <= _ids(toolbar)
    assert ids.BACKFILL_JOB.cancel_result not in _ids(toolbar)
    assert below.id == ids.BACKFILL_JOB.cancel_result
    weeks = next(c for c in _walk(toolbar) if getattr(c, "id", None) == ids.REVIEW_BACKFILL_WEEKS)
    assert weeks.style["minWidth"] == "10rem"
    # The Data page's migration panel still has its Cancel answer.
    assert ids.MIGRATION_JOB.cancel_result in _ids(data_layout("Team", [], []))

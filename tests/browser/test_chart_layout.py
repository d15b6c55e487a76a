"""Chart layout in Chromium: legends below the axis labels, labels that never overlap, axes
that never run below zero where a value cannot."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
from dash import Dash, html

from data.jira.sync import sync
from data.plans.approved import approve_deadline
from data.profiles import manager as profile_manager
from layouts import ids
from layouts.common import graph
from layouts.flow import scatter_figure
from tests.browser.conftest import free_port, wait_for_graph

TIMEOUT = 30
# Lowest edge of the x tick labels and top edge of the legend, in page pixels.
GAP_SCRIPT = """
const graph = document.getElementById(arguments[0]);
const ticks = [...graph.querySelectorAll('.xaxislayer-above .xtick text')];
const legend = graph.querySelector('.legend');
const bottom = Math.max(...ticks.map(t => t.getBoundingClientRect().bottom));
return [ticks.length, bottom, legend.getBoundingClientRect().top];
"""


def test_week_charts_keep_their_legend_below_the_rotated_week_labels(start_app, demo):
    # A year of ISO weeks rotates the x labels; a legend placed relative to the plot area
    # (y = -0.18) used to be drawn over them.
    sync(demo["profile"], demo["query"])
    dash_duo = start_app()
    for graph_id in (ids.FORECAST_THROUGHPUT, ids.FORECAST_SCOPE):
        wait_for_graph(dash_duo, graph_id, TIMEOUT)
        ticks, labels_bottom, legend_top = dash_duo.driver.execute_script(GAP_SCRIPT, graph_id)
        assert ticks > 10
        assert legend_top >= labels_bottom, (graph_id, labels_bottom, legend_top)
    assert dash_duo.get_logs() == []


LABELS_SCRIPT = """
const boxes = {};
for (const text of document.querySelectorAll('#' + arguments[0] + ' .annotation-text')) {
    const box = text.getBoundingClientRect();
    boxes[text.textContent] = [box.left, box.top, box.right, box.bottom];
}
return boxes;
"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def test_deadline_and_milestone_labels_a_few_days_apart_do_not_overlap(start_app, demo):
    # Both labels sat above the plot, right of their line: "milestdeadline".
    sync(demo["profile"], demo["query"])
    profile_manager.update_profile(
        demo["profile"],
        {"forecast_settings": {"milestone": "2027-01-10"}},
    )
    approve_deadline(
        demo["profile"], demo["query"], "2027-01-15", "test", submitter="ann", approver="bob"
    )
    dash_duo = start_app()
    for graph_id in (ids.FORECAST_BURNDOWN, ids.FORECAST_BURNUP):
        wait_for_graph(dash_duo, graph_id, TIMEOUT)
        boxes = dash_duo.driver.execute_script(LABELS_SCRIPT, graph_id)
        assert {"deadline", "milestone"} <= boxes.keys(), boxes
        assert not _overlap(boxes["deadline"], boxes["milestone"]), boxes
    assert dash_duo.get_logs() == []


TICKS_SCRIPT = """
const graph = document.getElementById(arguments[0]);
return [...graph.querySelectorAll('.' + arguments[1] + ' text')].map(t => t.textContent);
"""


def test_the_scope_chart_never_labels_its_total_scope_axis_below_zero(start_app, demo):
    # Plotly lined the right axis' ticks up with the bars' axis, whose range runs below zero
    # (completed work is drawn downwards): the total scope axis read -150.
    sync(demo["profile"], demo["query"])
    dash_duo = start_app()
    wait_for_graph(dash_duo, ids.FORECAST_SCOPE, TIMEOUT)
    left = dash_duo.driver.execute_script(TICKS_SCRIPT, ids.FORECAST_SCOPE, "ytick")
    right = dash_duo.driver.execute_script(TICKS_SCRIPT, ids.FORECAST_SCOPE, "y2tick")
    assert any(t.startswith(("−", "-")) for t in left)  # the bars' axis does go below zero
    assert right and all(not t.startswith(("−", "-")) for t in right), right
    assert float(right[0].replace(",", "")) == 0
    assert dash_duo.get_logs() == []


BOXES_SCRIPT = """
const graph = document.getElementById(arguments[0]);
const box = e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
return {
    labels: Object.fromEntries([...graph.querySelectorAll('.annotation-text')]
        .map(t => [t.textContent, box(t)])),
    ticks: [...graph.querySelectorAll('.yaxislayer-above text')].map(box),
    plot: box(graph.querySelector('.nsewdrag')),
};
"""


def test_cycle_time_percentile_labels_never_overlap_each_other_or_the_ticks(dash_duo):
    # P50 and P85 a day apart under a 120-day outlier: the labels, stacked at the plot's left
    # edge, were drawn over each other (and over the points at the axis).
    days = [3.0] * 40 + [4.0] * 30 + [5.0] * 20 + [120.0]
    cycle = SimpleNamespace(
        scatter=pd.DataFrame(
            {
                "issue_type": ["Story"] * len(days),
                "done_date": pd.date_range("2026-09-01", periods=len(days), freq="D"),
                "cycle_time_days": days,
                "key": [f"D-{i}" for i in range(len(days))],
            }
        ),
        percentiles_days={"p50": 4.0, "p85": 5.0, "p95": 5.0},
        committed_stage="In Progress",
        done_stage="Done",
    )
    app = Dash(__name__)
    app.layout = html.Div(
        [graph(ids.FLOW_SCATTER, scatter_figure(cycle))], style={"width": "700px"}
    )
    dash_duo.start_server(app, port=free_port())
    wait_for_graph(dash_duo, ids.FLOW_SCATTER, TIMEOUT)
    boxes = dash_duo.driver.execute_script(BOXES_SCRIPT, ids.FLOW_SCATTER)
    labels = boxes["labels"]
    assert set(labels) == {"P50 4.0 d", "P85 5.0 d", "P95 5.0 d"}
    named = list(labels.values())
    for i, label in enumerate(named):
        assert label[0] >= boxes["plot"][2]  # right of the plot: over no point
        assert not any(_overlap(label, other) for other in named[i + 1 :]), labels
        assert not any(_overlap(label, tick) for tick in boxes["ticks"]), labels
    assert dash_duo.get_logs() == []

"""Chart layout in Chromium: legends sit below the axis labels instead of on them."""

from __future__ import annotations

from data.jira.sync import sync
from data.profiles import manager as profile_manager
from layouts import ids
from tests.browser.conftest import wait_for_graph

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
        {"forecast_settings": {"deadline": "2027-01-15", "milestone": "2027-01-10"}},
    )
    dash_duo = start_app()
    for graph_id in (ids.FORECAST_BURNDOWN, ids.FORECAST_BURNUP):
        wait_for_graph(dash_duo, graph_id, TIMEOUT)
        boxes = dash_duo.driver.execute_script(LABELS_SCRIPT, graph_id)
        assert {"deadline", "milestone"} <= boxes.keys(), boxes
        assert not _overlap(boxes["deadline"], boxes["milestone"]), boxes
    assert dash_duo.get_logs() == []

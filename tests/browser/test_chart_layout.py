"""Chart layout in Chromium: legends sit below the axis labels instead of on them."""

from __future__ import annotations

from data.jira.sync import sync
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

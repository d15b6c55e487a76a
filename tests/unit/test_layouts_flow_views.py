"""The Flow page's views as drawn: the ageing chart's bands per stage (none, with a sentence, for a
stage without completed history), past-P85 and blocked dots, and the tables' rows."""

from __future__ import annotations

import json

import pytest
from plotly.io.json import to_json_plotly

from data.analytics.flow_views import flow_views_section
from data.analytics.report import context_from_frames, cycle_section
from data.metrics.mappings import MetricMappings
from layouts import ids
from layouts.common import plain_figure, plain_graph
from layouts.flow_views import ageing_bands_figure, flow_views_layout, listed_keys
from layouts.theme import TEMPLATE_JSON
from tests.unit.metrics_builders import build_frames, issue
from tests.unit.test_metrics_flow_views import AS_OF, STAGES, STATES, _views, t


def _texts(component, found=None):
    found = [] if found is None else found
    if isinstance(component, list | tuple):
        for c in component:
            _texts(c, found)
    elif isinstance(component, str):
        found.append(component)
    elif component is not None and hasattr(component, "children"):
        _texts(component.children, found)
    return found


def _table_keys(layout, table_id):
    def walk(component):
        if isinstance(component, list | tuple):
            for c in component:
                yield from walk(c)
        elif hasattr(component, "children"):
            yield component
            yield from walk(component.children)

    table = next(c for c in walk(layout) if getattr(c, "id", None) == table_id)
    rows = [c for c in walk(table) if type(c).__name__ == "Tr"][1:]
    return [_texts(row.children[0])[0] for row in rows]


def test_bands_per_stage_and_the_dots():
    _, _, views = _views()
    fig = ageing_bands_figure(views.ageing)
    rects = [s for s in fig.layout.shapes if s.type == "rect"]
    # Four bands in each of the two columns, the In Progress P85 band from 3.6 to 4.8 days.
    assert len(rects) == 8
    assert (rects[2].y0, rects[2].y1) == pytest.approx((3.6, 4.8))
    labels = [a.text for a in fig.layout.annotations]
    assert labels == [
        "P50 2.0 · P70 3.6 · P85 4.8 · P95 5.6 d",
        "P50 4.0 · P70 5.2 · P85 6.1 · P95 6.7 d",
    ]
    traces = {trace.name: list(trace.customdata) for trace in fig.data}
    assert sorted(traces["past P85"]) == ["B-1", "W-1", "W-2", "W-3"]
    assert traces["within P85"] == ["W-4"]
    assert sorted(traces["blocked now"]) == ["W-2", "W-4"]


def test_a_stage_without_history_says_so_and_draws_no_band():
    frames = build_frames([issue("W-1", t(1, 0), [(t(20), "In Progress")])], AS_OF)
    mappings = MetricMappings(status_to_flow_state=STATES, workflow_stages=STAGES,
                              committed_stage="In Progress", done_stage="Done",
                              metrics_window_weeks=2)  # fmt: skip
    ctx = context_from_frames(frames, mappings)
    views = flow_views_section(ctx, cycle_section(ctx).ageing_wip)
    fig = ageing_bands_figure(views.ageing)
    assert not [s for s in fig.layout.shapes if s.type == "rect"]
    assert [a.text for a in fig.layout.annotations] == [
        "No item done in the window<br>left this stage: no bands"
    ] * 2
    upper, _ = flow_views_layout(views, {})
    assert "Not judged (no item done in the window left it): In Progress, Review." in _texts(upper)


def test_the_tables_list_past_p85_blocked_and_stale_items_with_summaries():
    _, _, views = _views(stale_after_days=5)
    summaries = {"W-2": "<b>Ship it</b>"}
    upper, lower = flow_views_layout(views, summaries)
    assert _table_keys(upper, ids.FLOW_PAST_P85_TABLE) == ["W-2", "B-1", "W-3", "W-1"]
    assert _table_keys(lower, ids.FLOW_BLOCKED_TABLE) == ["W-2", "A-2", "W-1", "A-1", "W-4"]
    assert _table_keys(lower, ids.FLOW_STALE_TABLE) == ["W-2", "B-1", "W-1"]
    assert "<b>Ship it</b>" in _texts(upper)  # a summary is text, never markup
    assert listed_keys(views) == ["A-1", "A-2", "B-1", "W-1", "W-2", "W-3", "W-4"]


def test_a_plain_figure_encodes_as_the_figure_does():
    _, _, views = _views()
    fig = ageing_bands_figure(views.ageing)
    plain = plain_figure(fig)
    assert to_json_plotly(plain) == to_json_plotly(fig)
    # The keys as one text array, which the encoder lists at once.
    customdata = {trace["name"]: trace["customdata"] for trace in plain["data"]}
    assert customdata["within P85"].dtype.kind == "U"
    assert customdata["within P85"].tolist() == ["W-4"]
    # Built without validating the template, which the plain dict gets: the same chart.
    chart = plain_graph(ids.FLOW_AGEING, ageing_bands_figure, views.ageing).figure
    assert json.loads(to_json_plotly(chart)) == json.loads(to_json_plotly(fig))
    assert chart["layout"]["template"] == TEMPLATE_JSON
    assert ageing_bands_figure(views.ageing).layout.template.layout.colorway

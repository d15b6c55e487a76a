"""Flow adapter as a plain function: the ageing table lists the oldest items in progress and says
how many more the chart shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pandas as pd
from dash import html
from plotly.io.json import to_json_plotly as to_json

from callbacks import flow
from data.analytics import cache
from data.db.connection import get_db_connection, write_transaction
from data.jira.normalize import normalize_issue
from data.store.issues import add_query_members, store_issues
from layouts import ids
from layouts.exports import export_names
from layouts.flow import AGEING_ROWS, scatter_figure
from tests.metrics_support import raw_issue

IN_PROGRESS = AGEING_ROWS + 10


def _walk(component):
    if isinstance(component, list):
        for item in component:
            yield from _walk(item)
        return
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str | int | float):
            yield from _walk(child)


def _seed(backend) -> None:
    backend.save_profile({"id": "team", "name": "Team"})
    backend.save_query("team", {"id": "q", "name": "Q", "jql": "project = M"})
    start = datetime.now(UTC) - timedelta(days=IN_PROGRESS + 5)
    raws = []
    for n in range(IN_PROGRESS):
        created = start + timedelta(days=n)
        moved = created + timedelta(hours=1)
        stamp = "%Y-%m-%dT%H:%M:%S.000+0000"
        raws.append(
            raw_issue(
                f"M-{n + 1}", created.strftime(stamp), [(moved.strftime(stamp), "In Progress")]
            )
        )
    issues = [normalize_issue(raw) for raw in raws]
    with get_db_connection(backend.db_path) as conn, write_transaction(conn):
        store_issues(conn, "team", issues)
        add_query_members(conn, "team", "q", [i.key for i in issues])


def test_the_ageing_table_lists_the_oldest_items_and_names_the_total(backend):
    _seed(backend)
    page = flow.render("team", "q")
    components = list(_walk(page))
    headings = [c.children for c in components if isinstance(c, html.H6)]
    assert f"The {AGEING_ROWS} oldest of {IN_PROGRESS} items in progress" in headings
    table = next(c for c in components if getattr(c, "id", None) == ids.FLOW_AGEING_TABLE)
    rows = [c for c in _walk(table) if isinstance(c, html.Tr)][1:]  # after the header row
    keys = [row.children[0].children for row in rows]
    # M-1 was committed first: the oldest, listed first; the newest ten are left to the chart.
    assert len(rows) == AGEING_ROWS and keys[0] == "M-1" and keys[-1] == f"M-{AGEING_ROWS}"


def test_the_cycle_time_scatter_draws_a_labelled_line_per_percentile():
    scatter = pd.DataFrame(
        {
            "key": ["A-1", "A-2", "B-1"],
            "issue_type": ["Story", "Story", "Bug"],
            "done_date": pd.to_datetime(["2026-03-02", "2026-03-09", "2026-03-10"]),
            "cycle_time_days": [2, 9, 4],
        }
    )
    cycle = SimpleNamespace(
        scatter=scatter,
        percentiles_days={"p50": 4.0, "p85": 7.95},
        committed_stage="In Progress",
        done_stage="Done",
    )
    figure = scatter_figure(cycle)
    assert sorted(trace.name for trace in figure.data) == ["Bug", "Story"]
    assert [(s.y0, s.y1, s.xref) for s in figure.layout.shapes] == [
        (4.0, 4.0, "paper"),
        (7.95, 7.95, "paper"),
    ]
    assert [(a.text, a.y) for a in figure.layout.annotations] == [
        ("P50 4.0 d", 4.0),
        ("P85 8.0 d", 7.95),
    ]


def _page_of(rendered):
    """The page without the "not fetched yet" notice a render may put before it."""
    return rendered[-1] if isinstance(rendered, list) else rendered


def test_a_kept_flow_page_is_what_a_fresh_build_gives(backend):
    _seed(backend)
    first = _page_of(flow.render("team", "q"))
    # A second render of the same data is the page kept beside the metrics context.
    assert _page_of(flow.render("team", "q")) is first
    cache.clear_contexts()
    fresh = _page_of(flow.render("team", "q"))
    assert fresh is not first
    assert to_json(fresh) == to_json(first)


def test_a_kept_flow_page_follows_the_data_and_the_download_names(backend):
    _seed(backend)
    day = datetime.now(UTC).date()
    with export_names("Team", "Q", day):
        first = _page_of(flow.render("team", "q"))
    with export_names("Team", "Renamed", day):
        renamed = _page_of(flow.render("team", "q"))
    assert renamed is not first
    assert "team_renamed_flow-scatter" in to_json(renamed)
    assert "team_renamed_flow-scatter" not in to_json(first)
    moved = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    extra = normalize_issue(raw_issue("M-999", moved, [(moved, "In Progress")]))
    with get_db_connection(backend.db_path) as conn, write_transaction(conn):
        store_issues(conn, "team", [extra])
        add_query_members(conn, "team", "q", [extra.key])
    with export_names("Team", "Q", day):
        headings = [c.children for c in _walk(flow.render("team", "q")) if isinstance(c, html.H6)]
    assert f"The {AGEING_ROWS} oldest of {IN_PROGRESS + 1} items in progress" in headings

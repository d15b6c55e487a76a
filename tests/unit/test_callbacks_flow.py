"""Flow adapter as a plain function: the ageing table lists the oldest items in progress and says
how many more the chart shows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import pandas as pd
from dash import html

from callbacks import flow
from data.db.connection import get_db_connection, write_transaction
from data.jira.normalize import normalize_issue
from data.store.issues import add_query_members, store_issues
from layouts import ids
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

"""Weekly review: snapshot trends over the last N weeks, week-over-week deltas, forecast drift,
and the sign-off of a week with notes."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import plotly.graph_objects as go

from layouts import ids
from layouts.charts import subplot_grid, value_lines, zero_based_range
from layouts.common import About, about_line, csv_download, plain_graph, text_table
from layouts.components import dbc, dcc, html
from layouts.jobs import job_cancel_result, job_progress
from layouts.theme import COLORWAY, DEADLINE, empty_figure, figure_template, new_figure
from layouts.units import local_time, snapshot_metric

WEEK_CHOICES = [8, 12, 26, 52]
DEFAULT_WEEKS = 12
BACKFILL_CHOICES = [12, 26, 52, 104, 260]
DEFAULT_BACKFILL_WEEKS = 26
TREND_COLUMNS = 3
TREND_TICKS = 4
"""Week labels per small trend chart ("W48"; the hover names the full week)."""


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def trends_figure(trends: Any, partial: dict[str, str] | None = None) -> go.Figure:
    """One small chart per headline metric in its unit, each value axis from zero; a week whose
    snapshot was computed before it ended (``partial``: week -> that day) is an open marker."""
    metrics = [c for c in trends.columns if c != "week"]
    if trends.empty:
        return empty_figure(
            "Snapshot trends", "No weekly snapshots yet: press Backfill (or Fetch) to compute them."
        )
    partial = partial or {}
    rows = math.ceil(len(metrics) / TREND_COLUMNS)
    # The figure is built once from plain dicts (plotly validates each call over the whole figure:
    # one update per small chart cost most of the Weekly review's and the report's figure time).
    layout = subplot_grid(
        rows, TREND_COLUMNS, [snapshot_metric(m).label for m in metrics],
        vertical_spacing=0.12, horizontal_spacing=0.06, title_size=12,
    )  # fmt: skip
    weeks = list(trends["week"])
    symbols = ["circle-open" if w in partial else "circle" for w in weeks]
    notes = [f" (partial week, to {_day(partial[w])})" if w in partial else "" for w in weeks]
    ticks = week_ticks(weeks)
    for cell in range(rows * TREND_COLUMNS):
        layout[f"xaxis{cell + 1 if cell else ''}"].update(
            tickmode="array", tickvals=ticks, ticktext=[w.split("-")[-1] for w in ticks],
            tickfont={"size": 10},
        )  # fmt: skip
    traces = []
    for i, column in enumerate(metrics):
        metric = snapshot_metric(column)
        values = [metric.unit.shown(v) for v in trends[column]]
        axis = "" if i == 0 else str(i + 1)
        traces.append(
            {"type": "scatter", "x": weeks, "y": values, "mode": "lines+markers",
             "name": metric.label, "marker": {"size": 5, "symbol": symbols}, "customdata": notes,
             "line": {"color": COLORWAY[i % len(COLORWAY)]}, "xaxis": f"x{axis}",
             "yaxis": f"y{axis}",
             "hovertemplate": f"%{{x}}%{{customdata}}: %{{y:,.{metric.unit.decimals}f}}"
                              f"{metric.unit.suffix}<extra></extra>"}
        )  # fmt: skip
        layout[f"yaxis{axis}"].update(
            range=zero_based_range(values), ticksuffix="%" if metric.unit.percent else None
        )
    layout.update(
        template=figure_template(), height=200 * rows, showlegend=False, title="Snapshot trends"
    )
    return go.Figure(data=traces, layout=layout)


def week_ticks(weeks: list[str], count: int = TREND_TICKS) -> list[str]:
    """At most ``count`` weeks spread evenly from the first to the last, for small-chart ticks."""
    if len(weeks) <= count:
        return list(weeks)
    step = (len(weeks) - 1) / (count - 1)
    return [weeks[round(i * step)] for i in range(count)]


def deltas_records(
    deltas: Any, partial: dict[str, str] | None = None
) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """The last two complete weeks and their change in each metric's unit, then the running
    week so far (marked partial, with the day its snapshot was computed: it is not compared), as
    (columns, records); no records without two complete weeks."""
    if deltas.empty:
        return [], []
    first = deltas.iloc[0]
    partial_week = first["partial_week"]
    records = []
    for r in deltas.itertuples():
        metric = snapshot_metric(r.metric)
        unit = metric.unit
        records.append(
            {"metric": metric.label, "previous": unit.text(r.previous),
             "current": unit.text(r.current), "delta": unit.change(r.delta),
             "partial": unit.text(r.partial)}
        )  # fmt: skip
    columns = [("metric", "Metric"), ("previous", first["previous_week"]),
               ("current", first["week"]), ("delta", "Change")]  # fmt: skip
    if partial_week:
        day = (partial or {}).get(partial_week)
        through = f", to {_day(day)}" if day else ""
        columns.append(("partial", f"{partial_week} so far (partial{through})"))
    return columns, records


def deltas_table(deltas: Any, partial: dict[str, str] | None = None) -> Any:
    columns, records = deltas_records(deltas, partial)
    if not records:
        return html.P(
            "Week-over-week changes need snapshots of two complete weeks.", id=ids.REVIEW_DELTAS
        )
    return text_table(ids.REVIEW_DELTAS, columns, records, csv="week-over-week")


def _day(iso: str) -> str:
    """``Wed 2 Dec`` for 2026-12-02."""
    day = date.fromisoformat(iso)
    return f"{day:%a} {day.day} {day:%b}"


def drift_figure(drift: Any, deadline: str | None) -> go.Figure:
    if drift.empty:
        return empty_figure("Forecast drift", "No forecast snapshots yet.")
    # A short title: a longer one ran under the chart's mode bar.
    fig = new_figure("Forecast drift")
    weeks = list(drift["week"])
    for i, key in enumerate(("p50", "p85", "p95")):
        fig.add_trace(
            go.Scatter(x=weeks, y=[_clean(v) for v in drift[key]], mode="lines+markers",
                       name=key.upper(), line={"color": COLORWAY[i]})
        )  # fmt: skip
    if deadline:
        value_lines(fig, {"deadline": deadline}, DEADLINE)
    fig.update_yaxes(type="date", title="completion date forecast")
    return fig


REVIEW_DOC = "weekly-snapshots-trends-drift"
ABOUT = {
    "trends": About(
        "Each headline metric as computed at the end of each ISO week; an open marker is the "
        "running week so far.", REVIEW_DOC),
    "deltas": About(
        "The change from the week before to the last complete week; the running week is shown "
        "apart, as it is not over.", REVIEW_DOC),
    "drift": About(
        "The forecast finish dates as each week saw them: a rising line is a forecast that "
        "slips, a flat one a plan that holds.", REVIEW_DOC),
    "sprints": About(
        "The sprints of the query's board completed in each week shown, as that week's snapshot "
        "recorded them: what was committed at the start, added, removed, completed and carried "
        "over, and say/do (completed ÷ committed).", "sprints"),
}  # fmt: skip
SPRINT_COLUMNS = [
    ("week", "Week"),
    ("name", "Sprint"),
    ("complete", "Completed on"),
    ("committed", "Committed"),
    ("added", "Added"),
    ("removed", "Removed"),
    ("completed", "Completed"),
    ("carried_over", "Carried over"),
    ("say_do", "Say/do"),
]


def _items_points(row: dict[str, Any], kind: str) -> str:
    return f"{row[f'{kind}_items']:,} ({row[f'{kind}_points']:,.1f} pts)"


def _ratio(value: Any) -> str:
    return "–" if value is None else f"{value:.0%}"


def sprints_closed(sprints: dict[str, list[dict[str, Any]]]) -> list[Any]:
    """The sprints completed in the weeks shown, the newest week first; nothing without any."""
    records = [
        {
            "week": week,
            "name": row["name"],
            "complete": _day(row["complete"][:10]),
            **{
                kind: _items_points(row, kind)
                for kind in ("committed", "added", "removed", "completed", "carried_over")
            },
            "say_do": f"{_ratio(row['say_do_items'])} ({_ratio(row['say_do_points'])} pts)",
        }  # fmt: skip
        for week, rows in sorted(sprints.items(), reverse=True)
        for row in rows
    ]
    if not records:
        return []
    return [
        html.H6("Sprints closed", className="mt-3"),
        text_table(ids.REVIEW_SPRINTS, SPRINT_COLUMNS, records, csv="sprints-closed"),
        about_line(ABOUT["sprints"]),
    ]


def deadline_line(deadline: str | None, note: str) -> html.Div:
    """Under the drift chart: the deadline it draws, or why there is none (the approved plan
    is its one source)."""
    text = f"Deadline {deadline} (the approved plan's)." if deadline else f"Deadline: {note}."
    return html.Div(text, id=ids.REVIEW_DEADLINE, className="small text-muted")


def review_content(review: Any, deadline: str | None, deadline_note: str = "") -> html.Div:
    return html.Div(
        [
            # Small multiples: a whole mode bar would cover the top-right chart's title; the PNG
            # download alone fits.
            plain_graph(
                ids.REVIEW_TRENDS,
                trends_figure,
                review.trends,
                review.partial,
                about=ABOUT["trends"],
                png_only=True,
            ),  # fmt: skip
            dbc.Row(
                [
                    dbc.Col(
                        [
                            html.H6("Week over week"),
                            deltas_table(review.deltas, review.partial),
                            about_line(ABOUT["deltas"]),
                        ],
                        lg=6,
                    ),
                    dbc.Col(
                        [
                            plain_graph(
                                ids.REVIEW_DRIFT,
                                drift_figure,
                                review.drift,
                                deadline,
                                about=ABOUT["drift"],
                            ),  # fmt: skip
                            deadline_line(deadline, deadline_note),
                        ],
                        lg=6,
                    ),
                ],
                className="mt-2",
            ),
            *sprints_closed(review.sprints),
        ]
    )


SIGNOFF_COLUMNS = [("week", "Week"), ("by", "Signed off by"), ("at", "When"), ("notes", "Notes")]
SIGNOFFS_CSV = "sign-offs"


def signoff_records(signoffs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The sign-offs as their CSV (and the report's table) lists them."""
    return [
        {"week": s["artifact_type"], "by": s["approved_by"] or "an unnamed user",
         "at": local_time(s["approved_at"]), "notes": s.get("approval_notes") or ""}
        for s in signoffs
    ]  # fmt: skip


def signoff_items(signoffs: list[dict[str, Any]]) -> list[html.Li]:
    return [
        html.Li(
            [
                html.Strong(s["artifact_type"]),
                f" signed off by {s['approved_by'] or 'an unnamed user'}"
                f" on {local_time(s['approved_at'])}",
                html.Span(f" — {s['approval_notes']}" if s.get("approval_notes") else ""),
            ]
        )
        for s in signoffs
    ]


def signoff_panel(weeks: list[str], signoffs: list[dict[str, Any]], signer: str = "") -> dbc.Card:
    return dbc.Card(
        [
            dbc.CardHeader("Sign off a week"),
            dbc.CardBody(
                [
                    dbc.Row(
                        [
                            dbc.Col(
                                dcc.Dropdown(
                                    id=ids.REVIEW_SIGNOFF_WEEK,
                                    options=weeks[::-1],
                                    value=weeks[-1] if weeks else None,
                                    placeholder="No snapshot weeks yet",
                                    clearable=False,
                                ),
                                md=3,
                            ),
                            dbc.Col(
                                dbc.Input(
                                    id=ids.REVIEW_SIGNOFF_NAME,
                                    value=signer,
                                    placeholder="Your name (shown on the sign-off)",
                                ),
                                md=2,
                            ),
                            dbc.Col(
                                dbc.Textarea(
                                    id=ids.REVIEW_SIGNOFF_NOTES,
                                    placeholder="Review notes (what was discussed, decisions)",
                                    rows=2,
                                ),
                                md=5,
                            ),
                            dbc.Col(
                                dbc.Button("Sign off", id=ids.REVIEW_SIGNOFF_BUTTON, n_clicks=0),
                                md=2,
                            ),
                        ],
                        className="g-2",
                    ),
                    html.Div(id=ids.REVIEW_SIGNOFF_RESULT, className="mt-2"),
                    csv_download(SIGNOFFS_CSV, SIGNOFF_COLUMNS, signoff_records(signoffs)),
                    html.Ul(
                        signoff_items(signoffs), id=ids.REVIEW_SIGNOFFS, className="small mt-2 mb-0"
                    ),
                ]
            ),
        ],
        className="mt-3",
    )


def review_layout(
    review: Any,
    deadline: str | None,
    signoffs: list[dict[str, Any]],
    signer: str = "",
    deadline_note: str = "",
) -> html.Div:
    weeks = list(review.trends["week"])
    return html.Div(
        [
            dbc.Row(
                [
                    dbc.Col(dbc.Label("Weeks shown", className="small mb-0"), width="auto"),
                    dbc.Col(
                        dcc.Dropdown(
                            id=ids.REVIEW_WEEKS,
                            options=WEEK_CHOICES,
                            value=DEFAULT_WEEKS,
                            clearable=False,
                            style={"width": "6rem"},
                        ),
                        width="auto",
                    ),
                    dbc.Col(
                        dbc.InputGroup(
                            [
                                dbc.Button(
                                    "Backfill",
                                    id=ids.REVIEW_BACKFILL,
                                    n_clicks=0,
                                    color="secondary",
                                    title="Recompute the weekly snapshots from the fetched history.",
                                ),
                                dbc.Select(
                                    id=ids.REVIEW_BACKFILL_WEEKS,
                                    options=[
                                        {"label": f"{n} weeks", "value": n}
                                        for n in BACKFILL_CHOICES
                                    ],
                                    value=DEFAULT_BACKFILL_WEEKS,
                                    # Wide enough for "260 weeks" next to the arrow (the input
                                    # group would otherwise shrink it).
                                    style={"width": "10rem", "minWidth": "10rem"},
                                ),
                            ],
                            size="sm",
                        ),
                        width="auto",
                    ),
                    dbc.Col(
                        job_progress(ids.BACKFILL_JOB),
                        md=4,
                    ),
                ],
                className="g-2 align-items-center mb-2",
            ),
            job_cancel_result(ids.BACKFILL_JOB),
            html.Div(id=ids.REVIEW_BACKFILL_RESULT),
            html.Div(review_content(review, deadline, deadline_note), id=ids.REVIEW_CONTENT),
            signoff_panel(weeks, signoffs, signer),
        ]
    )

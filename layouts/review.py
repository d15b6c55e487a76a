"""Weekly review: snapshot trends over the last N weeks, week-over-week deltas, forecast drift,
and the sign-off of a week with notes."""

from __future__ import annotations

import math
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html
from plotly.subplots import make_subplots

from layouts import ids
from layouts.charts import value_lines
from layouts.common import GRAPH_CONFIG, graph, text_table
from layouts.jobs import job_cancel_result, job_progress
from layouts.theme import COLORWAY, DEADLINE, TEMPLATE_NAME, empty_figure, new_figure

WEEK_CHOICES = [8, 12, 26, 52]
DEFAULT_WEEKS = 12
BACKFILL_CHOICES = [12, 26, 52, 104, 260]
DEFAULT_BACKFILL_WEEKS = 26
LABELS = {
    "forecast.remaining_items": "Remaining items",
    "forecast.throughput_mean_items": "Throughput (mean / week)",
    "forecast.p85_weeks_items": "P85 weeks to finish",
    "flow.velocity_per_week": "Flow velocity",
    "flow.flow_time_p85_days": "Flow time P85 (days)",
    "flow.efficiency": "Flow efficiency",
    "flow.load": "Flow load",
    "dora.deployments_per_week": "Deployments / week",
    "dora.lead_time_median_hours": "Lead time (h)",
    "dora.change_failure_rate": "Change failure rate",
    "dora.time_to_restore_median_hours": "Time to restore (h)",
}
SHARES = {"flow.efficiency", "dora.change_failure_rate"}
"""Metrics stored as a share (0-1): shown as percent, their change in percentage points."""
TREND_COLUMNS = 3
TREND_TICKS = 4
"""Week labels per small trend chart ("W48"; the hover names the full week)."""


def _clean(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def trends_figure(trends: Any) -> go.Figure:
    metrics = [c for c in trends.columns if c != "week"]
    if trends.empty:
        return empty_figure(
            "Snapshot trends", "No weekly snapshots yet: press Backfill (or Fetch) to compute them."
        )
    rows = math.ceil(len(metrics) / TREND_COLUMNS)
    fig = make_subplots(
        rows=rows, cols=TREND_COLUMNS, subplot_titles=[LABELS.get(m, m) for m in metrics],
        vertical_spacing=0.12, horizontal_spacing=0.06,
    )  # fmt: skip
    weeks = list(trends["week"])
    for i, metric in enumerate(metrics):
        fig.add_trace(
            go.Scatter(x=weeks, y=[_clean(v) for v in trends[metric]], mode="lines+markers",
                       name=LABELS.get(metric, metric), marker={"size": 4},
                       line={"color": COLORWAY[i % len(COLORWAY)]}),
            row=i // TREND_COLUMNS + 1, col=i % TREND_COLUMNS + 1,
        )  # fmt: skip
    fig.update_layout(
        template=TEMPLATE_NAME, height=200 * rows, showlegend=False, title="Snapshot trends"
    )
    fig.update_annotations(font_size=12)
    ticks = week_ticks(weeks)
    fig.update_xaxes(
        tickmode="array", tickvals=ticks, ticktext=[w.split("-")[-1] for w in ticks],
        tickfont_size=10,
    )  # fmt: skip
    return fig


def week_ticks(weeks: list[str], count: int = TREND_TICKS) -> list[str]:
    """At most ``count`` weeks spread evenly from the first to the last, for small-chart ticks."""
    if len(weeks) <= count:
        return list(weeks)
    step = (len(weeks) - 1) / (count - 1)
    return [weeks[round(i * step)] for i in range(count)]


def _format(value: Any) -> str:
    value = _clean(value)
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _value(metric: str, value: Any) -> str:
    value = _clean(value)
    if metric in SHARES and value is not None:
        return f"{value:.1%}"
    return _format(value)


def _change(metric: str, delta: Any) -> str:
    delta = _clean(delta)
    sign = "+" if (delta or 0) > 0 else ""
    if metric in SHARES and delta is not None:
        return f"{sign}{delta * 100:.1f} pp"
    return sign + _format(delta)


def deltas_table(deltas: Any) -> Any:
    if deltas.empty:
        return html.P("Week-over-week deltas need two weekly snapshots.", id=ids.REVIEW_DELTAS)
    records = [
        {
            "metric": LABELS.get(r.metric, r.metric),
            "previous": f"{_value(r.metric, r.previous)} ({r.previous_week})",
            "current": f"{_value(r.metric, r.current)} ({r.week})",
            "delta": _change(r.metric, r.delta),
        }
        for r in deltas.itertuples()
    ]
    columns = [("metric", "Metric"), ("previous", "Previous week"), ("current", "This week"),
               ("delta", "Change")]  # fmt: skip
    return text_table(ids.REVIEW_DELTAS, columns, records)


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


def review_content(review: Any, deadline: str | None) -> html.Div:
    return html.Div(
        [
            # Small multiples: the mode bar would cover the top-right chart's title.
            dcc.Graph(
                id=ids.REVIEW_TRENDS,
                figure=trends_figure(review.trends),
                config={**GRAPH_CONFIG, "displayModeBar": False},
            ),
            dbc.Row(
                [
                    dbc.Col([html.H6("Week over week"), deltas_table(review.deltas)], lg=6),
                    dbc.Col(graph(ids.REVIEW_DRIFT, drift_figure(review.drift, deadline)), lg=6),
                ],
                className="mt-2",
            ),
        ]
    )


def signoff_items(signoffs: list[dict[str, Any]]) -> list[html.Li]:
    return [
        html.Li(
            [
                html.Strong(s["artifact_type"]),
                f" signed off by {s['approved_by'] or 'unknown'} at {s['approved_at'][:16]}",
                html.Span(f" — {s['approval_notes']}" if s.get("approval_notes") else ""),
            ]
        )
        for s in signoffs
    ]


def signoff_panel(weeks: list[str], signoffs: list[dict[str, Any]]) -> dbc.Card:
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
                                dbc.Textarea(
                                    id=ids.REVIEW_SIGNOFF_NOTES,
                                    placeholder="Review notes (what was discussed, decisions)",
                                    rows=2,
                                ),
                                md=7,
                            ),
                            dbc.Col(
                                dbc.Button("Sign off", id=ids.REVIEW_SIGNOFF_BUTTON, n_clicks=0),
                                md=2,
                            ),
                        ],
                        className="g-2",
                    ),
                    html.Div(id=ids.REVIEW_SIGNOFF_RESULT, className="mt-2"),
                    html.Ul(
                        signoff_items(signoffs), id=ids.REVIEW_SIGNOFFS, className="small mt-2 mb-0"
                    ),
                ]
            ),
        ],
        className="mt-3",
    )


def review_layout(review: Any, deadline: str | None, signoffs: list[dict[str, Any]]) -> html.Div:
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
            html.Div(review_content(review, deadline), id=ids.REVIEW_CONTENT),
            signoff_panel(weeks, signoffs),
        ]
    )

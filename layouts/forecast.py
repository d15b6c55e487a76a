"""Forecast (the landing page): headline cards, burndown and burnup with forecast bands and
deadline/milestone lines, weekly throughput with its rolling mean, scope change."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import html

from layouts import ids
from layouts.charts import date_line, forecast_band, rolling_mean
from layouts.common import card_row, graph, stat_card
from layouts.theme import BASELINE, COLORWAY, DEADLINE, MILESTONE, empty_figure, new_figure

ROLLING_WEEKS = 4


def _date(value: date | None) -> str:
    return value.isoformat() if value else "no forecast"


def _number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def headline_cards(pert_items: Any, pert_points: Any, when: Any, deadline: date | None) -> dbc.Row:
    dates = (when.dates or {}) if when else {}
    probability = when.probability_by_deadline if when else None
    cards = [
        stat_card(
            "Remaining",
            f"{_number(pert_items.remaining)} items",
            f"{_number(pert_points.remaining, 1)} points" if pert_points else "no points field",
            "Issues (and story points) in the query that are not done yet.",
        ),
        stat_card(
            "P50 completion",
            _date(dates.get("p50")),
            "half of the simulated futures finish by then",
            "Monte Carlo: weekly throughput resampled from the window, 50th percentile date.",
        ),
        stat_card(
            "P85 completion",
            _date(dates.get("p85")),
            "85% of the simulated futures finish by then",
            "Monte Carlo: 85th percentile completion date.",
        ),
        stat_card(
            "Deadline probability",
            f"{probability:.0%}" if probability is not None else "–",
            f"deadline {deadline.isoformat()}" if deadline else "no deadline set (Settings)",
            "Share of Monte Carlo trials finishing on or before the deadline.",
        ),
        stat_card(
            "PERT expected",
            _date(pert_items.expected_date),
            pert_items.reason
            or f"(O + 4M + P) / 6 = {_number(pert_items.expected_weeks, 1)} weeks",
            "PERT over the last data-points weeks: optimistic, most likely and pessimistic rates.",
        ),
    ]
    return html.Div(card_row(cards), id=ids.FORECAST_CARDS)


def burndown_figure(burndown: Any, when: Any, today: date, baseline: Any = None) -> go.Figure:
    series = burndown.series
    if series.empty:
        return empty_figure("Burndown", "No issues fetched for this query yet.")
    fig = new_figure("Burndown (remaining items)")
    fig.add_trace(
        go.Scatter(
            x=[d.isoformat() for d in series["week_end"]],
            y=series["remaining_items"],
            mode="lines+markers",
            name="Remaining",
            line={"color": COLORWAY[0]},
        )
    )
    if not burndown.projection.empty:
        fig.add_trace(
            go.Scatter(
                x=[d.isoformat() for d in burndown.projection["date"]],
                y=burndown.projection["remaining_items"],
                mode="lines",
                name="PERT projection",
                line={"dash": "dash", "color": COLORWAY[1]},
            )
        )
    if when is not None:
        forecast_band(fig, today, float(when.remaining), 0.0, when.dates, "Forecast")
    if baseline is not None:
        fig.add_trace(
            go.Scatter(
                x=baseline["dates"],
                y=baseline["remaining"],
                mode="lines",
                name=baseline["name"],
                line={"color": BASELINE, "dash": "longdash"},
            )
        )
    date_line(fig, burndown.deadline, "deadline", DEADLINE)
    date_line(fig, burndown.milestone, "milestone", MILESTONE)
    fig.update_yaxes(rangemode="tozero", title="items")
    return fig


def burnup_figure(burndown: Any, when: Any, today: date) -> go.Figure:
    series = burndown.series
    if series.empty:
        return empty_figure("Burnup", "No issues fetched for this query yet.")
    fig = new_figure("Burnup (completed vs scope)")
    weeks = [d.isoformat() for d in series["week_end"]]
    fig.add_trace(
        go.Scatter(x=weeks, y=series["scope_items"], mode="lines", name="Scope",
                   line={"color": COLORWAY[3], "shape": "hv"})
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=weeks, y=series["completed_items_total"], mode="lines+markers",
                   name="Completed", line={"color": COLORWAY[2]})
    )  # fmt: skip
    if when is not None and len(series):
        done = float(series["completed_items_total"].iloc[-1])
        forecast_band(fig, today, done, done + float(when.remaining), when.dates, "Forecast")
    date_line(fig, burndown.deadline, "deadline", DEADLINE)
    date_line(fig, burndown.milestone, "milestone", MILESTONE)
    fig.update_yaxes(rangemode="tozero", title="items")
    return fig


def throughput_figure(weekly: Any) -> go.Figure:
    if weekly.empty:
        return empty_figure("Weekly throughput", "No completed work yet.")
    fig = new_figure("Weekly throughput")
    weeks = list(weekly["week"])
    completed = [float(v) for v in weekly["completed_items"]]
    fig.add_trace(go.Bar(x=weeks, y=completed, name="Completed items", marker_color=COLORWAY[0]))
    fig.add_trace(
        go.Scatter(
            x=weeks,
            y=rolling_mean(completed, ROLLING_WEEKS),
            mode="lines",
            name=f"{ROLLING_WEEKS}-week rolling mean",
            line={"color": COLORWAY[1], "width": 2.5},
        )
    )
    fig.update_yaxes(title="items per week")
    return fig


def scope_figure(weekly: Any) -> go.Figure:
    if weekly.empty:
        return empty_figure("Scope change", "No issues fetched for this query yet.")
    fig = new_figure("Scope change")
    weeks = list(weekly["week"])
    fig.add_trace(
        go.Bar(x=weeks, y=weekly["created_items"], name="Created", marker_color=COLORWAY[3])
    )
    fig.add_trace(
        go.Bar(x=weeks, y=[-v for v in weekly["completed_items"]], name="Completed (negative)",
               marker_color=COLORWAY[2])
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=weeks, y=weekly["scope_items"], name="Total scope", mode="lines",
                   yaxis="y2", line={"color": COLORWAY[4]})
    )  # fmt: skip
    fig.update_layout(
        barmode="relative",
        yaxis={"title": "items per week"},
        yaxis2={"title": "scope", "overlaying": "y", "side": "right", "showgrid": False},
    )
    return fig


def forecast_layout(
    weekly: Any,
    burndown: Any,
    pert_items: Any,
    pert_points: Any,
    when: Any,
    today: date,
    baseline: Any = None,
    notes: list[Any] | None = None,
) -> html.Div:
    return html.Div(
        [
            *(notes or []),
            headline_cards(pert_items, pert_points, when, burndown.deadline),
            dbc.Row(
                [
                    dbc.Col(
                        graph(
                            ids.FORECAST_BURNDOWN, burndown_figure(burndown, when, today, baseline)
                        ),
                        lg=6,
                    ),
                    dbc.Col(graph(ids.FORECAST_BURNUP, burnup_figure(burndown, when, today)), lg=6),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(graph(ids.FORECAST_THROUGHPUT, throughput_figure(weekly)), lg=6),
                    dbc.Col(graph(ids.FORECAST_SCOPE, scope_figure(weekly)), lg=6),
                ]
            ),
        ]
    )

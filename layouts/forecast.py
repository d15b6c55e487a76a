"""Forecast (the landing page): headline cards, burndown and burnup with forecast bands and
deadline/milestone lines, weekly throughput with its rolling mean, scope change — every card and
chart in the unit of the Items / Points switch."""

from __future__ import annotations

from datetime import date
from typing import Any

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from layouts import ids
from layouts.charts import date_line, forecast_band, rolling_mean
from layouts.common import card_row, graph, stat_card
from layouts.theme import BASELINE, COLORWAY, DEADLINE, MILESTONE, empty_figure, new_figure

ROLLING_WEEKS = 4
NO_POINTS_NOTE = (
    "Points are off: this profile has no story-points field. Set it in Settings → Field "
    "mappings → Story points field, then fetch again."
)


def _date(value: date | None) -> str:
    return value.isoformat() if value else "no forecast"


def _number(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "–"
    return f"{value:,.{digits}f}"


def _amount(value: float | None, unit: str) -> str:
    """``12 items`` or ``34.5 points``."""
    return f"{_number(value, 1 if unit == 'points' else 0)} {unit}"


def headline_cards(unit: str, pert: Any, other: Any, when: Any, deadline: date | None) -> list:
    """The five headline cards in ``unit``: ``pert`` and ``when`` are that unit's PERT and Monte
    Carlo forecasts, ``other`` the other unit's PERT (None without a points field)."""
    dates = (when.dates or {}) if when else {}
    probability = when.probability_by_deadline if when else None
    other_unit = "items" if unit == "points" else "points"
    cards = [
        stat_card(
            "Remaining",
            _amount(pert.remaining, unit),
            _amount(other.remaining, other_unit) if other else "no points field",
            "Issues (and story points) in the query that are not done yet.",
        ),
        stat_card(
            "P50 completion",
            _date(dates.get("p50")),
            "half of the simulated futures finish by then",
            f"Monte Carlo: weekly throughput in {unit} resampled from the window, 50th "
            "percentile date.",
        ),
        stat_card(
            "P85 completion",
            _date(dates.get("p85")),
            "85% of the simulated futures finish by then",
            f"Monte Carlo on {unit}: 85th percentile completion date.",
        ),
        stat_card(
            "Deadline probability",
            f"{probability:.0%}" if probability is not None else "–",
            f"deadline {deadline.isoformat()}" if deadline else "no deadline set (Settings)",
            f"Share of Monte Carlo trials (in {unit}) finishing on or before the deadline.",
        ),
        stat_card(
            "PERT expected",
            _date(pert.expected_date),
            pert.reason or f"(O + 4M + P) / 6 = {_number(pert.expected_weeks, 1)} weeks",
            f"PERT on {unit} over the last data-points weeks: optimistic, most likely and "
            "pessimistic rates.",
        ),
    ]
    return card_row(cards)


def burndown_figure(
    burndown: Any, when: Any, today: date, baseline: Any = None, unit: str = "items"
) -> go.Figure:
    """Remaining work per week end in ``unit`` with its PERT projection, the Monte Carlo band
    (``when`` is that unit's forecast) and the plan baseline (``baseline["remaining"]`` in items,
    ``baseline["remaining_points"]`` in points, drawn only when present)."""
    series = burndown.series
    if series.empty:
        return empty_figure("Burndown", "No issues fetched for this query yet.")
    fig = new_figure(f"Burndown (remaining {unit})")
    fig.add_trace(
        go.Scatter(
            x=[d.isoformat() for d in series["week_end"]],
            y=series[f"remaining_{unit}"],
            mode="lines+markers",
            name="Remaining",
            line={"color": COLORWAY[0]},
        )
    )
    projection = burndown.projection_points if unit == "points" else burndown.projection
    if not projection.empty:
        fig.add_trace(
            go.Scatter(
                x=[d.isoformat() for d in projection["date"]],
                y=projection[f"remaining_{unit}"],
                mode="lines",
                name="PERT projection",
                line={"dash": "dash", "color": COLORWAY[1]},
            )
        )
    if when is not None:
        forecast_band(fig, today, float(when.remaining), 0.0, when.dates, "Forecast")
    remaining = (baseline or {}).get("remaining_points" if unit == "points" else "remaining")
    if remaining is not None:
        fig.add_trace(
            go.Scatter(
                x=baseline["dates"],
                y=remaining,
                mode="lines",
                name=baseline["name"],
                line={"color": BASELINE, "dash": "longdash"},
            )
        )
    date_line(fig, burndown.deadline, "deadline", DEADLINE)
    date_line(fig, burndown.milestone, "milestone", MILESTONE, inside=True)
    fig.update_yaxes(rangemode="tozero", title=unit)
    return fig


def burnup_figure(burndown: Any, when: Any, today: date, unit: str = "items") -> go.Figure:
    series = burndown.series
    if series.empty:
        return empty_figure("Burnup", "No issues fetched for this query yet.")
    fig = new_figure(f"Burnup (completed vs scope, {unit})")
    weeks = [d.isoformat() for d in series["week_end"]]
    completed = series[f"completed_{unit}_total"]
    fig.add_trace(
        go.Scatter(x=weeks, y=series[f"scope_{unit}"], mode="lines", name="Scope",
                   line={"color": COLORWAY[3], "shape": "hv"})
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=weeks, y=completed, mode="lines+markers", name="Completed",
                   line={"color": COLORWAY[2]})
    )  # fmt: skip
    if when is not None and len(series):
        done = float(completed.iloc[-1])
        forecast_band(fig, today, done, done + float(when.remaining), when.dates, "Forecast")
    date_line(fig, burndown.deadline, "deadline", DEADLINE)
    date_line(fig, burndown.milestone, "milestone", MILESTONE, inside=True)
    fig.update_yaxes(rangemode="tozero", title=unit)
    return fig


def throughput_figure(weekly: Any, unit: str = "items") -> go.Figure:
    if weekly.empty:
        return empty_figure("Weekly throughput", "No completed work yet.")
    fig = new_figure(f"Weekly throughput ({unit})")
    weeks = list(weekly["week"])
    completed = [float(v) for v in weekly[f"completed_{unit}"]]
    fig.add_trace(go.Bar(x=weeks, y=completed, name=f"Completed {unit}", marker_color=COLORWAY[0]))
    fig.add_trace(
        go.Scatter(
            x=weeks,
            y=rolling_mean(completed, ROLLING_WEEKS),
            mode="lines",
            name=f"{ROLLING_WEEKS}-week rolling mean",
            line={"color": COLORWAY[1], "width": 2.5},
        )
    )
    fig.update_yaxes(title=f"{unit} per week")
    return fig


def scope_figure(weekly: Any, unit: str = "items") -> go.Figure:
    if weekly.empty:
        return empty_figure("Scope change", "No issues fetched for this query yet.")
    fig = new_figure(f"Scope change ({unit})")
    weeks = list(weekly["week"])
    fig.add_trace(
        go.Bar(x=weeks, y=weekly[f"created_{unit}"], name="Created", marker_color=COLORWAY[3])
    )
    fig.add_trace(
        go.Bar(x=weeks, y=[-v for v in weekly[f"completed_{unit}"]], name="Completed (negative)",
               marker_color=COLORWAY[2])
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=weeks, y=weekly[f"scope_{unit}"], name="Total scope", mode="lines",
                   yaxis="y2", line={"color": COLORWAY[4]})
    )  # fmt: skip
    fig.update_layout(
        barmode="relative",
        yaxis={"title": f"{unit} per week"},
        yaxis2={"title": f"scope ({unit})", "overlaying": "y", "side": "right", "showgrid": False},
    )
    return fig


def unit_note(has_points: bool, baseline: Any, unit: str) -> str:
    """What the Items / Points switch cannot show: points without a points field, or a plan
    baseline that has no points target while points are shown."""
    if not has_points:
        return NO_POINTS_NOTE
    if unit == "points" and baseline is not None and baseline.get("remaining_points") is None:
        return (
            f"{baseline['name']} has a scope target in items only: its baseline shows on the "
            "Items burndown."
        )
    return ""


def unit_switch(has_points: bool, unit: str, note: str) -> dbc.Row:
    """The Items / Points switch (Points disabled without a points field) and the note beside it.
    The choice goes to the shell's browser-local store, which re-renders the page in it."""
    options = [
        {"label": "Items", "value": "items"},
        {"label": "Points", "value": "points", "disabled": not has_points},
    ]
    return dbc.Row(
        [
            dbc.Col(
                html.Div(
                    [
                        html.Span("Show in", className="me-2 small text-muted"),
                        dbc.RadioItems(
                            id=ids.FORECAST_UNIT,
                            options=options,
                            value=unit,
                            className="btn-group",
                            inputClassName="btn-check",
                            labelClassName="btn btn-outline-primary btn-sm",
                            labelCheckedClassName="active",
                        ),
                    ],
                    title=None if has_points else NO_POINTS_NOTE,
                    className="forecast-unit d-flex align-items-center",
                ),
                width="auto",
            ),
            dbc.Col(
                html.Small(note, id=ids.FORECAST_UNIT_NOTE, className="text-muted"),
                className="align-self-center",
            ),
            dcc.Store(id=ids.FORECAST_UNIT_SHOWN, data=unit),
        ],
        className="g-2 mb-2 align-items-center",
    )


def forecast_layout(
    unit: str,
    has_points: bool,
    weekly: Any,
    burndown: Any,
    forecasts: tuple[Any, Any, Any],
    today: date,
    baseline: Any = None,
    notes: list[Any] | None = None,
) -> html.Div:
    """The page in ``unit``; ``forecasts`` = (that unit's PERT, the other unit's PERT or None,
    that unit's Monte Carlo "when")."""
    pert, other, when = forecasts
    # Without any weekly data (a query never fetched) the simulation has nothing to forecast:
    # its "done today" dates would read as a real forecast.
    card_when = None if weekly.empty else when
    return html.Div(
        [
            *(notes or []),
            unit_switch(has_points, unit, unit_note(has_points, baseline, unit)),
            html.Div(
                headline_cards(unit, pert, other, card_when, burndown.deadline),
                id=ids.FORECAST_CARDS,
            ),
            dbc.Row(
                [
                    dbc.Col(
                        graph(
                            ids.FORECAST_BURNDOWN,
                            burndown_figure(burndown, when, today, baseline, unit),
                        ),
                        lg=6,
                    ),
                    dbc.Col(
                        graph(ids.FORECAST_BURNUP, burnup_figure(burndown, when, today, unit)),
                        lg=6,
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(graph(ids.FORECAST_THROUGHPUT, throughput_figure(weekly, unit)), lg=6),
                    dbc.Col(graph(ids.FORECAST_SCOPE, scope_figure(weekly, unit)), lg=6),
                ]
            ),
        ]
    )

"""Forecast (the landing page): headline cards, burndown and burnup with forecast bands and
deadline/milestone lines (first shown over the recent weeks and the forecast horizon), weekly
throughput with its rolling mean, scope change, and the Monte Carlo distributions (finish dates,
how many by a date) — every card and chart in the unit of the Items / Points switch, the Monte
Carlo forecast with the scope model the profile chose (fixed or growing)."""

from __future__ import annotations

from datetime import date
from typing import Any

import plotly.graph_objects as go

from layouts import ids
from layouts.charts import (
    date_line,
    forecast_band,
    rolling_mean,
    value_vlines,
    zero_based_range,
)
from layouts.common import About, card_row, plain_graph, stat_card
from layouts.components import dbc, dcc, html
from layouts.health import health_summary
from layouts.theme import BASELINE, COLORWAY, DEADLINE, INK, MILESTONE, empty_figure, new_figure

ROLLING_WEEKS = 4
SCOPE_LABELS = {"fixed": "Fixed scope", "growing": "Growing scope"}
BURNDOWN_DOC = "weekly-statistics-throughput-burndown"
MONTE_CARLO_DOC = "monte-carlo"
ABOUT = {
    "burndown": About(
        "The work not done yet at the end of each week, the PERT projection, the Monte Carlo "
        "finish dates (P50–P95 shaded) and, dashed grey, the approved plan.", BURNDOWN_DOC),
    "burnup": About(
        "Work completed (green) against the total scope (red) each week: the work is done "
        "where the two meet; the forecast shows when that may be.", BURNDOWN_DOC),
    "throughput": About(
        "The work finished in each ISO week and its 4-week rolling mean, which the forecasts "
        "resample; the hatched bar is the running week, not over yet.", BURNDOWN_DOC),
    "scope": About(
        "Work created (up) and finished (down) in each week; the line is the total scope, on "
        "the right axis. More up than down means the scope grows.", BURNDOWN_DOC),
    "finish_dates": About(
        "The simulated futures of the Monte Carlo forecast: the share finishing on each day "
        "(bars) and the chance of being done by then (line).", MONTE_CARLO_DOC),
    "how_many": About(
        "How much work the simulated futures finish by the chosen date; each confidence level "
        "is at least that much.", MONTE_CARLO_DOC),
}  # fmt: skip
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


def headline_cards(
    unit: str,
    pert: Any,
    other: Any,
    when: Any,
    deadline: date | None,
    no_deadline: str = "no deadline set",
) -> list:
    """The five headline cards in ``unit``: ``pert`` and ``when`` are that unit's PERT and Monte
    Carlo forecasts, ``other`` the other unit's PERT (None without a points field);
    ``no_deadline`` what the deadline card says without a deadline (the approved plan's)."""
    dates = (when.dates or {}) if when else {}
    probability = when.probability_by_deadline if when else None
    other_unit = "items" if unit == "points" else "points"
    scope = SCOPE_LABELS[when.scope].lower() if when else "fixed scope"
    # Without dates the cards say why (e.g. the scope grows as fast as work is finished).
    why = f"no forecast: {when.reason}" if when is not None and not dates else ""
    cards = [
        stat_card(
            "Remaining",
            _amount(pert.remaining, unit),
            _amount(other.remaining, other_unit) if other else "no points field",
            "Issues (and story points) in the query that are not done yet.",
            section=BURNDOWN_DOC,
        ),
        stat_card(
            "P50 completion",
            _date(dates.get("p50")),
            why or "half of the simulated futures finish by then",
            f"Monte Carlo ({scope}): weekly throughput in {unit} resampled from the window, "
            "50th percentile date.",
            section=MONTE_CARLO_DOC,
        ),
        stat_card(
            "P85 completion",
            _date(dates.get("p85")),
            "" if why else "85% of the simulated futures finish by then",
            f"Monte Carlo ({scope}) on {unit}: 85th percentile completion date.",
            section=MONTE_CARLO_DOC,
        ),
        stat_card(
            "Deadline probability",
            f"{probability:.0%}" if probability is not None else "–",
            f"deadline {deadline.isoformat()} (approved plan)" if deadline else no_deadline,
            f"Share of Monte Carlo trials ({scope}, in {unit}) finishing on or before the "
            "deadline.",
            section=MONTE_CARLO_DOC,
        ),
        stat_card(
            "PERT expected",
            _date(pert.expected_date),
            pert.reason or f"(O + 4M + P) / 6 = {_number(pert.expected_weeks, 1)} weeks",
            f"PERT on {unit} over the last data-points weeks: optimistic, most likely and "
            "pessimistic rates.",
            section="pert",
        ),
    ]
    return card_row(cards)


def plan_baseline_line(plan: Any) -> dict[str, Any] | None:
    """The approved plan (``data.plans.approved.ApprovedPlan``) as the burndown's
    baseline: from its approval (the scope target) to its deadline (zero); None without a plan,
    a scope target in items or a deadline. ``remaining_points`` is None without a points target."""
    if plan is None or plan.scope_items is None or not plan.deadline:
        return None
    return {
        "name": f"Approved plan v{plan.version}",
        "dates": [plan.approved_at[:10], plan.deadline],
        "remaining": [plan.scope_items, 0],
        "remaining_points": None if plan.scope_points is None else [plan.scope_points, 0],
    }


def burndown_figure(
    burndown: Any,
    when: Any,
    today: date,
    baseline: Any = None,
    unit: str = "items",
    view: tuple[date, date] | None = None,
) -> go.Figure:
    """Remaining work per week end in ``unit`` with its PERT projection, the Monte Carlo band
    (``when`` is that unit's forecast) and the plan baseline (``baseline["remaining"]`` in items,
    ``baseline["remaining_points"]`` in points, drawn only when present), first shown over
    ``view`` (the rest is one zoom-out away)."""
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
    heights = [*_in_view(series, f"remaining_{unit}", view), *(remaining or [])]
    _show(fig, view, heights + ([float(when.remaining)] if when is not None else []))
    return fig


def _in_view(series: Any, column: str, view: tuple[date, date] | None) -> list[float]:
    """The values of ``column`` at the week ends inside ``view`` (all of them without one)."""
    if view is None:
        return [float(v) for v in series[column]]
    inside = [view[0] <= d <= view[1] for d in series["week_end"]]
    return [float(v) for v, keep in zip(series[column], inside, strict=True) if keep]


def _show(fig: go.Figure, view: tuple[date, date] | None, heights: list[float]) -> None:
    """First show ``view`` on the x axis and, from zero, the highest of ``heights`` (the values
    drawn inside it); plotly's autoscale button shows everything."""
    if view is None:
        return
    fig.update_xaxes(range=[view[0].isoformat(), view[1].isoformat()])
    top = max([h for h in heights if h == h] or [0.0])
    if top > 0:
        fig.update_yaxes(range=[0, top * 1.08])


def burnup_figure(
    burndown: Any,
    when: Any,
    today: date,
    unit: str = "items",
    view: tuple[date, date] | None = None,
) -> go.Figure:
    """Completed and scope per week end in ``unit`` with the Monte Carlo band; with a growing
    scope the scope is projected at the sampled arrival rate and each percentile line ends where
    the work done meets it."""
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
    heights = _in_view(series, f"scope_{unit}", view)
    if when is not None and len(series):
        done = float(completed.iloc[-1])
        scope_now = done + float(when.remaining)
        ends = dict.fromkeys(when.dates or {}, scope_now)
        if when.scope == "growing" and when.dates:
            per_day = (when.arrival_rate or 0.0) / 7
            ends = {k: scope_now + per_day * (d - today).days for k, d in when.dates.items()}
            last = max(when.dates, key=when.dates.__getitem__)
            fig.add_trace(
                go.Scatter(
                    x=[today.isoformat(), when.dates[last].isoformat()],
                    y=[scope_now, ends[last]],
                    mode="lines",
                    name=f"Scope growing {when.arrival_rate:.1f} {unit}/week",
                    line={"color": COLORWAY[3], "dash": "dot"},
                )
            )
        heights.extend([scope_now, *ends.values()])
        forecast_band(fig, today, done, ends, when.dates, "Forecast")
    date_line(fig, burndown.deadline, "deadline", DEADLINE)
    date_line(fig, burndown.milestone, "milestone", MILESTONE, inside=True)
    fig.update_yaxes(rangemode="tozero", title=unit)
    _show(fig, view, heights)
    return fig


def throughput_figure(weekly: Any, unit: str = "items") -> go.Figure:
    if weekly.empty:
        return empty_figure("Weekly throughput", "No completed work yet.")
    fig = new_figure(f"Weekly throughput ({unit})")
    weeks = list(weekly["week"])
    completed = [float(v) for v in weekly[f"completed_{unit}"]]
    # The running week is hatched: it has not ended, so its bar is short by the days to come.
    running = [not bool(c) for c in weekly["complete"]]
    fig.add_trace(
        go.Bar(x=weeks, y=completed, name=f"Completed {unit}", marker_color=COLORWAY[0],
               marker_pattern_shape=["/" if r else "" for r in running],
               customdata=[" (partial week, so far)" if r else "" for r in running],
               hovertemplate="%{x}%{customdata}: %{y}<extra></extra>")
    )  # fmt: skip
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
    # The total scope axis from zero: left to itself, plotly aligned its ticks with the bars'
    # axis and labelled the part below the bars' zero with negative scope (-150).
    fig.update_layout(
        barmode="relative",
        yaxis={"title": f"{unit} per week"},
        yaxis2={"title": f"scope ({unit})", "overlaying": "y", "side": "right", "showgrid": False,
                "range": zero_based_range(list(weekly[f"scope_{unit}"]), 1.05),
                "tickmode": "auto"},
    )  # fmt: skip
    return fig


def finish_dates_figure(when: Any, deadline: date | None) -> go.Figure:
    """The Monte Carlo "when" distribution: the share of trials finishing on each day (bars),
    the chance of being done by each day (line, right axis), the percentile dates, and the
    deadline when it falls near them (a far one would squeeze the bars; the title gives the
    chance of meeting it)."""
    title = "Finish dates"
    if when is None or not when.dates:
        reason = (when.reason if when is not None else "") or "no forecast"
        return empty_figure(title, f"No forecast: {reason}.")
    histogram = when.histogram
    days = [d.isoformat() for d in histogram["date"]]
    share = histogram["trials"].to_numpy() / when.trials
    chance = when.probability_by_deadline
    by_deadline = f", {chance:.0%} by the deadline" if chance is not None else ""
    fig = new_figure(f"{title} ({SCOPE_LABELS[when.scope].lower()}{by_deadline})")
    fig.add_trace(
        go.Bar(x=days, y=share * 100, name="Trials finishing that day", marker_color=COLORWAY[0],
               hovertemplate="%{x}: %{y:.2f}% of trials<extra></extra>")
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=days, y=share.cumsum() * 100, name="Done by that day", mode="lines",
                   yaxis="y2", line={"color": COLORWAY[1]},
                   hovertemplate="%{x}: %{y:.1f}% done<extra></extra>")
    )  # fmt: skip
    value_vlines(
        fig, {f"{k.upper()} {d.isoformat()}": d.isoformat() for k, d in when.dates.items()}, INK
    )
    first, last = histogram["date"].iloc[0], histogram["date"].iloc[-1]
    if deadline is not None and first - (last - first) <= deadline <= last + (last - first):
        date_line(fig, deadline, "deadline", DEADLINE)
    fig.update_layout(
        yaxis={"title": "% of trials", "rangemode": "tozero"},
        yaxis2={"title": "% done by then", "overlaying": "y", "side": "right", "range": [0, 100],
                "showgrid": False},
        bargap=0,
    )  # fmt: skip
    return fig


def how_many_figure(how_many: Any) -> go.Figure:
    """The Monte Carlo "how many by a date" distribution with the amounts each confidence level
    guarantees at least."""
    if how_many is None:
        return empty_figure("How many by a date", "No complete week of throughput yet.")
    unit = how_many.unit
    histogram = how_many.histogram
    fig = new_figure(f"How many {unit} by {how_many.target_date.isoformat()}")
    fig.add_trace(
        go.Bar(x=histogram["completed"].to_numpy(),
               y=histogram["trials"].to_numpy() / how_many.trials * 100,
               name=f"Trials finishing that many {unit}", marker_color=COLORWAY[2],
               hovertemplate=f"%{{x}} {unit}: %{{y:.2f}}% of trials<extra></extra>")
    )  # fmt: skip
    value_vlines(
        fig,
        {f"{k[1:]}% sure: ≥ {v:,.0f}": v for k, v in sorted(how_many.at_least.items())},
        INK,
    )
    fig.update_xaxes(title=f"{unit} completed", rangemode="tozero")
    fig.update_yaxes(title="% of trials", rangemode="tozero")
    return fig


def scope_note(when: Any, unit: str) -> str:
    """Which Monte Carlo forecast the page shows and what it assumes, in a sentence."""
    if when is None:
        return ""
    weeks = f"{when.window_weeks} week{'s' if when.window_weeks != 1 else ''}"
    if when.scope == "growing":
        return (
            f"Shown: Monte Carlo with a growing scope. Each simulated week finishes work like "
            f"one of the last {weeks} and adds new work like one of them "
            f"({_number(when.arrival_rate, 1)} {unit} a week on average)."
        )
    return (
        f"Shown: Monte Carlo with a fixed scope: the {_amount(when.remaining, unit)} open now, "
        f"finished at the pace of the last {weeks}; work added later is not forecast."
    )


def scope_switch(scope: str, note: str) -> dbc.Row:
    """Fixed or growing scope for the Monte Carlo forecast (saved with the profile)."""
    return dbc.Row(
        [
            dbc.Col(
                html.Div(
                    [
                        html.Span("Forecast", className="me-2 small text-muted"),
                        dbc.RadioItems(
                            id=ids.FORECAST_SCOPE_MODEL,
                            options=[{"label": v, "value": k} for k, v in SCOPE_LABELS.items()],
                            value=scope,
                            className="btn-group",
                            inputClassName="btn-check",
                            labelClassName="btn btn-outline-primary btn-sm",
                            labelCheckedClassName="active",
                        ),
                    ],
                    className="forecast-scope d-flex align-items-center",
                ),
                width="auto",
            ),
            dbc.Col(
                html.Small(note, id=ids.FORECAST_SCOPE_NOTE, className="text-muted"),
                className="align-self-center",
            ),
        ],
        className="g-2 mb-2 align-items-center",
    )


def distribution_header(how_many: Any, today: date) -> dbc.Row:
    """The heading of the Monte Carlo distributions with the "how many by" date picker."""
    picker = dcc.DatePickerSingle(
        id=ids.FORECAST_HOW_MANY_DATE,
        date=how_many.target_date.isoformat() if how_many is not None else None,
        min_date_allowed=today.isoformat(),
        display_format="YYYY-MM-DD",
        clearable=False,
    )
    return dbc.Row(
        [
            dbc.Col(html.H6("Monte Carlo distributions", className="mb-0"), width="auto"),
            dbc.Col(
                html.Div(
                    [html.Span("How many by", className="me-2 small text-muted"), picker],
                    className="d-flex align-items-center",
                ),
                width="auto",
                className="ms-auto",
            ),
        ],
        className="g-2 mt-3 mb-1 align-items-center",
    )


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
    *,
    scope: str = "fixed",
    view: tuple[date, date] | None = None,
    how_many: Any = None,
    health: Any = None,
    epics: Any = None,
    deadline_note: str = "no deadline set",
) -> html.Div:
    """The page in ``unit``; ``forecasts`` = (that unit's PERT, the other unit's PERT or None,
    that unit's Monte Carlo "when" in the ``scope`` model shown); ``view`` is what the burndown
    and burnup show first, ``how_many`` the "how many by a date" forecast, ``health`` the health
    summary on top, ``epics`` the Epics view (layouts.epics) at the foot, ``deadline_note`` what
    the deadline card says when the approved plan gives no deadline."""
    pert, other, when = forecasts
    # Without any weekly data (a query never fetched) the simulation has nothing to forecast:
    # its "done today" dates would read as a real forecast.
    card_when = None if weekly.empty else when
    return html.Div(
        [
            *(notes or []),
            *([health_summary(health)] if health is not None else []),
            unit_switch(has_points, unit, unit_note(has_points, baseline, unit)),
            scope_switch(scope, scope_note(card_when, unit)),
            html.Div(
                headline_cards(unit, pert, other, card_when, burndown.deadline, deadline_note),
                id=ids.FORECAST_CARDS,
            ),
            dbc.Row(
                [
                    dbc.Col(
                        plain_graph(
                            ids.FORECAST_BURNDOWN,
                            burndown_figure,
                            burndown,
                            when,
                            today,
                            baseline,
                            unit,
                            view,
                            about=ABOUT["burndown"],
                        ),  # fmt: skip
                        lg=6,
                    ),
                    dbc.Col(
                        plain_graph(
                            ids.FORECAST_BURNUP,
                            burnup_figure,
                            burndown,
                            when,
                            today,
                            unit,
                            view,
                            about=ABOUT["burnup"],
                        ),  # fmt: skip
                        lg=6,
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        plain_graph(
                            ids.FORECAST_THROUGHPUT,
                            throughput_figure,
                            weekly,
                            unit,
                            about=ABOUT["throughput"],
                        ),  # fmt: skip
                        lg=6,
                    ),
                    dbc.Col(
                        plain_graph(
                            ids.FORECAST_SCOPE, scope_figure, weekly, unit, about=ABOUT["scope"]
                        ),
                        lg=6,
                    ),
                ]
            ),
            distribution_header(how_many, today),
            dbc.Row(
                [
                    dbc.Col(
                        plain_graph(
                            ids.FORECAST_FINISH_DATES,
                            finish_dates_figure,
                            card_when,
                            burndown.deadline,
                            about=ABOUT["finish_dates"],
                        ),  # fmt: skip
                        lg=6,
                    ),
                    dbc.Col(
                        plain_graph(
                            ids.FORECAST_HOW_MANY,
                            how_many_figure,
                            how_many,
                            about=ABOUT["how_many"],
                        ),
                        lg=6,
                    ),
                ]
            ),
            *([epics] if epics is not None else []),
        ]
    )

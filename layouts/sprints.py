"""Sprints: the sprint picker (the active sprint first), the chosen sprint's burndown with its
ideal line and its scope changes, the velocity of the last closed sprints, and the forecast of
the open work in sprints beside the weekly one — in the unit of the page's Items / Points switch.

Every value comes in as plain data (``data.analytics.sprints.sprint_summary``'s rows)."""

from __future__ import annotations

from datetime import date
from typing import Any

import plotly.graph_objects as go

from layouts import ids
from layouts.common import About, graph, info_alert, text_table
from layouts.components import dbc, dcc, html
from layouts.theme import BASELINE, COLORWAY, empty_figure, new_figure

SPRINTS_DOC = "sprints"
ABOUT = {
    "burndown": About(
        "The work left in the sprint at the end of each day (solid), the sprint's scope then "
        "(stepped: up when work is added, down when it is removed) and the ideal line from the "
        "work at the start to zero at the planned end.", SPRINTS_DOC),
    "velocity": About(
        "What each closed sprint committed at its start and what it completed by its end; the "
        "forecast in sprints resamples the completed bars.", SPRINTS_DOC),
}  # fmt: skip
SCOPE_ROWS = [
    ("committed", "Committed at start"),
    ("added", "Added after the start"),
    ("removed", "Removed"),
    ("completed", "Completed"),
    ("carried_over", "Carried over"),
]
STATE_LABELS = {"active": "active", "closed": "closed"}


def _day(value: Any) -> str:
    """A date (or an ISO date or time) as YYYY-MM-DD; "–" for none."""
    if value is None:
        return "–"
    return value.isoformat() if isinstance(value, date) else str(value)[:10]


def _amount(value: Any, unit: str) -> str:
    if value is None:
        return "–"
    return f"{float(value):,.1f}" if unit == "points" else f"{int(value):,}"


def picker_options(sprints: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The started sprints for the picker: the active one first, then the closed ones, newest
    first, each labelled with its state and dates."""
    active = [s for s in sprints if s["state"] == "active"]
    closed = [s for s in reversed(sprints) if s["state"] != "active"]
    return [
        {
            "label": f"{s['name']} ({STATE_LABELS.get(s['state'], s['state'])}, "
            f"{_day(s['start'])} – {_day(s['complete'] or s['end'])})",
            "value": s["sprint_id"],
        }
        for s in (*active, *closed)
    ]


def burndown_figure(sprint: dict[str, Any], burndown: list[dict[str, Any]], unit: str) -> Any:
    """Remaining and scope per day with the ideal line, in ``unit``."""
    title = f"Burndown of {sprint['name']} (remaining {unit})"
    if not burndown:
        return empty_figure(title, "The sprint has no days to draw yet.")
    fig = new_figure(title)
    days = [row["date"] for row in burndown]
    fig.add_trace(
        go.Scatter(x=days, y=[row[f"scope_{unit}"] for row in burndown], mode="lines",
                   name="Scope", line={"color": COLORWAY[3], "shape": "hv", "dash": "dot"})
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=days, y=[row[f"remaining_{unit}"] for row in burndown],
                   mode="lines+markers", name="Remaining", line={"color": COLORWAY[0]})
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(x=days, y=[row[f"ideal_{unit}"] for row in burndown], mode="lines",
                   name="Ideal", line={"color": BASELINE, "dash": "dash"})
    )  # fmt: skip
    fig.update_yaxes(rangemode="tozero", title=unit)
    return fig


def scope_table(sprint: dict[str, Any], has_points: bool) -> html.Div:
    """Committed, added, removed, completed and carried over, and say/do, in items and points."""
    records = [
        {
            "what": label,
            "items": _amount(sprint[f"{kind}_items"], "items"),
            "points": _amount(sprint[f"{kind}_points"], "points"),
        }
        for kind, label in SCOPE_ROWS
    ]
    records.append(
        {
            "what": "Say/do (completed ÷ committed)",
            **{
                unit: "–" if sprint[f"say_do_{unit}"] is None else f"{sprint[f'say_do_{unit}']:.0%}"
                for unit in ("items", "points")
            },
        }
    )
    columns = [("what", sprint["name"]), ("items", "Items")]
    if has_points:
        columns.append(("points", "Points"))
    return text_table(ids.SPRINTS_SCOPE_TABLE, columns, records, csv="sprint-scope")


def sprint_report_records(
    sprints: list[dict[str, Any]], has_points: bool
) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """Every started sprint's scope changes as one row each, oldest first (``flowcast report
    --csv``'s sprints.csv): the scope table's rows as columns, in items (and points)."""
    units = ("items", "points") if has_points else ("items",)
    columns = [("name", "Sprint"), ("state", "State"), ("start", "Start"), ("end", "End")]
    for kind, label in [*SCOPE_ROWS, ("say_do", "Say/do")]:
        columns += [(f"{kind}_{unit}", f"{label} ({unit})") for unit in units]
    records = []
    for sprint in sprints:
        row: dict[str, Any] = {
            "name": sprint["name"],
            "state": sprint["state"],
            "start": _day(sprint["start"]),
            "end": _day(sprint["complete"] or sprint["end"]),
        }
        for unit in units:
            for kind, _label in SCOPE_ROWS:
                row[f"{kind}_{unit}"] = _amount(sprint[f"{kind}_{unit}"], unit)
            ratio = sprint[f"say_do_{unit}"]
            row[f"say_do_{unit}"] = "–" if ratio is None else f"{ratio:.0%}"
        records.append(row)
    return columns, records


def velocity_figure(velocity: list[dict[str, Any]], unit: str) -> Any:
    """Committed vs completed of the last closed sprints, in ``unit``."""
    title = f"Velocity: the last {len(velocity)} closed sprints ({unit})"
    if not velocity:
        return empty_figure("Velocity", "No sprint of this board has closed yet.")
    fig = new_figure(title)
    names = [row["name"] for row in velocity]
    fig.add_trace(
        go.Bar(x=names, y=[row[f"committed_{unit}"] for row in velocity], name="Committed",
               marker_color=COLORWAY[5])
    )  # fmt: skip
    fig.add_trace(
        go.Bar(x=names, y=[row[f"completed_{unit}"] for row in velocity], name="Completed",
               marker_color=COLORWAY[2])
    )  # fmt: skip
    fig.update_layout(barmode="group")
    fig.update_yaxes(rangemode="tozero", title=f"{unit} per sprint")
    return fig


def forecast_table(
    in_sprints: dict[str, Any], weekly: dict[str, Any] | None, unit: str
) -> html.Div:
    """The open work's forecast from the sprint velocity beside the Forecast page's weekly one."""
    dates = in_sprints.get("monte_carlo_dates") or {}
    counts = in_sprints.get("monte_carlo_sprints") or {}
    pert = in_sprints.get("pert_sprints")
    records = [
        {
            "how": f"In sprints ({in_sprints['sprint_days']}-day sprints, velocity of the last "
            f"{in_sprints['sprints_sampled']})",
            "remaining": _amount(in_sprints["remaining"], unit),
            "pert": _day(in_sprints.get("pert_date"))
            + ("" if pert is None else f" ({pert:.1f} sprints)"),
            "p50": _day(dates.get("p50"))
            + ("" if "p50" not in counts else f" ({counts['p50']:.1f})"),
            "p85": _day(dates.get("p85"))
            + ("" if "p85" not in counts else f" ({counts['p85']:.1f})"),
            "note": in_sprints.get("reason") or "",
        }
    ]
    if weekly is not None:
        records.append(
            {
                "how": "In weeks (the Forecast page)",
                "remaining": _amount(weekly["remaining"], unit),
                "pert": _day(weekly["pert_date"]),
                "p50": _day(weekly["p50"]),
                "p85": _day(weekly["p85"]),
                "note": weekly.get("reason") or "",
            }
        )
    columns = [("how", "Forecast"), ("remaining", f"Open {unit}"), ("pert", "PERT"),
               ("p50", "Monte Carlo P50"), ("p85", "Monte Carlo P85"), ("note", "")]  # fmt: skip
    return text_table(ids.SPRINTS_FORECAST, columns, records, csv="sprint-forecast")


def sprint_content(summary: dict[str, Any], weekly: dict[str, Any], unit: str) -> list[Any]:
    """The chosen sprint's burndown and scope changes, the velocity and the forecasts."""
    sprint = next(s for s in summary["sprints"] if s["sprint_id"] == summary["sprint_id"])
    has_points = "points" in weekly
    return [
        dbc.Row(
            [
                dbc.Col(
                    graph(
                        ids.SPRINTS_BURNDOWN,
                        burndown_figure(sprint, summary["burndown"], unit),
                        ABOUT["burndown"],
                    ),
                    lg=7,
                ),
                dbc.Col(
                    [html.H6("Scope changes", className="mt-2"), scope_table(sprint, has_points)],
                    lg=5,
                ),
            ]
        ),
        dbc.Row(
            [
                dbc.Col(
                    graph(
                        ids.SPRINTS_VELOCITY,
                        velocity_figure(summary["velocity"], unit),
                        ABOUT["velocity"],
                    ),
                    lg=6,
                ),
                dbc.Col(
                    [
                        html.H6("When will the open work be done?", className="mt-2"),
                        forecast_table(summary["forecast"][unit], weekly.get(unit), unit),
                    ],
                    lg=6,
                ),
            ]
        ),
    ]


def no_sprints(notice: str) -> html.Div:
    """The page when there is nothing to show: the one sentence that says why and what to do."""
    return html.Div(info_alert(notice), id=ids.SPRINTS_NOTICE)


def sprints_layout(
    summary: dict[str, Any], weekly: dict[str, Any], unit: str, notes: list[Any] | None = None
) -> html.Div:
    """The whole page: the picker and unit switch above the chosen sprint's content."""
    has_points = "points" in weekly
    options = [
        {"label": "Items", "value": "items"},
        {"label": "Points", "value": "points", "disabled": not has_points},
    ]
    controls = dbc.Row(
        [
            dbc.Col(
                dcc.Dropdown(
                    id=ids.SPRINTS_PICKER,
                    options=picker_options(summary["sprints"]),
                    value=summary["sprint_id"],
                    clearable=False,
                ),
                md=6,
            ),
            dbc.Col(
                dbc.RadioItems(
                    id=ids.SPRINTS_UNIT,
                    options=options,
                    value=unit,
                    className="btn-group",
                    inputClassName="btn-check",
                    labelClassName="btn btn-outline-primary btn-sm",
                    labelCheckedClassName="active",
                ),
                width="auto",
            ),
            dbc.Col(
                html.Small(f"Board {summary['board_id']}", className="text-muted"),
                className="align-self-center",
            ),
        ],
        className="g-2 mb-2 align-items-center",
    )
    return html.Div(
        [
            *(notes or []),
            controls,
            html.Div(sprint_content(summary, weekly, unit), id=ids.SPRINTS_CONTENT),
        ]
    )

"""The Forecast page's Epics view: per epic, done / total items and points, its own PERT and
Monte Carlo P50 / P85 dates from the team's throughput share, riskiest first; a switch says how
sub-tasks count (through their parents, or as items too). Plain rows in
(``data.analytics.sprints.epics_summary``), components out."""

from __future__ import annotations

from typing import Any

from layouts import ids
from layouts.common import About, guide_link, info_alert, text_table
from layouts.components import dbc, html

EPICS_DOC = "epics"
ABOUT = About(
    "Each epic's finished and total work, and when its open items may be done at its share of "
    "the team's recent throughput; the riskiest (no forecast, then the latest P85) first.",
    EPICS_DOC,
)
COUNTING_LABELS = {"parents": "Sub-tasks through their parents", "items": "Sub-tasks as items"}
COLUMNS = [
    ("epic", "Epic"),
    ("summary", "Summary"),
    ("status", "Status"),
    ("items", "Items done / total"),
    ("points", "Points done / total"),
    ("share", "Throughput share"),
    ("pert", "PERT"),
    ("p50", "Monte Carlo P50"),
    ("p85", "Monte Carlo P85"),
    ("note", "Note"),
]
TABLE_HEIGHT = "420px"


def _share(value: float) -> str:
    if not value:
        return "–"
    return "< 1%" if value < 0.005 else f"{value:.0%}"


def epic_records(epics: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The table's rows, in the order given (the risk order)."""
    return [
        {
            "epic": row["epic"],
            "summary": row["summary"] if row["in_scope"] else "(not in the query)",
            "status": row["status"],
            "items": f"{row['done_items']:,} / {row['total_items']:,}",
            "points": f"{row['done_points']:,.1f} / {row['total_points']:,.1f}",
            "share": _share(row["share"]),
            "pert": row["pert_date"] or "–",
            "p50": row["p50_date"] or "–",
            "p85": row["p85_date"] or "–",
            "note": "" if row["reason"] == "done" else row["reason"],
        }
        for row in epics
    ]


def counting_switch(counting: str) -> dbc.RadioItems:
    return dbc.RadioItems(
        id=ids.FORECAST_EPICS_COUNTING,
        options=[{"label": v, "value": k} for k, v in COUNTING_LABELS.items()],
        value=counting,
        className="btn-group",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-primary btn-sm",
        labelCheckedClassName="active",
    )


def epics_table(summary: dict[str, Any]) -> list[Any]:
    """The epics (riskiest first) and the note on parents outside the query, or one sentence
    when the query has no epics."""
    if not summary["epics"]:
        return [
            info_alert(
                "None of this query's issues belongs to an epic (no parent or Epic Link), so "
                "there is no epic to show."
            )
        ]
    window = summary["window_weeks"]
    parts: list[Any] = [
        html.Small(
            f"{len(summary['epics'])} epics; forecasts from the last {window} weeks' throughput.",
            className="text-muted",
        ),
        text_table(
            ids.FORECAST_EPICS_TABLE,
            COLUMNS,
            epic_records(summary["epics"]),
            TABLE_HEIGHT,
            csv="epics",
        ),  # fmt: skip
    ]
    if summary["note"]:
        parts.append(html.Small(summary["note"], className="text-muted"))
    return parts


def epics_view(summary: dict[str, Any]) -> html.Section:
    """The view: its heading with the "?" link and the counting switch, then the table."""
    return html.Section(
        [
            dbc.Row(
                [
                    dbc.Col(
                        html.H6(["Epics", guide_link("Epics", ABOUT)], className="mb-0"),
                        width="auto",
                    ),
                    dbc.Col(counting_switch(summary["subtask_counting"]), width="auto"),
                ],
                className="g-2 mt-3 mb-1 align-items-center",
            ),
            html.Div(epics_table(summary), id=ids.FORECAST_EPICS),
        ],
        id=ids.FORECAST_EPICS_VIEW,
    )

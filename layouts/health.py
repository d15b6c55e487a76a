"""The health summary as the Forecast page shows it (the standalone report words it the same way):
the overall score, and per dimension its colour, the number and the threshold that made it so."""

from __future__ import annotations

from typing import Any

from layouts import ids
from layouts.common import text_table
from layouts.components import dbc, html

COLORS = {"green": "success", "amber": "warning", "red": "danger", None: "secondary"}
STATUS_WORDS = {"green": "Green", "amber": "Amber", "red": "Red", None: "No data"}


def value_text(value: float | None, kind: str) -> str:
    """A signal's value: a share as a percent, a ratio with two decimals."""
    if value is None:
        return "no data"
    return f"{value:.0%}" if kind == "share" else f"{value:.2f}"


def threshold_text(signal: Any) -> str:
    """The bounds that decide the colour, e.g. ``green ≥ 85%, amber ≥ 50%``."""
    sign = "≥" if signal.higher else "≤"
    green, amber = (value_text(v, signal.kind) for v in (signal.green, signal.amber))
    return f"green {sign} {green}, amber {sign} {amber}"


def signal_line(signal: Any) -> str:
    """``change failure rate 10% (green ≤ 15%, amber ≤ 30%) — of 10 deployments``."""
    detail = f" — {signal.detail}" if signal.detail else ""
    return (
        f"{signal.label} {value_text(signal.value, signal.kind)} ({threshold_text(signal)}){detail}"
    )


def score_text(health: Any) -> str:
    return "–" if health.score is None else f"{health.score}"


def weights_text(health: Any) -> str:
    """The weights the overall score used (after sharing out those without data)."""
    parts = [f"{d.label} {d.weight:.0f}%" for d in health.dimensions if d.weight]
    return "weights " + ", ".join(parts) if parts else "no dimension has data"


def dimension_card(dimension: Any) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody(
            [
                html.Div(
                    [
                        html.Span(dimension.label, className="stat-title text-muted small"),
                        dbc.Badge(
                            STATUS_WORDS[dimension.status],
                            color=COLORS[dimension.status],
                            className="ms-2 health-badge",
                        ),
                    ]
                ),
                html.Ul(
                    [
                        html.Li(
                            [
                                html.Strong(value_text(s.value, s.kind)),
                                f" {s.label}",
                                html.Div(
                                    " · ".join(filter(None, [threshold_text(s), s.detail])),
                                    className="text-muted",
                                ),
                            ]
                        )
                        for s in dimension.signals
                    ],
                    className="small mb-0 ps-3 health-signals",
                ),
            ]
        ),
        className=f"h-100 health-{dimension.status or 'none'}",
    )


def health_summary(health: Any) -> html.Div:
    """The overall score and the four dimension cards."""
    overall = dbc.Card(
        dbc.CardBody(
            html.Div(
                [
                    html.Div("Health", className="stat-title text-muted small"),
                    html.Div(
                        [
                            html.Span(score_text(health), className="fs-4 fw-semibold"),
                            html.Span(" / 100", className="text-muted small"),
                            dbc.Badge(
                                STATUS_WORDS[health.status],
                                color=COLORS[health.status],
                                className="ms-2 health-badge",
                            ),
                        ]
                    ),
                    html.Div(weights_text(health), className="small text-muted"),
                ],
                title="Weighted mean of the dimension scores (100 at the ideal, 70 at the green "
                "bound, 40 at the amber bound); see docs/metrics.md, Health summary.",
            )
        ),
        className="h-100",
    )
    cols = [dbc.Col(overall, xs=12, md=2)] + [
        dbc.Col(dimension_card(d), xs=12, sm=6, md=True) for d in health.dimensions
    ]
    return html.Div(dbc.Row(cols, className="g-2 mb-3"), id=ids.FORECAST_HEALTH)


THRESHOLDS_CSV = "health-thresholds"
THRESHOLD_COLUMNS = [("signal", "Signal"), ("green", "Green"), ("amber", "Amber")]


def _bound_input(row: dict[str, Any], bound: str) -> dbc.InputGroup:
    return dbc.InputGroup(
        [
            dbc.InputGroupText("≥" if row["higher"] else "≤"),
            dbc.Input(id=ids.health_threshold(row["signal"], bound), type="number", min=0,
                      max=100 if row["percent"] else None, step="any", value=row[bound]),
            *([dbc.InputGroupText("%")] if row["percent"] else []),
        ],
        size="sm",
    )  # fmt: skip


def threshold_records(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The thresholds as their CSV lists them: each bound as its inputs show it (``≥ 85 %``)."""
    return [
        {"signal": f"{row['dimension']}: {row['label']}",
         **{bound: f"{'≥' if row['higher'] else '≤'} {row[bound]}{' %' if row['percent'] else ''}"
            for bound in ("green", "amber")}}
        for row in rows
    ]  # fmt: skip


def thresholds_card(rows: list[dict[str, Any]]) -> dbc.Card:
    """Settings: the green and amber bound of each health signal. ``rows``: signal, dimension,
    label, higher (bool), percent (bool: shown and entered in %), green, amber (as shown)."""
    inputs = [
        {"signal": f"{row['dimension']}: {row['label']}",
         "green": _bound_input(row, "green"), "amber": _bound_input(row, "amber")}
        for row in rows
    ]  # fmt: skip
    return dbc.Card(
        [
            dbc.CardHeader("Health thresholds"),
            dbc.CardBody(
                [
                    html.P(
                        "The Forecast page's health summary and the report colour each signal "
                        "green within the green bound, amber within the amber bound, red beyond.",
                        className="small text-muted",
                    ),
                    text_table(ids.SETTINGS_HEALTH_TABLE, THRESHOLD_COLUMNS, inputs,
                               csv=THRESHOLDS_CSV, csv_records=threshold_records(rows)),
                    dbc.Button(
                        "Save health thresholds", id=ids.SETTINGS_HEALTH_SAVE, n_clicks=0,
                        size="sm", className="mt-2",
                    ),
                    html.Div(id=ids.SETTINGS_HEALTH_RESULT, className="mt-2"),
                ]
            ),
        ],
        className="mb-3",
    )  # fmt: skip

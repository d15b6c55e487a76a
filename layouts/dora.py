"""DORA: the four keys with tier badges, the tier set named, and a weekly trend for each."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from layouts import ids
from layouts.charts import zero_based_range
from layouts.common import About, guide_href, guide_link, plain_graph
from layouts.components import dbc, html
from layouts.theme import COLORWAY, empty_figure, new_figure
from layouts.units import DORA_UNITS, Unit

DORA_DOC = "dora"
TIER_COLORS = {"elite": "success", "high": "primary", "medium": "warning", "low": "danger"}
TIER_SET_NAMES = {
    "2023": "DORA 2023 (State of DevOps report, as used by Apache DevLake)",
    "2021": "DORA 2021 (Accelerate State of DevOps report)",
}
KEYS = [
    ("deployment_frequency", "Deployment frequency", "Deployments per week in the window; tier by "
     "days per week with a deployment."),
    ("lead_time", "Lead time for changes", "Median of deployment time − first Active state of each "
     "change (issue) in a deployment."),
    ("change_failure_rate", "Change failure rate", "Deployments with at least one incident linked "
     "÷ deployments (an incident links to the latest earlier deployment)."),
    ("time_to_restore", "Time to restore", "Median of incident resolved − created."),
]  # fmt: skip


def _per_week(text: str) -> str:
    return text if text == "–" else f"{text} / week"


def key_values(dora: Any) -> dict[str, tuple[str, str | None, str]]:
    """(value, tier, detail) per key."""
    units = DORA_UNITS
    return {
        "deployment_frequency": (
            _per_week(units["deployment_frequency"].text(dora.deployments_per_week)),
            dora.deployment_frequency_tier,
            f"{dora.deployments} deployments ({dora.deployment_source.replace('_', ' ')})",
        ),
        "lead_time": (
            units["lead_time"].text(dora.lead_time_median_hours),
            dora.lead_time_tier,
            f"{dora.lead_time_changes} changes",
        ),
        "change_failure_rate": (
            units["change_failure_rate"].text(dora.change_failure_rate),
            dora.change_failure_rate_tier,
            f"{dora.failed_deployments} failed deployments",
        ),
        "time_to_restore": (
            units["time_to_restore"].text(dora.time_to_restore_median_hours),
            dora.time_to_restore_tier,
            f"{dora.restored_incidents} restored incidents",
        ),
    }


def dora_cards(dora: Any) -> dbc.Row:
    values = key_values(dora)
    cols = []
    for key, title, definition in KEYS:
        value, tier, detail = values[key]
        badge = dbc.Badge(
            (tier or "no data").capitalize(),
            color=TIER_COLORS.get(tier or "", "secondary"),
            className="tier-badge ms-2",
        )
        cols.append(
            dbc.Col(
                dbc.Card(
                    dbc.CardBody(
                        html.Div(
                            [
                                html.Div(
                                    [
                                        html.Span(title, className="small text-muted"),
                                        guide_link(title, About(definition, DORA_DOC)),
                                        badge,
                                    ]
                                ),
                                html.Div(value, className="fs-4 fw-semibold"),
                                html.Div(detail, className="small text-muted"),
                            ],
                            title=definition,
                        )
                    ),
                    className="stat-card h-100",
                ),
                xs=12,
                sm=6,
                lg=3,
            )  # fmt: skip
        )
    return dbc.Row(cols, className="g-2 mb-2", id=ids.DORA_CARDS)


# The snapshot column of each DORA key (the layout shows each in its unit).
TREND_COLUMNS = {
    "deployment_frequency": "dora.deployments_per_week",
    "lead_time": "dora.lead_time_median_hours",
    "change_failure_rate": "dora.change_failure_rate",
    "time_to_restore": "dora.time_to_restore_median_hours",
}


def trend_series(trends: Any) -> dict[str, tuple[list[str], list[Any]]]:
    """(weeks, values) per DORA key from the weekly review's trend frame."""
    weeks = list(trends["week"])
    return {
        key: (weeks, [None if v != v else v for v in trends[column]])  # NaN → gap
        for key, column in TREND_COLUMNS.items()
    }


def trend_figure(
    title: str, weeks: list[str], values: list[Any], unit: Unit, color: str
) -> go.Figure:
    """One key's weekly trend in its unit, the value axis from zero."""
    shown = [unit.shown(v) for v in values]
    if not weeks or all(v is None for v in shown):
        return empty_figure(
            title, "No weekly snapshots yet: fetch, then backfill on Weekly review.", 240
        )
    fig = new_figure(title, 240)
    fig.add_trace(go.Scatter(x=weeks, y=shown, mode="lines+markers", name=title,
                             line={"color": color}, connectgaps=False,
                             hovertemplate=f"%{{x}}: %{{y:,.{unit.decimals}f}}{unit.suffix}"
                                           "<extra></extra>"))  # fmt: skip
    fig.update_yaxes(title=unit.axis, range=zero_based_range(shown))
    fig.update_layout(showlegend=False)
    return fig


def dora_layout(dora: Any, trends: dict[str, tuple[list[str], list[Any]]]) -> html.Div:
    """``trends``: (weeks, stored values) per key, as the weekly snapshots hold them."""
    figures = [
        dbc.Col(
            plain_graph(
                ids.dora_trend(key),
                trend_figure,
                title,
                *trends.get(key, ([], [])),
                DORA_UNITS[key],
                COLORWAY[i],
                about=About(
                    f"{title} at the end of each week, from the weekly snapshots. {definition}",
                    DORA_DOC,
                ),
            ),
            lg=6,
        )
        for i, (key, title, definition) in enumerate(KEYS)
    ]
    return html.Div(
        [
            html.P(
                [
                    html.Strong("Tier set: "),
                    TIER_SET_NAMES.get(dora.tier_set, dora.tier_set),
                    f" · window {dora.window_start} to {dora.window_end} ({dora.window_weeks} weeks) ",
                    html.A("How are tiers set?", href=guide_href("tiers"), target="_blank"),
                ],
                id=ids.DORA_TIER_SET,
                className="small",
            ),
            dora_cards(dora),
            html.H6("Weekly trend", className="mt-3"),
            dbc.Row(figures, id=ids.DORA_TRENDS),
        ]
    )

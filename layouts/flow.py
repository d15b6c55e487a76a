"""Flow: the five Flow metrics with definitions on hover, cycle-time scatter with percentile
lines, histogram, cumulative flow, ageing WIP, and the data-quality note."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from layouts import ids
from layouts.charts import percentile_lines, zero_based_range
from layouts.common import About, card_row, guide_href, plain_graph, stat_card, text_table
from layouts.components import dbc, html
from layouts.flow_views import ABOUT as VIEWS_ABOUT
from layouts.flow_views import flow_views_layout
from layouts.theme import COLORWAY, INK, empty_figure, new_figure

DEFINITIONS = {
    "velocity": "Flow velocity: flow items completed per week over the window (all item types).",
    "time": "Flow time: days from the first Active or Waiting state to Done, for items completed "
    "in the window (P50 shown, P85 below). It starts before commitment, where cycle time starts "
    "at the committed stage, so it is usually the longer of the two.",
    "efficiency": "Flow efficiency: time Active ÷ (time Active + time Waiting), summed over the "
    "completed items' flow time.",
    "load": "Flow load: work in progress now — items that reached the committed stage and are "
    "not done (or canceled), of every issue type; the same items as the ageing chart and table.",
    "distribution": "Flow distribution: share of completed items by flow item type "
    "(Feature, Defect, Risk, Debt) in the window.",
}
FLOW_DOC = "flow-metrics"
CYCLE_DOC = "cycle-time-cfd-ageing-wip"
ABOUT = {
    "scatter": About(
        "Each dot is an item that reached the done stage: when, and how many days it took from "
        "the committed stage; the dotted lines are the 50th, 85th and 95th percentiles.",
        CYCLE_DOC),
    "histogram": About(
        "How many done items took each whole number of days from the committed stage to done.",
        CYCLE_DOC),
    "cfd": About(
        "How many items had reached each stage by each day; the height of a band is the work "
        "sitting in that stage, its slope the rate work arrives there.", CYCLE_DOC),
    "ageing": VIEWS_ABOUT["ageing"],
}  # fmt: skip
AGEING_ROWS = 50  # the table lists the oldest; the chart shows every item in progress


def _days(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f} d"


def flow_cards(flow: Any) -> html.Div:
    time = flow.time_percentiles_days or {}
    distribution = ", ".join(f"{k} {v:.0%}" for k, v in flow.distribution.items() if v) or "–"
    cards = [
        stat_card(
            "Flow velocity",
            "–" if flow.velocity_per_week is None else f"{flow.velocity_per_week:.1f} / week",
            f"{flow.completed} completed in {flow.window_weeks} weeks",
            DEFINITIONS["velocity"],
            section=FLOW_DOC,
        ),
        stat_card(
            "Flow time",
            _days(time.get("p50")),
            f"P85 {_days(time.get('p85'))}",
            DEFINITIONS["time"],
            section=FLOW_DOC,
        ),  # fmt: skip
        stat_card(
            "Flow efficiency",
            "–" if flow.efficiency is None else f"{flow.efficiency:.0%}",
            "active share of flow time",
            DEFINITIONS["efficiency"],
            section=FLOW_DOC,
        ),
        stat_card(
            "Flow load",
            f"{flow.load_now}",
            "items in progress now",
            DEFINITIONS["load"],
            section=FLOW_DOC,
        ),
        stat_card(
            "Flow distribution",
            distribution,
            "of completed items",
            DEFINITIONS["distribution"],
            section=FLOW_DOC,
        ),
    ]
    return html.Div(card_row(cards), id=ids.FLOW_METRICS)


def scatter_figure(cycle: Any) -> go.Figure:
    scatter = cycle.scatter
    if scatter.empty:
        return empty_figure("Cycle time", "No item has reached the done stage yet.")
    fig = new_figure(f"Cycle time ({cycle.committed_stage} → {cycle.done_stage})")
    for i, (issue_type, group) in enumerate(scatter.groupby("issue_type", sort=True)):
        fig.add_trace(
            # numpy arrays, not lists: plotly validates lists element by element (slow at 10k).
            go.Scatter(
                # Days, not midnights: "2026-03-02", not "2026-03-02T00:00:00" (13 bytes a dot).
                x=group["done_date"].to_numpy().astype("datetime64[D]"),
                y=group["cycle_time_days"].to_numpy(),
                mode="markers",
                name=str(issue_type),
                # Keys come from JIRA: passed as data (customdata), never as markup.
                customdata=group["key"].to_numpy(),
                hovertemplate="%{customdata}: %{y} days, done %{x}<extra></extra>",
                marker={"color": COLORWAY[i % len(COLORWAY)], "size": 6, "opacity": 0.75},
            )
        )
    percentiles = cycle.percentiles_days or {}
    axis = zero_based_range(list(scatter["cycle_time_days"]), 1.05)
    percentile_lines(
        fig, {f"{n.upper()} {v:.1f} d": v for n, v in percentiles.items()}, axis[1], INK
    )
    fig.update_yaxes(title="days", range=axis)
    return fig


def histogram_figure(cycle: Any) -> go.Figure:
    histogram = cycle.histogram
    if histogram.empty:
        return empty_figure("Cycle-time histogram", "No item has reached the done stage yet.")
    fig = new_figure("Cycle-time histogram")
    fig.add_trace(
        go.Bar(x=histogram["cycle_time_days"], y=histogram["items"], name="Items",
               marker_color=COLORWAY[0])
    )  # fmt: skip
    fig.update_xaxes(title="days")
    fig.update_yaxes(title="items")
    return fig


def cfd_figure(cfd: Any) -> go.Figure:
    if cfd.empty:
        return empty_figure("Cumulative flow", "No issues fetched for this query yet.")
    fig = new_figure("Cumulative flow (items that reached each stage)")
    dates = cfd["date"].to_numpy().astype("datetime64[D]")
    stages = [c for c in cfd.columns if c != "date"]
    for i, stage in enumerate(stages):
        fig.add_trace(
            go.Scatter(x=dates, y=cfd[stage].to_numpy(), mode="lines", name=str(stage),
                       line={"color": COLORWAY[i % len(COLORWAY)], "width": 1.5},
                       fill="tozeroy" if i == 0 else "tonexty")
        )  # fmt: skip
    fig.update_yaxes(title="items")
    return fig


AGEING_COLUMNS = [("key", "Key"), ("summary", "Summary"), ("issue_type", "Type"),
                  ("stage", "Stage"), ("committed", "Committed"), ("age_days", "Age (days)")]  # fmt: skip


def ageing_records(
    rows: Any, summaries: dict[str, str]
) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """The oldest items in progress as the table lists them: (columns, records)."""
    records = [
        {"key": r.key, "summary": summaries.get(r.key, ""), "issue_type": r.issue_type,
         "stage": r.stage, "committed": str(r.committed_date)[:10], "age_days": int(r.age_days)}
        for r in rows.itertuples()
    ]  # fmt: skip
    return AGEING_COLUMNS, records


def ageing_table(rows: Any, summaries: dict[str, str]) -> html.Div:
    """The oldest items in progress with their JIRA summaries, as text (markup in a summary shows
    as the characters it is)."""
    columns, records = ageing_records(rows, summaries)
    return text_table(
        ids.FLOW_AGEING_TABLE, columns, records, max_height="22rem", csv="oldest-items"
    )


def quality_note(quality: Any) -> html.Div:
    text = quality.note if quality is not None else ""
    return html.Div(
        dbc.Alert(
            [
                html.Strong("Data quality: "),
                html.Span(text or "every status and issue type is mapped."),
                " ",
                html.A("What is checked?", href=guide_href("data-quality"), target="_blank"),
            ],
            color="warning" if text else "light",
            className="data-quality",
        ),
        id=ids.FLOW_QUALITY,
    )


def flow_layout(
    flow: Any,
    cycle: Any,
    cfd: Any,
    ageing: Any,
    oldest: Any,
    summaries: dict[str, str],
    quality: Any,
    views: Any,
) -> html.Div:
    """``ageing``: every item in progress; ``oldest``: the rows of the table; ``views``: the
    ageing bands, blocked time, stale work, net flow, WIP run and defects (``layouts.flow_views``)."""
    shown = (
        f"The {len(oldest):,} oldest of {len(ageing):,} items in progress"
        if len(ageing) > len(oldest)
        else "Oldest items in progress"
    )
    upper, lower = flow_views_layout(views, summaries)
    return html.Div(
        [
            flow_cards(flow),
            dbc.Row(
                [
                    dbc.Col(
                        plain_graph(
                            ids.FLOW_SCATTER, scatter_figure, cycle, about=ABOUT["scatter"]
                        ),
                        lg=7,
                    ),
                    dbc.Col(
                        plain_graph(
                            ids.FLOW_HISTOGRAM, histogram_figure, cycle, about=ABOUT["histogram"]
                        ),
                        lg=5,
                    ),
                ]
            ),
            dbc.Row([dbc.Col(plain_graph(ids.FLOW_CFD, cfd_figure, cfd, about=ABOUT["cfd"]))]),
            *upper,
            html.H6(shown, className="mt-2"),
            ageing_table(oldest, summaries),
            *lower,
            html.Div(className="mb-3"),
            quality_note(quality),
        ]
    )

"""The Flow page's views beyond the five Flow metrics: ageing WIP against percentile bands (and
the items past P85), blocked time, stale work, net flow, the WIP run chart and defects. Plain
values in (``data.analytics.flow_views.FlowViews``, passed as Any), components out."""

from __future__ import annotations

from typing import Any

import numpy as np
import plotly.graph_objects as go

from layouts import ids
from layouts.common import About, card_row, plain_graph, stat_card, text_table
from layouts.components import dbc, html
from layouts.theme import COLORWAY, INK, empty_figure, new_figure

LIST_ROWS = 50  # each table lists this many; the heading says how many there are
BANDS = (  # percentile, fill below it (from the previous one), label colour
    ("p50", "rgba(0, 158, 115, 0.16)"),
    ("p70", "rgba(240, 228, 66, 0.20)"),
    ("p85", "rgba(230, 159, 0, 0.22)"),
    ("p95", "rgba(213, 94, 0, 0.22)"),
)
WITHIN, PAST, BLOCKED = COLORWAY[0], COLORWAY[3], COLORWAY[4]
ABOUT = {
    "ageing": About(
        "Each dot is an item in progress now, in its stage, at its age (days since committed). "
        "The bands are the 50th/70th/85th/95th percentile ages at which items done in the window "
        "left that stage; red dots are past their stage's P85, ringed dots are blocked now.",
        "ageing-wip-with-percentile-bands"),
    "blocked": About(
        "Per week: how many items were blocked (flagged in JIRA or in a blocked status) and for "
        "how many days in total.", "blocked-and-flagged-time"),
    "net_flow": About(
        "Per week: items committed (arrivals) against items done (departures); a bar above zero "
        "means work in progress grew.", "net-flow-and-wip-run-chart"),
    "wip_run": About(
        "Items in progress (committed, not done) at the end of each day.",
        "net-flow-and-wip-run-chart"),
    "defects": About(
        "Bugs created and resolved per week, and the bugs open at each week's end.", "defects"),
}  # fmt: skip


def _jitter(stage_positions: np.ndarray) -> np.ndarray:
    """Spread the dots of a column sideways, the same way on every render (no randomness)."""
    order = np.argsort(stage_positions, kind="stable")
    rank = np.empty(len(order), "int64")
    firsts = np.r_[0, np.flatnonzero(np.diff(stage_positions[order])) + 1]
    starts = np.repeat(firsts, np.diff(np.r_[firsts, len(order)]))
    rank[order] = np.arange(len(order)) - starts
    return stage_positions + ((rank % 9) - 4) * 0.06


def ageing_bands_figure(ageing: Any) -> go.Figure:
    bands, items = ageing.bands, ageing.items
    if items.empty:
        return empty_figure("Ageing work in progress", "Nothing is in progress.")
    stages = [str(s) for s in bands["stage"]]
    fig = new_figure("Ageing work in progress (bands: ages at which done items left each stage)",
                     height=400)  # fmt: skip
    top = float(max(items["age_days"].max(), np.nanmax(bands["p95"].to_numpy(float), initial=0)))
    top = max(top * 1.1, 1.0)
    shapes, annotations = [], []
    for i, row in enumerate(bands.itertuples()):
        if row.completed == 0:
            annotations.append(
                {"x": i, "y": top * 0.92, "xref": "x", "yref": "y", "showarrow": False,
                 "text": "No item done in the window<br>left this stage: no bands",
                 "font": {"color": INK, "size": 11}}
            )  # fmt: skip
            continue
        low = 0.0
        for name, fill in BANDS:
            value = float(getattr(row, name))
            shapes.append(
                {"type": "rect", "xref": "x", "yref": "y", "x0": i - 0.45, "x1": i + 0.45,
                 "y0": low, "y1": value, "fillcolor": fill, "line": {"width": 0},
                 "layer": "below"}
            )  # fmt: skip
            low = value
        # One label per column, above its bands (close bands would make four labels collide).
        label = " · ".join(f"{name.upper()} {float(getattr(row, name)):.1f}" for name, _ in BANDS)
        annotations.append(
            {"x": i, "y": low, "xref": "x", "yref": "y", "showarrow": False, "yanchor": "bottom",
             "text": f"{label} d", "font": {"color": INK, "size": 10}}
        )  # fmt: skip
    position = {s: i for i, s in enumerate(stages)}
    # float32: half the bytes of float64, and far finer than a dot's width.
    x = _jitter(items["stage"].map(position).to_numpy(float)).astype("float32")
    past = items["past_p85"].to_numpy(bool)
    for name, chosen, color in (("within P85", ~past, WITHIN), ("past P85", past, PAST)):
        fig.add_trace(
            go.Scatter(x=x[chosen], y=items["age_days"].to_numpy()[chosen], mode="markers",
                       name=name, customdata=items["key"].to_numpy()[chosen],
                       hovertemplate="%{customdata}: %{y} days<extra></extra>",
                       marker={"color": color, "size": 8, "opacity": 0.85})
        )  # fmt: skip
    blocked = items["blocked"].to_numpy(bool)
    fig.add_trace(
        go.Scatter(x=x[blocked], y=items["age_days"].to_numpy()[blocked], mode="markers",
                   name="blocked now", customdata=items["key"].to_numpy()[blocked],
                   hovertemplate="%{customdata}: blocked, %{y} days<extra></extra>",
                   marker={"symbol": "circle-open", "size": 15, "color": BLOCKED,
                           "line": {"width": 2}})
    )  # fmt: skip
    fig.update_layout(shapes=shapes, annotations=annotations)
    fig.update_xaxes(tickvals=list(range(len(stages))), ticktext=stages,
                     range=[-0.5, len(stages) - 0.5], showgrid=False)  # fmt: skip
    fig.update_yaxes(title="age (days)", range=[0, top])
    return fig


def _records(frame: Any, summaries: dict[str, str], columns: dict[str, Any]) -> list[dict]:
    return [
        {"key": r["key"], "summary": summaries.get(r["key"], ""),
         **{name: convert(r) for name, convert in columns.items()}}
        for r in frame.head(LIST_ROWS).to_dict("records")
    ]  # fmt: skip


def _heading(count: int, what: str, empty: str) -> html.H6:
    if not count:
        return html.H6(empty, className="mt-2")
    shown = f"the {LIST_ROWS} longest of {count:,}" if count > LIST_ROWS else f"{count:,}"
    return html.H6(f"{what}: {shown}", className="mt-2")


def past_p85_table(ageing: Any, summaries: dict[str, str]) -> html.Div:
    rows = ageing.past_p85
    records = _records(rows, summaries, {
        "issue_type": lambda r: r["issue_type"], "stage": lambda r: r["stage"],
        "age_days": lambda r: int(r["age_days"]), "p85": lambda r: f"{r['p85']:.1f}",
        "blocked": lambda r: "blocked" if r["blocked"] else "",
    })  # fmt: skip
    columns = [("key", "Key"), ("summary", "Summary"), ("issue_type", "Type"),
               ("stage", "Stage"), ("age_days", "Age (days)"), ("p85", "Stage P85"),
               ("blocked", "Now")]  # fmt: skip
    missing = ageing.stages_without_history
    note = (
        [html.Div(f"Not judged (no item done in the window left it): {', '.join(missing)}.",
                  className="small text-muted")]
        if missing else []
    )  # fmt: skip
    return html.Div(
        [
            _heading(len(rows), "Items past their stage's P85", "No item is past its stage's P85."),
            *note,
            text_table(
                ids.FLOW_PAST_P85_TABLE, columns, records, max_height="18rem", csv="past-p85"
            ),  # fmt: skip
        ]
    )


def blocked_figure(blocked: Any) -> go.Figure:
    weekly = blocked.weekly
    if weekly.empty:
        return empty_figure("Blocked time", "The window has no complete week yet.")
    fig = new_figure("Blocked time per week")
    fig.add_trace(go.Bar(x=weekly["week"], y=weekly["blocked_days"].round(1), name="blocked days",
                         marker_color=BLOCKED))  # fmt: skip
    fig.add_trace(go.Scatter(x=weekly["week"], y=weekly["items_blocked"], name="items blocked",
                             mode="lines+markers", yaxis="y2", line={"color": COLORWAY[0]}))  # fmt: skip
    fig.update_layout(
        yaxis={"title": "days", "rangemode": "tozero"},
        yaxis2={"title": "items", "overlaying": "y", "side": "right", "rangemode": "tozero",
                "showgrid": False},
        legend={"orientation": "h", "y": -0.2},
    )  # fmt: skip
    return fig


def blocked_table(blocked: Any, summaries: dict[str, str]) -> html.Div:
    rows = blocked.items
    records = _records(rows, summaries, {
        "issue_type": lambda r: r["issue_type"],
        "blocked_days": lambda r: f"{r['blocked_days']:.1f}",
        "now": lambda r: "blocked now" if r["blocked_now"] else ("in progress" if r["open"] else ""),
    })  # fmt: skip
    columns = [("key", "Key"), ("summary", "Summary"), ("issue_type", "Type"),
               ("blocked_days", "Blocked (days)"), ("now", "Now")]  # fmt: skip
    return html.Div(
        [
            _heading(len(rows), f"Items with blocked time ({blocked.blocked_now} blocked now)",
                     "No item was flagged or in a blocked status."),
            text_table(ids.FLOW_BLOCKED_TABLE, columns, records, max_height="18rem",
                       csv="blocked-items"),
        ]
    )  # fmt: skip


def stale_table(stale: Any, days: int, summaries: dict[str, str]) -> html.Div:
    records = _records(stale, summaries, {
        "issue_type": lambda r: r["issue_type"], "stage": lambda r: r["stage"],
        "last_change": lambda r: str(r["last_change"])[:10],
        "days": lambda r: int(r["days_since_change"]),
    })  # fmt: skip
    columns = [("key", "Key"), ("summary", "Summary"), ("issue_type", "Type"), ("stage", "Stage"),
               ("last_change", "Last status change"), ("days", "Days since")]  # fmt: skip
    return html.Div(
        [
            _heading(len(stale), f"Stale work (no status change for {days}+ days)",
                     f"No item in progress has gone {days} days without a status change."),
            text_table(ids.FLOW_STALE_TABLE, columns, records, max_height="18rem",
                       csv="stale-work"),
        ]
    )  # fmt: skip


def net_flow_figure(net: Any) -> go.Figure:
    if net.empty:
        return empty_figure("Net flow", "The window has no complete week yet.")
    fig = new_figure("Net flow (arrivals − departures per week)")
    values = net["net"].to_numpy()
    fig.add_trace(go.Bar(x=net["week"], y=values, name="net flow",
                         marker_color=[PAST if v > 0 else COLORWAY[2] for v in values]))  # fmt: skip
    for name, color in (("arrivals", COLORWAY[0]), ("departures", COLORWAY[1])):
        fig.add_trace(go.Scatter(x=net["week"], y=net[name], name=name, mode="lines+markers",
                                 line={"color": color}))  # fmt: skip
    fig.update_layout(legend={"orientation": "h", "y": -0.2})
    fig.update_yaxes(title="items")
    return fig


def wip_run_figure(run: Any) -> go.Figure:
    if run.empty:
        return empty_figure("Work in progress per day", "No day to show yet.")
    fig = new_figure("Work in progress per day")
    fig.add_trace(go.Scatter(x=run["date"].to_numpy().astype("datetime64[D]"),
                             y=run["items"].to_numpy(), mode="lines",
                             name="in progress", line={"color": COLORWAY[0], "shape": "hv"}))  # fmt: skip
    fig.update_yaxes(title="items", rangemode="tozero")
    return fig


def defects_figure(bugs: Any) -> go.Figure:
    weekly = bugs.weekly
    if weekly.empty:
        return empty_figure("Defects", "The window has no complete week yet.")
    fig = new_figure(f"Defects ({', '.join(bugs.bug_types) or 'no type mapped to Defect'})")
    for name, color in (("created", COLORWAY[3]), ("resolved", COLORWAY[2])):
        fig.add_trace(go.Bar(x=weekly["week"], y=weekly[name], name=name, marker_color=color))
    fig.add_trace(go.Scatter(x=weekly["week"], y=weekly["open"], name="open at week end",
                             mode="lines+markers", yaxis="y2", line={"color": INK}))  # fmt: skip
    fig.update_layout(
        barmode="group",
        yaxis={"title": "bugs per week", "rangemode": "tozero"},
        yaxis2={"title": "open", "overlaying": "y", "side": "right", "rangemode": "tozero",
                "showgrid": False},
        legend={"orientation": "h", "y": -0.2},
    )  # fmt: skip
    return fig


def defect_cards(bugs: Any) -> html.Div:
    ct = bugs.cycle_time_percentiles_days
    share = bugs.share_of_throughput
    cards = [
        stat_card("Open bugs", f"{bugs.open_now:,}", "now", "Bugs created and not done or "
                  "canceled (a reopened bug is open again).", section="defects"),
        stat_card("Bug share", "–" if share is None else f"{share:.0%}",
                  "of items done in the window", "Bugs resolved ÷ items of every type done.",
                  section="defects"),
        stat_card("Bug cycle time", "–" if ct is None else f"{ct['p50']:.0f} d",
                  "–" if ct is None else f"P85 {ct['p85']:.0f} d, {bugs.cycle_time_count} bugs",
                  "Committed → done, in days, for bugs done in the window.", section="defects"),
    ]  # fmt: skip
    return html.Div(card_row(cards), id=ids.FLOW_DEFECT_CARDS)


def flow_views_layout(views: Any, summaries: dict[str, str]) -> tuple[list[Any], list[Any]]:
    """The ageing chart with its past-P85 list (shown above the oldest items), and the rest."""
    Row, Col = dbc.Row, dbc.Col
    upper = [
        Row(
            [
                Col(
                    plain_graph(
                        ids.FLOW_AGEING, ageing_bands_figure, views.ageing, about=ABOUT["ageing"]
                    )
                )
            ]
        ),
        past_p85_table(views.ageing, summaries),
    ]
    return upper, [
        Row(
            [
                Col(
                    plain_graph(
                        ids.FLOW_BLOCKED, blocked_figure, views.blocked, about=ABOUT["blocked"]
                    ),
                    lg=6,
                ),
                Col(blocked_table(views.blocked, summaries), lg=6),
            ],
            className="mt-3",
        ),
        stale_table(views.stale, views.stale_after_days, summaries),
        Row(
            [
                Col(
                    plain_graph(
                        ids.FLOW_NET_FLOW, net_flow_figure, views.net_flow, about=ABOUT["net_flow"]
                    ),
                    lg=6,
                ),
                Col(
                    plain_graph(
                        ids.FLOW_WIP_RUN, wip_run_figure, views.wip_run, about=ABOUT["wip_run"]
                    ),
                    lg=6,
                ),
            ],
            className="mt-3",
        ),  # fmt: skip
        defect_cards(views.defects),
        plain_graph(ids.FLOW_DEFECTS, defects_figure, views.defects, about=ABOUT["defects"]),
    ]


def listed_keys(views: Any) -> list[str]:
    """The keys the tables list (their summaries are read for them)."""
    frames = (views.ageing.past_p85, views.blocked.items, views.stale)
    return sorted({str(k) for f in frames for k in f["key"].head(LIST_ROWS)})

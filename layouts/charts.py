"""Chart pieces shared by the pages: dated vertical lines, forecast bands, rolling means."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

import plotly.graph_objects as go

from layouts.theme import BAND, INK


def date_line(
    fig: go.Figure, day: date | str | None, label: str, color: str, inside: bool = False
) -> None:
    """A labelled vertical line at ``day`` (shape + annotation: add_vline's annotation cannot
    position itself on a date axis). The label sits above the plot, right of the line; with
    ``inside`` it sits inside the plot's top edge, left of the line, so two lines a few days
    apart (deadline and milestone) keep readable labels."""
    if not day:
        return
    x = day.isoformat() if isinstance(day, date) else str(day)[:10]
    fig.add_shape(
        type="line", x0=x, x1=x, y0=0, y1=1, xref="x", yref="paper",
        line={"color": color, "dash": "dot", "width": 1.5},
    )  # fmt: skip
    fig.add_annotation(
        x=x, y=1, xref="x", yref="paper", text=label, showarrow=False,
        font={"color": color, "size": 11}, xanchor="right" if inside else "left",
        yanchor="top" if inside else "bottom",
    )  # fmt: skip


def value_lines(fig: go.Figure, lines: dict[str, float | str], color: str) -> None:
    """Labelled horizontal dotted lines at each y value (percentiles, a date), added in one layout
    update: ``add_hline`` costs ~9 ms a line."""
    shapes = [
        {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": value,
         "y1": value, "line": {"dash": "dot", "color": color}}
        for value in lines.values()
    ]  # fmt: skip
    annotations = [
        {"xref": "paper", "x": 0, "yref": "y", "y": value, "text": label, "showarrow": False,
         "xanchor": "left", "yanchor": "bottom"}
        for label, value in lines.items()
    ]  # fmt: skip
    fig.update_layout(
        shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *annotations]
    )


def spread_labels(values: Sequence[float], gap: float, top: float) -> list[float]:
    """Heights for the labels of lines at ``values`` (ascending) that keep them ``gap`` apart
    inside [0, top]: close lines get their labels pushed apart, the top one pushed down when it
    would leave the plot."""
    heights: list[float] = []
    for value in values:
        heights.append(max(value, heights[-1] + gap) if heights else max(value, 0.0))
    for i in range(len(heights) - 1, -1, -1):
        ceiling = top if i == len(heights) - 1 else heights[i + 1] - gap
        heights[i] = min(heights[i], ceiling)
    return heights


def percentile_lines(fig: go.Figure, lines: dict[str, float], top: float, color: str) -> None:
    """Dotted horizontal lines at each value on an axis drawn from 0 to ``top``, labelled in the
    right margin (never over the points or the axis ticks), labels spread so they never overlap."""
    ordered = sorted(lines.items(), key=lambda item: item[1])
    heights = spread_labels([value for _label, value in ordered], LABEL_GAP * top, top)
    shapes = [
        {"type": "line", "xref": "paper", "x0": 0, "x1": 1, "yref": "y", "y0": value,
         "y1": value, "line": {"dash": "dot", "color": color}}
        for _label, value in ordered
    ]  # fmt: skip
    annotations = [
        {"xref": "paper", "x": 1, "xshift": 4, "yref": "y", "y": height, "text": label,
         "showarrow": False, "xanchor": "left", "yanchor": "middle", "font": {"color": color}}
        for (label, _value), height in zip(ordered, heights, strict=True)
    ]  # fmt: skip
    fig.update_layout(
        shapes=[*fig.layout.shapes, *shapes],
        annotations=[*fig.layout.annotations, *annotations],
        margin_r=LABEL_MARGIN,
    )


LABEL_GAP = 0.08
"""The least distance between two line labels, as a share of the axis (a 320 px chart's plot is
about 230 px high: ~18 px, a line of 12 px text and some air)."""
LABEL_MARGIN = 84
"""Room right of the plot for labels like "P95 18.0 d"."""


def value_vlines(fig: go.Figure, lines: dict[str, float | str], color: str) -> None:
    """Labelled vertical dotted lines at each x value (percentiles on a histogram), added in one
    layout update; labels sit inside the plot's top edge, left of their line, stacked downwards
    so close lines keep readable labels."""
    shapes = [
        {"type": "line", "yref": "paper", "y0": 0, "y1": 1, "xref": "x", "x0": value,
         "x1": value, "line": {"dash": "dot", "color": color}}
        for value in lines.values()
    ]  # fmt: skip
    annotations = [
        {"yref": "paper", "y": 1 - 0.08 * i, "xref": "x", "x": value, "text": label,
         "showarrow": False, "xanchor": "right", "yanchor": "top"}
        for i, (label, value) in enumerate(lines.items())
    ]  # fmt: skip
    fig.update_layout(
        shapes=[*fig.layout.shapes, *shapes], annotations=[*fig.layout.annotations, *annotations]
    )


def forecast_band(
    fig: go.Figure,
    start: date,
    start_value: float,
    end_value: float | dict[str, float],
    dates: dict[str, date] | None,
    name: str,
) -> None:
    """Lines from (start, start_value) to each percentile date at end_value (one value, or one
    per percentile when the target grows with time), the P50–P95 range shaded: the Monte Carlo
    forecast drawn on a burndown or burnup."""
    if not dates or "p50" not in dates:
        return
    ends = end_value if isinstance(end_value, dict) else dict.fromkeys(dates, end_value)
    x0 = start.isoformat()
    if "p95" in dates:
        fig.add_trace(
            go.Scatter(
                x=[x0, dates["p50"].isoformat(), dates["p95"].isoformat(), x0],
                y=[start_value, ends["p50"], ends["p95"], start_value],
                fill="toself", fillcolor=BAND, line={"width": 0}, hoverinfo="skip",
                name=f"{name} P50–P95", showlegend=True,
            )
        )  # fmt: skip
    for key, dash in (("p50", "dash"), ("p85", "dot")):
        if key in dates:
            fig.add_trace(
                go.Scatter(
                    x=[x0, dates[key].isoformat()], y=[start_value, ends[key]],
                    mode="lines", line={"dash": dash, "color": INK},
                    name=f"{name} {key.upper()} ({dates[key].isoformat()})",
                )
            )  # fmt: skip


def zero_based_range(values: Sequence[float | None], headroom: float = 1.1) -> list[float]:
    """A value axis from zero to a little above the highest value, for counts, durations and
    rates: never below zero, and a flat or empty series still gets a readable [0, 1]."""
    top = max((v for v in values if v is not None and v == v), default=0.0)
    return [0.0, top * headroom if top > 0 else 1.0]


def rolling_mean(values: Sequence[float], window: int) -> list[float | None]:
    """Trailing mean over ``window`` points (None until the window is full)."""
    result: list[float | None] = []
    total = 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        result.append(total / window if i >= window - 1 else None)
    return result


def subplot_grid(
    rows: int,
    cols: int,
    titles: Sequence[str],
    vertical_spacing: float,
    horizontal_spacing: float,
    title_size: int,
) -> dict[str, Any]:
    """The layout ``plotly.subplots.make_subplots(rows, cols, subplot_titles=titles, ...)`` lays
    out for a plain grid (first cell top left, no shared axes), as a dict with the same values
    (tests/unit/test_layouts_review.py compares them): make_subplots validates a whole figure to
    do it, a third of the standalone report's figure time. Each cell's axes ``xaxisN``/``yaxisN``
    anchored to each other, and each title an annotation above its cell."""
    width = (1.0 - horizontal_spacing * (cols - 1)) / cols
    height = (1.0 - vertical_spacing * (rows - 1)) / rows
    widths, heights = [width] * cols, [height] * rows
    layout: dict[str, Any] = {}
    annotations = []
    for r in range(rows):
        below = rows - 1 - r  # rows under this one: the grid counts up from the bottom
        y0 = sum(heights[:below]) + below * vertical_spacing
        y = [max(0.0, y0), min(1.0, y0 + heights[-1 - r])]
        for c in range(cols):
            x0 = sum(widths[:c]) + c * horizontal_spacing
            x = [max(0.0, x0), min(1.0, x0 + widths[c])]
            cell = r * cols + c + 1
            suffix = str(cell) if cell > 1 else ""
            layout[f"xaxis{suffix}"] = {"anchor": f"y{suffix}", "domain": x}
            layout[f"yaxis{suffix}"] = {"anchor": f"x{suffix}", "domain": y}
            if cell <= len(titles) and titles[cell - 1]:
                annotations.append(
                    {"font": {"size": title_size}, "showarrow": False, "text": titles[cell - 1],
                     "x": sum(x) / 2.0, "xanchor": "center", "xref": "paper", "y": y[1],
                     "yanchor": "bottom", "yref": "paper"}
                )  # fmt: skip
    layout["annotations"] = annotations
    return layout

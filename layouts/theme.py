"""The one plotly template every chart uses: transparent backgrounds and mid-grey text and grid,
so the same figure reads on the light and the dark page theme."""

from __future__ import annotations

import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import plotly.graph_objects as go

# Okabe-Ito: distinguishable with the common colour-vision deficiencies and on both backgrounds.
COLORWAY = ["#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#999999"]
INK = "#8a8f98"
GRID = "rgba(138, 143, 152, 0.25)"
BAND = "rgba(0, 114, 178, 0.15)"
DEADLINE = "#D55E00"
MILESTONE = "#CC79A7"
BASELINE = "#999999"


# The template as a plain dict: every figure validates it as it takes it, so building a
# ``go.layout.Template`` at import (and registering it by name) cost ~0.08 s for nothing.
_AXIS = {"gridcolor": GRID, "linecolor": GRID, "zerolinecolor": GRID, "automargin": True}
TEMPLATE_JSON: dict[str, Any] = {
    "layout": {
        "colorway": COLORWAY,
        "font": {"color": INK, "family": "system-ui, -apple-system, Segoe UI, sans-serif"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "xaxis": _AXIS,
        "yaxis": _AXIS,
        "margin": {"l": 40, "r": 16, "t": 40, "b": 36},
        # Anchored to the bottom of the figure, not the plot: the legend then reserves its own
        # margin below the axis labels (rotated ISO-week labels used to run over it).
        "legend": {
            "orientation": "h",
            "yref": "container",
            "y": 0,
            "yanchor": "bottom",
            "bgcolor": "rgba(0,0,0,0)",
        },
        "hoverlabel": {"namelength": -1},
        "title": {"font": {"size": 15}, "x": 0.01},
        "modebar": {"bgcolor": "rgba(0,0,0,0)", "color": INK, "activecolor": COLORWAY[0]},
    }
}


# Inside ``template_deferred`` figures carry an empty template: validating the Flowcast one costs
# ~4 ms a figure, and a figure kept as plain data (``layouts.common.plain_graph``) gets it as
# the plain dict it is.
_DEFERRED: ContextVar[bool] = ContextVar("flowcast_template_deferred", default=False)


@contextmanager
def template_deferred() -> Iterator[None]:
    """Build figures without their template; the caller adds ``TEMPLATE_JSON`` to their plain
    dicts."""
    token = _DEFERRED.set(True)
    try:
        yield
    finally:
        _DEFERRED.reset(token)


def figure_template() -> dict[str, Any]:
    """The template a figure built now takes: the Flowcast one, or none inside
    ``template_deferred`` (the caller adds it to the plain dict). Read-only: every figure shares it."""
    return {} if _DEFERRED.get() else TEMPLATE_JSON


def new_figure(title: str, height: int = 320) -> go.Figure:
    """An empty figure on the Flowcast template."""
    return go.Figure(layout={"template": figure_template(), "title": title, "height": height})


def empty_figure(title: str, message: str, height: int = 320) -> go.Figure:
    """A figure that says why it has nothing to plot (a long reason on several lines: plotly
    does not wrap annotations)."""
    fig = new_figure(title, height)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    text = "<br>".join(textwrap.wrap(message, 60))
    fig.add_annotation(text=text, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper")
    return fig

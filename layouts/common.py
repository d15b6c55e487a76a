"""Small building blocks shared by the pages: alerts, cards, graphs, notices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import plotly.graph_objects as go

from layouts import ids
from layouts.components import dbc, dcc, html, is_component
from layouts.exports import csv_text, current_name
from layouts.guide import GUIDE_PATH
from layouts.theme import TEMPLATE_JSON, template_deferred

GRAPH_CONFIG = {"displaylogo": False, "responsive": True}


def graph_config(chart: str, png_only: bool = False) -> dict[str, Any]:
    """A chart's plotly config: its PNG download named after the profile, query, chart and day
    (``layouts.exports``); with ``png_only`` the mode bar holds that button alone (small
    multiples, whose titles a whole mode bar would cover)."""
    config = {**GRAPH_CONFIG, "toImageButtonOptions": {"filename": current_name(chart)}}
    return {**config, "modeBarButtons": [["toImage"]]} if png_only else config


def error_alert(message: str, title: str = "Something went wrong", action: Any = None) -> dbc.Alert:
    """A dismissable red alert; the message is plain text (never parsed as HTML). ``action``: a
    button after the message (Retry)."""
    return dbc.Alert(
        [html.Strong(f"{title}: "), html.Span(message), *([action] if action else [])],
        color="danger",
        dismissable=True,
        className="mb-2",
    )


def warning_alert(message: str, title: str) -> dbc.Alert:
    """A dismissable amber alert: the action was done, with a caveat the user should know."""
    return dbc.Alert(
        [html.Strong(f"{title}: "), html.Span(message)],
        color="warning",
        dismissable=True,
        className="mb-2",
    )


def fade_after_ms(message: str) -> int:
    """How long a passing message stays: 8 s, longer for a long one (about 20 characters a
    second to read it), at most 20 s."""
    return min(20_000, max(8_000, 50 * len(message)))


def success_alert(message: str) -> dbc.Alert:
    """What an action did; it fades (errors and notices about the page stay)."""
    return dbc.Alert(
        message,
        color="success",
        dismissable=True,
        duration=fade_after_ms(message),
        className="mb-2",
    )


def notice_alert(message: str) -> dbc.Alert:
    """A passing answer that changes nothing ("No fetch is running."); it fades like a success."""
    return dbc.Alert(
        message, color="info", dismissable=True, duration=fade_after_ms(message), className="mb-2"
    )


def info_alert(message: str) -> dbc.Alert:
    """A notice that stays while it holds (a query never fetched, a job that was cancelled)."""
    return dbc.Alert(message, color="info", dismissable=True, className="mb-2")


@dataclass(frozen=True)
class About:
    """What a chart or card shows, in a sentence or two, and the section of docs/metrics.md
    (its anchor) that explains it in full."""

    text: str
    section: str


def guide_href(section: str) -> str:
    """The in-app metrics guide at ``section`` (a GitHub-style anchor of docs/metrics.md)."""
    return f"{GUIDE_PATH}#{section}"


def _guide_anchor(label: str, section: str, **kwargs: Any) -> html.A:
    # A new tab: the page being read stays where it was.
    return html.A(label, href=guide_href(section), target="_blank", rel="noopener", **kwargs)


def about_line(about: About) -> html.Div:
    """The "What is this?" line under a chart."""
    return html.Div(
        [
            html.Span("What is this? ", className="fw-semibold"),
            about.text,
            " ",
            _guide_anchor("Read more", about.section),
        ],
        className="chart-about small text-muted mb-3",
    )


def plain_figure(figure: go.Figure) -> dict[str, Any]:
    """``figure`` as the plain dict Dash encodes (numbers already typed arrays, texts as numpy
    text arrays, which the encoder turns into one list at once where it walks an object array
    item by item): a page kept for later (the Flow page) pays plotly's conversion once, not on
    every request. The same chart: ``go.Figure(plain_figure(f))`` equals ``f``."""
    plain = figure.to_plotly_json()
    for trace in plain["data"]:
        for name, value in trace.items():
            if isinstance(value, np.ndarray) and value.dtype == object and value.size:
                if all(isinstance(item, str) for item in value):
                    trace[name] = value.astype(str)
    return plain


def graph(
    component_id: str,
    figure: go.Figure | dict[str, Any],
    about: About | None = None,
    png_only: bool = False,
) -> Any:
    """A chart; with ``about``, its "What is this?" line below it (``png_only``: see
    ``graph_config``)."""
    chart = dcc.Graph(id=component_id, figure=figure, config=graph_config(component_id, png_only))
    return chart if about is None else html.Div([chart, about_line(about)])


def plain_graph(
    component_id: str,
    build: Callable[..., go.Figure],
    *args: Any,
    about: About | None = None,
    png_only: bool = False,
) -> Any:
    """``graph`` of ``build(*args)`` as plain data (``plain_figure``): the figure is built
    without validating the template, which the plain dict then gets (~4 ms a figure, on every
    page drawn), and a page kept for later (the Flow page) pays plotly's conversion once."""
    with template_deferred():
        figure = build(*args)
    plain = plain_figure(figure)
    plain["layout"]["template"] = TEMPLATE_JSON
    return graph(component_id, plain, about, png_only)


def guide_link(title: str, about: About) -> html.A:
    """The small "?" beside a card's title: the definition on hover, its guide section on click."""
    return _guide_anchor(
        "?", about.section, title=about.text, className="guide-link ms-1",
        **{"aria-label": f"What is {title}? {about.text}"},
    )  # fmt: skip


def stat_card(
    title: str,
    value: str,
    detail: str = "",
    tooltip: str = "",
    card_id: str | None = None,
    section: str | None = None,
) -> dbc.Card:
    """A headline number; ``tooltip`` (its definition) shows on hover, and with ``section`` a
    "?" beside the title links to that section of the metrics guide."""
    # Long values (a list of shares) get a smaller font so the card row stays even.
    size = "fs-4" if len(value) <= 16 else "fs-6"
    heading: list[Any] = [title]
    if section:
        heading.append(guide_link(title, About(tooltip, section)))
    body = [
        html.Div(heading, className="stat-title text-muted small"),
        html.Div(value, className=f"stat-value {size} fw-semibold"),
    ]
    if detail:
        body.append(html.Div(detail, className="stat-detail small text-muted"))
    attrs: dict[str, Any] = {"id": card_id} if card_id else {}
    # dbc.Card has no title; the definition sits on a Div so the browser shows it on hover.
    return dbc.Card(
        dbc.CardBody(html.Div(body, title=tooltip or None)), className="stat-card h-100", **attrs
    )


def card_row(cards: list[Any]) -> dbc.Row:
    return dbc.Row([dbc.Col(c, xs=12, sm=6, lg=True) for c in cards], className="g-2 mb-3")


def section(title: str, children: Any, **kwargs: Any) -> html.Section:
    return html.Section([html.H5(title, className="mt-3 mb-2"), children], **kwargs)


def no_selection(profile_without_queries: str | None = None) -> dbc.Alert:
    """What to do when a page has no profile and query to show; names a selected profile that
    has no queries yet."""
    if profile_without_queries:
        return dbc.Alert(
            f"Profile {profile_without_queries!r} has no queries yet; create one in Settings → "
            "Queries.",
            color="info",
        )
    return dbc.Alert(
        "Choose a profile and a query in the header (or create them in Settings) to see this page.",
        color="info",
    )


def _cell(value: Any) -> Any:
    """A table cell's children: a component as it is, anything else as text."""
    return value if is_component(value) else str(value)


def component_text(value: Any) -> Any:
    """A cell as its CSV value: a component as the text it shows (each child component on its
    own line, as the audit log's Change cell lists its fields), anything else as it is."""
    if not is_component(value):
        return value
    children = getattr(value, "children", None)
    if children is None:
        return ""
    if not isinstance(children, list | tuple):
        return str(component_text(children))
    parts = [str(component_text(child)) for child in children]
    separator = "\n" if all(is_component(child) for child in children) else ""
    return separator.join(parts)


def text_table(
    component_id: str | None,
    columns: list[tuple[str, str]],
    records: list[dict[str, Any]],
    max_height: str | None = None,
    csv: str | None = None,
    csv_records: list[dict[str, Any]] | None = None,
) -> html.Div:
    """A plain Bootstrap table; every cell is text (escaped by React, never HTML) or a component
    built of text. ``columns`` are (record key, header) pairs. With ``csv`` (the table's name) a
    "Download CSV" button above it gives the same rows and columns as a file: each cell's text,
    or ``csv_records`` where a cell shows no text of its own (an input)."""
    table = dbc.Table(
        [
            html.Thead(html.Tr([html.Th(label) for _key, label in columns])),
            html.Tbody(
                [
                    html.Tr([html.Td(_cell(r.get(key, ""))) for key, _label in columns])
                    for r in records
                ]
            ),
        ],
        size="sm",
        hover=True,
        className="small mb-0",
    )
    style = {"maxHeight": max_height, "overflowY": "auto"} if max_height else None
    attrs: dict[str, Any] = {"id": component_id} if component_id else {}
    box = html.Div(table, style=style, className="table-responsive", **attrs)
    if csv is None:
        return box
    return html.Div([csv_download(csv, columns, records if csv_records is None else csv_records),
                     box])  # fmt: skip


def csv_file(name: str, columns: list[tuple[str, str]], records: list[dict[str, Any]]) -> dict:
    """The file dcc.Download hands over: the records' CSV (a component cell as its text), named
    ``<profile>_<query>_<name>_<date>.csv``."""
    rows = [{key: component_text(r.get(key)) for key, _label in columns} for r in records]
    return {"content": csv_text(columns, rows), "filename": f"{current_name(name)}.csv",
            "type": "text/csv"}  # fmt: skip


def csv_download(name: str, columns: list[tuple[str, str]], records: list[dict[str, Any]]) -> Any:
    """The table's CSV, ready in the page: the button hands it to the browser
    (``callbacks/table_csv.py``)."""
    return html.Div(
        [
            dbc.Button("Download CSV", id=ids.table_csv(name), n_clicks=0, color="link",
                       size="sm", className="p-0 small"),
            dcc.Store(id=ids.table_csv_data(name), data=csv_file(name, columns, records)),
            dcc.Download(id=ids.table_csv_download(name)),
        ],
        className="text-end",
    )  # fmt: skip


# Form builders shared by the Settings and Data pages.


def card(title: str, body: list[Any]) -> dbc.Card:
    """A titled card with a bottom margin, as the Settings and Data pages stack them."""
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(body)], className="mb-3")


def field(label: str, control: Any, help_text: str = "") -> html.Div:
    """A small label above ``control``, with an optional help line below it."""
    parts: list[Any] = [dbc.Label(label, className="small mb-0"), control]
    if help_text:
        parts.append(dbc.FormText(help_text))
    return html.Div(parts, className="mb-2")


def dropdown(component_id: Any, options: list[Any], value: Any, **kwargs: Any) -> dcc.Dropdown:
    return dcc.Dropdown(id=component_id, options=options, value=value, **kwargs)

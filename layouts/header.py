"""The header: profile and query selectors, last sync, Fetch with progress bar and Cancel,
Download report."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.common import error_alert
from layouts.jobs import job_bar, job_poll


def _options(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"label": item["name"], "value": item["id"]} for item in items]


def header_layout(
    profiles: list[dict[str, Any]],
    queries: list[dict[str, Any]],
    profile_id: str | None,
    query_id: str | None,
    last_sync: str,
) -> html.Div:
    selectors = dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label("Profile", html_for=ids.HEADER_PROFILE, className="small mb-0"),
                    dcc.Dropdown(
                        id=ids.HEADER_PROFILE,
                        options=_options(profiles),
                        value=profile_id,
                        clearable=False,
                        placeholder="No profile yet",
                    ),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    dbc.Label("Query", html_for=ids.HEADER_QUERY, className="small mb-0"),
                    dcc.Dropdown(
                        id=ids.HEADER_QUERY,
                        options=_options(queries),
                        value=query_id,
                        clearable=False,
                        placeholder="No query yet: add one in Settings",
                    ),
                ],
                md=3,
            ),
            dbc.Col(
                [
                    html.Div("Last sync", className="small text-muted"),
                    html.Div(last_sync, id=ids.HEADER_LAST_SYNC, className="small"),
                ],
                md=2,
            ),
            dbc.Col(
                [
                    dbc.ButtonGroup(
                        [
                            dbc.Button("Fetch", id=ids.HEADER_FETCH, color="primary", n_clicks=0),
                            dbc.Button(
                                "Cancel",
                                id=ids.HEADER_CANCEL,
                                color="secondary",
                                outline=True,
                                n_clicks=0,
                                disabled=True,
                            ),
                        ],
                        size="sm",
                    ),
                    dbc.Button(
                        "Download report",
                        id=ids.HEADER_REPORT,
                        color="secondary",
                        outline=True,
                        size="sm",
                        n_clicks=0,
                        className="ms-2",
                        title="One HTML file with this query's numbers and charts, to share; it "
                        "opens offline in any browser.",
                    ),
                    dcc.Download(id=ids.HEADER_REPORT_DOWNLOAD),
                    dbc.Checkbox(
                        id=ids.HEADER_FULL_FETCH,
                        label="full refresh",
                        value=False,
                        className="small ms-2 d-inline-block",
                    ),
                    *job_bar(ids.FETCH_JOB),
                ],
                md=4,
            ),
        ],
        className="g-2 align-items-end",
    )
    return html.Div(
        [
            selectors,
            html.Div(id=ids.HEADER_FETCH_RESULT),
            html.Div(id=ids.HEADER_CANCEL_RESULT),
            html.Div(id=ids.HEADER_REPORT_RESULT),
            *job_poll(ids.FETCH_JOB),
        ],
        className="flowcast-header py-2",
    )


def fetch_failed_alert(message: str, title: str) -> dbc.Alert:
    """A fetch that met a failure a later try may not meet (JIRA unreachable, busy, garbled): the
    red alert with a Retry button, which fetches again as Fetch does."""
    retry = dbc.Button(
        "Retry", id=ids.HEADER_FETCH_RETRY, color="danger", size="sm", n_clicks=0, className="ms-2"
    )
    return error_alert(message, title, action=retry)

"""The progress panel of a long job started from a page: bar, message, Cancel, and the poll that
shows a run started in another tab (or before a reload) from its ``task_progress`` record."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html

POLL_MS = 1000


def job_progress(
    cancel_id: str,
    progress_id: str,
    message_id: str,
    poll_id: str,
    seen_active_id: str,
    cancel_result_id: str,
) -> html.Div:
    return html.Div(
        [
            dbc.Button(
                "Cancel",
                id=cancel_id,
                color="secondary",
                outline=True,
                size="sm",
                n_clicks=0,
                disabled=True,
            ),
            dbc.Progress(
                id=progress_id,
                value=0,
                label="",
                striped=True,
                className="mt-1",
                style={"height": "1rem"},
            ),
            html.Div("", id=message_id, className="small text-muted text-truncate"),
            html.Div(id=cancel_result_id),
            dcc.Interval(id=poll_id, interval=POLL_MS),
            dcc.Store(id=seen_active_id, data=False),
        ],
        className="mt-2",
    )

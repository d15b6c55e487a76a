"""The progress panel of a long job started from a page: bar, message, Cancel, and the poll that
shows a run started in another tab (or before a reload) from its ``task_progress`` record."""

from __future__ import annotations

from typing import Any

from layouts.components import dbc, dcc, html
from layouts.ids import JobIds

POLL_MS = 1000
BAR_SHOWN = "mt-1"
BAR_IDLE = "mt-1 d-none"
"""The bar's class: hidden while the job has never run for the selection (an empty, unlabelled
bar said nothing), shown from the click on and with the last run's result."""


def job_progress(job: JobIds) -> html.Div:
    """Cancel, bar, message and poller; what Cancel answers is ``job_cancel_result``, placed by
    the page below its toolbar so the answer does not shift the row."""
    cancel = dbc.Button(
        "Cancel",
        id=job.cancel,
        color="secondary",
        outline=True,
        size="sm",
        n_clicks=0,
        disabled=True,
    )
    return html.Div([cancel, *job_bar(job), *job_poll(job)], className="mt-2")


def job_bar(job: JobIds) -> list[Any]:
    """The job's progress bar (hidden until the poll finds a run) and the message under it."""
    return [
        dbc.Progress(
            id=job.progress,
            value=0,
            label="",
            striped=True,
            className=BAR_IDLE,
            style={"height": "1rem"},
        ),
        html.Div("", id=job.message, className="small text-muted text-truncate"),
    ]


def job_poll(job: JobIds) -> list[Any]:
    """The poll every tab runs on the job's record, and whether this tab saw it running."""
    return [dcc.Interval(id=job.poll, interval=POLL_MS), dcc.Store(id=job.seen_active, data=False)]


def job_cancel_result(job: JobIds) -> html.Div:
    """Where the answer to Cancel ("Cancelling …") appears."""
    return html.Div(id=job.cancel_result)

"""What every long job's controls share: the bar's values from a ``task_progress`` record, the
poll every tab runs (the tab that started the job too: progress reaches every page one way, through
the record), the pending record written at the click, and the Cancel request."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dash import Dash, Input, Output, State, no_update

from callbacks.background import check_this_servers_queue
from callbacks.roles import requires
from data.jobs import ACTIVE, announce, job_progress
from data.store import get_backend
from layouts import ids
from layouts.common import info_alert, notice_alert
from layouts.ids import JobIds
from layouts.jobs import BAR_IDLE, BAR_SHOWN


def running(job: JobIds) -> list[tuple[Output, Any, Any]]:
    """``running=`` of the job's background callback: start off, Cancel on, the bar animated.
    The tab's poller keeps running: it draws this tab's bar from the record as in every tab."""
    return [
        (Output(job.start, "disabled"), True, False),
        (Output(job.cancel, "disabled"), False, True),
        (Output(job.progress, "animated"), True, False),
    ]


def poll_outputs(job: JobIds) -> list[Output]:
    """The outputs of the job's poll callback, in ``poll_job``'s order."""
    return [
        Output(job.progress, "value", allow_duplicate=True),
        Output(job.progress, "label", allow_duplicate=True),
        Output(job.message, "children", allow_duplicate=True),
        Output(job.start, "disabled", allow_duplicate=True),
        Output(job.cancel, "disabled", allow_duplicate=True),
        Output(job.seen_active, "data"),
        Output(job.progress, "className", allow_duplicate=True),
    ]


def progress_values(progress: dict[str, Any] | None) -> tuple[float, str, str]:
    """(bar value, bar label, message) for a task_progress record."""
    if progress is None:
        return 0, "", ""
    percent = float(progress["progress_percent"])
    status = progress["status"]
    message = progress["message"]
    # A finished job names its status first, once ("Cancelled; nothing changed" stays as it is).
    if status not in ACTIVE and not message.casefold().startswith(status.casefold()):
        message = f"{status.capitalize()}: {message}"
    return percent, f"{percent:.0f}%", message


def poll_job(task: str | None, seen_active: bool | None) -> tuple[Any, ...]:
    """Bar value, label, message, start disabled, Cancel disabled, whether a run is active and
    the bar's class (hidden when the job never ran) — for every tab. The buttons are only touched
    while a run is active and once when it ends: a poll answered just after this tab started its
    own run must not undo ``running=``."""
    progress = job_progress(task) if task else None
    value, label, message = progress_values(progress)
    active = bool(progress and progress["status"] in ACTIVE)
    bar = BAR_IDLE if progress is None else BAR_SHOWN
    if not active and not seen_active:
        return value, label, message, no_update, no_update, False, bar
    return value, label, message, active, not active, active, bar


def request_cancel(task: str | None, noun: str, where: str) -> Any:
    """Ask the running ``task`` to stop at its next step (``where``: e.g. "the week it computes")."""
    progress = job_progress(task) if task else None
    if progress and progress["status"] in ACTIVE and get_backend().request_task_cancel(task):
        return info_alert(f"Cancelling: the {noun} stops after {where}.")
    return notice_alert(f"No {noun} is running.")


Selection = dict[str, Any] | None
STARTING = "Starting…"


@dataclass(frozen=True)
class PageJob:
    """One long job as the pages see it: its controls, the task it runs for the header's
    selection, and how its Cancel answer names it ("the fetch stops after the page it is
    reading")."""

    controls: JobIds
    task_of: Callable[[Selection], str | None]
    noun: str
    stops_after: str

    def cancel(self, selection: Selection) -> Any:
        return request_cancel(self.task_of(selection), self.noun, self.stops_after)

    def announce(self, selection: Selection) -> bool:
        """At the start button's click: record the run as pending, so other tabs show it and
        Cancel works before the job's process has started (about a second). On a team server
        whose job queue is down, nothing is recorded: JobQueueDown says why."""
        task = self.task_of(selection)
        if task is None:
            return False
        check_this_servers_queue()
        return announce(task, STARTING)

    def poll(self, selection: Selection, seen_active: bool | None) -> tuple[Any, ...]:
        return poll_job(self.task_of(selection), seen_active)


def register_cancel_and_poll(app: Dash, job: PageJob, *, poll_on_selection: bool = False) -> None:
    """The job's Cancel callback and the poll every tab runs (``poll_on_selection``: also when the
    header's selection changes, for a control that outlives page changes)."""
    controls = job.controls
    selection = Input if poll_on_selection else State

    @app.callback(
        Output(controls.cancel_result, "children"),
        Input(controls.cancel, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    @requires("fetch")
    def _cancel(_n, current):
        return job.cancel(current)

    @app.callback(
        Input(controls.start, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    @requires("fetch")
    def _announce(n_clicks, current):
        if n_clicks:  # not when a page that holds the button is inserted
            job.announce(current)

    # In the browser, at the click: a new run starts from an empty bar. The job's process takes
    # about a second to start; until its first report the last run's message ("Completed: …")
    # would otherwise stay under a bar that is already animated.
    app.clientside_callback(
        f"function() {{ return [0, '', '{STARTING}', '{BAR_SHOWN}']; }}",
        Output(controls.progress, "value", allow_duplicate=True),
        Output(controls.progress, "label", allow_duplicate=True),
        Output(controls.message, "children", allow_duplicate=True),
        Output(controls.progress, "className", allow_duplicate=True),
        Input(controls.start, "n_clicks"),
        prevent_initial_call=True,
    )

    @app.callback(
        *poll_outputs(controls),
        Input(controls.poll, "n_intervals"),
        selection(ids.SELECTION, "data"),
        State(controls.seen_active, "data"),
        prevent_initial_call="initial_duplicate",
    )
    def _poll(_n, current, seen_active):
        return job.poll(current, seen_active)

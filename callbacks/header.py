"""Header adapters: Fetch as a background job with progress, Cancel, and progress polling.

The job writes ``task_progress`` (the sync does it), so every tab polls the same record: a reloaded
page or a second tab shows the running fetch and can cancel it. Cancel asks the job to stop at its
next page (``request_task_cancel``) instead of killing its process, so the job closes its record
and the previous data stay as they were.
"""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from callbacks.errors import ALERT, alert_on_error, alert_title
from callbacks.jobs import (
    PageJob,
    register_cancel_and_poll,
    running,
)
from callbacks.roles import requires
from callbacks.selection import profile_without_queries
from callbacks.sync_status import last_sync_text, sync_progress
from data.analytics.fetch import SnapshotsCancelled, fetch
from data.errors import TaskCancelled
from data.jira import sync as jira_sync
from data.jira.errors import JiraTransientError
from data.jira.sync import SyncInProgress
from data.jobs import ACTIVE, ProgressCallback
from layouts import ids
from layouts.common import info_alert, no_selection, success_alert
from layouts.header import fetch_failed_alert


@alert_on_error(ALERT, no_update, no_update)
def run_fetch(
    selection: dict[str, Any] | None,
    full: bool,
    data_version: int | None,
    progress: ProgressCallback | None = None,
) -> tuple[Any, Any, Any]:
    """The background job: fetch the selected query (sync, then its weekly snapshots);
    (alert, data version, last-sync text)."""
    profile_id = (selection or {}).get("profile")
    query_id = (selection or {}).get("query")
    if not profile_id or not query_id:
        name = profile_without_queries(profile_id)
        if name is not None:  # say so, as the pages do
            return no_selection(name), no_update, no_update
        return info_alert("Choose a profile and a query before fetching."), no_update, no_update
    try:
        result = fetch(profile_id, query_id, full=bool(full), progress=progress)
    except SyncInProgress:
        running = sync_progress(profile_id, query_id)
        if running is None or running["status"] not in ACTIVE:
            raise
        return (
            info_alert(
                f"A fetch of this query is already running ({running['progress_percent']:.0f}%); "
                "wait for it to finish or press Cancel."
            ),
            no_update,
            no_update,
        )
    except SnapshotsCancelled as exc:  # the fetched issues are stored: the pages redraw
        return info_alert(str(exc)), (data_version or 0) + 1, last_sync_text(profile_id, query_id)
    except TaskCancelled as exc:
        return info_alert(str(exc)), no_update, no_update
    except JiraTransientError as exc:  # unreachable, busy, garbled: offer to try again
        return fetch_failed_alert(str(exc), alert_title(exc)), no_update, no_update
    return (
        success_alert(result.summary()),
        (data_version or 0) + 1,
        last_sync_text(profile_id, query_id),
    )


def fetch_task_of(selection: dict[str, Any] | None) -> str | None:
    profile_id = (selection or {}).get("profile")
    query_id = (selection or {}).get("query")
    return jira_sync.task_name(profile_id, query_id) if profile_id and query_id else None


FETCH = PageJob(ids.FETCH_JOB, fetch_task_of, "fetch", "the page it is reading")


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.HEADER_FETCH_RESULT, "children"),
        Output(ids.DATA_VERSION, "data", allow_duplicate=True),
        Output(ids.HEADER_LAST_SYNC, "children", allow_duplicate=True),
        Input(ids.HEADER_FETCH, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.HEADER_FULL_FETCH, "value"),
        State(ids.DATA_VERSION, "data"),
        background=True,
        running=running(ids.FETCH_JOB),
        prevent_initial_call=True,
    )
    @requires("fetch")
    def _fetch(_n, selection, full, data_version):
        return run_fetch(selection, full, data_version)

    register_cancel_and_poll(app, FETCH, poll_on_selection=True)

    # Retry does what Fetch does (the pending record, the empty bar, the cleared alerts, the job):
    # it presses Fetch, which is disabled, so Retry does nothing, while a fetch runs.
    app.clientside_callback(
        f"""function(n) {{
            if (n) {{ document.getElementById('{ids.HEADER_FETCH}').click(); }}
        }}""",
        Input(ids.HEADER_FETCH_RETRY, "n_clicks"),
        prevent_initial_call=True,
    )

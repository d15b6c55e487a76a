"""Where alerts live and when they go (issue 18: they piled up and outlived their moment).

Each alert belongs to the page or the action that raised it: a page's own results sit inside the
page and go with it; the shell's alert slot (profile and query actions, imports, restores,
unexpected errors) and the header's answers (the fetch result, what Cancel said) are cleared
here, in the browser, when their moment has passed:

- another page is opened: the shell's alerts and the header's Cancel answer go;
- a fetch starts: the shell's alerts, the last fetch's result and the Cancel answer go;
- a job ends (its start button is enabled again): its Cancel answer ("Cancelling: …") goes;
- the header's profile or query is changed by hand: ``callbacks.shell`` clears all three.

Successes and passing notices fade by themselves (``layouts.common.success_alert``,
``notice_alert``); errors stay until the next action replaces them or one of the above.
"""

from __future__ import annotations

from dash import Dash, Input, Output

from layouts import ids


def _clear(outputs: int) -> str:
    """A client-side callback emptying ``outputs`` alert slots."""
    return f"function() {{ return [{', '.join(['null'] * outputs)}]; }}"


def register(app: Dash) -> None:
    app.clientside_callback(
        _clear(2),
        Output(ids.ALERTS, "children", allow_duplicate=True),
        Output(ids.HEADER_CANCEL_RESULT, "children", allow_duplicate=True),
        Input(ids.URL, "pathname"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        _clear(3),
        Output(ids.ALERTS, "children", allow_duplicate=True),
        Output(ids.HEADER_FETCH_RESULT, "children", allow_duplicate=True),
        Output(ids.HEADER_CANCEL_RESULT, "children", allow_duplicate=True),
        Input(ids.HEADER_FETCH, "n_clicks"),
        prevent_initial_call=True,
    )
    for job in (ids.FETCH_JOB, ids.BACKFILL_JOB, ids.MIGRATION_JOB):
        app.clientside_callback(
            """function(disabled) {
                return disabled ? window.dash_clientside.no_update : null;
            }""",
            Output(job.cancel_result, "children", allow_duplicate=True),
            Input(job.start, "disabled"),
            prevent_initial_call=True,
        )

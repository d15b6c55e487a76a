"""How errors reach the user: data-layer errors as one-sentence alerts, anything else as a short
alert while the traceback goes to the server log only."""

from __future__ import annotations

import logging

from dash import set_props

from data.errors import FlowcastError, JiraError, NotFoundError, ValidationError
from layouts import ids
from layouts.common import error_alert

logger = logging.getLogger(__name__)


def alert_for(exc: FlowcastError):
    """The alert for a data-layer error; its message is already the user-facing sentence."""
    if isinstance(exc, JiraError):
        title = "JIRA said"
    elif isinstance(exc, NotFoundError):
        title = "Not found"
    elif isinstance(exc, ValidationError):
        title = "Please check"
    else:
        title = "Could not finish"
    return error_alert(str(exc), title)


def on_unexpected_error(exc: Exception) -> None:
    """Dash's global ``on_error``: log the traceback, show a short alert, keep the page usable."""
    if isinstance(exc, FlowcastError):
        set_props(ids.ALERTS, {"children": alert_for(exc)})
        return
    logger.exception("Unexpected error in a callback", exc_info=exc)
    set_props(
        ids.ALERTS,
        {
            "children": error_alert(
                f"{type(exc).__name__} inside Flowcast; the details are in the server log. "
                "Try again, and report it if it keeps happening.",
                "Unexpected error",
            )
        },
    )

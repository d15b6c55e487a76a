"""How errors reach the user: data-layer errors as one-sentence alerts, anything else as a short
alert while the traceback goes to the server log only."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from dash import set_props

from data.errors import FlowcastError, JiraError, NotFoundError, ValidationError
from data.jira.errors import JiraNoAnswer, JiraResponseError
from layouts import ids
from layouts.common import error_alert

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])


class _Alert:
    """Where ``alert_on_error`` puts the alert among a callback's outputs."""

    def __repr__(self) -> str:
        return "ALERT"


ALERT = _Alert()


def alert_on_error(*outputs: Any) -> Callable[[F], F]:
    """Make a callback (or the adapter it calls) return its error's one-sentence alert instead
    of raising a ``FlowcastError``: it then returns ``outputs``, with ``ALERT`` where the alert
    goes (no ``outputs``: the alert alone). Any other exception still reaches the app-wide
    ``on_error`` (``on_unexpected_error``)."""
    shape = outputs or (ALERT,)
    if sum(value is ALERT for value in shape) != 1:
        raise ValueError("alert_on_error needs ALERT exactly once among its outputs")

    def decorate(func: F) -> F:
        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                return func(*args, **kwargs)
            except FlowcastError as exc:
                values = tuple(alert_for(exc) if value is ALERT else value for value in shape)
                return values if len(values) > 1 else values[0]

        return wrapper  # type: ignore[return-value]

    return decorate


def alert_title(exc: FlowcastError) -> str:
    """What the alert's bold start says: who is speaking, and only "JIRA said" when it did."""
    if isinstance(exc, JiraNoAnswer):
        return "No answer from JIRA"
    if isinstance(exc, JiraResponseError):
        return "Unreadable answer from JIRA"
    if isinstance(exc, JiraError):
        return "JIRA said"
    if isinstance(exc, NotFoundError):
        return "Not found"
    if isinstance(exc, ValidationError):
        return "Please check"
    return "Could not finish"


def alert_for(exc: FlowcastError):
    """The alert for a data-layer error; its message is already the user-facing sentence."""
    return error_alert(str(exc), alert_title(exc))


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

"""Which callbacks change things, and so need more than a viewer's role on a team server.

``@requires(action)`` marks a callback (innermost, right above ``def``); ``actions_by_output(app)``
reads the marks back from the registered callbacks, keyed by the output string Dash's
``/_dash-update-component`` request names, so the team server's guard (server/permissions.py)
refuses the request before the callback runs — background jobs included, whose work happens in
another process. Locally (no sign-in) the marks change nothing. The actions are
data/team/accounts.ACTIONS.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from dash import Dash

F = TypeVar("F", bound=Callable[..., Any])
ATTRIBUTE = "flowcast_action"


def requires(action: str) -> Callable[[F], F]:
    def mark(func: F) -> F:
        setattr(func, ATTRIBUTE, action)
        return func

    return mark


def actions_by_output(app: Dash) -> dict[str, str]:
    """{callback output string: action} of every marked callback of ``app``."""
    found = {}
    for output, spec in app.callback_map.items():
        action = getattr(spec.get("callback"), ATTRIBUTE, None)
        if action is not None:
            found[output] = action
    return found

"""The role a request needs on a team server: a callback marked with callbacks.roles.requires."""

from __future__ import annotations

import flask

ACTIONS_KEY = "FLOWCAST_ACTIONS"
DASH_CALLBACK_PATH = "/_dash-update-component"


def required_action(request: flask.Request) -> str | None:
    """The action (data/team/accounts.ACTIONS) the request performs, or None for a read."""
    if request.method != "POST" or not request.path.endswith(DASH_CALLBACK_PATH):
        return None
    body = request.get_json(silent=True) or {}
    output = body.get("output") if isinstance(body, dict) else None
    return (
        flask.current_app.config.get(ACTIONS_KEY, {}).get(output)
        if isinstance(output, str)
        else None
    )

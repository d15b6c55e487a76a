"""Which callbacks change things, and so need more than a viewer's role on a team server.

``@requires(action)`` marks a callback (innermost, right above ``def``); ``actions_by_output(app)``
reads the marks back from the registered callbacks, keyed by the output string Dash's
``/_dash-update-component`` request names, so the team server's guard (server/permissions.py)
refuses the request before the callback runs — background jobs included, whose work happens in
another process. Locally (no sign-in) the marks change nothing. The actions are
data/team/accounts.ACTIONS.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, TypeVar

import flask
from dash import Dash
from dash.development.base_component import Component

from data.acting import acting_role, acting_user
from data.team.accounts import refusal, role_may

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


def controls_by_action(app: Dash) -> dict[str, str]:
    """{component id: action} of every control that triggers a marked callback (its Inputs:
    the buttons and switches that start a fetch, a sign-off, a save…)."""
    found = {}
    for spec in app.callback_map.values():
        action = getattr(spec.get("callback"), ATTRIBUTE, None)
        if action is None:
            continue
        for trigger in spec["inputs"]:
            if isinstance(trigger["id"], str):
                found[trigger["id"]] = action
    return found


# Where a team server's Flask config keeps ``controls_by_action`` (app.create_app sets it).
CONTROLS_KEY = "FLOWCAST_CONTROLS"


def lock_controls(tree: Any) -> Any:
    """``tree`` with each control the signed-in user's role may not use disabled, its tooltip
    saying why (the server refuses the request anyway: this spares a click that cannot work).
    Locally (no sign-in) the tree is returned as it is.

    ``tree`` itself is never changed: a page kept for later (one per data, shared by every user
    and role) gets copies of the locked controls and of the components above them, the rest of
    it shared."""
    role = acting_role()
    controls = flask.current_app.config.get(CONTROLS_KEY) if flask.has_app_context() else None
    if not controls or role is None:
        return tree
    locked = {
        cid: refusal(acting_user() or "You", role, action)
        for cid, action in controls.items()
        if not role_may(role, action)
    }
    return _locked(tree, locked) if locked else tree


def _locked(node: Any, locked: dict[str, str]) -> Any:
    """``node`` with the controls in ``locked`` disabled (Dash's own walk: through ``children``);
    ``node`` itself when none is in it."""
    if isinstance(node, (list, tuple)):
        items = [_locked(item, locked) for item in node]
        return node if all(a is b for a, b in zip(items, node, strict=True)) else type(node)(items)
    if not isinstance(node, Component):
        return node
    children = getattr(node, "children", None)
    new_children = _locked(children, locked)
    cid = getattr(node, "id", None)
    reason = locked.get(cid) if isinstance(cid, str) else None
    lock = reason is not None and "disabled" in node._prop_names
    if new_children is children and not lock:
        return node
    node = copy.copy(node)
    if new_children is not children:
        node.children = new_children
    if lock:
        node.disabled = True
        if "title" in node._prop_names:
            node.title = reason
    return node

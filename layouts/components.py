"""Dash's ``html`` and ``dcc`` and dash-bootstrap-components for the layout modules, imported on
first use: the standalone report (``flowcast report --html``) builds its figures and texts with
the pages' own modules but never a component, so its process does not import Dash (≈0.3 s of a
2 s goal, issue 13 §4). The app imports Dash first thing; there nothing changes."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING, Any


class _OnFirstUse:
    """A module that is imported when one of its names is first read."""

    def __init__(self, name: str) -> None:
        self._name = name

    def __getattr__(self, attr: str) -> Any:
        module: ModuleType = importlib.import_module(self._name)
        return getattr(module, attr)


if TYPE_CHECKING:
    import dash_bootstrap_components as dbc
    from dash import dcc, html
else:
    dbc = _OnFirstUse("dash_bootstrap_components")
    dcc = _OnFirstUse("dash.dcc")
    html = _OnFirstUse("dash.html")


def is_component(value: Any) -> bool:
    """A Dash component (what a table cell holds besides text)."""
    from dash.development.base_component import Component

    return isinstance(value, Component)

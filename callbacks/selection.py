"""The prompt a page shows instead of its content when the header has no profile and query."""

from __future__ import annotations

import dash_bootstrap_components as dbc

from data import profile_manager
from data.errors import FlowcastError
from layouts.common import no_selection


def missing_selection(profile_id: str | None) -> dbc.Alert:
    """The generic prompt, or, for a selected profile without queries, one that says so."""
    if not profile_id:
        return no_selection()
    try:
        if profile_manager.list_queries(profile_id):
            return no_selection()
        return no_selection(profile_manager.get_profile(profile_id)["name"])
    except FlowcastError:
        return no_selection()

"""The prompt a page shows instead of its content when the header has no profile and query."""

from __future__ import annotations

import dash_bootstrap_components as dbc

from data.errors import FlowcastError
from data.profiles import manager as profile_manager
from layouts.common import no_selection


def profile_without_queries(profile_id: str | None) -> str | None:
    """The name of the selected profile when it has no queries yet, else None."""
    if not profile_id:
        return None
    try:
        if profile_manager.list_queries(profile_id):
            return None
        return profile_manager.get_profile(profile_id)["name"]
    except FlowcastError:
        return None


def missing_selection(profile_id: str | None) -> dbc.Alert:
    """The generic prompt, or, for a selected profile without queries, one that says so."""
    return no_selection(profile_without_queries(profile_id))

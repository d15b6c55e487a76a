"""The prompt a page shows instead of its content when the header has no profile and query, and
the names a page's downloads take from the selection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import date

import dash_bootstrap_components as dbc

from data.errors import FlowcastError
from data.profiles import manager as profile_manager
from layouts.common import no_selection
from layouts.exports import export_names


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


@contextmanager
def named_downloads(profile_id: str | None, query_id: str | None) -> Iterator[None]:
    """Chart PNGs and table CSVs built inside are named after this profile, query and today
    (``layouts.exports``); with no such query, the generic names."""
    try:
        names = (
            (profile_manager.get_profile(profile_id)["name"],
             profile_manager.get_query(profile_id, query_id)["name"])
            if profile_id and query_id else None
        )  # fmt: skip
    except FlowcastError:
        names = None
    with export_names(*names, date.today()) if names else nullcontext():
        yield


def missing_selection(profile_id: str | None) -> dbc.Alert:
    """The generic prompt, or, for a selected profile without queries, one that says so."""
    return no_selection(profile_without_queries(profile_id))

"""The prompt a page shows instead of its content when the header has no profile and query, and
the names a page's downloads take from the selection."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from datetime import datetime

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
def named_downloads(
    profile_id: str | None, query_id: str | None, now: datetime | None = None
) -> Iterator[None]:
    """Chart PNGs and table CSVs built inside are named after this profile, query and today
    (at ``now``) in the profile's metrics time zone (``layouts.exports``); with no such query,
    the generic names (still the profile's day); with no profile, this machine's date."""
    profile = query = None
    try:
        if profile_id:
            profile = profile_manager.get_profile(profile_id)
            if query_id:
                query = profile_manager.get_query(profile_id, query_id)
    except FlowcastError:
        pass
    names = (
        export_names(profile["name"], query["name"] if query else None,
                     profile_manager.metrics_today(profile, now))
        if profile else nullcontext()
    )  # fmt: skip
    with names:
        yield


def missing_selection(profile_id: str | None) -> dbc.Alert:
    """The generic prompt, or, for a selected profile without queries, one that says so."""
    return no_selection(profile_without_queries(profile_id))

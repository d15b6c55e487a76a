"""Sprints page adapter: the query's board's sprints (data.analytics.sprints) → the page; the
sprint picker and the Items / Points switch redraw the sprint's part of it."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from callbacks.errors import alert_on_error
from callbacks.selection import missing_selection, named_downloads
from callbacks.sync_status import not_fetched_notice
from data.analytics.sprints import sprints_page
from layouts import ids
from layouts.sprints import no_sprints, sprint_content, sprints_layout


def render(profile_id: str | None, query_id: str | None) -> Any:
    if not profile_id or not query_id:
        return missing_selection(profile_id)
    page = sprints_page(profile_id, query_id)
    if page.summary is None:
        # Only the sentence that says why: no board (Settings) or not fetched (Fetch), so the
        # general "not fetched yet" note would blur the first case and repeat the second.
        return no_sprints(page.notice)
    notes = [n for n in [not_fetched_notice(profile_id, query_id)] if n is not None]
    return sprints_layout(page.summary, page.weekly, "items", notes)


@alert_on_error()
def show_sprint(selection: dict[str, Any] | None, sprint_id: Any, unit: str | None) -> Any:
    """The chosen sprint's content in ``unit``."""
    profile_id, query_id = (selection or {}).get("profile"), (selection or {}).get("query")
    if not profile_id or not query_id or sprint_id is None:
        return no_update
    page = sprints_page(profile_id, query_id, int(sprint_id))
    if page.summary is None:
        return no_sprints(page.notice)
    with named_downloads(profile_id, query_id):  # the tables' CSVs, as when the page is drawn
        return sprint_content(page.summary, page.weekly, unit if unit in page.weekly else "items")


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.SPRINTS_CONTENT, "children"),
        Input(ids.SPRINTS_PICKER, "value"),
        Input(ids.SPRINTS_UNIT, "value"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def _sprint(sprint_id, unit, selection):
        return show_sprint(selection, sprint_id, unit)

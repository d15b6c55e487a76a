"""Forecast page adapter: one metrics context → the forecast section → the page, drawn in the
unit of the Items / Points switch (kept in the shell's browser-local store; the context is cached
per process, so a unit switch reloads nothing)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State

from callbacks.plan_baseline import baseline_series
from callbacks.selection import missing_selection
from callbacks.sync_status import not_fetched_notice
from data.analytics import report
from layouts import ids
from layouts.forecast import forecast_layout


def shown_unit(wanted: str | None, has_points: bool) -> str:
    """Points when asked for and the profile has a points field; items otherwise."""
    return "points" if wanted == "points" and has_points else "items"


def render(profile_id: str | None, query_id: str | None, unit: str | None = None) -> Any:
    """The page in ``unit`` (the browser's stored choice); in items without a points field."""
    if not profile_id or not query_id:
        return missing_selection(profile_id)
    ctx = report.load_context(profile_id, query_id)
    section = report.forecast_section(ctx)
    has_points = bool(ctx.mappings.points_field)
    shown = shown_unit(unit, has_points)
    if shown == "points":
        forecasts = (section.pert_points, section.pert_items, section.monte_carlo_points)
    else:
        forecasts = (section.pert_items, section.pert_points, section.monte_carlo_items)
    notes = [n for n in [not_fetched_notice(profile_id, query_id)] if n is not None]
    return forecast_layout(
        shown,
        has_points,
        ctx.weekly,
        section.burndown,
        forecasts,
        ctx.today,
        baseline_series(profile_id, query_id),
        notes,
    )


def register(app: Dash) -> None:
    # A click on the switch stores the unit in this browser; the shell's page callback listens
    # to the store and re-renders the page in it. Dash also calls this when a page render inserts
    # the switch (the store lives in the shell): the switch then holds the unit the page is drawn
    # in, which is not stored, so a page that fell back to items (no points field) keeps the
    # browser's choice of points for the next profile.
    app.clientside_callback(
        """function(unit, shown) {
            return unit === shown ? window.dash_clientside.no_update : unit;
        }""",
        Output(ids.FORECAST_UNIT_STORE, "data"),
        Input(ids.FORECAST_UNIT, "value"),
        State(ids.FORECAST_UNIT_SHOWN, "data"),
        prevent_initial_call=True,
    )

"""Forecast page adapter: one metrics context → the forecast section → the page, drawn in the
unit of the Items / Points switch (kept in the shell's browser-local store; the context is cached
per process, so a unit switch reloads nothing), with the Monte Carlo scope model the profile
chose (the page's Fixed / Growing switch saves it), and the "how many by" date picker."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Dash, Input, Output, State, no_update

from callbacks.plan_baseline import baseline_series
from callbacks.roles import requires
from callbacks.selection import missing_selection
from callbacks.sync_status import not_fetched_notice
from data.analytics import report, sprints
from data.analytics.report import frozen
from data.metrics.epics import DEFAULT_SUBTASK_COUNTING
from data.profiles import manager as profile_manager
from layouts import ids
from layouts.epics import epics_view
from layouts.exports import current_names
from layouts.forecast import forecast_layout, how_many_figure


def shown_unit(wanted: str | None, has_points: bool) -> str:
    """Points when asked for and the profile has a points field; items otherwise."""
    return "points" if wanted == "points" and has_points else "items"


def render(profile_id: str | None, query_id: str | None, unit: str | None = None) -> Any:
    """The page in ``unit`` (the browser's stored choice); in items without a points field.
    Drawn once per context and what else it shows (the notice, the plan baseline, the epics,
    the download names), then kept with the context (``report.kept``)."""
    if not profile_id or not query_id:
        return missing_selection(profile_id)
    ctx = report.load_context(profile_id, query_id)
    notes = [n for n in [not_fetched_notice(profile_id, query_id)] if n is not None]
    baseline = baseline_series(profile_id, query_id)
    epics = sprints.epics_section(ctx)
    key = ("forecast page", unit, bool(notes), frozen(baseline), frozen(epics), current_names())
    return report.kept(ctx, key, lambda: _page(ctx, unit, notes, baseline, epics))


def _page(
    ctx: report.MetricsContext,
    unit: str | None,
    notes: list[Any],
    baseline: dict[str, Any] | None,
    epics: dict[str, Any],
) -> Any:
    section = report.forecast_section(ctx)
    has_points = bool(ctx.mappings.points_field)
    shown = shown_unit(unit, has_points)
    if shown == "points":
        forecasts = (section.pert_points, section.pert_items, section.when("points"))
    else:
        forecasts = (section.pert_items, section.pert_points, section.when("items"))
    return forecast_layout(
        shown,
        has_points,
        ctx.weekly,
        section.burndown,
        forecasts,
        ctx.today,
        baseline,
        notes,
        scope=section.scope_model,
        view=section.view,
        how_many=section.how_many if shown == "items" else report.how_many_section(ctx, unit=shown),
        health=report.health_section(ctx),
        epics=epics_view(epics),
        deadline_note=ctx.mappings.deadline_note,
    )


def choose_scope(selection: dict[str, Any] | None, scope: str | None, version: int | None) -> Any:
    """Save the scope model chosen on the page with the profile; the new data version re-renders
    the page with it. Nothing happens when it is the saved one (Dash also calls this when a page
    render inserts the switch)."""
    profile_id = (selection or {}).get("profile")
    if not profile_id or not scope:
        return no_update
    settings = profile_manager.get_profile(profile_id).get("forecast_settings") or {}
    if (settings.get("monte_carlo_scope") or "fixed") == scope:
        return no_update
    profile_manager.update_mappings(profile_id, {"forecast_settings": {"monte_carlo_scope": scope}})
    return (version or 0) + 1


def count_subtasks(
    selection: dict[str, Any] | None, counting: str | None, version: int | None
) -> Any:
    """Save how sub-tasks count with the profile (every metric of its queries follows it, not
    only the Epics view); the new data version re-renders the page with it. Nothing happens when
    it is the saved one (Dash also calls this when a page render inserts the switch)."""
    profile_id = (selection or {}).get("profile")
    if not profile_id or not counting:
        return no_update
    settings = profile_manager.get_profile(profile_id).get("forecast_settings") or {}
    if (settings.get("subtask_counting") or DEFAULT_SUBTASK_COUNTING) == counting:
        return no_update
    sprints.set_subtask_counting(profile_id, counting)
    return (version or 0) + 1


def how_many_for(selection: dict[str, Any] | None, target: str | None, unit: str | None) -> Any:
    """The "how many by" chart for the date picked (in the unit the page is drawn in)."""
    profile_id, query_id = (selection or {}).get("profile"), (selection or {}).get("query")
    if not profile_id or not query_id or not target:
        return no_update
    ctx = report.load_context(profile_id, query_id)
    return how_many_figure(
        report.how_many_section(ctx, date.fromisoformat(target[:10]), unit or "items")
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

    @app.callback(
        Output(ids.DATA_VERSION, "data", allow_duplicate=True),
        Input(ids.FORECAST_SCOPE_MODEL, "value"),
        State(ids.SELECTION, "data"),
        State(ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    @requires("plan")  # the forecast settings are saved with the profile
    def _scope(scope, selection, version):
        # A refused save reaches the page through the app's on_error (an alert).
        return choose_scope(selection, scope, version)

    @app.callback(
        Output(ids.DATA_VERSION, "data", allow_duplicate=True),
        Input(ids.FORECAST_EPICS_COUNTING, "value"),
        State(ids.SELECTION, "data"),
        State(ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    @requires("plan")
    def _epics(counting, selection, version):
        # A refused save reaches the page through the app's on_error (an alert).
        return count_subtasks(selection, counting, version)

    @app.callback(
        Output(ids.FORECAST_HOW_MANY, "figure"),
        Input(ids.FORECAST_HOW_MANY_DATE, "date"),
        State(ids.SELECTION, "data"),
        State(ids.FORECAST_UNIT_SHOWN, "data"),
        prevent_initial_call=True,
    )
    def _how_many(target, selection, unit):
        return how_many_for(selection, target, unit)

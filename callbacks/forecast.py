"""Forecast page adapter: the page frame per selection, then every card and chart in the unit of
the Items / Points switch (one metrics context, cached per process, so a switch reloads nothing)."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.errors import alert_for
from callbacks.plan_baseline import baseline_series
from callbacks.sync_status import not_fetched_notice
from data.errors import FlowcastError
from data.metrics import report
from layouts import ids
from layouts.common import no_selection
from layouts.forecast import UNITS, forecast_layout, headline_cards, unit_figures, unit_note


def render(profile_id: str | None, query_id: str | None) -> Any:
    """The page frame; the unit callback draws the cards and charts into it."""
    if not profile_id or not query_id:
        return no_selection()
    metrics = report.load_context(profile_id, query_id)  # fills the cache the unit callback reads
    notes = [n for n in [not_fetched_notice(profile_id, query_id)] if n is not None]
    return forecast_layout(bool(metrics.mappings.points_field), notes)


def wanted_unit(trigger: str | None, chosen: str | None, stored: str | None) -> tuple[str, Any]:
    """The unit asked for and the store update: a click on the switch is remembered in the
    browser; a page (re)load or a store change from another tab takes the stored unit."""
    if trigger == ids.FORECAST_UNIT and chosen in UNITS:
        return chosen, chosen
    return (stored if stored in UNITS else "items"), no_update


def draw(profile_id: str, query_id: str, unit: str) -> tuple[Any, ...]:
    """(unit shown, note, cards, burndown, burnup, throughput, scope) in ``unit``, or in items
    when points are asked for but the profile has no points field."""
    metrics = report.load_context(profile_id, query_id)
    has_points = bool(metrics.mappings.points_field)
    shown = unit if unit == "points" and has_points else "items"
    section = report.forecast_section(metrics)
    if shown == "points":
        pert, other, when = section.pert_points, section.pert_items, section.monte_carlo_points
    else:
        pert, other, when = section.pert_items, section.pert_points, section.monte_carlo_items
    baseline = baseline_series(profile_id, query_id)
    figures = unit_figures(shown, metrics.weekly, section.burndown, when, metrics.today, baseline)
    cards = headline_cards(shown, pert, other, when, section.burndown.deadline)
    return (shown, unit_note(has_points, baseline, shown), cards, *figures)


def switch_unit(
    trigger: str | None, chosen: str | None, stored: str | None, selection: dict | None
) -> tuple[Any, ...]:
    """Outputs of the unit callback: switch value, store, note, cards and the four figures."""
    unit, store = wanted_unit(trigger, chosen, stored)
    selection = selection or {}
    try:
        shown, note, *drawn = draw(selection.get("profile"), selection.get("query"), unit)
    except FlowcastError as exc:
        return (no_update, store, alert_for(exc), *[no_update] * 5)
    return (shown if shown != chosen else no_update, store, note, *drawn)


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.FORECAST_UNIT, "value"),
        Output(ids.FORECAST_UNIT_STORE, "data"),
        Output(ids.FORECAST_UNIT_NOTE, "children"),
        Output(ids.FORECAST_CARDS, "children"),
        Output(ids.FORECAST_BURNDOWN, "figure"),
        Output(ids.FORECAST_BURNUP, "figure"),
        Output(ids.FORECAST_THROUGHPUT, "figure"),
        Output(ids.FORECAST_SCOPE, "figure"),
        Input(ids.FORECAST_UNIT, "value"),
        Input(ids.FORECAST_UNIT_STORE, "data"),
        State(ids.SELECTION, "data"),
    )
    def _unit(chosen, stored, selection):
        return switch_unit(ctx.triggered_id, chosen, stored, selection)

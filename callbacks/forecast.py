"""Forecast page adapter: one metrics context → the forecast section → the page."""

from __future__ import annotations

from typing import Any

from dash import Dash

from callbacks.plan_baseline import baseline_series
from callbacks.sync_status import not_fetched_notice
from data.metrics import report
from layouts.common import no_selection
from layouts.forecast import forecast_layout


def render(profile_id: str | None, query_id: str | None) -> Any:
    if not profile_id or not query_id:
        return no_selection()
    ctx = report.load_context(profile_id, query_id)
    section = report.forecast_section(ctx)
    notes = [n for n in [not_fetched_notice(profile_id, query_id)] if n is not None]
    return forecast_layout(
        ctx.weekly,
        section.burndown,
        section.pert_items,
        section.pert_points,
        section.monte_carlo_items,
        ctx.today,
        baseline_series(profile_id, query_id),
        notes,
    )


def register(app: Dash) -> None:
    """The page has no interactive parts of its own: it re-renders on selection or data changes."""

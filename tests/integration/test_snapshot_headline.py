"""A weekly snapshot's forecast comes from headline_forecast, which skips what snapshots do not store
(issue 16): its values are forecast_section's, for both scope models, week by week."""

from __future__ import annotations

from dataclasses import replace

import pytest

from data.analytics.report import (
    forecast_section,
    headline_forecast,
    jsonable,
    load_context,
)
from data.analytics.snapshots import week_end_instant


@pytest.mark.parametrize("scope", ["fixed", "growing"])
@pytest.mark.parametrize("week", ["2026-W10", "2026-W11", "2026-W12"])
def test_headline_forecast_is_forecast_sections(seeded, scope, week):
    ctx = load_context("team", "q", week_end_instant(week, "UTC").to_pydatetime())
    ctx = replace(ctx, mappings=replace(ctx.mappings, monte_carlo_scope=scope))
    full = forecast_section(ctx)
    lean = headline_forecast(ctx)
    assert lean.window == full.window
    assert (lean.remaining_items, lean.remaining_points) == (
        full.remaining_items,
        full.remaining_points,
    )
    assert jsonable(lean.pert_items) == jsonable(full.pert_items)
    assert lean.scope_model == full.scope_model == scope
    assert lean.when_items.scope == scope
    assert jsonable(lean.when_items) == jsonable(full.when("items"))

"""The approved plan of a query (its baseline), as the line the Forecast burndown overlays."""

from __future__ import annotations

from typing import Any

from data import plans
from data.plans.approved import approved_plan
from layouts.forecast import plan_baseline_line


def query_plan(profile_id: str, query_id: str) -> dict[str, Any] | None:
    """The query's most recently changed plan, or None."""
    found = plans.list_plans(profile_id, query_id)
    return found[0] if found else None


def baseline_series(profile_id: str, query_id: str) -> dict[str, Any] | None:
    """The baseline drawn from its approval (scope target) to its deadline (zero), or None when
    the query has no approved plan with a scope target in items and a deadline. ``remaining`` is
    in items; ``remaining_points`` is None when the target has no points."""
    return plan_baseline_line(approved_plan(profile_id, query_id))

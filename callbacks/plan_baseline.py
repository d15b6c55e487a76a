"""The approved plan of a query (its baseline), as the line the Forecast burndown overlays."""

from __future__ import annotations

from typing import Any

from data import plans


def query_plan(profile_id: str, query_id: str) -> dict[str, Any] | None:
    """The query's most recently changed plan, or None."""
    found = plans.list_plans(profile_id, query_id)
    return found[0] if found else None


def baseline_series(profile_id: str, query_id: str) -> dict[str, Any] | None:
    """The baseline drawn from its approval (scope target) to its deadline (zero), or None when
    the query has no approved plan with a scope target in items and a deadline. ``remaining`` is
    in items; ``remaining_points`` is None when the target has no points."""
    plan = query_plan(profile_id, query_id)
    if plan is None:
        return None
    version = plans.get_baseline(plan["id"])
    if version is None:
        return None
    approved = plans.get_specific_version(plan["id"], version)
    document = approved["data"]
    target = document.get("scope_target") or {}
    items, points = target.get("items"), target.get("points")
    deadline = document.get("deadline")
    start = (approved.get("reviewed_at") or approved["created_at"])[:10]
    if items is None or not deadline:
        return None
    return {
        "name": f"Approved plan v{version}",
        "dates": [start, deadline],
        "remaining": [items, 0],
        "remaining_points": None if points is None else [points, 0],
    }

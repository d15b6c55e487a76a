"""Helpers for the plan tests: a profile with a query, and plan documents."""

from __future__ import annotations

from typing import Any

from data.profiles import manager as pm
from data.store import audit, get_backend


def make_query(profile_name: str = "Demo", query_name: str = "Main") -> tuple[str, str]:
    """Create a profile (with a token, to check it never leaks) and a query; return their ids."""
    profile_id = pm.create_profile(
        profile_name, {"jira_config": {"base_url": "https://acme.example", "token": "s3cr3t-TOKEN"}}
    )
    return profile_id, pm.create_query(profile_id, query_name, "project = DEMO")


def plan_document(**changes: Any) -> dict[str, Any]:
    document: dict[str, Any] = {
        "name": "Release 2.0",
        "type": "release",
        "status": "planned",
        "scope_target": {"items": 40, "points": 120},
        "deadline": "2027-01-29",
        "milestone": "2026-12-18",
        "forecast_settings": {"pert_factor": 3, "data_points_count": 12},
        "scope_items": [
            {"key": "DEMO-1", "title": "Checkout", "decision": "approved"},
            {"key": "DEMO-2", "title": "Search", "decision": "rejected"},
            {"key": "DEMO-3", "title": "Exports", "decision": "pending"},
        ],
    }
    document.update(changes)
    return document


def audit_entries(entity_type: str, entity_id: str) -> list[dict[str, Any]]:
    """Audit entries of one entity, newest first."""
    with get_backend().session() as conn:
        return audit.list_entries(conn, entity_type, entity_id)

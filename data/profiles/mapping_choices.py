"""What the Settings page offers in its mapping dropdowns before anyone asks JIRA: the statuses,
issue types and priorities of a profile's fetched data (and JIRA's status list a full sync stores),
plus every name the profile's mappings already use, so a saved choice always stays selectable.

``discover_mappings`` (callbacks/settings_mappings.py) adds JIRA's own lists with ``merge_choices``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from data.store import get_backend
from data.store.issues import fetched_names


def _sorted(names: Iterable[Any]) -> list[str]:
    return sorted({str(n) for n in names if n}, key=str.casefold)


def stored_choices(profile: Mapping[str, Any]) -> dict[str, Any]:
    """``{"statuses": [...], "categories": {status: category}, "issue_types": [...],
    "priorities": [...]}`` from the profile's fetched data and its saved mappings."""
    with get_backend().session() as conn:
        seen = fetched_names(conn, profile["id"])
    status_rows = seen.statuses
    types, priorities = seen.issue_types, seen.priorities
    categories: dict[str, str] = {}
    for name, category in status_rows:
        if name and category:
            categories.setdefault(name, category)
    return merge_choices(
        {
            "statuses": [row[0] for row in status_rows],
            "categories": categories,
            "issue_types": types,
            "priorities": _sorted(priorities),
        },
        saved_names(profile),
    )


def saved_names(profile: Mapping[str, Any]) -> dict[str, list[str]]:
    """The statuses, issue types and priorities a profile's mappings name."""
    fm = profile.get("field_mappings") or {}
    dora = fm.get("dora") or {}
    stages = fm.get("workflow_stages") or []
    return {
        "statuses": [
            *(fm.get("status_to_flow_state") or {}),
            *(s for stage in stages for s in stage.get("statuses") or []),
        ],
        "issue_types": [
            *(profile.get("flow_type_mappings") or {}),
            *(dora.get("deployment_issue_types") or []),
            *(dora.get("incident_issue_types") or []),
        ],
        "priorities": list(dora.get("incident_priorities") or []),
    }


def merge_choices(*parts: Mapping[str, Any]) -> dict[str, Any]:
    """The union of several choice dicts (names sorted; the first category given wins).
    Priorities keep the order they first appear in (JIRA lists them highest first)."""
    categories: dict[str, str] = {}
    for part in parts:
        for name, category in (part.get("categories") or {}).items():
            categories.setdefault(name, category)
    return {
        "statuses": _sorted(n for p in parts for n in p.get("statuses") or []),
        "categories": categories,
        "issue_types": _sorted(n for p in parts for n in p.get("issue_types") or []),
        "priorities": list(dict.fromkeys(n for p in parts for n in p.get("priorities") or [] if n)),
    }

"""Hand-built issue histories for the metrics tests (plain dicts in, ``QueryFrames`` out)."""

from __future__ import annotations

from typing import Any

from data.metrics.frames import QueryFrames, frames_from_records

# The JIRA status categories of the statuses the tests use (what issues' current status carries).
CATEGORIES = {
    "To Do": "new",
    "In Progress": "indeterminate",
    "Review": "indeterminate",
    "Done": "done",
    "Closed": "done",
}


def issue(
    key: str,
    created: str,
    history: list[tuple[str, str]] | None = None,
    *,
    type: str = "Story",
    initial: str = "To Do",
    points: float | None = None,
    resolved: str | None = None,
    priority: str | None = None,
    versions: list[tuple[str, bool, str | None]] | None = None,
) -> dict[str, Any]:
    """One issue: created in ``initial``, then each (time, status) of ``history`` in order."""
    return {
        "key": key,
        "created": created,
        "history": history or [],
        "type": type,
        "initial": initial,
        "points": points,
        "resolved": resolved,
        "priority": priority,
        "versions": versions or [],
    }


def build_frames(
    issues: list[dict[str, Any]], as_of: str, *, no_changelog: set[str] = frozenset()
) -> QueryFrames:
    issue_rows, transition_rows, version_rows = [], [], []
    for row, spec in enumerate(issues):
        status = spec["history"][-1][1] if spec["history"] else spec["initial"]
        issue_rows.append(
            (
                spec["key"],
                spec["type"],
                status,
                CATEGORIES.get(status, ""),
                spec["priority"],
                spec["created"],
                spec["resolved"],
                spec["points"],
                spec["initial"] if spec["key"] not in no_changelog else status,
                len(spec["history"]),
            )
        )
        if spec["key"] not in no_changelog:
            for at, to_status in spec["history"]:
                transition_rows.append((row, at, to_status))
        for name, released, release_date in spec["versions"]:
            version_rows.append((row, name, released, release_date))
    return frames_from_records(issue_rows, transition_rows, version_rows, as_of)

"""Hand-built issue histories for the metrics tests (plain dicts in, ``QueryFrames`` out)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pandas as pd

from data.metrics.frames import (
    ISSUE_COLUMNS,
    QueryFrames,
    encode_statuses,
    restrict_to,
    utc_timestamp,
)

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
    issues: list[dict[str, Any]],
    as_of: str,
    *,
    no_changelog: set[str] = frozenset(),
    flags: list[tuple[str, str, str]] = (),  # type: ignore[assignment]
) -> QueryFrames:
    """``flags``: (key, time, Flagged value after the change; "" = cleared), in time order."""
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
    rows = {spec["key"]: row for row, spec in enumerate(issues)}
    flag_rows = [(rows[key], at, value) for key, at, value in flags]
    return frames_from_records(issue_rows, transition_rows, version_rows, as_of, flags=flag_rows)


def frames_from_records(
    issues: list[tuple],
    transitions: list[tuple],
    versions: list[tuple],
    as_of: pd.Timestamp | datetime | str,
    status_categories: Mapping[str, str] | None = None,
    flags: list[tuple] = (),  # type: ignore[assignment]
) -> QueryFrames:
    """Build frames from plain rows written by hand.

    issues: (key, issue_type, status, status_category, priority, created, resolved, points,
    initial_status, changelog_total) with times as epoch ms or ISO text;
    transitions: (issue_row, at, to_status) in time order per issue;
    versions: (issue_row, name, released, release_date);
    flags: (issue_row, at, value) in time order per issue ("" = cleared);
    status_categories: status name → JIRA category key (as the ``jira_statuses`` table holds).
    """
    issue_frame = pd.DataFrame.from_records(issues, columns=list(ISSUE_COLUMNS))
    for column in ("key", "issue_type", "status", "status_category", "initial_status"):
        issue_frame[column] = issue_frame[column].astype(object).fillna("").astype(str)
    issue_frame["priority"] = (
        issue_frame["priority"].astype(object).where(issue_frame["priority"].notna(), None)
    )
    issue_frame["created"] = to_utc_times(issue_frame["created"])
    issue_frame["resolved"] = to_utc_times(issue_frame["resolved"])
    issue_frame["points"] = pd.to_numeric(issue_frame["points"], errors="coerce").astype("float64")
    issue_frame["changelog_total"] = (
        pd.to_numeric(issue_frame["changelog_total"], errors="coerce").fillna(0).astype("int64")
    )
    transition_frame = pd.DataFrame.from_records(transitions, columns=["issue", "at", "to_status"])
    transition_frame["issue"] = transition_frame["issue"].astype("int64")
    transition_frame["at"] = to_utc_times(transition_frame["at"])
    transition_frame["to_status"] = transition_frame["to_status"].astype(object).astype(str)
    version_frame = pd.DataFrame.from_records(
        versions, columns=["issue", "name", "released", "release_date"]
    )
    version_frame["issue"] = version_frame["issue"].astype("int64")
    version_frame["name"] = version_frame["name"].astype(object).astype(str)
    version_frame["released"] = version_frame["released"].astype(bool)
    version_frame["release_date"] = pd.to_datetime(
        version_frame["release_date"], errors="coerce"
    ).astype("datetime64[ms]")
    flag_frame = pd.DataFrame.from_records(list(flags), columns=["issue", "at", "value"])
    flag_frame["issue"] = flag_frame["issue"].astype("int64")
    flag_frame["at"] = to_utc_times(flag_frame["at"])
    flag_frame["value"] = flag_frame["value"].astype(object)
    encode_statuses(issue_frame, transition_frame)
    stamp = utc_timestamp(as_of)
    # Like load_query_frames: only what was known at as_of.
    frames = QueryFrames(
        issue_frame,
        transition_frame,
        version_frame,
        stamp,
        dict(status_categories or {}),
        flag_frame,
    )
    return restrict_to(frames, stamp)


def to_utc_times(values: pd.Series) -> pd.Series:
    """Epoch milliseconds or ISO text → ``datetime64[ms, UTC]`` (missing → NaT)."""
    if len(values) and pd.api.types.is_numeric_dtype(values):
        return pd.to_datetime(values, unit="ms", utc=True).astype("datetime64[ms, UTC]")
    if len(values) and values.map(lambda v: isinstance(v, int | float), na_action="ignore").any():
        return pd.to_datetime(pd.to_numeric(values, errors="coerce"), unit="ms", utc=True).astype(
            "datetime64[ms, UTC]"
        )
    return pd.to_datetime(values, utc=True, format="ISO8601").astype("datetime64[ms, UTC]")

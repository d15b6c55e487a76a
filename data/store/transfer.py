"""SQL of profile export and import and of the legacy-layout export: a profile's issue store
read whole, an imported profile written whole, and the raw rows the legacy files hold (every
cached changelog, expired or not; the app state; the task names). The file formats and their
checks live in ``data.ops.transfer``.

Functions run on the caller's connection; the import's write belongs inside the caller's
``write_transaction``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from data.db.sqlite import Connection
from data.store import bulk
from data.store.issues import pack_transitions

# The columns of an exported issue, in the order of an imported issue row.
ISSUE_COLUMNS = (
    "issue_key",
    "issue_id",
    "project_key",
    "issue_type",
    "summary",
    "status",
    "status_category",
    "priority",
    "created",
    "updated",
    "resolved",
    "points",
    "fields",
    "changelog_total",
    "fetched_at",
)


def profile_issues(conn: Connection, profile_id: str) -> list[dict[str, Any]]:
    """The profile's issues by key, each as ``{column: value}`` with ``fields`` decoded."""
    issues = []
    for row in conn.execute(
        f"SELECT {', '.join(c if c != 'fields' else 'json(fields)' for c in ISSUE_COLUMNS)} "  # noqa: S608 — fixed column names
        "FROM issues WHERE profile_id = ? ORDER BY issue_key",
        (profile_id,),
    ):
        issue = dict(zip(ISSUE_COLUMNS, tuple(row), strict=True))
        issue["fields"] = json.loads(issue["fields"])
        issues.append(issue)
    return issues


def profile_transitions(conn: Connection, profile_id: str) -> dict[str, list[list[Any]]]:
    """Per issue key, its transitions in order as ``[changed_at, from, to, history_id]``."""
    transitions: dict[str, list[list[Any]]] = {}
    for row in conn.execute(
        "SELECT issue_key, changed_at, from_status, to_status, history_id FROM issue_transitions "
        "WHERE profile_id = ? ORDER BY issue_key, seq",
        (profile_id,),
    ):
        transitions.setdefault(row[0], []).append(list(row)[1:])
    return transitions


def profile_members(conn: Connection, profile_id: str) -> list[tuple[str, str]]:
    """``(query_id, issue_key)`` of every query membership, by query and key."""
    return [
        (r[0], r[1])
        for r in conn.execute(
            "SELECT query_id, issue_key FROM query_issues WHERE profile_id = ? "
            "ORDER BY query_id, issue_key",
            (profile_id,),
        )
    ]


def insert_profile(
    conn: Connection,
    profile: dict[str, Any],
    queries: Sequence[dict[str, Any]],
    statistics: dict[str, dict[str, Any]],
    snapshots: Sequence[tuple[Any, ...]],
    issue_rows: Sequence[tuple[Any, ...]],
    transition_rows: Sequence[tuple[Any, ...]],
    member_rows: Sequence[tuple[str, str]],
    now: str,
) -> None:
    """Write a new profile with everything under it (rows as ``data.ops.transfer`` checks them:
    snapshots ``(query_id, week, type, metrics JSON, forecast JSON, created_at)``, issues in
    ``ISSUE_COLUMNS`` order, transitions ``(key, seq, changed_at, from, to, history_id)``)."""
    profile_id = profile["id"]
    bulk.insert_profiles(conn, [profile])
    bulk.insert_queries(conn, [(profile_id, q) for q in queries])
    bulk.insert_project_data(conn, [(profile_id, q, d) for q, d in statistics.items()], now)
    bulk.insert_snapshots(conn, [(profile_id, *s) for s in snapshots])
    conn.executemany(
        f"INSERT INTO issues (profile_id, {', '.join(ISSUE_COLUMNS)}) VALUES (?, "  # noqa: S608 — fixed column names
        f"{', '.join('jsonb(?)' if c == 'fields' else '?' for c in ISSUE_COLUMNS)})",
        [(profile_id, *row) for row in issue_rows],
    )
    conn.executemany(
        "INSERT INTO issue_transitions (profile_id, issue_key, seq, changed_at, from_status, "
        "to_status, history_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(profile_id, *row) for row in transition_rows],
    )
    pack_transitions(conn, profile_id)
    conn.executemany(
        "INSERT INTO query_issues (profile_id, query_id, issue_key, added_at) VALUES (?, ?, ?, ?)",
        [(profile_id, q, key, now) for q, key in member_rows],
    )


def newest_jira_response(
    conn: Connection, profile_id: str, query_id: str
) -> tuple[str, dict[str, Any], str] | None:
    """The query's newest cached JIRA response, expired or not: ``(key, response, expires_at)``."""
    row = conn.execute(
        "SELECT cache_key, response, expires_at FROM jira_cache WHERE profile_id = ? "
        "AND query_id = ? ORDER BY created_at DESC, id DESC LIMIT 1",
        (profile_id, query_id),
    ).fetchone()
    return None if row is None else (row[0], json.loads(row[1]), row[2])


def all_changelogs(
    conn: Connection, profile_id: str, query_id: str
) -> dict[str, tuple[dict[str, Any], datetime | str]]:
    """Every cached changelog of the query, expired or not: ``{key: (changelog, expires_at)}``."""
    return {
        r[0]: (json.loads(r[1]), r[2])
        for r in conn.execute(
            "SELECT issue_key, changelog, expires_at FROM jira_changelog_cache "
            "WHERE profile_id = ? AND query_id = ?",
            (profile_id, query_id),
        )
    }


def app_state_items(conn: Connection) -> list[tuple[str, Any]]:
    """Every app-state ``(key, value)``, by key."""
    return [
        (key, json.loads(value))
        for key, value in conn.execute("SELECT key, value FROM app_state ORDER BY key")
    ]


def task_names(conn: Connection) -> list[str]:
    return [r[0] for r in conn.execute("SELECT task_name FROM task_progress")]

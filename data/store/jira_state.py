"""What a JIRA sync keeps besides the issues: each query's sync state (watermark, mode, counts,
last error), the profile's JIRA status categories, and the seed's cache tables (the query's key
set, each issue's status history).

Functions take the caller's connection; the sync writes all of it in its one transaction.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from data.db.sqlite import Connection


@dataclass(frozen=True)
class SyncOutcome:
    """A successful sync, as its state row records it."""

    deployment: str
    jql_hash: str
    time_zone: str
    watermark: str
    synced_at: str
    full: bool
    mode: str
    issue_count: int
    transition_count: int


def read_sync_state(conn: Connection, profile_id: str, query_id: str) -> dict[str, Any] | None:
    """The stored sync state of a query (last sync, watermark, counts, last error), or None."""
    row = conn.execute(
        "SELECT * FROM jira_sync_state WHERE profile_id = ? AND query_id = ?",
        (profile_id, query_id),
    ).fetchone()
    return None if row is None else dict(row)


def record_sync(conn: Connection, profile_id: str, query_id: str, outcome: SyncOutcome) -> None:
    """Store a successful sync's state (clears the last error; a full sync restamps its time)."""
    conn.execute(
        "INSERT INTO jira_sync_state (profile_id, query_id, deployment, jql_hash, jira_time_zone, "
        "watermark, last_sync_at, last_full_sync_at, last_mode, issue_count, transition_count, "
        "last_error, last_error_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL) "
        "ON CONFLICT (profile_id, query_id) DO UPDATE SET deployment = excluded.deployment, "
        "jql_hash = excluded.jql_hash, jira_time_zone = excluded.jira_time_zone, "
        "watermark = excluded.watermark, last_sync_at = excluded.last_sync_at, "
        "last_full_sync_at = COALESCE(excluded.last_full_sync_at, "
        "jira_sync_state.last_full_sync_at), last_mode = excluded.last_mode, "
        "issue_count = excluded.issue_count, transition_count = excluded.transition_count, "
        "last_error = NULL, last_error_at = NULL",
        (
            profile_id,
            query_id,
            outcome.deployment,
            outcome.jql_hash,
            outcome.time_zone,
            outcome.watermark,
            outcome.synced_at,
            outcome.synced_at if outcome.full else None,
            outcome.mode,
            outcome.issue_count,
            outcome.transition_count,
        ),
    )


def record_sync_error(
    conn: Connection, profile_id: str, query_id: str, message: str, at: str
) -> None:
    """Remember a failed sync's message (nothing else changes; a deleted query records nothing)."""
    conn.execute(
        "INSERT INTO jira_sync_state (profile_id, query_id, last_error, last_error_at) "
        "SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM queries WHERE profile_id = ? AND id = ?) "
        "ON CONFLICT (profile_id, query_id) DO UPDATE SET last_error = excluded.last_error, "
        "last_error_at = excluded.last_error_at",
        (profile_id, query_id, message, at, profile_id, query_id),
    )


def has_statuses(conn: Connection, profile_id: str) -> bool:
    row = conn.execute(
        "SELECT 1 FROM jira_statuses WHERE profile_id = ? LIMIT 1", (profile_id,)
    ).fetchone()
    return row is not None


def replace_statuses(
    conn: Connection, profile_id: str, statuses: Mapping[str, str], fetched_at: str
) -> None:
    """The profile's status categories become exactly ``statuses`` (name → category key)."""
    conn.execute("DELETE FROM jira_statuses WHERE profile_id = ?", (profile_id,))
    conn.executemany(
        "INSERT INTO jira_statuses (profile_id, name, category, fetched_at) VALUES (?, ?, ?, ?)",
        [(profile_id, name, category, fetched_at) for name, category in statuses.items()],
    )


def save_key_set(
    conn: Connection,
    profile_id: str,
    query_id: str,
    key_set: Mapping[str, Any],
    expires_at: str,
    created_at: str,
) -> None:
    """The seed's ``jira_cache`` row of the query's current key set."""
    conn.execute(
        "INSERT INTO jira_cache (profile_id, query_id, cache_key, response, expires_at, created_at) "
        "VALUES (?, ?, 'key_set', ?, ?, ?) ON CONFLICT (profile_id, query_id, cache_key) DO UPDATE "
        "SET response = excluded.response, expires_at = excluded.expires_at, "
        "created_at = excluded.created_at",
        (profile_id, query_id, json.dumps(key_set), expires_at, created_at),
    )


def save_changelogs(
    conn: Connection,
    profile_id: str,
    query_id: str,
    changelogs: Iterable[tuple[str, str]],
    expires_at: str,
    created_at: str,
) -> None:
    """Each issue's status history as JSON text, (issue key, changelog), replacing older ones."""
    conn.executemany(
        "INSERT INTO jira_changelog_cache (profile_id, query_id, issue_key, changelog, expires_at, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id, query_id, issue_key) DO "
        "UPDATE SET changelog = excluded.changelog, expires_at = excluded.expires_at, "
        "created_at = excluded.created_at",
        [(profile_id, query_id, key, text, expires_at, created_at) for key, text in changelogs],
    )


def delete_changelogs(
    conn: Connection, profile_id: str, query_id: str, keys: Iterable[str]
) -> None:
    conn.executemany(
        "DELETE FROM jira_changelog_cache WHERE profile_id = ? AND query_id = ? AND issue_key = ?",
        [(profile_id, query_id, key) for key in keys],
    )

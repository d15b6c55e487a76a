"""SQL of the one-way legacy JSON migration: the profiles already there, the write beyond the
profile rows of ``data.store.bulk`` (rows built and checked by ``data.legacy.migration``) and the
counts read back to compare with the files. Functions run on the caller's connection, the writes inside its ``write_transaction``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from data.db.sqlite import Connection
from data.store.records import dumps


def profile_names(conn: Connection) -> dict[str, str]:
    """``{id: name}`` of every stored profile."""
    return {r[0]: r[1] for r in conn.execute("SELECT id, name FROM profiles")}


def any_profile(conn: Connection) -> bool:
    return conn.execute("SELECT 1 FROM profiles LIMIT 1").fetchone() is not None


def app_state_value(conn: Connection, key: str) -> tuple[bool, Any]:
    """``(found, value)`` of one app-state key."""
    row = conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
    return (False, None) if row is None else (True, json.loads(row[0]))


# Writing -----------------------------------------------------------------------------------------
def delete_profiles(conn: Connection, profile_ids: Iterable[str]) -> None:
    """Delete profiles and, through the foreign keys, everything under them."""
    conn.executemany("DELETE FROM profiles WHERE id = ?", [(p,) for p in profile_ids])


def insert_jira_responses(conn: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Rows ``(profile_id, query_id, cache_key, response JSON, expires_at, created_at)``."""
    conn.executemany(
        "INSERT INTO jira_cache (profile_id, query_id, cache_key, response, expires_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def insert_changelogs(conn: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Rows ``(profile_id, query_id, issue_key, changelog JSON, expires_at, created_at)``."""
    conn.executemany(
        "INSERT INTO jira_changelog_cache (profile_id, query_id, issue_key, changelog, expires_at, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        rows,
    )


def insert_changelog_files(
    conn: Connection,
    files: Sequence[tuple[str, str, str, Mapping[str, str]]],
    created_at: str,
) -> None:
    """Whole changelog cache files as written, ``(profile_id, query_id, file JSON text,
    {issue_key: expires_at})``: SQLite splits each file into one row per issue (json_each), so
    the text is never parsed in Python."""
    if not files:
        return
    # Expiry times go through an indexed temp table: joining two json_each() scans is quadratic.
    conn.execute(
        "CREATE TEMP TABLE legacy_changelog_expiry (issue_key TEXT PRIMARY KEY, "
        "expires_at TEXT NOT NULL) WITHOUT ROWID"
    )
    for profile_id, query_id, text, expiry in files:
        conn.execute("DELETE FROM temp.legacy_changelog_expiry")
        conn.executemany(
            "INSERT INTO temp.legacy_changelog_expiry (issue_key, expires_at) VALUES (?, ?)",
            expiry.items(),
        )
        conn.execute(
            "INSERT INTO jira_changelog_cache (profile_id, query_id, issue_key, changelog, "
            "expires_at, created_at) SELECT ?, ?, e.key, e.value, x.expires_at, ? "
            "FROM json_each(?) e JOIN temp.legacy_changelog_expiry x ON x.issue_key = e.key",
            (profile_id, query_id, created_at, text),
        )
    conn.execute("DROP TABLE temp.legacy_changelog_expiry")


def put_task_records(conn: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Task records as they were, replacing any of the same name: rows ``(task_name, percent,
    status, message, details JSON, cancel_requested, started_at, updated_at)``."""
    conn.executemany(
        "INSERT INTO task_progress (task_name, progress_percent, status, message, details, "
        "cancel_requested, started_at, updated_at) VALUES (?, ?, ?, ?, jsonb(?), ?, ?, ?) "
        "ON CONFLICT (task_name) DO UPDATE SET progress_percent = excluded.progress_percent, "
        "status = excluded.status, message = excluded.message, details = excluded.details, "
        "cancel_requested = excluded.cancel_requested, started_at = excluded.started_at, "
        "updated_at = excluded.updated_at",
        rows,
    )


def put_app_state(conn: Connection, state: Mapping[str, Any], updated_at: str) -> None:
    """Store app-state values as they are (no audit entry: the migration records one)."""
    conn.executemany(
        "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) "
        "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [(k, dumps(v), updated_at) for k, v in state.items()],
    )


# Reading back ------------------------------------------------------------------------------------
def member_keys(conn: Connection, profile_id: str, query_id: str) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT issue_key FROM query_issues WHERE profile_id = ? AND query_id = ?",
            (profile_id, query_id),
        )
    }


def member_transition_count(conn: Connection, profile_id: str, query_id: str) -> int:
    """Stored transitions of the query's member issues."""
    return conn.execute(
        "SELECT COUNT(*) FROM issue_transitions t JOIN query_issues q ON "
        "q.profile_id = t.profile_id AND q.issue_key = t.issue_key "
        "WHERE q.profile_id = ? AND q.query_id = ?",
        (profile_id, query_id),
    ).fetchone()[0]


def snapshot_keys(conn: Connection, profile_id: str, query_id: str) -> list[tuple[str, str]]:
    """``(week, metric_type)`` of every stored snapshot, sorted."""
    return sorted(
        (r[0], r[1])
        for r in conn.execute(
            "SELECT snapshot_date, metric_type FROM metrics_snapshots "
            "WHERE profile_id = ? AND query_id = ?",
            (profile_id, query_id),
        )
    )


def statistics_row_count(conn: Connection, profile_id: str, query_id: str) -> int | None:
    """How many weekly statistics rows the query's project data holds (None: no project data)."""
    row = conn.execute(
        "SELECT json_array_length(data, '$.statistics') FROM project_data "
        "WHERE profile_id = ? AND query_id = ?",
        (profile_id, query_id),
    ).fetchone()
    return None if row is None else row[0]


def jira_response_count(conn: Connection, profile_id: str, query_id: str) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM jira_cache WHERE profile_id = ? AND query_id = ?",
        (profile_id, query_id),
    ).fetchone()[0]


def changelog_count(conn: Connection, profile_id: str, query_id: str) -> int:
    return conn.execute(
        "SELECT COUNT(*) FROM jira_changelog_cache WHERE profile_id = ? AND query_id = ?",
        (profile_id, query_id),
    ).fetchone()[0]

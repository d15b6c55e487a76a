"""The issue store: one row per fetched issue per profile, one per status transition, and which
queries each issue currently belongs to.

Rows arrive as ``NormalizedIssue`` (``data.jira.normalize`` builds them from JIRA's issue JSON, for
the sync and the legacy migration alike). Analytics read these rows, never raw JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import orjson

from data.db.dialect import POSTGRESQL, dialect_of
from data.db.sqlite import Connection
from data.timeutil import utc_now_iso


@dataclass(slots=True)  # a 50,000-issue sync holds one per issue until it writes
class NormalizedIssue:
    key: str
    issue_id: str
    project_key: str
    issue_type: str
    summary: str
    status: str
    status_category: str
    priority: str | None
    created: str
    updated: str | None
    resolved: str | None
    points: float | None
    fields: dict[str, Any]
    changelog_total: int
    # (changed_at, from_status, to_status, history_id), oldest first; None = changelog not fetched.
    transitions: list[tuple[str, str | None, str, str | None]] | None = field(default=None)
    # The Sprint field's history as (changed_at, sprint_id, joined), oldest first; None = not
    # read (no Sprint field on the site, or no changelog); data.store.sprints keeps it.
    sprint_changes: list[tuple[str, int, bool]] | None = field(default=None)
    # The Flagged field's history as (changed_at, value; None = cleared), oldest first; None = not
    # read (no changelog); data.store.flags keeps it.
    flag_changes: list[tuple[str, str | None]] | None = field(default=None)


def store_issues(
    conn: Connection,
    profile_id: str,
    issues: Sequence[NormalizedIssue],
    *,
    fetched_at: str | None = None,
) -> None:
    """Insert or update issues; replace the transitions of those whose changelog came with them.

    Call inside ``write_transaction``.
    """
    stamp = fetched_at or utc_now_iso()
    conn.executemany(
        "INSERT INTO issues (profile_id, issue_key, issue_id, project_key, issue_type, summary, status, "
        "status_category, priority, created, updated, resolved, points, fields, changelog_total, fetched_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, jsonb(?), ?, ?) "
        "ON CONFLICT (profile_id, issue_key) DO UPDATE SET issue_id = excluded.issue_id, "
        "project_key = excluded.project_key, issue_type = excluded.issue_type, summary = excluded.summary, "
        "status = excluded.status, status_category = excluded.status_category, priority = excluded.priority, "
        "created = excluded.created, updated = excluded.updated, resolved = excluded.resolved, "
        "points = excluded.points, fields = excluded.fields, changelog_total = excluded.changelog_total, "
        "fetched_at = excluded.fetched_at",
        (  # rows made as SQLite takes them: a 50,000-issue sync never holds them all
            (
                profile_id,
                i.key,
                i.issue_id,
                i.project_key,
                i.issue_type,
                i.summary,
                i.status,
                i.status_category,
                i.priority,
                i.created,
                i.updated,
                i.resolved,
                i.points,
                _fields_json(i.fields),
                i.changelog_total,
                stamp,
            )
            for i in issues
        ),
    )
    with_changelog = [i for i in issues if i.transitions is not None]
    conn.executemany(
        "DELETE FROM issue_transitions WHERE profile_id = ? AND issue_key = ?",
        [(profile_id, i.key) for i in with_changelog],
    )
    conn.executemany(
        "INSERT INTO issue_transitions (profile_id, issue_key, seq, changed_at, from_status, to_status, "
        "history_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            (profile_id, i.key, seq, *transition)
            for i in with_changelog
            for seq, transition in enumerate(i.transitions or [])
        ),
    )
    pack_transitions(conn, profile_id, [i.key for i in with_changelog])


# An issue's transitions as its row keeps them for the metrics read (migration 0009 says the
# format): times as big-endian int64 epoch milliseconds, target statuses as a JSON array, and the
# creation status; each from the issue's transition rows in seq order.
_OF_ISSUE = (
    "FROM issue_transitions t "
    "WHERE t.profile_id = issues.profile_id AND t.issue_key = issues.issue_key"
)
_PACK_SQL = (
    "UPDATE issues SET transition_times = coalesce((SELECT unhex(group_concat(printf('%016x', "  # noqa: S608 - constant SQL
    "coalesce(CAST(round(unixepoch(t.changed_at, 'subsec') * 1000) AS INTEGER), "
    f"-9223372036854775808)), '' ORDER BY t.seq)) {_OF_ISSUE}), x''), "
    "transition_statuses = coalesce((SELECT json_group_array(t.to_status ORDER BY t.seq) "
    f"{_OF_ISSUE}), '[]'), "
    "initial_status = (SELECT coalesce(t.from_status, t.to_status) "
    f"{_OF_ISSUE} ORDER BY t.seq LIMIT 1) "
)
_POSTGRES_PACK_SQL = (
    "UPDATE issues SET transition_times = coalesce((SELECT string_agg(int8send(coalesce("  # noqa: S608 - constant SQL
    "round(extract(epoch FROM t.changed_at::timestamptz) * 1000)::bigint, "
    f"(-9223372036854775808)::bigint)), ''::bytea ORDER BY t.seq) {_OF_ISSUE}), ''::bytea), "
    "transition_statuses = coalesce((SELECT json_agg(t.to_status ORDER BY t.seq)::text "
    f"{_OF_ISSUE}), '[]'), "
    "initial_status = (SELECT coalesce(t.from_status, t.to_status) "
    f"{_OF_ISSUE} ORDER BY t.seq LIMIT 1) "
)


def pack_transitions(conn: Connection, profile_id: str, keys: Iterable[str] | None = None) -> None:
    """Pack the stored transitions of ``keys`` (default: every issue of the profile) into their
    issue rows, as the metrics read them (``data.store.query_rows.ISSUES_SQL``). Whatever writes
    ``issue_transitions`` calls it in the same transaction."""
    sql = _POSTGRES_PACK_SQL if dialect_of(conn).name == POSTGRESQL else _PACK_SQL
    if keys is None:
        conn.execute(sql + "WHERE profile_id = ?", (profile_id,))
    else:
        conn.executemany(
            sql + "WHERE profile_id = ? AND issue_key = ?", [(profile_id, k) for k in keys]
        )


def _fields_json(fields: dict[str, Any]) -> str:
    """An issue's kept fields as JSON text, by orjson (~5x the stdlib's speed, one per issue of
    a sync); the stdlib for what orjson refuses (lone surrogates). Either text is the same JSONB."""
    try:
        return orjson.dumps(fields).decode()
    except (TypeError, orjson.JSONEncodeError):
        return json.dumps(fields, ensure_ascii=False)


def add_query_members(
    conn: Connection,
    profile_id: str,
    query_id: str,
    keys: Iterable[str],
    *,
    added_at: str | None = None,
) -> None:
    stamp = added_at or utc_now_iso()
    conn.executemany(
        "INSERT INTO query_issues (profile_id, query_id, issue_key, added_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        [(profile_id, query_id, key, stamp) for key in keys],
    )


def remove_query_members(
    conn: Connection, profile_id: str, query_id: str, keys: Iterable[str]
) -> int:
    cursor = conn.executemany(
        "DELETE FROM query_issues WHERE profile_id = ? AND query_id = ? AND issue_key = ?",
        [(profile_id, query_id, key) for key in keys],
    )
    return cursor.rowcount


def query_member_keys(conn: Connection, profile_id: str, query_id: str) -> set[str]:
    return {
        r[0]
        for r in conn.execute(
            "SELECT issue_key FROM query_issues WHERE profile_id = ? AND query_id = ?",
            (profile_id, query_id),
        )
    }


def delete_orphan_issues(conn: Connection, profile_id: str) -> int:
    """Drop issues no query of the profile refers to (their transitions go with them)."""
    return conn.execute(
        "DELETE FROM issues WHERE profile_id = ? AND NOT EXISTS (SELECT 1 FROM query_issues q "
        "WHERE q.profile_id = issues.profile_id AND q.issue_key = issues.issue_key)",
        (profile_id,),
    ).rowcount


def count_query_issues(conn: Connection, profile_id: str, query_id: str) -> tuple[int, int]:
    """(issues, status transitions) currently in a query."""
    row = conn.execute(
        "SELECT COUNT(*), COALESCE(SUM((SELECT COUNT(*) FROM issue_transitions t WHERE "
        "t.profile_id = q.profile_id AND t.issue_key = q.issue_key)), 0) "
        "FROM query_issues q WHERE q.profile_id = ? AND q.query_id = ?",
        (profile_id, query_id),
    ).fetchone()
    return int(row[0]), int(row[1])


class StoredMember(NamedTuple):
    issue_id: str
    updated: str | None  # JIRA's ``updated`` time as stored


def query_members(conn: Connection, profile_id: str, query_id: str) -> dict[str, StoredMember]:
    """The query's stored members: issue key → (JIRA issue id, stored ``updated``)."""
    return {
        r[0]: StoredMember(r[1], r[2])
        for r in conn.execute(
            "SELECT q.issue_key, i.issue_id, i.updated FROM query_issues q JOIN issues i ON "
            "i.profile_id = q.profile_id AND i.issue_key = q.issue_key "
            "WHERE q.profile_id = ? AND q.query_id = ?",
            (profile_id, query_id),
        )
    }


@dataclass(frozen=True)
class FetchedNames:
    """The names a profile's fetched data uses (what the Settings mapping dropdowns offer)."""

    statuses: list[tuple[str, str | None]]  # (status, category), JIRA's list and the issues'
    issue_types: list[str]
    priorities: list[str]


def fetched_names(conn: Connection, profile_id: str) -> FetchedNames:
    statuses = conn.execute(
        "SELECT name, category FROM jira_statuses WHERE profile_id = ?1 "
        "UNION SELECT DISTINCT status, status_category FROM issues WHERE profile_id = ?1",
        (profile_id,),
    ).fetchall()
    types = conn.execute(
        "SELECT DISTINCT issue_type FROM issues WHERE profile_id = ?", (profile_id,)
    )
    priorities = conn.execute(
        "SELECT DISTINCT priority FROM issues WHERE profile_id = ? AND priority <> ''",
        (profile_id,),
    )
    return FetchedNames(
        [(row[0], row[1]) for row in statuses],
        [row[0] for row in types],
        [row[0] for row in priorities],
    )


# SQLite's default limit on bound parameters is far above this; batches keep each IN list short.
_SUMMARY_BATCH = 500


def issue_summaries(conn: Connection, profile_id: str, keys: Iterable[str]) -> dict[str, str]:
    """Summary per issue key of a profile (keys not in the store are left out)."""
    return {key: row[1] for key, row in issue_titles(conn, profile_id, keys).items()}


def issue_titles(
    conn: Connection, profile_id: str, keys: Iterable[str]
) -> dict[str, tuple[str, str, str]]:
    """(issue type, summary, status) per issue key of a profile (keys not in the store are
    left out)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, tuple[str, str, str]] = {}
    for start in range(0, len(wanted), _SUMMARY_BATCH):
        batch = wanted[start : start + _SUMMARY_BATCH]
        placeholders = ", ".join("?" * len(batch))
        rows = conn.execute(
            "SELECT issue_key, issue_type, summary, status FROM issues WHERE profile_id = ? "  # noqa: S608 - placeholders only
            f"AND issue_key IN ({placeholders})",
            (profile_id, *batch),
        ).fetchall()
        found.update({row[0]: (row[1], row[2], row[3]) for row in rows})
    return found

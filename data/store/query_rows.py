"""Reading one query's stored rows for the metrics: its member issues with their status
transitions and fix versions, their Flagged changes, the profile's JIRA status categories, and a fingerprint of all
of it.

Times come as integer epoch milliseconds computed inside SQLite (``unixepoch(…, 'subsec')``), so
pandas never parses text dates; issues and versions come as plain tuples (a Row object per row
costs more than the query itself), the transitions, ten times as many, packed in their issue's
row (``data.store.issues.pack_transitions``): bytes numpy reads at once, and a JSON array; the
fix versions, as JSON text in the same row.
``data.analytics.loading`` builds the frames from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

from data.db.dialect import POSTGRESQL, dialect_of
from data.db.sqlite import Connection

# Epoch milliseconds of a stored time, computed by SQLite; a time it cannot read (or none) is
# -9223372036854775808, which is NaT as numpy's datetime64.
MISSING_MS = -9223372036854775808


def _epoch_ms(column: str) -> str:
    return f"coalesce(CAST(round(unixepoch({column}, 'subsec') * 1000) AS INTEGER), {MISSING_MS})"


# One row per member issue, by key (straight from the primary keys, no sorting), with its
# status transitions as the sync packed them in the row (migration 0009: their times as
# big-endian int64 epoch milliseconds, their target statuses as a JSON array), so the read never
# walks the transitions' rows, ten times as many as the issues.
# CROSS JOIN keeps the query's members as the outer loop.
ISSUES_SQL = (
    "SELECT i.issue_key, i.issue_type, i.status, i.status_category, i.priority, "  # noqa: S608 - constant SQL
    f"{_epoch_ms('i.created')}, {_epoch_ms('i.resolved')}, i.points, "
    # The creation status, or the current status when there never was a transition.
    "coalesce(i.initial_status, i.status), i.changelog_total, "
    # JIRA's issuetype.subtask, kept in the issue's fields (0 when an older sync did not keep it).
    "coalesce(i.fields ->> '$.subtask', 0), i.transition_times, i.transition_statuses, "
    # The fix versions as JSON text (NULL when there are none), parsed once per distinct value.
    "i.fields -> '$.fixVersions', i.fields ->> '$.parent' "
    "FROM query_issues q CROSS JOIN issues i "
    "ON i.profile_id = q.profile_id AND i.issue_key = q.issue_key "
    "WHERE q.profile_id = ?1 AND q.query_id = ?2 ORDER BY q.issue_key"
)
FLAGS_SQL = (
    f"SELECT f.issue_key, {_epoch_ms('f.changed_at')}, f.value "  # noqa: S608 - constant SQL
    "FROM query_issues q CROSS JOIN issue_flag_changes f "
    "ON f.profile_id = q.profile_id AND f.issue_key = q.issue_key "
    "WHERE q.profile_id = ?1 AND q.query_id = ?2 ORDER BY q.issue_key, f.seq"
)
STATUSES_SQL = "SELECT name, category FROM jira_statuses WHERE profile_id = ?"


# The same reads on PostgreSQL, statement by statement: epoch milliseconds from the ISO text by
# a timestamptz cast, a plain JOIN (PostgreSQL plans the join order itself; CROSS JOIN takes no
# ON there), the fix versions as jsonb's text.
def _postgres_epoch_ms(column: str) -> str:
    return (
        f"coalesce(round(extract(epoch FROM {column}::timestamptz) * 1000)::bigint, {MISSING_MS})"
    )


# JIRA's issuetype.subtask: SQLite's ->> gives JSON true as 1, PostgreSQL casts the boolean.
_SQLITE_SUBTASK = "coalesce(i.fields ->> '$.subtask', 0)"
_POSTGRES_SUBTASK = "coalesce((i.fields -> 'subtask')::boolean::int, 0)"
_SQLITE_VERSIONS_AND_PARENT = "i.fields -> '$.fixVersions', i.fields ->> '$.parent'"
_POSTGRES_VERSIONS_AND_PARENT = "(i.fields -> 'fixVersions')::text, i.fields ->> 'parent'"
POSTGRES_ISSUES_SQL = (
    ISSUES_SQL.replace(_epoch_ms("i.created"), _postgres_epoch_ms("i.created"))
    .replace(_epoch_ms("i.resolved"), _postgres_epoch_ms("i.resolved"))
    .replace(_SQLITE_SUBTASK, _POSTGRES_SUBTASK)
    .replace(_SQLITE_VERSIONS_AND_PARENT, _POSTGRES_VERSIONS_AND_PARENT)
    .replace("CROSS JOIN", "JOIN")
)


POSTGRES_FLAGS_SQL = FLAGS_SQL.replace(
    _epoch_ms("f.changed_at"), _postgres_epoch_ms("f.changed_at")
).replace("CROSS JOIN", "JOIN")


# Everything load_query_frames reads changes one of these: a sync or import rewrites issues with a
# new fetched_at, a removal changes the membership count, a full sync restamps the status list.
# The query's imported statistics (project_data, read by load_context, not by load_query_frames)
# carry updated_at.
FINGERPRINT_SQL = (
    "SELECT (SELECT COUNT(*) FROM query_issues WHERE profile_id = ?1 AND query_id = ?2), "
    "(SELECT COUNT(*) FROM issues WHERE profile_id = ?1), "
    "(SELECT MAX(fetched_at) FROM issues WHERE profile_id = ?1), "
    "(SELECT MAX(fetched_at) FROM jira_statuses WHERE profile_id = ?1), "
    "(SELECT updated_at FROM project_data WHERE profile_id = ?1 AND query_id = ?2)"
)


class DataFingerprint(NamedTuple):
    """A cheap value that changes whenever a query's stored data does (for caching)."""

    members: int
    issues: int
    newest_fetch: str | None
    statuses_fetch: str | None
    statistics_update: str | None

    @property
    def frames(self) -> tuple[Any, ...]:
        """What the frames depend on: everything but the imported statistics, which the fetch
        job rewrites after it has read the frames for its snapshots."""
        return (self.members, self.issues, self.newest_fetch, self.statuses_fetch)


def data_fingerprint(conn: Connection, profile_id: str, query_id: str) -> DataFingerprint:
    return DataFingerprint(*conn.execute(FINGERPRINT_SQL, (profile_id, query_id)).fetchone())


@dataclass(frozen=True)
class QueryRows:
    """Everything stored for a query, as read: issue and flag tuples in ``ISSUES_SQL``'s and
    ``FLAGS_SQL``'s order (each issue's last four values its packed transitions' times, 8 bytes
    each, and target statuses as JSON text, its fix versions as JSON text or None, and its
    parent's key or None)."""

    issues: list[tuple[Any, ...]]
    flags: list[tuple[Any, ...]]
    status_categories: dict[str, str]


def read_query_rows(conn: Connection, profile_id: str, query_id: str) -> QueryRows:
    """The query's rows (call inside one read transaction)."""
    params = (profile_id, query_id)
    if dialect_of(conn).name == POSTGRESQL:
        return QueryRows(
            issues=[tuple(r) for r in conn.execute(POSTGRES_ISSUES_SQL, params)],
            flags=[tuple(r) for r in conn.execute(POSTGRES_FLAGS_SQL, params)],
            status_categories=dict(conn.execute(STATUSES_SQL, (profile_id,)).fetchall()),
        )
    cursor = conn.cursor()
    cursor.row_factory = None
    return QueryRows(
        issues=cursor.execute(ISSUES_SQL, params).fetchall(),
        flags=cursor.execute(FLAGS_SQL, params).fetchall(),
        status_categories=dict(cursor.execute(STATUSES_SQL, (profile_id,)).fetchall()),
    )


def database_file(conn: Connection) -> str:
    """The file the connection's main database lives in (the frame cache's key); on PostgreSQL
    the database's name and server port, a name no file can have."""
    if dialect_of(conn).name == POSTGRESQL:
        row = conn.execute("SELECT current_database(), inet_server_port()").fetchone()
        return f"postgresql:{row[1]}/{row[0]}"
    return str(conn.execute("PRAGMA main.database_list").fetchone()[2])


def query_ids(
    conn: Connection, profile_id: str | None = None, query_id: str | None = None
) -> list[tuple[str, str]]:
    """(profile id, query id) of every query, of ``profile_id``'s, or just that one."""
    sql = "SELECT profile_id, id FROM queries"
    params: tuple[str, ...] = ()
    if profile_id is not None:
        sql += " WHERE profile_id = ?"
        params = (profile_id,)
        if query_id is not None:
            sql += " AND id = ?"
            params = (profile_id, query_id)
    return [(row[0], row[1]) for row in conn.execute(sql, params).fetchall()]

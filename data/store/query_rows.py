"""Reading one query's stored rows for the metrics: its member issues, their status transitions,
fix versions and Flagged changes, the profile's JIRA status categories, and a fingerprint of all
of it.

Times come as integer epoch milliseconds computed inside SQLite (``unixepoch(…, 'subsec')``), so
pandas never parses text dates; issues and versions come as plain tuples (a Row object per row
costs more than the query itself), the transitions, ten times as many, as two columns of text
that numpy parses at once, read in one pass with their target statuses joined as text.
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


# Issues and their transitions come in the same order (the query's members by key; transitions
# by key, then seq) — both straight from the primary keys, no sorting — so each transition's issue
# is found from the per-issue counts, without sending 1.2 million keys to Python.
# CROSS JOIN keeps the query's members as the outer loop (SQLite's planner would otherwise scan
# every transition of the profile and look each one up in query_issues: four times slower).
ISSUES_SQL = (
    "SELECT i.issue_key, i.issue_type, i.status, i.status_category, i.priority, "  # noqa: S608 - constant SQL
    f"{_epoch_ms('i.created')}, {_epoch_ms('i.resolved')}, i.points, "
    # The creation status: where the first transition came from (its target if JIRA left
    # "from" empty), or the current status when there never was a transition.
    "COALESCE((SELECT COALESCE(t.from_status, t.to_status) FROM issue_transitions t "
    "  WHERE t.profile_id = i.profile_id AND t.issue_key = i.issue_key ORDER BY t.seq LIMIT 1), "
    "  i.status), i.changelog_total, "
    "(SELECT COUNT(*) FROM issue_transitions t "
    "  WHERE t.profile_id = i.profile_id AND t.issue_key = i.issue_key), "
    # JIRA's issuetype.subtask, kept in the issue's fields (0 when an older sync did not keep it).
    "coalesce(i.fields ->> '$.subtask', 0) "
    "FROM query_issues q CROSS JOIN issues i "
    "ON i.profile_id = q.profile_id AND i.issue_key = q.issue_key "
    "WHERE q.profile_id = ?1 AND q.query_id = ?2 ORDER BY q.issue_key"
)
MEMBER_TRANSITIONS = (
    "FROM query_issues q CROSS JOIN issue_transitions t "
    "ON t.profile_id = q.profile_id AND t.issue_key = q.issue_key "
    "WHERE q.profile_id = ?1 AND q.query_id = ?2"
)
# The query's transitions in one pass and one row (a row tuple and its values cost Python 0.6 µs
# each; there are ten times as many transitions as issues): their number, their times in epoch
# milliseconds joined by commas, and their target statuses joined by STATUS_SEPARATOR, which
# numpy and pandas split at once. The aggregates read the ordered subquery in its order: SQLite
# keeps a FROM subquery's ORDER BY under an aggregate (it neither flattens that subquery nor
# omits its ORDER BY), and the order comes from the primary keys, so there is no sort; an ORDER
# BY inside the aggregates would sort 1.2 million rows twice (2x slower).
# tests/integration/test_query_frames_read.py holds it to a row-by-row read.
STATUS_SEPARATOR = "\x1f"  # ASCII's unit separator, which no status name is expected to hold
TRANSITIONS_SQL = (
    "SELECT count(*), coalesce(group_concat(at_ms, ','), ''), "  # noqa: S608 - constant SQL
    "coalesce(group_concat(status, char(31)), '') FROM ("
    f"SELECT {_epoch_ms('t.changed_at')} AS at_ms, t.to_status AS status "
    f"{MEMBER_TRANSITIONS} ORDER BY q.issue_key, t.seq)"
)
# A status name holding the separator cannot be split back out of the text; such a query's
# statuses are read as integer codes instead (their names listed first, then each one's index).
TRANSITION_STATUSES_SQL = f"SELECT DISTINCT t.to_status {MEMBER_TRANSITIONS}"


def transitions_sql(statuses: int) -> str:
    """``TRANSITIONS_SQL`` with the target statuses as their indexes among ``statuses`` names
    bound from ?3 on (the ``TRANSITION_STATUSES_SQL`` list; a CASE, as statuses are few)."""
    whens = " ".join(f"WHEN ?{n + 3} THEN {n}" for n in range(statuses))
    return (
        "SELECT group_concat(at_ms, ','), group_concat(code, ',') FROM ("  # noqa: S608 - constant SQL, bound names
        f"SELECT {_epoch_ms('t.changed_at')} AS at_ms, CASE t.to_status {whens} END AS code "
        f"{MEMBER_TRANSITIONS} ORDER BY q.issue_key, t.seq)"
    )


VERSIONS_SQL = (
    "SELECT i.issue_key, v.value ->> '$.name', v.value ->> '$.released', "
    "v.value ->> '$.releaseDate' "
    "FROM query_issues q CROSS JOIN issues i "
    "ON i.profile_id = q.profile_id AND i.issue_key = q.issue_key, "
    "json_each(i.fields, '$.fixVersions') v "
    "WHERE q.profile_id = ?1 AND q.query_id = ?2"
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
# ON there), string_agg with its own ORDER BY (PostgreSQL keeps no subquery order under an
# aggregate), fix versions from jsonb_array_elements, released as a boolean (->> would give the
# text 'false', which is true).
def _postgres_epoch_ms(column: str) -> str:
    return (
        f"coalesce(round(extract(epoch FROM {column}::timestamptz) * 1000)::bigint, {MISSING_MS})"
    )


# JIRA's issuetype.subtask: SQLite's ->> gives JSON true as 1, PostgreSQL casts the boolean.
_SQLITE_SUBTASK = "coalesce(i.fields ->> '$.subtask', 0)"
_POSTGRES_SUBTASK = "coalesce((i.fields -> 'subtask')::boolean::int, 0)"
POSTGRES_ISSUES_SQL = (
    ISSUES_SQL.replace(_epoch_ms("i.created"), _postgres_epoch_ms("i.created"))
    .replace(_epoch_ms("i.resolved"), _postgres_epoch_ms("i.resolved"))
    .replace(_SQLITE_SUBTASK, _POSTGRES_SUBTASK)
    .replace("CROSS JOIN", "JOIN")
)
POSTGRES_MEMBER_TRANSITIONS = MEMBER_TRANSITIONS.replace("CROSS JOIN", "JOIN")
POSTGRES_TRANSITION_STATUSES_SQL = f"SELECT DISTINCT t.to_status {POSTGRES_MEMBER_TRANSITIONS}"


def postgres_transitions_sql(statuses: int) -> str:
    """``transitions_sql`` on PostgreSQL."""
    whens = " ".join(f"WHEN ?{n + 3} THEN {n}" for n in range(statuses))
    return (
        "SELECT coalesce(string_agg((" + _postgres_epoch_ms("t.changed_at") + ")::text, ',' "  # noqa: S608 - constant SQL, bound names
        "ORDER BY q.issue_key, t.seq), ''), "
        f"coalesce(string_agg((CASE t.to_status {whens} END)::text, ',' ORDER BY q.issue_key, "
        f"t.seq), '') {POSTGRES_MEMBER_TRANSITIONS}"
    )


POSTGRES_VERSIONS_SQL = (
    "SELECT i.issue_key, v.value ->> 'name', (v.value -> 'released')::boolean, "
    "v.value ->> 'releaseDate' "
    "FROM query_issues q JOIN issues i "
    "ON i.profile_id = q.profile_id AND i.issue_key = q.issue_key "
    "CROSS JOIN LATERAL jsonb_array_elements(CASE jsonb_typeof(i.fields -> 'fixVersions') "
    "WHEN 'array' THEN i.fields -> 'fixVersions' ELSE '[]'::jsonb END) v "
    "WHERE q.profile_id = ?1 AND q.query_id = ?2"
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
    """Everything stored for a query, as read: issue and version tuples in ``ISSUES_SQL``'s and
    ``VERSIONS_SQL``'s order, and the transitions' times in epoch milliseconds, comma-separated
    ("" when there are none), with their target statuses either as ``transition_names``, joined
    by ``STATUS_SEPARATOR`` (``TRANSITIONS_SQL``), or, when a name holds the separator (then
    ``transition_names`` is None), as comma-separated indexes into ``transition_statuses``
    (``transitions_sql``)."""

    issues: list[tuple[Any, ...]]
    transition_ms: str
    transition_names: str | None
    transition_codes: str
    transition_statuses: list[Any]
    versions: list[tuple[Any, ...]]
    flags: list[tuple[Any, ...]]
    status_categories: dict[str, str]


def read_query_rows(conn: Connection, profile_id: str, query_id: str) -> QueryRows:
    """The query's rows (call inside one read transaction)."""
    if dialect_of(conn).name == POSTGRESQL:
        return _read_postgres_query_rows(conn, profile_id, query_id)
    params = (profile_id, query_id)
    cursor = conn.cursor()
    cursor.row_factory = None
    count, transition_ms, names = cursor.execute(TRANSITIONS_SQL, params).fetchone()
    transition_codes, statuses = "", []
    if count and names.count(STATUS_SEPARATOR) != count - 1:
        names = None
        statuses = [row[0] for row in cursor.execute(TRANSITION_STATUSES_SQL, params)]
        sql = transitions_sql(len(statuses))
        transition_ms, transition_codes = cursor.execute(sql, (*params, *statuses)).fetchone()
    return QueryRows(
        issues=cursor.execute(ISSUES_SQL, params).fetchall(),
        transition_ms=transition_ms,
        transition_names=names,
        transition_codes=transition_codes,
        transition_statuses=statuses,
        versions=cursor.execute(VERSIONS_SQL, params).fetchall(),
        flags=cursor.execute(FLAGS_SQL, params).fetchall(),
        status_categories=dict(cursor.execute(STATUSES_SQL, (profile_id,)).fetchall()),
    )


def _read_postgres_query_rows(conn: Connection, profile_id: str, query_id: str) -> QueryRows:
    params = (profile_id, query_id)
    statuses = [row[0] for row in conn.execute(POSTGRES_TRANSITION_STATUSES_SQL, params)]
    transition_ms, transition_codes = "", ""
    if statuses:
        sql = postgres_transitions_sql(len(statuses))
        transition_ms, transition_codes = conn.execute(sql, (*params, *statuses)).fetchone()
    return QueryRows(
        issues=[tuple(r) for r in conn.execute(POSTGRES_ISSUES_SQL, params)],
        transition_ms=transition_ms,
        transition_names=None,
        transition_codes=transition_codes,
        transition_statuses=statuses,
        versions=[tuple(r) for r in conn.execute(POSTGRES_VERSIONS_SQL, params)],
        flags=[tuple(r) for r in conn.execute(POSTGRES_FLAGS_SQL, params)],
        status_categories=dict(conn.execute(STATUSES_SQL, (profile_id,)).fetchall()),
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

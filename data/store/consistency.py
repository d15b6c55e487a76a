"""SQL of the consistency checks ``flowcast verify`` runs on the store's tables: the
migration-strategy seed's orphan, duplicate and contradictory-state queries adapted to this schema.
``data.ops.verify`` words what they find.
"""

from __future__ import annotations

from typing import Any

from data.db.dialect import POSTGRESQL, dialect_of
from data.db.sqlite import Connection

# The seed's orphan / duplicate / consistency queries for this schema: (problem, tables, query).
# Each query returns the offending rows; the first columns identify them. A "table.column" among
# the tables is a column a database behind the latest schema may not have yet.
CONSISTENCY_CHECKS = (
    (
        "query membership pointing at a missing issue",
        ("query_issues", "issues"),
        "SELECT q.profile_id, q.query_id, q.issue_key FROM query_issues q LEFT JOIN issues i "
        "ON i.profile_id = q.profile_id AND i.issue_key = q.issue_key WHERE i.issue_key IS NULL",
    ),
    (
        "transitions of an issue that is not stored",
        ("issue_transitions", "issues"),
        "SELECT t.profile_id, t.issue_key, t.seq FROM issue_transitions t LEFT JOIN issues i "
        "ON i.profile_id = t.profile_id AND i.issue_key = t.issue_key WHERE i.issue_key IS NULL",
    ),
    (
        "transition sequence with gaps (numbers must run 0, 1, 2 … per issue)",
        ("issue_transitions",),
        "SELECT profile_id, issue_key FROM issue_transitions GROUP BY profile_id, issue_key "
        "HAVING MIN(seq) != 0 OR MAX(seq) + 1 != COUNT(*)",
    ),
    (
        "transitions out of order (a later sequence number with an earlier time)",
        ("issue_transitions",),
        "SELECT a.profile_id, a.issue_key, a.seq FROM issue_transitions a JOIN issue_transitions b "
        "ON a.profile_id = b.profile_id AND a.issue_key = b.issue_key AND b.seq = a.seq + 1 "
        "WHERE b.changed_at < a.changed_at",
    ),
    (
        "status change recorded twice (same issue and JIRA history id)",
        ("issue_transitions",),
        "SELECT profile_id, issue_key, history_id FROM issue_transitions "
        "WHERE history_id IS NOT NULL GROUP BY profile_id, issue_key, history_id, to_status "
        "HAVING COUNT(*) > 1",
    ),
    (
        # What the metrics read (migration 0009); whatever writes transitions packs them.
        "issue whose packed transitions differ in number from its transition rows (fetch its "
        "query again)",
        ("issues.transition_times", "issue_transitions"),
        "SELECT i.profile_id, i.issue_key FROM issues i WHERE length(i.transition_times) / 8 != "
        "(SELECT COUNT(*) FROM issue_transitions t "
        "WHERE t.profile_id = i.profile_id AND t.issue_key = i.issue_key)",
    ),
    (
        "issues resolved before they were created",
        ("issues",),
        "SELECT profile_id, issue_key FROM issues WHERE resolved IS NOT NULL AND resolved < created",
    ),
    (
        # plans holds a copy of the newest version (every change, rollback included, appends one).
        "plan whose current version or content hash differs from its newest plan_versions row",
        ("plans", "plan_versions"),
        "SELECT p.id, p.version, v.version FROM plans p LEFT JOIN plan_versions v "
        "ON v.plan_id = p.id AND v.version = "
        "(SELECT MAX(version) FROM plan_versions WHERE plan_id = p.id) "
        "WHERE v.plan_id IS NULL OR v.version != p.version OR v.content_hash != p.content_hash",
    ),
    (
        "active profile that does not exist",
        ("app_state", "profiles"),
        "SELECT value FROM app_state WHERE key = 'active_profile_id' AND value ->> '$' "
        "NOT IN (SELECT id FROM profiles)",
    ),
    (
        "active query that is not a query of the active profile",
        ("app_state", "queries"),
        "SELECT q.value FROM app_state q WHERE q.key = 'active_query_id' AND NOT EXISTS ("
        "SELECT 1 FROM queries, app_state p WHERE p.key = 'active_profile_id' "
        "AND queries.profile_id = p.value ->> '$' AND queries.id = q.value ->> '$')",
    ),
)


def inconsistencies(conn: Connection, tables: set[str]) -> list[tuple[str, list[tuple[Any, ...]]]]:
    """``(problem, offending rows)`` of each check that finds rows (checks whose tables are not
    all in ``tables`` are skipped)."""
    found = []
    for description, needs, sql in CONSISTENCY_CHECKS:
        if not all(_present(conn, tables, need) for need in needs):
            continue
        if dialect_of(conn).name == POSTGRESQL:
            # app_state.value is JSON text on both engines: PostgreSQL reads its scalar as jsonb.
            sql = sql.replace(" ->> '$'", "::jsonb #>> '{}'")
        rows = [tuple(r) for r in conn.execute(sql).fetchall()]
        if rows:
            found.append((description, rows))
    return found


def _present(conn: Connection, tables: set[str], need: str) -> bool:
    """Whether the table (or "table.column") ``need`` names is in the database."""
    table, _, column = need.partition(".")
    if table not in tables:
        return False
    if not column:
        return True
    cursor = conn.execute(f"SELECT * FROM {table} LIMIT 0")  # noqa: S608 - names from the checks
    return column in {d[0] for d in cursor.description}

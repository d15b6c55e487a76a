"""Integrity and consistency checks behind ``check_database_integrity()`` and ``flowcast verify``.

In order: SQLite's ``integrity_check`` (stop there if the file is damaged), ``foreign_key_check``,
the schema (applied migrations unchanged, up to date, and the live schema equal to what the
migrations build — catches hand-made ALTERs), JSON validity of every document column, and the
consistency queries of the migration-strategy seed adapted to this schema (orphans, duplicates,
broken sequences, contradictory state), and failed mirror writes of the ``dual`` storage mode.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from data.db.connection import connect
from data.db.sqlite import Connection, sqlite3
from data.db.sqlite import DatabaseError as SQLiteDatabaseError
from data.errors import RESTORE_HINT, FlowcastError
from data.locations import get_db_path

# Documents stored as JSON text (returned whole, so not converted to JSONB): (table, column).
# Every column declared BLOB is a JSONB document by this project's convention and is found
# automatically, so later migrations' documents are checked without editing this list.
JSON_TEXT_COLUMNS = (
    ("app_state", "value"),
    ("jira_cache", "response"),
    ("jira_changelog_cache", "changelog"),
)
# json_valid flags: 1 = RFC 8259 text, 8 = strictly checked JSONB.
_JSON_TEXT = 1
_JSON_TEXT_OR_JSONB = 1 | 8

# The seed's orphan / duplicate / consistency queries for this schema: (problem, tables, query).
# Each query returns the offending rows; the first columns identify them.
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


def run_integrity_checks(db_path: Path) -> tuple[bool, list[str]]:
    """``(ok, errors)``: SQLite's own checks, foreign keys, schema, JSON validity, consistency."""
    try:
        conn = connect(db_path, create=False)
    except FlowcastError as exc:
        return False, [str(exc)]
    try:
        try:
            results = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        except SQLiteDatabaseError as exc:
            return False, [f"SQLite cannot read {db_path}: {exc}; {RESTORE_HINT}."]
        if results != ["ok"]:
            # Nothing else is trustworthy on a damaged file.
            return False, [f"integrity_check: {r}" for r in results]
        errors = _foreign_key_errors(conn)
        errors += _schema_errors(conn)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        errors += _json_errors(conn, tables)
        errors += _consistency_errors(conn, tables)
    finally:
        conn.close()
    errors += _dual_storage_errors(db_path)
    return not errors, errors


def _dual_storage_errors(db_path: Path) -> list[str]:
    """Changes that reached the database but not the legacy JSON mirror (storage mode ``dual``)."""
    from data.store.dual_backend import dual_write_problems

    return dual_write_problems(db_path)


def _foreign_key_errors(conn: Connection) -> list[str]:
    return [
        f"foreign key: {table} row {rowid} points at a missing {parent} row"
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check")
    ]


def _schema_errors(conn: Connection) -> list[str]:
    from data.db.schema import check_applied_migrations, current_version, latest_version

    try:
        check_applied_migrations(conn)
    except FlowcastError as exc:
        return [str(exc)]
    errors = []
    version = current_version(conn)
    if version != latest_version():
        errors.append(
            f"schema version {version} is behind {latest_version()}; restart Flowcast (it migrates "
            "on start) or run `flowcast db migrate`"
        )
    expected = dict(((t, n), sql) for t, n, sql in expected_schema(version))
    actual = dict(((t, n), sql) for t, n, sql in _snapshot(conn))
    for key in sorted(expected.keys() | actual.keys()):
        kind, name = key
        if key not in actual:
            errors.append(f"schema: {kind} {name} is missing; restore a backup")
        elif key not in expected:
            errors.append(f"schema: {kind} {name} is not part of schema version {version}")
        elif expected[key] != actual[key]:
            errors.append(f"schema: {kind} {name} differs from what migration {version} defines")
    return errors


@cache
def expected_schema(version: int) -> tuple[tuple[str, str, str], ...]:
    """The schema the migrations up to ``version`` build, applied to an in-memory database."""
    from data.db.schema import apply_migrations

    conn = sqlite3.connect(":memory:", isolation_level=None)
    try:
        apply_migrations(conn, version)
        return tuple(_snapshot(conn))
    finally:
        conn.close()


def _snapshot(conn: Connection) -> list[tuple[str, str, str]]:
    from data.db.schema import schema_snapshot

    return schema_snapshot(conn)


def _json_errors(conn: Connection, tables: set[str]) -> list[str]:
    errors = []
    for table, column, flags in document_columns(conn, tables):
        # Identifiers come from the schema or the constant above, never from input.
        bad = conn.execute(
            f'SELECT COUNT(*) FROM "{table}" WHERE "{column}" IS NOT NULL '  # noqa: S608
            f'AND NOT json_valid("{column}", {flags})'
        ).fetchone()[0]
        if bad:
            errors.append(f"{table}.{column}: {bad} rows hold invalid JSON")
    return errors


def document_columns(conn: Connection, tables: set[str]) -> list[tuple[str, str, int]]:
    """(table, column, json_valid flags) of every column holding a JSON document."""
    found = [(t, c, _JSON_TEXT) for t, c in JSON_TEXT_COLUMNS if t in tables]
    for table in sorted(tables):
        if table.startswith("sqlite_"):
            continue
        for column in conn.execute("SELECT name, type FROM pragma_table_info(?)", (table,)):
            if column[1].upper() == "BLOB":
                found.append((table, column[0], _JSON_TEXT_OR_JSONB))
    return found


def _consistency_errors(conn: Connection, tables: set[str]) -> list[str]:
    errors = []
    for description, needs, sql in CONSISTENCY_CHECKS:
        if not set(needs) <= tables:
            continue
        rows = conn.execute(sql).fetchall()
        if rows:
            sample = ", ".join("/".join(str(v) for v in tuple(r)) for r in rows[:5])
            errors.append(f"{description}: {len(rows)} ({sample})")
    return errors


def check_database_integrity(path: str | os.PathLike[str] | None = None) -> tuple[bool, list[str]]:
    """Run every integrity and consistency check; ``(True, [])`` when the database is sound."""
    return run_integrity_checks(Path(path) if path is not None else get_db_path())

"""Integrity and consistency checks behind ``check_database_integrity()`` and ``flowcast verify``."""

from __future__ import annotations

from pathlib import Path

from data.database import connect
from data.errors import FlowcastError
from data.sqlite import DatabaseError as SQLiteDatabaseError

# Document columns that must hold valid JSON (text or JSONB): (table, column).
DOCUMENT_COLUMNS = (
    ("profiles", "jira_config"),
    ("profiles", "field_mappings"),
    ("profiles", "forecast_settings"),
    ("profiles", "project_classification"),
    ("profiles", "flow_type_mappings"),
    ("profiles", "extra"),
    ("queries", "extra"),
    ("app_state", "value"),
    ("jira_cache", "response"),
    ("jira_changelog_cache", "changelog"),
    ("issues", "fields"),
    ("project_data", "data"),
    ("metrics_snapshots", "metrics"),
    ("metrics_snapshots", "forecast"),
    ("task_progress", "details"),
    ("audit_log", "old_value"),
    ("audit_log", "new_value"),
)

# Consistency queries adapted from the migration-strategy seed: each returns offending rows.
CONSISTENCY_CHECKS = (
    (
        "query membership pointing at a missing issue",
        "SELECT q.profile_id, q.query_id, q.issue_key FROM query_issues q LEFT JOIN issues i "
        "ON i.profile_id = q.profile_id AND i.issue_key = q.issue_key WHERE i.issue_key IS NULL",
    ),
    (
        "transitions out of order (a later sequence number with an earlier time)",
        "SELECT a.profile_id, a.issue_key, a.seq FROM issue_transitions a JOIN issue_transitions b "
        "ON a.profile_id = b.profile_id AND a.issue_key = b.issue_key AND b.seq = a.seq + 1 "
        "WHERE b.changed_at < a.changed_at",
    ),
    (
        "issues resolved before they were created",
        "SELECT profile_id, issue_key FROM issues WHERE resolved IS NOT NULL AND resolved < created",
    ),
    (
        "active profile that does not exist",
        "SELECT value FROM app_state WHERE key = 'active_profile_id' AND json_extract(value, '$') "
        "NOT IN (SELECT id FROM profiles)",
    ),
)


def run_integrity_checks(db_path: Path) -> tuple[bool, list[str]]:
    """``(ok, errors)``: SQLite's own checks, foreign keys, JSON validity, consistency, schema."""
    from data.schema import check_applied_migrations, current_version, latest_version

    errors: list[str] = []
    try:
        conn = connect(db_path, create=False)
    except FlowcastError as exc:
        return False, [str(exc)]
    try:
        try:
            results = [r[0] for r in conn.execute("PRAGMA integrity_check")]
        except SQLiteDatabaseError as exc:
            return False, [
                f"SQLite cannot read {db_path}: {exc}; restore a backup with `flowcast restore`."
            ]
        if results != ["ok"]:
            errors.extend(f"integrity_check: {r}" for r in results)
            return False, errors
        for table, rowid, parent, _ in conn.execute("PRAGMA foreign_key_check"):
            errors.append(f"foreign key: {table} row {rowid} points at a missing {parent} row")
        try:
            check_applied_migrations(conn)
            if current_version(conn) != latest_version():
                errors.append(
                    f"schema version {current_version(conn)} is behind {latest_version()}; "
                    "run `flowcast db migrate`"
                )
        except FlowcastError as exc:
            errors.append(str(exc))
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")}
        for table, column in DOCUMENT_COLUMNS:
            if table not in tables:
                continue
            # Identifiers come from the constant above, never from input.
            bad = conn.execute(
                f"SELECT COUNT(*) FROM {table} WHERE {column} IS NOT NULL "  # noqa: S608
                f"AND NOT json_valid({column}, 6)"
            ).fetchone()[0]
            if bad:
                errors.append(f"{table}.{column}: {bad} rows hold invalid JSON")
        for description, sql in CONSISTENCY_CHECKS:
            rows = conn.execute(sql).fetchall()
            if rows:
                sample = ", ".join("/".join(str(v) for v in tuple(r)) for r in rows[:5])
                errors.append(f"{description}: {len(rows)} ({sample})")
    finally:
        conn.close()
    return not errors, errors

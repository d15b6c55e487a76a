"""Plain inserts of whole profiles and what is under them — no upsert, no audit entry, no
settings version — for the two paths that write a profile at once: a profile import
(``data.store.transfer``) and the legacy migration (``data.store.legacy_import``). Call inside
``write_transaction``; the caller records the audit entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from data.db.sqlite import Connection
from data.store.records import dumps, profile_row_values, query_row_values


def insert_profiles(conn: Connection, profiles: Iterable[dict[str, Any]]) -> None:
    conn.executemany(
        "INSERT INTO profiles (id, name, description, created_at, last_used, show_milestone, "
        "show_points, jira_config, field_mappings, forecast_settings, project_classification, "
        "flow_type_mappings, extra) VALUES (?, ?, ?, ?, ?, ?, ?, jsonb(?), jsonb(?), jsonb(?), "
        "jsonb(?), jsonb(?), jsonb(?))",
        [profile_row_values(p) for p in profiles],
    )


def insert_queries(conn: Connection, queries: Iterable[tuple[str, dict[str, Any]]]) -> None:
    """Queries as ``(profile_id, query document)``."""
    conn.executemany(
        "INSERT INTO queries (id, profile_id, name, jql, description, created_at, last_used, extra) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, jsonb(?))",
        [query_row_values(profile_id, q) for profile_id, q in queries],
    )


def insert_project_data(
    conn: Connection, rows: Iterable[tuple[str, str, dict[str, Any]]], updated_at: str
) -> None:
    """Rows ``(profile_id, query_id, project data)``."""
    conn.executemany(
        "INSERT INTO project_data (profile_id, query_id, data, updated_at) VALUES (?, ?, jsonb(?), ?)",
        [(p, q, dumps(d), updated_at) for p, q, d in rows],
    )


def insert_snapshots(conn: Connection, rows: Iterable[Sequence[Any]]) -> None:
    """Rows ``(profile_id, query_id, week, metric_type, metrics JSON, forecast JSON, created_at)``."""
    conn.executemany(
        "INSERT INTO metrics_snapshots (profile_id, query_id, snapshot_date, metric_type, metrics, "
        "forecast, created_at) VALUES (?, ?, ?, ?, jsonb(?), jsonb(?), ?)",
        rows,
    )

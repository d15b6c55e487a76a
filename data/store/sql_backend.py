"""The persistence contract in SQL, written once for SQLite and PostgreSQL (the dialect seam is
``data.db.dialect``); ``SQLiteBackend`` and ``PostgresBackend`` say where connections come from."""

from __future__ import annotations

import json
from abc import abstractmethod
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from data.db.connection import write_transaction
from data.db.dialect import dialect_of
from data.db.sqlite import Connection, IntegrityError
from data.errors import ConflictError, NotFoundError, ValidationError, no_profile, no_query
from data.store import audit
from data.store.base import (
    TASK_STATUSES,
    PersistenceBackend,
)
from data.store.issues import delete_orphan_issues
from data.store.plans import query_exists
from data.store.records import (
    dumps,
    loads,
    profile_from_row,
    profile_row_values,
    query_from_row,
    query_row_values,
    without_last_used,
)
from data.store.settings_versions import record_settings_version
from data.timeutil import to_utc_iso, utc_now_iso
from data.validation import (
    validate_progress,
    validate_snapshot,
)


class SQLBackend(PersistenceBackend):
    """Persistence in a SQL database. Each call uses a connection of its own unless inside
    ``session()``."""

    def __init__(self) -> None:
        self._session: ContextVar[Connection | None] = ContextVar(
            f"session-{id(self)}", default=None
        )

    @abstractmethod
    def _connection(self) -> AbstractContextManager[Connection]:
        """A connection for one session, given back (closed or pooled) at the end of the block."""

    def close(self) -> None:
        """Give back connections held for later calls (a pool's); a file holds none."""

    # Connections ---------------------------------------------------------------------------------
    @contextmanager
    def session(self) -> Iterator[Connection]:
        """Share one connection across several calls (e.g. all reads of one callback)."""
        current = self._session.get()
        if current is not None:
            yield current
            return
        with self._connection() as conn:
            token = self._session.set(conn)
            try:
                yield conn
            finally:
                self._session.reset(token)

    @contextmanager
    def _conn(self) -> Iterator[Connection]:
        with self.session() as conn:
            yield conn

    # Profiles -----------------------------------------------------------------------------------
    def get_profile(self, profile_id: str) -> dict[str, Any] | None:
        with self._conn() as conn:
            return self._read_profile(conn, profile_id)

    def _read_profile(self, conn: Connection, profile_id: str) -> dict[str, Any] | None:
        return read_profile(conn, profile_id)

    def save_profile(self, profile: dict[str, Any]) -> None:
        values = profile_row_values(profile)
        with self._conn() as conn, write_transaction(conn):
            old = self._read_profile(conn, values[0])
            try:
                conn.execute(
                    "INSERT INTO profiles (id, name, description, created_at, last_used, show_milestone, "
                    "show_points, jira_config, field_mappings, forecast_settings, project_classification, "
                    "flow_type_mappings, extra) VALUES (?, ?, ?, ?, ?, ?, ?, jsonb(?), jsonb(?), jsonb(?), "
                    "jsonb(?), jsonb(?), jsonb(?)) ON CONFLICT (id) DO UPDATE SET name = excluded.name, "
                    "description = excluded.description, created_at = excluded.created_at, "
                    "last_used = excluded.last_used, show_milestone = excluded.show_milestone, "
                    "show_points = excluded.show_points, jira_config = excluded.jira_config, "
                    "field_mappings = excluded.field_mappings, forecast_settings = excluded.forecast_settings, "
                    "project_classification = excluded.project_classification, "
                    "flow_type_mappings = excluded.flow_type_mappings, extra = excluded.extra",
                    values,
                )
            except IntegrityError:
                raise ConflictError(
                    f"A profile named {values[1]!r} already exists; choose another name."
                ) from None
            new = self._read_profile(conn, values[0])
            record_settings_version(conn, old, new)  # type: ignore[arg-type]
            if without_last_used(old) != without_last_used(new):
                audit.record(conn, "profile", values[0], "update" if old else "create", old, new)

    def list_profiles(self) -> list[dict[str, Any]]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT id, name, description, created_at, last_used, show_milestone, show_points, "
                "json(jira_config), json(field_mappings), json(forecast_settings), "
                "json(project_classification), json(flow_type_mappings), json(extra) "
                "FROM profiles ORDER BY last_used DESC, name"
            ).fetchall()
        return [profile_from_row(tuple(r)) for r in rows]

    def find_profiles_by_jira_url(self, base_url: str) -> list[dict[str, Any]]:
        """Profiles connected to one JIRA site (uses the expression index on the base URL)."""
        with self._conn() as conn:
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM profiles WHERE "  # noqa: S608 - a constant path
                    f"{dialect_of(conn).json_text('jira_config', '$.base_url')} = ? ORDER BY name",
                    (base_url.rstrip("/"),),
                )
            ]
            return [p for p in (self._read_profile(conn, i) for i in ids) if p]

    def delete_profile(self, profile_id: str) -> None:
        with self._conn() as conn, write_transaction(conn):
            old = self._read_profile(conn, profile_id)
            if old is None:
                raise no_profile(profile_id)
            conn.execute("DELETE FROM profiles WHERE id = ?", (profile_id,))
            audit.record(conn, "profile", profile_id, "delete", old, None)
            for key in ("active_profile_id", "active_query_id"):
                self._forget_active(conn, key, profile_id if key == "active_profile_id" else None)

    def _forget_active(self, conn: Connection, key: str, value: str | None) -> None:
        # After a delete, the active selection must not point at something gone.
        current = conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        if current is None:
            return
        if key == "active_profile_id" and json.loads(current[0]) == value:
            conn.execute(
                "DELETE FROM app_state WHERE key IN ('active_profile_id', 'active_query_id')"
            )
        if key == "active_query_id":
            profile = conn.execute(
                "SELECT value FROM app_state WHERE key = 'active_profile_id'"
            ).fetchone()
            query_id = json.loads(current[0])
            if (
                profile is None
                or not conn.execute(
                    "SELECT 1 FROM queries WHERE profile_id = ? AND id = ?",
                    (json.loads(profile[0]), query_id),
                ).fetchone()
            ):
                conn.execute("DELETE FROM app_state WHERE key = 'active_query_id'")

    # Queries -------------------------------------------------------------------------------------
    def get_query(self, profile_id: str, query_id: str) -> dict[str, Any] | None:
        with self._conn() as conn:
            return self._read_query(conn, profile_id, query_id)

    def _read_query(
        self, conn: Connection, profile_id: str, query_id: str
    ) -> dict[str, Any] | None:
        return read_query(conn, profile_id, query_id)

    def save_query(self, profile_id: str, query: dict[str, Any]) -> None:
        values = query_row_values(profile_id, query)
        with self._conn() as conn, write_transaction(conn):
            if not conn.execute("SELECT 1 FROM profiles WHERE id = ?", (profile_id,)).fetchone():
                raise NotFoundError(f"No profile {profile_id!r}; create it before adding queries.")
            old = self._read_query(conn, profile_id, values[0])
            try:
                conn.execute(
                    "INSERT INTO queries (id, profile_id, name, jql, description, created_at, last_used, "
                    "extra) VALUES (?, ?, ?, ?, ?, ?, ?, jsonb(?)) ON CONFLICT (profile_id, id) DO UPDATE "
                    "SET name = excluded.name, jql = excluded.jql, description = excluded.description, "
                    "created_at = excluded.created_at, last_used = excluded.last_used, extra = excluded.extra",
                    values,
                )
            except IntegrityError:
                raise ConflictError(
                    f"Profile {profile_id!r} already has a query named {values[2]!r}; choose another name."
                ) from None
            new = self._read_query(conn, profile_id, values[0])
            if without_last_used(old) != without_last_used(new):
                audit.record(
                    conn,
                    "query",
                    f"{profile_id}/{values[0]}",
                    "update" if old else "create",
                    old,
                    new,
                )

    def list_queries(self, profile_id: str) -> list[dict[str, Any]]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT id, profile_id, name, jql, description, created_at, last_used, json(extra) "
                "FROM queries WHERE profile_id = ? ORDER BY last_used DESC, name",
                (profile_id,),
            ).fetchall()
        return [query_from_row(tuple(r)) for r in rows]

    def delete_query(self, profile_id: str, query_id: str) -> None:
        with self._conn() as conn, write_transaction(conn):
            old = self._read_query(conn, profile_id, query_id)
            if old is None:
                raise no_query(profile_id, query_id)
            conn.execute(
                "DELETE FROM queries WHERE profile_id = ? AND id = ?", (profile_id, query_id)
            )
            # Issues no query refers to any more are dropped with it.
            delete_orphan_issues(conn, profile_id)
            audit.record(conn, "query", f"{profile_id}/{query_id}", "delete", old, None)
            self._forget_active(conn, "active_query_id", None)

    # JIRA response cache ---------------------------------------------------------------------------
    def save_jira_cache(
        self,
        profile_id: str,
        query_id: str,
        cache_key: str,
        response: dict[str, Any],
        expires_at: datetime | str,
    ) -> None:
        with self._conn() as conn, write_transaction(conn):
            _require_query(conn, profile_id, query_id)
            conn.execute(
                "INSERT INTO jira_cache (profile_id, query_id, cache_key, response, expires_at, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id, query_id, cache_key) DO UPDATE SET "
                "response = excluded.response, expires_at = excluded.expires_at, created_at = excluded.created_at",
                (
                    profile_id,
                    query_id,
                    cache_key,
                    dumps(response),
                    to_utc_iso(expires_at),
                    utc_now_iso(),
                ),
            )

    def get_jira_cache(
        self, profile_id: str, query_id: str, cache_key: str
    ) -> dict[str, Any] | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT response FROM jira_cache WHERE profile_id = ? AND query_id = ? AND cache_key = ? "
                "AND expires_at > ?",
                (profile_id, query_id, cache_key, utc_now_iso()),
            ).fetchone()
        return None if row is None else loads(row[0])

    def cleanup_expired_cache(self) -> int:
        now = utc_now_iso()
        with self._conn() as conn, write_transaction(conn):
            deleted = conn.execute("DELETE FROM jira_cache WHERE expires_at <= ?", (now,)).rowcount
            deleted += conn.execute(
                "DELETE FROM jira_changelog_cache WHERE expires_at <= ?", (now,)
            ).rowcount
        return deleted

    # Changelog cache -------------------------------------------------------------------------------
    def save_changelog_entry(
        self,
        profile_id: str,
        query_id: str,
        issue_key: str,
        changelog: dict[str, Any],
        expires_at: datetime | str,
    ) -> None:
        with self._conn() as conn, write_transaction(conn):
            _require_query(conn, profile_id, query_id)
            conn.execute(
                "INSERT INTO jira_changelog_cache (profile_id, query_id, issue_key, changelog, expires_at, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (profile_id, query_id, issue_key) DO "
                "UPDATE SET changelog = excluded.changelog, expires_at = excluded.expires_at, "
                "created_at = excluded.created_at",
                (
                    profile_id,
                    query_id,
                    issue_key,
                    dumps(changelog),
                    to_utc_iso(expires_at),
                    utc_now_iso(),
                ),
            )

    def get_changelog_entry(
        self, profile_id: str, query_id: str, issue_key: str
    ) -> dict[str, Any] | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT changelog FROM jira_changelog_cache WHERE profile_id = ? AND query_id = ? "
                "AND issue_key = ? AND expires_at > ?",
                (profile_id, query_id, issue_key, utc_now_iso()),
            ).fetchone()
        return None if row is None else loads(row[0])

    def get_changelog_entries(self, profile_id: str, query_id: str) -> dict[str, dict[str, Any]]:
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT issue_key, changelog FROM jira_changelog_cache WHERE profile_id = ? AND "
                "query_id = ? AND expires_at > ? ORDER BY issue_key",
                (profile_id, query_id, utc_now_iso()),
            ).fetchall()
        return {r[0]: loads(r[1]) for r in rows}

    # Project data ----------------------------------------------------------------------------------
    def save_project_data(self, profile_id: str, query_id: str, data: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise ValidationError(
                "Project data must be a JSON object with statistics and project_scope."
            )
        with self._conn() as conn, write_transaction(conn):
            _require_query(conn, profile_id, query_id)
            conn.execute(
                "INSERT INTO project_data (profile_id, query_id, data, updated_at) VALUES (?, ?, jsonb(?), ?) "
                "ON CONFLICT (profile_id, query_id) DO UPDATE SET data = excluded.data, "
                "updated_at = excluded.updated_at",
                (profile_id, query_id, dumps(data), utc_now_iso()),
            )

    def get_project_data(self, profile_id: str, query_id: str) -> dict[str, Any] | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT json(data) FROM project_data WHERE profile_id = ? AND query_id = ?",
                (profile_id, query_id),
            ).fetchone()
        return None if row is None else json.loads(row[0])

    # Metrics snapshots -----------------------------------------------------------------------------
    def save_metrics_snapshot(
        self,
        profile_id: str,
        query_id: str,
        snapshot_date: str,
        metric_type: str,
        metrics: dict[str, Any],
        forecast: dict[str, Any] | None = None,
    ) -> None:
        validate_snapshot(snapshot_date, metric_type, metrics)
        with self._conn() as conn, write_transaction(conn):
            _require_query(conn, profile_id, query_id)
            conn.execute(
                "INSERT INTO metrics_snapshots (profile_id, query_id, snapshot_date, metric_type, metrics, "
                "forecast, created_at) VALUES (?, ?, ?, ?, jsonb(?), jsonb(?), ?) ON CONFLICT "
                "(profile_id, query_id, snapshot_date, metric_type) DO UPDATE SET metrics = excluded.metrics, "
                "forecast = excluded.forecast, created_at = excluded.created_at",
                (
                    profile_id,
                    query_id,
                    snapshot_date,
                    metric_type,
                    dumps(metrics),
                    None if forecast is None else dumps(forecast),
                    utc_now_iso(),
                ),
            )

    def get_metrics_snapshots(
        self,
        profile_id: str,
        query_id: str,
        metric_type: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise ValidationError(
                f"{limit!r} is not a number of weeks; use a whole number of 0 or more."
            )
        with self._conn() as conn:
            rows = conn.execute(
                "SELECT snapshot_date, metric_type, json(metrics), json(forecast), created_at "
                "FROM metrics_snapshots WHERE profile_id = ?1 AND query_id = ?2 "
                "AND (?3 IS NULL OR metric_type = ?3) AND snapshot_date IN ("
                "  SELECT DISTINCT snapshot_date FROM metrics_snapshots WHERE profile_id = ?1 "
                "  AND query_id = ?2 AND (?3 IS NULL OR metric_type = ?3) "
                "  ORDER BY snapshot_date DESC LIMIT ?4) "
                "ORDER BY snapshot_date, metric_type",
                (
                    profile_id,
                    query_id,
                    metric_type,
                    dialect_of(conn).no_limit if limit is None else limit,
                ),
            ).fetchall()
        return [
            {
                "snapshot_date": r[0],
                "metric_type": r[1],
                "metrics": json.loads(r[2]),
                "forecast": loads(r[3]),
                "created_at": r[4],
            }
            for r in rows
        ]

    # App state ---------------------------------------------------------------------------------------
    def get_app_state(self, key: str, default: Any = None) -> Any:
        with self._conn() as conn:
            row = conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        return default if row is None else json.loads(row[0])

    def set_app_state(self, key: str, value: Any) -> None:
        if not isinstance(key, str) or not key:
            raise ValidationError("An app-state key must be a non-empty string.")
        try:
            encoded = dumps(value)
        except ValidationError:
            raise ValidationError(
                f"The value for {key!r} cannot be stored as JSON; use strings, numbers, lists or objects."
            ) from None
        with self._conn() as conn, write_transaction(conn):
            _write_app_state(conn, key, value, encoded)

    def mark_selected(self, profile_id: str, query_id: str | None = None) -> None:
        now = utc_now_iso()
        with self._conn() as conn, write_transaction(conn):
            used = conn.execute("UPDATE profiles SET last_used = ? WHERE id = ?", (now, profile_id))
            if used.rowcount == 0:
                raise no_profile(profile_id)
            _write_app_state(conn, "active_profile_id", profile_id, dumps(profile_id))
            if query_id is None:
                # A profile without a query chosen (a new one): the last profile's query must not
                # stay active with it.
                conn.execute("DELETE FROM app_state WHERE key = 'active_query_id'")
                return
            used = conn.execute(
                "UPDATE queries SET last_used = ? WHERE profile_id = ? AND id = ?",
                (now, profile_id, query_id),
            )
            if used.rowcount == 0:
                raise no_query(profile_id, query_id)
            _write_app_state(conn, "active_query_id", query_id, dumps(query_id))

    # Task progress -----------------------------------------------------------------------------------
    def save_task_progress(
        self,
        task_name: str,
        progress_percent: float,
        status: str,
        message: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        with self._conn() as conn, write_transaction(conn):
            write_task_progress(conn, task_name, progress_percent, status, message, details)

    def get_task_progress(self, task_name: str) -> dict[str, Any] | None:
        with self._conn() as conn:
            row = conn.execute(
                "SELECT task_name, progress_percent, status, message, json(details), cancel_requested, "
                "started_at, updated_at FROM task_progress WHERE task_name = ?",
                (task_name,),
            ).fetchone()
        if row is None:
            return None
        return {
            "task_name": row[0],
            "progress_percent": row[1],
            "status": row[2],
            "message": row[3],
            "details": json.loads(row[4]),
            "cancel_requested": bool(row[5]),
            "started_at": row[6],
            "updated_at": row[7],
        }

    def clear_task_progress(self, task_name: str) -> None:
        with self._conn() as conn, write_transaction(conn):
            conn.execute("DELETE FROM task_progress WHERE task_name = ?", (task_name,))

    def request_task_cancel(self, task_name: str) -> bool:
        with self._conn() as conn, write_transaction(conn):
            cursor = conn.execute(
                "UPDATE task_progress SET cancel_requested = 1 WHERE task_name = ? "
                "AND status IN ('pending', 'running')",
                (task_name,),
            )
        return cursor.rowcount > 0

    # Audit log -----------------------------------------------------------------------------------
    def list_audit_entries(
        self, entity_type: str | None = None, entity_id: str | None = None, limit: int = 200
    ) -> list[dict[str, Any]]:
        with self._conn() as conn:
            return audit.list_entries(conn, entity_type, entity_id, limit)


def read_profile(conn: Connection, profile_id: str) -> dict[str, Any] | None:
    """A profile as stored, or None."""
    row = conn.execute(
        "SELECT id, name, description, created_at, last_used, show_milestone, show_points, "
        "json(jira_config), json(field_mappings), json(forecast_settings), "
        "json(project_classification), json(flow_type_mappings), json(extra) "
        "FROM profiles WHERE id = ?",
        (profile_id,),
    ).fetchone()
    return None if row is None else profile_from_row(tuple(row))


def read_query(conn: Connection, profile_id: str, query_id: str) -> dict[str, Any] | None:
    """A query as stored, or None."""
    row = conn.execute(
        "SELECT id, profile_id, name, jql, description, created_at, last_used, json(extra) "
        "FROM queries WHERE profile_id = ? AND id = ?",
        (profile_id, query_id),
    ).fetchone()
    return None if row is None else query_from_row(tuple(row))


def write_task_progress(
    conn: Connection,
    task_name: str,
    progress_percent: float,
    status: str,
    message: str = "",
    details: dict[str, Any] | None = None,
) -> None:
    """Insert or update a task's record on ``conn`` (in the caller's transaction, if one is
    open: a job whose work and completed record must commit together writes it so)."""
    percent = validate_progress(progress_percent, status, TASK_STATUSES)
    now = utc_now_iso()
    conn.execute(
        "INSERT INTO task_progress (task_name, progress_percent, status, message, details, "
        "cancel_requested, started_at, updated_at) VALUES (?, ?, ?, ?, jsonb(?), 0, ?, ?) "
        "ON CONFLICT (task_name) DO UPDATE SET progress_percent = excluded.progress_percent, "
        "status = excluded.status, message = excluded.message, details = excluded.details, "
        # A new run (pending/running after a finished one) starts fresh.
        "cancel_requested = CASE WHEN task_progress.status IN ('completed', 'failed', 'cancelled') "
        "  THEN 0 ELSE task_progress.cancel_requested END, "
        "started_at = CASE WHEN task_progress.status IN ('completed', 'failed', 'cancelled') "
        "  AND excluded.status IN ('pending', 'running') THEN excluded.started_at "
        "  ELSE task_progress.started_at END, updated_at = excluded.updated_at",
        (task_name, percent, status, message or "", dumps(details or {}), now, now),
    )


def _require_query(conn: Connection, profile_id: str, query_id: str) -> None:
    if not query_exists(conn, profile_id, query_id):
        raise no_query(profile_id, query_id)


def _write_app_state(conn: Connection, key: str, value: Any, encoded: str) -> None:
    """Store one app-state value; a change is audited."""
    old = conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
    conn.execute(
        "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) "
        "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        (key, encoded, utc_now_iso()),
    )
    old_value = None if old is None else json.loads(old[0])
    if old is None or old_value != value:
        audit.record(conn, "setting", key, "update" if old else "create", old_value, value)

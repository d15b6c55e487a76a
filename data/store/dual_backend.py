"""``dual`` storage mode: SQLite is the primary store, the legacy JSON files a mirror.

Every write goes to SQLite first and then, through ``JSONBackend``, to the legacy files; reads come
from SQLite. A failed mirror write never undoes the primary one (the user's change is safe in the
database); it is recorded in the app-state key ``dual_write_failures`` so ``flowcast verify`` can
report it (``dual_write_problems()``) and the user can rewrite the legacy files with
``flowcast export --format legacy <data dir> --force --include-token``.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Callable
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from data.db.connection import get_db_connection, write_transaction
from data.locations import get_db_path
from data.store.base import PersistenceBackend
from data.store.json_backend import JSONBackend, canonical_profile, canonical_query
from data.store.sqlite_backend import SQLiteBackend
from data.timeutil import utc_now_iso

logger = logging.getLogger(__name__)

FAILURES_KEY = "dual_write_failures"
MAX_RECORDED_FAILURES = 500


def record_dual_write_failure(
    db_path: str | os.PathLike[str], operation: str, target: str, error: BaseException
) -> None:
    """Append one failed mirror write to ``app_state[dual_write_failures]`` (newest last)."""
    entry = {
        "at": utc_now_iso(),
        "operation": operation,
        "target": target,
        "error": f"{type(error).__name__}: {error}",
    }
    with get_db_connection(db_path) as conn, write_transaction(conn):
        row = conn.execute("SELECT value FROM app_state WHERE key = ?", (FAILURES_KEY,)).fetchone()
        failures = json.loads(row[0]) if row is not None else []
        failures = (failures + [entry])[-MAX_RECORDED_FAILURES:]
        conn.execute(
            "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) "
            "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
            (FAILURES_KEY, json.dumps(failures, ensure_ascii=False), entry["at"]),
        )


def list_dual_write_failures(db_path: str | os.PathLike[str] | None = None) -> list[dict[str, Any]]:
    """Failed mirror writes recorded so far, oldest first (at most the last 500)."""
    path = Path(db_path) if db_path is not None else get_db_path()
    if not path.exists():
        return []
    with get_db_connection(path) as conn:
        row = conn.execute("SELECT value FROM app_state WHERE key = ?", (FAILURES_KEY,)).fetchone()
    return json.loads(row[0]) if row is not None else []


def dual_write_problems(db_path: str | os.PathLike[str] | None = None) -> list[str]:
    """One line per failed mirror write, for ``flowcast verify`` (empty when there are none)."""
    return [
        f"dual storage: {f['operation']} of {f['target']} reached SQLite but not the legacy JSON "
        f"files at {f['at']} ({f['error']}); run `flowcast export --format legacy <data dir> "
        "--force --include-token` to rewrite them, then `flowcast storage-mode --clear-failures`"
        for f in list_dual_write_failures(db_path)
    ]


def clear_dual_write_failures(db_path: str | os.PathLike[str] | None = None) -> int:
    """Forget the recorded failures (after the legacy files were rewritten); returns how many."""
    path = Path(db_path) if db_path is not None else get_db_path()
    count = len(list_dual_write_failures(path))
    with get_db_connection(path) as conn, write_transaction(conn):
        conn.execute("DELETE FROM app_state WHERE key = ?", (FAILURES_KEY,))
    return count


def _describe(args: tuple[Any, ...]) -> str:
    # Only ids and keys: the documents themselves may hold tokens.
    ids = [a for a in args if isinstance(a, str)]
    documents = [a for a in args if isinstance(a, dict) and isinstance(a.get("id"), str)]
    return "/".join(ids + [d["id"] for d in documents]) or "-"


class DualBackend(PersistenceBackend):
    """Writes to SQLite and then the legacy JSON files; reads from SQLite."""

    def __init__(self, primary: SQLiteBackend, secondary: JSONBackend):
        self.primary = primary
        self.secondary = secondary
        self.db_path = primary.db_path

    def session(self) -> AbstractContextManager[Any]:
        return self.primary.session()

    def task_lock(self, task_name: str) -> AbstractContextManager[None]:
        return self.primary.task_lock(task_name)

    def __getattr__(self, name: str) -> Any:
        # SQLite-only extras (session(), audit entries, …) have no legacy counterpart.
        if name == "primary":
            raise AttributeError(name)
        return getattr(self.primary, name)

    def _both(self, name: str, *args: Any) -> Any:
        result = getattr(self.primary, name)(*args)
        mirror: Callable[..., Any] = getattr(self.secondary, name)
        try:
            mirror(*args)
        except Exception as exc:  # the mirror must never undo or fail the primary write
            logger.warning("dual storage: %s of %s not mirrored: %s", name, _describe(args), exc)
            record_dual_write_failure(self.db_path, name, _describe(args), exc)
        return result

    # Reads come from SQLite ------------------------------------------------------------------------
    def get_profile(self, profile_id: str) -> dict[str, Any] | None:
        return self.primary.get_profile(profile_id)

    def list_profiles(self) -> list[dict[str, Any]]:
        return self.primary.list_profiles()

    def get_query(self, profile_id: str, query_id: str) -> dict[str, Any] | None:
        return self.primary.get_query(profile_id, query_id)

    def list_queries(self, profile_id: str) -> list[dict[str, Any]]:
        return self.primary.list_queries(profile_id)

    def get_jira_cache(
        self, profile_id: str, query_id: str, cache_key: str
    ) -> dict[str, Any] | None:
        return self.primary.get_jira_cache(profile_id, query_id, cache_key)

    def get_changelog_entry(
        self, profile_id: str, query_id: str, issue_key: str
    ) -> dict[str, Any] | None:
        return self.primary.get_changelog_entry(profile_id, query_id, issue_key)

    def get_changelog_entries(self, profile_id: str, query_id: str) -> dict[str, dict[str, Any]]:
        return self.primary.get_changelog_entries(profile_id, query_id)

    def get_project_data(self, profile_id: str, query_id: str) -> dict[str, Any] | None:
        return self.primary.get_project_data(profile_id, query_id)

    def get_metrics_snapshots(
        self,
        profile_id: str,
        query_id: str,
        metric_type: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        return self.primary.get_metrics_snapshots(profile_id, query_id, metric_type, limit)

    def get_app_state(self, key: str, default: Any = None) -> Any:
        return self.primary.get_app_state(key, default)

    def get_task_progress(self, task_name: str) -> dict[str, Any] | None:
        return self.primary.get_task_progress(task_name)

    # Writes go to both ------------------------------------------------------------------------------
    def save_profile(self, profile: dict[str, Any]) -> None:
        # Normalized once, so both stores get the same defaults and timestamps.
        self._both("save_profile", canonical_profile(profile))

    def delete_profile(self, profile_id: str) -> None:
        self._both("delete_profile", profile_id)

    def save_query(self, profile_id: str, query: dict[str, Any]) -> None:
        self._both("save_query", profile_id, canonical_query(profile_id, query))

    def delete_query(self, profile_id: str, query_id: str) -> None:
        self._both("delete_query", profile_id, query_id)

    def save_jira_cache(
        self,
        profile_id: str,
        query_id: str,
        cache_key: str,
        response: dict[str, Any],
        expires_at: Any,
    ) -> None:
        self._both("save_jira_cache", profile_id, query_id, cache_key, response, expires_at)

    def cleanup_expired_cache(self) -> int:
        return int(self._both("cleanup_expired_cache"))

    def save_changelog_entry(
        self,
        profile_id: str,
        query_id: str,
        issue_key: str,
        changelog: dict[str, Any],
        expires_at: Any,
    ) -> None:
        self._both("save_changelog_entry", profile_id, query_id, issue_key, changelog, expires_at)

    def save_project_data(self, profile_id: str, query_id: str, data: dict[str, Any]) -> None:
        self._both("save_project_data", profile_id, query_id, data)

    def save_metrics_snapshot(
        self,
        profile_id: str,
        query_id: str,
        snapshot_date: str,
        metric_type: str,
        metrics: dict[str, Any],
        forecast: dict[str, Any] | None = None,
    ) -> None:
        self._both(
            "save_metrics_snapshot",
            profile_id,
            query_id,
            snapshot_date,
            metric_type,
            metrics,
            forecast,
        )

    def set_app_state(self, key: str, value: Any) -> None:
        self._both("set_app_state", key, value)

    def mark_selected(self, profile_id: str, query_id: str | None = None) -> None:
        self._both("mark_selected", profile_id, query_id)

    def save_task_progress(
        self,
        task_name: str,
        progress_percent: float,
        status: str,
        message: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        self._both("save_task_progress", task_name, progress_percent, status, message, details)

    def clear_task_progress(self, task_name: str) -> None:
        self._both("clear_task_progress", task_name)

    def request_task_cancel(self, task_name: str) -> bool:
        return bool(self._both("request_task_cancel", task_name))

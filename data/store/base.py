"""The persistence contract every backend fulfils (SQLite, the legacy JSON layout, dual writes).

Entities are plain dicts, as in the quickstart seed:

- profile: ``id, name, description, created_at, last_used, jira_config{}, field_mappings{},
  forecast_settings{}, project_classification{}, flow_type_mappings{}, show_milestone, show_points``
  plus any unknown keys, which are kept.
- query: ``id, profile_id, name, jql, description, created_at, last_used`` plus unknown keys.
- snapshot: ``snapshot_date`` (ISO week), ``metric_type``, ``metrics{}``, ``forecast{}|None``, ``created_at``.
- task progress: ``task_name, progress_percent, status, message, details{}, cancel_requested,
  started_at, updated_at``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from data.errors import no_profile, no_query
from data.timeutil import utc_now_iso

PROFILE_DOCUMENT_FIELDS = (
    "jira_config",
    "field_mappings",
    "forecast_settings",
    "project_classification",
    "flow_type_mappings",
)
PROFILE_COLUMNS = (
    "id",
    "name",
    "description",
    "created_at",
    "last_used",
    "show_milestone",
    "show_points",
)
QUERY_COLUMNS = ("id", "profile_id", "name", "jql", "description", "created_at", "last_used")
TASK_STATUSES = ("pending", "running", "completed", "failed", "cancelled")


class PersistenceBackend(ABC):
    """Abstract interface for persistence backends."""

    #: True for the legacy JSON files alone (storage mode ``json``): profiles, queries, caches
    #: and state live in those files, so there is no JIRA issue store and no settings versions.
    legacy_json: bool = False

    # Units of work ------------------------------------------------------------------------------
    @abstractmethod
    def session(self) -> AbstractContextManager[Any]:
        """A unit of work on the store's database: one connection shared by every store call
        inside the block (this backend's methods and the ``data.store`` functions handed it);
        a nested ``session()`` joins the open one. Statements run in autocommit mode unless
        wrapped in ``data.db.connection.write_transaction(conn)``."""

    # Profiles -------------------------------------------------------------------------------
    @abstractmethod
    def get_profile(self, profile_id: str) -> dict[str, Any] | None:
        """Load a profile, or None when it does not exist."""

    @abstractmethod
    def save_profile(self, profile: dict[str, Any]) -> None:
        """Create or replace a profile (``id`` and ``name`` required)."""

    @abstractmethod
    def list_profiles(self) -> list[dict[str, Any]]:
        """All profiles, most recently used first."""

    @abstractmethod
    def delete_profile(self, profile_id: str) -> None:
        """Delete a profile and everything under it (queries, caches, issues, snapshots)."""

    # Queries --------------------------------------------------------------------------------
    @abstractmethod
    def get_query(self, profile_id: str, query_id: str) -> dict[str, Any] | None:
        """Load a query, or None when it does not exist."""

    @abstractmethod
    def save_query(self, profile_id: str, query: dict[str, Any]) -> None:
        """Create or replace a query of a profile (``id``, ``name`` and ``jql`` required)."""

    @abstractmethod
    def list_queries(self, profile_id: str) -> list[dict[str, Any]]:
        """A profile's queries, most recently used first."""

    @abstractmethod
    def delete_query(self, profile_id: str, query_id: str) -> None:
        """Delete a query and its caches, statistics and snapshots."""

    # JIRA response cache (TTL) -----------------------------------------------------------------
    @abstractmethod
    def save_jira_cache(
        self,
        profile_id: str,
        query_id: str,
        cache_key: str,
        response: dict[str, Any],
        expires_at: datetime | str,
    ) -> None:
        """Store a JIRA response until ``expires_at``."""

    @abstractmethod
    def get_jira_cache(
        self, profile_id: str, query_id: str, cache_key: str
    ) -> dict[str, Any] | None:
        """The cached response, or None when missing or expired."""

    @abstractmethod
    def cleanup_expired_cache(self) -> int:
        """Delete expired response and changelog cache entries; returns how many."""

    # Changelog cache ---------------------------------------------------------------------------
    @abstractmethod
    def save_changelog_entry(
        self,
        profile_id: str,
        query_id: str,
        issue_key: str,
        changelog: dict[str, Any],
        expires_at: datetime | str,
    ) -> None:
        """Store one issue's changelog until ``expires_at``."""

    @abstractmethod
    def get_changelog_entry(
        self, profile_id: str, query_id: str, issue_key: str
    ) -> dict[str, Any] | None:
        """One issue's cached changelog, or None when missing or expired."""

    @abstractmethod
    def get_changelog_entries(self, profile_id: str, query_id: str) -> dict[str, dict[str, Any]]:
        """All unexpired cached changelogs of a query, by issue key."""

    # Weekly statistics and scope ---------------------------------------------------------------
    @abstractmethod
    def save_project_data(self, profile_id: str, query_id: str, data: dict[str, Any]) -> None:
        """Replace a query's project data (``statistics`` rows, ``project_scope``, ``metadata``)."""

    @abstractmethod
    def get_project_data(self, profile_id: str, query_id: str) -> dict[str, Any] | None:
        """A query's project data, or None."""

    # Metrics snapshots -----------------------------------------------------------------------------
    @abstractmethod
    def save_metrics_snapshot(
        self,
        profile_id: str,
        query_id: str,
        snapshot_date: str,
        metric_type: str,
        metrics: dict[str, Any],
        forecast: dict[str, Any] | None = None,
    ) -> None:
        """Store (or replace) one week's metrics of one type; ``snapshot_date`` is ``YYYY-Www``."""

    @abstractmethod
    def get_metrics_snapshots(
        self,
        profile_id: str,
        query_id: str,
        metric_type: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        """Snapshots of the latest ``limit`` weeks (all when None), oldest week first."""

    # App state ---------------------------------------------------------------------------------------
    def mark_selected(self, profile_id: str, query_id: str | None = None) -> None:
        """Make a profile (and a query of it, or no query) the active selection and mark them
        used, as one small write: choosing is not a settings change, so no settings version is
        made."""
        profile = self.get_profile(profile_id)
        if profile is None:
            raise no_profile(profile_id)
        now = utc_now_iso()
        self.save_profile({**profile, "last_used": now})
        self.set_app_state("active_profile_id", profile_id)
        if query_id is None:
            self.set_app_state("active_query_id", None)
            return
        query = self.get_query(profile_id, query_id)
        if query is None:
            raise no_query(profile_id, query_id)
        self.save_query(profile_id, {**query, "last_used": now})
        self.set_app_state("active_query_id", query_id)

    @abstractmethod
    def get_app_state(self, key: str, default: Any = None) -> Any:
        """A JSON value stored under ``key``, or ``default``."""

    @abstractmethod
    def set_app_state(self, key: str, value: Any) -> None:
        """Store a JSON-serializable value under ``key``."""

    # Task progress -----------------------------------------------------------------------------------
    @abstractmethod
    def save_task_progress(
        self,
        task_name: str,
        progress_percent: float,
        status: str,
        message: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        """Record a long job's progress (readable from other processes while it runs)."""

    @abstractmethod
    def get_task_progress(self, task_name: str) -> dict[str, Any] | None:
        """The job's last recorded progress, or None."""

    @abstractmethod
    def clear_task_progress(self, task_name: str) -> None:
        """Forget a job's progress."""

    @abstractmethod
    def request_task_cancel(self, task_name: str) -> bool:
        """Ask a running job to stop at its next check; False when no such job is running."""

    @abstractmethod
    def task_lock(self, task_name: str) -> AbstractContextManager[None]:
        """Hold the task's lock for a block (one run per task across processes); raises
        ``data.store.locks.LockHeld`` at once when another holder has it. The lock dies with
        its process, so a killed run never leaves the task locked."""

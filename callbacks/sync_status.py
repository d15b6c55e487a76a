"""Reading a query's sync state for the header: last successful sync and the running job."""

from __future__ import annotations

from typing import Any

from data.jira.sync import sync_state, task_name
from data.jobs import job_progress
from layouts.common import info_alert


def sync_progress(profile_id: str | None, query_id: str | None) -> dict[str, Any] | None:
    """The query's last recorded sync job (running, completed, failed or cancelled), or None."""
    if not profile_id or not query_id:
        return None
    return job_progress(task_name(profile_id, query_id))


def last_sync_text(profile_id: str | None, query_id: str | None) -> str:
    """When the query last synced successfully, e.g. ``2026-11-23 00:16 UTC``, or ``never``."""
    if not profile_id or not query_id:
        return ""
    return sync_text(sync_state(profile_id, query_id))


def sync_text(state: dict[str, Any] | None) -> str:
    """``last_sync_text`` of a query's sync state (None: never synced)."""
    if not state or not state.get("last_sync_at"):
        return "never"
    return f"{state['last_sync_at'][:16].replace('T', ' ')} UTC · {state['issue_count']:,} issues"


def not_fetched_notice(profile_id: str, query_id: str) -> Any:
    """An info alert when the query has never been fetched (the charts are then empty)."""
    state = sync_state(profile_id, query_id)
    if state and state.get("last_sync_at"):
        return None
    return info_alert("This query has not been fetched yet: press Fetch in the header.")

"""What runs once when the app or a long-lived command starts: database ready, legacy data migrated."""

from __future__ import annotations

import logging
from pathlib import Path

from data.analytics.deadlines import move_settings_deadlines
from data.db.connection import initialize_database, keep_database_open
from data.db.postgres import configured_url
from data.legacy.migration import run_migration_if_needed
from data.storage_mode import get_storage_mode
from data.store import get_backend

logger = logging.getLogger(__name__)


def prepare_data_dir() -> Path:
    """Create or upgrade the database, migrate legacy JSON once and move Settings deadlines to
    the approved plans (data.analytics.deadlines); returns the database path.

    In ``json`` storage mode the legacy files are the store, so nothing is migrated. Raises
    FlowcastError with a clear message (a legacy file that cannot be migrated names file and path).
    """
    path = initialize_database()
    if get_storage_mode() != "json":
        report = run_migration_if_needed()
        if report is not None:
            logger.info(
                "Migrated legacy JSON: %d profiles, %d queries (backup in %s)",
                report.profiles,
                len(report.queries),
                report.backup_dir,
            )
        _move_settings_deadlines()
    return path


def _move_settings_deadlines() -> None:
    for moved in move_settings_deadlines():
        logger.info(
            "Moved the Settings deadline %s of profile %s to query %s's approved plan %s",
            moved.deadline, moved.profile_id, moved.query_id, moved.plan_id,
        )  # fmt: skip


def prepare_store() -> None:
    """Ready the store the app runs on: the team database when ``FLOWCAST_DATABASE_URL`` names one
    (opening it migrates its schema; legacy JSON files are a local matter, never migrated into
    it; Settings deadlines move to the approved plans as locally), else the data directory's
    SQLite file (``prepare_data_dir``)."""
    if configured_url():
        get_backend()
        _move_settings_deadlines()  # e.g. profiles copied from an older local database
        return
    prepare_data_dir()


def keep_store_open() -> None:
    """Hold the local SQLite file open for the process's lifetime (a team database's pool keeps
    its connections anyway)."""
    if not configured_url():
        keep_database_open()

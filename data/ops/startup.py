"""What runs once when the app or a long-lived command starts: database ready, legacy data migrated."""

from __future__ import annotations

import logging
from pathlib import Path

from data.db.connection import initialize_database
from data.legacy.migration import run_migration_if_needed
from data.storage_mode import get_storage_mode

logger = logging.getLogger(__name__)


def prepare_data_dir() -> Path:
    """Create or upgrade the database and migrate legacy JSON once; returns the database path.

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
    return path

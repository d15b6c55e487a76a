"""What runs once when the app or a long-lived command starts: database ready, legacy data migrated."""

from __future__ import annotations

import logging
from pathlib import Path

from data.database import initialize_database

logger = logging.getLogger(__name__)


def prepare_data_dir() -> Path:
    """Create or upgrade the database; returns its path. Raises FlowcastError with a clear message."""
    return initialize_database()

"""Where Flowcast keeps its files.

The data directory defaults to the current directory and is set by ``--data-dir`` (the CLI puts it
into ``FLOWCAST_DATA_DIR`` so background jobs in other processes see the same place) or by the
environment variable itself. The database lives at ``<data dir>/profiles/burndown.db``: the legacy
layout's ``profiles/`` folder holds all user data, so "copy the profiles folder" stays a backup.
"""

from __future__ import annotations

import os
from pathlib import Path

DATA_DIR_ENV = "FLOWCAST_DATA_DIR"
DB_FILENAME = "burndown.db"


def get_data_dir() -> Path:
    return Path(os.environ.get(DATA_DIR_ENV) or Path.cwd()).expanduser().resolve()


def set_data_dir(path: str | os.PathLike[str]) -> Path:
    """Point this process and the processes it starts at another data directory."""
    resolved = Path(path).expanduser().resolve()
    os.environ[DATA_DIR_ENV] = str(resolved)
    return resolved


def get_profiles_dir() -> Path:
    return get_data_dir() / "profiles"


def get_db_path() -> Path:
    return get_profiles_dir() / DB_FILENAME


def get_backups_dir() -> Path:
    return get_data_dir() / "backups"


def get_exports_dir() -> Path:
    """Where the Data page writes profile exports (``flowcast export`` writes where it is told)."""
    return get_data_dir() / "exports"


def get_cache_dir() -> Path:
    """The frame cache and Dash's background-callback cache; deleting it is always safe."""
    return get_data_dir() / "cache"

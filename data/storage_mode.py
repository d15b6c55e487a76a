"""Which storage the app uses (migration-strategy seed, "Dual Storage").

- ``sqlite`` (default): the database only.
- ``dual``: every write goes to SQLite and then to the legacy JSON files; reads come from SQLite. A
  user who upgraded can go back to the old version for a while without losing what they did since.
- ``json``: the legacy JSON files only (the old version's layout).

The mode comes from ``FLOWCAST_STORAGE_MODE`` or else ``<data dir>/flowcast-settings.json``
(``{"storage_mode": ...}``).
"""

from __future__ import annotations

import os
from pathlib import Path

from data.errors import ConfigError, LegacyDataError
from data.json_files import read_json, write_json_atomic
from data.locations import get_data_dir

STORAGE_MODES = ("sqlite", "dual", "json")
DEFAULT_STORAGE_MODE = "sqlite"
STORAGE_MODE_ENV = "FLOWCAST_STORAGE_MODE"
SETTINGS_FILENAME = "flowcast-settings.json"

_cache: dict[str, tuple[tuple[int, int, int] | None, str]] = {}


def settings_path(data_dir: Path | None = None) -> Path:
    return (data_dir or get_data_dir()) / SETTINGS_FILENAME


def _check(mode: object, source: str) -> str:
    if mode not in STORAGE_MODES:
        raise ConfigError(
            f"{source} sets the storage mode to {mode!r}; use one of {', '.join(STORAGE_MODES)}."
        )
    return str(mode)


def _read_settings(path: Path) -> dict[str, object]:
    try:
        settings = read_json(path)
    except LegacyDataError as exc:
        raise ConfigError(f"{path} {exc.problem}.") from None
    if settings is None:
        return {}
    if not isinstance(settings, dict):
        raise ConfigError(f'{path} must hold a JSON object such as {{"storage_mode": "sqlite"}}.')
    return settings


def get_storage_mode(data_dir: Path | None = None) -> str:
    """The configured mode; ConfigError when the environment or settings file names an unknown one."""
    from_env = os.environ.get(STORAGE_MODE_ENV)
    if from_env:
        return _check(from_env.strip().lower(), f"The environment variable {STORAGE_MODE_ENV}")
    path = settings_path(data_dir)
    try:
        stat = path.stat()
        stamp: tuple[int, int, int] | None = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    except FileNotFoundError:
        stamp = None
    # get_backend() asks on every call; re-read the file only when it changed (set_storage_mode
    # forgets the cached value; another process's change shows in the file's identity/size/time).
    cached = _cache.get(str(path))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    mode = _check(_read_settings(path).get("storage_mode", DEFAULT_STORAGE_MODE), str(path))
    _cache[str(path)] = (stamp, mode)
    return mode


def set_storage_mode(mode: str, data_dir: Path | None = None) -> Path:
    """Store the mode in the settings file (other keys kept); returns the file's path."""
    _check(mode, "The requested value")
    path = settings_path(data_dir)
    settings = _read_settings(path)
    settings["storage_mode"] = mode
    write_json_atomic(path, settings)
    _cache.pop(str(path), None)
    return path

"""The persistence interface and the process-wide backend (quickstart §2).

``get_backend()`` returns the backend for the current data directory and storage mode
(``data.storage_mode``: SQLite by default, SQLite mirrored to the legacy JSON files in ``dual``
mode, the legacy JSON files alone in ``json`` mode), or, when ``FLOWCAST_DATABASE_URL`` names one,
the PostgreSQL team database; ``set_backend(backend)`` replaces it (tests, notebooks),
``set_backend(None)`` resets it.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from data.store.base import PersistenceBackend

if TYPE_CHECKING:
    from data.store.sql_backend import SQLBackend

__all__ = ["PersistenceBackend", "get_backend", "set_backend", "sql_store"]

_lock = threading.Lock()
_backend: PersistenceBackend | None = None
_backend_key: str | None = None
_anchored: Path | None = None  # the database the default backend keeps open


def _current_key() -> str:
    from data.db.postgres import configured_url
    from data.locations import get_db_path
    from data.storage_mode import get_storage_mode

    url = configured_url()
    if url:
        return f"postgresql:{url}"
    return f"{get_storage_mode()}:{get_db_path()}"


def _make_default_backend(mode: str, where: str) -> PersistenceBackend:
    from data.locations import get_data_dir, get_db_path
    from data.store.dual_backend import DualBackend
    from data.store.json_backend import JSONBackend
    from data.store.sqlite_backend import SQLiteBackend

    if mode == "postgresql":
        from data.store.postgres_backend import PostgresBackend

        return PostgresBackend(where)
    if mode == "json":
        return JSONBackend(get_data_dir())
    primary = SQLiteBackend(get_db_path())
    _anchor(primary.db_path)
    return DualBackend(primary, JSONBackend(get_data_dir())) if mode == "dual" else primary


def _anchor(db_path: Path | None) -> None:
    """The default backend keeps its database anchored (one idle read-only connection) for as
    long as it is the default, so that a process's per-call connections close without a WAL
    checkpoint each (~10 ms; issue 16 §5); the anchor of the one it replaces is released."""
    global _anchored
    from data.db.connection import keep_database_open, release_anchor

    if _anchored is not None and _anchored != db_path:
        release_anchor(_anchored)
    _anchored = db_path
    if db_path is not None:
        keep_database_open(db_path)


def get_backend() -> PersistenceBackend:
    global _backend, _backend_key
    with _lock:
        if _backend is not None and _backend_key is None:  # installed with set_backend()
            return _backend
        key = _current_key()
        if _backend is None or _backend_key != key:
            _anchor(None)
            _close(_backend)
            _backend, _backend_key = _make_default_backend(*key.split(":", 1)), key
        return _backend


def sql_store() -> SQLBackend:
    """The SQL database the data lives in, for the tools that read or write it whole (export,
    import, the audit log): the team database when ``FLOWCAST_DATABASE_URL`` names one, else the
    SQLite file — in every storage mode, the legacy JSON files only mirroring it."""
    from data.db.postgres import configured_url
    from data.locations import get_db_path
    from data.store.sql_backend import SQLBackend
    from data.store.sqlite_backend import SQLiteBackend

    if configured_url():
        backend = get_backend()
        if not isinstance(backend, SQLBackend):  # a team database is always a SQLBackend
            raise TypeError(f"FLOWCAST_DATABASE_URL is set but the store is {backend!r}")
        return backend
    return SQLiteBackend(get_db_path())


def set_backend(backend: PersistenceBackend | None) -> None:
    global _backend, _backend_key
    with _lock:
        _anchor(None)
        if _backend_key is not None:
            _close(_backend)
        _backend = backend
        _backend_key = None


def _close(backend: PersistenceBackend | None) -> None:
    """Give back a replaced default backend's pooled connections (PostgreSQL)."""
    close = getattr(backend, "close", None)
    if close is not None:
        close()

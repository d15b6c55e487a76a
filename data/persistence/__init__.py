"""The persistence interface and the process-wide backend (quickstart §2).

``get_backend()`` returns the backend for the current data directory (SQLite by default);
``set_backend(backend)`` replaces it (tests, notebooks), ``set_backend(None)`` resets it.
"""

from __future__ import annotations

import threading

from data.persistence.base import PersistenceBackend

__all__ = ["PersistenceBackend", "get_backend", "set_backend"]

_lock = threading.Lock()
_backend: PersistenceBackend | None = None
_backend_key: str | None = None


def _make_default_backend() -> tuple[PersistenceBackend, str]:
    from data.persistence.sqlite_backend import SQLiteBackend
    from data.settings import get_db_path

    path = get_db_path()
    return SQLiteBackend(path), str(path)


def get_backend() -> PersistenceBackend:
    global _backend, _backend_key
    from data.settings import get_db_path

    with _lock:
        if _backend is None or (_backend_key is not None and _backend_key != str(get_db_path())):
            _backend, _backend_key = _make_default_backend()
        return _backend


def set_backend(backend: PersistenceBackend | None) -> None:
    global _backend, _backend_key
    with _lock:
        _backend = backend
        _backend_key = None

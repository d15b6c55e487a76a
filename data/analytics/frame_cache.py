"""A query's frames as read from SQLite, kept on disk and shared by every Flowcast process.

Reading a 10,000-issue query from SQLite costs ~0.2 s, and the first page drawn after a fetch
would pay it in the server process although the fetch job (another process) has just read the
same rows to compute the weekly snapshots. The job leaves the frames here, keyed by the query's
data fingerprint (``store.data_fingerprint``, which changes whenever the stored data does), so
the server loads them in a few milliseconds.

The frames are stored unrestricted (everything fetched); the reader applies its own ``as_of``.
The cache is ``<data dir>/cache/frames`` (diskcache: atomic, multi-process, size-bounded; its
entries are pickles of issue data, so the folder is 0700 and every file in it 0600, like the
database). Deleting that
folder is always safe. A cache that cannot be read or written (full disk,
read-only folder, a damaged entry) is skipped: the frames are then read from SQLite.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path
from typing import Any

import diskcache

from data.locations import get_cache_dir
from data.metrics.frames import QueryFrames
from data.private_files import private_cache

logger = logging.getLogger(__name__)

SIZE_LIMIT_BYTES = 512 * 1024 * 1024
# Bumped whenever QueryFrames or the way it is read changes, so old entries are never used.
FORMAT_VERSION = 1

_caches: dict[Path, diskcache.Cache] = {}
_caches_lock = threading.Lock()


def cache_dir() -> Path:
    return get_cache_dir() / "frames"


def _cache() -> diskcache.Cache:
    directory = cache_dir()
    with _caches_lock:
        cache = _caches.get(directory)
        if cache is None:
            cache = private_cache(
                directory, size_limit=SIZE_LIMIT_BYTES, eviction_policy="least-recently-used"
            )
            _caches[directory] = cache
        return cache


def cache_key(db_file: str, profile_id: str, query_id: str, fingerprint: tuple[Any, ...]) -> str:
    """One key per database file, query and state of its data."""
    text = repr((FORMAT_VERSION, db_file, profile_id, query_id, fingerprint))
    return hashlib.sha256(text.encode()).hexdigest()


def get_frames(key: str) -> QueryFrames | None:
    try:
        value = _cache().get(key)
    except Exception as exc:  # a damaged or unreadable entry is a miss, never an error
        logger.debug("Frame cache read failed (%s); reading SQLite instead.", type(exc).__name__)
        return None
    return value if isinstance(value, QueryFrames) else None


def put_frames(key: str, frames: QueryFrames) -> None:
    try:
        _cache().set(key, frames)
    except Exception as exc:  # a full disk or read-only folder must not fail the metrics
        logger.debug("Frame cache write failed (%s); continuing without it.", type(exc).__name__)


def clear() -> None:
    """Empty the cache (benchmarks and tests measure the uncached path with it)."""
    try:
        _cache().clear()
    except Exception as exc:
        logger.debug("Frame cache clear failed (%s).", type(exc).__name__)


def close_all() -> None:
    """Close every open cache (a process that changes data directory, e.g. between tests)."""
    with _caches_lock:
        for cache in _caches.values():
            cache.close()
        _caches.clear()

"""The analytics' one result cache, in two tiers keyed by the state of the data they hold.

**Frames** (disk, shared by every Flowcast process): a query's frames as read from SQLite.
Reading a 10,000-issue query costs ~0.2 s, and the first page drawn after a fetch would pay it
in the server process although the fetch job (another process) has just read the same rows for
the weekly snapshots. The job leaves the frames here, keyed by the query's data fingerprint
(``data.store.query_rows.data_fingerprint``, which changes whenever the stored data does), so
the server loads them in a few milliseconds. They are stored unrestricted (everything fetched);
the reader applies its own ``as_of``. The folder is ``<data dir>/cache/frames`` (diskcache:
atomic, multi-process, size-bounded; its entries are pickles of issue data, so the folder is 0700
and every file in it 0600, like the database). Deleting it is always safe; a cache that cannot be
read or written (full disk, read-only folder, a damaged entry) is a miss, never an error.
The same folder keeps ``report --json``'s finished texts (``data.analytics.report_cache``); this
module imports no pandas, so a kept report is read without it.

**Contexts** (this process's memory, in front of the frames): the current ("now") metrics
context — the frames with their replayed history for one set of mappings — so every page after
the first skips the replay too. A few entries, each for at most ``CONTEXT_TTL_SECONDS`` (ages and
"today" move on); their key adds the mappings to the data fingerprint, so a Settings change is
seen at once.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import TYPE_CHECKING, Any

import diskcache

from data.locations import get_cache_dir
from data.private_files import private_cache

if TYPE_CHECKING:  # pandas: the report tier is read without it
    from data.metrics.frames import QueryFrames

logger = logging.getLogger(__name__)

SIZE_LIMIT_BYTES = 512 * 1024 * 1024
# Bumped whenever QueryFrames or the way it is read changes, so old entries are never used.
FORMAT_VERSION = 4  # 2: QueryFrames.flags; 3: issues.subtask; 4: issues.parent

CONTEXT_TTL_SECONDS = 300.0
CONTEXT_ENTRIES = 4
RESULT_ENTRIES = 8
PAGE_ENTRIES = 8

_caches: dict[Path, diskcache.Cache] = {}
_caches_lock = threading.Lock()


def cache_dir() -> Path:
    return get_cache_dir() / "frames"


def _cache() -> diskcache.Cache:
    directory = cache_dir()
    with _caches_lock:
        cache = _caches.get(directory)
        if cache is not None and not directory.is_dir():
            # The folder was deleted while the process ran (always safe): start a new one.
            _caches.pop(directory).close()
            cache = None
        if cache is None:
            # A process works in one data directory at a time (tests switch between many):
            # the handle of a directory it left is closed.
            for old in _caches.values():
                old.close()
            _caches.clear()
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
    from data.metrics.frames import QueryFrames

    value = get_value(key)
    return value if isinstance(value, QueryFrames) else None


def put_frames(key: str, frames: QueryFrames) -> None:
    put_value(key, frames)


def get_value(key: str) -> Any | None:
    """The folder's entry for ``key`` (frames, or a report's text: data.analytics.report_cache),
    None when there is none or it cannot be read."""
    try:
        return _cache().get(key)
    except Exception as exc:  # a damaged or unreadable entry is a miss, never an error
        logger.debug("Cache read failed (%s); computing instead.", type(exc).__name__)
        return None


def put_value(key: str, value: Any) -> None:
    try:
        _cache().set(key, value)
    except Exception as exc:  # a full disk or read-only folder must not fail the metrics
        logger.debug("Cache write failed (%s); continuing without it.", type(exc).__name__)


def clear() -> None:
    """Empty both tiers (benchmarks measure the uncached path with it)."""
    clear_contexts()
    try:
        _cache().clear()
    except Exception as exc:
        logger.debug("Frame cache clear failed (%s).", type(exc).__name__)


class _Memo:
    """A few values of this process, each fresh for ``CONTEXT_TTL_SECONDS``, the least recently
    used dropped first."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self.values: OrderedDict[tuple[Any, ...], tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: tuple[Any, ...]) -> Any | None:
        with self.lock:
            entry = self.values.get(key)
            if entry is None or time.monotonic() - entry[0] > CONTEXT_TTL_SECONDS:
                self.values.pop(key, None)
                return None
            self.values.move_to_end(key)
            return entry[1]

    def put(self, key: tuple[Any, ...], value: Any) -> None:
        with self.lock:
            self.values[key] = (time.monotonic(), value)
            while len(self.values) > self.entries:
                self.values.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.values.clear()


_contexts = _Memo(CONTEXT_ENTRIES)
# Results computed from more than the frames (a query's sprints and epics), keyed by the caller
# with everything they depend on; kept apart so they never push a context out.
_results = _Memo(RESULT_ENTRIES)
# Pages drawn from stored data other than a context (the weekly review), keyed by that data.
_pages = _Memo(PAGE_ENTRIES)


def get_context(key: tuple[Any, ...]) -> Any | None:
    """This process's context for ``key`` while it is fresh, else None."""
    return _contexts.get(key)


def put_context(key: tuple[Any, ...], context: Any) -> None:
    _contexts.put(key, context)


def get_result(key: tuple[Any, ...]) -> Any | None:
    """This process's result for ``key`` while it is fresh, else None."""
    return _results.get(key)


def put_result(key: tuple[Any, ...], value: Any) -> None:
    _results.put(key, value)


def get_page(key: tuple[Any, ...]) -> Any | None:
    """This process's page for ``key`` while it is fresh, else None."""
    return _pages.get(key)


def put_page(key: tuple[Any, ...], page: Any) -> None:
    _pages.put(key, page)


def clear_contexts() -> None:
    """Forget this process's contexts, results and pages (the next page computes them again)."""
    _contexts.clear()
    _results.clear()
    _pages.clear()

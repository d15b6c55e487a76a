"""``report --json``'s finished text, kept on disk (the frame cache's folder,
``data.analytics.cache``) so a second report of unchanged data reads one entry and writes it out,
without importing pandas or numpy: a 10,000-issue report is ~1.1 s CPU computed, ~0.1 s kept.

The entry's key is everything the text depends on: the database file, the profile and the query
as stored (every setting the metrics read), the query's approved plan (its deadline), the query's
data fingerprint and its profile's sprints (every fetch changes one), the as-of asked for and the
code that computes and prints it (Flowcast's source files, numpy's, pandas' and orjson's). What it
cannot hold is a different answer: a kept text is the one an uncached run prints, byte for byte.

- ``--as-of`` an ISO date or date-time is one instant whatever the clock says: its text is kept.
- Without ``--as-of`` the report is as of now, which moves on. Its text is kept only when it is
  the same all the rest of that local day in the metrics time zone — computed again as of the
  day's last millisecond, it differs in nothing but its ``as_of`` line (nothing is blocked right
  now, no stored time lies ahead, ...). Every value that moves with the instant (blocked time
  growing, a rolling window sliding) moves one way, so equal at both ends is equal in between.
  A later report that day prints the kept text with its own ``as_of``; the next day is a new key.
  A query with something blocked right now is computed every time, as before.

A cache that cannot be read or written is a miss, never an error (``data.analytics.cache``).
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from data.analytics import cache
from data.db.connection import read_transaction
from data.plans.approved import approved_plan
from data.profiles.manager import get_profile, get_query, metrics_today
from data.store import get_backend
from data.store.query_rows import data_fingerprint, database_file
from data.store.sprints import sprints_stamp

# Bumped whenever what an entry holds changes.
ENTRY_FORMAT = 1
_SOURCE_ROOT = Path(__file__).resolve().parent.parent.parent
_SOURCE_DIRS = ("data", "cli")
_LIBRARIES = ("numpy", "pandas", "orjson")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class KeptReport:
    text: str  # what ``report --json`` printed
    as_of: str  # its ``as_of`` value (a now report's instant)
    until_ms: int | None  # a now report: the last epoch ms of its local day; None: a fixed as-of


def json_report(
    profile_id: str,
    query_id: str,
    as_of: str | None,
    compute: Callable[[str | None], str],
    write: Callable[[str], None],
) -> None:
    """Write ``report --json``'s text for ``as_of`` (None: now) with ``write``: the kept one when
    it is, else ``compute(as_of)``'s, kept afterwards when it can be (see the module)."""
    if not _cacheable(as_of):
        write(compute(as_of))
        return
    now = datetime.now(UTC)
    kept = _get(profile_id, query_id, as_of, now)
    if kept is not None and kept.until_ms is None:
        write(kept.text)
        return
    if kept is not None and kept.until_ms is not None:
        if _epoch_ms(_instant(kept.as_of)) <= _epoch_ms(now) <= kept.until_ms:
            write(_with_as_of(kept.text, kept.as_of, _now_stamp(now)))
            return
    text = compute(as_of)
    write(text)
    computed_at = _document_as_of(text)
    if as_of is not None:
        _put(profile_id, query_id, as_of, None, KeptReport(text, computed_at, None))
        return
    at = _instant(computed_at)
    until_ms = _last_ms_of_day(profile_id, at)
    later = compute((_EPOCH + timedelta(milliseconds=until_ms)).isoformat(timespec="milliseconds"))
    if _with_as_of(later, _document_as_of(later), computed_at) == text:
        _put(profile_id, query_id, None, at, KeptReport(text, computed_at, until_ms))


def _cacheable(as_of: str | None) -> bool:
    """A now report, or an as-of that names one instant (not ``today`` or ``now``)."""
    if as_of is None:
        return True
    try:
        datetime.fromisoformat(as_of)
    except ValueError:
        return False
    return True


def _now_stamp(now: datetime) -> str:
    """``now`` as a now report's ``as_of`` says it: UTC, to the millisecond (a whole second
    without a fraction), as ``pd.Timestamp.isoformat`` writes it."""
    return now.replace(microsecond=now.microsecond // 1000 * 1000).isoformat()


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _epoch_ms(moment: datetime) -> int:
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def _document_as_of(text: str) -> str:
    """The ``as_of`` of a report's text (its first value)."""
    first, second = text.split("\n", 2)[:2]
    if first != "{" or not second.startswith('  "as_of": '):
        raise ValueError("A report's text starts with its as_of.")
    return str(json.loads(second.removeprefix('  "as_of": ').rstrip(",")))


def _with_as_of(text: str, old: str, new: str) -> str:
    return text.replace(f'  "as_of": {json.dumps(old)},', f'  "as_of": {json.dumps(new)},', 1)


def _last_ms_of_day(profile_id: str, at: datetime) -> int:
    """The last epoch millisecond of ``at``'s local day in the profile's metrics time zone, as
    the metrics count days."""
    import numpy as np  # the report was computed: numpy and pandas are loaded

    from data.metrics.frames import local_day_of, local_midnight_ms
    from data.metrics.mappings import mappings_from_profile

    zone = mappings_from_profile(get_profile(profile_id)).time_zone
    day = int(local_day_of(np.array([_epoch_ms(at)]), zone)[0])
    return int(local_midnight_ms(day + 1, zone)[0]) - 1


def _key(profile_id: str, query_id: str, as_of: str | None, now: datetime | None) -> str:
    profile = get_profile(profile_id)
    query = get_query(profile_id, query_id)
    plan = approved_plan(profile_id, query_id)
    with get_backend().session() as conn, read_transaction(conn):
        state = (
            database_file(conn),
            tuple(data_fingerprint(conn, profile_id, query_id)),
            sprints_stamp(conn, profile_id),
        )
    day = None if now is None else metrics_today(profile, now).isoformat()
    text = json.dumps(
        [ENTRY_FORMAT, _code_version(), profile, query, repr(plan), state, as_of, day],
        sort_keys=True,
        default=str,
    )
    return "report:" + hashlib.sha256(text.encode()).hexdigest()


def _get(profile_id: str, query_id: str, as_of: str | None, now: datetime) -> KeptReport | None:
    value = cache.get_value(_key(profile_id, query_id, as_of, None if as_of else now))
    return value if isinstance(value, KeptReport) else None


def _put(
    profile_id: str, query_id: str, as_of: str | None, now: datetime | None, kept: KeptReport
) -> None:
    cache.put_value(_key(profile_id, query_id, as_of, now), kept)


def _code_version() -> list[tuple[str, str | None, int | None, int | None]]:
    """What changes with the code that computes and prints a report: every source file of
    Flowcast's ``data`` and ``cli`` packages and of the libraries, by path, size and time."""
    files: list[tuple[str, str | None, int | None, int | None]] = []
    for name in _SOURCE_DIRS:
        for folder, _dirs, names in os.walk(_SOURCE_ROOT / name):
            for file in names:
                if file.endswith(".py"):
                    stat = os.stat(os.path.join(folder, file))
                    files.append((folder, file, stat.st_size, stat.st_mtime_ns))
    for library in _LIBRARIES:
        spec = importlib.util.find_spec(library)
        origin = spec.origin if spec is not None else None
        found = os.stat(origin) if origin else None
        files.append((library, origin, found and found.st_size, found and found.st_mtime_ns))
    return sorted(files, key=repr)

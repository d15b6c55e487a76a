"""Loading a query's stored data as frames (through the frame cache), and storing weekly
statistics and snapshots.

The SQL is ``data.store.query_rows``; this module turns its rows into typed frames (times as
UTC datetimes from epoch milliseconds, so pandas never parses text dates) and caches them.
"""

from __future__ import annotations

import gc
import itertools
import logging
import threading
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

import numpy as np
import orjson
import pandas as pd

from data.analytics import cache
from data.db.connection import read_transaction, write_transaction
from data.db.sqlite import Connection
from data.errors import DatabaseError
from data.metrics.epics import DEFAULT_SUBTASK_COUNTING, counted_issues
from data.metrics.frames import (
    ISSUE_COLUMNS,
    QueryFrames,
    encode_statuses,
    restrict_to,
    utc_timestamp,
)
from data.metrics.weekly import project_data_document
from data.plans import add_metrics, list_plans
from data.store import get_backend
from data.store import issues as issues_store
from data.store.base import PersistenceBackend
from data.store.query_rows import (
    DataFingerprint,
    data_fingerprint,
    database_file,
    query_ids,
    read_query_rows,
)

logger = logging.getLogger(__name__)


def load_query_frames(
    conn: Connection,
    profile_id: str,
    query_id: str,
    as_of: datetime | str | None = None,
    fingerprint: DataFingerprint | None = None,
    *,
    subtask_counting: str = DEFAULT_SUBTASK_COUNTING,
) -> QueryFrames:
    """A query's current members as known at ``as_of`` (default now): issues created by then,
    their transitions made by then, their fix versions (see ``frames.restrict_to``), and the
    profile's JIRA status categories.

    This is where the profile's sub-task counting (``forecast_settings.subtask_counting``,
    ``MetricMappings.subtask_counting``) applies, once for every metric read from the frames:
    ``"parents"`` (the default) leaves JIRA sub-tasks out, as their parents are the items, so
    throughput, cycle time, WIP and the forecasts do not count the work twice; ``"items"``
    keeps them as items of their own.

    The data fingerprint and the rows are read in one read transaction; rows already read by any
    process for that fingerprint come from the frame cache instead of SQLite. A caller that
    read ``fingerprint`` itself must hold the read transaction (``read_transaction``) around both.
    """
    stamp = utc_timestamp(as_of)
    # Millions of short-lived row tuples would trigger the cyclic garbage collector over and
    # over (none of them can form cycles); pausing it halves the load time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with read_transaction(conn):
            if fingerprint is None:
                fingerprint = data_fingerprint(conn, profile_id, query_id)
            key = cache.cache_key(database_file(conn), profile_id, query_id, fingerprint.frames)
            frames = cache.get_frames(key)
            if frames is None:
                frames = _read_frames(conn, profile_id, query_id, stamp)
                cache.put_frames(key, frames)
        return restrict_to(frames, stamp, counted_issues(frames, subtask_counting))
    finally:
        if enabled:
            gc.enable()


def issue_summaries(profile_id: str, keys: Iterable[str]) -> dict[str, str]:
    """Summary per issue key of a profile, for the tables (the frames carry no issue text)."""
    with get_backend().session() as conn:
        return issues_store.issue_summaries(conn, profile_id, keys)


def warm_frame_cache(profile_id: str | None = None, query_id: str | None = None) -> int:
    """Read the frames of every query (of ``profile_id``; only ``query_id`` if given) into the
    frame cache, so the first page drawn after an import, restore or CLI fetch does not read
    SQLite. Returns the number of queries read."""
    with get_backend().session() as conn:
        pairs = query_ids(conn, profile_id, query_id)
        for pid, qid in pairs:
            load_query_frames(conn, pid, qid)
    return len(pairs)


def warm_active_profile_in_background() -> threading.Thread:
    """Warm the active profile's queries in a daemon thread (``flowcast serve`` on start), so the
    first pages after an upgrade or a deleted cache folder do not read SQLite either. Best effort:
    a failure is logged and changes nothing."""

    def warm() -> None:
        try:
            profile_id = get_backend().get_app_state("active_profile_id")
            if profile_id:
                warm_frame_cache(profile_id)
        except Exception:  # a cache warm-up must never stop the server
            logger.warning("Could not prepare the frame cache on start", exc_info=True)

    thread = threading.Thread(target=warm, name="flowcast-warm-frames", daemon=True)
    thread.start()
    return thread


def _read_frames(
    conn: Connection, profile_id: str, query_id: str, stamp: pd.Timestamp
) -> QueryFrames:
    """Everything stored for the query (no ``as_of`` applied), as frames."""
    rows = read_query_rows(conn, profile_id, query_id)
    issue_rows = rows.issues
    columns = list(zip(*issue_rows, strict=True)) if issue_rows else [()] * 15
    issues = pd.DataFrame(
        {
            "key": np.asarray(columns[0], dtype=object),
            "issue_type": np.asarray(columns[1], dtype=object),
            "status": np.asarray(columns[2], dtype=object),
            "status_category": np.asarray(columns[3], dtype=object),
            "priority": np.asarray(columns[4], dtype=object),
            "created": _utc_times(np.asarray(columns[5], dtype="int64")),
            "resolved": _utc_times(np.asarray(columns[6], dtype="int64")),
            "points": np.asarray(columns[7], dtype="float64"),
            "initial_status": np.asarray(columns[8], dtype=object),
            "changelog_total": np.asarray(columns[9], dtype="int64"),
        },
        columns=list(ISSUE_COLUMNS),
    )
    # Each issue's packed transitions (data.store.issues.pack_transitions): 8 bytes per time.
    times = columns[11]
    counts = np.fromiter(map(len, times), dtype="int64", count=len(times)) // 8
    at_ms = np.frombuffer(b"".join(times), dtype=">i8").astype("int64")
    issue, codes, statuses = _status_codes(columns[12], counts)
    transitions = pd.DataFrame(
        {
            "issue": issue,
            "at": _utc_times(at_ms),
            "to_status": pd.Categorical.from_codes(codes, statuses),
        }
    )
    versions = _fix_versions(columns[13])
    # One hash of the keys finds the issue of every flag change.
    keys = pd.Index(issues["key"])
    f_columns = list(zip(*rows.flags, strict=True)) if rows.flags else [()] * 3
    flags = pd.DataFrame(
        {
            "issue": keys.get_indexer(np.asarray(f_columns[0], dtype=object)),
            "at": _utc_times(np.asarray(f_columns[1], dtype="int64")),
            "value": pd.Series(f_columns[2], dtype=object).fillna("").to_numpy(dtype=object),
        }
    )
    encode_statuses(issues, transitions)
    issues["subtask"] = np.asarray(columns[10], dtype="int64").astype(bool)
    issues["parent"] = np.asarray(columns[14], dtype=object)
    return QueryFrames(issues, transitions, versions, stamp, rows.status_categories, flags)


def _status_codes(
    packed: tuple[str, ...], counts: np.ndarray
) -> tuple[np.ndarray, np.ndarray, pd.Index]:
    """Each transition's issue and target status, as a code into the returned names (in order
    of first appearance), from each issue's JSON array of them. Issues share few distinct
    sequences of statuses, so each distinct array is parsed once."""
    sequence, texts = pd.factorize(np.asarray(packed, dtype=object))
    code_of: dict[str, int] = {}
    parsed = [[code_of.setdefault(name, len(code_of)) for name in orjson.loads(t)] for t in texts]
    issue, at = _spread(sequence, [len(codes) for codes in parsed])
    if not np.array_equal(np.bincount(issue, minlength=len(counts)), counts):
        raise DatabaseError(
            "An issue's packed transitions are damaged (their times and statuses differ in "
            "number); fetch the query again."
        )
    flat = np.fromiter(itertools.chain.from_iterable(parsed), dtype="int64")
    return issue, flat[at], pd.Index(list(code_of), dtype=object)


def _fix_versions(packed: tuple[str | None, ...]) -> pd.DataFrame:
    """The versions frame from each issue's fix versions as JSON text (None: none), each
    distinct text parsed once; what is not an array holds no version, an element that is not an
    object one without name, release or date."""
    sequence, texts = pd.factorize(np.asarray(packed, dtype=object))
    parsed = []
    for text in texts:
        value = orjson.loads(text)
        parsed.append(
            [v if isinstance(v, dict) else {} for v in value] if isinstance(value, list) else []
        )
    issue, at = _spread(sequence, [len(versions) for versions in parsed])
    flat = list(itertools.chain.from_iterable(parsed))
    names = np.array([v.get("name") for v in flat], dtype=object)
    released = pd.Series([v.get("released") for v in flat], dtype=object).fillna(0).astype(bool)
    dates = pd.to_datetime(
        pd.Series([v.get("releaseDate") for v in flat], dtype=object),
        errors="coerce",
        format="ISO8601",
    ).astype("datetime64[ms]")
    return pd.DataFrame(
        {
            "issue": issue,
            "name": names[at],
            "released": released.to_numpy()[at],
            "release_date": dates.to_numpy()[at],
        }
    )


def _spread(sequence: np.ndarray, sizes: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """For issues whose entries are those of distinct value ``sequence[i]`` (-1: none), with
    ``sizes`` entries per distinct value: each entry's issue, and its position among the
    distinct values' entries laid end to end."""
    size = np.append(np.asarray(sizes, dtype="int64"), 0)  # the last one for -1
    starts = np.cumsum(size) - size
    lengths = size[sequence]
    first = np.cumsum(lengths) - lengths
    at = np.repeat(starts[sequence] - first, lengths) + np.arange(int(lengths.sum()))
    return np.repeat(np.arange(len(sequence)), lengths), at


def _utc_times(epoch_ms: np.ndarray) -> pd.Series:
    """Epoch milliseconds as UTC times (``MISSING_MS`` is NaT)."""
    return pd.Series(epoch_ms.astype("datetime64[ms]")).dt.tz_localize("UTC")


def save_weekly_statistics(
    backend: PersistenceBackend,
    profile_id: str,
    query_id: str,
    weekly: pd.DataFrame,
    points_field: str | None,
) -> dict[str, Any]:
    """Store the weekly statistics as the query's ``project_data`` and return the document."""
    document = project_data_document(weekly, points_field)
    backend.save_project_data(profile_id, query_id, document)
    return document


def save_snapshots(
    backend: PersistenceBackend,
    profile_id: str,
    query_id: str,
    snapshots: Iterable[tuple[str, str, dict[str, Any], dict[str, Any] | None]],
    plan_forecasts: Mapping[str, Mapping[str, Any]] | None = None,
) -> int:
    """Store (week, metric_type, metrics, forecast) rows; a stored week and type is replaced.

    ``plan_forecasts`` ({week: {metric: number or ISO date}}) is recorded for every plan of the
    query (``record_plan_forecasts``). All rows go in one transaction (all or nothing, and 20x
    faster than one each).
    """
    rows = list(snapshots)
    # One transaction on the database: the snapshots (on SQLite; the legacy JSON store writes its
    # files) and the plans' forecasts, which live in SQLite whatever the storage mode.
    with backend.session() as conn, write_transaction(conn):
        for week, metric_type, metrics, forecast in rows:
            backend.save_metrics_snapshot(
                profile_id, query_id, week, metric_type, metrics, forecast
            )
        if plan_forecasts:
            record_plan_forecasts(conn, profile_id, query_id, plan_forecasts)
    return len(rows)


def record_plan_forecasts(
    conn: Connection,
    profile_id: str,
    query_id: str,
    forecasts: Mapping[str, Mapping[str, Any]],
) -> None:
    """Record each week's forecast in ``plan_metrics`` for every live (not deleted) plan of the
    query, against the plan's current version, so forecast drift shows per plan version
    (docs/plans.md). One transaction on ``conn``, the caller's store session, which the plan
    calls join."""
    with write_transaction(conn):
        for plan in list_plans(profile_id, query_id):
            for week, values in forecasts.items():
                add_metrics(plan["id"], week, dict(values))

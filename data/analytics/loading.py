"""Reading a query's rows into frames, and storing weekly statistics and snapshots.

The only I/O of the metrics engine: one SQL statement per frame, times converted to epoch
milliseconds inside SQLite (``unixepoch(…, 'subsec')``), so pandas never parses text dates.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from data.analytics import frame_cache
from data.db.connection import get_db_connection, write_transaction
from data.db.sqlite import Connection
from data.errors import DatabaseError
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
from data.store.base import PersistenceBackend
from data.store.sqlite_backend import SQLiteBackend

logger = logging.getLogger(__name__)

# Issues and their transitions come in the same order (the query's members by key; transitions
# by key, then seq) — both straight from the primary keys, no sorting — so each transition's issue
# is found from the per-issue counts, without sending 1.2 million keys to Python.
# CROSS JOIN keeps the query's members as the outer loop (SQLite's planner would otherwise scan
# every transition of the profile and look each one up in query_issues: four times slower).
_ISSUES_SQL = (
    "SELECT i.issue_key, i.issue_type, i.status, i.status_category, i.priority, "
    "unixepoch(i.created, 'subsec') * 1000, unixepoch(i.resolved, 'subsec') * 1000, i.points, "
    # The creation status: where the first transition came from (its target if JIRA left
    # "from" empty), or the current status when there never was a transition.
    "COALESCE((SELECT COALESCE(t.from_status, t.to_status) FROM issue_transitions t "
    "  WHERE t.profile_id = i.profile_id AND t.issue_key = i.issue_key ORDER BY t.seq LIMIT 1), "
    "  i.status), i.changelog_total, "
    "(SELECT COUNT(*) FROM issue_transitions t "
    "  WHERE t.profile_id = i.profile_id AND t.issue_key = i.issue_key) "
    "FROM query_issues q CROSS JOIN issues i "
    "ON i.profile_id = q.profile_id AND i.issue_key = q.issue_key "
    "WHERE q.profile_id = ?1 AND q.query_id = ?2 ORDER BY q.issue_key"
)
_TRANSITIONS_SQL = (
    "SELECT unixepoch(t.changed_at, 'subsec') * 1000, t.to_status "
    "FROM query_issues q CROSS JOIN issue_transitions t "
    "ON t.profile_id = q.profile_id AND t.issue_key = q.issue_key "
    "WHERE q.profile_id = ?1 AND q.query_id = ?2 ORDER BY q.issue_key, t.seq"
)
_VERSIONS_SQL = (
    "SELECT i.issue_key, v.value ->> '$.name', v.value ->> '$.released', "
    "v.value ->> '$.releaseDate' "
    "FROM query_issues q CROSS JOIN issues i "
    "ON i.profile_id = q.profile_id AND i.issue_key = q.issue_key, "
    "json_each(i.fields, '$.fixVersions') v "
    "WHERE q.profile_id = ?1 AND q.query_id = ?2"
)
_STATUSES_SQL = "SELECT name, category FROM jira_statuses WHERE profile_id = ?"


# Everything load_query_frames reads changes one of these: a sync or import rewrites issues with a
# new fetched_at, a removal changes the membership count, a full sync restamps the status list.
# The query's imported statistics (project_data, read by load_context, not by load_query_frames)
# carry updated_at.
_FINGERPRINT_SQL = (
    "SELECT (SELECT COUNT(*) FROM query_issues WHERE profile_id = ?1 AND query_id = ?2), "
    "(SELECT COUNT(*) FROM issues WHERE profile_id = ?1), "
    "(SELECT MAX(fetched_at) FROM issues WHERE profile_id = ?1), "
    "(SELECT MAX(fetched_at) FROM jira_statuses WHERE profile_id = ?1), "
    "(SELECT updated_at FROM project_data WHERE profile_id = ?1 AND query_id = ?2)"
)


class DataFingerprint(NamedTuple):
    """A cheap value that changes whenever a query's stored data does (for caching)."""

    members: int
    issues: int
    newest_fetch: str | None
    statuses_fetch: str | None
    statistics_update: str | None

    @property
    def frames(self) -> tuple[Any, ...]:
        """What the frames depend on: everything but the imported statistics, which the fetch
        job rewrites after it has read the frames for its snapshots."""
        return (self.members, self.issues, self.newest_fetch, self.statuses_fetch)


def data_fingerprint(conn: Connection, profile_id: str, query_id: str) -> DataFingerprint:
    return DataFingerprint(*conn.execute(_FINGERPRINT_SQL, (profile_id, query_id)).fetchone())


@contextmanager
def read_snapshot(conn: Connection) -> Iterator[None]:
    """One read transaction (unless one is open): every statement sees the same data even while
    a sync writes."""
    opened = not conn.in_transaction
    if opened:
        conn.execute("BEGIN")
    try:
        yield
    finally:
        if opened:
            conn.execute("COMMIT")


def load_query_frames(
    conn: Connection,
    profile_id: str,
    query_id: str,
    as_of: datetime | str | None = None,
    fingerprint: DataFingerprint | None = None,
) -> QueryFrames:
    """A query's current members as known at ``as_of`` (default now): issues created by then,
    their transitions made by then, their fix versions (see ``frames.restrict_to``), and the
    profile's JIRA status categories.

    The data fingerprint and the rows are read in one read transaction; rows already read by any
    process for that fingerprint come from the frame cache instead of SQLite. A caller that
    read ``fingerprint`` itself must hold the read transaction (``read_snapshot``) around both.
    """
    stamp = utc_timestamp(as_of)
    # Millions of short-lived row tuples would trigger the cyclic garbage collector over and
    # over (none of them can form cycles); pausing it halves the load time.
    enabled = gc.isenabled()
    gc.disable()
    try:
        with read_snapshot(conn):
            if fingerprint is None:
                fingerprint = data_fingerprint(conn, profile_id, query_id)
            key = frame_cache.cache_key(
                _database_file(conn), profile_id, query_id, fingerprint.frames
            )
            frames = frame_cache.get_frames(key)
            if frames is None:
                frames = _read_frames(conn, profile_id, query_id, stamp)
                frame_cache.put_frames(key, frames)
        return restrict_to(frames, stamp)
    finally:
        if enabled:
            gc.enable()


def warm_frame_cache(profile_id: str | None = None, query_id: str | None = None) -> int:
    """Read the frames of every query (of ``profile_id``; only ``query_id`` if given) into the
    frame cache, so the first page drawn after an import, restore or CLI fetch does not read
    SQLite. Returns the number of queries read."""
    sql = "SELECT profile_id, id FROM queries"
    params: tuple[str, ...] = ()
    if profile_id is not None:
        sql += " WHERE profile_id = ?"
        params = (profile_id,)
        if query_id is not None:
            sql += " AND id = ?"
            params = (profile_id, query_id)
    with get_db_connection(getattr(get_backend(), "db_path", None)) as conn:
        pairs = conn.execute(sql, params).fetchall()
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


def _database_file(conn: Connection) -> str:
    return str(conn.execute("PRAGMA main.database_list").fetchone()[2])


def _read_frames(
    conn: Connection, profile_id: str, query_id: str, stamp: pd.Timestamp
) -> QueryFrames:
    """Everything stored for the query (no ``as_of`` applied), from four statements."""
    params = (profile_id, query_id)
    cursor = conn.cursor()
    # Plain tuples: building a Row object per row costs more than the query itself.
    cursor.row_factory = None
    issue_rows = cursor.execute(_ISSUES_SQL, params).fetchall()
    transition_rows = cursor.execute(_TRANSITIONS_SQL, params).fetchall()
    version_rows = cursor.execute(_VERSIONS_SQL, params).fetchall()
    status_categories = dict(cursor.execute(_STATUSES_SQL, (profile_id,)).fetchall())

    columns = list(zip(*issue_rows, strict=True)) if issue_rows else [()] * 11
    issues = pd.DataFrame(
        {
            "key": np.asarray(columns[0], dtype=object),
            "issue_type": np.asarray(columns[1], dtype=object),
            "status": np.asarray(columns[2], dtype=object),
            "status_category": np.asarray(columns[3], dtype=object),
            "priority": np.asarray(columns[4], dtype=object),
            "created": _times(columns[5]),
            "resolved": _times(columns[6]),
            "points": np.asarray(columns[7], dtype="float64"),
            "initial_status": np.asarray(columns[8], dtype=object),
            "changelog_total": np.asarray(columns[9], dtype="int64"),
        },
        columns=list(ISSUE_COLUMNS),
    )
    counts = np.asarray(columns[10], dtype="int64")

    t_columns = list(zip(*transition_rows, strict=True)) if transition_rows else [()] * 2
    if int(counts.sum()) != len(t_columns[0]):
        raise DatabaseError(
            "The issue store changed while metrics were read; run the command again."
        )
    transitions = pd.DataFrame(
        {
            "issue": np.repeat(np.arange(len(counts)), counts),
            "at": _times(t_columns[0]),
            "to_status": np.asarray(t_columns[1], dtype=object),
        }
    )

    v_columns = list(zip(*version_rows, strict=True)) if version_rows else [()] * 4
    versions = pd.DataFrame(
        {
            "issue": pd.Index(issues["key"]).get_indexer(np.asarray(v_columns[0], dtype=object)),
            "name": np.asarray(v_columns[1], dtype=object),
            "released": pd.Series(v_columns[2], dtype=object).fillna(0).astype(bool).to_numpy(),
            "release_date": pd.to_datetime(
                pd.Series(v_columns[3], dtype=object), errors="coerce", format="ISO8601"
            ).astype("datetime64[ms]"),
        }
    )
    encode_statuses(issues, transitions)
    return QueryFrames(issues, transitions, versions, stamp, status_categories)


def _times(values: Iterable[Any]) -> pd.Series:
    millis = np.asarray(values, dtype="float64")
    integral = np.where(np.isnan(millis), np.iinfo("int64").min, np.round(millis)).astype("int64")
    return pd.Series(integral.astype("datetime64[ms]")).dt.tz_localize("UTC")


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
    query (``record_plan_forecasts``). On SQLite all rows go in one transaction (all or nothing,
    and 20x faster than one each).
    """
    rows = list(snapshots)
    if isinstance(backend, SQLiteBackend):
        with backend.session() as conn, write_transaction(conn):
            for week, metric_type, metrics, forecast in rows:
                backend.save_metrics_snapshot(
                    profile_id, query_id, week, metric_type, metrics, forecast
                )
            if plan_forecasts:
                record_plan_forecasts(conn, profile_id, query_id, plan_forecasts)
    else:
        for week, metric_type, metrics, forecast in rows:
            backend.save_metrics_snapshot(
                profile_id, query_id, week, metric_type, metrics, forecast
            )
        if plan_forecasts:
            # Plans live in SQLite whatever the backend (data.plans).
            with get_db_connection(getattr(backend, "db_path", None)) as conn:
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
    (docs/plans.md). One transaction (joins the caller's)."""
    with write_transaction(conn):
        for plan in list_plans(profile_id, query_id, conn=conn):
            for week, values in forecasts.items():
                add_metrics(plan["id"], week, dict(values), conn=conn)

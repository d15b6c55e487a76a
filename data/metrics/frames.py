"""A query's issues, status transitions and fix versions as typed frames, and their time helpers.

Times are int64 epoch milliseconds (UTC) in numpy arrays and ``datetime64[ms, UTC]`` in frames;
"days" are local calendar days in the profile's time zone, as int64 days since 1970-01-01.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

DAY_MS = 86_400_000
WEEK_MS = 7 * DAY_MS
NAT_MS = np.iinfo(np.int64).min

ISSUE_COLUMNS = (
    "key",
    "issue_type",
    "status",
    "status_category",
    "priority",
    "created",
    "resolved",
    "points",
    "initial_status",
    "changelog_total",
)


@dataclass(frozen=True)
class QueryFrames:
    """What the metrics read about one query, as known at ``as_of``.

    - ``issues``: one row per issue (positional index 0..n-1), columns ``ISSUE_COLUMNS``;
      ``status`` is the status at ``as_of``, ``initial_status`` the status at creation.
    - ``transitions``: ``issue`` (row of ``issues``), ``at``, ``from_status``, ``to_status``,
      sorted by issue then time.
    - ``versions``: ``issue``, ``name``, ``released``, ``release_date`` (naive midnight).
    """

    issues: pd.DataFrame
    transitions: pd.DataFrame
    versions: pd.DataFrame
    as_of: pd.Timestamp


def empty_frames(as_of: pd.Timestamp) -> QueryFrames:
    return frames_from_records([], [], [], as_of)


def frames_from_records(
    issues: list[tuple],
    transitions: list[tuple],
    versions: list[tuple],
    as_of: pd.Timestamp | datetime | str,
) -> QueryFrames:
    """Build frames from plain rows (what SQLite returns, or what a test writes by hand).

    issues: (key, issue_type, status, status_category, priority, created, resolved, points,
    initial_status, changelog_total) with times as epoch ms or ISO text;
    transitions: (issue_row, at, from_status, to_status) in time order per issue;
    versions: (issue_row, name, released, release_date).
    """
    issue_frame = pd.DataFrame.from_records(issues, columns=list(ISSUE_COLUMNS))
    for column in ("key", "issue_type", "status", "status_category", "initial_status"):
        issue_frame[column] = issue_frame[column].astype(object).fillna("").astype(str)
    issue_frame["priority"] = (
        issue_frame["priority"].astype(object).where(issue_frame["priority"].notna(), None)
    )
    issue_frame["created"] = to_utc_times(issue_frame["created"])
    issue_frame["resolved"] = to_utc_times(issue_frame["resolved"])
    issue_frame["points"] = pd.to_numeric(issue_frame["points"], errors="coerce").astype("float64")
    issue_frame["changelog_total"] = (
        pd.to_numeric(issue_frame["changelog_total"], errors="coerce").fillna(0).astype("int64")
    )
    transition_frame = pd.DataFrame.from_records(
        transitions, columns=["issue", "at", "from_status", "to_status"]
    )
    transition_frame["issue"] = transition_frame["issue"].astype("int64")
    transition_frame["at"] = to_utc_times(transition_frame["at"])
    transition_frame["from_status"] = transition_frame["from_status"].astype(object)
    transition_frame["to_status"] = transition_frame["to_status"].astype(object).astype(str)
    version_frame = pd.DataFrame.from_records(
        versions, columns=["issue", "name", "released", "release_date"]
    )
    version_frame["issue"] = version_frame["issue"].astype("int64")
    version_frame["name"] = version_frame["name"].astype(object).astype(str)
    version_frame["released"] = version_frame["released"].astype(bool)
    version_frame["release_date"] = pd.to_datetime(
        version_frame["release_date"], errors="coerce"
    ).astype("datetime64[ms]")
    return QueryFrames(issue_frame, transition_frame, version_frame, utc_timestamp(as_of))


def utc_timestamp(value: pd.Timestamp | datetime | str | None) -> pd.Timestamp:
    if value is None:
        return pd.Timestamp.now(tz=UTC).floor("ms")
    stamp = pd.Timestamp(value)
    stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
    return stamp.as_unit("ms")


def to_utc_times(values: pd.Series) -> pd.Series:
    """Epoch milliseconds or ISO text → ``datetime64[ms, UTC]`` (missing → NaT)."""
    if len(values) and pd.api.types.is_numeric_dtype(values):
        return pd.to_datetime(values, unit="ms", utc=True).astype("datetime64[ms, UTC]")
    if len(values) and values.map(lambda v: isinstance(v, int | float), na_action="ignore").any():
        return pd.to_datetime(pd.to_numeric(values, errors="coerce"), unit="ms", utc=True).astype(
            "datetime64[ms, UTC]"
        )
    return pd.to_datetime(values, utc=True, format="ISO8601").astype("datetime64[ms, UTC]")


def ms(values: pd.Series) -> np.ndarray:
    """``datetime64[ms, UTC]`` column → int64 epoch ms (NaT → ``NAT_MS``)."""
    return values.to_numpy(dtype="datetime64[ms]").astype("int64")


def restrict_to(frames: QueryFrames, as_of: pd.Timestamp | datetime | str) -> QueryFrames:
    """The frames as they were known at ``as_of``: issues created and transitions made by then.

    Status becomes the status at ``as_of`` (the last transition by then, else the creation
    status); a resolution after ``as_of`` is forgotten; fix versions count as released only
    when their release date is on or before ``as_of``.
    """
    stamp = utc_timestamp(as_of)
    limit = stamp.value // 1_000_000
    issues, transitions = frames.issues, frames.transitions
    keep = ms(issues["created"]) <= limit
    new_row = np.cumsum(keep) - 1
    t_issue = transitions["issue"].to_numpy()
    t_keep = keep[t_issue] & (ms(transitions["at"]) <= limit) if len(t_issue) else np.zeros(0, bool)
    kept_transitions = transitions.loc[t_keep].copy()
    kept_transitions["issue"] = new_row[kept_transitions["issue"].to_numpy()]
    kept_transitions = kept_transitions.reset_index(drop=True)

    kept_issues = issues.loc[keep].reset_index(drop=True).copy()
    status = kept_issues["initial_status"].to_numpy(dtype=object).copy()
    if len(kept_transitions):
        last = kept_transitions.groupby("issue", sort=False)["to_status"].last()
        status[last.index.to_numpy()] = last.to_numpy(dtype=object)
    # Issues without any changelog keep their current status: there is nothing to replay.
    had_history = np.zeros(len(issues), bool)
    had_history[np.unique(t_issue)] = True
    no_history = ~had_history[keep]
    status[no_history] = kept_issues.loc[no_history, "status"].to_numpy(dtype=object)
    kept_issues["status"] = pd.Series(status, dtype=object).astype(str)
    kept_issues.loc[no_history, "initial_status"] = kept_issues.loc[no_history, "status"]
    resolved_ms = ms(kept_issues["resolved"])
    late = (resolved_ms != NAT_MS) & (resolved_ms > limit)
    kept_issues.loc[late, "resolved"] = pd.NaT
    # A never-transitioned issue resolved after as_of was not in its (done) status yet; its
    # status then is unknown (""), which the metrics treat as waiting in the backlog.
    kept_issues.loc[late & no_history, ["status", "initial_status"]] = ""

    versions = frames.versions
    v_keep = keep[versions["issue"].to_numpy()] if len(versions) else np.zeros(0, bool)
    kept_versions = versions.loc[v_keep].copy()
    kept_versions["issue"] = new_row[kept_versions["issue"].to_numpy()]
    day_limit = local_day_of(np.array([limit]), "UTC")[0]
    release_day = kept_versions["release_date"].to_numpy(dtype="datetime64[D]").astype("int64")
    kept_versions["released"] = kept_versions["released"].to_numpy() & (release_day <= day_limit)
    return replace(
        frames,
        issues=kept_issues,
        transitions=kept_transitions,
        versions=kept_versions.reset_index(drop=True),
        as_of=stamp,
    )


# Local days and ISO weeks ------------------------------------------------------------------------
def local_day_of(epoch_ms: np.ndarray, zone: str) -> np.ndarray:
    """Local calendar day (days since 1970-01-01) of each instant; ``NAT_MS`` stays ``NAT_MS``."""
    epoch_ms = np.asarray(epoch_ms, dtype="int64")
    missing = epoch_ms == NAT_MS
    if zone == "UTC":
        days = np.floor_divide(epoch_ms, DAY_MS)
    else:
        index = pd.DatetimeIndex(np.where(missing, 0, epoch_ms).astype("datetime64[ms]"))
        local = index.tz_localize(UTC).tz_convert(ZoneInfo(zone)).tz_localize(None)
        days = local.to_numpy(dtype="datetime64[D]").astype("int64")
    return np.where(missing, NAT_MS, days)


def week_start_day(day: np.ndarray) -> np.ndarray:
    """Monday of the ISO week of each local day (1970-01-01 was a Thursday)."""
    return day - (day + 3) % 7


def day_to_date(day: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(day))


def date_to_day(value: date) -> int:
    return (value - date(1970, 1, 1)).days


def week_key_of_day(day: int) -> str:
    year, week, _ = day_to_date(day).isocalendar()
    return f"{year:04d}-W{week:02d}"


def local_midnight_ms(day: int | np.ndarray, zone: str) -> np.ndarray:
    """The UTC instant (epoch ms) at which each local day starts."""
    days = np.atleast_1d(np.asarray(day, dtype="int64"))
    if zone == "UTC":
        return days * DAY_MS
    naive = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ms]"))
    local = naive.tz_localize(ZoneInfo(zone), nonexistent="shift_forward", ambiguous=False)
    return local.tz_convert(UTC).as_unit("ms").asi8


def as_of_day(frames: QueryFrames, zone: str) -> int:
    return int(local_day_of(np.array([frames.as_of.value // 1_000_000]), zone)[0])

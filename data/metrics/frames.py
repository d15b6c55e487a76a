"""A query's issues, status transitions and fix versions as typed frames, and their time helpers.

Times are int64 epoch milliseconds (UTC) in numpy arrays and ``datetime64[ms, UTC]`` in frames;
"days" are local calendar days in the profile's time zone, as int64 days since 1970-01-01.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from data.errors import ValidationError

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

    - ``issues``: one row per issue (positional index 0..n-1), columns ``ISSUE_COLUMNS``,
      ``current_status`` and, as read from the store, ``subtask`` (JIRA's issuetype.subtask)
      and ``parent`` (the parent's key, None without one); ``status`` is the status at
      ``as_of``, ``initial_status`` the status at
      creation, ``current_status`` (with ``status_category``) the status at the last fetch.
    - ``transitions``: ``issue`` (row of ``issues``), ``at``, ``to_status``,
      sorted by issue then time.
    - ``versions``: ``issue``, ``name``, ``released``, ``release_date`` (naive midnight).
    - ``status_categories``: status name → JIRA category key for every status JIRA lists (from
      the last full sync), including statuses no issue is in now.
    - ``flags``: ``issue``, ``at``, ``value`` (the Flagged field after the change, "" = cleared),
      sorted by issue then time.
    """

    issues: pd.DataFrame
    transitions: pd.DataFrame
    versions: pd.DataFrame
    as_of: pd.Timestamp
    status_categories: Mapping[str, str] = field(default_factory=dict)
    flags: pd.DataFrame = field(default_factory=lambda: empty_flags())


def empty_flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "issue": np.zeros(0, "int64"),
            "at": pd.Series(np.zeros(0, "datetime64[ms]")).dt.tz_localize(UTC),
            "value": np.zeros(0, dtype=object),
        }
    )


def utc_timestamp(value: pd.Timestamp | datetime | str | None) -> pd.Timestamp:
    if value is None:
        return pd.Timestamp.now(tz=UTC).floor("ms")
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if stamp is pd.NaT:
        raise ValidationError(
            f"{value!r} is not a date or time; use a date like 2026-11-20 or an ISO date-time."
        )
    stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
    return stamp.as_unit("ms")


def as_of_instant(value: pd.Timestamp | datetime | date | str | None, zone: str) -> pd.Timestamp:
    """The UTC instant an as-of value means in the metrics time zone: a date or a date-time
    without an offset (``--as-of 2026-11-01``, ``2026-11-01T09:00``) is local wall time in
    ``zone`` (a date is its local midnight); a value with an offset is that instant; None is now."""
    if value is None or (isinstance(value, datetime | pd.Timestamp) and value.tzinfo is not None):
        return utc_timestamp(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = value.isoformat()
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if stamp is pd.NaT or stamp.tzinfo is not None:
        return utc_timestamp(value)  # an offset given, or the one-sentence error
    naive = pd.DatetimeIndex([stamp])
    # A wall time skipped by a DST change moves forward; a repeated one is its first occurrence.
    local = naive.tz_localize(ZoneInfo(zone), nonexistent="shift_forward", ambiguous=[True])
    return local.tz_convert(UTC)[0].as_unit("ms")


def ms(values: pd.Series) -> np.ndarray:
    """``datetime64[ms, UTC]`` column → int64 epoch ms (NaT → ``NAT_MS``)."""
    return values.to_numpy(dtype="datetime64[ms]").astype("int64")


def restrict_to(
    frames: QueryFrames, as_of: pd.Timestamp | datetime | str, include: np.ndarray | None = None
) -> QueryFrames:
    """The frames as they were known at ``as_of``: issues created and transitions made by then,
    of the issues ``include`` marks (a boolean per issue row; None = every issue).

    Status becomes the status at ``as_of`` (the last transition by then, else the creation
    status); a resolution after ``as_of`` is forgotten. Fix versions keep JIRA's released flag:
    a release dated after ``as_of`` falls after every metrics window, so it never counts early.
    """
    stamp = utc_timestamp(as_of)
    limit = stamp.value // 1_000_000
    issues, transitions = frames.issues, frames.transitions
    keep = ms(issues["created"]) <= limit
    if include is not None:
        keep &= include
    new_row = np.cumsum(keep) - 1
    t_issue = transitions["issue"].to_numpy()
    t_keep = keep[t_issue] & (ms(transitions["at"]) <= limit)
    kept_transitions = transitions.loc[t_keep].reset_index(drop=True)
    kept_transitions["issue"] = new_row[kept_transitions["issue"].to_numpy()]

    kept_issues = issues.loc[keep].reset_index(drop=True)
    dtype = issues["status"].dtype
    status = status_codes(kept_issues["initial_status"]).copy()
    owners, last = last_per_issue(
        np.ones(len(kept_transitions), bool), kept_transitions["issue"].to_numpy()
    )
    status[owners] = status_codes(kept_transitions["to_status"])[last]
    # Issues without any changelog keep their current status: there is nothing to replay.
    had_history = np.zeros(len(issues), bool)
    had_history[t_issue] = True
    no_history = ~had_history[keep]
    current = status_codes(kept_issues["status"])
    status[no_history] = current[no_history]
    resolved_ms = ms(kept_issues["resolved"])
    late = (resolved_ms != NAT_MS) & (resolved_ms > limit)
    # A never-transitioned issue resolved after as_of was not in its (done) status yet; its
    # status then is unknown (""), which the metrics treat as waiting in the backlog.
    status[late & no_history] = dtype.categories.get_loc("")
    initial = status_codes(kept_issues["initial_status"]).copy()
    initial[no_history] = status[no_history]
    kept_issues["status"] = pd.Categorical.from_codes(status, dtype=dtype)
    kept_issues["initial_status"] = pd.Categorical.from_codes(initial, dtype=dtype)
    if late.any():
        kept_issues["resolved"] = kept_issues["resolved"].mask(late)

    versions = frames.versions
    v_keep = keep[versions["issue"].to_numpy()]
    kept_versions = versions.loc[v_keep].reset_index(drop=True)
    kept_versions["issue"] = new_row[kept_versions["issue"].to_numpy()]
    flags = frames.flags
    f_issue = flags["issue"].to_numpy()
    kept_flags = flags.loc[keep[f_issue] & (ms(flags["at"]) <= limit)].reset_index(drop=True)
    kept_flags["issue"] = new_row[kept_flags["issue"].to_numpy()]
    return replace(
        frames,
        issues=kept_issues,
        transitions=kept_transitions,
        versions=kept_versions,
        flags=kept_flags,
        as_of=stamp,
    )


def encode_statuses(issues: pd.DataFrame, transitions: pd.DataFrame) -> None:
    """Turn the status columns into categoricals sharing one category list (always including "",
    the unknown status, first; then the names in order of first appearance), so the metrics work
    on small integer codes."""
    # ``status_category`` belongs to the status the issue is in now; ``restrict_to`` rewrites
    # ``status`` to the status at as_of, so the pair is kept as ``current_status``.
    columns = [(issues, "status"), (issues, "initial_status"), (transitions, "to_status")]
    # Each column is factorized on its own (a categorical one by its codes, without hashing a
    # million strings), then their names together: the same categories in the same order as one
    # factorize of all the columns.
    factorized = [pd.factorize(frame[column]) for frame, column in columns]
    uniques = [np.asarray(names, dtype=object) for _, names in factorized]
    name_codes, names = pd.factorize(np.concatenate([np.array([""], dtype=object), *uniques]))
    dtype = pd.CategoricalDtype(pd.Index(names, dtype=object))
    offset = 1
    for (frame, column), (codes, column_names) in zip(columns, factorized, strict=True):
        # A missing value's code, -1, picks the appended -1.
        mapping = np.append(name_codes[offset : offset + len(column_names)], -1)
        frame[column] = pd.Categorical.from_codes(mapping[codes], dtype=dtype)
        offset += len(column_names)
    issues["current_status"] = issues["status"]


def status_codes(column: pd.Series) -> np.ndarray:
    return column.cat.codes.to_numpy()


def first_per_issue(mask: np.ndarray, issue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(issue, row index) of the first masked row of each issue (rows sorted by issue)."""
    index = np.flatnonzero(mask)
    owners = issue[index]
    first = np.r_[True, owners[1:] != owners[:-1]] if len(owners) else np.zeros(0, bool)
    return owners[first], index[first]


def last_per_issue(mask: np.ndarray, issue: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(issue, row index) of the last masked row of each issue (rows sorted by issue)."""
    index = np.flatnonzero(mask)
    owners = issue[index]
    last = np.r_[owners[1:] != owners[:-1], True] if len(owners) else np.zeros(0, bool)
    return owners[last], index[last]


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
    # A day whose midnight a DST change skips starts at the first wall time after the gap; one
    # whose midnight repeats starts at its first occurrence (DST).
    ambiguous = np.ones(len(days), bool)
    local = naive.tz_localize(ZoneInfo(zone), nonexistent="shift_forward", ambiguous=ambiguous)
    return local.tz_convert(UTC).as_unit("ms").asi8


def as_of_day(frames: QueryFrames, zone: str) -> int:
    return int(local_day_of(np.array([frames.as_of.value // 1_000_000]), zone)[0])

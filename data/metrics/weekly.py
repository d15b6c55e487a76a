"""Weekly statistics per ISO week (the seed's ``project_data``) and the upstream CSV importer."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from data.errors import ValidationError
from data.metrics.frames import (
    NAT_MS,
    QueryFrames,
    as_of_day,
    day_to_date,
    local_day_of,
    local_midnight_ms,
    week_key_of_day,
    week_start_day,
)
from data.metrics.history import History

WEEKLY_COLUMNS = [
    "week",
    "week_start",
    "complete",
    "completed_items",
    "completed_points",
    "created_items",
    "created_points",
    "scope_items",
    "scope_points",
    "remaining_items",
    "remaining_points",
]
CSV_COLUMNS = ["date", "completed_items", "completed_points", "created_items", "created_points"]


def weekly_statistics(frames: QueryFrames, history: History, zone: str) -> pd.DataFrame:
    """One row per ISO week from the first issue's creation to the week running at ``as_of``.

    completed = issues reaching Done that week (at their last Done); created = issues created
    that week; scope = issues created by the week's end and not canceled by then; remaining =
    scope − completed so far. ``complete`` is False for the week still running at ``as_of``.
    Points of unestimated issues count as 0.
    """
    facts = history.facts
    if facts.empty:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in _dtypes().items()})
    today = as_of_day(frames, zone)
    created_day = local_day_of(facts["created"].to_numpy(), zone)
    first_week = int(week_start_day(created_day.min()))
    # The last week listed is the one running just before as_of: a snapshot taken exactly at a
    # week's end (Monday 00:00) does not list the next week, which has not begun.
    just_before = local_day_of(np.array([frames.as_of.value // 1_000_000 - 1]), zone)
    last_week = max(int(week_start_day(just_before)[0]), first_week)
    weeks = (last_week - first_week) // 7 + 1
    points = facts["points"].to_numpy()

    def weeks_of(times: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Which times are set, and the week (from the first) each set one falls in."""
        present = times != NAT_MS
        return present, (week_start_day(local_day_of(times[present], zone)) - first_week) // 7

    def per_week(
        slots: tuple[np.ndarray, np.ndarray], weights: np.ndarray | None = None
    ) -> np.ndarray:
        present, slot = slots
        return np.bincount(
            slot, weights=None if weights is None else weights[present], minlength=weeks
        )[:weeks].astype(float)

    done = weeks_of(facts["done_at"].to_numpy())
    canceled = weeks_of(facts["canceled_at"].to_numpy())
    created = weeks_of(facts["created"].to_numpy())
    completed_items = per_week(done)
    completed_points = per_week(done, points)
    created_items = per_week(created)
    created_points = per_week(created, points)
    scope_items = np.cumsum(created_items - per_week(canceled))
    scope_points = np.cumsum(created_points - per_week(canceled, points))
    starts = first_week + 7 * np.arange(weeks)
    return pd.DataFrame(
        {
            "week": [week_key_of_day(int(d)) for d in starts],
            "week_start": [day_to_date(int(d)) for d in starts],
            "complete": starts + 7 <= today,
            "completed_items": completed_items.astype("int64"),
            "completed_points": completed_points,
            "created_items": created_items.astype("int64"),
            "created_points": created_points,
            "scope_items": scope_items.astype("int64"),
            "scope_points": scope_points,
            "remaining_items": (scope_items - np.cumsum(completed_items)).astype("int64"),
            "remaining_points": scope_points - np.cumsum(completed_points),
        }
    )


def _dtypes() -> dict[str, str]:
    return {
        "week": "object",
        "week_start": "object",
        "complete": "bool",
        "completed_items": "int64",
        "completed_points": "float64",
        "created_items": "int64",
        "created_points": "float64",
        "scope_items": "int64",
        "scope_points": "float64",
        "remaining_items": "int64",
        "remaining_points": "float64",
    }


def project_data_document(weekly: pd.DataFrame, points_field: str | None) -> dict[str, Any]:
    """The ``project_data`` JSON (upstream shape: ``statistics`` list + ``project_scope``)."""
    last = weekly.iloc[-1] if len(weekly) else None
    statistics = [
        {
            "date": row.week_start.isoformat(),
            "week": row.week,
            "completed_items": int(row.completed_items),
            "completed_points": float(row.completed_points),
            "created_items": int(row.created_items),
            "created_points": float(row.created_points),
        }
        for row in weekly.itertuples(index=False)
    ]
    completed_items = int(weekly["completed_items"].sum()) if last is not None else 0
    completed_points = float(weekly["completed_points"].sum()) if last is not None else 0.0
    return {
        "statistics": statistics,
        "project_scope": {
            "total_items": int(last.scope_items) if last is not None else 0,
            "total_points": float(last.scope_points) if last is not None else 0.0,
            "completed_items": completed_items,
            "completed_points": completed_points,
            "remaining_items": int(last.remaining_items) if last is not None else 0,
            "remaining_points": float(last.remaining_points) if last is not None else 0.0,
            "points_field_available": bool(points_field),
            "calculation_metadata": {"method": "flow_state", "points_field": points_field or ""},
        },
    }


def parse_statistics_csv(
    text: str, remaining_items: float | None = None, remaining_points: float | None = None
) -> pd.DataFrame:
    """Rows of the upstream ``statistics.csv`` as weekly statistics (see
    ``weekly_from_statistics`` for how scope and remaining are derived)."""
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or [f.strip() for f in reader.fieldnames] != CSV_COLUMNS:
        raise ValidationError(
            f"The CSV header must be {','.join(CSV_COLUMNS)}; fix the first line of the file."
        )
    rows: list[dict[str, Any]] = []
    for line, row in enumerate(reader, start=2):
        try:
            day = date.fromisoformat(row["date"].strip())
            values = [float(row[c]) for c in CSV_COLUMNS[1:]]
        except (ValueError, AttributeError, TypeError):
            raise ValidationError(
                f"Line {line} of the CSV is not a date and four numbers; fix or remove it."
            ) from None
        if any(v < 0 or not np.isfinite(v) for v in values):
            raise ValidationError(
                f"Line {line} of the CSV has a negative or invalid number; fix it."
            )
        rows.append(dict(zip(CSV_COLUMNS, [day.isoformat(), *values], strict=True)))
    if not rows:
        raise ValidationError("The CSV has no data rows; add one row per week.")
    return weekly_from_statistics(rows, remaining_items, remaining_points)


def weekly_from_statistics(
    statistics: list[dict[str, Any]],
    remaining_items: float | None = None,
    remaining_points: float | None = None,
    today: date | None = None,
) -> pd.DataFrame:
    """Weekly statistics from upstream ``statistics`` entries (``date`` + the four counts).

    Each entry counts in the ISO week of its date; entries of one week are added up; missing weeks
    are zeros. The entries carry no scope, so the remaining work at the end of the last week is
    given (default: created − completed, at least 0) and earlier weeks are worked back from it:
    remaining(w) = remaining(last) + completed after w − created after w; scope = remaining +
    completed so far. Weeks that end after ``today`` are not complete.
    """
    raw = pd.DataFrame(
        [[date.fromisoformat(str(e["date"])[:10]), *(float(e.get(c) or 0) for c in CSV_COLUMNS[1:])]
         for e in statistics],
        columns=CSV_COLUMNS,
    )  # fmt: skip
    raw["week_start"] = [d - pd.Timedelta(days=d.weekday()) for d in raw["date"]]
    grouped = raw.groupby("week_start", sort=True)[CSV_COLUMNS[1:]].sum()
    first, last = grouped.index.min(), grouped.index.max()
    every = [first + pd.Timedelta(days=7 * i) for i in range((last - first).days // 7 + 1)]
    grouped = grouped.reindex(every, fill_value=0.0)

    def remaining(unit: str, at_end: float | None) -> np.ndarray:
        created = grouped[f"created_{unit}"].to_numpy()
        completed = grouped[f"completed_{unit}"].to_numpy()
        end = max(0.0, created.sum() - completed.sum()) if at_end is None else float(at_end)
        after = np.cumsum((completed - created)[::-1])[::-1]  # from each week on
        return end + np.r_[after[1:], 0.0]

    items = remaining("items", remaining_items)
    points = remaining("points", remaining_points)
    done_items = grouped["completed_items"].cumsum().to_numpy()
    done_points = grouped["completed_points"].cumsum().to_numpy()
    starts = list(grouped.index)
    return pd.DataFrame(
        {
            "week": [f"{d.isocalendar()[0]:04d}-W{d.isocalendar()[1]:02d}" for d in starts],
            "week_start": starts,
            "complete": [today is None or d + pd.Timedelta(days=7) <= today for d in starts],
            "completed_items": grouped["completed_items"].to_numpy().astype("int64"),
            "completed_points": grouped["completed_points"].to_numpy(),
            "created_items": grouped["created_items"].to_numpy().astype("int64"),
            "created_points": grouped["created_points"].to_numpy(),
            "scope_items": np.round(items + done_items).astype("int64"),
            "scope_points": points + done_points,
            "remaining_items": np.round(items).astype("int64"),
            "remaining_points": points,
        }
    )


def weekly_from_project_data(document: dict[str, Any], today: date) -> pd.DataFrame | None:
    """Weekly statistics stored as ``project_data`` (e.g. imported from CSV); None when empty."""
    statistics = document.get("statistics") or []
    if not statistics:
        return None
    scope = document.get("project_scope") or {}
    return weekly_from_statistics(
        statistics, scope.get("remaining_items"), scope.get("remaining_points"), today
    )


def weekly_throughput(weekly: pd.DataFrame, last: int | None = None) -> pd.DataFrame:
    """Completed (``items``, ``points``) and created items and points per complete week (only
    the ``last`` ones, when given): the forecasts' input (what was finished, and for a growing
    scope what arrived)."""
    columns = {"week": "week", "week_start": "week_start", "completed_items": "items",
               "completed_points": "points", "created_items": "created_items",
               "created_points": "created_points"}  # fmt: skip
    done = np.flatnonzero(weekly["complete"].to_numpy(dtype=bool))
    if last is not None:
        done = done[len(done) - min(last, len(done)) :]
    # Column by column from the arrays: a snapshot backfill takes this once per week.
    return pd.DataFrame({new: weekly[old].to_numpy()[done] for old, new in columns.items()})


@dataclass(frozen=True)
class Window:
    """The last ``weeks`` complete ISO weeks: local days [start_day, end_day) and the same span as
    UTC instants [start_ms, end_ms)."""

    weeks: int
    week_keys: tuple[str, ...]
    start_day: int
    end_day: int
    start_ms: int
    end_ms: int

    @property
    def start_date(self) -> date:
        return day_to_date(self.start_day)

    @property
    def end_date(self) -> date:
        """The last day inside the window."""
        return day_to_date(self.end_day - 1)


def metrics_window(
    weekly: pd.DataFrame, weeks: int, frames: QueryFrames, zone: str, *, clip_to_data: bool = True
) -> Window:
    """The last ``weeks`` complete weeks before ``as_of``.

    ``clip_to_data`` (forecasts) drops the weeks before the first issue, so a young project is
    not forecast from weeks in which it did not exist; without it (Flow, DORA) the window is
    always ``weeks`` long, so adding work can never lower a per-week rate. With no complete week
    the window is empty and ends at the start of the running week.
    """
    today = as_of_day(frames, zone)
    end_day = int(week_start_day(np.array([today]))[0])
    count = min(weeks, int(weekly["complete"].sum())) if clip_to_data else weeks
    start_day = end_day - 7 * count
    keys = tuple(week_key_of_day(start_day + 7 * i) for i in range(count))
    start_ms, end_ms = local_midnight_ms(np.array([start_day, end_day]), zone)
    return Window(count, keys, start_day, end_day, int(start_ms), int(end_ms))

"""Sprint metrics (pure): each sprint's scope changes and completion, its burndown, velocity and
a forecast in sprints. docs/metrics.md, "Sprints", states every rule with a worked example.

Inputs, all times int64 epoch milliseconds (UTC), ``NAT_MS`` for none:

- ``sprints``: ``sprint_id``, ``name``, ``state`` (closed / active / future), ``start``, ``end``,
  ``complete`` (closed sprints only);
- ``changes``: the Sprint field's history, one row per sprint an issue joined or left: ``key``,
  ``at``, ``sprint_id``, ``joined`` (True = added to that sprint, False = removed);
- ``issues``: ``key``, ``points`` (NaN = unestimated, counted as 0), ``resolved`` (when JIRA
  resolved it, ``NAT_MS`` while open).

Rules (as JIRA's own sprint report counts them):

- committed: in the sprint at its start; added: joined after the start, not committed;
- removed: in the sprint at some point after its start (or at the start) but not at its end;
- the end is the completion of a closed sprint, ``as_of`` for the active one;
- completed: in the sprint at its end and resolved by then; carried over: in a closed sprint at
  its end and not resolved (JIRA moves these to the next sprint);
- say/do: completed / committed (items and points); ``None`` when nothing was committed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

from data.metrics.forecast import PERCENTILES, pert_forecast, simulate_days_needed
from data.metrics.frames import DAY_MS, NAT_MS, day_to_date, local_day_of, local_midnight_ms

COUNTS = ("committed", "added", "removed", "completed", "carried_over")
REPORT_COLUMNS = [
    "sprint_id",
    "name",
    "state",
    "start",
    "end",
    "complete",
    *(f"{kind}_{unit}" for kind in COUNTS for unit in ("items", "points")),
    "say_do_items",
    "say_do_points",
]
_NEVER = np.iinfo(np.int64).max


@dataclass(frozen=True)
class _Spans:
    """Membership spans as arrays, sorted by issue key, then sprint, then time: ``keys`` holds
    the distinct keys in order and ``code`` each span's index into it."""

    keys: np.ndarray
    code: np.ndarray
    sprint_id: np.ndarray
    joined: np.ndarray
    left: np.ndarray


def _spans(changes: pd.DataFrame) -> _Spans:
    """The spans of ``membership_intervals``, on integer codes (no string keys built)."""
    if changes.empty:
        none = np.zeros(0, "int64")
        return _Spans(np.zeros(0, dtype=object), none, none, none, none)
    codes, keys = pd.factorize(changes["key"].to_numpy(object), sort=True)
    sprint = changes["sprint_id"].to_numpy("int64")
    at = changes["at"].to_numpy("int64")
    order = np.lexsort((at, sprint, codes))  # stable: equal times keep their order
    codes, sprint, at = codes[order], sprint[order], at[order]
    inside = changes["joined"].to_numpy(bool)[order]
    new_group = np.r_[True, (codes[1:] != codes[:-1]) | (sprint[1:] != sprint[:-1])]
    before = np.r_[False, inside[:-1]]
    before[new_group] = False
    flips = inside != before
    codes, sprint, at, inside = codes[flips], sprint[flips], at[flips], inside[flips]
    same_next = np.r_[(codes[1:] == codes[:-1]) & (sprint[1:] == sprint[:-1]), False]
    left = np.where(same_next, np.r_[at[1:], 0], _NEVER)
    return _Spans(
        np.asarray(keys, dtype=object), codes[inside], sprint[inside], at[inside], left[inside]
    )


def membership_intervals(changes: pd.DataFrame) -> pd.DataFrame:
    """``key``, ``sprint_id``, ``joined``, ``left`` (``_NEVER`` while still in): the spans each
    issue spent in each sprint, from the Sprint field's history. Repeated joins or leaves (a
    change JIRA logged twice) count once."""
    spans = _spans(changes)
    return pd.DataFrame(
        {
            "key": spans.keys[spans.code],
            "sprint_id": spans.sprint_id,
            "joined": spans.joined,
            "left": spans.left,
        }
    )


def _facts(issues: pd.DataFrame, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Points (NaN = 0) and resolution time (``NAT_MS`` while open or unknown) of each key, from
    the first row of ``issues`` with it."""
    index = pd.Index(issues["key"].to_numpy(object))
    points = issues["points"].fillna(0.0).to_numpy(float)
    resolved = issues["resolved"].to_numpy("int64")
    if not index.is_unique:
        first = ~index.duplicated()
        index, points, resolved = index[first], points[first], resolved[first]
    found = index.get_indexer(keys)
    known = found >= 0
    return (
        np.where(known, points[found], 0.0),
        np.where(known, resolved[found], NAT_MS),
    )


def sprint_reports(
    sprints: pd.DataFrame, changes: pd.DataFrame, issues: pd.DataFrame, as_of_ms: int
) -> pd.DataFrame:
    """One row per started sprint (closed and active), oldest first: ``REPORT_COLUMNS``.

    Vectorized over the spans: each span is placed in its sprint's row by the sprint's position
    (spans are sorted by issue and sprint, so an issue's spans in one sprint are adjacent and
    reduce to one (sprint, issue) pair), and the counts are weighted bincounts per sprint."""
    started = sprints[(sprints["start"] != NAT_MS) & (sprints["state"] != "future")]
    started = started.sort_values("start", kind="stable").reset_index(drop=True)
    closed = (started["state"] == "closed").to_numpy()
    s_all = started["start"].to_numpy("int64")
    e_all = np.where(closed, started["complete"].to_numpy("int64"), as_of_ms)
    spans = _spans(changes)
    slot = pd.Index(started["sprint_id"].to_numpy("int64")).get_indexer(spans.sprint_id)
    keep = slot >= 0
    slot, code = slot[keep], spans.code[keep]
    joined, left = spans.joined[keep], spans.left[keep]
    s, e = s_all[slot], e_all[slot]
    # One (sprint, issue) pair per run of adjacent spans: "any" over the run.
    first = np.r_[True, (code[1:] != code[:-1]) | (slot[1:] != slot[:-1])]
    starts = np.flatnonzero(first[: len(code)])

    def any_of(values: np.ndarray) -> np.ndarray:
        if not len(starts):
            return np.zeros(0, bool)
        return np.logical_or.reduceat(values, starts)

    at_start = any_of((joined <= s) & (s < left))
    during = any_of((joined > s) & (joined <= e))
    at_end = any_of((joined <= e) & (e < left))
    pair_slot = slot[starts]
    points, resolved = _facts(issues, spans.keys[code[starts]])
    done = (resolved != NAT_MS) & (resolved <= e_all[pair_slot])
    kinds = {
        "committed": at_start,
        "added": during & ~at_start,
        "removed": (at_start | during) & ~at_end,
        "completed": at_end & done,
        "carried_over": at_end & ~done & closed[pair_slot],
    }
    report = started[["sprint_id", "name", "state", "start", "end", "complete"]].copy()
    size = len(started)
    for kind, mask in kinds.items():
        report[f"{kind}_items"] = np.bincount(pair_slot[mask], minlength=size).astype("int64")
        report[f"{kind}_points"] = np.bincount(
            pair_slot[mask], weights=points[mask], minlength=size
        ).astype(float)
    for unit in ("items", "points"):
        committed = report[f"committed_{unit}"].to_numpy(float)
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = report[f"completed_{unit}"].to_numpy(float) / committed
        report[f"say_do_{unit}"] = (
            pd.Series(np.where(committed > 0, ratio, np.nan), index=report.index)
            .astype(object)
            .where(committed > 0, None)
        )
    return report[REPORT_COLUMNS].reset_index(drop=True)


def sprint_burndown(
    sprint: pd.Series, changes: pd.DataFrame, issues: pd.DataFrame, zone: str, as_of_ms: int
) -> pd.DataFrame:
    """The sprint's remaining work at the end of each of its days (local to ``zone``), from the
    start day to its end day (the completion for a closed sprint, ``as_of`` for the active one):
    ``date``, ``scope_items``/``_points`` (in the sprint then), ``remaining_items``/``_points``
    (in it and not resolved by then) and ``ideal_items``/``_points`` (the remaining at the start,
    falling in a straight line to zero at the planned end). Days after ``as_of`` are left out."""
    start = int(sprint["start"])
    planned_end = int(sprint["end"]) if sprint["end"] != NAT_MS else start
    closed = sprint["state"] == "closed"
    last = int(sprint["complete"]) if closed else max(as_of_ms, start)
    first_day, last_day, planned_day = local_day_of(
        np.array([start, max(last - 1, start), max(planned_end - 1, start)]), zone
    )
    # The active sprint's chart runs to its planned end; the days ahead carry only the ideal.
    days = np.arange(first_day, (last_day if closed else max(last_day, planned_day)) + 1)
    # The end of each day, never past the sprint's own end (a completion at 15:00 counts what
    # was done by 15:00 on that day).
    bounds = np.minimum(local_midnight_ms(days + 1, zone), last)
    ahead = days > last_day
    spans = _spans(changes[changes["sprint_id"].to_numpy("int64") == int(sprint["sprint_id"])])
    facts = _facts(issues, spans.keys[spans.code])
    joined = spans.joined[:, None]
    left = spans.left[:, None]
    points = facts[0][:, None]
    resolved = facts[1][:, None]
    member = (joined <= bounds) & (bounds < left)
    open_then = (resolved == NAT_MS) | (resolved > bounds)
    # An issue with two spans in one sprint is in it at most once at any instant.
    scope_items = member.sum(axis=0)
    remaining = member & open_then
    at_start = (joined <= start) & (start < left) & ((resolved == NAT_MS) | (resolved > start))
    start_items = float(at_start.sum())
    start_points = float((at_start * points).sum())
    length = max(planned_end - start, 1)
    fraction = np.clip(1.0 - (local_midnight_ms(days + 1, zone) - start) / length, 0.0, 1.0)

    def actual(values: np.ndarray) -> np.ndarray:
        return np.where(ahead, np.nan, values.astype(float))

    return pd.DataFrame(
        {
            "date": [day_to_date(int(d)) for d in days],
            "scope_items": actual(scope_items),
            "scope_points": actual((member * points).sum(axis=0)),
            "remaining_items": actual(remaining.sum(axis=0)),
            "remaining_points": actual((remaining * points).sum(axis=0)),
            "ideal_items": start_items * fraction,
            "ideal_points": start_points * fraction,
        }
    )


def velocity(reports: pd.DataFrame, last: int) -> pd.DataFrame:
    """Committed vs completed of the last ``last`` closed sprints, oldest first."""
    closed = reports[reports["state"] == "closed"].tail(max(int(last), 0))
    columns = ["sprint_id", "name", "complete"] + [
        f"{kind}_{unit}" for kind in ("committed", "completed") for unit in ("items", "points")
    ]
    return closed[columns].reset_index(drop=True)


@dataclass(frozen=True)
class SprintForecast:
    """The remaining scope in sprints, from the completed work of the last closed sprints."""

    unit: str
    remaining: float
    sprints_sampled: int
    sprint_days: int
    pert_sprints: float | None  # (O + 4M + P) / 6, in sprints
    pert_date: date | None
    monte_carlo_sprints: dict[str, float] | None  # p50 / p85 / p95, in sprints
    monte_carlo_dates: dict[str, date] | None
    reason: str = ""


def sprint_forecast(
    completed: np.ndarray,
    remaining: float,
    next_start: date,
    *,
    sprint_days: int = 14,
    pert_factor: int = 3,
    trials: int = 10_000,
    seed: int = 42,
    unit: str = "items",
) -> SprintForecast:
    """PERT on the sprint velocity (the weekly PERT's rule with sprints for weeks) and a Monte
    Carlo drawing one past sprint's completed work per future sprint. A forecast of s sprints
    ends ``ceil(s)`` whole sprints after ``next_start`` (work finishes at a sprint's end)."""
    values = np.asarray(completed, dtype=float)

    def ends(sprints: float) -> date:
        return next_start + timedelta(days=sprint_days * math.ceil(round(sprints, 9)))

    pert = pert_forecast(values, remaining, pert_factor, next_start, unit)
    if pert.expected_weeks is None:
        return SprintForecast(
            unit, float(remaining), len(values), sprint_days, None, None, None, None,
            pert.reason.replace("week", "sprint"),
        )  # fmt: skip
    needed = simulate_days_needed(values, remaining, trials, seed) / 7.0
    with np.errstate(invalid="ignore"):
        quantiles = np.percentile(needed, list(PERCENTILES.values()))
    sprints = {
        name: float(q) for name, q in zip(PERCENTILES, quantiles, strict=True) if math.isfinite(q)
    }
    return SprintForecast(
        unit=unit,
        remaining=float(remaining),
        sprints_sampled=len(values),
        sprint_days=sprint_days,
        pert_sprints=pert.expected_weeks,
        pert_date=ends(pert.expected_weeks),
        monte_carlo_sprints=sprints or None,
        monte_carlo_dates={name: ends(s) for name, s in sprints.items()} or None,
    )


def sprint_length_days(sprints: pd.DataFrame) -> int:
    """The typical planned length of the dated sprints, in whole days (14 when none)."""
    dated = sprints[(sprints["start"] != NAT_MS) & (sprints["end"] != NAT_MS)]
    if dated.empty:
        return 14
    lengths = (dated["end"].to_numpy("int64") - dated["start"].to_numpy("int64")) / DAY_MS
    return max(1, round(float(np.median(lengths))))

"""Forecasts from weekly throughput: PERT (the original tool's behaviour), Monte Carlo "when" (with
a fixed or a growing scope) and "how many by a date", in days, and the burndown/burnup series
they are drawn on with the window of it shown first."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
import pandas as pd

MAX_SIMULATED_WEEKS = 520  # ten years: beyond that a "forecast" says nothing
_CHUNK_WEEKS = 32
# At most this many first draws are kept for reuse (8 MB each; the default 10,000 trials draw
# 320,000): a million trials draw theirs anew each time rather than hold 256 MB.
_REUSED_DRAWS = 1_000_000
HOW_MANY_DEFAULT_DAYS = 28  # "how many by" four weeks from today when there is no deadline ahead
MAX_VIEW_DAYS = 730  # the burndown's first view reaches at most two years ahead
VIEW_MARGIN_DAYS = 7


@dataclass(frozen=True)
class PertForecast:
    """PERT over the last ``window_weeks`` weeks; ``None`` weeks/dates mean "no forecast"."""

    unit: str
    remaining: float
    window_weeks: int
    pert_factor: int
    most_likely_rate: float | None
    optimistic_rate: float | None
    pessimistic_rate: float | None
    optimistic_weeks: float | None
    most_likely_weeks: float | None
    pessimistic_weeks: float | None
    expected_weeks: float | None
    expected_date: date | None
    reason: str = ""


def _weeks_for(remaining: float, rate: float) -> float | None:
    if remaining <= 0:
        return 0.0
    return None if rate <= 0 else remaining / rate


def pert_forecast(
    samples: np.ndarray, remaining: float, pert_factor: int, today: date, unit: str = "items"
) -> PertForecast:
    """M = mean weekly throughput; O/P = mean of the best/worst ``k`` weeks, where
    k = min(pert_factor, n // 3) but at least 1; weeks = remaining / rate for each; expected =
    (O + 4M + P) / 6 in weeks. A zero rate gives no forecast for that estimate (and none expected)."""
    values = np.sort(np.asarray(samples, dtype=float))
    n = len(values)
    if n == 0:
        return PertForecast(
            unit, remaining, 0, 0, None, None, None, None, None, None, None, None,
            "no complete week of throughput yet",
        )  # fmt: skip
    k = max(1, min(int(pert_factor), n // 3))
    likely, optimistic, pessimistic = values.mean(), values[-k:].mean(), values[:k].mean()
    o_weeks = _weeks_for(remaining, optimistic)
    m_weeks = _weeks_for(remaining, likely)
    p_weeks = _weeks_for(remaining, pessimistic)
    if None in (o_weeks, m_weeks, p_weeks):
        expected = None
        reason = (
            "throughput is zero in every week"
            if optimistic <= 0
            else (
                "the worst weeks have zero throughput, so the pessimistic estimate never finishes"
            )
        )
    else:
        expected = (o_weeks + 4 * m_weeks + p_weeks) / 6  # type: ignore[operator]
        reason = ""
    return PertForecast(
        unit=unit,
        remaining=float(remaining),
        window_weeks=n,
        pert_factor=k,
        most_likely_rate=float(likely),
        optimistic_rate=float(optimistic),
        pessimistic_rate=float(pessimistic),
        optimistic_weeks=o_weeks,
        most_likely_weeks=m_weeks,
        pessimistic_weeks=p_weeks,
        expected_weeks=expected,
        expected_date=None if expected is None else today + timedelta(days=math.ceil(expected * 7)),
        reason=reason,
    )


SCOPE_MODELS = ("fixed", "growing")
"""Monte Carlo "when" with the remaining work as it is (fixed), or with new work arriving at the
rate sampled from the same weeks (growing), as jira-agile-metrics' burnup forecast samples
backlog growth."""


@dataclass(frozen=True)
class MonteCarloWhen:
    unit: str
    remaining: float
    trials: int
    seed: int
    window_weeks: int
    scope: str  # one of SCOPE_MODELS
    # Mean arrivals per week in the sampled weeks (growing scope); None for a fixed scope.
    arrival_rate: float | None
    # Days needed per percentile (fractional: the finishing week is worked through at its own
    # pace), the same in weeks, and the completion dates (today + ceil(days)).
    days: dict[str, float] | None
    weeks: dict[str, float] | None
    dates: dict[str, date] | None
    deadline: date | None
    probability_by_deadline: float | None
    # Share of trials that did not finish within MAX_SIMULATED_WEEKS.
    unfinished_share: float
    histogram: pd.DataFrame  # date, days, trials: the finish dates of the finished trials
    reason: str = ""


PERCENTILES = {"p50": 50, "p85": 85, "p95": 95}


def _finish_histogram(days: np.ndarray, today: date) -> pd.DataFrame:
    """Trials per completion date (today + ceil(days)) of the finished trials."""
    finished = days[np.isfinite(days)]
    counts = np.bincount(_whole_days(finished)) if len(finished) else np.zeros(0, "int64")
    offsets = np.flatnonzero(counts)
    return pd.DataFrame(
        {
            "date": [today + timedelta(days=int(d)) for d in offsets],
            "days": offsets.astype("int64"),
            "trials": counts[offsets].astype("int64"),
        }
    )


def _whole_days(days: np.ndarray) -> np.ndarray:
    # 14.000000000000002 days is 14: rounding first keeps float noise from adding a day.
    return np.ceil(np.round(days, 9)).astype("int64")


def monte_carlo_when(
    samples: np.ndarray,
    remaining: float,
    today: date,
    *,
    trials: int = 10_000,
    seed: int = 42,
    deadline: date | None = None,
    unit: str = "items",
    arrivals: np.ndarray | None = None,
) -> MonteCarloWhen:
    """Each trial draws weekly throughputs from ``samples`` with replacement until they add up
    to ``remaining``; with ``arrivals`` (growing scope) it also draws a week of new work from
    them each week, and finishes when what it completed catches up with the remaining work plus
    everything that arrived. The finishing week counts the share of it needed (its throughput
    spread evenly over its seven days), so results are in days. Percentiles interpolate linearly."""
    values = np.asarray(samples, dtype=float)
    scope = "fixed" if arrivals is None else "growing"
    grown = None if arrivals is None else np.asarray(arrivals, dtype=float)
    rate = None if grown is None or len(grown) == 0 else float(grown.mean())
    if remaining <= 0:
        zeros = dict.fromkeys(PERCENTILES, 0.0)
        return MonteCarloWhen(
            unit, float(remaining), trials, seed, len(values), scope, rate, zeros, dict(zeros),
            dict.fromkeys(PERCENTILES, today), deadline,
            None if deadline is None else float(today <= deadline), 0.0,
            pd.DataFrame({"date": [today], "days": [0], "trials": [trials]}),
        )  # fmt: skip
    if len(values) == 0 or values.max() <= 0:
        reason = (
            "no complete week of throughput yet"
            if len(values) == 0
            else ("throughput is zero in every week of the window")
        )
        empty = pd.DataFrame(
            {
                "date": pd.Series(dtype=object),
                "days": pd.Series(dtype="int64"),
                "trials": pd.Series(dtype="int64"),
            }
        )
        return MonteCarloWhen(
            unit, float(remaining), trials, seed, len(values), scope, rate, None, None, None,
            deadline, None, 1.0, empty, reason,
        )  # fmt: skip
    needed = _days_needed(
        values.tobytes(), float(remaining), trials, seed, None if grown is None else grown.tobytes()
    )
    finished = np.isfinite(needed)
    unfinished_share = float(1 - finished.mean())
    # Unfinished trials stay in the percentiles as "never" (infinity), so they cannot flatter them.
    # Between two "never" trials linear interpolation computes inf - inf; that percentile is
    # "never" too, so the NaN it gives (silently) becomes infinity.
    with np.errstate(invalid="ignore"):
        quantiles = np.nan_to_num(
            np.percentile(needed, list(PERCENTILES.values())), nan=np.inf, posinf=np.inf
        )
    days = {
        name: float(d) for name, d in zip(PERCENTILES, quantiles, strict=True) if math.isfinite(d)
    }
    dates = {
        name: today + timedelta(days=int(_whole_days(np.array([d]))[0])) for name, d in days.items()
    }
    probability = None
    if deadline is not None:
        probability = float(np.mean(needed <= (deadline - today).days))
    if dates:
        reason = ""
    elif scope == "growing":
        reason = (
            "new work arrives about as fast as work is finished, so fewer than half the trials "
            "finish within ten years"
        )
    else:
        reason = "fewer than half the trials finish within ten years"
    return MonteCarloWhen(
        unit, float(remaining), trials, seed, len(values), scope, rate, days or None,
        {k: v / 7 for k, v in days.items()} or None, dates or None, deadline, probability,
        unfinished_share, _finish_histogram(needed, today), reason,
    )  # fmt: skip


@functools.lru_cache(maxsize=8)
def _days_needed(
    values: bytes, remaining: float, trials: int, seed: int, arrivals: bytes | None
) -> np.ndarray:
    """``simulate_days_needed`` of float64 ``values`` and ``arrivals`` (as bytes), kept for the
    last few forecasts of this process (read-only): a report computed again for the same day
    (``data.analytics.report_cache`` checks a now report that way) simulates nothing twice."""
    needed = simulate_days_needed(
        np.frombuffer(values),
        remaining,
        trials,
        seed,
        None if arrivals is None else np.frombuffer(arrivals),
    )
    needed.flags.writeable = False
    return needed


def simulate_days_needed(
    values: np.ndarray,
    remaining: float,
    trials: int,
    seed: int,
    arrivals: np.ndarray | None = None,
) -> np.ndarray:
    """Days each trial needs (infinity when it does not finish within MAX_SIMULATED_WEEKS).

    A trial finishing in week k (1-based) needs 7·(k − 1 + f) days, where f is the share of
    week k's net progress (throughput minus arrivals) that was still missing at its start."""
    # Arrivals come from their own stream, so the throughput draws of a seed are the same with
    # and without scope growth (the two forecasts differ only by what arrives).
    pool = None if arrivals is None or not len(arrivals) else np.asarray(arrivals)
    rng, first = _stream(seed, trials, len(values))
    arrival_rng, first_arrivals = (
        (None, None) if pool is None else _stream((seed, 1), trials, len(pool))
    )
    needed = np.full(trials, np.inf)
    total = np.zeros(trials)
    open_trials = np.arange(trials)
    drawn = 0
    while len(open_trials) and drawn < MAX_SIMULATED_WEEKS:
        chunk = min(_CHUNK_WEEKS, MAX_SIMULATED_WEEKS - drawn)
        shape = (len(open_trials), chunk)
        picks = first if drawn == 0 else _by_week(rng.integers(0, len(values), size=shape))
        arrival_picks = None
        if pool is not None and arrival_rng is not None:
            arrival_picks = (
                first_arrivals
                if drawn == 0
                else _by_week(arrival_rng.integers(0, len(pool), size=shape))
            )
        # Week by week (a row of the chunk's values, looked up at once, week by trial), stopping
        # at the week its last trial finishes: a trial's running total after week k is
        # total + (net_0 + ... + net_k), summed in that order, so every trial finishes with the
        # same days to the last bit. Trials that have finished are carried along (masked),
        # which costs less than picking the open ones out.
        nets = values[picks]
        if arrival_picks is not None and pool is not None:
            nets = nets - pool[arrival_picks]
        base = total[open_trials]
        still_open = np.ones(len(open_trials), bool)
        partial = np.zeros(0)
        previous = base
        for week in range(chunk):
            net = nets[week]
            partial = net if week == 0 else partial + net
            running = base + partial
            reached = (running >= remaining) & still_open
            if reached.any():
                hit = np.flatnonzero(reached)
                share = (remaining - previous[hit]) / net[hit]
                needed[open_trials[hit]] = 7.0 * (drawn + week + share)
                still_open[hit] = False
            previous = running
            if not still_open.any():
                break
        total[open_trials[still_open]] = previous[still_open]
        open_trials = open_trials[still_open]
        drawn += chunk
    return needed


def _stream(
    seed: int | tuple[int, int], trials: int, pool: int
) -> tuple[np.random.Generator, np.ndarray]:
    """A seed's generator positioned after the first chunk of draws (``trials`` x
    ``_CHUNK_WEEKS`` picks from ``pool`` values), and that chunk week by week (``_by_week``):
    what ``np.random.default_rng(seed)`` gives, with the chunk drawn once per process for every
    forecast of the same seed, trials and window length (a backfill's weeks, the pages) while
    that chunk has at most ``_REUSED_DRAWS`` draws."""
    if trials * _CHUNK_WEEKS > _REUSED_DRAWS:
        rng = _generator(seed)
        return rng, _by_week(rng.integers(0, pool, size=(trials, _CHUNK_WEEKS)))
    chunk, state = _first_chunk(seed, trials, pool)
    rng = _generator(seed)
    rng.bit_generator.state = state
    return rng, chunk


def _generator(seed: int | tuple[int, int]) -> np.random.Generator:
    return np.random.default_rng(list(seed) if isinstance(seed, tuple) else seed)


@functools.lru_cache(maxsize=4)
def _first_chunk(
    seed: int | tuple[int, int], trials: int, pool: int
) -> tuple[np.ndarray, dict[str, Any]]:
    rng = _generator(seed)
    chunk = _by_week(rng.integers(0, pool, size=(trials, _CHUNK_WEEKS)))
    chunk.flags.writeable = False
    return chunk, dict(rng.bit_generator.state)


def _by_week(picks: np.ndarray) -> np.ndarray:
    """Draws made trial by trial (a row per trial), stored week by week (a row per week): a
    week's draws of every trial are then adjacent in memory, which a simulation reads ~10x
    faster than a column."""
    return np.ascontiguousarray(picks.T)


@dataclass(frozen=True)
class MonteCarloHowMany:
    unit: str
    target_date: date
    days: int
    trials: int
    seed: int
    # At most this much can be finished (the remaining work, plus with a growing scope what
    # arrives by then); None = no cap.
    remaining: float | None
    scope: str  # one of SCOPE_MODELS
    # "N% confident of at least X": the (100 − N)th percentile of simulated totals, rounded down.
    at_least: dict[str, float]
    histogram: pd.DataFrame  # completed, trials


def monte_carlo_how_many(
    samples: np.ndarray,
    today: date,
    target_date: date,
    *,
    trials: int = 10_000,
    seed: int = 42,
    unit: str = "items",
    remaining: float | None = None,
    arrivals: np.ndarray | None = None,
) -> MonteCarloHowMany | None:
    """Per trial, the total of one weekly draw for each whole week until ``target_date`` plus
    the share of one more draw for the days left over (a week's throughput spread evenly over
    its seven days), at most the ``remaining`` work — plus, with ``arrivals`` (growing scope),
    the new work drawn the same way from its own random stream; None without samples."""
    values = np.asarray(samples, dtype=float)
    if len(values) == 0:
        return None
    days = max(0, (target_date - today).days)
    weeks, rest = divmod(days, 7)
    columns = weeks + (1 if rest else 0)
    weights = np.r_[np.ones(weeks), [rest / 7] if rest else []]

    def totals_of(pool: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return pool[rng.integers(0, len(pool), size=(trials, columns))] @ weights

    totals = totals_of(values, np.random.default_rng(seed))
    grown = None if arrivals is None else np.asarray(arrivals, dtype=float)
    if remaining is not None:
        cap = np.full(trials, float(remaining))
        if grown is not None and len(grown):
            cap = cap + totals_of(grown, np.random.default_rng([seed, 1]))
        totals = np.minimum(totals, cap)
    at_least = {f"p{c}": float(np.floor(np.percentile(totals, 100 - c))) for c in (50, 85, 95)}
    counts = np.bincount(np.floor(np.round(totals, 9)).astype("int64"))
    histogram = pd.DataFrame({"completed": np.flatnonzero(counts), "trials": counts[counts > 0]})
    return MonteCarloHowMany(
        unit, target_date, days, trials, seed, None if remaining is None else float(remaining),
        "fixed" if arrivals is None else "growing", at_least, histogram,
    )  # fmt: skip


@dataclass(frozen=True)
class Burndown:
    """Weekly remaining (burndown) and completed/scope (burnup) series, items and points, with the
    deadline, milestone and the PERT-expected finish drawn as a straight projection per unit."""

    series: pd.DataFrame  # week, week_end, remaining_*, completed_*_total, scope_*
    deadline: date | None
    milestone: date | None
    projection: pd.DataFrame  # date, remaining_items (from today to the expected finish)
    # date, remaining_points; empty without a points forecast (no points field, or no PERT date).
    projection_points: pd.DataFrame


def pert_projection(pert: PertForecast | None, today: date, unit: str) -> pd.DataFrame:
    """The straight line from (today, remaining) to (PERT expected date, 0) as ``date`` and
    ``remaining_<unit>`` rows; no rows when there is no forecast."""
    column = f"remaining_{unit}"
    if pert is None or pert.expected_date is None:
        return pd.DataFrame({"date": pd.Series(dtype=object), column: pd.Series(dtype=float)})
    return pd.DataFrame({"date": [today, pert.expected_date], column: [pert.remaining, 0.0]})


def burndown(
    weekly: pd.DataFrame,
    pert_items: PertForecast | None,
    today: date,
    deadline: date | None,
    milestone: date | None,
    pert_points: PertForecast | None = None,
) -> Burndown:
    series = pd.DataFrame(
        {
            "week": weekly["week"],
            "week_end": [d + timedelta(days=7) for d in weekly["week_start"]],
            "remaining_items": weekly["remaining_items"],
            "remaining_points": weekly["remaining_points"],
            "completed_items_total": weekly["completed_items"].cumsum(),
            "completed_points_total": weekly["completed_points"].cumsum(),
            "scope_items": weekly["scope_items"],
            "scope_points": weekly["scope_points"],
        }
    )
    has_weeks = len(weekly) > 0
    return Burndown(
        series,
        deadline,
        milestone,
        pert_projection(pert_items if has_weeks else None, today, "items"),
        pert_projection(pert_points if has_weeks else None, today, "points"),
    )


def how_many_date(today: date, deadline: date | None) -> date:
    """The date "how many by" asks about first: the deadline while it lies ahead, else four
    weeks from today."""
    if deadline is not None and deadline > today:
        return deadline
    return today + timedelta(days=HOW_MANY_DEFAULT_DAYS)


def forecast_view(
    first_day: date | None, today: date, window_weeks: int, ahead: list[date | None]
) -> tuple[date, date]:
    """The span a burndown first shows: the forecast window before today (not before the first
    data point) and, after it, the latest of the ``ahead`` dates (forecast dates, deadline,
    milestone) — at most two years out, and the window's length when none lies ahead — with a
    week's margin at both ends. The rest of the history stays one zoom-out away."""
    back = today - timedelta(days=7 * max(window_weeks, 1))
    start = max(back, first_day) if first_day is not None else back
    later = [d for d in ahead if d is not None and d > today]
    end = max(later) if later else today + timedelta(days=7 * max(window_weeks, 1))
    end = min(end, today + timedelta(days=MAX_VIEW_DAYS))
    margin = timedelta(days=VIEW_MARGIN_DAYS)
    return start - margin, end + margin

"""Forecasts from weekly throughput: PERT (the original tool's behaviour), Monte Carlo "when" and
"how many by a date", and the burndown/burnup series they are drawn on."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import pandas as pd

MAX_SIMULATED_WEEKS = 520  # ten years: beyond that a "forecast" says nothing
_CHUNK_WEEKS = 32


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


@dataclass(frozen=True)
class MonteCarloWhen:
    unit: str
    remaining: float
    trials: int
    seed: int
    window_weeks: int
    # Weeks needed per percentile, and the completion dates (today + ceil(weeks * 7) days).
    weeks: dict[str, float] | None
    dates: dict[str, date] | None
    deadline: date | None
    probability_by_deadline: float | None
    # Share of trials that did not finish within MAX_SIMULATED_WEEKS.
    unfinished_share: float
    histogram: pd.DataFrame  # weeks needed, trials
    reason: str = ""


PERCENTILES = {"p50": 50, "p85": 85, "p95": 95}


def monte_carlo_when(
    samples: np.ndarray,
    remaining: float,
    today: date,
    *,
    trials: int = 10_000,
    seed: int = 42,
    deadline: date | None = None,
    unit: str = "items",
) -> MonteCarloWhen:
    """Each trial draws weekly throughputs from ``samples`` with replacement until they add up
    to ``remaining``; the result is the number of weeks drawn. Percentiles interpolate linearly."""
    values = np.asarray(samples, dtype=float)
    empty = pd.DataFrame({"weeks": pd.Series(dtype="int64"), "trials": pd.Series(dtype="int64")})
    if remaining <= 0:
        weeks = dict.fromkeys(PERCENTILES, 0.0)
        return MonteCarloWhen(
            unit, float(remaining), trials, seed, len(values), weeks,
            dict.fromkeys(PERCENTILES, today), deadline,
            None if deadline is None else float(today <= deadline), 0.0,
            pd.DataFrame({"weeks": [0], "trials": [trials]}),
        )  # fmt: skip
    if len(values) == 0 or values.max() <= 0:
        reason = (
            "no complete week of throughput yet"
            if len(values) == 0
            else ("throughput is zero in every week of the window")
        )
        return MonteCarloWhen(
            unit, float(remaining), trials, seed, len(values), None, None, deadline, None, 1.0,
            empty, reason,
        )  # fmt: skip
    needed = simulate_weeks_needed(values, remaining, trials, seed)
    finished = needed <= MAX_SIMULATED_WEEKS
    unfinished_share = float(1 - finished.mean())
    # Unfinished trials stay in the percentiles as "never" (infinity), so they cannot flatter them.
    as_float = np.where(finished, needed, np.inf).astype(float)
    # Between two "never" trials linear interpolation computes inf - inf; that percentile is
    # "never" too, so the NaN it gives (silently) becomes infinity.
    with np.errstate(invalid="ignore"):
        quantiles = np.nan_to_num(
            np.percentile(as_float, list(PERCENTILES.values())), nan=np.inf, posinf=np.inf
        )
    weeks = {name: float(w) for name, w in zip(PERCENTILES, quantiles, strict=True)}
    dates = {
        name: today + timedelta(days=math.ceil(w * 7))
        for name, w in weeks.items()
        if math.isfinite(w)
    }
    probability = None
    if deadline is not None:
        allowed = (deadline - today).days / 7
        probability = float(np.mean(as_float <= allowed))
    counts = np.bincount(needed[finished].astype("int64"))
    histogram = pd.DataFrame({"weeks": np.flatnonzero(counts), "trials": counts[counts > 0]})
    return MonteCarloWhen(
        unit, float(remaining), trials, seed, len(values),
        {k: v for k, v in weeks.items() if math.isfinite(v)} or None,
        dates or None, deadline, probability, unfinished_share, histogram,
        "" if dates else "fewer than half the trials finish within ten years",
    )  # fmt: skip


def simulate_weeks_needed(
    values: np.ndarray, remaining: float, trials: int, seed: int
) -> np.ndarray:
    """Weeks each trial needs (``MAX_SIMULATED_WEEKS + 1`` when it never gets there)."""
    rng = np.random.default_rng(seed)
    needed = np.full(trials, MAX_SIMULATED_WEEKS + 1, dtype="int64")
    total = np.zeros(trials)
    open_trials = np.arange(trials)
    drawn = 0
    while len(open_trials) and drawn < MAX_SIMULATED_WEEKS:
        chunk = min(_CHUNK_WEEKS, MAX_SIMULATED_WEEKS - drawn)
        draws = values[rng.integers(0, len(values), size=(len(open_trials), chunk))]
        running = total[open_trials, None] + np.cumsum(draws, axis=1)
        reached = running >= remaining
        hit = reached.any(axis=1)
        needed[open_trials[hit]] = drawn + reached[hit].argmax(axis=1) + 1
        total[open_trials] = running[:, -1]
        open_trials = open_trials[~hit]
        drawn += chunk
    return needed


@dataclass(frozen=True)
class MonteCarloHowMany:
    unit: str
    target_date: date
    weeks: int
    trials: int
    seed: int
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
) -> MonteCarloHowMany | None:
    """Totals of ``floor(days until target / 7)`` weekly draws per trial; None without samples."""
    values = np.asarray(samples, dtype=float)
    weeks = max(0, (target_date - today).days // 7)
    if len(values) == 0:
        return None
    rng = np.random.default_rng(seed)
    totals = (
        values[rng.integers(0, len(values), size=(trials, weeks))].sum(axis=1)
        if weeks
        else np.zeros(trials)
    )
    at_least = {f"p{c}": float(np.floor(np.percentile(totals, 100 - c))) for c in (50, 85, 95)}
    rounded = np.floor(totals).astype("int64")
    counts = np.bincount(rounded)
    histogram = pd.DataFrame({"completed": np.flatnonzero(counts), "trials": counts[counts > 0]})
    return MonteCarloHowMany(unit, target_date, weeks, trials, seed, at_least, histogram)


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

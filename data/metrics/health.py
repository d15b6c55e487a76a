"""The health summary: four dimensions (delivery, predictability, flow, quality), each green, amber
or red with the number and the threshold that made it so, and an overall 0–100 score.

Each dimension reads one or two signals. A signal's value is compared with its two bounds (profile
settings, ``forecast_settings.health_thresholds``): within the green bound it is green, within the
amber bound amber, else red. Its score falls linearly from 100 at the ideal value to 70 at the
green bound, 40 at the amber bound and 0 as far again past the amber bound as the amber bound lies
past the green one, so green ⇔ score ≥ 70 and amber ⇔ 40 ≤ score < 70. A dimension is its weakest
signal. The overall score is the weighted mean of the dimensions that have data, their weights
scaled up to 100 % when a dimension has none (the upstream burndown-chart app's redistribution).
docs/metrics.md ("Health summary") has the formula with worked examples.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from data.errors import ValidationError

GREEN, AMBER, RED = "green", "amber", "red"
STATUS_ORDER = (GREEN, AMBER, RED)


@dataclass(frozen=True)
class SignalRule:
    """How one signal is judged: ``higher`` is better (a probability) or lower is, its ideal
    value (score 100), the default bounds, and how its value reads (``share`` or ``ratio``)."""

    dimension: str
    label: str
    higher: bool
    ideal: float
    green: float
    amber: float
    kind: str


SIGNALS: dict[str, SignalRule] = {
    "deadline_probability": SignalRule("delivery", "chance to meet the deadline", True,
                                       1.0, 0.85, 0.50, "share"),
    "throughput_cv": SignalRule("predictability", "throughput variation (CV)", False,
                                0.0, 0.35, 0.70, "ratio"),
    "ageing_past_p85": SignalRule("flow", "WIP older than cycle-time P85", False,
                                  0.0, 0.15, 0.30, "share"),
    "littles_law_ratio": SignalRule("flow", "WIP vs Little's law", False,
                                    1.0, 1.25, 1.60, "ratio"),
    "bug_share": SignalRule("quality", "bugs among completed items", False,
                            0.0, 0.20, 0.35, "share"),
    "change_failure_rate": SignalRule("quality", "change failure rate", False,
                                      0.0, 0.15, 0.30, "share"),
}  # fmt: skip
DIMENSIONS = ("delivery", "predictability", "flow", "quality")
WEIGHTS = {"delivery": 30.0, "predictability": 20.0, "flow": 25.0, "quality": 25.0}
DIMENSION_LABELS = {
    "delivery": "Delivery",
    "predictability": "Predictability",
    "flow": "Flow",
    "quality": "Quality",
}


@dataclass(frozen=True)
class HealthThresholds:
    """(green, amber) bounds per signal; see ``health_thresholds``."""

    bounds: Mapping[str, tuple[float, float]]

    def of(self, signal: str) -> tuple[float, float]:
        rule = SIGNALS[signal]
        return self.bounds.get(signal, (rule.green, rule.amber))


DEFAULT_THRESHOLDS = HealthThresholds({})


def health_thresholds(
    value: Any, key: str = "forecast_settings.health_thresholds"
) -> HealthThresholds:
    """Read ``{signal: {"green": x, "amber": y}}`` (either bound may be left out: its default),
    refusing an unknown signal, a bound that is not a number, a share outside 0–1 and bounds in
    the wrong order with one sentence naming the key."""
    if value in (None, ""):
        return DEFAULT_THRESHOLDS
    if not isinstance(value, dict):
        raise ValidationError(f"{key} must be a JSON object, not {type(value).__name__}.")
    bounds: dict[str, tuple[float, float]] = {}
    for signal, given in value.items():
        rule = SIGNALS.get(signal)
        if rule is None:
            raise ValidationError(
                f"{key} has no signal {signal!r}; use one of {', '.join(SIGNALS)}."
            )
        if not isinstance(given, dict):
            raise ValidationError(f'{key}.{signal} must be like {{"green": 0.2, "amber": 0.35}}.')
        pair = []
        for bound, default in (("green", rule.green), ("amber", rule.amber)):
            number = given.get(bound, default)
            if (
                isinstance(number, bool)
                or not isinstance(number, int | float)
                or not math.isfinite(number)
            ):
                raise ValidationError(f"{key}.{signal}.{bound} is {number!r}; use a number.")
            if number < 0 or (rule.kind == "share" and number > 1):
                limits = "from 0 to 1" if rule.kind == "share" else "of 0 or more"
                raise ValidationError(
                    f"{key}.{signal}.{bound} is {number!r}; use a number {limits}."
                )
            pair.append(float(number))
        green, amber = pair
        if (green <= amber) if rule.higher else (green >= amber):
            order = "above" if rule.higher else "below"
            raise ValidationError(
                f"{key}.{signal}: the green bound ({green:g}) must lie {order} the amber bound "
                f"({amber:g}); swap them."
            )
        bounds[signal] = (green, amber)
    return HealthThresholds(bounds)


@dataclass(frozen=True)
class Signal:
    name: str
    dimension: str
    label: str
    value: float | None  # None = no data
    status: str | None
    score: float | None
    green: float
    amber: float
    higher: bool
    kind: str  # share or ratio
    detail: str = ""  # what the value was computed from, or why there is none


@dataclass(frozen=True)
class Dimension:
    name: str
    label: str
    status: str | None  # None = no data
    score: float | None
    weight: float  # the share of the overall score, in percent (0 without data)
    signals: tuple[Signal, ...]


@dataclass(frozen=True)
class Health:
    score: int | None  # 0–100, None when no dimension has data
    status: str | None
    dimensions: tuple[Dimension, ...]

    def dimension(self, name: str) -> Dimension:
        return next(d for d in self.dimensions if d.name == name)


@dataclass(frozen=True)
class HealthInputs:
    """The numbers the summary reads, taken from the report's sections."""

    deadline: date | None
    deadline_probability: float | None  # the Monte Carlo shown, items
    p85_date: date | None
    weekly_throughput: np.ndarray  # items per complete week of the forecast window
    wip_ages: np.ndarray  # days, items committed and not done
    cycle_time_p85: float | None
    window_cycle_times: np.ndarray  # days, items done in the forecast window
    bug_share: float | None  # Defect share of the items completed in the metrics window
    completed: int  # items completed in the metrics window
    change_failure_rate: float | None
    deployments: int
    no_deadline: str = "no deadline set"  # the detail without a deadline (says why there is none)


def score_of(value: float, rule: SignalRule, green: float, amber: float) -> float:
    """100 at the ideal, 70 at the green bound, 40 at the amber bound, 0 as far again past it."""
    ideal = max(rule.ideal, green) if rule.higher else min(rule.ideal, green)
    worst = amber + (amber - green)
    points = np.array([ideal, green, amber, worst])
    scores = np.array([100.0, 70.0, 40.0, 0.0])
    if rule.higher:  # np.interp needs increasing x: mirror the axis
        points, value = -points, -value
    # An ideal equal to the green bound (a bound set at the ideal) leaves a flat first segment.
    return float(np.interp(value, points, scores))


def status_of(value: float, rule: SignalRule, green: float, amber: float) -> str:
    if rule.higher:
        return GREEN if value >= green else AMBER if value >= amber else RED
    return GREEN if value <= green else AMBER if value <= amber else RED


def signal(
    name: str, value: float | None, thresholds: HealthThresholds, detail: str = ""
) -> Signal:
    rule = SIGNALS[name]
    green, amber = thresholds.of(name)
    if value is None or not math.isfinite(value):
        return Signal(name, rule.dimension, rule.label, None, None, None, green, amber,
                      rule.higher, rule.kind, detail)  # fmt: skip
    return Signal(
        name, rule.dimension, rule.label, float(value), status_of(value, rule, green, amber),
        score_of(value, rule, green, amber), green, amber, rule.higher, rule.kind, detail,
    )  # fmt: skip


def throughput_cv(weekly: np.ndarray) -> float | None:
    """Sample standard deviation ÷ mean of the weekly throughput; None for fewer than two weeks
    or no throughput."""
    values = np.asarray(weekly, dtype=float)
    if len(values) < 2 or values.mean() <= 0:
        return None
    return float(values.std(ddof=1) / values.mean())


def littles_law_ratio(
    wip: int, weekly: np.ndarray, cycle_times: np.ndarray
) -> tuple[float | None, float | None]:
    """(WIP ÷ the WIP Little's law expects, that expected WIP): expected = throughput per day ×
    mean cycle time of the window's finished items. None without throughput or cycle times."""
    values = np.asarray(weekly, dtype=float)
    times = np.asarray(cycle_times, dtype=float)
    if not len(values) or not len(times) or values.mean() <= 0 or times.mean() <= 0:
        return None, None
    expected = values.mean() / 7 * times.mean()
    return float(wip / expected), float(expected)


def health_summary(
    inputs: HealthInputs, thresholds: HealthThresholds = DEFAULT_THRESHOLDS
) -> Health:
    ages = np.asarray(inputs.wip_ages, dtype=float)
    p85 = inputs.cycle_time_p85
    past = None
    if len(ages) and p85 is not None:
        past = float(np.mean(ages > p85))
    ratio, expected = littles_law_ratio(len(ages), inputs.weekly_throughput,
                                        inputs.window_cycle_times)  # fmt: skip
    cv = throughput_cv(inputs.weekly_throughput)
    signals = [
        signal(
            "deadline_probability", inputs.deadline_probability, thresholds,
            (f"deadline {inputs.deadline.isoformat()}, P85 "
             f"{inputs.p85_date.isoformat() if inputs.p85_date else 'never'}")
            if inputs.deadline else inputs.no_deadline,
        ),
        signal(
            "throughput_cv", cv, thresholds,
            f"over {len(inputs.weekly_throughput)} weeks" if cv is not None
            else "needs two weeks with throughput",
        ),
        signal(
            "ageing_past_p85", past, thresholds,
            f"{int(np.sum(ages > p85))} of {len(ages)} items older than {p85:g} days"
            if past is not None and p85 is not None
            else "nothing in progress" if not len(ages) else "no cycle time yet",
        ),
        signal(
            "littles_law_ratio", ratio, thresholds,
            f"{len(ages)} in progress, {expected:.1f} expected" if expected is not None
            else "needs throughput and cycle times",
        ),
        signal(
            "bug_share", inputs.bug_share if inputs.completed else None, thresholds,
            f"of {inputs.completed} completed" if inputs.completed else "nothing completed",
        ),
        signal(
            "change_failure_rate", inputs.change_failure_rate, thresholds,
            f"of {inputs.deployments} deployments" if inputs.deployments else "no deployments",
        ),
    ]  # fmt: skip
    return combine(signals)


def combine(signals: list[Signal]) -> Health:
    """Dimensions (their weakest signal with data) and the overall score, the weights of the
    dimensions without data shared out among the others in proportion to theirs."""
    judged = []
    for name in DIMENSIONS:
        mine = tuple(s for s in signals if s.dimension == name)
        known = [s for s in mine if s.score is not None]
        weakest = min(known, key=lambda s: s.score or 0.0) if known else None
        judged.append((name, mine, weakest))
    total = sum(WEIGHTS[name] for name, _, weakest in judged if weakest is not None)
    dimensions = tuple(
        Dimension(
            name,
            DIMENSION_LABELS[name],
            weakest.status if weakest else None,
            weakest.score if weakest else None,
            WEIGHTS[name] / total * 100 if weakest is not None else 0.0,
            mine,
        )
        for name, mine, weakest in judged
    )
    if total == 0:
        return Health(None, None, dimensions)
    raw = sum((d.score or 0.0) * d.weight / 100 for d in dimensions)
    score = int(min(100, max(0, math.floor(raw + 0.5))))  # half up, as people round
    status = GREEN if score >= 70 else AMBER if score >= 40 else RED
    return Health(score, status, dimensions)

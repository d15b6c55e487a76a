"""One unit per metric, on every page: how a stored value is shown (scaled, rounded, with its
unit) as a card value, a table cell, a change, and on a chart axis.

The data layer keeps its own units (durations in hours, shares from 0 to 1); these say what a
reader sees: lead time in days, time to restore in hours, change failure rate and flow
efficiency in percent, counts as whole numbers.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC
from typing import Any


@dataclass(frozen=True)
class Unit:
    """How one kind of value reads: ``scale`` turns the stored value into the shown one,
    ``suffix`` follows a shown value ("12.5 d", "40%"), ``axis`` titles a chart's value axis."""

    axis: str
    suffix: str = ""
    scale: float = 1.0
    decimals: int = 1
    percent: bool = False

    def shown(self, value: Any) -> float | None:
        """The value in this unit (None for a missing or NaN value)."""
        if value is None or isinstance(value, bool):
            return None
        number = float(value)
        return None if math.isnan(number) else number * self.scale

    def text(self, value: Any) -> str:
        shown = self.shown(value)
        if shown is None:
            return "–"
        return f"{shown:,.{self.decimals}f}{self.suffix}"

    def change(self, delta: Any) -> str:
        """A change of this value: signed, shares in percentage points."""
        shown = self.shown(delta)
        if shown is None:
            return "–"
        sign = "+" if shown > 0 else ""
        suffix = " pp" if self.percent else self.suffix
        return f"{sign}{shown:,.{self.decimals}f}{suffix}"


COUNT = Unit("items", decimals=0)
PER_WEEK = Unit("per week")
WEEKS = Unit("weeks")
DAYS = Unit("days", " d")
DAYS_FROM_HOURS = Unit("days", " d", scale=1 / 24)
HOURS = Unit("hours", " h")
PERCENT = Unit("%", "%", scale=100, decimals=0, percent=True)
PERCENT_PRECISE = Unit("%", "%", scale=100, decimals=1, percent=True)
"""Percent with a decimal, where week-over-week changes are small (the weekly review)."""


DORA_UNITS: dict[str, Unit] = {
    "deployment_frequency": Unit("deployments / week", decimals=2),
    "lead_time": DAYS_FROM_HOURS,
    "change_failure_rate": PERCENT,
    "time_to_restore": HOURS,
}
"""The four DORA keys, on the DORA page's cards and trends (the stored values are per week,
hours and shares)."""


@dataclass(frozen=True)
class Metric:
    label: str
    unit: Unit


SNAPSHOT_METRICS: dict[str, Metric] = {
    "forecast.remaining_items": Metric("Remaining items", COUNT),
    "forecast.throughput_mean_items": Metric("Throughput (items / week)", PER_WEEK),
    "forecast.p85_weeks_items": Metric("P85 weeks to finish", WEEKS),
    "flow.velocity_per_week": Metric("Flow velocity (items / week)", PER_WEEK),
    "flow.flow_time_p85_days": Metric("Flow time P85 (days)", DAYS),
    "flow.efficiency": Metric("Flow efficiency (%)", PERCENT_PRECISE),
    "flow.load": Metric("Flow load (items)", COUNT),
    "dora.deployments_per_week": Metric("Deployments / week", DORA_UNITS["deployment_frequency"]),
    "dora.lead_time_median_hours": Metric("Lead time (days)", DORA_UNITS["lead_time"]),
    "dora.change_failure_rate": Metric("Change failure rate (%)", PERCENT_PRECISE),
    "dora.time_to_restore_median_hours": Metric(
        "Time to restore (hours)", DORA_UNITS["time_to_restore"]
    ),
}
"""The weekly snapshot's headline metrics (``type.name``) as the Weekly review and the DORA
trends show them."""


def snapshot_metric(column: str) -> Metric:
    return SNAPSHOT_METRICS.get(column, Metric(column, Unit("")))


def local_time(iso: str | None, tz: Any = None) -> str:
    """A stored UTC timestamp as a reader's local time: ``2 Dec 2026, 14:40 CET`` (``tz``: a
    tzinfo, default this machine's zone). An empty or unreadable value is shown as given."""
    from datetime import datetime

    if not iso:
        return "an unknown time"
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    local = moment.astimezone(tz)
    return f"{local.day} {local:%b %Y, %H:%M} {local.tzname() or ''}".rstrip()

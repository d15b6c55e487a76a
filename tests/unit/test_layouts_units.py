"""One unit per metric: the DORA page and the weekly review show each metric the same way, and
value axes of counts, durations and rates start at zero."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from layouts.charts import spread_labels, zero_based_range
from layouts.dora import key_values, trend_figure
from layouts.units import DORA_UNITS, SNAPSHOT_METRICS


def _dora(lead_time_hours: float, failure_rate: float) -> SimpleNamespace:
    return SimpleNamespace(
        deployments_per_week=0.5, deployment_frequency_tier="medium", deployments=13,
        deployment_source="fix_versions", lead_time_median_hours=lead_time_hours,
        lead_time_tier="high", lead_time_changes=40, change_failure_rate=failure_rate,
        change_failure_rate_tier="low", failed_deployments=6,
        time_to_restore_median_hours=59.53, time_to_restore_tier="medium", restored_incidents=9,
    )  # fmt: skip


def test_dora_cards_show_lead_time_in_days_whatever_its_size_and_failures_in_percent():
    # Lead time used to switch units at 48 h ("30.0 h", "13.4 days"); the review showed 321 h.
    for hours, shown in ((30.0, "1.2 d"), (321.0, "13.4 d")):
        values = key_values(_dora(hours, 0.5))
        assert values["lead_time"][0] == shown
    values = key_values(_dora(321.0, 0.5))
    assert values["change_failure_rate"][0] == "50%"
    assert values["time_to_restore"][0] == "59.5 h"
    assert values["deployment_frequency"][0] == "0.50 / week"


def test_the_weekly_review_uses_the_dora_page_units():
    for column, key in (
        ("dora.lead_time_median_hours", "lead_time"),
        ("dora.time_to_restore_median_hours", "time_to_restore"),
        ("dora.deployments_per_week", "deployment_frequency"),
    ):
        assert SNAPSHOT_METRICS[column].unit is DORA_UNITS[key]
    assert SNAPSHOT_METRICS["dora.change_failure_rate"].unit.text(0.5) == "50.0%"
    assert SNAPSHOT_METRICS["flow.load"].unit.text(52.0) == "52"


def test_dora_trends_are_drawn_in_their_unit_from_zero():
    weeks = ["2026-W47", "2026-W48"]
    lead = trend_figure("Lead time", weeks, [321.0, 309.0], DORA_UNITS["lead_time"], "#000")
    assert list(lead.data[0].y) == [321 / 24, 309 / 24] and lead.layout.yaxis.title.text == "days"
    assert lead.layout.yaxis.range[0] == 0
    rate = trend_figure("CFR", weeks, [0.5, 0.0], DORA_UNITS["change_failure_rate"], "#000")
    assert list(rate.data[0].y) == [50.0, 0.0] and rate.layout.yaxis.title.text == "%"
    flat = trend_figure("Deploys", weeks, [0.0, 0.0], DORA_UNITS["deployment_frequency"], "#000")
    assert list(flat.layout.yaxis.range) == [0, 1]


def test_zero_based_ranges_and_label_heights():
    assert zero_based_range([None, 0.5, float("nan")]) == [0.0, 0.55]
    assert zero_based_range([]) == [0.0, 1.0]
    # Three lines within a tenth of a 10-unit axis: labels 0.8 apart; the top one kept inside.
    assert spread_labels([4.0, 4.1, 4.2], 0.8, 10.0) == [4.0, 4.8, 5.6]
    assert spread_labels([9.5, 9.9, 10.0], 0.8, 10.0) == pytest.approx([8.4, 9.2, 10.0])

"""Weekly review from stored snapshots: week-over-week deltas."""

from __future__ import annotations

import math

from data.analytics.snapshots import review_from_snapshots


def _flow(week: str, **metrics: object) -> dict[str, object]:
    return {"snapshot_date": week, "metric_type": "flow", "metrics": metrics, "forecast": None}


def test_deltas_of_integer_and_float_metrics_and_none_for_missing_values():
    review = review_from_snapshots(
        [
            _flow("2026-W47", load=55, efficiency=0.25, velocity_per_week=None),
            _flow("2026-W48", load=55, efficiency=0.5, velocity_per_week=3.0),
        ]
    )
    delta = review.deltas.set_index("metric")["delta"]
    # Integer columns come back from pandas as numpy ints: 55 -> 55 is a change of 0, not "no delta".
    assert delta["flow.load"] == 0
    assert delta["flow.efficiency"] == 0.25
    assert delta["flow.velocity_per_week"] is None or math.isnan(delta["flow.velocity_per_week"])
    assert delta["flow.flow_time_p85_days"] is None or math.isnan(delta["flow.flow_time_p85_days"])

"""The Weekly review's week-over-week table: shares in percent, their change in points."""

from __future__ import annotations

import math

import pandas as pd

from layouts.review import deltas_table


def _rows(table) -> list[list[str]]:
    body = table.children.children[1]
    return [[cell.children for cell in row.children] for row in body.children]


def test_shares_show_as_percent_and_their_change_in_percentage_points():
    deltas = pd.DataFrame(
        [
            ("flow.efficiency", "2026-W47", "2026-W48", 0.30, 0.334, 0.034),
            ("dora.change_failure_rate", "2026-W47", "2026-W48", 0.5, 0.25, -0.25),
            ("flow.load", "2026-W47", "2026-W48", 55.0, 57.0, 2.0),
            ("flow.velocity_per_week", "2026-W47", "2026-W48", 16.5, 16.5, math.nan),
        ],
        columns=["metric", "previous_week", "week", "previous", "current", "delta"],
    )
    assert _rows(deltas_table(deltas)) == [
        ["Flow efficiency", "30.0% (2026-W47)", "33.4% (2026-W48)", "+3.4 pp"],
        ["Change failure rate", "50.0% (2026-W47)", "25.0% (2026-W48)", "-25.0 pp"],
        ["Flow load", "55.00 (2026-W47)", "57.00 (2026-W48)", "+2.00"],
        ["Flow velocity", "16.50 (2026-W47)", "16.50 (2026-W48)", "–"],
    ]

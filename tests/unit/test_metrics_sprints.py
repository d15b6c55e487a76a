"""Sprint metrics against numbers worked out by hand (docs/metrics.md, "Sprints").

Two fortnightly sprints in UTC; S1 closed two hours after its planned end, S2 active five days
in. Issues (points): A 3, B 5, C 2, D 8, E unestimated, G 3.
- A, B, D planned into S1 the day before it starts (committed); A resolved on day 3.
- C added on day 2 (after the start), resolved on day 10.
- D removed on day 5; E added on day 4 and removed on day 6.
- B never resolved: carried over into S2 at S1's completion (so committed in S2).
- G added to S2 a day after it started, resolved a day later.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from data.metrics.frames import DAY_MS, NAT_MS
from data.metrics.sprints import (
    membership_intervals,
    sprint_burndown,
    sprint_forecast,
    sprint_length_days,
    sprint_reports,
    velocity,
)

HOUR = 3_600_000
S1 = int(pd.Timestamp("2026-03-02T00:00Z").value // 1_000_000)
S1_DONE = S1 + 14 * DAY_MS + 2 * HOUR
S2 = S1_DONE
AS_OF = S2 + 5 * DAY_MS


def day(n: float, base: int = S1) -> int:
    return int(base + n * DAY_MS)


SPRINTS = pd.DataFrame(
    {
        "sprint_id": [1, 2, 3],
        "name": ["S1", "S2", "S3"],
        "state": ["closed", "active", "future"],
        "start": [S1, S2, NAT_MS],
        "end": [S1 + 14 * DAY_MS, S2 + 14 * DAY_MS, NAT_MS],
        "complete": [S1_DONE, NAT_MS, NAT_MS],
    }
)
CHANGES = pd.DataFrame(
    [
        ("A", day(-1), 1, True),
        ("B", day(-1), 1, True),
        ("D", day(-1), 1, True),
        ("C", day(2), 1, True),
        ("E", day(4), 1, True),
        ("D", day(5), 1, False),
        ("E", day(6), 1, False),
        ("B", S1_DONE, 2, True),  # carried over at the completion
        ("G", day(1, S2), 2, True),
    ],
    columns=["key", "at", "sprint_id", "joined"],
)
ISSUES = pd.DataFrame(
    {
        "key": ["A", "B", "C", "D", "E", "G"],
        "points": [3.0, 5.0, 2.0, 8.0, np.nan, 3.0],
        "resolved": [day(3), NAT_MS, day(10), NAT_MS, NAT_MS, day(2, S2)],
    }
)


def test_closed_sprint_counts_committed_added_removed_completed_carried_over() -> None:
    report = sprint_reports(SPRINTS, CHANGES, ISSUES, AS_OF).set_index("sprint_id")
    assert list(report.index) == [1, 2]  # the future sprint has no report
    s1 = report.loc[1]
    assert (s1.committed_items, s1.committed_points) == (3, 16.0)  # A, B, D
    assert (s1.added_items, s1.added_points) == (2, 2.0)  # C, E (unestimated: 0)
    assert (s1.removed_items, s1.removed_points) == (2, 8.0)  # D, E
    assert (s1.completed_items, s1.completed_points) == (2, 5.0)  # A, C
    assert (s1.carried_over_items, s1.carried_over_points) == (1, 5.0)  # B
    assert s1.say_do_items == pytest.approx(2 / 3) and s1.say_do_points == pytest.approx(5 / 16)


def test_active_sprint_counts_to_as_of_and_carries_nothing_over() -> None:
    s2 = sprint_reports(SPRINTS, CHANGES, ISSUES, AS_OF).set_index("sprint_id").loc[2]
    assert (s2.committed_items, s2.committed_points) == (1, 5.0)  # B, carried in at the start
    assert (s2.added_items, s2.completed_items, s2.completed_points) == (1, 1, 3.0)  # G
    assert (s2.removed_items, s2.carried_over_items) == (0, 0)
    assert s2.say_do_items == 1.0 and s2.say_do_points == pytest.approx(0.6)


def test_nothing_committed_has_no_say_do() -> None:
    changes = CHANGES[CHANGES["key"] == "C"]
    s1 = sprint_reports(SPRINTS, changes, ISSUES, AS_OF).set_index("sprint_id").loc[1]
    assert s1.committed_items == 0 and s1.say_do_items is None and s1.say_do_points is None


def test_repeated_changes_count_once_and_a_rejoin_is_a_second_span() -> None:
    changes = pd.DataFrame(
        [("X", 10, 1, True), ("X", 20, 1, True), ("X", 30, 1, False), ("X", 40, 1, True)],
        columns=["key", "at", "sprint_id", "joined"],
    )
    spans = membership_intervals(changes)
    assert spans[["joined", "left"]].values.tolist() == [[10, 30], [40, np.iinfo(np.int64).max]]


def test_an_issue_with_two_spans_in_a_sprint_counts_once() -> None:
    # H is committed, removed on day 3 and added again on day 5 (two spans in S1), resolved on
    # day 8: one committed, one completed item, neither added nor removed.
    changes = pd.DataFrame(
        [("H", day(-1), 1, True), ("H", day(3), 1, False), ("H", day(5), 1, True)],
        columns=["key", "at", "sprint_id", "joined"],
    )
    issues = pd.DataFrame({"key": ["H"], "points": [2.0], "resolved": [day(8)]})
    s1 = sprint_reports(SPRINTS, changes, issues, AS_OF).set_index("sprint_id").loc[1]
    assert (s1.committed_items, s1.completed_items, s1.completed_points) == (1, 1, 2.0)
    assert (s1.added_items, s1.removed_items, s1.carried_over_items) == (0, 0, 0)


def test_burndown_of_a_closed_sprint_day_by_day() -> None:
    burndown = sprint_burndown(SPRINTS.iloc[0], CHANGES, ISSUES, "UTC", AS_OF)
    assert burndown["date"].iloc[0] == date(2026, 3, 2)
    assert burndown["date"].iloc[-1] == date(2026, 3, 16)  # the completion's day
    assert burndown["scope_items"].tolist() == [3, 4, 4, 5, 4] + [3] * 10
    assert burndown["remaining_items"].tolist() == [3, 4, 3, 4, 3, 2, 2, 2, 2] + [1] * 6
    assert burndown["remaining_points"].tolist() == [16, 18, 15, 15, 7, 7, 7, 7, 7] + [5] * 6
    # Ideal: the 3 items (16 points) open at the start, down to 0 at the planned end (day 14).
    assert burndown["ideal_items"].tolist() == pytest.approx(
        [3 * max(0, 1 - (k + 1) / 14) for k in range(15)]
    )
    assert burndown["ideal_points"].iloc[6] == pytest.approx(16 * 7 / 14)


def test_burndown_of_the_active_sprint_runs_to_its_planned_end() -> None:
    burndown = sprint_burndown(SPRINTS.iloc[1], CHANGES, ISSUES, "UTC", AS_OF)
    assert len(burndown) == 15  # S2 starts at 02:00 on 16 March, ends on 30 March
    known = burndown["remaining_items"].notna()
    assert known.sum() == 6  # 16-21 March: as_of is 21 March 02:00
    assert burndown.loc[known, "remaining_items"].tolist() == [1, 2, 1, 1, 1, 1]
    assert burndown["ideal_items"].iloc[0] == pytest.approx(1 - (22 / 24) / 14)


def test_velocity_lists_the_last_closed_sprints() -> None:
    reports = sprint_reports(SPRINTS, CHANGES, ISSUES, AS_OF)
    table = velocity(reports, last=6)
    assert table["sprint_id"].tolist() == [1]
    assert table[["committed_items", "completed_items"]].values.tolist() == [[3, 2]]
    assert velocity(reports, last=0).empty


def test_sprint_forecast_pert_and_monte_carlo_in_sprints() -> None:
    start = date(2026, 3, 30)
    forecast = sprint_forecast(np.array([4, 6, 5]), 10, start, pert_factor=1)
    # M = 5, O = 6, P = 4: (10/6 + 4·2 + 10/4) / 6 sprints; done after 3 whole sprints.
    assert forecast.pert_sprints == pytest.approx((10 / 6 + 8 + 2.5) / 6)
    assert forecast.pert_date == date(2026, 5, 11)
    # Two sprints reach 10 in 6 of the 9 equally likely pairs (67%), one sprint never does,
    # three always do: P50 ends after the 2nd sprint, P85 after the 3rd.
    assert forecast.monte_carlo_dates is not None
    assert forecast.monte_carlo_dates["p50"] == date(2026, 4, 27)
    assert forecast.monte_carlo_dates["p85"] == date(2026, 5, 11)
    assert 1 < forecast.monte_carlo_sprints["p50"] <= 2 < forecast.monte_carlo_sprints["p85"] <= 3


def test_no_velocity_is_no_forecast_with_a_reason() -> None:
    forecast = sprint_forecast(np.array([0, 0, 0]), 10, date(2026, 3, 30))
    assert forecast.pert_sprints is None and forecast.monte_carlo_dates is None
    assert forecast.reason == "throughput is zero in every sprint"


def test_sprint_length_is_the_typical_planned_length() -> None:
    assert sprint_length_days(SPRINTS) == 14
    assert sprint_length_days(SPRINTS.iloc[2:]) == 14

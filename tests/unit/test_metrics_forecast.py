"""Golden tests: weekly statistics, the upstream CSV, burndown, PERT and Monte Carlo."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pytest

from data.analytics.report import context_from_frames, forecast_section, how_many_section
from data.errors import ValidationError
from data.metrics.forecast import (
    MAX_SIMULATED_WEEKS,
    burndown,
    forecast_view,
    how_many_date,
    monte_carlo_how_many,
    monte_carlo_when,
    pert_forecast,
    simulate_days_needed,
)
from data.metrics.mappings import MetricMappings
from data.metrics.weekly import (
    parse_statistics_csv,
    project_data_document,
    weekly_from_statistics,
    weekly_throughput,
)
from tests.unit.metrics_builders import build_frames, issue

UPSTREAM_CSV = Path(__file__).resolve().parents[1] / "fixtures" / "upstream_statistics.csv"
FLOW_STATES = {"To Do": "Waiting", "In Progress": "Active", "Done": "Done", "Won't Do": "Canceled"}
MAPPINGS = MetricMappings(status_to_flow_state=FLOW_STATES, points_field="customfield_10016")
TODAY = date(2026, 3, 25)

# ISO weeks: W10 = Mar 2-8, W11 = Mar 9-15, W12 = Mar 16-22, W13 = Mar 23-29 (as_of: Wed Mar 25).
ISSUES = [
    issue("W-1", "2026-03-02T09:00:00Z", [("2026-03-04T09:00:00Z", "Done")], points=3),
    # Done in W11, reopened, done again in W12: counts once, in W12.
    issue("W-2", "2026-03-03T09:00:00Z", [("2026-03-10T09:00:00Z", "Done"),
          ("2026-03-11T09:00:00Z", "In Progress"), ("2026-03-17T09:00:00Z", "Done")], points=5),
    issue("W-3", "2026-03-03T09:00:00Z", [("2026-03-05T09:00:00Z", "In Progress")], points=2),
    # Created and done in the same minute; no estimate (0 points).
    issue("W-4", "2026-03-10T10:00:00Z", [("2026-03-10T10:00:30Z", "Done")]),
    # Canceled in W12: leaves the scope then.
    issue("W-5", "2026-03-11T09:00:00Z", [("2026-03-18T09:00:00Z", "Won't Do")], points=8),
    issue("W-6", "2026-03-24T09:00:00Z", [], points=1),
]  # fmt: skip


@pytest.fixture(scope="module")
def ctx():
    return context_from_frames(build_frames(ISSUES, "2026-03-25T12:00:00Z"), MAPPINGS)


def test_weekly_statistics(ctx):
    rows = ctx.weekly.set_index("week")
    # W10: done W-1 (3 pts); created W-1 W-2 W-3 (3+5+2 = 10); scope 3 / 10; remaining 3-1 = 2, 10-3 = 7.
    # W11: done W-4 (0 pts); created W-4 W-5 (0+8); scope 5 / 18; remaining 5-2 = 3, 18-3 = 15.
    # W12: done W-2 (5); W-5 canceled: scope 4 / 10; remaining 4-3 = 1, 10-8 = 2.
    # W13 (running): created W-6 (1); scope 5 / 11; remaining 5-3 = 2, 11-8 = 3.
    expected = {
        "2026-W10": (True, 1, 3.0, 3, 10.0, 3, 10.0, 2, 7.0),
        "2026-W11": (True, 1, 0.0, 2, 8.0, 5, 18.0, 3, 15.0),
        "2026-W12": (True, 1, 5.0, 0, 0.0, 4, 10.0, 1, 2.0),
        "2026-W13": (False, 0, 0.0, 1, 1.0, 5, 11.0, 2, 3.0),
    }
    columns = [
        "complete", "completed_items", "completed_points", "created_items", "created_points",
        "scope_items", "scope_points", "remaining_items", "remaining_points",
    ]  # fmt: skip
    assert {w: tuple(rows.loc[w, columns]) for w in rows.index} == expected
    assert rows.loc["2026-W10", "week_start"] == date(2026, 3, 2)


def test_throughput_counts_done_issues_in_complete_weeks(ctx):
    throughput = weekly_throughput(ctx.weekly)
    assert throughput["items"].tolist() == [1, 1, 1]
    assert throughput["points"].tolist() == [3.0, 0.0, 5.0]


def test_project_data_document_has_the_upstream_shape(ctx):
    document = project_data_document(ctx.weekly, "customfield_10016")
    assert document["statistics"][0] == {
        "date": "2026-03-02", "week": "2026-W10", "completed_items": 1, "completed_points": 3.0,
        "created_items": 3, "created_points": 10.0,
    }  # fmt: skip
    scope = document["project_scope"]
    assert (scope["total_items"], scope["completed_items"], scope["remaining_items"]) == (5, 3, 2)
    assert scope["points_field_available"] is True


def test_forecast_section_uses_the_complete_weeks(ctx):
    section = forecast_section(ctx)
    # Window W10..W12, throughput [1, 1, 1]: M = O = P = 1 item/week, remaining 2 -> 2 weeks,
    # expected (2 + 4*2 + 2)/6 = 2 weeks -> Mar 25 + 14 days = Apr 8.
    assert section.window.week_keys == ("2026-W10", "2026-W11", "2026-W12")
    assert section.pert_items.expected_weeks == 2.0
    assert section.pert_items.expected_date == date(2026, 4, 8)
    # Points [3, 0, 5], k = min(3, 3 // 3) = 1: M = 8/3, O = 5, P = 0 -> the pessimistic
    # estimate never finishes, so there is no expected date.
    assert section.pert_points.optimistic_weeks == pytest.approx(3 / 5)
    assert section.pert_points.pessimistic_weeks is None
    assert section.pert_points.expected_date is None
    # Every trial draws 1 item a week: exactly 2 weeks -> Apr 8 for P50, P85 and P95.
    assert section.monte_carlo_items.dates == dict.fromkeys(("p50", "p85", "p95"), date(2026, 4, 8))
    assert section.burndown.series["remaining_items"].tolist() == [2, 3, 1, 2]


def test_pert_golden():
    # Samples [2, 0, 5, 3, 4, 6], pert_factor 3 capped at 6 // 3 = 2 weeks; sorted [0, 2, 3, 4, 5, 6].
    # M = 20/6 = 3.333; O = (5 + 6)/2 = 5.5; P = (0 + 2)/2 = 1. Remaining 30:
    # O: 30/5.5 = 5.4545 weeks; M: 30/3.333 = 9; P: 30/1 = 30.
    # Expected (5.4545 + 4*9 + 30)/6 = 11.909 weeks = 83.4 days -> Mar 25 + 84 days = Jun 17.
    result = pert_forecast(np.array([2, 0, 5, 3, 4, 6]), 30, 3, TODAY)
    assert result.pert_factor == 2
    assert result.most_likely_rate == pytest.approx(20 / 6)
    assert (result.optimistic_rate, result.pessimistic_rate) == (5.5, 1.0)
    assert result.optimistic_weeks == pytest.approx(30 / 5.5)
    assert result.most_likely_weeks == pytest.approx(9.0)
    assert result.pessimistic_weeks == pytest.approx(30.0)
    assert result.expected_weeks == pytest.approx((30 / 5.5 + 36 + 30) / 6)
    assert result.expected_date == date(2026, 6, 17)


def test_pert_edge_cases():
    all_zero = pert_forecast(np.array([0, 0, 0]), 10, 3, TODAY)
    assert all_zero.expected_date is None and "zero in every week" in all_zero.reason
    assert pert_forecast(np.array([]), 10, 3, TODAY).reason == "no complete week of throughput yet"
    done = pert_forecast(np.array([0, 3]), 0, 3, TODAY)
    assert (done.expected_weeks, done.expected_date) == (0.0, TODAY)
    # One week of data: k = max(1, min(3, 1 // 3)) = 1, O = M = P = 4 -> 8 / 4 = 2 weeks.
    one = pert_forecast(np.array([4]), 8, 3, TODAY)
    assert (one.pert_factor, one.expected_weeks) == (1, 2.0)


def test_monte_carlo_when_constant_throughput_is_exact():
    # 5 a week, 12 remaining: 5 and 10 after two weeks, and the third week's 5 are spread over
    # its 7 days, so the last 2 take 2/5 of it: 2.4 weeks = 16.8 days -> Mar 25 + 17 = Apr 11.
    result = monte_carlo_when(np.array([5, 5, 5]), 12, TODAY, deadline=TODAY + timedelta(days=17))
    assert result.days == pytest.approx({"p50": 16.8, "p85": 16.8, "p95": 16.8})
    assert result.weeks == pytest.approx({"p50": 2.4, "p85": 2.4, "p95": 2.4})
    assert result.dates == dict.fromkeys(("p50", "p85", "p95"), date(2026, 4, 11))
    assert result.probability_by_deadline == 1.0
    early = monte_carlo_when(np.array([5]), 12, TODAY, deadline=TODAY + timedelta(days=16))
    assert early.probability_by_deadline == 0.0  # 16 days < 16.8
    assert result.histogram.to_dict("records") == [
        {"date": date(2026, 4, 11), "days": 17, "trials": 10_000}
    ]
    assert (result.scope, result.arrival_rate) == ("fixed", None)


def test_monte_carlo_p50_and_p85_differ_within_a_week():
    # Weeks of 3 or 6 (6 with probability 1/3), 5 remaining:
    # - a first week of 6 finishes after 5/6 of it: 5.83 days (1/3 of the trials);
    # - a first week of 3 leaves 2: a second week of 6 takes 2/6 of it, 7 + 2.33 = 9.33 days
    #   (2/3 · 1/3 = 2/9), a second week of 3 takes 2/3 of it, 7 + 4.67 = 11.67 days (4/9).
    # Sorted, 9.33 days covers the 33%-56% ranks and 11.67 days the top 44%: P50 = 9.33 days
    # (Mar 25 + 10 = Apr 4) and P85 = P95 = 11.67 days (Mar 25 + 12 = Apr 6), two days apart
    # inside the second week.
    result = monte_carlo_when(np.array([3, 3, 6]), 5, TODAY)
    assert result.days == pytest.approx({"p50": 28 / 3, "p85": 35 / 3, "p95": 35 / 3})
    assert result.dates == {"p50": date(2026, 4, 4), "p85": date(2026, 4, 6),
                            "p95": date(2026, 4, 6)}  # fmt: skip
    shares = result.histogram.set_index("days")["trials"] / result.trials
    assert shares.index.tolist() == [6, 10, 12]
    assert shares.tolist() == pytest.approx([1 / 3, 2 / 9, 4 / 9], abs=0.02)


def test_monte_carlo_with_a_growing_scope_samples_arrivals_too():
    # 5 done and 2 arriving every week: the gap of 12 closes by 3 a week, 3, 6, 9, 12 -> the
    # whole fourth week is needed: 28 days -> Apr 22 (the fixed scope said 16.8 days).
    result = monte_carlo_when(np.array([5]), 12, TODAY, arrivals=np.array([2]))
    assert (result.scope, result.arrival_rate) == ("growing", 2.0)
    assert result.days == pytest.approx({"p50": 28.0, "p85": 28.0, "p95": 28.0})
    assert result.dates["p85"] == date(2026, 4, 22)
    # As much arriving as finished: the gap never closes.
    stuck = monte_carlo_when(np.array([5, 5]), 12, TODAY, arrivals=np.array([5]), trials=100)
    assert stuck.dates is None and stuck.unfinished_share == 1.0
    assert "new work arrives about as fast as work is finished" in stuck.reason


def test_monte_carlo_with_nothing_arriving_is_the_fixed_scope_forecast():
    # Arrivals come from their own random stream: with none arriving, every trial draws the
    # same weeks as the fixed-scope forecast and finishes on the same day.
    samples = np.array([0, 3, 7, 2, 9])
    fixed = monte_carlo_when(samples, 40, TODAY, seed=11)
    growing = monte_carlo_when(samples, 40, TODAY, seed=11, arrivals=np.array([0.0]))
    assert growing.days == fixed.days
    assert growing.histogram.equals(fixed.histogram)


def test_monte_carlo_is_seeded_and_reports_no_forecast_for_zero_throughput():
    samples = np.array([0, 3, 7, 2, 9])
    first, again = (monte_carlo_when(samples, 40, TODAY, seed=7) for _ in range(2))
    assert first.days == again.days and first.histogram.equals(again.histogram)
    assert first.days["p50"] <= first.days["p85"] <= first.days["p95"]
    zero = monte_carlo_when(np.array([0, 0]), 5, TODAY)
    assert zero.dates is None and zero.reason == "throughput is zero in every week of the window"
    empty = monte_carlo_when(np.array([]), 5, TODAY)
    assert empty.dates is None and empty.reason == "no complete week of throughput yet"


def test_monte_carlo_gives_up_after_ten_years():
    # 1 item in 1 of 1000 possible weeks on average, 100 remaining: almost never finishes.
    samples = np.zeros(1000)
    samples[0] = 1
    result = monte_carlo_when(samples, 100, TODAY, trials=200)
    assert result.unfinished_share == 1.0 and result.dates is None
    assert MAX_SIMULATED_WEEKS == 520


def test_monte_carlo_how_many():
    # Until Apr 9 (15 days): two whole weeks and 1/7 of a third; 4 a week in every draw ->
    # 8 + 4/7 = 8.57 in every trial, 8 whole items.
    result = monte_carlo_how_many(np.array([4, 4]), TODAY, TODAY + timedelta(days=15))
    assert result.days == 15
    assert result.at_least == {"p50": 8.0, "p85": 8.0, "p95": 8.0}
    # 10 days: one week and 3/7 of another -> 4 + 12/7 = 5.71 -> at least 5.
    short = monte_carlo_how_many(np.array([4]), TODAY, TODAY + timedelta(days=10))
    assert short.at_least == {"p50": 5.0, "p85": 5.0, "p95": 5.0}
    assert short.histogram.to_dict("records") == [{"completed": 5, "trials": 10_000}]
    # Draws of 0 or 10 over one week: half the trials reach 10. 85% confident of at least the
    # 15th percentile = 0; 50% confident of at least the 50th percentile (between 0 and 10).
    mixed = monte_carlo_how_many(np.array([0, 10]), TODAY, TODAY + timedelta(days=7), seed=3)
    assert mixed.at_least["p85"] == 0.0 and mixed.at_least["p95"] == 0.0
    assert monte_carlo_how_many(np.array([]), TODAY, TODAY + timedelta(days=7)) is None


def test_how_many_is_at_most_the_work_there_is():
    # 4 a week for 3 weeks = 12, but 10 remain: every trial finishes the 10.
    capped = monte_carlo_how_many(np.array([4]), TODAY, TODAY + timedelta(days=21), remaining=10)
    assert capped.at_least == {"p50": 10.0, "p85": 10.0, "p95": 10.0}
    # With 1 new item arriving each week there are 13 to do by then: the 12 finished all count.
    growing = monte_carlo_how_many(
        np.array([4]), TODAY, TODAY + timedelta(days=21), remaining=10, arrivals=np.array([1])
    )
    assert (growing.scope, growing.at_least["p50"]) == ("growing", 12.0)


def test_how_many_asks_about_the_deadline_ahead_else_four_weeks_out():
    assert how_many_date(TODAY, date(2026, 6, 1)) == date(2026, 6, 1)
    assert how_many_date(TODAY, TODAY) == date(2026, 4, 22)  # a deadline today is not ahead
    assert how_many_date(TODAY, None) == date(2026, 4, 22)


def test_forecast_view_is_the_recent_window_and_the_forecast_horizon():
    # 12 weeks back from Mar 25 is 2025-12-31; the latest date ahead is the deadline Jun 1;
    # a week's margin at both ends.
    ahead = [date(2026, 5, 1), None, date(2026, 6, 1), date(2026, 3, 1)]
    assert forecast_view(date(2025, 1, 5), TODAY, 12, ahead) == (
        date(2025, 12, 24), date(2026, 6, 8),
    )  # fmt: skip
    # A young project starts at its first point; nothing ahead -> the window's length ahead.
    assert forecast_view(date(2026, 3, 9), TODAY, 12, [None]) == (
        date(2026, 3, 2), date(2026, 6, 24),
    )  # fmt: skip
    # A forecast nine years out is cut to two years (730 days) ahead.
    far = forecast_view(None, TODAY, 12, [date(2035, 1, 1)])
    assert far == (date(2025, 12, 24), TODAY + timedelta(days=737))


def test_burndown_projection_starts_today_at_remaining(ctx):
    section = forecast_section(ctx)
    chart = burndown(ctx.weekly, section.pert_items, TODAY, date(2026, 5, 1), date(2026, 4, 1))
    assert chart.projection.to_dict("records") == [
        {"date": TODAY, "remaining_items": 2.0},
        {"date": date(2026, 4, 8), "remaining_items": 0.0},
    ]
    assert (chart.deadline, chart.milestone) == (date(2026, 5, 1), date(2026, 4, 1))
    assert chart.series["completed_items_total"].tolist() == [1, 2, 3, 3]
    assert chart.series["scope_items"].tolist() == [5 - 2, 5, 4, 5]


def test_burndown_projects_points_to_the_points_pert_date(ctx):
    # Points throughput [3, 0, 5] has a zero week, so the points PERT has no date -> no points
    # projection, while the items projection is drawn.
    section = forecast_section(ctx)
    assert section.burndown.projection_points.empty
    assert list(section.burndown.projection_points.columns) == ["date", "remaining_points"]
    # Weekly points [2, 4, 6], k = 1: M = 4, O = 6, P = 2; 12 remaining -> 3, 2 and 6 weeks,
    # expected (2 + 4*3 + 6)/6 = 3.33 weeks = 23.3 days -> Mar 25 + 24 days = Apr 18.
    pert_points = pert_forecast(np.array([2.0, 4.0, 6.0]), 12.0, 3, TODAY, "points")
    chart = burndown(ctx.weekly, None, TODAY, None, None, pert_points)
    assert chart.projection_points.to_dict("records") == [
        {"date": TODAY, "remaining_points": 12.0},
        {"date": date(2026, 4, 18), "remaining_points": 0.0},
    ]
    assert chart.projection.empty  # no items forecast given
    assert chart.series["remaining_points"].tolist() == [7.0, 15.0, 2.0, 3.0]
    assert chart.series["completed_points_total"].tolist() == [3.0, 3.0, 8.0, 8.0]
    assert chart.series["scope_points"].tolist() == [10.0, 18.0, 10.0, 11.0]
    # Without weeks there is nothing to project from.
    nothing = burndown(ctx.weekly.iloc[:0], None, TODAY, None, None, pert_points)
    assert nothing.projection_points.empty


def test_forecast_section_projects_points_when_the_points_pert_has_a_date():
    # Every complete week finishes 2 points: points PERT and Monte Carlo both say 1 more week
    # for the 2 open points (P-3); the points projection and Monte Carlo dates are Mar 17.
    spec = [
        issue("P-1", "2026-02-23T09:00:00Z", [("2026-02-24T09:00:00Z", "Done")], points=2),
        issue("P-2", "2026-02-23T09:00:00Z", [("2026-03-03T09:00:00Z", "Done")], points=2),
        issue("P-3", "2026-02-23T09:00:00Z", [], points=2),
    ]
    section = forecast_section(context_from_frames(build_frames(spec, "2026-03-10T09:00:00Z"),
                                                   MAPPINGS))  # fmt: skip
    assert section.pert_points.expected_date == date(2026, 3, 17)
    assert section.burndown.projection_points.to_dict("records") == [
        {"date": date(2026, 3, 10), "remaining_points": 2.0},
        {"date": date(2026, 3, 17), "remaining_points": 0.0},
    ]
    assert section.monte_carlo_points.dates == dict.fromkeys(("p50", "p85", "p95"),
                                                             date(2026, 3, 17))  # fmt: skip
    no_points = forecast_section(
        context_from_frames(build_frames(spec, "2026-03-10T09:00:00Z"),
                            MetricMappings(status_to_flow_state=FLOW_STATES))
    )  # fmt: skip
    assert no_points.pert_points is None and no_points.burndown.projection_points.empty


def test_no_issues_and_all_zero_weeks():
    empty = context_from_frames(build_frames([], "2026-03-25T12:00:00Z"), MAPPINGS)
    assert empty.weekly.empty
    section = forecast_section(empty)
    assert section.pert_items.expected_date is None and section.monte_carlo_items.weeks == {
        "p50": 0.0,
        "p85": 0.0,
        "p95": 0.0,
    }  # fmt: skip  (nothing remains: done today)
    # Two open issues created in W10, nothing ever done: three zero weeks -> no forecast.
    idle = context_from_frames(
        build_frames([issue("Z-1", "2026-03-02T09:00:00Z"), issue("Z-2", "2026-03-02T09:00:00Z")],
                     "2026-03-25T12:00:00Z"),
        MAPPINGS,
    )  # fmt: skip
    section = forecast_section(idle)
    assert section.throughput["items"].tolist() == [0, 0, 0]
    assert section.pert_items.expected_date is None
    assert section.monte_carlo_items.dates is None


def test_one_week_of_data():
    # Everything happens in W10; as_of in W11 -> one complete week: 2 done of 3.
    one = context_from_frames(
        build_frames(
            [issue("O-1", "2026-03-02T09:00:00Z", [("2026-03-03T09:00:00Z", "Done")]),
             issue("O-2", "2026-03-02T09:00:00Z", [("2026-03-04T09:00:00Z", "Done")]),
             issue("O-3", "2026-03-02T09:00:00Z")],
            "2026-03-10T09:00:00Z",
        ),
        MAPPINGS,
    )  # fmt: skip
    section = forecast_section(one)
    # Rate 2/week, 1 remaining -> 0.5 weeks = 3.5 days -> Mar 10 + 4 days.
    assert section.window.weeks == 1
    assert section.pert_items.expected_weeks == 0.5
    assert section.pert_items.expected_date == date(2026, 3, 14)


def test_weeks_follow_the_profile_time_zone_across_dst():
    # Done at 2026-10-25 23:30Z: Sunday in UTC (W43) but Monday 00:30 in Berlin, where DST
    # ended that morning (UTC+1) -> W44.
    spec = [issue("T-1", "2026-10-20T09:00:00Z", [("2026-10-25T23:30:00Z", "Done")])]
    frames = build_frames(spec, "2026-11-04T00:00:00Z")
    utc = context_from_frames(frames, MAPPINGS)
    berlin = context_from_frames(
        frames, MetricMappings(status_to_flow_state=FLOW_STATES, time_zone="Europe/Berlin")
    )
    done_week = lambda c: c.weekly.loc[c.weekly["completed_items"] == 1, "week"].tolist()  # noqa: E731
    assert done_week(utc) == ["2026-W43"]
    assert done_week(berlin) == ["2026-W44"]


def test_upstream_csv_import():
    weekly = parse_statistics_csv(UPSTREAM_CSV.read_text())
    with UPSTREAM_CSV.open() as handle:
        rows = list(csv.DictReader(handle))
    # Every row lands in its ISO week; totals are kept.
    assert weekly["completed_items"].sum() == sum(int(r["completed_items"]) for r in rows)
    assert weekly["completed_points"].sum() == sum(float(r["completed_points"]) for r in rows)
    # 2024-01-05 is the Friday of 2024-W01: 5 items, 32 points.
    first = weekly.iloc[0]
    assert (first["week"], first["completed_items"], first["completed_points"]) == (
        "2024-W01",
        5,
        32.0,
    )
    # Weeks are contiguous (missing weeks filled with zeros).
    starts = list(weekly["week_start"])
    assert all((b - a).days == 7 for a, b in zip(starts, starts[1:], strict=False))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("when,done\n2024-01-05,1\n", "The CSV header must be date,completed_items"),
        ("date,completed_items,completed_points,created_items,created_points\n", "no data rows"),
        ("date,completed_items,completed_points,created_items,created_points\n2024-13-01,1,1,0,0\n",
         "Line 2 of the CSV is not a date"),
        ("date,completed_items,completed_points,created_items,created_points\n2024-01-05,-1,1,0,0\n",
         "Line 2 of the CSV has a negative"),
    ],
)  # fmt: skip
def test_bad_csv_is_refused_with_a_clear_message(text, message):
    with pytest.raises(ValidationError, match=message):
        parse_statistics_csv(text)


def test_weekly_from_statistics_works_remaining_back_from_the_end():
    statistics = [
        {
            "date": "2026-03-02",
            "completed_items": 2,
            "completed_points": 0,
            "created_items": 5,
            "created_points": 0,
        },
        {
            "date": "2026-03-09",
            "completed_items": 3,
            "completed_points": 0,
            "created_items": 0,
            "created_points": 0,
        },
        {
            "date": "2026-03-16",
            "completed_items": 1,
            "completed_points": 0,
            "created_items": 1,
            "created_points": 0,
        },
    ]
    weekly = weekly_from_statistics(statistics, remaining_items=10, today=date(2026, 3, 20))
    # Remaining 10 after W12; W11: 10 + (1 - 1) = 10; W10: 10 + (3 - 0) + (1 - 1) = 13.
    # Scope = remaining + completed so far: 13 + 2 = 15, 10 + 5 = 15, 10 + 6 = 16.
    assert weekly["remaining_items"].tolist() == [13, 10, 10]
    assert weekly["scope_items"].tolist() == [15, 15, 16]
    # W12 ends Mar 23, after "today" (Mar 20): not complete.
    assert weekly["complete"].tolist() == [True, True, False]
    # Without a given remaining: created 6 - completed 6 = 0 at the end.
    assert weekly_from_statistics(statistics)["remaining_items"].tolist() == [3, 0, 0]


def test_issues_without_changelog_use_their_current_status_and_resolution():
    # N-1 has no status history: Done since creation, done at its resolution date (W11).
    specs = [
        issue(
            "N-1",
            "2026-03-03T09:00:00Z",
            [("2026-03-10T09:00:00Z", "Done")],
            resolved="2026-03-11T09:00:00Z",
        ),
        issue("N-2", "2026-03-03T09:00:00Z", [("2026-03-04T09:00:00Z", "Done")]),
    ]
    frames = build_frames(specs, "2026-03-25T12:00:00Z", no_changelog={"N-1"})
    ctx = context_from_frames(frames, MAPPINGS)
    assert ctx.weekly.set_index("week")["completed_items"].to_dict() == {
        "2026-W10": 1, "2026-W11": 1, "2026-W12": 0, "2026-W13": 0,
    }  # fmt: skip
    # As of Mar 8 N-1 was not resolved yet: its status then is unknown, so it is not done.
    early = context_from_frames(
        build_frames(specs, "2026-03-08T00:00:00Z", no_changelog={"N-1"}), MAPPINGS
    )
    assert early.weekly["completed_items"].tolist() == [1]


def test_how_many_by_any_date(ctx):
    # Window throughput [1, 1, 1]; Apr 15 is 21 days after Mar 25 -> 3 weeks -> 3 items in every
    # trial, but only 2 remain: at most 2.
    result = how_many_section(ctx, date(2026, 4, 15))
    assert (result.days, result.at_least) == (21, {"p50": 2.0, "p85": 2.0, "p95": 2.0})
    assert (result.remaining, result.scope) == (2.0, "fixed")
    # Apr 1 (7 days): one week, 1 item.
    assert how_many_section(ctx, date(2026, 4, 1)).at_least["p85"] == 1.0


def test_forecast_section_offers_both_scope_models(ctx):
    # Only the model the profile shows is simulated unless both are asked for (the report).
    section = forecast_section(ctx)
    assert section.scope_model == "fixed" and section.when("items") is section.monte_carlo_items
    assert section.growing_items is None
    both = forecast_section(ctx, ("fixed", "growing"))
    # The window W10..W12 created 3, 2 and 0 items: 5/3 a week arrive while 1 a week is done.
    assert both.throughput["created_items"].tolist() == [3, 2, 0]
    assert both.growing_items.arrival_rate == pytest.approx(5 / 3)
    assert both.when("points") is both.monte_carlo_points
    growing = forecast_section(
        replace(ctx, mappings=replace(MAPPINGS, monte_carlo_scope="growing"))
    )
    assert growing.monte_carlo_items is None
    assert growing.when("items") is growing.growing_items
    assert growing.when("points") is growing.growing_points
    assert growing.growing_items.days == both.growing_items.days


def _days_by_hand(values: list[float], remaining: float, draws: np.ndarray) -> list[float]:
    """docs/metrics.md's rule, trial by trial: add the drawn weeks until the remaining work is
    reached; the finishing week counts the share of it that was needed."""
    days = []
    for row in draws:
        done = 0.0
        for week, pick in enumerate(row):
            if done + values[pick] >= remaining:
                days.append(7 * (week + (remaining - done) / values[pick]))
                break
            done += values[pick]
    return days


def test_monte_carlo_draws_are_numpys_for_the_seed_however_often_it_runs():
    values, remaining = [1.0, 2.0, 4.0], 9.0
    draws = np.random.default_rng(5).integers(0, 3, size=(6, 32))  # the first chunk of seed 5
    expected = _days_by_hand(values, remaining, draws)
    # The first chunk is drawn once per process and reused: the second run and a run after
    # another seed's must draw the same weeks.
    for seed in (5, 5, 6, 5):
        needed = simulate_days_needed(np.array(values), remaining, 6, seed)
        if seed == 5:
            assert needed.tolist() == pytest.approx(expected, abs=1e-12)


def _days_by_cumulative_rows(
    values: np.ndarray, remaining: float, trials: int, seed: int, arrivals: np.ndarray | None
) -> np.ndarray:
    """The simulation as whole chunks: each open trial's row of 32 weeks summed cumulatively
    (numpy's cumsum; the last chunk is shorter, ending at ten years), its first week at or past
    the remaining work found by argmax (the code before it went week by week)."""
    pool = None if arrivals is None or not len(arrivals) else arrivals
    rng = np.random.default_rng(seed)
    arrival_rng = None if pool is None else np.random.default_rng([seed, 1])
    needed, total = np.full(trials, np.inf), np.zeros(trials)
    open_trials, drawn = np.arange(trials), 0
    while len(open_trials) and drawn < MAX_SIMULATED_WEEKS:
        chunk = min(32, MAX_SIMULATED_WEEKS - drawn)
        shape = (len(open_trials), chunk)
        net = values[rng.integers(0, len(values), size=shape)]
        if pool is not None and arrival_rng is not None:
            net = net - pool[arrival_rng.integers(0, len(pool), size=shape)]
        running = total[open_trials, None] + np.cumsum(net, axis=1)
        reached = running >= remaining
        hit = np.flatnonzero(reached.any(axis=1))
        week = reached[hit].argmax(axis=1)
        before = np.where(week > 0, running[hit, np.maximum(week - 1, 0)], total[open_trials[hit]])
        needed[open_trials[hit]] = 7.0 * (drawn + week + (remaining - before) / net[hit, week])
        total[open_trials] = running[:, -1]
        open_trials = np.delete(open_trials, hit)
        drawn += chunk
    return needed


@pytest.mark.parametrize("case", range(40))
def test_monte_carlo_week_by_week_matches_whole_rows_to_the_bit(case):
    # Fractional and negative throughputs, growing scopes (some never finishing), trials that
    # finish in the first chunk, in later ones, or never.
    rng = np.random.default_rng(case)
    values = np.round(rng.normal(5, 4, int(rng.integers(1, 15))), int(rng.integers(0, 3)))
    arrivals = None
    if case % 2:
        arrivals = np.round(rng.normal(4, 3, int(rng.integers(0, 10))), 1)
    remaining = float(rng.choice([0.5, 7.0, 40.3, 200.0, 3000.0]))
    trials = int(rng.choice([1, 7, 500, 2000]))
    seed = int(rng.integers(0, 1000))
    needed = simulate_days_needed(values, remaining, trials, seed, arrivals)
    expected = _days_by_cumulative_rows(values, remaining, trials, seed, arrivals)
    assert needed.tobytes() == expected.tobytes()

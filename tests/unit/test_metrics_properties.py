"""Property tests: invariants every metric keeps on arbitrary issue histories."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data.analytics.report import context_from_frames, flow_section
from data.metrics.cycle_time import cumulative_flow, cycle_time
from data.metrics.forecast import monte_carlo_when, pert_forecast
from data.metrics.frames import NAT_MS, restrict_to
from data.metrics.mappings import MetricMappings
from data.metrics.weekly import weekly_throughput
from tests.unit.metrics_builders import build_frames, issue

STATUSES = ["To Do", "In Progress", "Review", "Blocked", "Done", "Won't Do", "Mystery"]
MAPPINGS = MetricMappings(
    status_to_flow_state={
        "To Do": "Waiting",
        "In Progress": "Active",
        "Review": "Active",
        "Blocked": "Waiting",
        "Done": "Done",
        "Won't Do": "Canceled",
    },
    metrics_window_weeks=8,
)
BASE = np.datetime64("2026-01-05T00:00:00", "ms")
AS_OF = "2026-04-01T00:00:00Z"
HOUR = np.timedelta64(3_600_000, "ms")


def _stamp(hours: int) -> str:
    return str(BASE + hours * HOUR) + "Z"


@st.composite
def histories(draw, max_issues: int = 12):
    count = draw(st.integers(0, max_issues))
    specs = []
    for n in range(count):
        created = draw(st.integers(0, 1500))
        steps = draw(
            st.lists(st.tuples(st.integers(0, 200), st.sampled_from(STATUSES)), max_size=8)
        )
        at, history = created, []
        for gap, status in steps:
            at += gap
            history.append((_stamp(at), status))
        specs.append(
            issue(f"P-{n}", _stamp(created), history, type=draw(st.sampled_from(["Story", "Bug", "Epic"])),
                  points=draw(st.sampled_from([None, 1.0, 3.0])))
        )  # fmt: skip
    return specs


def _ctx(specs):
    return context_from_frames(build_frames(specs, AS_OF), MAPPINGS)


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(histories())
def test_throughput_sums_to_the_number_of_done_issues(specs):
    ctx = _ctx(specs)
    done = int((ctx.history.facts["done_at"].to_numpy() != NAT_MS).sum())
    assert int(ctx.weekly["completed_items"].sum()) == done
    complete_done = weekly_throughput(ctx.weekly)["items"].sum()
    assert complete_done <= done


@SETTINGS
@given(histories())
def test_cfd_is_monotone_per_stage_and_done_never_exceeds_total(specs):
    ctx = _ctx(specs)
    cfd = cumulative_flow(ctx.frames, ctx.history, "UTC")
    if cfd.empty:
        return
    counts = cfd.drop(columns="date").to_numpy()
    assert (np.diff(counts, axis=0) >= 0).all()  # every stage only grows
    assert (counts[:, :-1] >= counts[:, 1:]).all()  # each stage >= the next; done <= total
    assert counts[-1, 0] <= len(specs)


@SETTINGS
@given(histories())
def test_percentiles_are_ordered_and_flow_efficiency_is_a_ratio(specs):
    ctx = _ctx(specs)
    result = cycle_time(ctx.frames, ctx.history)
    if result.percentiles_days:
        p = result.percentiles_days
        assert 0 <= p["p50"] <= p["p85"] <= p["p95"]
    flow = flow_section(ctx)
    if flow.time_percentiles_days:
        p = flow.time_percentiles_days
        assert 0 <= p["p50"] <= p["p85"] <= p["p95"]
    assert flow.efficiency is None or 0.0 <= flow.efficiency <= 1.0


@SETTINGS
@given(
    st.lists(st.integers(0, 20), min_size=1, max_size=15),
    st.integers(0, 300),
    st.integers(0, 10_000),
)
def test_forecasts_never_finish_before_today(samples, remaining, seed):
    today = date(2026, 3, 25)
    values = np.array(samples, dtype=float)
    mc = monte_carlo_when(values, remaining, today, trials=500, seed=seed)
    for day in (mc.dates or {}).values():
        assert day >= today
    if mc.weeks:
        # A percentile is left out only when it never finishes, and then so are the higher ones:
        # the ones given are the lowest, in order.
        names = [name for name in ("p50", "p85", "p95") if name in mc.weeks]
        assert list(mc.weeks) == names == ["p50", "p85", "p95"][: len(names)]
        weeks = [mc.weeks[name] for name in names]
        assert weeks == sorted(weeks)
    pert = pert_forecast(values, remaining, 3, today)
    assert pert.expected_date is None or pert.expected_date >= today


@SETTINGS
@given(histories(max_issues=8), st.integers(0, 1500), st.integers(1, 300))
def test_adding_a_completed_issue_never_lowers_velocity(specs, created, duration):
    before = flow_section(_ctx(specs)).velocity_per_week or 0.0
    extra = issue("EXTRA", _stamp(created), [(_stamp(created + duration), "Done")])
    after = flow_section(_ctx([*specs, extra])).velocity_per_week or 0.0
    assert after >= before
    throughput_before = weekly_throughput(_ctx(specs).weekly)["items"].sum()
    throughput_after = weekly_throughput(_ctx([*specs, extra]).weekly)["items"].sum()
    assert throughput_after >= throughput_before


@SETTINGS
@given(histories(max_issues=8), st.integers(0, 2000))
def test_replaying_history_only_uses_what_was_known(specs, hours):
    frames = build_frames(specs, AS_OF)
    cut = BASE + hours * HOUR
    past = restrict_to(frames, str(cut) + "Z")
    assert (past.issues["created"] <= past.as_of).all()
    assert (past.transitions["at"] <= past.as_of).all()
    ctx = context_from_frames(past, MAPPINGS)
    done = ctx.history.facts["done_at"].to_numpy()
    assert (done[done != NAT_MS] <= past.as_of.value // 1_000_000).all()
    assert date.fromisoformat(str(cut)[:10]) - timedelta(days=0) >= ctx.today

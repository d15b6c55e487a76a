"""Golden tests of the Flow page's views (issue 11 §3): ageing WIP against percentile bands,
blocked time, stale work, net flow and the WIP run chart, defects. Every expected value is worked
out below from the hand-built histories, in UTC, with the window of the two complete ISO weeks
before Wednesday 2026-03-25 12:00: W11 (Mar 9-15) and W12 (Mar 16-22)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from data.analytics.flow_views import flow_views_section
from data.analytics.report import context_from_frames, cycle_section, flow_section, quality_section
from data.metrics.mappings import MetricMappings, Stage
from tests.unit.metrics_builders import build_frames, issue

STATES = {
    "To Do": "Waiting",
    "In Progress": "Active",
    "Blocked": "Active",  # JIRA's category for it; blocked_statuses makes it waiting time
    "Review": "Active",
    "Done": "Done",
}
STAGES = (
    Stage("Backlog", ("To Do",)),
    Stage("In Progress", ("In Progress", "Blocked")),
    Stage("Review", ("Review",)),
    Stage("Done", ("Done",)),
)
AS_OF = "2026-03-25T12:00:00Z"
DAY = 86_400_000


def t(day: int, hour: int = 9) -> str:
    return f"2026-03-{day:02d}T{hour:02d}:00:00Z"


ISSUES = [
    # Done in the window. Ages on leaving In Progress / Review (days since committed):
    # A-1 2 / 4, A-2 6 / 7, A-3 2 / 2 (skips Review: it takes the done date).
    issue("A-1", t(1, 0), [(t(9), "In Progress"), (t(11), "Review"), (t(13), "Done")]),
    issue("A-2", t(2, 0), [(t(10), "In Progress"), (t(16), "Review"), (t(17), "Done")]),
    issue("A-3", t(12), [(t(16), "In Progress"), (t(18), "Done")], type="Bug"),
    # Done before the window: in no band.
    issue("A-4", "2026-02-20T00:00:00Z", [(t(2), "In Progress"), (t(6), "Done")]),
    # In progress now (age = Mar 25 - committed day): W-1 5, W-2 22, W-3 7 (Review), W-4 1.
    issue("W-1", t(1, 0), [(t(20), "In Progress")]),
    issue("W-2", "2026-02-01T00:00:00Z", [(t(3), "In Progress")]),
    issue("W-3", t(1, 0), [(t(18), "In Progress"), (t(22), "Review")], type="Task"),
    issue("W-4", t(1, 0), [(t(24), "In Progress"), (t(24, 21), "Blocked")]),
    # A bug done on Mar 12 and reopened on Mar 17: committed Mar 11, age 14, open again.
    issue("B-1", t(10), [(t(11), "In Progress"), (t(12), "Done"), (t(17), "In Progress")],
          type="Bug"),
    issue("B-2", t(17), type="Bug"),  # a new bug, not started
    issue("B-3", t(1, 0), [(t(2), "In Progress"), (t(3), "Done")], type="Bug"),  # before
    issue("Q-1", "2026-02-01T00:00:00Z"),  # in the backlog for weeks: not work in progress
]  # fmt: skip
FLAGS = [
    ("A-1", t(12, 12), "Impediment"),  # never cleared: counts until done, Mar 13 09:00 (21 h)
    ("A-2", t(12), "Impediment"),  # blocked 2 days in W11, while Active
    ("A-2", t(14), ""),
    ("W-1", t(21), "Yes"),  # an unexpected value: counts as flagged, 1 day in W12
    ("W-1", t(22), ""),
    ("W-2", t(23), "Impediment"),  # flagged now: 2 days 3 hours by as_of, after the window
]


def _views(**settings: object):
    frames = build_frames(ISSUES, AS_OF, flags=FLAGS)
    mappings = MetricMappings(
        status_to_flow_state=STATES,
        workflow_stages=STAGES,
        committed_stage="In Progress",
        done_stage="Done",
        metrics_window_weeks=2,
        blocked_statuses=("Blocked",),
        **settings,  # type: ignore[arg-type]
    )
    ctx = context_from_frames(frames, mappings)
    cycle = cycle_section(ctx)
    return ctx, cycle, flow_views_section(ctx, cycle.ageing_wip)


@pytest.fixture(scope="module")
def views():
    return _views()


def test_ageing_bands_per_stage(views):
    _, _, result = views
    bands = result.ageing.bands.set_index("stage")
    assert list(bands.index) == ["In Progress", "Review"]
    assert result.ageing.window_completed == 3
    # In Progress: ages [2, 6, 2] -> sorted [2, 2, 6]; rank q * 2: p50 2, p70 2 + 0.4 * 4 = 3.6,
    # p85 2 + 0.7 * 4 = 4.8, p95 2 + 0.9 * 4 = 5.6.
    assert bands.loc["In Progress", ["completed", "p50", "p70", "p85", "p95"]].tolist() == (
        pytest.approx([3, 2.0, 3.6, 4.8, 5.6])
    )
    # Review: ages [4, 7, 2] -> sorted [2, 4, 7]: p50 4, p70 4 + 0.4 * 3 = 5.2, p85 6.1, p95 6.7.
    assert bands.loc["Review", ["completed", "p50", "p70", "p85", "p95"]].tolist() == (
        pytest.approx([3, 4.0, 5.2, 6.1, 6.7])
    )
    assert result.ageing.stages_without_history == []


def test_items_past_p85_and_blocked_now(views):
    _, _, result = views
    items = result.ageing.items.set_index("key")
    assert items["age_days"].to_dict() == {"W-2": 22, "B-1": 14, "W-3": 7, "W-1": 5, "W-4": 1}
    assert items["stage"].to_dict() == {
        "W-2": "In Progress", "B-1": "In Progress", "W-3": "Review", "W-1": "In Progress",
        "W-4": "In Progress",
    }  # fmt: skip
    # Past their stage's P85: 22, 14 and 5 > 4.8 (In Progress), 7 > 6.1 (Review); W-4's 1 is not.
    assert list(result.ageing.past_p85["key"]) == ["W-2", "B-1", "W-3", "W-1"]
    # Blocked now: W-2 flagged since Mar 23, W-4 in the blocked status Blocked since Mar 24.
    assert sorted(items.index[items["blocked"]]) == ["W-2", "W-4"]


def test_one_definition_of_work_in_progress(views):
    """Issue 18: the Flow load card, the ageing chart and table and the weekly trend count the
    same items (committed, not done): W-1, W-2, W-3, W-4 and the reopened B-1; not Q-1."""
    ctx, cycle, result = views
    flow = flow_section(ctx)
    assert flow.load_now == len(cycle.ageing_wip) == len(result.ageing.items) == 5
    assert result.wip_run["items"].iloc[-1] == 5
    # Week ends: Mar 16 00:00 -> A-2, W-2; Mar 23 00:00 -> B-1, W-1, W-2, W-3.
    assert flow.load["items"].tolist() == [2, 4]


def test_blocked_time_per_item_and_week(views):
    _, _, result = views
    blocked = result.blocked
    items = blocked.items.set_index("key")
    # A-2 2 days; W-1 1 day; A-1 flagged Mar 12 12:00 until done Mar 13 09:00 = 0.875 days (the
    # flag left on afterwards does not count); W-2 Mar 23 09:00 -> as_of Mar 25 12:00 = 2.125
    # days; W-4 in Blocked from Mar 24 21:00 = 0.625 days.
    assert list(blocked.items["key"]) == ["W-2", "A-2", "W-1", "A-1", "W-4"]
    assert items["blocked_days"].to_dict() == pytest.approx(
        {"W-2": 2.125, "A-2": 2.0, "W-1": 1.0, "A-1": 0.875, "W-4": 0.625}
    )
    assert items["blocked_now"].to_dict() == {
        "W-2": True, "A-2": False, "W-1": False, "A-1": False, "W-4": True
    }  # fmt: skip
    assert items["open"].to_dict() == {
        "W-2": True, "A-2": False, "W-1": True, "A-1": False, "W-4": True
    }  # fmt: skip
    assert blocked.blocked_now == 2
    weekly = blocked.weekly.set_index("week")
    assert weekly["items_blocked"].to_dict() == {"2026-W11": 2, "2026-W12": 1}
    assert weekly["blocked_days"].to_dict() == pytest.approx({"2026-W11": 2.875, "2026-W12": 1.0})


def test_flow_efficiency_counts_blocked_time_as_waiting(views):
    ctx, _, _ = views
    facts = ctx.history.facts.set_index(ctx.frames.issues["key"])
    # To Do Mar 2 00:00 -> Mar 10 09:00 (8.375 d) waiting; Active Mar 10 09:00 -> Mar 17
    # 09:00 (7 d), of which flagged 2 d -> active 5, waiting 10.375.
    assert facts.loc["A-2", "active_ms"] / DAY == pytest.approx(5.0)
    assert facts.loc["A-2", "waiting_ms"] / DAY == pytest.approx(10.375)
    # W-4: To Do Mar 1 00:00 -> Mar 24 09:00 (23.375 d); In Progress 12 h; Blocked (Active, but a
    # blocked status) 15 h -> active 0.5 d, waiting 24 d.
    assert facts.loc["W-4", "active_ms"] / DAY == pytest.approx(0.5)
    assert facts.loc["W-4", "waiting_ms"] / DAY == pytest.approx(24.0)


def test_an_unexpected_flagged_value_is_named_not_dropped(views):
    ctx, _, result = views
    assert result.blocked.unexpected_flags.to_dict("records") == [
        {"value": "Yes", "changes": 1, "issues": 1}
    ]
    note = quality_section(ctx).note
    assert "The Flagged field held 'Yes' instead of JIRA's 'Impediment' on 1 issue(s)" in note


def test_stale_work(views):
    _, _, result = views
    # Last status change: W-2 Mar 3 (22 days), B-1 Mar 17 (8), W-1 Mar 20 (5), W-3 Mar 22 (3),
    # W-4 Mar 24 (1). Q-1 has not moved for longer, but it is not work in progress.
    assert result.stale_after_days == 14
    assert result.stale[["key", "days_since_change"]].values.tolist() == [["W-2", 22]]
    assert [d.date() for d in result.stale["last_change"]] == [date(2026, 3, 3)]
    _, _, five = _views(stale_after_days=5)
    assert five.stale[["key", "days_since_change"]].values.tolist() == [
        ["W-2", 22], ["B-1", 8], ["W-1", 5]
    ]  # fmt: skip


def test_net_flow_and_wip_run(views):
    _, _, result = views
    flow = result.net_flow.set_index("week")
    # Arrivals (committed date): W11, B-1; W12 A-3, W-1, W-3.
    # Departures (done date): W11 A-1; W12 A-2, A-3 (B-1's was cleared by its reopening).
    assert flow[["arrivals", "departures", "net"]].values.tolist() == [[3, 1, 2], [3, 2, 1]]
    run = result.wip_run
    assert str(run["date"].iloc[0])[:10] == "2026-03-09"
    assert str(run["date"].iloc[-1])[:10] == "2026-03-25"
    # At the end of each day, Mar 9 .. Mar 25 (spans: A-1 9-13, A-2 10-17, B-1 11-12 and 17-,
    # A-3 16-18, W-2 3-, W-3 18-, W-1 20-, W-4 24-).
    assert run["items"].tolist() == [2, 3, 4, 3, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5]


def test_defects(views):
    _, _, result = views
    bugs = result.defects
    assert bugs.bug_types == ("Bug",)
    weekly = bugs.weekly.set_index("week")
    # Created: W11 A-3 (Mar 12), B-1 (Mar 10); W12 B-2. Resolved (last entry into Done): W12 A-3
    # (B-1 was reopened, so it is not resolved). Completed, every type: W11 A-1; W12.
    assert weekly["created"].tolist() == [2, 1]
    assert weekly["resolved"].tolist() == [0, 1]
    assert weekly["completed"].tolist() == [1, 2]
    assert weekly["share"].tolist() == pytest.approx([0.0, 0.5])
    # Open at the week's end: Mar 16 00:00 A-3 (B-1 was done then); Mar 23 B-1, B-2; now B-1, B-2.
    assert weekly["open"].tolist() == [1, 2]
    assert bugs.open_now == 2
    assert bugs.share_of_throughput == pytest.approx(1 / 3)
    # Bug cycle time in the window: A-3, Mar 16 -> Mar 18 = 2 days.
    assert bugs.cycle_time_count == 1
    assert bugs.cycle_time_percentiles_days == {"p50": 2.0, "p85": 2.0, "p95": 2.0}


def test_a_stage_without_completed_history_has_no_bands() -> None:
    frames = build_frames([issue("W-1", t(1, 0), [(t(20), "In Progress")])], AS_OF)
    mappings = MetricMappings(
        status_to_flow_state=STATES,
        workflow_stages=STAGES,
        committed_stage="In Progress",
        done_stage="Done",
        metrics_window_weeks=2,
    )
    ctx = context_from_frames(frames, mappings)
    result = flow_views_section(ctx, cycle_section(ctx).ageing_wip)
    assert result.ageing.stages_without_history == ["In Progress", "Review"]
    assert result.ageing.bands[["p50", "p85"]].isna().all().all()
    assert result.ageing.past_p85.empty
    assert result.ageing.items["age_days"].tolist() == [5]
    assert result.defects.share_of_throughput is None
    assert result.defects.cycle_time_percentiles_days is None
    assert result.blocked.items.empty and result.blocked.weekly["blocked_days"].tolist() == [0, 0]


def test_the_window_is_two_weeks() -> None:
    ctx, _, result = _views()
    assert (result.window.start_date, result.window.end_date) == (
        date(2026, 3, 9),
        date(2026, 3, 9) + timedelta(days=13),
    )

"""Golden tests: stage dates, cycle time, CFD and ageing WIP (jira-agile-metrics conventions)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import numpy as np
import pandas as pd
import pytest

from data.metrics.cycle_time import ageing_wip, cumulative_flow, cycle_time, percentiles
from data.metrics.frames import restrict_to
from data.metrics.history import build_history, build_status_map
from data.metrics.mappings import MetricMappings, Stage
from tests.unit.metrics_builders import build_frames, issue

STAGES = (
    Stage("Backlog", ("To Do",)),
    Stage("Committed", ("In Progress",)),
    Stage("Review", ("Review",)),
    Stage("Done", ("Done", "Closed")),
)
MAPPINGS = MetricMappings(
    workflow_stages=STAGES,
    committed_stage="Committed",
    done_stage="Done",
    status_to_flow_state={
        "To Do": "Waiting",
        "In Progress": "Active",
        "Review": "Active",
        "Done": "Done",
    },
)
AS_OF = "2026-03-16T12:00:00Z"

ISSUES = [
    # Straight through: committed 03-03, done 03-06 -> 3 days.
    issue("C-1", "2026-03-02T10:00:00Z", [("2026-03-03T09:00:00Z", "In Progress"),
          ("2026-03-05T15:00:00Z", "Review"), ("2026-03-06T11:00:00Z", "Done")]),
    # Backwards from Review to In Progress on 03-06 clears Review (and Done); committed keeps its
    # first date 03-04; Review re-entered 03-09, Done 03-10 -> 10 - 4 = 6 days.
    issue("C-2", "2026-03-02T10:00:00Z", [("2026-03-04T09:00:00Z", "In Progress"),
          ("2026-03-05T09:00:00Z", "Review"), ("2026-03-06T09:00:00Z", "In Progress"),
          ("2026-03-09T09:00:00Z", "Review"), ("2026-03-10T09:00:00Z", "Done")]),
    # Review skipped: it takes the next later date (Done, 03-05); cycle 5 - 3 = 2 days.
    issue("C-3", "2026-03-02T10:00:00Z", [("2026-03-03T09:00:00Z", "In Progress"),
          ("2026-03-05T09:00:00Z", "Done")]),
    # Reopened to To Do on 03-05: clears Committed, Review and Done; committed again 03-09,
    # done 03-12 -> 3 days (the first Done on 03-04 no longer counts).
    issue("C-4", "2026-03-02T10:00:00Z", [("2026-03-03T09:00:00Z", "In Progress"),
          ("2026-03-04T09:00:00Z", "Done"), ("2026-03-05T09:00:00Z", "To Do"),
          ("2026-03-09T09:00:00Z", "In Progress"), ("2026-03-12T09:00:00Z", "Done")]),
    # Created in In Progress and done within the same minute: every stage 03-03 -> 0 days.
    issue("C-5", "2026-03-03T08:00:10Z", [("2026-03-03T08:00:50Z", "Done")], initial="In Progress"),
    # Still in progress since 03-04: ageing WIP, age = 16 - 4 = 12 days.
    issue("C-6", "2026-03-02T10:00:00Z", [("2026-03-04T09:00:00Z", "In Progress")]),
    # "Limbo" is in no stage: ignored. Committed 03-05, done 03-13 -> 8 days.
    issue("C-7", "2026-03-02T10:00:00Z", [("2026-03-03T09:00:00Z", "Limbo"),
          ("2026-03-05T09:00:00Z", "In Progress"), ("2026-03-13T09:00:00Z", "Done")]),
]  # fmt: skip


@pytest.fixture(scope="module")
def golden():
    frames = build_frames(ISSUES, AS_OF)
    return frames, build_history(frames, MAPPINGS)


def _day(text: str) -> np.datetime64:
    return np.datetime64(text, "D")


def test_stage_dates_follow_first_entry_backward_clearing_and_skipped_stage_rules(golden):
    frames, history = golden
    dates = cycle_time(frames, history).stage_dates.set_index("key")
    assert list(dates.loc["C-2"]) == [
        _day(d) for d in ("2026-03-02", "2026-03-04", "2026-03-09", "2026-03-10")
    ]
    assert list(dates.loc["C-3"]) == [
        _day(d) for d in ("2026-03-02", "2026-03-03", "2026-03-05", "2026-03-05")
    ]
    # C-4: Review was cleared by the reopen and skipped afterwards -> Done's date 03-12.
    assert list(dates.loc["C-4"]) == [
        _day(d) for d in ("2026-03-02", "2026-03-09", "2026-03-12", "2026-03-12")
    ]
    # C-5: created in In Progress -> Backlog takes the next later date.
    assert list(dates.loc["C-5"]) == [_day("2026-03-03")] * 4
    c6 = dates.loc["C-6"]
    assert list(c6[:2]) == [_day("2026-03-02"), _day("2026-03-04")]
    assert pd.isna(c6["Review"]) and pd.isna(c6["Done"])


def test_cycle_time_percentiles_interpolate_linearly(golden):
    frames, history = golden
    result = cycle_time(frames, history)
    # Cycle times: C-1 3, C-2 6, C-3 2, C-4 3, C-5 0, C-7 8 -> sorted [0, 2, 3, 3, 6, 8], n = 6.
    # p50: rank 0.50 * 5 = 2.5 -> 3 + 0.5 * (3 - 3) = 3.0
    # p85: rank 0.85 * 5 = 4.25 -> 6 + 0.25 * (8 - 6) = 6.5
    # p95: rank 0.95 * 5 = 4.75 -> 6 + 0.75 * (8 - 6) = 7.5
    assert result.count == 6
    assert result.percentiles_days == {"p50": 3.0, "p85": 6.5, "p95": 7.5}
    assert dict(zip(result.histogram["cycle_time_days"], result.histogram["items"], strict=True)) == {
        0: 1, 2: 1, 3: 2, 6: 1, 8: 1,
    }  # fmt: skip
    scatter = result.scatter.set_index("key")
    assert scatter.loc["C-2", "cycle_time_days"] == 6
    assert scatter.loc["C-2", "done_date"] == _day("2026-03-10")


def test_cumulative_flow_counts_issues_that_reached_each_stage(golden):
    frames, history = golden
    cfd = cumulative_flow(frames, history, "UTC").set_index("date")
    # End of 03-04: Backlog all 7; Committed C-1(03) C-2(04) C-3(03) C-5(03) C-6(04) = 5;
    # Review and Done only C-5 (C-4's first Done on 03-04 was cleared by its reopen).
    assert list(cfd.loc[_day("2026-03-04")]) == [7, 5, 1, 1]
    # End of 03-10: Committed adds C-4(09) and C-7(05) = 7; Review C-1 C-2 C-3 C-5 = 4; Done the same 4.
    assert list(cfd.loc[_day("2026-03-10")]) == [7, 7, 4, 4]
    # One row per day from the first stage date (03-02) to as_of (03-16): 15 days.
    assert len(cfd) == 15
    assert list(cfd.iloc[-1]) == [7, 7, 6, 6]


def test_ageing_wip_lists_committed_unfinished_items_with_their_stage(golden):
    frames, history = golden
    ageing = ageing_wip(frames, history, "UTC")
    assert ageing[["key", "stage", "age_days"]].to_dict("records") == [
        {"key": "C-6", "stage": "Committed", "age_days": 12}
    ]


def test_unmapped_status_is_reported_not_silently_dropped(golden):
    _, history = golden
    assert history.status_map.unmapped == ("Limbo",)


def _alternating(count: int, reopen_at: int | None = None) -> list[tuple[str, str]]:
    history = []
    for i in range(1, count + 1):
        status = "In Progress" if i % 2 else "Review"
        if reopen_at is not None and i == reopen_at:
            status = "To Do"
        history.append(
            (
                f"2026-01-{1 + i:02d}T09:00:00Z" if i < 31 else f"2026-02-{i - 30:02d}T09:00:00Z",
                status,
            )
        )
    return history


def test_more_than_forty_histories_all_count():
    # 44 moves between In Progress and Review on Jan 2 .. Feb 14, Done on day 45 (Feb 15).
    long = _alternating(44) + [("2026-02-15T09:00:00Z", "Done")]
    # Same, but move 43 (Feb 13) goes back to To Do, clearing every stage after Backlog; move 44
    # (Feb 14, even -> Review) skips Committed, which takes Review's date Feb 14.
    reopened = _alternating(44, reopen_at=43) + [("2026-02-15T09:00:00Z", "Done")]
    frames = build_frames(
        [
            issue("L-1", "2026-01-01T09:00:00Z", long),
            issue("L-2", "2026-01-01T09:00:00Z", reopened),
        ],
        "2026-03-01T00:00:00Z",
    )
    assert len(frames.transitions) == 90
    result = cycle_time(frames, build_history(frames, MAPPINGS)).scatter.set_index("key")
    # L-1: committed Jan 2, done Feb 15 -> 31 - 2 + 15 = 44 days.
    assert result.loc["L-1", "cycle_time_days"] == 44
    # L-2: committed Feb 14 (backfilled from Review), done Feb 15 -> 1 day; only the 43rd+
    # histories decide this, so a changelog cut at 40 would give 44.
    assert result.loc["L-2", "cycle_time_days"] == 1


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        # In Progress 03-03 23:30Z, Done 03-05 00:30Z.
        ("UTC", 2),  # days 03-03 -> 03-05
        ("Europe/Berlin", 1),  # UTC+1: 03-04 00:30 -> 03-05 01:30
        ("America/New_York", 1),  # UTC-5: 03-03 18:30 -> 03-04 19:30
    ],
)
def test_cycle_time_days_are_local_calendar_days(zone, expected):
    frames = build_frames(
        [
            issue(
                "Z-1",
                "2026-03-01T12:00:00Z",
                [("2026-03-03T23:30:00Z", "In Progress"), ("2026-03-05T00:30:00Z", "Done")],
            )
        ],
        "2026-03-10T00:00:00Z",
    )
    mappings = MetricMappings(
        workflow_stages=STAGES, committed_stage="Committed", done_stage="Done", time_zone=zone
    )
    assert cycle_time(frames, build_history(frames, mappings)).scatter[
        "cycle_time_days"
    ].tolist() == [expected]


def test_no_issues_gives_empty_results():
    frames = build_frames([], AS_OF)
    history = build_history(frames, MAPPINGS)
    result = cycle_time(frames, history)
    assert result.count == 0 and result.percentiles_days is None and result.histogram.empty
    assert cumulative_flow(frames, history, "UTC").empty
    assert ageing_wip(frames, history, "UTC").empty


def test_percentiles_of_one_value_and_of_none():
    assert percentiles(np.array([4])) == {"p50": 4.0, "p85": 4.0, "p95": 4.0}
    assert percentiles(np.array([])) is None


def test_default_stages_come_from_flow_states_and_categories():
    # No explicit stages: To Do (category new) -> Backlog, In Progress -> In Progress, Done -> Done.
    frames = build_frames(
        [
            issue(
                "D-1",
                "2026-03-02T10:00:00Z",
                [("2026-03-03T09:00:00Z", "In Progress"), ("2026-03-07T09:00:00Z", "Done")],
            ),
            issue("D-2", "2026-03-02T10:00:00Z", []),
            # Someone is in In Progress now, so its category (indeterminate) is known.
            issue("D-3", "2026-03-02T10:00:00Z", [("2026-03-12T09:00:00Z", "In Progress")]),
        ],
        AS_OF,
    )
    result = cycle_time(frames, build_history(frames, MetricMappings()))
    assert (result.committed_stage, result.done_stage) == ("In Progress", "Done")
    assert result.scatter["cycle_time_days"].tolist() == [4]  # 7 - 3
    assert date(2026, 3, 7) == result.scatter["done_date"].iloc[0].date()


def test_status_seen_only_in_history_needs_a_category_or_a_mapping():
    # Nobody is in To Do or In Progress now: their categories are unknown, so they are unmapped
    # (and reported)...
    frames = build_frames(
        [
            issue(
                "H-1",
                "2026-03-02T10:00:00Z",
                [("2026-03-03T09:00:00Z", "In Progress"), ("2026-03-07T09:00:00Z", "Done")],
            )
        ],
        AS_OF,
    )
    assert build_history(frames, MetricMappings()).status_map.unmapped == ("In Progress", "To Do")
    # ...unless the profile gives JIRA's category for it.
    known = MetricMappings(status_categories={"In Progress": "indeterminate", "To Do": "new"})
    history = build_history(frames, known)
    assert history.status_map.unmapped == ()
    assert cycle_time(frames, history).scatter["cycle_time_days"].tolist() == [4]


def test_jira_status_list_categorizes_statuses_seen_only_in_history():
    # The same history; the synced JIRA status list (frames.status_categories) knows every status.
    frames = build_frames(
        [
            issue(
                "H-1",
                "2026-03-02T10:00:00Z",
                [
                    ("2026-03-03T09:00:00Z", "In Progress"),
                    ("2026-03-05T09:00:00Z", "Blocked"),
                    ("2026-03-07T09:00:00Z", "Done"),
                ],
            )
        ],
        AS_OF,
    )
    jira = {
        "To Do": "new",
        "In Progress": "indeterminate",
        "Blocked": "indeterminate",
        "Done": "new",
    }
    frames = replace(frames, status_categories=jira)
    status_map = build_status_map(frames, MetricMappings())
    assert status_map.unmapped == ()
    # History-only statuses take JIRA's category; "Done" takes its current issue's category
    # ("done"), which overrides the list's stale "new".
    assert status_map.flow_state == {
        "Blocked": "Active",
        "Done": "Done",
        "In Progress": "Active",
        "To Do": "Waiting",
    }
    # The user's categories beat the list; explicit flow states beat any category.
    mine = MetricMappings(
        status_categories={"Blocked": "new"}, status_to_flow_state={"To Do": "New"}
    )
    status_map = build_status_map(frames, mine)
    assert (status_map.flow_state["Blocked"], status_map.flow_state["To Do"]) == ("Waiting", "New")
    # Replaying an earlier date keeps the list.
    assert restrict_to(frames, "2026-03-04T00:00:00Z").status_categories == jira
    history = build_history(frames, MetricMappings())
    # In Progress from day 3 (Blocked on day 5 is in progress too) to Done on day 7: 7 - 3.
    assert cycle_time(frames, history).scatter["cycle_time_days"].tolist() == [4]

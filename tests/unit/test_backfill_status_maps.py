"""A backfill's weeks share the replay under the frames' latest status map only when their own
map labels every status they have seen alike (data.analytics.backfill.Replay._shared): a status
whose category, and so flow state and stage, changes during the backfill gets each week's own
replay, and every week stores what replaying that week alone stores."""

from __future__ import annotations

import pandas as pd
import pytest

from data.analytics.backfill import Replay
from data.analytics.snapshots import week_rows
from data.metrics.frames import utc_timestamp
from data.metrics.mappings import MetricMappings
from tests.unit.metrics_builders import frames_from_records

AS_OF = "2026-03-30T12:00:00Z"
WEEKS = [f"2026-W{n:02d}" for n in range(2, 14)]


def _frames(late_category: str):
    """JIRA lists "Review" as a "new" status; from 2026-03-02 on an issue sits in it with
    ``late_category``, which then decides Review's flow state. Review is seen from January on,
    through the issues that pass it."""
    issues, transitions = [], []
    for n in range(12):
        day = f"2026-01-{5 + n:02d}"
        issues.append((f"A-{n}", "Story", "Done", "done", None, f"{day}T09:00:00Z",
                       f"2026-02-{10 + n:02d}T09:00:00Z", 1.0, "To Do", 3))  # fmt: skip
        transitions += [
            (n, f"{day}T10:00:00Z", "In Progress"),
            (n, f"2026-01-{20 + n:02d}T10:00:00Z", "Review"),
            (n, f"2026-02-{10 + n:02d}T09:00:00Z", "Done"),
        ]
    issues.append(("B-1", "Story", "Review", late_category, None, "2026-03-02T09:00:00Z",
                   None, 1.0, "To Do", 1))  # fmt: skip
    transitions.append((12, "2026-03-03T10:00:00Z", "Review"))
    return frames_from_records(issues, transitions, [], AS_OF, {"Review": "new"})


def _week_end(week: str) -> pd.Timestamp:
    monday = pd.Timestamp.fromisocalendar(int(week[:4]), int(week[6:]), 1).tz_localize("UTC")
    return min(monday + pd.Timedelta(days=7), utc_timestamp(AS_OF))


@pytest.mark.parametrize("late_category", ["indeterminate", "new"])
def test_each_week_stores_what_its_own_replay_stores(late_category):
    frames = _frames(late_category)
    mappings = MetricMappings()
    replay = Replay(frames, mappings)
    ids = ("p", "q")
    for week in WEEKS:
        end = _week_end(week)
        assert replay.covers(end)
        _, shared = week_rows(frames, mappings, replay, (week, end), ids)
        _, alone = week_rows(frames, mappings, None, (week, end), ids)
        assert shared == alone, week

"""Weekly snapshots record the sprints each week closed, and the weekly review shows them: over
a synced Scrum fake (real HTTP, a real SQLite file), against the fake's own sprint dates and
membership; a query without a board stores no sprints row."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from callbacks import review as review_page
from data.analytics.snapshots import snapshot_weeks, weekly_review
from data.jira.sync import sync
from data.metrics.mappings import mappings_from_profile
from data.profiles import manager as pm
from data.store import get_backend
from fakejira import FakeJira
from layouts import ids
from tests.components import find_component
from tests.integration.jira_support import FAST_RETRY, make_profile, sprint_members_at

pytestmark = pytest.mark.usefixtures("backend")
WEEKS = 8


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    with FakeJira("cloud", issues=250, seed=9, scrum=True) as server:
        yield server


def _week_of(ms: int, zone: str) -> str:
    year, week, _ = datetime.fromtimestamp(ms / 1000, ZoneInfo(zone)).isocalendar()
    return f"{year}-W{week:02d}"


def test_each_weeks_snapshot_records_the_sprints_it_closed(fake: FakeJira) -> None:
    profile_id, query_id = make_profile(fake, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)
    weeks = snapshot_weeks(profile_id, query_id, backfill=WEEKS)
    zone = mappings_from_profile(pm.get_profile(profile_id)).time_zone
    closed = {
        s.id: s for s in fake.dataset.sprints if s.state == "closed" and s.complete_ms is not None
    }
    expected: dict[str, list[int]] = {}
    for sprint in closed.values():
        week = _week_of(sprint.complete_ms, zone)  # type: ignore[arg-type]
        if week in weeks:
            expected.setdefault(week, []).append(sprint.id)
    assert expected  # fortnightly sprints: eight weeks close about four
    stored = get_backend().get_metrics_snapshots(profile_id, query_id, metric_type="sprints")
    assert sorted(s["snapshot_date"] for s in stored) == weeks  # one row a week, empty or not
    by_week = {s["snapshot_date"]: s["metrics"]["sprints"] for s in stored}
    assert {w: [r["sprint_id"] for r in rows] for w, rows in by_week.items() if rows} == expected
    for rows in by_week.values():
        for row in rows:
            sprint = closed[row["sprint_id"]]
            assert row["committed_items"] == len(
                sprint_members_at(fake, sprint.id, sprint.start_ms)  # type: ignore[arg-type]
            )
    review = weekly_review(profile_id, query_id, WEEKS)
    assert {w: [r["sprint_id"] for r in rows] for w, rows in review.sprints.items()} == expected
    table = find_component(review_page.render(profile_id, query_id), ids.REVIEW_SPRINTS)
    shown = str(table)
    for week, sprint_ids in expected.items():
        assert week in shown
        assert all(closed[i].name in shown for i in sprint_ids)


def test_a_query_without_a_board_stores_no_sprints_row(fake: FakeJira) -> None:
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    snapshot_weeks(profile_id, query_id, backfill=3)
    backend = get_backend()
    assert backend.get_metrics_snapshots(profile_id, query_id, metric_type="sprints") == []
    assert {s["metric_type"] for s in backend.get_metrics_snapshots(profile_id, query_id)} == {
        "forecast",
        "flow",
        "dora",
    }
    assert weekly_review(profile_id, query_id, 3).sprints == {}
    assert find_component(review_page.render(profile_id, query_id), ids.REVIEW_SPRINTS) is None

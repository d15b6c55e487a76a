"""Sub-tasks count through their parents by default, or as items (issue 12 §2): a Scrum fake
JIRA whose query includes its sub-tasks, synced over real HTTP on both deployments, then
``flowcast report --json`` and a weekly snapshot under each setting.

The expected numbers are counted from the fake's own generated issues (its status histories,
not Flowcast's rows or filter): an issue counts in the ISO week (of the JIRA user's zone) of its
last move to Done when it is Done now; the cycle-time samples are the issues Done now (every
stage date is set then, docs/metrics.md "Cycle time"); the remaining items are those not Done.
With "parents" every ``Sub-task`` is left out; with "items" it counts like any issue.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from data.analytics.snapshots import snapshot_weeks
from data.analytics.sprints import set_subtask_counting, sprint_summary
from data.jira.sync import sync
from data.store import get_backend
from fakejira import FakeJira
from fakejira.catalog import DONE
from fakejira.dataset import Issue
from tests.integration.jira_support import (
    FAST_RETRY,
    make_profile,
    report_json_of,
    sprint_members_at,
)

pytestmark = pytest.mark.usefixtures("backend")
ZONE = "America/Chicago"


@pytest.fixture(scope="module", params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    with FakeJira(request.param, issues=300, seed=12, scrum=True, timezone=ZONE) as server:
        yield server


def _last_done_ms(issue: Issue) -> int:
    """When the issue last moved to Done (it is Done now), from its generated histories."""
    moves = [
        h.created_ms
        for h in issue.histories
        if any(name == "status" and new == DONE for name, _old, new in h.changes)
    ]
    return max(moves) if moves else issue.created_ms


def _iso_week(epoch_ms: int) -> str:
    local = datetime.fromtimestamp(epoch_ms / 1000, UTC).astimezone(ZoneInfo(ZONE))
    year, week, _ = local.isocalendar()
    return f"{year:04d}-W{week:02d}"


def _expected(fake: FakeJira, counting: str) -> dict[str, Any]:
    issues = [
        i
        for i in fake.dataset.issues()
        if counting == "items" or i.issue_type != "Sub-task"  # the query is the whole project
    ]
    done = [i for i in issues if i.status == DONE]
    return {
        "weekly": Counter(_iso_week(_last_done_ms(i)) for i in done),
        "cycle_keys": sorted(i.key for i in done),
        "remaining": len(issues) - len(done),
    }


def _assert_counts(document: dict[str, Any], expected: dict[str, Any]) -> None:
    assert document["time_zone"] == ZONE
    weeks = document["throughput"]["weeks"]
    assert len(weeks) > 20  # the fake's year of work, every complete week
    assert {w["week"]: w["items"] for w in weeks} == {
        w["week"]: expected["weekly"].get(w["week"], 0) for w in weeks
    }
    cycle = document["cycle_time"]
    assert cycle["count"] == len(expected["cycle_keys"])
    assert sorted(item["key"] for item in cycle["items"]) == expected["cycle_keys"]
    assert document["forecast"]["remaining_items"] == expected["remaining"]


def test_report_counts_sub_tasks_only_as_the_setting_says(fake: FakeJira) -> None:
    subtasks = [i for i in fake.dataset.issues() if i.issue_type == "Sub-task"]
    assert sum(i.status == DONE for i in subtasks) > 10  # enough to tell the settings apart
    profile_id, query_id = make_profile(fake, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)

    parents, items = _expected(fake, "parents"), _expected(fake, "items")
    assert parents["weekly"] != items["weekly"]
    default = report_json_of(profile_id, query_id)  # the default: through parents
    assert default["subtask_counting"] == "parents"
    _assert_counts(default, parents)
    assert all(row["issue_type"] != "Sub-task" for row in default["ageing_wip"]["items"])

    # The switch's setting: the next report (same process, so the result cache is warm) counts
    # every sub-task as an item, and going back counts them through their parents again.
    set_subtask_counting(profile_id, "items")
    as_items = report_json_of(profile_id, query_id)
    assert as_items["subtask_counting"] == "items"
    _assert_counts(as_items, items)
    assert as_items["epics"]["subtask_counting"] == "items"
    set_subtask_counting(profile_id, "parents")
    _assert_counts(report_json_of(profile_id, query_id), parents)


def test_snapshots_count_sub_tasks_as_the_setting_says(fake: FakeJira) -> None:
    profile_id, query_id = make_profile(fake, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)
    backend = get_backend()
    for counting in ("parents", "items"):
        set_subtask_counting(profile_id, counting)
        snapshot_weeks(profile_id, query_id)
        (row,) = backend.get_metrics_snapshots(profile_id, query_id, "forecast", limit=1)
        assert row["metrics"]["remaining_items"] == _expected(fake, counting)["remaining"]


@pytest.mark.parametrize("deployment", ["cloud", "datacenter"])
def test_sprint_reports_count_sub_tasks_as_the_setting_says(deployment: str) -> None:
    # JIRA puts sub-tasks in their parent's sprint; the fake's generated ones are in none, so
    # some done ones join the active sprint now, as the board would show them (a fake of its
    # own: the module's one stays as generated).
    with FakeJira(deployment, issues=300, seed=12, scrum=True, timezone=ZONE) as fake:
        _sprint_completions_per_setting(fake)


def _sprint_completions_per_setting(fake: FakeJira) -> None:
    active = next(s for s in fake.dataset.sprints if s.state == "active")
    subtasks = [i for i in fake.dataset.issues() if i.issue_type == "Sub-task"]
    joined = [i.key for i in subtasks if i.status == DONE and active.id not in i.sprints][:5]
    assert len(joined) == 5
    fake.dataset.add_to_sprint(joined, active.id, datetime.now(UTC))
    profile_id, query_id = make_profile(fake, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)
    members = sprint_members_at(fake, active.id, int(datetime.now(UTC).timestamp() * 1000))
    done = {i.key for i in fake.dataset.issues() if i.status == DONE}
    kinds = {i.key: i.issue_type for i in fake.dataset.issues()}
    for counting in ("parents", "items"):
        set_subtask_counting(profile_id, counting)
        summary = sprint_summary(profile_id, query_id)
        row = next(r for r in summary["sprints"] if r["sprint_id"] == active.id)
        expected = {
            key for key in members & done if counting == "items" or kinds[key] != "Sub-task"
        }
        assert row["completed_items"] == len(expected), counting
    assert set(joined) <= members & done  # the five count only as items

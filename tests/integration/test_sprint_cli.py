"""``flowcast sprint boards|list|report --json`` and the epics of ``report --json`` as real
processes over a synced Scrum fake; the expected counts come from the fake's own model (its
sprints' dates and each issue's Sprint field changes), not from the stored rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from data.jira.sync import sync
from fakejira import FakeJira
from tests.integration.jira_support import FAST_RETRY, make_profile, sprint_members_at

FLOWCAST = str(Path(sys.executable).with_name("flowcast"))
pytestmark = pytest.mark.usefixtures("backend")


def _flowcast(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [FLOWCAST, *args], capture_output=True, text=True, timeout=120, env=os.environ.copy()
    )


@pytest.fixture
def synced() -> Iterator[tuple[FakeJira, str]]:
    with FakeJira("cloud", issues=250, seed=9, scrum=True) as fake:
        profile_id, query_id = make_profile(fake, board_id=1)
        sync(profile_id, query_id, retry=FAST_RETRY)
        yield fake, profile_id


def test_sprint_list_counts_match_the_fakes_model(synced: tuple[FakeJira, str]) -> None:
    fake, profile_id = synced
    done = _flowcast("sprint", "list", "--profile", profile_id, "--query", "Q", "--json")
    assert done.returncode == 0, done.stderr
    rows = {row["sprint_id"]: row for row in json.loads(done.stdout)}
    started = [s for s in fake.dataset.sprints if s.state != "future"]
    assert sorted(rows) == [s.id for s in started]
    for sprint in started[-6:-1]:  # closed ones
        assert sprint.start_ms is not None and sprint.complete_ms is not None
        committed = sprint_members_at(fake, sprint.id, sprint.start_ms)
        at_end = sprint_members_at(fake, sprint.id, sprint.complete_ms)
        resolved = {
            i.key
            for i in fake.dataset.issues()
            if i.resolved_ms is not None and i.resolved_ms <= sprint.complete_ms
        }
        row = rows[sprint.id]
        assert row["committed_items"] == len(committed), sprint.name
        assert row["completed_items"] == len(at_end & resolved), sprint.name
        assert row["carried_over_items"] == len(at_end - resolved), sprint.name


def test_sprint_report_has_the_burndown_velocity_and_forecast(
    synced: tuple[FakeJira, str],
) -> None:
    fake, profile_id = synced
    done = _flowcast("sprint", "report", "--profile", profile_id, "--query", "Q", "--json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    active = next(s for s in fake.dataset.sprints if s.state == "active")
    assert data["sprint_id"] == active.id and data["sprint_days"] == 14
    assert len(data["burndown"]) == 15 and data["burndown"][0]["ideal_items"] > 0
    assert [v["sprint_id"] for v in data["velocity"]] == [
        s.id for s in fake.dataset.sprints if s.state == "closed"
    ][-6:]
    assert (
        data["forecast"]["items"]["monte_carlo_dates"]["p85"]
        >= data["forecast"]["items"]["monte_carlo_dates"]["p50"]
    )
    refused = _flowcast("sprint", "report", "-p", profile_id, "-q", "Q", "--sprint", "999")
    assert refused.returncode == 1
    assert refused.stderr.strip() == (
        "Error: Sprint 999 is not a started sprint of the query's board; pick one from "
        "`flowcast sprint list`."
    )


def test_sprint_boards_asks_jira(synced: tuple[FakeJira, str]) -> None:
    _fake, profile_id = synced
    done = _flowcast("sprint", "boards", "--profile", profile_id, "--json")
    assert done.returncode == 0, done.stderr
    assert [(b["id"], b["type"]) for b in json.loads(done.stdout)] == [(1, "scrum"), (2, "kanban")]


def test_report_json_lists_epics_with_their_children(synced: tuple[FakeJira, str]) -> None:
    fake, profile_id = synced
    done = _flowcast("report", "--profile", profile_id, "--query", "Q", "--json")
    assert done.returncode == 0, done.stderr
    epics = json.loads(done.stdout)["epics"]
    assert epics["subtask_counting"] == "parents"
    by_key = {row["epic"]: row for row in epics["epics"]}
    dataset = fake.dataset
    for epic in [i for i in dataset.issues() if i.issue_type == "Epic"][:10]:
        children = [i for i in dataset.issues() if i.parent_id == epic.id]
        if not children:
            continue
        row = by_key[epic.key]
        assert row["total_items"] == len(children)
        assert row["done_items"] == sum(c.resolved_ms is not None for c in children)

"""``flowcast sprint boards|list|report --json`` and the epics of ``report --json`` as real
processes over a synced Scrum fake; the expected counts come from the fake's own model (its
sprints' dates and each issue's Sprint field changes), not from the stored rows."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.analytics.sprints import epics_summary, sprint_summary
from data.errors import ValidationError
from data.jira.sync import sync
from data.profiles import manager as pm
from data.store import get_backend
from fakejira import FakeJira
from tests.integration.jira_support import FAST_RETRY, closed_sprint_counts, make_profile

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
        expected = closed_sprint_counts(fake, sprint)
        row = rows[sprint.id]
        assert row["committed_items"] == expected["committed"], sprint.name
        assert row["completed_items"] == expected["completed"], sprint.name
        assert row["carried_over_items"] == expected["carried_over"], sprint.name


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


def test_report_csv_writes_the_sprint_and_epic_tables(
    synced: tuple[FakeJira, str], tmp_path: Path
) -> None:
    fake, profile_id = synced
    folder = tmp_path / "tables"
    done = _flowcast("report", "--profile", profile_id, "--query", "Q", "--csv", str(folder))
    assert done.returncode == 0, done.stderr
    assert "epics.csv" in done.stderr and "sprints.csv" in done.stderr
    sprints = list(csv.DictReader(io.StringIO((folder / "sprints.csv").read_text("utf-8"))))
    started = [s for s in fake.dataset.sprints if s.state != "future"]
    assert [row["Sprint"] for row in sprints] == [s.name for s in started]  # oldest first
    by_name = {row["Sprint"]: row for row in sprints}
    for sprint in [s for s in started if s.state == "closed"][-4:]:
        expected = closed_sprint_counts(fake, sprint)
        row = by_name[sprint.name]
        assert row["Committed at start (items)"] == str(expected["committed"])
        assert row["Completed (items)"] == str(expected["completed"])
        assert row["Carried over (items)"] == str(expected["carried_over"])
    epics = list(csv.DictReader(io.StringIO((folder / "epics.csv").read_text("utf-8"))))
    by_key = {row["Epic"]: row for row in epics}
    checked = 0
    for epic in [i for i in fake.dataset.issues() if i.issue_type == "Epic"]:
        children = [i for i in fake.dataset.issues() if i.parent_id == epic.id]
        if children:
            done_items = sum(c.resolved_ms is not None for c in children)
            assert by_key[epic.key]["Items done / total"] == f"{done_items:,} / {len(children):,}"
            checked += 1
    assert checked >= 3


def test_report_csv_of_a_query_without_a_board_has_no_sprints_file(tmp_path: Path) -> None:
    with FakeJira("cloud", issues=60, seed=9, scrum=True) as fake:
        profile_id, query_id = make_profile(fake)
        sync(profile_id, query_id, retry=FAST_RETRY)
    folder = tmp_path / "tables"
    done = _flowcast("report", "--profile", profile_id, "--query", "Q", "--csv", str(folder))
    assert done.returncode == 0, done.stderr
    assert (folder / "epics.csv").is_file() and not (folder / "sprints.csv").exists()


def test_sprint_and_epic_as_of_dates_are_the_metrics_zones_midnight(
    synced: tuple[FakeJira, str],
) -> None:
    """``--as-of DATE`` means that date's midnight in the metrics time zone, as for every other
    metric: Pacific/Kiritimati (UTC+14) midnight is 10:00 UTC the day before."""
    fake, profile_id = synced
    pm.set_metrics_time_zone(profile_id, "Pacific/Kiritimati")
    query_id = pm.find_query(profile_id, "Q")["id"]
    now = datetime.fromtimestamp(fake.dataset.now_ms / 1000, UTC).date()
    differs = 0
    for back in range(1, 15):
        day = (now - timedelta(days=back)).isoformat()
        local = f"{day}T00:00:00+14:00"
        for summary in (sprint_summary, epics_summary):
            by_date = summary(profile_id, query_id, as_of=day)
            assert by_date == summary(profile_id, query_id, as_of=local), (summary.__name__, day)
            differs += by_date != summary(profile_id, query_id, as_of=f"{day}T00:00:00+00:00")
    assert differs  # UTC midnight would have given other answers on some of those days


def test_an_unknown_stored_zone_is_one_sentence_for_sprints_and_epics(
    synced: tuple[FakeJira, str],
) -> None:
    _fake, profile_id = synced
    profile = pm.get_profile(profile_id)
    profile["field_mappings"]["time_zone"] = "Mars/Olympus"  # stored by hand, past Settings
    get_backend().save_profile(profile)
    query_id = pm.find_query(profile_id, "Q")["id"]
    for summary in (sprint_summary, epics_summary):
        with pytest.raises(ValidationError, match="'Mars/Olympus', which is not a time zone"):
            summary(profile_id, query_id, as_of="2026-11-01")

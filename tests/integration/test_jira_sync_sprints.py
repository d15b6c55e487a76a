"""The sync's JIRA Software side over real HTTP, both deployments: a profile's board's sprints and
every issue's Sprint field history stored (incrementally too), epic and sub-task parents, the
bad inputs of issue 12 §4 as one sentence with nothing written, and Data Center past its 10,000
search window by key set."""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from data.db.connection import get_db_connection
from data.jira.errors import JiraBoardError
from data.jira.sync import sync
from data.profiles import manager as pm
from fakejira import FakeJira, metadata_bodies
from tests.integration.jira_support import FAST_RETRY, make_profile, store_snapshot, visible_keys

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    with FakeJira(request.param, issues=200, seed=11, scrum=True) as server:
        yield server


def _rows(db_path: Path, sql: str, *params: object) -> list[tuple]:
    with get_db_connection(db_path) as conn:
        return [tuple(r) for r in conn.execute(sql, params).fetchall()]


def _expected_changes(fake: FakeJira, key: str) -> list[tuple[int, int]]:
    """(sprint id, joined) per Sprint change of the fake's issue, oldest first."""
    issue = fake.dataset.get(key)
    assert issue is not None
    found = []
    for history in issue.histories:
        for name, old, new in history.changes:
            if name == "sprint":
                found += [(s, 1) for s in new if s not in old]  # type: ignore[union-attr]
                found += [(s, 0) for s in old if s not in new]  # type: ignore[union-attr]
    return found


def test_a_boards_sprints_and_every_sprint_history_are_stored(
    fake: FakeJira, db_path: Path
) -> None:
    profile_id, query_id = make_profile(fake, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)
    stored = _rows(
        db_path,
        "SELECT sprint_id, state, start_at IS NOT NULL, complete_at IS NOT NULL FROM jira_sprints "
        "WHERE profile_id = ? ORDER BY sprint_id",
        profile_id,
    )
    assert stored == [
        (s.id, s.state, s.start_ms is not None, s.complete_ms is not None)
        for s in fake.dataset.sprints
    ]
    for key in sorted(visible_keys(fake))[:80]:
        rows = _rows(
            db_path,
            "SELECT sprint_id, joined FROM issue_sprint_changes WHERE profile_id = ? AND "
            "issue_key = ? ORDER BY seq",
            profile_id,
            key,
        )
        assert rows == _expected_changes(fake, key), key
    assert any(_expected_changes(fake, k) for k in sorted(visible_keys(fake))[:80])


def test_parents_are_stored_epics_and_sub_tasks(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    stored = dict(
        _rows(
            db_path,
            "SELECT issue_key, json_object('p', fields ->> '$.parent', 's', fields ->> '$.subtask')"
            " FROM issues WHERE profile_id = ?",
            profile_id,
        )
    )
    dataset = fake.dataset
    for issue in dataset.issues():
        parent = dataset.get(str(issue.parent_id)) if issue.parent_id else None
        expected = f'{{"p":{chr(34) + parent.key + chr(34) if parent else "null"},"s":{int(issue.issue_type == "Sub-task")}}}'
        assert stored[issue.key] == expected, issue.key


def test_incremental_sync_adds_new_sprint_changes(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)
    active = next(s for s in fake.dataset.sprints if s.state == "active")
    issue = next(i for i in fake.dataset.issues() if not i.sprints and i.issue_type == "Story")
    at = max(datetime.now(UTC), datetime.fromtimestamp(issue.updated_ms / 1000, UTC)) + timedelta(
        seconds=1
    )
    fake.dataset.add_to_sprint([issue.key], active.id, at)
    result = sync(profile_id, query_id, retry=FAST_RETRY, safety_margin=timedelta(minutes=1))
    assert result.mode == "incremental" and result.fetched >= 1
    rows = _rows(
        db_path,
        "SELECT sprint_id, joined FROM issue_sprint_changes WHERE profile_id = ? AND issue_key = ?",
        profile_id,
        issue.key,
    )
    assert rows == [(active.id, 1)]


@pytest.mark.parametrize(
    ("board", "message"),
    [
        (
            99,
            "JIRA has no board 99 this account can see; pick one of `flowcast sprint boards "
            "--profile …` and set it on the profile or query.",
        ),
        (2, "Board 2 is a Kanban board without sprints; name a Scrum board instead."),
    ],
)
def test_a_bad_board_is_one_sentence_and_nothing_is_written(
    fake: FakeJira, db_path: Path, board: int, message: str
) -> None:
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    before = store_snapshot(db_path, profile_id)
    profile = pm.get_profile(profile_id)
    pm.update_profile(profile_id, {"jira_config": {**profile["jira_config"], "board_id": board}})
    with pytest.raises(JiraBoardError) as refused:
        sync(profile_id, query_id, full=True, retry=FAST_RETRY)
    assert str(refused.value) == message
    assert store_snapshot(db_path, profile_id) == before
    assert _rows(db_path, "SELECT count(*) FROM jira_sprints WHERE profile_id = ?", profile_id) == [
        (0,)
    ]


def test_no_sprint_field_on_the_site_is_one_sentence(db_path: Path) -> None:
    with FakeJira("cloud", issues=20, seed=3, scrum=True) as fake:
        original = fake.renderer
        assert original is not None
        profile_id, query_id = make_profile(fake, board_id=1)
        # A site without JIRA Software's Sprint field: /field lists none with its schema.
        real = metadata_bodies.fields
        metadata_bodies.fields = lambda renderer: [  # type: ignore[assignment]
            f for f in real(renderer) if f["name"] != "Sprint"
        ]
        try:
            with pytest.raises(JiraBoardError, match=r"^JIRA lists no Sprint field \(com\.pyxis"):
                sync(profile_id, query_id, retry=FAST_RETRY)
        finally:
            metadata_bodies.fields = real  # type: ignore[assignment]
        assert _rows(db_path, "SELECT count(*) FROM issues WHERE profile_id = ?", profile_id) == [
            (0,)
        ]


def test_data_center_past_its_search_window_syncs_by_key_set(db_path: Path) -> None:
    """25,000 issues: every one stored, search requests within 1.1× the minimum (25 pages of
    1,000), the user's ORDER BY handled, and a second sync changes nothing."""
    with FakeJira("datacenter", issues=25_000, seed=4) as fake:
        profile_id, query_id = make_profile(fake, jql="project = DEMO ORDER BY created DESC")
        fake.reset_counts()
        result = sync(profile_id, query_id, retry=FAST_RETRY)
        assert result.issue_count == 25_000
        minimum = math.ceil(25_000 / 1000)
        assert minimum <= fake.request_counts["search"] <= 1.1 * minimum
        # startAt never passed the window: past it, pages asked for ids after a window's last one.
        searches = [r for r in fake.request_log if r.endpoint == "search"]
        assert all(r.status == 200 for r in searches)
        # The fake refuses startAt past the window, as Data Center does.
        refused = httpx.post(
            f"{fake.base_url}/rest/api/2/search",
            json={"jql": "project = DEMO", "startAt": 9_990, "maxResults": 50},
            headers={"Authorization": "Bearer demo-token"},
        )
        assert refused.status_code == 400 and "[10000] but was [10040]" in refused.text
        first = store_snapshot(db_path, profile_id)
        assert first[0] == 25_000
        sync(profile_id, query_id, full=True, retry=FAST_RETRY)
        assert store_snapshot(db_path, profile_id) == first


def test_issues_deleted_after_the_first_page_end_the_windows_where_the_result_ends(
    db_path: Path,
) -> None:
    """12,000 Data Center issues, the newest 2,500 deleted once the first page is in: the last
    page of the first window comes back with 500 issues, so no second window is asked for, and
    the sync stores exactly the 9,500 left (first page, then startAt 1,000 to 9,000)."""
    with FakeJira("datacenter", issues=12_000, seed=5) as fake:
        profile_id, query_id = make_profile(fake)
        newest = sorted(fake.dataset.issues(), key=lambda issue: issue.id)[9_500:]

        def delete_the_newest(_percent: float, message: str) -> None:
            # Told after the first page is handled, before the next pages are asked for.
            if newest and message.startswith("Fetched 1,000 of 12,000"):
                for issue in newest:
                    fake.dataset.delete(issue.key)
                newest.clear()

        fake.reset_counts()
        result = sync(profile_id, query_id, progress=delete_the_newest, retry=FAST_RETRY)
        assert not newest  # deleted mid-sync
        assert result.issue_count == 9_500
        assert fake.request_counts["search"] == 10
        stored = _rows(db_path, "SELECT issue_key FROM issues WHERE profile_id = ?", profile_id)
        assert {key for (key,) in stored} == visible_keys(fake)

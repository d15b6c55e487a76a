"""The sync stores every issue's Flagged field history (issue 11 §3), both deployments, over real
HTTP to the fake: JIRA's option as sent, a cleared flag as NULL, an unexpected value as JIRA sent
it, and an incremental sync replaces an issue's history with the one it brings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from data.analytics.loading import load_query_frames
from data.analytics.report import build_report
from data.db.connection import get_db_connection
from data.jira.sync import sync
from fakejira import FakeJira
from fakejira.catalog import IN_PROGRESS
from tests.integration.jira_support import FAST_RETRY, make_profile, visible_keys

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    with FakeJira(request.param, issues=150, seed=5) as server:
        yield server


def _expected(fake: FakeJira, key: str) -> list[str | None]:
    """The Flagged value after each change of the fake's issue, written out by the rule the
    fake documents: True is JIRA's option Impediment, None/False a cleared flag, else the value."""
    issue = fake.dataset.get(key)
    assert issue is not None
    values: list[str | None] = []
    for history in issue.histories:
        for name, _old, new in history.changes:
            if name == "flagged":
                values.append("Impediment" if new is True else None if not new else str(new))
    return values


def _stored(db_path: Path, profile_id: str, key: str) -> list[str | None]:
    with get_db_connection(db_path) as conn:
        rows = conn.execute(
            "SELECT value FROM issue_flag_changes WHERE profile_id = ? AND issue_key = ? "
            "ORDER BY seq",
            (profile_id, key),
        ).fetchall()
    return [row[0] for row in rows]


def test_every_flagged_change_is_stored(fake: FakeJira, db_path: Path) -> None:
    keys = sorted(visible_keys(fake))
    later = datetime.now(UTC) + timedelta(seconds=1)
    fake.dataset.flag([keys[0]], at=later)
    fake.dataset.flag([keys[0]], at=later + timedelta(hours=5), value=None)
    fake.dataset.flag([keys[1]], at=later, value="Yes")
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    flagged = [k for k in keys if _expected(fake, k)]
    assert len(flagged) > 5  # the generated year has flagged periods besides the two above
    for key in keys:
        assert _stored(db_path, profile_id, key) == _expected(fake, key), key
    assert _stored(db_path, profile_id, keys[0])[-2:] == ["Impediment", None]
    assert _stored(db_path, profile_id, keys[1])[-1] == "Yes"

    with get_db_connection(db_path) as conn:
        frames = load_query_frames(conn, profile_id, query_id, later + timedelta(hours=6))
    row = int(frames.issues.index[frames.issues["key"] == keys[0]][0])
    mine = frames.flags.loc[frames.flags["issue"] == row]
    assert list(mine["value"])[-2:] == ["Impediment", ""]
    assert mine["at"].iloc[-1] - mine["at"].iloc[-2] == timedelta(hours=5)


def test_an_incremental_sync_brings_a_new_flag(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    key = sorted(visible_keys(fake))[2]
    before = _stored(db_path, profile_id, key)
    fake.dataset.flag([key], at=datetime.now(UTC) + timedelta(seconds=1))
    result = sync(profile_id, query_id, retry=FAST_RETRY, safety_margin=timedelta(minutes=1))
    assert result.mode == "incremental"
    assert _stored(db_path, profile_id, key) == [*before, "Impediment"]


def test_the_flow_views_read_the_synced_flags(fake: FakeJira, db_path: Path) -> None:
    """End to end over real HTTP: an item in progress flagged in JIRA is blocked now in
    report --json's flow_views, and an unexpected Flagged value is named by the data-quality note."""
    in_progress = sorted(
        i.key for i in fake.dataset.issues() if i.status == IN_PROGRESS and not i.flagged
    )
    later = datetime.now(UTC) + timedelta(seconds=1)
    fake.dataset.flag([in_progress[0]], at=later)
    fake.dataset.flag([in_progress[1]], at=later, value="Blocked by vendor")
    profile_id, query_id = make_profile(fake)
    sync(profile_id, query_id, retry=FAST_RETRY)
    document = build_report(profile_id, query_id, later + timedelta(hours=12)).to_json()
    blocked = {row["key"]: row for row in document["flow_views"]["blocked_time"]["items"]}
    for key in in_progress[:2]:
        assert blocked[key]["blocked_now"] is True
        assert blocked[key]["blocked_days"] >= 0.5  # flagged 12 hours before the as-of
    ageing = {row["key"]: row for row in document["ageing_wip"]["items"]}
    assert in_progress[0] in ageing  # work in progress, so the ageing chart rings it
    assert document["flow_views"]["blocked_time"]["unexpected_flag_values"] == [
        {"value": "Blocked by vendor", "changes": 1, "issues": 1}
    ]
    assert "The Flagged field held 'Blocked by vendor'" in document["data_quality"]["note"]

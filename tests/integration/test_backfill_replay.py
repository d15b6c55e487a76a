"""A backfill computes its weeks from one history replay (issue 16 §2) and stores exactly what
replaying each week alone stores: over a synced fake JIRA (real HTTP, a real SQLite file), both
deployments, every stored value of every week compared, for fix-version and issue-type
deployments, a blocked status and a metrics time zone with DST changes in the backfill."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from data.analytics.backfill import Replay
from data.analytics.loading import load_query_frames
from data.analytics.snapshots import snapshot_weeks, week_end_instant
from data.jira.sync import sync
from data.metrics.mappings import mappings_from_profile
from data.profiles import manager as pm
from data.store import get_backend
from fakejira import FakeJira
from tests.integration.jira_support import FAST_RETRY, make_profile

pytestmark = pytest.mark.usefixtures("backend")
WEEKS = 40
NOW = datetime.now(UTC)  # the same instant for both runs: the running week is as of it

SETTINGS: dict[str, dict[str, Any]] = {
    "fix versions, Berlin": {
        "time_zone": "Europe/Berlin",
        "blocked_statuses": ["Blocked"],
        "status_to_flow_state": {"In Review": "Waiting"},
    },
    "issue-type deployments, Chicago": {
        "time_zone": "America/Chicago",
        "dora": {
            "deployment_source": "issue_type",
            "deployment_issue_types": ["Task"],
            "incident_priorities": ["High", "Highest"],
        },
    },  # fmt: skip
}


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    with FakeJira(request.param, issues=400, seed=13) as server:
        yield server


def stored(profile_id: str, query_id: str) -> dict[tuple[str, str], tuple[Any, Any]]:
    rows = get_backend().get_metrics_snapshots(profile_id, query_id, limit=WEEKS)
    return {(r["snapshot_date"], r["metric_type"]): (r["metrics"], r["forecast"]) for r in rows}


@pytest.mark.parametrize("settings", list(SETTINGS.values()), ids=list(SETTINGS))
def test_one_replay_stores_what_each_weeks_own_replay_stores(
    fake: FakeJira, settings: dict[str, Any]
) -> None:
    profile_id, query_id = make_profile(fake)
    pm.update_profile(profile_id, {"field_mappings": settings})
    sync(profile_id, query_id, retry=FAST_RETRY)

    weeks = snapshot_weeks(profile_id, query_id, backfill=WEEKS, now=NOW, one_replay=False)
    per_week = stored(profile_id, query_id)
    assert snapshot_weeks(profile_id, query_id, backfill=WEEKS, now=NOW) == weeks
    replayed = stored(profile_id, query_id)

    assert len(per_week) == 3 * WEEKS  # forecast, flow and DORA rows of every week
    assert replayed == per_week
    # The comparison means something only if the replay computed the weeks, and if they differ.
    mappings = mappings_from_profile(pm.get_profile(profile_id))
    zone = mappings.time_zone
    ends = [min(week_end_instant(w, zone), week_end_instant(weeks[-1], zone)) for w in weeks]
    with get_backend().session() as conn:
        frames = load_query_frames(conn, profile_id, query_id, NOW)
    replay = Replay(frames, mappings)
    assert all(replay.covers(end) for end in ends)
    completed = {per_week[(w, "flow")][0]["completed"] for w in weeks}
    lead_times = {per_week[(w, "dora")][0]["lead_time_median_hours"] for w in weeks}
    remaining = {per_week[(w, "forecast")][0]["remaining_items"] for w in weeks}
    assert min(len(completed), len(lead_times), len(remaining)) > 3
    assert any(per_week[(w, "flow")][0]["efficiency"] not in (None, 1.0) for w in weeks)

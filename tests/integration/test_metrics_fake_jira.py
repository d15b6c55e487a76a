"""Cross-check on the fake JIRA data set: our cycle-time percentiles and weekly throughput equal a
plain, issue-by-issue reimplementation of the jira-agile-metrics conventions (METRICS.md).

The issues go the real way: rendered as Data Center JSON with full changelogs, normalized by
``data.store.issues``, stored in SQLite, read back by ``load_query_frames``.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, date, datetime

import pandas as pd
import pytest

from data.analytics.loading import load_query_frames
from data.analytics.report import context_from_frames
from data.db.connection import get_db_connection, write_transaction
from data.jira.normalize import normalize_issue
from data.metrics.cycle_time import cycle_time
from data.metrics.mappings import MetricMappings
from data.metrics.weekly import weekly_throughput
from data.store.issues import add_query_members, store_issues
from data.timeutil import parse_timestamp
from fakejira.catalog import STATUSES
from fakejira.dataset import Dataset
from fakejira.render import Renderer

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
STAGE_OF_CATEGORY = {"new": 0, "indeterminate": 1, "done": 2}


@pytest.fixture(scope="module")
def raw_issues() -> list[dict]:
    dataset = Dataset(issues=400, seed=11, now=NOW)
    renderer = Renderer(dataset, "datacenter", "http://127.0.0.1:1")
    return [
        json.loads(renderer.issue_json(issue, "2", renderer.field_ids, "full"))
        for issue in dataset.issues()
    ], renderer.custom_id("points")


def _plain_stage_dates(raw: dict) -> list[date | None]:
    """jira-agile-metrics, written out: walk the status changes in order; the first entry into a
    stage sets its date; any move to an earlier stage clears the later ones; afterwards a
    skipped stage takes the next later stage's date."""
    stage_of = {s.name: STAGE_OF_CATEGORY[s.category] for s in STATUSES.values()}
    moves = []
    for history in raw["changelog"]["histories"]:
        for item in history["items"]:
            if item.get("field") == "status":
                moves.append(
                    (parse_timestamp(history["created"]), item["fromString"], item["toString"])
                )
    moves.sort(key=lambda m: m[0])
    created = parse_timestamp(raw["fields"]["created"])
    first_status = moves[0][1] if moves else raw["fields"]["status"]["name"]
    dates: list[date | None] = [None, None, None]
    for at, status in [(created, first_status)] + [(max(at, created), to) for at, _, to in moves]:
        stage = stage_of[status]
        if dates[stage] is None:
            dates[stage] = at.astimezone(UTC).date()
        for later in range(stage + 1, 3):
            dates[later] = None
    for stage in (1, 0):
        if dates[stage] is None:
            dates[stage] = dates[stage + 1]
    return dates


def test_fake_data_set_cycle_time_and_throughput_match_a_plain_reimplementation(
    backend, raw_issues
):
    raws, points_field = raw_issues
    backend.save_profile(
        {"id": "demo", "name": "Demo", "jira_config": {"points_field": points_field}}
    )
    backend.save_query("demo", {"id": "all", "name": "All", "jql": "project = DEMO"})
    issues = [normalize_issue(raw, points_field=points_field) for raw in raws]
    with get_db_connection(backend.db_path) as conn, write_transaction(conn):
        store_issues(conn, "demo", issues)
        add_query_members(conn, "demo", "all", [i.key for i in issues])
    with get_db_connection(backend.db_path) as conn:
        frames = load_query_frames(conn, "demo", "all", NOW)
    ctx = context_from_frames(frames, MetricMappings())
    assert ctx.history.status_map.unmapped == ()  # every fake status is someone's current status
    assert any(len(raw["changelog"]["histories"]) > 40 for raw in raws)  # long changelogs included

    plain = {raw["key"]: _plain_stage_dates(raw) for raw in raws}
    expected_cycle = pd.Series(
        [(d[2] - d[1]).days for d in plain.values() if d[1] is not None and d[2] is not None],
        dtype=float,
    )
    ours = cycle_time(ctx.frames, ctx.history)
    assert ours.count == len(expected_cycle) > 100
    assert ours.percentiles_days == pytest.approx(
        {
            "p50": expected_cycle.quantile(0.50),
            "p85": expected_cycle.quantile(0.85),
            "p95": expected_cycle.quantile(0.95),
        }
    )
    by_key = dict(zip(ours.scatter["key"], ours.scatter["cycle_time_days"], strict=True))
    assert by_key == {k: (d[2] - d[1]).days for k, d in plain.items() if d[1] and d[2]}

    # Throughput: done items per ISO week of their done date (complete weeks only).
    weeks = Counter(
        "{:04d}-W{:02d}".format(*d[2].isocalendar()[:2]) for d in plain.values() if d[2] is not None
    )
    throughput = weekly_throughput(ctx.weekly)
    assert throughput["items"].sum() > 100
    assert {w: n for w, n in zip(throughput["week"], throughput["items"], strict=True) if n} == {
        w: n for w, n in weeks.items() if w in set(throughput["week"])
    }

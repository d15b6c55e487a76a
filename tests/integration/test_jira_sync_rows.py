"""Every row a full sync stores, compared with the fake JIRA's own model (issue 16 §3).

The fetch was rewritten for speed (orjson, one pass over each changelog, the next page fetched
while this one is normalized); the database it leaves must not change. The expected rows are
written out here from the fake's dataset — the issues, histories, versions and catalog it
serves — not from the sync's code: both deployments, a Scrum site (sprints, Sprint histories,
epics, sub-tasks), flagged issues, changelogs longer than a Data Center page embeds.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from data.db.connection import get_db_connection
from data.jira.sync import sync
from fakejira import FakeJira
from fakejira.catalog import ISSUE_TYPES, PRIORITIES, RESOLUTION_DONE, STATUSES
from fakejira.dataset import History, Issue
from tests.integration.jira_support import FAST_RETRY, make_profile, visible_keys

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture(params=["cloud", "datacenter"])
def fake(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    with FakeJira(request.param, issues=120, seed=16, scrum=True) as server:
        keys = sorted(visible_keys(server))
        later = datetime.now(UTC) - timedelta(hours=2)
        server.dataset.flag(keys[:3], at=later)
        server.dataset.flag(keys[:1], at=later + timedelta(minutes=30), value=None)
        yield server


def _rows(db_path: Path, sql: str, profile_id: str) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of one query, grouped by their first column (the issue key)."""
    by_key: dict[str, list[tuple[Any, ...]]] = {}
    with get_db_connection(db_path) as conn:
        for row in conn.execute(sql, (profile_id,)):
            by_key.setdefault(row[0], []).append(tuple(row)[1:])
    return by_key


def _utc(ms: int | None) -> str | None:
    """Epoch milliseconds as the store's UTC text, written out independently."""
    if ms is None:
        return None
    moment = datetime.fromtimestamp(ms // 1000, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def _in_order(issue: Issue) -> list[History]:
    # JIRA's order of an issue's changes: by time, same-instant ones by id.
    return sorted(issue.histories, key=lambda h: (h.created_ms, h.id))


def _changes(issue: Issue, field: str) -> Iterator[tuple[History, Any, Any]]:
    for history in _in_order(issue):
        for name, old, new in history.changes:
            if name == field:
                yield history, old, new


def _expected_issue(fake: FakeJira, issue: Issue) -> tuple[Any, ...]:
    parent = fake.dataset.get(str(issue.parent_id)) if issue.parent_id else None
    fields = {
        "fixVersions": [
            {
                "name": fake.dataset.version(v).name,
                "released": fake.dataset.version(v).released,
                "releaseDate": fake.dataset.version(v).release_date.isoformat(),
            }
            for v in issue.fix_versions
        ],
        "labels": list(issue.labels),
        "components": [],
        "resolution": RESOLUTION_DONE["name"] if issue.resolved_ms is not None else None,
        "parent": parent.key if parent is not None else None,
        "subtask": ISSUE_TYPES[issue.issue_type].hierarchy_level < 0,
        "flagged": issue.flagged,
    }
    status = STATUSES[issue.status]
    return (
        issue.key,
        str(issue.id),
        issue.project,
        issue.issue_type,
        issue.summary,
        status.name,
        status.category,
        PRIORITIES[issue.priority],
        _utc(issue.created_ms),
        _utc(issue.updated_ms),
        _utc(issue.resolved_ms),
        issue.points,
        fields,
        sum(1 for _ in _changes(issue, "status")),
    )


def _expected_transitions(issue: Issue) -> list[tuple[Any, ...]]:
    return [
        (
            seq,
            _utc(h.created_ms),
            STATUSES[old].name if old else None,
            STATUSES[new].name,
            str(h.id),
        )
        for seq, (h, old, new) in enumerate(_changes(issue, "status"))
    ]


def _expected_sprint_rows(issue: Issue) -> list[tuple[Any, ...]]:
    rows: list[tuple[str | None, int, int]] = []
    for history, old, new in _changes(issue, "sprint"):
        at = _utc(history.created_ms)
        rows += [(at, s, 1) for s in new if s not in old]
        rows += [(at, s, 0) for s in old if s not in new]
    return [(seq, *row) for seq, row in enumerate(rows)]


def _expected_flag_rows(issue: Issue) -> list[tuple[Any, ...]]:
    # The fake's rule: True is JIRA's option Impediment, None/False a cleared flag.
    values = [
        (_utc(h.created_ms), "Impediment" if new is True else None if not new else str(new))
        for h, _old, new in _changes(issue, "flagged")
    ]
    return [(seq, *row) for seq, row in enumerate(values)]


def _expected_changelog(issue: Issue) -> list[tuple[Any, ...]]:
    return [
        (str(h.id), _utc(h.created_ms), "status", old, STATUSES[old].name, new, STATUSES[new].name)
        for h, old, new in sorted(_changes(issue, "status"), key=lambda c: c[0].id)
    ]


def _stored_changelog(text: str) -> tuple[int, list[tuple[Any, ...]]]:
    changelog = json.loads(text)
    rows = []
    for history in changelog["histories"]:
        for item in history["items"]:
            created = datetime.strptime(history["created"], "%Y-%m-%dT%H:%M:%S.%f%z")
            ms = round(created.timestamp() * 1000)
            rows.append(
                (
                    history["id"],
                    _utc(ms),
                    item["field"],
                    item["from"],
                    item["fromString"],
                    item["to"],
                    item["toString"],
                )
            )
    return changelog["total"], sorted(rows, key=lambda r: int(r[0]))


def test_a_full_sync_stores_exactly_the_fakes_issues_histories_sprints_and_flags(
    fake: FakeJira, db_path: Path
) -> None:
    profile_id, query_id = make_profile(fake, board_id=1)
    sync(profile_id, query_id, retry=FAST_RETRY)
    issues = {i.key: i for i in fake.dataset.issues() if i.project == "DEMO"}
    assert any(len(i.histories) > 40 for i in issues.values())  # past DC's embedded changelog
    assert any(i.parent_id for i in issues.values()) and any(i.flagged for i in issues.values())

    stored = _rows(
        db_path,
        "SELECT issue_key, issue_key, issue_id, project_key, issue_type, summary, status, "
        "status_category, priority, created, updated, resolved, points, json(fields), "
        "changelog_total FROM issues WHERE profile_id = ? ORDER BY issue_key",
        profile_id,
    )
    assert set(stored) == set(issues)
    for key, issue in issues.items():
        (row,) = stored[key]
        assert (*row[:12], json.loads(row[12]), row[13]) == _expected_issue(fake, issue), key

    transitions = _rows(
        db_path,
        "SELECT issue_key, seq, changed_at, from_status, to_status, history_id "
        "FROM issue_transitions WHERE profile_id = ? ORDER BY issue_key, seq",
        profile_id,
    )
    sprints = _rows(
        db_path,
        "SELECT issue_key, seq, changed_at, sprint_id, joined FROM issue_sprint_changes "
        "WHERE profile_id = ? ORDER BY issue_key, seq",
        profile_id,
    )
    flags = _rows(
        db_path,
        "SELECT issue_key, seq, changed_at, value FROM issue_flag_changes "
        "WHERE profile_id = ? ORDER BY issue_key, seq",
        profile_id,
    )
    changelogs = _rows(
        db_path,
        "SELECT issue_key, changelog FROM jira_changelog_cache WHERE profile_id = ?",
        profile_id,
    )
    members = _rows(
        db_path, "SELECT issue_key, query_id FROM query_issues WHERE profile_id = ?", profile_id
    )
    assert any(sprints.values()) and any(flags.values())
    for key, issue in issues.items():
        assert transitions.get(key, []) == _expected_transitions(issue), key
        assert sprints.get(key, []) == _expected_sprint_rows(issue), key
        assert flags.get(key, []) == _expected_flag_rows(issue), key
        expected_changelog = _expected_changelog(issue)
        assert _stored_changelog(changelogs[key][0][0]) == (
            len(expected_changelog),
            expected_changelog,
        ), key
        assert members[key] == [(query_id,)]
    assert set(transitions) | set(sprints) | set(flags) | set(changelogs) <= set(issues)

    with get_db_connection(db_path) as conn:
        board = conn.execute(
            "SELECT sprint_id, name, state FROM jira_sprints WHERE profile_id = ? "
            "ORDER BY sprint_id",
            (profile_id,),
        ).fetchall()
    assert [tuple(r) for r in board] == [
        (s.id, s.name, s.state)
        for s in sorted(fake.dataset.sprints, key=lambda s: s.id)
        if s.board_id == 1
    ]

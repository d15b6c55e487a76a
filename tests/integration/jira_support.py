"""Helpers for the JIRA integration tests: a profile pointing at a fake, fast retries, snapshots."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from cli.main import cli
from data.db.connection import get_db_connection
from data.jira.client import RetryPolicy
from data.ops.verify import check_database_integrity
from data.profiles import manager as pm
from fakejira import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira

# Real retry logic, tiny delays: a 429 storm takes milliseconds instead of minutes. The default
# read timeout stays: a stall is not retried, and a loaded machine may take seconds for a page.
FAST_RETRY = RetryPolicy(first_delay=0.005, max_delay=0.02, sleep=lambda s: None)
POINTS_FIELD = {"cloud": "customfield_10016", "datacenter": "customfield_10002"}


def report_json_of(profile_id: str, query_id: str) -> dict[str, Any]:
    """What a user runs: ``flowcast report --json`` (in this process)."""
    result = CliRunner().invoke(
        cli, ["report", "--profile", profile_id, "--query", query_id, "--json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def make_profile(
    fake: FakeJira,
    *,
    jql: str = "project = DEMO",
    token: str = DEFAULT_TOKEN,
    deployment: str = "auto",
    **config: Any,
) -> tuple[str, str]:
    """A profile with the fake's credentials and one query; returns (profile_id, query_id)."""
    profile_id = pm.create_profile(
        f"P-{fake.port}-{deployment}",
        {
            "jira_config": {
                "base_url": fake.base_url,
                "deployment": deployment,
                "email": DEFAULT_EMAIL,
                "token": token,
                "points_field": POINTS_FIELD[fake.deployment],
                **config,
            }
        },
    )
    return profile_id, pm.create_query(profile_id, "Q", jql)


def store_snapshot(db_path: Path, profile_id: str) -> tuple[int, int, int, str]:
    """(issues, transitions, memberships, digest of all three) — equal snapshots = same data."""
    digest = hashlib.sha256()
    counts = []
    with get_db_connection(db_path) as conn:
        for sql in (
            "SELECT issue_key, issue_id, status, updated, points, json(fields) FROM issues "
            "WHERE profile_id = ? ORDER BY issue_key",
            "SELECT issue_key, seq, changed_at, from_status, to_status FROM issue_transitions "
            "WHERE profile_id = ? ORDER BY issue_key, seq",
            "SELECT query_id, issue_key FROM query_issues WHERE profile_id = ? "
            "ORDER BY query_id, issue_key",
        ):
            rows = conn.execute(sql, (profile_id,)).fetchall()
            counts.append(len(rows))
            for row in rows:
                digest.update(repr(tuple(row)).encode())
    return counts[0], counts[1], counts[2], digest.hexdigest()


def assert_sound(db_path: Path) -> None:
    ok, problems = check_database_integrity(db_path)
    assert ok, problems


def status_changes(fake: FakeJira, key: str) -> int:
    """How many status changes the fake's history of an issue holds (the truth to compare with)."""
    issue = fake.dataset.get(key)
    assert issue is not None
    return sum(1 for h in issue.histories for c in h.changes if c[0] == "status")


def visible_keys(fake: FakeJira, project: str = "DEMO") -> set[str]:
    return {i.key for i in fake.dataset.issues() if i.project == project}


def sprint_members_at(fake: FakeJira, sprint_id: int, at_ms: int) -> set[str]:
    """Issues whose Sprint field held the sprint at ``at_ms``, replayed from the fake's model."""
    found = set()
    for issue in fake.dataset.issues():
        current: tuple = ()
        for history in issue.histories:
            if history.created_ms > at_ms:
                break
            for name, _old, new in history.changes:
                if name == "sprint":
                    current = new  # type: ignore[assignment]
        if sprint_id in current:
            found.add(issue.key)
    return found


def closed_sprint_counts(fake: FakeJira, sprint: Any) -> dict[str, int]:
    """A closed sprint's committed, completed and carried-over items by the fake's model: in the
    sprint at its start; in it at its completion and resolved by then; in it then, unresolved."""
    committed = sprint_members_at(fake, sprint.id, sprint.start_ms)
    at_end = sprint_members_at(fake, sprint.id, sprint.complete_ms)
    resolved = {
        i.key
        for i in fake.dataset.issues()
        if i.resolved_ms is not None and i.resolved_ms <= sprint.complete_ms
    }
    return {
        "committed": len(committed),
        "completed": len(at_end & resolved),
        "carried_over": len(at_end - resolved),
    }

"""A small, hand-checked JIRA data set for the metrics tests: five issues whose dates, moves,
points and fix versions the golden expectations in the metrics tests are worked out from."""

from __future__ import annotations

from datetime import UTC, datetime

from data.db.connection import get_db_connection, write_transaction
from data.jira.normalize import normalize_issue
from data.store.issues import add_query_members, store_issues
from data.store.sqlite_backend import SQLiteBackend

POINTS = "customfield_10016"
CATEGORY = {"To Do": "new", "In Progress": "indeterminate", "Done": "done"}


def raw_issue(key: str, created: str, moves: list[tuple[str, str]], *, type: str = "Story",
              points: float | None = None, versions: list[dict] | None = None,
              resolved: str | None = None) -> dict:  # fmt: skip
    """JIRA REST JSON with the full changelog (Data Center order: oldest history first)."""
    status, histories = "To Do", []
    for number, (at, target) in enumerate(moves):
        histories.append(
            {
                "id": str(1000 + number),
                "created": at,
                "items": [
                    {
                        "field": "status",
                        "fieldId": "status",
                        "fromString": status,
                        "toString": target,
                    }
                ],
            }
        )
        status = target
    return {
        "key": key,
        "id": key.split("-")[1],
        "fields": {
            "summary": key,
            "issuetype": {"name": type},
            "status": {"name": status, "statusCategory": {"key": CATEGORY[status]}},
            "priority": {"name": "High"},
            "created": created,
            "resolutiondate": resolved,
            POINTS: points,
            "fixVersions": versions or [],
            "project": {"key": "M"},
        },
        "changelog": {"total": len(histories), "histories": histories},
    }


# JIRA's local offsets are normalized on ingest: "2026-03-02T11:00:00.000+0100" is 10:00Z.
RAW = [
    raw_issue("M-1", "2026-03-02T11:00:00.000+0100", [("2026-03-03T09:00:00.000+0000", "In Progress"),
              ("2026-03-05T04:00:00.000-0500", "Done")], points=3,
              versions=[{"name": "r1", "released": True, "releaseDate": "2026-03-06"}]),
    raw_issue("M-2", "2026-03-03T09:00:00.000+0000", [("2026-03-10T09:00:00.000+0000", "In Progress"),
              ("2026-03-17T09:00:00.000+0000", "Done")], points=5,
              versions=[{"name": "r2", "released": True, "releaseDate": "2026-03-18"}]),
    raw_issue("M-3", "2026-03-10T09:00:00.000+0000", [("2026-03-12T09:00:00.000+0000", "In Progress")]),
    raw_issue("M-4", "2026-03-16T09:00:00.000+0000", []),
    raw_issue("M-5", "2026-03-16T09:00:00.000+0000", [("2026-03-16T10:00:00.000+0000", "Done")]),
]  # fmt: skip
NOW = datetime(2026, 3, 25, 12, 0, tzinfo=UTC)


def seed_team(backend: SQLiteBackend) -> SQLiteBackend:
    """Profile 'team' with query 'q' holding the five RAW issues (points, versions, moves)."""
    backend.save_profile(
        {
            "id": "team",
            "name": "Team",
            "jira_config": {"points_field": POINTS},
            "forecast_settings": {
                "data_points_count": 3,
                "deadline": "2026-05-01",
                "monte_carlo_trials": 2000,
            },
            "field_mappings": {"dora": {"tier_set": "2023"}},
        }
    )
    backend.save_query("team", {"id": "q", "name": "Q", "jql": "project = M"})
    issues = [normalize_issue(raw, points_field=POINTS) for raw in RAW]
    with get_db_connection(backend.db_path) as conn, write_transaction(conn):
        store_issues(conn, "team", issues)
        add_query_members(conn, "team", "q", [i.key for i in issues])
    return backend

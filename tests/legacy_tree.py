"""Builds legacy JSON trees (LEGACY_LAYOUT.md) in a folder, for the migration tests and benchmark.

Issues look like JIRA REST responses; each has a changelog of ``histories`` entries, every second
one a status change, so the expected transition count is known: ``histories // 2`` per issue
(rounded up) — see ``status_changes_per_issue``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

STATUSES = ("To Do", "In Progress", "Review", "Done")
BASE = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def status_changes_per_issue(histories: int) -> int:
    # Histories 0, 2, 4, … change the status; the odd ones change the assignee.
    return (histories + 1) // 2


def jira_issue(
    n: int, project: str = "KAFKA", points_field: str = "customfield_10002"
) -> dict[str, Any]:
    created = BASE + timedelta(hours=n)
    return {
        "id": str(10000 + n),
        "key": f"{project}-{n}",
        "fields": {
            "summary": f"Issue {n} — naïve ünïcode",
            "issuetype": {"name": "Story" if n % 3 else "Bug"},
            "status": {"name": "Done", "statusCategory": {"key": "done"}},
            "priority": {"name": "Medium"},
            "project": {"key": project},
            "created": created.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "updated": (created + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "resolutiondate": (created + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
            "labels": ["legacy"],
            "fixVersions": [],
            points_field: str(n % 8) if n % 5 == 0 else n % 8,  # some points as strings
        },
    }


def changelog_entry(issue: dict[str, Any], histories: int) -> dict[str, Any]:
    created = datetime.strptime(issue["fields"]["created"], "%Y-%m-%dT%H:%M:%S.000+0000").replace(
        tzinfo=UTC
    )
    items = []
    for h in range(histories):
        at = created + timedelta(hours=h + 1)
        if h % 2 == 0:
            step = h // 2
            item = {
                "field": "status",
                "fieldtype": "jira",
                "fromString": STATUSES[step % 4],
                "toString": STATUSES[(step + 1) % 4],
            }
        else:
            item = {"field": "assignee", "fromString": None, "toString": "Ann"}
        items.append(
            {
                "id": str(h + 1),
                "created": at.strftime("%Y-%m-%dT%H:%M:%S.000+0000"),
                "items": [item],
            }
        )
    return {
        "key": issue["key"],
        "fields": {"status": issue["fields"]["status"]},
        "changelog": {"histories": items, "total": histories},
        "last_updated": "2025-11-20T10:00:00.000000",
    }


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def write_legacy_tree(
    root: Path,
    *,
    issues: int = 20,
    histories: int = 4,
    profiles: tuple[tuple[str, str], ...] = (("kafka", "Apache Kafka"),),
    queries: tuple[tuple[str, str], ...] = (("12w", "Last 12 weeks"),),
) -> Path:
    """A complete ``profiles/`` layout under ``root``; returns ``root``."""
    profiles_dir = root / "profiles"
    registry: dict[str, Any] = {
        "version": "3.0",
        "active_profile_id": profiles[0][0],
        "active_query_id": queries[0][0],
        "profiles": {},
    }
    for profile_id, profile_name in profiles:
        registry["profiles"][profile_id] = {
            "id": profile_id,
            "name": profile_name,
            "created_at": "2025-11-13T10:00:00.000000",
            "last_used": "2025-11-14T10:00:00.000000",
            "jira_base_url": "https://jira.example.com",
            "query_count": len(queries),
        }
        write_json(
            profiles_dir / profile_id / "profile.json",
            {
                "id": profile_id,
                "name": profile_name,
                "description": "Legacy profile",
                "created_at": "2025-11-13T10:00:00.000000",
                "last_used": "2025-11-14T10:00:00.000000",
                "jira_config": {
                    "base_url": "https://jira.example.com",
                    "api_version": "v2",
                    "token": "secret-token",
                    "points_field": "customfield_10002",
                },
                "field_mappings": {"deployment_date": "customfield_10001"},
                "forecast_settings": {
                    "pert_factor": 1.5,
                    "deadline": "2025-12-31",
                    "data_points_count": 12,
                },
                "project_classification": {"bug_types": ["Bug"]},
                "flow_type_mappings": {"Feature": ["Story"]},
                "queries": [q[0] for q in queries],
                "show_milestone": False,
                "show_points": True,
                "legacy_unknown_key": {"kept": True},
            },
        )
        for query_id, query_name in queries:
            folder = profiles_dir / profile_id / "queries" / query_id
            write_json(
                folder / "query.json",
                {
                    "name": query_name,
                    "jql": f"project = KAFKA AND labels = {query_id}",
                    "description": "",
                    "created_at": "2025-11-13T10:00:00.000000",
                    "last_used": "2025-11-14T10:00:00.000000",
                },
            )
            raw_issues = [jira_issue(n) for n in range(1, issues + 1)]
            write_json(
                folder / "jira_cache.json",
                {
                    "cache_version": "2.0",
                    "timestamp": "2025-11-20T10:00:00.000000",
                    "jql_query": f"project = KAFKA AND labels = {query_id}",
                    "fields_requested": "summary,status,created",
                    "issues": raw_issues,
                    "total_issues": len(raw_issues),
                    "last_updated": "2025-11-20T10:00:00.000000",
                    "jql_hash": f"hash-{query_id}",
                    "changed_keys": [],
                },
            )
            write_json(
                folder / "jira_changelog_cache.json",
                {i["key"]: changelog_entry(i, histories) for i in raw_issues},
            )
            write_json(
                folder / "project_data.json",
                {
                    "project_scope": {
                        "total_items": issues,
                        "status_breakdown": {"Done": {"items": issues}},
                    },
                    "statistics": [
                        {
                            "date": f"2025-06-{2 + 7 * w:02d}",
                            "completed_items": w,
                            "completed_points": w * 2,
                            "created_items": 3,
                            "created_points": 5,
                        }
                        for w in range(4)
                    ],
                    "metadata": {"source": "jira", "version": "1.0"},
                },
            )
            write_json(
                folder / "metrics_snapshots.json",
                {
                    "2025-W44": {"flow_velocity": {"value": 5}, "dora_lead_time": {"value": 2.5}},
                    "2025-W45": {"flow_velocity": {"value": 7}},
                },
            )
    write_json(profiles_dir / "profiles.json", registry)
    write_json(
        root / "task_progress.json",
        {
            "task_name": "update_data",
            "progress_percent": 100,
            "status": "completed",
            "message": "Done",
            "updated_at": "2025-11-20T10:00:00.000000",
            "phase": "finished",
        },
    )
    return root

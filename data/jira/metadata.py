"""What the Settings page asks JIRA: does the connection work, which field holds story points,
which statuses, issue types and priorities exist, and is this JQL valid.

Each function takes a profile (its dict, e.g. unsaved form values, or its id) and opens and closes
its own client. JIRA's failures arrive as the typed errors of ``data.jira.errors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from data.jira.client import JiraClient, RetryPolicy
from data.jira.errors import JiraBoardError, JiraQueryError
from data.jira.jql import split_order_by
from data.profiles import manager as pm

# Field schemas JIRA uses for story points (NOTES §3): classic number fields and team-managed ones.
_POINTS_SCHEMAS = {
    "com.atlassian.jira.plugin.system.customfieldtypes:float": 1,
    "com.pyxis.greenhopper.jira:jsw-story-points": 1,
}
_POINTS_NAMES = {"story points": 4, "story point estimate": 3}
SAMPLE_SIZE = 100


@dataclass(frozen=True)
class ConnectionInfo:
    deployment: str  # "cloud" or "datacenter"
    server_version: str
    server_title: str
    user_display_name: str
    time_zone: str


@dataclass(frozen=True)
class FieldCandidate:
    id: str
    name: str
    schema: str
    score: int  # higher = more likely the story points field (by name and schema)
    values_seen: int  # sampled issues with a value in it (sites often have an empty twin field)


@dataclass(frozen=True)
class StatusInfo:
    id: str
    name: str
    category: str  # "new", "indeterminate", "done" (or "undefined")
    category_name: str


@dataclass(frozen=True)
class IssueTypeInfo:
    id: str
    name: str
    subtask: bool


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _client(profile: dict[str, Any] | str, retry: RetryPolicy | None, **options: Any) -> JiraClient:
    record = pm.get_profile(profile) if isinstance(profile, str) else profile
    # Interactive checks should answer quickly: fewer, shorter retries than a sync.
    policy = retry or RetryPolicy(
        max_attempts=2, max_total_wait=5.0, first_delay=1.0, max_delay=2.0, read_timeout=15.0
    )
    return JiraClient.from_profile(record, retry=policy, **options)


def test_connection(
    profile: dict[str, Any] | str, *, retry: RetryPolicy | None = None, **options: Any
) -> ConnectionInfo:
    """Check URL, deployment and credentials; raises JiraAuthError naming what to fix. The JIRA
    user's time zone is remembered on the profile (the metrics' default calendar)."""
    record = pm.get_profile(profile) if isinstance(profile, str) else profile
    with _client(record, retry, **options) as client:
        client.check_deployment()
        info = client.server_info()
        me = client.myself()
        if record.get("id"):
            pm.record_jira_time_zone(record["id"], me.get("timeZone"))
        return ConnectionInfo(
            deployment=client.deployment,
            server_version=str(info.get("version") or ""),
            server_title=str(info.get("serverTitle") or "Jira"),
            user_display_name=str(me.get("displayName") or me.get("name") or ""),
            time_zone=str(me.get("timeZone") or "UTC"),
        )


def discover_fields(
    profile: dict[str, Any] | str,
    sample_jql: str | None = None,
    *,
    retry: RetryPolicy | None = None,
    **options: Any,
) -> list[FieldCandidate]:
    """Story points candidates, most likely first.

    Candidates come from ``/field`` by name and schema; with ``sample_jql`` the last
    ``SAMPLE_SIZE`` updated issues it matches are read to see which candidate actually holds values.
    """
    with _client(profile, retry, **options) as client:
        fields = client.fields()
        candidates = []
        for item in fields:
            schema = _object(item.get("schema"))
            custom = str(schema.get("custom") or "")
            name = str(item.get("name") or "")
            score = _POINTS_NAMES.get(name.strip().lower(), 0) + _POINTS_SCHEMAS.get(custom, 0)
            if "point" in name.lower() and not score:
                score = 1
            if score and schema.get("type") in (None, "number"):
                candidates.append((str(item.get("id")), name, custom, score))
        seen = dict.fromkeys((c[0] for c in candidates), 0)
        if sample_jql and candidates:
            condition, _ = split_order_by(sample_jql)
            saved, client.page_size = client.page_size, SAMPLE_SIZE
            try:
                issues, _ = next(client.search(f"{condition} ORDER BY updated DESC", list(seen)))
            finally:
                client.page_size = saved
            for issue in issues:
                for field_id in seen:
                    if (issue.get("fields") or {}).get(field_id) not in (None, ""):
                        seen[field_id] += 1
    found = [
        FieldCandidate(fid, name, custom, score, seen[fid])
        for fid, name, custom, score in candidates
    ]
    return sorted(found, key=lambda c: (-(c.values_seen > 0), -c.score, -c.values_seen, c.id))


def list_statuses(
    profile: dict[str, Any] | str, *, retry: RetryPolicy | None = None, **options: Any
) -> list[StatusInfo]:
    with _client(profile, retry, **options) as client:
        statuses = client.statuses()
    return sorted(statuses_by_name(statuses).values(), key=lambda s: s.name.casefold())


def statuses_by_name(items: list[dict[str, Any]]) -> dict[str, StatusInfo]:
    """JIRA's ``/status`` answer, one entry per name (statuses repeat per project: first wins)."""
    result: dict[str, StatusInfo] = {}
    for item in items:
        category = _object(item.get("statusCategory"))
        status = StatusInfo(
            id=str(item.get("id")),
            name=str(item.get("name") or ""),
            category=str(category.get("key") or "undefined"),
            category_name=str(category.get("name") or ""),
        )
        result.setdefault(status.name, status)
    return result


def list_issue_types(
    profile: dict[str, Any] | str, *, retry: RetryPolicy | None = None, **options: Any
) -> list[IssueTypeInfo]:
    with _client(profile, retry, **options) as client:
        types = client.issue_types()
    result: dict[str, IssueTypeInfo] = {}
    for item in types:
        info = IssueTypeInfo(
            str(item.get("id")), str(item.get("name") or ""), bool(item.get("subtask"))
        )
        result.setdefault(info.name, info)
    return sorted(result.values(), key=lambda t: t.name.casefold())


def list_priorities(
    profile: dict[str, Any] | str, *, retry: RetryPolicy | None = None, **options: Any
) -> list[str]:
    """JIRA's priority names, in JIRA's order (highest first)."""
    with _client(profile, retry, **options) as client:
        priorities = client.priorities()
    return list(dict.fromkeys(str(p.get("name")) for p in priorities if p.get("name")))


def check_board(
    profile: dict[str, Any] | str, board_id: int, *, retry: RetryPolicy | None = None
) -> str | None:
    """None when ``board_id`` is a Scrum board the account can see, else one sentence saying
    what is wrong with it (missing or hidden, a Kanban board)."""
    with _client(profile, retry) as client:
        try:
            client.sprints(board_id, states=("active",))
        except JiraBoardError as exc:
            return str(exc)
    return None


def validate_jql(
    profile: dict[str, Any] | str, jql: str, *, retry: RetryPolicy | None = None, **options: Any
) -> str | None:
    """None when JIRA accepts the JQL, else JIRA's own message about it."""
    with _client(profile, retry, **options) as client:
        try:
            client.validate_jql(jql)
        except JiraQueryError as exc:
            return str(exc)
    return None

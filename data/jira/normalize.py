"""JIRA issue JSON (Cloud, Data Center or a legacy cache file) turned into the store's rows, once,
for the sync and the legacy migration alike."""

from __future__ import annotations

from sys import intern
from typing import Any

from data.errors import ValidationError
from data.store.issues import NormalizedIssue
from data.timeutil import to_utc_iso


class IssueDataError(ValidationError):
    """An issue object lacks something the store needs; ``json_path`` says where."""

    def __init__(self, json_path: str, problem: str):
        self.json_path = json_path
        self.problem = problem
        super().__init__(f"{json_path}: {problem}")


def _object(value: Any) -> dict[str, Any]:
    """A JSON object as given, or an empty one for anything else (null, a string …)."""
    return value if isinstance(value, dict) else {}


def _name(value: Any) -> str | None:
    if isinstance(value, dict):
        name = value.get("name") or value.get("value") or value.get("key")
        return str(name) if name is not None else None
    return None if value is None else str(value)


def _link(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _points(value: Any, path: str) -> float | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise IssueDataError(path, f"expected a number of story points, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise IssueDataError(path, f"expected a number of story points, got {value!r}") from None


def _timestamp(value: Any, path: str, *, required: bool = False) -> str | None:
    if value in (None, ""):
        if required:
            raise IssueDataError(path, "missing; every issue needs a creation time")
        return None
    try:
        return to_utc_iso(value)
    except ValidationError:
        raise IssueDataError(path, f"expected a date-time, got {value!r}") from None


def normalize_issue(
    raw: Any,
    *,
    points_field: str | None = None,
    flagged_field: str | None = None,
    epic_link_field: str | None = None,
    path: str = "issue",
) -> NormalizedIssue:
    """Turn one JIRA issue object (with or without ``changelog``) into store rows."""
    if not isinstance(raw, dict):
        raise IssueDataError(path, "expected an object")
    key = raw.get("key")
    if not isinstance(key, str) or not key:
        raise IssueDataError(f"{path}.key", "expected the issue key as a string")
    fields = raw.get("fields")
    if not isinstance(fields, dict):
        raise IssueDataError(f"{path}.fields", "expected an object")
    status = _object(fields.get("status"))
    category = _object(status.get("statusCategory"))
    project = _object(fields.get("project"))
    fix_versions = [
        {
            "name": v.get("name"),
            "released": bool(v.get("released")),
            "releaseDate": v.get("releaseDate"),
        }
        for v in fields.get("fixVersions") or []
        if isinstance(v, dict)
    ]
    flagged_value = fields.get(flagged_field) if flagged_field else None
    kept = {
        "fixVersions": fix_versions,
        "labels": [str(x) for x in fields.get("labels") or []],
        "components": [n for n in (_name(c) for c in fields.get("components") or []) if n],
        "resolution": _name(fields.get("resolution")),
        # Cloud's (and every sub-task's) parent, else Data Center's Epic Link (the epic's key).
        "parent": _object(fields.get("parent")).get("key")
        or (_link(fields.get(epic_link_field)) if epic_link_field else None),
        "subtask": bool(_object(fields.get("issuetype")).get("subtask")),
        "flagged": bool(flagged_value),
    }
    changelog = raw.get("changelog")
    transitions = None
    total = 0
    if isinstance(changelog, dict):
        histories = changelog.get("histories") or []
        total = int(changelog.get("total") or len(histories))
        transitions = status_transitions(histories, f"{path}.changelog.histories")
    return NormalizedIssue(
        key=key,
        issue_id=str(raw.get("id") or key),
        project_key=intern(str(project.get("key") or key.rsplit("-", 1)[0])),
        issue_type=intern(_name(fields.get("issuetype")) or ""),
        summary=str(fields.get("summary") or ""),
        status=intern(str(status.get("name") or "")),
        status_category=intern(str(category.get("key") or "")),
        priority=_shared(_name(fields.get("priority"))),
        created=_timestamp(fields.get("created"), f"{path}.fields.created", required=True),  # type: ignore[arg-type]
        updated=_timestamp(fields.get("updated"), f"{path}.fields.updated"),
        resolved=_timestamp(fields.get("resolutiondate"), f"{path}.fields.resolutiondate"),
        points=_points(fields.get(points_field), f"{path}.fields.{points_field}")
        if points_field
        else None,
        fields=kept,
        changelog_total=total,
        transitions=transitions,
    )


def status_transitions(histories: Any, path: str) -> list[tuple[str, str | None, str, str | None]]:
    """Status changes from changelog histories (Cloud sends newest first, Data Center oldest first)."""
    if not isinstance(histories, list):
        raise IssueDataError(path, "expected a list of histories")
    found = []
    for index, history in enumerate(histories):
        if not isinstance(history, dict):
            raise IssueDataError(f"{path}[{index}]", "expected an object")
        items = history.get("items") or []
        at = None  # the history's time, converted at its first status item
        for item in items if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            field = item.get("field")
            if field != "status" and item.get("fieldId", field) != "status":
                continue
            to_status = item.get("toString")
            if not to_status:
                continue
            if at is None:
                at = _created(history.get("created"), path, index)
            found.append(
                (at, _shared(item.get("fromString")), intern(str(to_status)), _history_id(history))
            )
    # Same-instant histories keep JIRA's id order, which is creation order.
    found.sort(key=lambda t: (t[0], _numeric(t[3])))
    return found  # type: ignore[return-value]


def _created(value: Any, path: str, index: int) -> str:
    """A history's time as stored UTC text (``_timestamp``, its path written only to say what
    is wrong: a sync converts ~4 per issue)."""
    if value not in (None, ""):
        try:
            return to_utc_iso(value)
        except ValidationError:
            pass
    return _timestamp(value, f"{path}[{index}].created", required=True)  # type: ignore[return-value]


def _shared(name: Any) -> Any:
    """A status name as one shared string: a 50,000-issue sync holds ~200,000 transitions, each
    naming two of a handful of statuses."""
    return intern(name) if isinstance(name, str) and name else name or None


def _history_id(history: dict[str, Any]) -> str | None:
    value = history.get("id")
    return None if value is None else str(value)


def _numeric(value: str | None) -> int:
    return int(value) if value is not None and value.isdigit() else 0

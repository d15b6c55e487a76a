"""Converting profile and query dicts to table rows and back, shared by every backend.

One place decides what a stored profile or query looks like, so the SQLite, JSON and migration
paths return identical dicts.
"""

from __future__ import annotations

import json
from typing import Any

import orjson

from data.errors import ValidationError
from data.secrets import seal, try_unseal
from data.store.base import PROFILE_COLUMNS, PROFILE_DOCUMENT_FIELDS, QUERY_COLUMNS
from data.timeutil import to_utc_iso, utc_now_iso
from data.validation import validate_id, validate_jql, validate_name

# Keys of a legacy profile.json that are derived elsewhere and not stored as unknown keys.
_DERIVED_PROFILE_KEYS = {"queries"}


def dumps(value: Any) -> str:
    """Compact JSON; NaN, infinities and non-JSON types are refused (SQLite's JSON would be invalid)."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ValidationError(
            f"A value cannot be stored as JSON ({exc}); use strings, finite numbers, lists or objects."
        ) from None


def loads(text: str | None) -> Any:
    """Parse stored JSON; orjson is 2-3x faster on the large JIRA cache documents."""
    if text is None:
        return None
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        # orjson refuses what the stdlib accepts in a few corners (integers beyond 64 bits).
        return json.loads(text)


def profile_row_values(profile: dict[str, Any]) -> tuple[Any, ...]:
    if not isinstance(profile, dict):
        raise ValidationError("A profile must be a JSON object with at least id and name.")
    profile_id = validate_id("profile", profile.get("id"))
    name = validate_name("profile", profile.get("name"))
    now = utc_now_iso()
    documents = []
    for field in PROFILE_DOCUMENT_FIELDS:
        value = profile.get(field) or {}
        if not isinstance(value, dict):
            raise ValidationError(
                f"The profile's {field} must be a JSON object, not {type(value).__name__}."
            )
        if field == "jira_config" and value.get("token"):
            value = {**value, "token": seal(value["token"])}  # sealed when a team key is set
        documents.append(dumps(value))
    extra = {
        k: v
        for k, v in profile.items()
        if k not in PROFILE_COLUMNS
        and k not in PROFILE_DOCUMENT_FIELDS
        and k not in _DERIVED_PROFILE_KEYS
    }
    return (
        profile_id,
        name,
        profile.get("description") or "",
        _timestamp(profile.get("created_at"), now),
        _timestamp(profile.get("last_used"), now),
        int(bool(profile.get("show_milestone"))),
        int(bool(profile.get("show_points"))),
        *documents,
        dumps(extra),
    )


def profile_from_row(row: tuple[Any, ...]) -> dict[str, Any]:
    profile: dict[str, Any] = json.loads(row[12])
    profile.update(
        {
            "id": row[0],
            "name": row[1],
            "description": row[2],
            "created_at": row[3],
            "last_used": row[4],
            "show_milestone": bool(row[5]),
            "show_points": bool(row[6]),
        }
    )
    for offset, field in enumerate(PROFILE_DOCUMENT_FIELDS):
        profile[field] = json.loads(row[7 + offset])
    jira = profile.get("jira_config")
    if isinstance(jira, dict) and isinstance(jira.get("token"), str):
        jira["token"] = try_unseal(jira["token"])
    return profile


def query_row_values(profile_id: str, query: dict[str, Any]) -> tuple[Any, ...]:
    if not isinstance(query, dict):
        raise ValidationError("A query must be a JSON object with at least id, name and jql.")
    validate_id("profile", profile_id)
    query_id = validate_id("query", query.get("id"))
    name = validate_name("query", query.get("name"))
    jql = validate_jql(query.get("jql"))
    now = utc_now_iso()
    extra = {k: v for k, v in query.items() if k not in QUERY_COLUMNS}
    return (
        query_id,
        profile_id,
        name,
        jql,
        query.get("description") or "",
        _timestamp(query.get("created_at"), now),
        _timestamp(query.get("last_used"), now),
        dumps(extra),
    )


def query_from_row(row: tuple[Any, ...]) -> dict[str, Any]:
    query: dict[str, Any] = json.loads(row[7])
    query.update(
        {
            "id": row[0],
            "profile_id": row[1],
            "name": row[2],
            "jql": row[3],
            "description": row[4],
            "created_at": row[5],
            "last_used": row[6],
        }
    )
    return query


def without_last_used(entity: dict[str, Any] | None) -> dict[str, Any] | None:
    # Marking something as used is not a change worth an audit entry.
    return None if entity is None else {k: v for k, v in entity.items() if k != "last_used"}


def _timestamp(value: Any, default: str) -> str:
    return default if value in (None, "") else to_utc_iso(value)

"""Profile and query operations the UI and the CLI share (create, rename, duplicate, delete, switch).

They go through ``get_backend()``, so they work with every storage mode.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from data.errors import ConflictError, NotFoundError, no_profile, no_query
from data.store import get_backend, jira_state
from data.timeutil import utc_now, utc_now_iso
from data.timezones import check_time_zone, is_time_zone, resolve_time_zone, time_zone_reason
from data.validation import slugify, validate_board_id, validate_jql, validate_name

# No deadline: the query's approved plan holds it (issue 18).
DEFAULT_FORECAST_SETTINGS = {
    "pert_factor": 3,
    "data_points_count": 12,
    "milestone": None,
}


KEEP: Any = object()  # update_query: leave the board as it is


def _unique_id(name: str, taken: set[str]) -> str:
    base = slugify(name)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def get_profile(profile_id: str) -> dict[str, Any]:
    profile = get_backend().get_profile(profile_id)
    if profile is None:
        raise no_profile(profile_id)
    return profile


def find_profile(id_or_name: str) -> dict[str, Any]:
    """A profile by id, or else by exact (case-insensitive) name."""
    backend = get_backend()
    profile = backend.get_profile(id_or_name)
    if profile:
        return profile
    matches = [p for p in backend.list_profiles() if p["name"].casefold() == id_or_name.casefold()]
    if not matches:
        raise NotFoundError(f"No profile {id_or_name!r}; run `flowcast profile list` to see them.")
    return matches[0]


def create_profile(
    name: str, settings: dict[str, Any] | None = None, *, profile_id: str | None = None
) -> str:
    """Create a profile and return its id (derived from the name when not given)."""
    backend = get_backend()
    name = validate_name("profile", name)
    existing = backend.list_profiles()
    if any(p["name"].casefold() == name.casefold() for p in existing):
        raise ConflictError(f"A profile named {name!r} already exists; choose another name.")
    new_id = profile_id or _unique_id(name, {p["id"] for p in existing})
    now = utc_now_iso()
    profile = {
        "jira_config": {},
        "field_mappings": {},
        "forecast_settings": dict(DEFAULT_FORECAST_SETTINGS),
        "project_classification": {},
        "flow_type_mappings": {},
        "show_milestone": False,
        "show_points": True,
        **copy.deepcopy(settings or {}),
        "id": new_id,
        "name": name,
        "created_at": now,
        "last_used": now,
    }
    backend.save_profile(profile)
    return new_id


def _merged(profile: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The profile with top-level changes applied (document fields merged one level deep)."""
    profile = copy.deepcopy(profile)
    for key, value in changes.items():
        if key in ("id", "created_at"):
            continue
        if isinstance(value, dict) and isinstance(profile.get(key), dict):
            profile[key] = {**profile[key], **value}
        else:
            profile[key] = value
    return profile


def update_profile(profile_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """Apply top-level changes (document fields are merged one level deep) and save."""
    get_backend().save_profile(_merged(get_profile(profile_id), changes))
    return get_profile(profile_id)


def update_mappings(profile_id: str, changes: dict[str, Any]) -> dict[str, Any]:
    """``update_profile`` for the settings the metrics read: the changed profile must pass
    ``mappings_from_profile`` (its one-sentence ValidationError otherwise), or nothing is saved."""
    from data.metrics.mappings import mappings_from_profile  # pandas: only a settings change

    profile = _merged(get_profile(profile_id), changes)
    mappings_from_profile(profile)
    get_backend().save_profile(profile)
    return get_profile(profile_id)


def record_jira_time_zone(profile_id: str, time_zone: object) -> None:
    """Remember the JIRA user's time zone (``/myself``'s ``timeZone``, read by every sync and
    Test connection) as ``jira_config.user_time_zone``: the metrics use it unless the profile
    overrides it. Saved only when it changed, as JIRA said it (a zone this machine does not know
    is reported by the metrics, not refused here)."""
    if not isinstance(time_zone, str) or not time_zone:
        return
    profile = get_backend().get_profile(profile_id)
    if profile is None or (profile.get("jira_config") or {}).get("user_time_zone") == time_zone:
        return
    update_profile(profile_id, {"jira_config": {"user_time_zone": time_zone}})


def metrics_time_zone(profile: dict[str, Any]) -> dict[str, Any]:
    """The zone the profile's metrics count days in: ``name``, ``source`` (override, jira,
    jira_unknown, default), ``jira`` (the JIRA user's zone as last read) and ``reason``."""
    override = (profile.get("field_mappings") or {}).get("time_zone") or None
    jira_zone = (profile.get("jira_config") or {}).get("user_time_zone") or None
    name, source = resolve_time_zone(override, jira_zone)
    return {
        "name": name,
        "source": source,
        "jira": jira_zone,
        "reason": time_zone_reason(name, source, jira_zone),
    }


def metrics_today(profile: dict[str, Any], now: datetime | None = None) -> date:
    """The day it is (at ``now``, default now) in the profile's metrics time zone: the date its
    downloads are named with, the day its metrics count as today. A zone this machine does not
    know (an override stored by hand) counts as UTC here; the metrics pages say what is wrong."""
    zone = metrics_time_zone(profile)["name"]
    return (now or utc_now()).astimezone(ZoneInfo(zone if is_time_zone(zone) else "UTC")).date()


def set_metrics_time_zone(profile_id: str, time_zone: str | None) -> dict[str, Any]:
    """Override the metrics time zone with an IANA name, or follow the JIRA user's again (None
    or ""); a name this machine does not know is refused with one sentence."""
    if time_zone:
        check_time_zone(time_zone, "The time zone")
    return update_mappings(profile_id, {"field_mappings": {"time_zone": time_zone or None}})


def rename_profile(profile_id: str, new_name: str) -> None:
    update_profile(profile_id, {"name": validate_name("profile", new_name)})


def duplicate_profile(profile_id: str, new_name: str) -> str:
    """Copy a profile's settings and queries (not its fetched data) under a new name."""
    source = get_profile(profile_id)
    settings = {
        k: v for k, v in source.items() if k not in ("id", "name", "created_at", "last_used")
    }
    new_id = create_profile(new_name, settings)
    for query in get_backend().list_queries(profile_id):
        create_query(new_id, query["name"], query["jql"], query.get("description") or "")
    return new_id


def delete_profile(profile_id: str) -> None:
    get_backend().delete_profile(profile_id)


def list_profiles() -> list[dict[str, Any]]:
    return get_backend().list_profiles()


def get_query(profile_id: str, query_id: str) -> dict[str, Any]:
    query = get_backend().get_query(profile_id, query_id)
    if query is None:
        raise no_query(profile_id, query_id)
    return query


def find_query(profile_id: str, id_or_name: str) -> dict[str, Any]:
    backend = get_backend()
    query = backend.get_query(profile_id, id_or_name)
    if query:
        return query
    matches = [
        q for q in backend.list_queries(profile_id) if q["name"].casefold() == id_or_name.casefold()
    ]
    if not matches:
        raise NotFoundError(
            f"No query {id_or_name!r} in profile {profile_id!r}; run "
            f"`flowcast query list --profile {profile_id}` to see them."
        )
    return matches[0]


def create_query(
    profile_id: str, name: str, jql: str, description: str = "", board_id: Any = None
) -> str:
    backend = get_backend()
    get_profile(profile_id)
    name = validate_name("query", name)
    existing = backend.list_queries(profile_id)
    if any(q["name"].casefold() == name.casefold() for q in existing):
        raise ConflictError(
            f"Profile {profile_id!r} already has a query named {name!r}; choose another name."
        )
    query_id = _unique_id(name, {q["id"] for q in existing})
    now = utc_now_iso()
    backend.save_query(
        profile_id,
        {
            "id": query_id,
            "name": name,
            "jql": validate_jql(jql),
            "description": description,
            "board_id": validate_board_id(board_id),
            "created_at": now,
            "last_used": now,
        },
    )
    return query_id


def update_query(
    profile_id: str,
    query_id: str,
    *,
    name: str | None = None,
    jql: str | None = None,
    description: str | None = None,
    board_id: Any = KEEP,
) -> dict[str, Any]:
    """Change what is given; ``board_id`` None (or empty) clears the query's board."""
    query = get_query(profile_id, query_id)
    if name is not None:
        query["name"] = validate_name("query", name)
    if jql is not None:
        query["jql"] = validate_jql(jql)
    if description is not None:
        query["description"] = description
    if board_id is not KEEP:
        query["board_id"] = validate_board_id(board_id)
    get_backend().save_query(profile_id, query)
    return get_query(profile_id, query_id)


def query_board(profile: dict[str, Any], query: dict[str, Any]) -> int | None:
    """The Scrum board whose sprints a query reads: the query's own, else the profile's
    (``jira_config.board_id``), else None."""
    own = validate_board_id(query.get("board_id"))
    if own is not None:
        return own
    return validate_board_id((profile.get("jira_config") or {}).get("board_id"))


def delete_query(profile_id: str, query_id: str) -> None:
    get_backend().delete_query(profile_id, query_id)


def list_queries(profile_id: str) -> list[dict[str, Any]]:
    get_profile(profile_id)
    return get_backend().list_queries(profile_id)


def switch_to(profile_id: str, query_id: str | None = None) -> None:
    """Make a profile (and optionally a query) the active selection and mark them used."""
    get_backend().mark_selected(profile_id, query_id)


@dataclass(frozen=True)
class Selected:
    """What the header shows after a choice: every profile, the chosen profile's queries, the
    selection (a profile and query that exist, or None) and the chosen query's sync state."""

    profiles: list[dict[str, Any]]
    queries: list[dict[str, Any]]
    profile_id: str | None
    query_id: str | None
    sync_state: dict[str, Any] | None


def select(
    wanted_profile: str | None,
    wanted_query: str | None,
    *,
    stored: bool = False,
    remember: bool = True,
) -> Selected:
    """Resolve a choice to a selection that exists (the most recently used profile or query when
    the wanted one is gone; ``stored``: the active selection another tab or run stored) and, with
    ``remember``, make it the active one and mark it used — one session, one small write."""
    backend = get_backend()
    with backend.session() as conn:
        if stored:
            wanted_profile = backend.get_app_state("active_profile_id")
            wanted_query = backend.get_app_state("active_query_id")
        profiles = backend.list_profiles()
        ids = [p["id"] for p in profiles]
        profile_id = wanted_profile if wanted_profile in ids else next(iter(ids), None)
        queries = backend.list_queries(profile_id) if profile_id else []
        query_ids = [q["id"] for q in queries]
        query_id = wanted_query if wanted_query in query_ids else next(iter(query_ids), None)
        state = None
        if profile_id is not None:
            if remember:
                backend.mark_selected(profile_id, query_id)
            if query_id is not None:
                state = jira_state.read_sync_state(conn, profile_id, query_id)
    return Selected(profiles, queries, profile_id, query_id, state)

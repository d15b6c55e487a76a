"""The profile's metrics time zone: which IANA names this machine knows, which zone a profile's
days and ISO weeks are counted in (its override, else the JIRA user's zone, else UTC) and the
sentence that says why. Kept apart from ``data.metrics.mappings`` (which re-exports them) so the
profile manager and a warm ``report --json`` use them without importing pandas.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from data.errors import ValidationError


def is_time_zone(name: Any) -> bool:
    """An IANA zone name this machine's time-zone database knows."""
    if not isinstance(name, str) or not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def check_time_zone(name: Any, key: str) -> str:
    """``name`` if it is a known IANA zone, else one sentence naming ``key``."""
    if not is_time_zone(name):
        raise ValidationError(
            f"{key} is {name!r}, which is not a time zone this machine knows (misspelt, or a "
            "retired IANA name); use one such as Europe/Berlin, America/Chicago or UTC."
        )
    return str(name)


def resolve_time_zone(override: str | None, jira_zone: Any) -> tuple[str, str]:
    """The metrics time zone and its source: the profile's override (``field_mappings.time_zone``)
    if set, else the JIRA user's zone when this machine knows it, else UTC (``jira_unknown`` when
    JIRA named a zone we cannot use, ``default`` when no sync or Test connection read it yet)."""
    if override:
        return override, "override"
    if is_time_zone(jira_zone):
        return str(jira_zone), "jira"
    return "UTC", "jira_unknown" if jira_zone else "default"


def time_zone_reason(zone: str, source: str, jira_zone: str | None) -> str:
    """One sentence: which zone the days and weeks are counted in, and why (the arguments are a
    ``MetricMappings``' ``time_zone``, ``time_zone_source`` and ``jira_time_zone``)."""
    if source == "jira":
        return f"Days and ISO weeks are counted in {zone}, the JIRA user's time zone."
    if source == "override":
        if jira_zone and jira_zone != zone:
            return (
                f"Days and ISO weeks are counted in {zone}, set in Settings; the JIRA user's time "
                f"zone is {jira_zone}, so days near midnight can differ from JIRA's."
            )
        return f"Days and ISO weeks are counted in {zone}, set in Settings."
    if source == "jira_unknown":
        return (
            f"Days and ISO weeks are counted in UTC: JIRA's user time zone {jira_zone!r} is not "
            "one this machine knows; choose a time zone in Settings → Field mappings."
        )
    return (
        "Days and ISO weeks are counted in UTC: the JIRA user's time zone is not known yet (the "
        "next fetch or Test connection reads it); or choose a time zone in Settings → Field mappings."
    )

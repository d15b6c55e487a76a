"""Moving the deadline from the profile's Settings to the approved plans (issue 18): the
approved plan is the deadline's one source, so a profile whose Settings still hold one (made
before, imported from a profile export or migrated from the legacy JSON) keeps it as each of
its queries' approved deadline.

Idempotent; runs at start-up (``data.ops.startup``), after a legacy migration and after a
profile import. Per profile with a
Settings deadline, every query whose approved plan has no deadline gets a plan version with it,
submitted as the Settings' and approved by the migration (``approve_deadline``; audited like
any approval); a query whose approved plan has its own deadline keeps that one. The Settings
deadline is then removed — kept when a query's plan awaits review, so the next start tries
again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from data.metrics.mappings import legacy_deadline
from data.plans.approved import approve_deadline, approved_plan
from data.store import get_backend

logger = logging.getLogger(__name__)

SUBMITTER = "Settings deadline (migrated)"
APPROVER = "flowcast migration"
SUMMARY = "Deadline moved from the profile's Settings: the approved plan holds it now"


@dataclass(frozen=True)
class MovedDeadline:
    profile_id: str
    query_id: str
    deadline: str
    plan_id: str


def move_settings_deadlines(profile_id: str | None = None) -> list[MovedDeadline]:
    """Move every profile's (or one profile's) Settings deadline to its queries' approved
    plans; returns what was moved."""
    backend = get_backend()
    with backend.session():  # one connection for every read and write below
        return _move_settings_deadlines(backend, profile_id)


def _move_settings_deadlines(backend: Any, profile_id: str | None) -> list[MovedDeadline]:
    moved: list[MovedDeadline] = []
    for profile in backend.list_profiles():
        if profile_id is not None and profile["id"] != profile_id:
            continue
        deadline = legacy_deadline(profile)
        if deadline is None:
            continue
        waiting = False
        for query in backend.list_queries(profile["id"]):
            plan = approved_plan(profile["id"], query["id"])
            if plan is not None and plan.deadline:
                continue
            plan_id = approve_deadline(
                profile["id"], query["id"], deadline.isoformat(), SUMMARY,
                submitter=SUBMITTER, approver=APPROVER,
            )  # fmt: skip
            if plan_id is None:
                waiting = True
                logger.warning(
                    "Kept the Settings deadline of profile %s: the plan of query %s awaits "
                    "review; approve or reject it and restart to move the deadline.",
                    profile["id"],
                    query["id"],
                )
                continue
            moved.append(MovedDeadline(profile["id"], query["id"], deadline.isoformat(), plan_id))
        if not waiting:
            settings = {**(profile.get("forecast_settings") or {})}
            settings.pop("deadline", None)
            backend.save_profile({**profile, "forecast_settings": settings})
    return moved


IMPORT_SUBMITTER = "profile export (approved deadline)"
IMPORT_APPROVER = "flowcast import"
IMPORT_SUMMARY = "Deadline of the approved plan in the imported profile export"


def approve_imported_deadlines(profile_id: str, deadlines: dict[str, str]) -> None:
    """After a profile import: each query's approved deadline as the export recorded it (an
    export carries no plans), then the deadline of an older export's Settings."""
    for query_id, deadline in deadlines.items():
        approve_deadline(
            profile_id, query_id, deadline, IMPORT_SUMMARY,
            submitter=IMPORT_SUBMITTER, approver=IMPORT_APPROVER,
        )  # fmt: skip
    move_settings_deadlines(profile_id)


def settings_deadline_for_legacy(profile_id: str, active_query_id: str | None) -> str | None:
    """The one deadline the legacy layout's Settings can hold for a profile: the active query's
    approved deadline when the query is the profile's, else the first query's that has one."""
    queries = [q["id"] for q in get_backend().list_queries(profile_id)]
    if active_query_id in queries:
        queries.remove(active_query_id)
        queries.insert(0, active_query_id)
    for query_id in queries:
        plan = approved_plan(profile_id, query_id)
        if plan is not None and plan.deadline:
            return plan.deadline
    return None

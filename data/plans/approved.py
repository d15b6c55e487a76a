"""A query's approved plan: the version its plan's review approved (the baseline), and the one
source of the query's deadline (issue 18: the Forecast, the health summary, the report, the
snapshots, the weekly review and Settings all read it from here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from data.plans.versions import create_plan, create_version, get_specific_version, list_plans
from data.plans.workflow import approve_version, get_baseline, submit_version
from data.store import get_backend


@dataclass(frozen=True)
class ApprovedPlan:
    """A query's approved plan version: the baseline the pages and the report set against now."""

    plan_id: str
    name: str
    version: int
    approved_at: str  # ISO time of the approval (or of the version, when never reviewed)
    approved_by: str | None
    deadline: str | None  # ISO date
    scope_items: float | None
    scope_points: float | None


def approved_plan(profile_id: str, query_id: str) -> ApprovedPlan | None:
    """The approved version of the query's most recently changed plan, or None."""
    found = list_plans(profile_id, query_id)
    if not found:
        return None
    version = get_baseline(found[0]["id"])
    if version is None:
        return None
    approved = get_specific_version(found[0]["id"], version)
    document = approved["data"]
    target = document.get("scope_target") or {}
    return ApprovedPlan(
        plan_id=found[0]["id"],
        name=found[0]["name"],
        version=version,
        approved_at=approved.get("reviewed_at") or approved["created_at"],
        approved_by=approved.get("reviewed_by"),
        deadline=document.get("deadline"),
        scope_items=target.get("items"),
        scope_points=target.get("points"),
    )


def plan_deadline(plan: ApprovedPlan | None) -> date | None:
    """The approved plan's deadline as a date (None without a plan or a deadline)."""
    return date.fromisoformat(plan.deadline) if plan is not None and plan.deadline else None


def missing_deadline_note(plan: ApprovedPlan | None) -> str:
    """What the pages say where the deadline would show, when the approved plan gives none."""
    if plan is None:
        return "no approved plan: approve one with a deadline on the Plans page"
    return (
        f"the approved plan (version {plan.version}) has no deadline: set one on the Plans page "
        "and approve it"
    )


def approve_deadline(
    profile_id: str,
    query_id: str,
    deadline: str,
    summary: str,
    *,
    submitter: str,
    approver: str,
) -> str | None:
    """Make ``deadline`` the query's approved deadline through the review workflow: a version of
    the query's plan (from its approved version, else its current one; a new plan named after
    the query when it has none) with that deadline, submitted by ``submitter`` and approved by
    ``approver``. Returns the plan id; None, changing nothing, when the plan's current version
    awaits review (it cannot change until someone approves or rejects it)."""
    found = list_plans(profile_id, query_id)
    if not found:
        query = get_backend().get_query(profile_id, query_id) or {"name": query_id}
        document = {"type": "release", "status": "active", "deadline": deadline, "scope_items": []}
        plan_id = create_plan(
            profile_id, query_id, f"{query['name']} plan", document, summary, actor=submitter
        )
    else:
        plan = found[0]
        plan_id = plan["id"]
        if plan["version_status"] == "submitted":
            return None
        base = plan["baseline_version"]
        document = get_specific_version(plan_id, base)["data"] if base else plan["data"]
        written = create_version(
            plan_id, {**document, "deadline": deadline}, summary, actor=submitter
        )
        if written is None and plan["version_status"] != "draft":
            # Unchanged: already approved with it, or rejected as it is (a reviewer's call).
            return plan_id if plan["version_status"] == "approved" else None
    submit_version(plan_id, actor=submitter)
    approve_version(plan_id, notes=summary, actor=approver)
    return plan_id

"""The review workflow of plan versions, revisions with carry-forward, and soft delete.

::

    draft ──submit──▶ submitted ──approve──▶ approved ──(another version approved)──▶ superseded
                          │
                          └──reject──▶ rejected   (revise: a new draft whose parent it is)

Only the current version can be submitted; while it awaits review the plan cannot change. At most
one version per plan is approved — the **baseline** (a partial unique index guarantees it);
approving another supersedes it, and it stays in the history. Every action is written to the
audit log in the same transaction.

Approval by the submitter: refused while more than one user may review plans (enabled team
accounts with the lead or admin role), unless the profile's ``plan_review.submitter_may_approve``
setting allows it; a lone user (locally: no accounts at all) may always approve their own version.
"""

from __future__ import annotations

from typing import Any

from data.db.connection import write_transaction
from data.db.sqlite import Connection
from data.errors import ConflictError, ValidationError, no_profile
from data.plans.artifacts import BASELINE_ARTIFACT, PLANNING_PHASE, approve_artifact
from data.plans.errors import IllegalTransitionError, PlanLockedError, SelfApprovalRefused
from data.plans.plan_document import carry_forward
from data.plans.versions import (
    read_document,
    read_head,
    require_editable,
    require_version,
    resolve_actor,
    write_next_version,
)
from data.store import audit, get_backend
from data.store import plans as store
from data.store import users as users_store
from data.timeutil import utc_now_iso

# action -> (status it requires, status it leads to, past tense for messages)
TRANSITIONS: dict[str, tuple[str, str, str]] = {
    "submit": ("draft", "submitted", "submitted"),
    "approve": ("submitted", "approved", "approved"),
    "reject": ("submitted", "rejected", "rejected"),
}
_HINTS = {
    "draft": "submit it first",
    "submitted": "it is awaiting review; approve or reject it",
    "approved": "revise it to start a new draft",
    "rejected": "revise or edit it to start a new draft",
    "superseded": "revise the plan to start a new draft",
}
MAX_NOTES_LENGTH = 5_000
# The team roles that may review plans (data.team.accounts.ACTIONS["plan"] and above; a test
# keeps the two in step, since this layer may not import the team accounts).
REVIEWER_ROLES = ("lead", "admin")
PLAN_REVIEW_KEY = "plan_review"  # profile setting: {"submitter_may_approve": bool}


def submitter_may_approve(profile: dict[str, Any] | None) -> bool:
    """The profile's setting (default off: with other reviewers, someone else approves)."""
    return bool(((profile or {}).get(PLAN_REVIEW_KEY) or {}).get("submitter_may_approve"))


def set_submitter_may_approve(profile_id: str, allowed: bool) -> bool:
    """Allow or refuse, for the profile's plans, approval by the version's submitter; returns
    the setting now (the change is audited and versioned as every profile change)."""
    backend = get_backend()
    profile = backend.get_profile(profile_id)
    if profile is None:
        raise no_profile(profile_id)
    review = {**(profile.get(PLAN_REVIEW_KEY) or {}), "submitter_may_approve": bool(allowed)}
    backend.save_profile({**profile, PLAN_REVIEW_KEY: review})
    return bool(allowed)


def _check_approver(conn: Connection, head: dict[str, Any], number: int, who: str) -> bool:
    """Refuse the submitter's own approval unless they are the only possible reviewer or the
    profile allows it; True when the approver is the submitter (the audit entry says so)."""
    submitter = (store.read_version(conn, head["id"], number) or {}).get("submitted_by")
    if submitter != who:
        return False
    if users_store.count_active_users_with_roles(conn, REVIEWER_ROLES) <= 1:
        return True
    if submitter_may_approve(get_backend().get_profile(head["profile_id"])):
        return True
    raise SelfApprovalRefused(
        f"{who} submitted version {number} of plan {head['id']!r} and cannot approve it too "
        "while others can review it; ask another lead or admin to approve it, or an admin to "
        "turn on 'Submitters may approve their own plans' in Settings."
    )


def _notes(notes: Any, *, required: bool) -> str:
    if notes is None:
        notes = ""
    if not isinstance(notes, str) or len(notes) > MAX_NOTES_LENGTH:
        raise ValidationError(f"Review notes are a text of at most {MAX_NOTES_LENGTH} characters.")
    if required and not notes.strip():
        raise ValidationError("A rejection needs review notes; say what must change.")
    return notes.strip()


def _transition(
    plan_id: str,
    version: int | None,
    action: str,
    notes: str,
    actor: str | None,
) -> dict[str, Any]:
    required, target, past = TRANSITIONS[action]
    who, now = resolve_actor(actor), utc_now_iso()
    with get_backend().session() as c, write_transaction(c):
        head = read_head(c, plan_id)
        if head["is_deleted"]:
            raise PlanLockedError(f"Plan {plan_id!r} is deleted; restore it first.")
        number = head["version"] if version is None else require_version(c, plan_id, version)
        status = store.version_status(c, plan_id, number)
        if status != required:
            raise IllegalTransitionError(
                f"Version {number} of plan {plan_id!r} is {status}, and only a {required} version "
                f"can be {past}; {_HINTS[status]}."
            )
        if action == "submit" and number != head["version"]:
            raise IllegalTransitionError(
                f"Version {number} of plan {plan_id!r} is an old draft; only the current version "
                f"({head['version']}) can be submitted."
            )
        previous_baseline, self_approved = None, False
        if action == "approve":
            self_approved = _check_approver(c, head, number, who)
        if action == "submit":
            store.mark_submitted(c, plan_id, number, now, who)
        if action == "approve":
            # Supersede first: the partial unique index allows one approved version at a time.
            previous_baseline = store.supersede_approved(c, plan_id)
        if action in ("approve", "reject"):
            digest = store.record_review(c, plan_id, number, target, now, who, notes)
        if action == "approve":
            approve_artifact(
                head["profile_id"],
                head["query_id"],
                PLANNING_PHASE,
                BASELINE_ARTIFACT,
                plan_id=plan_id,
                reference_table="plan_versions",
                reference_id=plan_id,
                reference_version=number,
                content_hash=digest,
                notes=notes,
                actor=who,
            )
        result = {
            "plan_id": plan_id,
            "version": number,
            "version_status": target,
            "superseded_version": previous_baseline,
        }
        audit.record(
            c,
            "plan",
            plan_id,
            action,
            {"version": number, "version_status": status},
            {**result, "notes": notes, **({"self_approved": True} if self_approved else {})},
            actor=who,
        )
    return result


def submit_version(
    plan_id: str,
    version: int | None = None,
    notes: str | None = None,
    *,
    actor: str | None = None,
) -> dict[str, Any]:
    """Send the current draft for review (draft → submitted)."""
    return _transition(plan_id, version, "submit", _notes(notes, required=False), actor)


def approve_version(
    plan_id: str,
    version: int | None = None,
    notes: str | None = None,
    *,
    actor: str | None = None,
) -> dict[str, Any]:
    """Approve a submitted version; it becomes the baseline and the previous baseline is superseded."""
    return _transition(plan_id, version, "approve", _notes(notes, required=False), actor)


def reject_version(
    plan_id: str,
    version: int | None = None,
    notes: str | None = None,
    *,
    actor: str | None = None,
) -> dict[str, Any]:
    """Reject a submitted version; review notes are required (they say what must change)."""
    return _transition(plan_id, version, "reject", _notes(notes, required=True), actor)


def get_baseline(plan_id: str) -> int | None:
    """The approved version's number, or None when nothing is approved yet."""
    with get_backend().session() as c:
        read_head(c, plan_id)
        return store.approved_version(c, plan_id)


def start_revision(
    plan_id: str,
    from_version: int | None = None,
    change_summary: str | None = None,
    *,
    actor: str | None = None,
) -> int | None:
    """Start a new draft from ``from_version`` (default: the baseline, else the current version).

    From an approved (or superseded) version, scope items are carried forward: approved ones
    stay approved and pending ones stay pending, each with ``carried_from``; rejected ones are
    dropped. From any other version the document is copied as it is. Returns the new version, or
    None when the result equals the current document (then edit it with ``create_version``).
    """
    who = resolve_actor(actor)
    with get_backend().session() as c, write_transaction(c):
        head = read_head(c, plan_id)
        require_editable(head)
        if from_version is None:
            approved = store.approved_version(c, plan_id)
            base = head["version"] if approved is None else approved
        else:
            base = require_version(c, plan_id, from_version)
        status = store.version_status(c, plan_id, base)
        document = read_document(c, plan_id, base)
        if status in ("approved", "superseded"):
            document = carry_forward(document, base)
        summary = (change_summary or "").strip() or f"Revision of version {base}"
        return write_next_version(c, head, document, summary, base, who, "revise")


def delete_plan(plan_id: str, *, actor: str | None = None) -> None:
    """Soft-delete: hidden from lists and search, history and metrics kept, restorable."""
    who, now = resolve_actor(actor), utc_now_iso()
    with get_backend().session() as c, write_transaction(c):
        head = read_head(c, plan_id)
        if head["is_deleted"]:
            raise ConflictError(f"Plan {plan_id!r} is already deleted.")
        store.mark_deleted(c, plan_id, now, who)
        audit.record(
            c, "plan", plan_id, "delete", {"is_deleted": False}, {"is_deleted": True}, actor=who
        )


def restore_plan(plan_id: str, *, actor: str | None = None) -> None:
    """Undo a soft delete (refused if a live plan of the query took its name meanwhile)."""
    who = resolve_actor(actor)
    with get_backend().session() as c, write_transaction(c):
        head = read_head(c, plan_id)
        if not head["is_deleted"]:
            raise ConflictError(f"Plan {plan_id!r} is not deleted; there is nothing to restore.")
        if not store.mark_restored(c, plan_id):
            raise ConflictError(
                f"Query {head['query_id']!r} has another plan named {head['name']!r}; rename or "
                "delete that one before restoring this."
            )
        audit.record(
            c, "plan", plan_id, "restore", {"is_deleted": True}, {"is_deleted": False}, actor=who
        )

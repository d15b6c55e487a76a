"""The approved artifacts registry: one approved artifact per (query or plan, phase, artifact type).

Two kinds exist today:

- the plan **baseline** — phase ``planning``, type ``baseline``, referencing ``plan_versions``
  (written by ``approve_version``);
- a **signed-off week** — phase ``weekly_review``, type the week key (``2026-W47``), referencing
  the week's ``metrics_snapshots`` (written by ``sign_off_week``).

Each records the content hash of what was approved, so a later change to it is visible
(``get_week_sign_off(...)["snapshot_changed"]``). Approving again replaces the entry; the old one
stays in the audit log.
"""

from __future__ import annotations

import re
from typing import Any

from data.db.connection import write_transaction
from data.db.sqlite import Connection
from data.errors import NotFoundError, ValidationError
from data.store import approved_artifacts as store
from data.store import audit, get_backend
from data.store.documents import canonical_json, content_hash
from data.store.plans import query_exists
from data.timeutil import utc_now_iso, validate_week_key
from data.validation import validate_id

PLANNING_PHASE = "planning"
BASELINE_ARTIFACT = "baseline"
WEEKLY_REVIEW_PHASE = "weekly_review"
REFERENCE_TABLES = ("plan_versions", "metrics_snapshots")
_PHASE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_ARTIFACT_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")


def _entity_id(profile_id: str, query_id: str, plan_id: str | None, phase: str, kind: str) -> str:
    return f"{profile_id}/{query_id}/{plan_id or '-'}/{phase}/{kind}"


def _validate_key(phase: Any, artifact_type: Any) -> None:
    if not isinstance(phase, str) or not _PHASE_RE.match(phase):
        raise ValidationError(
            f"{phase!r} is not a phase name; use lowercase letters, digits and _, e.g. weekly_review."
        )
    if not isinstance(artifact_type, str) or not _ARTIFACT_TYPE_RE.match(artifact_type):
        raise ValidationError(
            f"{artifact_type!r} is not an artifact type; use letters, digits, '_', '.', ':' or '-', "
            "e.g. baseline or 2026-W47."
        )


def _require_reference(
    conn: Connection,
    profile_id: str,
    query_id: str,
    plan_id: str | None,
    reference_table: str,
    reference_id: str,
    reference_version: int | None,
) -> None:
    """Refuse to approve something that does not exist (or belongs to another query)."""
    if plan_id is not None and not store.plan_in_query(conn, plan_id, profile_id, query_id):
        raise NotFoundError(f"Query {query_id!r} has no plan {plan_id!r}; check the plan id.")
    if not store.reference_exists(
        conn, profile_id, query_id, reference_table, reference_id, reference_version
    ):
        version = "" if reference_version is None else f" version {reference_version}"
        raise NotFoundError(
            f"There is no {reference_table} entry {reference_id!r}{version} in query {query_id!r} "
            "to approve; check the reference."
        )


def approve_artifact(
    profile_id: str,
    query_id: str,
    phase: str,
    artifact_type: str,
    *,
    reference_table: str,
    reference_id: str,
    content_hash: str,
    reference_version: int | None = None,
    plan_id: str | None = None,
    notes: str = "",
    actor: str | None = None,
) -> dict[str, Any]:
    """Register (or replace) the approved artifact for this key and return it."""
    _validate_key(phase, artifact_type)
    if reference_table not in REFERENCE_TABLES:
        raise ValidationError(
            f"{reference_table!r} cannot hold approved artifacts; use one of {', '.join(REFERENCE_TABLES)}."
        )
    who = audit.current_actor() if actor is None else actor
    with get_backend().session() as c, write_transaction(c):
        if not query_exists(c, profile_id, query_id):
            raise NotFoundError(
                f"No query {query_id!r} in profile {profile_id!r}; pick one of the profile's queries."
            )
        _require_reference(
            c, profile_id, query_id, plan_id, reference_table, reference_id, reference_version
        )
        old = store.read(c, profile_id, query_id, plan_id, phase, artifact_type)
        if old is not None:
            store.delete(c, old["id"])
        store.insert(
            c,
            profile_id,
            query_id,
            plan_id,
            phase,
            artifact_type,
            reference_table=reference_table,
            reference_id=reference_id,
            reference_version=reference_version,
            content_hash=content_hash,
            approved_at=utc_now_iso(),
            approved_by=who,
            notes=notes or "",
        )
        new = store.read(c, profile_id, query_id, plan_id, phase, artifact_type)
        audit.record(
            c,
            "approved_artifact",
            _entity_id(profile_id, query_id, plan_id, phase, artifact_type),
            "approve",
            old,
            new,
            actor=who,
        )
    assert new is not None
    return new


def get_approved_artifact(
    profile_id: str,
    query_id: str,
    phase: str,
    artifact_type: str,
    *,
    plan_id: str | None = None,
) -> dict[str, Any] | None:
    """The approved artifact for this key, or None."""
    _validate_key(phase, artifact_type)
    with get_backend().session() as c:
        return store.read(c, profile_id, query_id, plan_id, phase, artifact_type)


def list_approved_artifacts(
    profile_id: str,
    query_id: str | None = None,
    *,
    phase: str | None = None,
    plan_id: str | None = None,
) -> list[dict[str, Any]]:
    """Approved artifacts of a profile, optionally of one query, phase or plan; newest key first."""
    with get_backend().session() as c:
        return store.list_artifacts(c, profile_id, query_id, phase, plan_id)


def _snapshot_hash(conn: Connection, profile_id: str, query_id: str, week: str) -> str | None:
    snapshot = store.week_snapshot(conn, profile_id, query_id, week)
    if not snapshot:
        return None
    return content_hash(canonical_json(snapshot))


def sign_off_week(
    profile_id: str,
    query_id: str,
    week: str,
    notes: str = "",
    *,
    actor: str | None = None,
) -> dict[str, Any]:
    """Sign off a week's metrics snapshot (the weekly review) and return the artifact.

    Signing again re-approves the current snapshot: new ``notes`` replace the earlier ones, empty
    ``notes`` keep them. The result also says ``re_signed`` (the week was signed off before) and
    ``notes_kept`` (the earlier, non-empty notes were kept).
    """
    validate_id("profile", profile_id)
    validate_id("query", query_id)
    validate_week_key(week)
    with get_backend().session() as c, write_transaction(c):
        digest = _snapshot_hash(c, profile_id, query_id, week)
        if digest is None:
            raise NotFoundError(
                f"Query {query_id!r} has no metrics snapshot for {week}; take that week's snapshot "
                "before signing it off."
            )
        earlier = store.read(c, profile_id, query_id, None, WEEKLY_REVIEW_PHASE, week)
        earlier_notes = (earlier or {}).get("approval_notes") or ""
        notes_kept = not (notes or "").strip() and bool(earlier_notes)
        signed = approve_artifact(
            profile_id,
            query_id,
            WEEKLY_REVIEW_PHASE,
            week,
            reference_table="metrics_snapshots",
            reference_id=week,
            content_hash=digest,
            notes=earlier_notes if notes_kept else notes,
            actor=actor,
        )
    return {**signed, "re_signed": earlier is not None, "notes_kept": notes_kept}


def get_week_sign_off(profile_id: str, query_id: str, week: str) -> dict[str, Any] | None:
    """The week's sign-off with ``snapshot_changed`` (True if the snapshot differs now), or None."""
    validate_week_key(week)
    with get_backend().session() as c:
        artifact = store.read(c, profile_id, query_id, None, WEEKLY_REVIEW_PHASE, week)
        if artifact is None:
            return None
        artifact["snapshot_changed"] = (
            _snapshot_hash(c, profile_id, query_id, week) != artifact["content_hash"]
        )
    return artifact

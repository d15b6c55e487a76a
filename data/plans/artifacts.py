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

import json
import re
from typing import Any

from data.db.connection import use_connection, write_transaction
from data.db.sqlite import Connection
from data.errors import NotFoundError, ValidationError
from data.store import audit
from data.store.documents import canonical_json, content_hash
from data.timeutil import utc_now_iso, validate_week_key
from data.validation import validate_id

PLANNING_PHASE = "planning"
BASELINE_ARTIFACT = "baseline"
WEEKLY_REVIEW_PHASE = "weekly_review"
REFERENCE_TABLES = ("plan_versions", "metrics_snapshots")
_PHASE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_ARTIFACT_TYPE_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
_COLUMNS = (
    "id, profile_id, query_id, plan_id, phase, artifact_type, reference_table, reference_id, "
    "reference_version, content_hash, approved_at, approved_by, approval_notes"
)


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


def _read(
    conn: Connection,
    profile_id: str,
    query_id: str,
    plan_id: str | None,
    phase: str,
    artifact_type: str,
) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM approved_artifacts WHERE profile_id = ? AND query_id = ? "  # noqa: S608 - fixed column list
        "AND coalesce(plan_id, '') = ? AND phase = ? AND artifact_type = ?",
        (profile_id, query_id, plan_id or "", phase, artifact_type),
    ).fetchone()
    return None if row is None else dict(row)


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
    if (
        plan_id is not None
        and not conn.execute(
            "SELECT 1 FROM plans WHERE id = ? AND profile_id = ? AND query_id = ?",
            (plan_id, profile_id, query_id),
        ).fetchone()
    ):
        raise NotFoundError(f"Query {query_id!r} has no plan {plan_id!r}; check the plan id.")
    if reference_table == "plan_versions":
        found = conn.execute(
            "SELECT 1 FROM plan_versions v JOIN plans p ON p.id = v.plan_id WHERE v.plan_id = ? "
            "AND v.version = ? AND p.profile_id = ? AND p.query_id = ?",
            (reference_id, reference_version, profile_id, query_id),
        ).fetchone()
    else:
        found = conn.execute(
            "SELECT 1 FROM metrics_snapshots WHERE profile_id = ? AND query_id = ? "
            "AND snapshot_date = ?",
            (profile_id, query_id, reference_id),
        ).fetchone()
    if not found:
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
    conn: Connection | None = None,
) -> dict[str, Any]:
    """Register (or replace) the approved artifact for this key and return it."""
    _validate_key(phase, artifact_type)
    if reference_table not in REFERENCE_TABLES:
        raise ValidationError(
            f"{reference_table!r} cannot hold approved artifacts; use one of {', '.join(REFERENCE_TABLES)}."
        )
    who = audit.current_actor() if actor is None else actor
    with use_connection(conn) as c, write_transaction(c):
        if not c.execute(
            "SELECT 1 FROM queries WHERE profile_id = ? AND id = ?", (profile_id, query_id)
        ).fetchone():
            raise NotFoundError(
                f"No query {query_id!r} in profile {profile_id!r}; pick one of the profile's queries."
            )
        _require_reference(
            c, profile_id, query_id, plan_id, reference_table, reference_id, reference_version
        )
        old = _read(c, profile_id, query_id, plan_id, phase, artifact_type)
        if old is not None:
            c.execute("DELETE FROM approved_artifacts WHERE id = ?", (old["id"],))
        c.execute(
            "INSERT INTO approved_artifacts (profile_id, query_id, plan_id, phase, artifact_type, "
            "reference_table, reference_id, reference_version, content_hash, approved_at, approved_by, "
            "approval_notes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                profile_id,
                query_id,
                plan_id,
                phase,
                artifact_type,
                reference_table,
                reference_id,
                reference_version,
                content_hash,
                utc_now_iso(),
                who,
                notes or "",
            ),
        )
        new = _read(c, profile_id, query_id, plan_id, phase, artifact_type)
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
    conn: Connection | None = None,
) -> dict[str, Any] | None:
    """The approved artifact for this key, or None."""
    _validate_key(phase, artifact_type)
    with use_connection(conn) as c:
        return _read(c, profile_id, query_id, plan_id, phase, artifact_type)


def list_approved_artifacts(
    profile_id: str,
    query_id: str | None = None,
    *,
    phase: str | None = None,
    plan_id: str | None = None,
    conn: Connection | None = None,
) -> list[dict[str, Any]]:
    """Approved artifacts of a profile, optionally of one query, phase or plan; newest key first."""
    with use_connection(conn) as c:
        rows = c.execute(
            f"SELECT {_COLUMNS} FROM approved_artifacts WHERE profile_id = ?1 "  # noqa: S608 - fixed column list
            "AND (?2 IS NULL OR query_id = ?2) AND (?3 IS NULL OR phase = ?3) "
            "AND (?4 IS NULL OR plan_id = ?4) ORDER BY query_id, phase, artifact_type DESC",
            (profile_id, query_id, phase, plan_id),
        ).fetchall()
    return [dict(r) for r in rows]


def _snapshot_hash(conn: Connection, profile_id: str, query_id: str, week: str) -> str | None:
    rows = conn.execute(
        "SELECT metric_type, json(metrics), json(forecast) FROM metrics_snapshots "
        "WHERE profile_id = ? AND query_id = ? AND snapshot_date = ? ORDER BY metric_type",
        (profile_id, query_id, week),
    ).fetchall()
    if not rows:
        return None
    snapshot = [
        {
            "metric_type": r[0],
            "metrics": json.loads(r[1]),
            "forecast": None if r[2] is None else json.loads(r[2]),
        }
        for r in rows
    ]
    return content_hash(canonical_json(snapshot))


def sign_off_week(
    profile_id: str,
    query_id: str,
    week: str,
    notes: str = "",
    *,
    actor: str | None = None,
    conn: Connection | None = None,
) -> dict[str, Any]:
    """Sign off a week's metrics snapshot (the weekly review) and return the artifact.

    Signing again re-approves the current snapshot: new ``notes`` replace the earlier ones, empty
    ``notes`` keep them. The result also says ``re_signed`` (the week was signed off before) and
    ``notes_kept`` (the earlier, non-empty notes were kept).
    """
    validate_id("profile", profile_id)
    validate_id("query", query_id)
    validate_week_key(week)
    with use_connection(conn) as c, write_transaction(c):
        digest = _snapshot_hash(c, profile_id, query_id, week)
        if digest is None:
            raise NotFoundError(
                f"Query {query_id!r} has no metrics snapshot for {week}; take that week's snapshot "
                "before signing it off."
            )
        earlier = _read(c, profile_id, query_id, None, WEEKLY_REVIEW_PHASE, week)
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
            conn=c,
        )
    return {**signed, "re_signed": earlier is not None, "notes_kept": notes_kept}


def get_week_sign_off(
    profile_id: str, query_id: str, week: str, *, conn: Connection | None = None
) -> dict[str, Any] | None:
    """The week's sign-off with ``snapshot_changed`` (True if the snapshot differs now), or None."""
    validate_week_key(week)
    with use_connection(conn) as c:
        artifact = _read(c, profile_id, query_id, None, WEEKLY_REVIEW_PHASE, week)
        if artifact is None:
            return None
        artifact["snapshot_changed"] = (
            _snapshot_hash(c, profile_id, query_id, week) != artifact["content_hash"]
        )
    return artifact

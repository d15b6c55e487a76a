"""SQL of the approved artifacts registry (``approved_artifacts``) and of what it references (a
plan version, a week's metrics snapshots); the rules live in ``data.plans.artifacts``.

Functions run on the caller's connection, writes inside the caller's ``write_transaction``.
"""

from __future__ import annotations

import json
from typing import Any

from data.db.sqlite import Connection

_COLUMNS = (
    "id, profile_id, query_id, plan_id, phase, artifact_type, reference_table, reference_id, "
    "reference_version, content_hash, approved_at, approved_by, approval_notes"
)


def read(
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


def list_artifacts(
    conn: Connection,
    profile_id: str,
    query_id: str | None,
    phase: str | None,
    plan_id: str | None,
) -> list[dict[str, Any]]:
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM approved_artifacts WHERE profile_id = ?1 "  # noqa: S608 - fixed column list
        "AND (?2 IS NULL OR query_id = ?2) AND (?3 IS NULL OR phase = ?3) "
        "AND (?4 IS NULL OR plan_id = ?4) ORDER BY query_id, phase, artifact_type DESC",
        (profile_id, query_id, phase, plan_id),
    ).fetchall()
    return [dict(r) for r in rows]


def delete(conn: Connection, artifact_id: int) -> None:
    conn.execute("DELETE FROM approved_artifacts WHERE id = ?", (artifact_id,))


def insert(
    conn: Connection,
    profile_id: str,
    query_id: str,
    plan_id: str | None,
    phase: str,
    artifact_type: str,
    *,
    reference_table: str,
    reference_id: str,
    reference_version: int | None,
    content_hash: str,
    approved_at: str,
    approved_by: str,
    notes: str,
) -> None:
    conn.execute(
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
            approved_at,
            approved_by,
            notes,
        ),
    )


def plan_in_query(conn: Connection, plan_id: str, profile_id: str, query_id: str) -> bool:
    return (
        conn.execute(
            "SELECT 1 FROM plans WHERE id = ? AND profile_id = ? AND query_id = ?",
            (plan_id, profile_id, query_id),
        ).fetchone()
        is not None
    )


def reference_exists(
    conn: Connection,
    profile_id: str,
    query_id: str,
    reference_table: str,
    reference_id: str,
    reference_version: int | None,
) -> bool:
    """Whether the plan version (``plan_versions``) or the week's snapshot
    (``metrics_snapshots``) exists in this query."""
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
    return found is not None


def week_snapshot(
    conn: Connection, profile_id: str, query_id: str, week: str
) -> list[dict[str, Any]]:
    """The week's stored snapshots, one per metric type in its order (empty when none)."""
    rows = conn.execute(
        "SELECT metric_type, json(metrics), json(forecast) FROM metrics_snapshots "
        "WHERE profile_id = ? AND query_id = ? AND snapshot_date = ? ORDER BY metric_type",
        (profile_id, query_id, week),
    ).fetchall()
    return [
        {
            "metric_type": r[0],
            "metrics": json.loads(r[1]),
            "forecast": None if r[2] is None else json.loads(r[2]),
        }
        for r in rows
    ]

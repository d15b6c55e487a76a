"""Versioned plan documents: create, new versions, read, history, rollback, diff, lineage.

Every version is a row of ``plan_versions`` (immutable content, SHA-256 of its canonical JSON);
``plans`` holds the plan's identity and a copy of the current document for search. Writes run in
one ``BEGIN IMMEDIATE`` transaction, so two writers never both read version N and write N + 1:
the second waits for the first, then sees N + 1 and writes N + 2.

Every function takes an optional ``conn`` to share one connection (one per callback or command);
without it a fresh connection is opened.
"""

from __future__ import annotations

import json
from typing import Any

from data.db.connection import use_connection, write_transaction
from data.db.sqlite import Connection, IntegrityError, Row
from data.errors import ConflictError, NotFoundError, ValidationError
from data.plans.errors import PlanLockedError
from data.plans.plan_document import validate_plan_document
from data.store import audit
from data.store.documents import canonical_json, content_hash, diff_documents
from data.timeutil import utc_now_iso
from data.validation import slugify, validate_id, validate_name

MAX_HISTORY_LIMIT = 10_000

PLAN_SELECT = (
    "SELECT p.id, p.profile_id, p.query_id, p.name, p.version, p.content_hash, json(p.data) AS data, "
    "p.created_at, p.created_by, p.updated_at, p.is_deleted, p.deleted_at, p.deleted_by, "
    "v.version_status, v.parent_version, v.change_summary, "
    "(SELECT a.version FROM plan_versions a WHERE a.plan_id = p.id "
    " AND a.version_status = 'approved') AS baseline_version "
    "FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version "
)
_VERSION_COLUMNS = (
    "plan_id, version, content_hash, change_summary, parent_version, version_status, created_at, "
    "created_by, submitted_at, submitted_by, reviewed_at, reviewed_by, review_notes, archived_at"
)


def resolve_actor(actor: str | None) -> str:
    return audit.current_actor() if actor is None else actor


def plan_from_row(row: Row) -> dict[str, Any]:
    plan = dict(row)
    plan["data"] = json.loads(plan["data"])
    plan["is_deleted"] = bool(plan["is_deleted"])
    return plan


def _missing_plan(plan_id: str) -> NotFoundError:
    return NotFoundError(f"No plan {plan_id!r}; check the plan id in the list of plans.")


def read_head(conn: Connection, plan_id: str) -> Row:
    """The plan's row with its current version's status (raises NotFoundError)."""
    row = conn.execute(
        "SELECT p.id, p.profile_id, p.query_id, p.name, p.version, p.content_hash, p.is_deleted, "
        "v.version_status FROM plans p JOIN plan_versions v ON v.plan_id = p.id AND v.version = p.version "
        "WHERE p.id = ?",
        (plan_id,),
    ).fetchone()
    if row is None:
        raise _missing_plan(plan_id)
    return row


def require_editable(head: Row) -> None:
    """Refuse changes to a deleted plan or one whose current version is awaiting review."""
    if head["is_deleted"]:
        raise PlanLockedError(f"Plan {head['id']!r} is deleted; restore it before changing it.")
    if head["version_status"] == "submitted":
        raise PlanLockedError(
            f"Version {head['version']} of plan {head['id']!r} is awaiting review; approve or reject "
            "it before changing the plan."
        )


def require_version(conn: Connection, plan_id: str, version: Any) -> int:
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValidationError(f"{version!r} is not a version number; use a whole number from 1.")
    if not conn.execute(
        "SELECT 1 FROM plan_versions WHERE plan_id = ? AND version = ?", (plan_id, version)
    ).fetchone():
        raise NotFoundError(
            f"Plan {plan_id!r} has no version {version}; pick one from its version history."
        )
    return version


def _new_plan_id(conn: Connection, name: str) -> str:
    base = slugify(name)
    candidate, n = base, 2
    while conn.execute("SELECT 1 FROM plans WHERE id = ?", (candidate,)).fetchone():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def create_plan(
    profile_id: str,
    query_id: str,
    name: str,
    data: dict[str, Any],
    change_summary: str | None = None,
    *,
    actor: str | None = None,
    conn: Connection | None = None,
) -> str:
    """Create a plan for a query with ``data`` as draft version 1; return the new plan's id.

    ``status`` defaults to ``planned``; ``name`` is written into the document. Version 1's change
    summary is ``change_summary``, or "Created" when it is empty.
    """
    validate_id("profile", profile_id)
    validate_id("query", query_id)
    name = validate_name("plan", name)
    if not isinstance(data, dict):
        raise ValidationError(
            'A plan must be a JSON object with at least a type, e.g. {"type": "release"}.'
        )
    document = validate_plan_document({"status": "planned", **data, "name": name})
    summary = _summary(change_summary) or "Created"
    canonical = canonical_json(document)
    digest = content_hash(canonical)
    now, who = utc_now_iso(), resolve_actor(actor)
    with use_connection(conn) as c, write_transaction(c):
        if not c.execute(
            "SELECT 1 FROM queries WHERE profile_id = ? AND id = ?", (profile_id, query_id)
        ).fetchone():
            raise NotFoundError(
                f"No query {query_id!r} in profile {profile_id!r}; pick one of the profile's queries."
            )
        plan_id = _new_plan_id(c, name)
        try:
            c.execute(
                "INSERT INTO plans (id, profile_id, query_id, name, data, version, content_hash, "
                "created_at, created_by, updated_at) VALUES (?, ?, ?, ?, jsonb(?), 1, ?, ?, ?, ?)",
                (plan_id, profile_id, query_id, name, canonical, digest, now, who, now),
            )
        except IntegrityError:
            raise ConflictError(
                f"Query {query_id!r} already has a plan named {name!r}; choose another name."
            ) from None
        c.execute(
            "INSERT INTO plan_versions (plan_id, version, data, content_hash, change_summary, "
            "created_at, created_by) VALUES (?, 1, jsonb(?), ?, ?, ?, ?)",
            (plan_id, canonical, digest, summary, now, who),
        )
        audit.record(
            c,
            "plan",
            plan_id,
            "create",
            None,
            {"profile_id": profile_id, "query_id": query_id, "name": name, "version": 1},
            actor=who,
        )
    return plan_id


def write_next_version(
    conn: Connection,
    head: Row,
    document: dict[str, Any],
    change_summary: str,
    parent_version: int,
    actor: str,
    action: str,
) -> int | None:
    """Inside a write transaction: append the next version unless the content is unchanged."""
    canonical = canonical_json(document)
    digest = content_hash(canonical)
    if digest == head["content_hash"]:
        return None
    require_editable(head)
    version, now = head["version"] + 1, utc_now_iso()
    conn.execute(
        "UPDATE plan_versions SET archived_at = ? WHERE plan_id = ? AND version = ?",
        (now, head["id"], head["version"]),
    )
    conn.execute(
        "INSERT INTO plan_versions (plan_id, version, data, content_hash, change_summary, "
        "parent_version, created_at, created_by) VALUES (?, ?, jsonb(?), ?, ?, ?, ?, ?)",
        (head["id"], version, canonical, digest, change_summary, parent_version, now, actor),
    )
    try:
        conn.execute(
            "UPDATE plans SET data = jsonb(?), version = ?, content_hash = ?, name = ?, "
            "updated_at = ? WHERE id = ?",
            (canonical, version, digest, document["name"], now, head["id"]),
        )
    except IntegrityError:
        raise ConflictError(
            f"Query {head['query_id']!r} already has a plan named {document['name']!r}; "
            "choose another name."
        ) from None
    audit.record(
        conn,
        "plan",
        head["id"],
        action,
        {"version": head["version"], "content_hash": head["content_hash"]},
        {
            "version": version,
            "content_hash": digest,
            "parent_version": parent_version,
            "change_summary": change_summary,
        },
        actor=actor,
    )
    return version


def _summary(value: Any) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > 1_000:
        raise ValidationError("A change summary is a text of at most 1,000 characters.")
    return value.strip()


def create_version(
    plan_id: str,
    data: dict[str, Any],
    change_summary: str | None = None,
    *,
    actor: str | None = None,
    parent_version: int | None = None,
    conn: Connection | None = None,
) -> int | None:
    """Store ``data`` as the plan's next (draft) version and return its number.

    Returns None and writes nothing when the content equals the current version's. The parent is
    the current version unless ``parent_version`` names another (e.g. revising a rejected one).
    Refused while the plan is deleted or its current version awaits review.
    """
    document = validate_plan_document(data)
    summary = _summary(change_summary)
    who = resolve_actor(actor)
    with use_connection(conn) as c, write_transaction(c):
        head = read_head(c, plan_id)
        parent = (
            head["version"]
            if parent_version is None
            else require_version(c, plan_id, parent_version)
        )
        return write_next_version(c, head, document, summary, parent, who, "version")


def get_current_plan(plan_id: str, *, conn: Connection | None = None) -> dict[str, Any]:
    """The plan with its current document, status of the current version and baseline version.

    Deleted plans are returned too (``is_deleted``), so they can be shown and restored.
    """
    with use_connection(conn) as c:
        row = c.execute(PLAN_SELECT + "WHERE p.id = ?", (plan_id,)).fetchone()
    if row is None:
        raise _missing_plan(plan_id)
    return plan_from_row(row)


def list_plans(
    profile_id: str,
    query_id: str | None = None,
    *,
    include_deleted: bool = False,
    conn: Connection | None = None,
) -> list[dict[str, Any]]:
    """A profile's (or one query's) plans, most recently changed first; deleted ones hidden."""
    with use_connection(conn) as c:
        rows = c.execute(
            PLAN_SELECT + "WHERE p.profile_id = ? AND (? IS NULL OR p.query_id = ?) "
            "AND (? OR p.is_deleted = 0) ORDER BY p.updated_at DESC, p.id DESC",
            (profile_id, query_id, query_id, int(include_deleted)),
        ).fetchall()
    return [plan_from_row(r) for r in rows]


def _version_from_row(row: Row, current: int) -> dict[str, Any]:
    version = dict(row)
    if "data" in version:
        version["data"] = json.loads(version["data"])
    version["is_current"] = version["version"] == current
    return version


def get_specific_version(
    plan_id: str, version: int, *, conn: Connection | None = None
) -> dict[str, Any]:
    """One version with its document and review fields; ``is_current`` tells if it is the head."""
    with use_connection(conn) as c:
        head = read_head(c, plan_id)
        require_version(c, plan_id, version)
        row = c.execute(
            f"SELECT {_VERSION_COLUMNS}, json(data) AS data FROM plan_versions "  # noqa: S608 - fixed column list
            "WHERE plan_id = ? AND version = ?",
            (plan_id, version),
        ).fetchone()
    return _version_from_row(row, head["version"])


def get_version_history(
    plan_id: str,
    limit: int | None = 50,
    *,
    include_data: bool = False,
    conn: Connection | None = None,
) -> list[dict[str, Any]]:
    """Versions newest first, each with ``previous_version`` / ``next_version`` (window functions).

    With ``include_data`` each entry also carries ``data`` and the previous version's
    ``previous_data``, as in the seed. ``limit`` None returns every version.
    """
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_HISTORY_LIMIT
    ):
        raise ValidationError(f"{limit!r} is not a history limit; use 1 to {MAX_HISTORY_LIMIT}.")
    documents = (
        ", json(data) AS data, json(LEAD(data) OVER w) AS previous_data" if include_data else ""
    )
    with use_connection(conn) as c:
        head = read_head(c, plan_id)
        rows = c.execute(
            # The window runs newest first like the result, so no second sort is needed (half
            # the time for 1,000 versions): LEAD is the previous version, LAG the next one.
            f"SELECT {_VERSION_COLUMNS}, LEAD(version) OVER w AS previous_version, "  # noqa: S608 - fixed column lists
            f"LAG(version) OVER w AS next_version{documents} FROM plan_versions WHERE plan_id = ? "
            "AND version >= ? WINDOW w AS (ORDER BY version DESC) ORDER BY version DESC LIMIT ?",
            # Versions run 1..current without gaps, so the newest `limit` plus the one before
            # them (for the last row's previous version) are all the window needs to see.
            (
                plan_id,
                1 if limit is None else head["version"] - limit,
                -1 if limit is None else limit,
            ),
        ).fetchall()
    history = [_version_from_row(r, head["version"]) for r in rows]
    if include_data:
        for entry in history:
            if entry["previous_data"] is not None:
                entry["previous_data"] = json.loads(entry["previous_data"])
    return history


def read_document(conn: Connection, plan_id: str, version: int) -> dict[str, Any]:
    require_version(conn, plan_id, version)
    row = conn.execute(
        "SELECT json(data) FROM plan_versions WHERE plan_id = ? AND version = ?", (plan_id, version)
    ).fetchone()
    return json.loads(row[0])


def rollback_to_version(
    plan_id: str,
    target_version: int,
    change_summary: str | None = None,
    *,
    actor: str | None = None,
    conn: Connection | None = None,
) -> int | None:
    """Write a new version with the content of ``target_version`` (its parent); None if unchanged."""
    summary = _summary(change_summary) or f"Rollback to version {target_version}"
    who = resolve_actor(actor)
    with use_connection(conn) as c, write_transaction(c):
        head = read_head(c, plan_id)
        document = read_document(c, plan_id, target_version)
        return write_next_version(c, head, document, summary, target_version, who, "rollback")


def diff_versions(
    plan_id: str, version_a: int, version_b: int, *, conn: Connection | None = None
) -> list[dict[str, Any]]:
    """What changed from version ``a`` to version ``b``: added / removed / changed JSON paths."""
    with use_connection(conn) as c:
        read_head(c, plan_id)
        old = read_document(c, plan_id, version_a)
        new = read_document(c, plan_id, version_b)
    return diff_documents(old, new)


def lineage(
    plan_id: str, version: int | None = None, *, conn: Connection | None = None
) -> list[dict[str, Any]]:
    """The chain of parent versions from ``version`` (default: current) back to the first one."""
    with use_connection(conn) as c:
        head = read_head(c, plan_id)
        start = head["version"] if version is None else require_version(c, plan_id, version)
        rows = c.execute(
            "WITH RECURSIVE chain(version, depth) AS ("
            "  SELECT ?2, 0"
            "  UNION ALL"
            "  SELECT v.parent_version, chain.depth + 1 FROM chain"
            "  JOIN plan_versions v ON v.plan_id = ?1 AND v.version = chain.version"
            "  WHERE v.parent_version IS NOT NULL"
            ") SELECT v.version, v.parent_version, v.version_status, v.change_summary, v.created_at, "
            "v.created_by, chain.depth FROM chain "
            "JOIN plan_versions v ON v.plan_id = ?1 AND v.version = chain.version ORDER BY chain.depth",
            (plan_id, start),
        ).fetchall()
    return [dict(r) for r in rows]

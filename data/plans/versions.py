"""Versioned plan documents: create, new versions, read, history, rollback, diff, lineage.

Every version is a row of ``plan_versions`` (immutable content, SHA-256 of its canonical JSON);
``plans`` holds the plan's identity and a copy of the current document for search. Writes run in
one ``BEGIN IMMEDIATE`` transaction, so two writers never both read version N and write N + 1:
the second waits for the first, then sees N + 1 and writes N + 2.

Every function runs in the store's session (``get_backend().session()``): inside a caller's open
session it shares that connection (one per callback or command), else it opens one for itself.
The SQL is in ``data.store.plans``.
"""

from __future__ import annotations

import json
from typing import Any

from data.db.connection import write_transaction
from data.db.sqlite import Connection
from data.errors import ConflictError, NotFoundError, ValidationError
from data.plans.errors import PlanLockedError
from data.plans.plan_document import validate_plan_document
from data.store import audit, get_backend
from data.store import plans as store
from data.store.documents import canonical_json, content_hash, diff_documents
from data.timeutil import utc_now_iso
from data.validation import slugify, validate_id, validate_name

MAX_HISTORY_LIMIT = 10_000


def resolve_actor(actor: str | None) -> str:
    return audit.current_actor() if actor is None else actor


def _missing_plan(plan_id: str) -> NotFoundError:
    return NotFoundError(f"No plan {plan_id!r}; check the plan id in the list of plans.")


def read_head(conn: Connection, plan_id: str) -> dict[str, Any]:
    """The plan's row with its current version's status (raises NotFoundError)."""
    head = store.read_head(conn, plan_id)
    if head is None:
        raise _missing_plan(plan_id)
    return head


def require_editable(head: dict[str, Any]) -> None:
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
    if not store.version_exists(conn, plan_id, version):
        raise NotFoundError(
            f"Plan {plan_id!r} has no version {version}; pick one from its version history."
        )
    return version


def _new_plan_id(conn: Connection, name: str) -> str:
    base = slugify(name)
    candidate, n = base, 2
    while store.plan_id_taken(conn, candidate):
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
    with get_backend().session() as c, write_transaction(c):
        if not store.query_exists(c, profile_id, query_id):
            raise NotFoundError(
                f"No query {query_id!r} in profile {profile_id!r}; pick one of the profile's queries."
            )
        plan_id = _new_plan_id(c, name)
        if not store.insert_plan(
            c, plan_id, profile_id, query_id, name, canonical, digest, now, who
        ):
            raise ConflictError(
                f"Query {query_id!r} already has a plan named {name!r}; choose another name."
            )
        store.insert_version(c, plan_id, 1, canonical, digest, summary, None, now, who)
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
    head: dict[str, Any],
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
    store.archive_version(conn, head["id"], head["version"], now)
    store.insert_version(
        conn, head["id"], version, canonical, digest, change_summary, parent_version, now, actor
    )
    if not store.update_plan_head(
        conn, head["id"], version, document["name"], canonical, digest, now
    ):
        raise ConflictError(
            f"Query {head['query_id']!r} already has a plan named {document['name']!r}; "
            "choose another name."
        )
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
) -> int | None:
    """Store ``data`` as the plan's next (draft) version and return its number.

    Returns None and writes nothing when the content equals the current version's. The parent is
    the current version unless ``parent_version`` names another (e.g. revising a rejected one).
    Refused while the plan is deleted or its current version awaits review.
    """
    document = validate_plan_document(data)
    summary = _summary(change_summary)
    who = resolve_actor(actor)
    with get_backend().session() as c, write_transaction(c):
        head = read_head(c, plan_id)
        parent = (
            head["version"]
            if parent_version is None
            else require_version(c, plan_id, parent_version)
        )
        return write_next_version(c, head, document, summary, parent, who, "version")


def get_current_plan(plan_id: str) -> dict[str, Any]:
    """The plan with its current document, status of the current version and baseline version.

    Deleted plans are returned too (``is_deleted``), so they can be shown and restored.
    """
    with get_backend().session() as c:
        plan = store.get_plan(c, plan_id)
    if plan is None:
        raise _missing_plan(plan_id)
    return plan


def list_plans(
    profile_id: str,
    query_id: str | None = None,
    *,
    include_deleted: bool = False,
) -> list[dict[str, Any]]:
    """A profile's (or one query's) plans, most recently changed first; deleted ones hidden."""
    with get_backend().session() as c:
        return store.list_plans(c, profile_id, query_id, include_deleted)


def _version_from_row(version: dict[str, Any], current: int) -> dict[str, Any]:
    if "data" in version:
        version["data"] = json.loads(version["data"])
    version["is_current"] = version["version"] == current
    return version


def get_specific_version(plan_id: str, version: int) -> dict[str, Any]:
    """One version with its document and review fields; ``is_current`` tells if it is the head."""
    with get_backend().session() as c:
        head = read_head(c, plan_id)
        require_version(c, plan_id, version)
        row = store.read_version(c, plan_id, version)
    assert row is not None
    return _version_from_row(row, head["version"])


def get_version_history(
    plan_id: str,
    limit: int | None = 50,
    *,
    include_data: bool = False,
) -> list[dict[str, Any]]:
    """Versions newest first, each with ``previous_version`` / ``next_version`` (window functions).

    With ``include_data`` each entry also carries ``data`` and the previous version's
    ``previous_data``, as in the seed. ``limit`` None returns every version.
    """
    if limit is not None and (
        isinstance(limit, bool) or not isinstance(limit, int) or not 1 <= limit <= MAX_HISTORY_LIMIT
    ):
        raise ValidationError(f"{limit!r} is not a history limit; use 1 to {MAX_HISTORY_LIMIT}.")
    with get_backend().session() as c:
        head = read_head(c, plan_id)
        # Versions run 1..current without gaps, so the newest `limit` plus the one before
        # them (for the last row's previous version) are all the window needs to see.
        first = 1 if limit is None else head["version"] - limit
        rows = store.version_history(c, plan_id, first, limit, include_data)
    history = [_version_from_row(r, head["version"]) for r in rows]
    if include_data:
        for entry in history:
            if entry["previous_data"] is not None:
                entry["previous_data"] = json.loads(entry["previous_data"])
    return history


def read_document(conn: Connection, plan_id: str, version: int) -> dict[str, Any]:
    require_version(conn, plan_id, version)
    document = store.read_document(conn, plan_id, version)
    assert document is not None
    return document


def rollback_to_version(
    plan_id: str,
    target_version: int,
    change_summary: str | None = None,
    *,
    actor: str | None = None,
) -> int | None:
    """Write a new version with the content of ``target_version`` (its parent); None if unchanged."""
    summary = _summary(change_summary) or f"Rollback to version {target_version}"
    who = resolve_actor(actor)
    with get_backend().session() as c, write_transaction(c):
        head = read_head(c, plan_id)
        document = read_document(c, plan_id, target_version)
        return write_next_version(c, head, document, summary, target_version, who, "rollback")


def diff_versions(plan_id: str, version_a: int, version_b: int) -> list[dict[str, Any]]:
    """What changed from version ``a`` to version ``b``: added / removed / changed JSON paths."""
    with get_backend().session() as c:
        read_head(c, plan_id)
        old = read_document(c, plan_id, version_a)
        new = read_document(c, plan_id, version_b)
    return diff_documents(old, new)


def lineage(plan_id: str, version: int | None = None) -> list[dict[str, Any]]:
    """The chain of parent versions from ``version`` (default: current) back to the first one."""
    with get_backend().session() as c:
        head = read_head(c, plan_id)
        start = head["version"] if version is None else require_version(c, plan_id, version)
        return store.lineage(c, plan_id, start)

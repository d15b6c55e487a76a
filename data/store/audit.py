"""The audit log: who created, changed or deleted what, with old and new values (secrets masked)."""

from __future__ import annotations

import getpass
import json
from typing import Any

from data.acting import acting_user
from data.db.sqlite import Connection
from data.timeutil import utc_now_iso

SECRET_KEYS = frozenset({"token", "api_token", "jira_token", "password", "pat", "secret"})
MASK = "***"


def mask_secrets(value: Any) -> Any:
    """A copy of ``value`` with every non-empty secret-named key replaced by ``***``."""
    if isinstance(value, dict):
        return {
            k: (MASK if k.lower() in SECRET_KEYS and v not in (None, "") else mask_secrets(v))
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [mask_secrets(v) for v in value]
    return value


def current_actor() -> str:
    """The signed-in user on a team server (data/acting.py), else this machine's login."""
    signed_in = acting_user()
    if signed_in:
        return signed_in
    try:
        return getpass.getuser()
    except Exception:  # no user database entry (containers)
        return ""


def record(
    conn: Connection,
    entity_type: str,
    entity_id: str,
    action: str,
    old_value: Any = None,
    new_value: Any = None,
    *,
    actor: str | None = None,
) -> None:
    """Append one entry; call inside the transaction that makes the change."""

    def encode(value: Any) -> str | None:
        return (
            None
            if value is None
            else json.dumps(mask_secrets(value), ensure_ascii=False, default=str)
        )

    conn.execute(
        "INSERT INTO audit_log (at, entity_type, entity_id, action, old_value, new_value, actor) "
        "VALUES (?, ?, ?, ?, jsonb(?), jsonb(?), ?)",
        (
            utc_now_iso(),
            entity_type,
            entity_id,
            action,
            encode(old_value),
            encode(new_value),
            current_actor() if actor is None else actor,
        ),
    )


def list_entries(
    conn: Connection,
    entity_type: str | None = None,
    entity_id: str | None = None,
    limit: int = 200,
) -> list[dict[str, Any]]:
    """Newest entries first, optionally for one entity type or entity."""
    rows = conn.execute(
        "SELECT id, at, entity_type, entity_id, action, json(old_value) AS old_value, "
        "json(new_value) AS new_value, actor FROM audit_log "
        "WHERE (?1 IS NULL OR entity_type = ?1) AND (?2 IS NULL OR entity_id = ?2) "
        "ORDER BY id DESC LIMIT ?3",
        (entity_type, entity_id, int(limit)),
    ).fetchall()
    entries = []
    for row in rows:
        entry = dict(row)
        for key in ("old_value", "new_value"):
            entry[key] = json.loads(entry[key]) if entry[key] is not None else None
        entries.append(entry)
    return entries

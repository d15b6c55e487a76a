"""Profile settings versions: every settings save is a version with history, diff and rollback.

``SQLiteBackend.save_profile`` calls ``record_settings_version`` inside its own transaction, so
the UI, the CLI and the Python API all get versions without doing anything. A version holds the
whole profile except ``last_used`` (marking a profile used is not a settings change), with every
secret (token, password …) masked as ``***``: history, diffs and exports never contain a token in
clear. Consequently a token change alone makes no version, and a rollback restores everything
*except* secrets, which keep their current values.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from data import audit
from data.audit import SECRET_KEYS
from data.database import write_transaction
from data.errors import ConfigError, NotFoundError, ValidationError
from data.persistence import get_backend
from data.plans.connection import use_connection
from data.plans.documents import canonical_json, content_hash, diff_documents
from data.sqlite import Connection
from data.timeutil import utc_now_iso

_COLUMNS = "profile_id, version, content_hash, change_summary, created_at, created_by"


def settings_document(profile: dict[str, Any]) -> dict[str, Any]:
    """What a settings version stores: the profile without ``last_used``, secrets masked."""
    return audit.mask_secrets({k: v for k, v in profile.items() if k != "last_used"})


def _describe(changes: list[dict[str, Any]]) -> str:
    paths = [c["path"].removeprefix("$.") for c in changes]
    shown = ", ".join(paths[:3])
    return f"Changed {shown}" + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")


def _insert(
    conn: Connection, profile_id: str, version: int, document: dict[str, Any], summary: str
) -> None:
    canonical = canonical_json(document)
    conn.execute(
        "INSERT INTO profile_settings_versions (profile_id, version, settings, content_hash, "
        "change_summary, created_at, created_by) VALUES (?, ?, jsonb(?), ?, ?, ?, ?)",
        (
            profile_id,
            version,
            canonical,
            content_hash(canonical),
            summary,
            utc_now_iso(),
            audit.current_actor(),
        ),
    )


def record_settings_version(
    conn: Connection, old: dict[str, Any] | None, new: dict[str, Any]
) -> int | None:
    """Inside the caller's transaction: record ``new`` as the next version unless unchanged.

    A profile saved before versioning existed gets its previous settings recorded first (as
    version 1), so even its first change can be rolled back.
    """
    profile_id = new["id"]
    latest = conn.execute(
        "SELECT version, content_hash, json(settings) FROM profile_settings_versions "
        "WHERE profile_id = ? ORDER BY version DESC LIMIT 1",
        (profile_id,),
    ).fetchone()
    if latest is None and old is not None:
        _insert(conn, profile_id, 1, settings_document(old), "Settings before versioning started")
        return record_settings_version(conn, old, new)
    document = settings_document(new)
    if latest is not None and latest[1] == content_hash(canonical_json(document)):
        return None
    if latest is None:
        version, summary = 1, "Created"
    else:
        version = latest[0] + 1
        summary = _describe(diff_documents(json.loads(latest[2]), document))
    _insert(conn, profile_id, version, document, summary)
    return version


def _require_profile(conn: Connection, profile_id: str) -> None:
    if not conn.execute("SELECT 1 FROM profiles WHERE id = ?", (profile_id,)).fetchone():
        raise NotFoundError(f"No profile {profile_id!r}; pick one of the existing profiles.")


def _settings(conn: Connection, profile_id: str, version: Any) -> dict[str, Any]:
    if isinstance(version, bool) or not isinstance(version, int):
        raise ValidationError(f"{version!r} is not a version number; use a whole number from 1.")
    row = conn.execute(
        "SELECT json(settings) FROM profile_settings_versions WHERE profile_id = ? AND version = ?",
        (profile_id, version),
    ).fetchone()
    if row is None:
        raise NotFoundError(
            f"Profile {profile_id!r} has no settings version {version}; pick one from its "
            "settings history."
        )
    return json.loads(row[0])


def settings_history(
    profile_id: str,
    *,
    include_settings: bool = False,
    conn: Connection | None = None,
) -> list[dict[str, Any]]:
    """Settings versions newest first, with ``previous_version`` and ``is_current``."""
    extra = ", json(settings) AS settings" if include_settings else ""
    with use_connection(conn) as c:
        _require_profile(c, profile_id)
        rows = c.execute(
            # Newest first in the window too (no second sort): LEAD is the previous version.
            f"SELECT {_COLUMNS}, LEAD(version) OVER w AS previous_version, "  # noqa: S608 - fixed columns
            f"LAG(version) OVER w IS NULL AS is_current{extra} FROM profile_settings_versions "
            "WHERE profile_id = ? WINDOW w AS (ORDER BY version DESC) ORDER BY version DESC",
            (profile_id,),
        ).fetchall()
    history = []
    for row in rows:
        entry = dict(row)
        entry["is_current"] = bool(entry["is_current"])
        if include_settings:
            entry["settings"] = json.loads(entry["settings"])
        history.append(entry)
    return history


def get_settings_version(
    profile_id: str, version: int, *, conn: Connection | None = None
) -> dict[str, Any]:
    """The stored (masked) settings of one version."""
    with use_connection(conn) as c:
        _require_profile(c, profile_id)
        return _settings(c, profile_id, version)


def diff_settings(
    profile_id: str, version_a: int, version_b: int, *, conn: Connection | None = None
) -> list[dict[str, Any]]:
    """What changed from settings version ``a`` to ``b`` (JSON paths with old and new values)."""
    with use_connection(conn) as c:
        _require_profile(c, profile_id)
        return diff_documents(
            _settings(c, profile_id, version_a), _settings(c, profile_id, version_b)
        )


def with_current_secrets(target: Any, current: Any) -> Any:
    """``target`` with every secret taken from ``current`` at the same place (or left out)."""
    if isinstance(target, dict):
        now = current if isinstance(current, dict) else {}
        merged = {
            k: with_current_secrets(v, now.get(k))
            for k, v in target.items()
            if k.lower() not in SECRET_KEYS
        }
        merged.update({k: v for k, v in now.items() if k.lower() in SECRET_KEYS})
        return merged
    if isinstance(target, list):
        now_list = current if isinstance(current, list) else []
        return [
            with_current_secrets(v, now_list[i] if i < len(now_list) else None)
            for i, v in enumerate(target)
        ]
    return target


def rollback_settings(profile_id: str, version: int, *, actor: str | None = None) -> int | None:
    """Save the settings of ``version`` again as a new version (secrets stay as they are now).

    Returns the new version, or None when the settings already equal that version.
    """
    backend = get_backend()
    # The SQLite backend (also inside dual storage) shares one connection through session(), so
    # its save and the summary below are one transaction. The legacy JSON store has no versions.
    session = getattr(backend, "session", None)
    if session is None:
        raise ConfigError(
            "Settings versions live in the SQLite database; switch to sqlite or dual storage first."
        )
    who = audit.current_actor() if actor is None else actor
    with session() as conn, write_transaction(conn):
        _require_profile(conn, profile_id)
        target = _settings(conn, profile_id, version)
        current = backend.get_profile(profile_id)
        assert current is not None
        restored = with_current_secrets(copy.deepcopy(target), current)
        restored["last_used"] = current["last_used"]
        before = conn.execute(
            "SELECT max(version) FROM profile_settings_versions WHERE profile_id = ?", (profile_id,)
        ).fetchone()[0]
        backend.save_profile(restored)
        after = conn.execute(
            "SELECT max(version) FROM profile_settings_versions WHERE profile_id = ?", (profile_id,)
        ).fetchone()[0]
        if after == before:
            return None
        conn.execute(
            "UPDATE profile_settings_versions SET change_summary = ? WHERE profile_id = ? AND version = ?",
            (f"Rollback to version {version}", profile_id, after),
        )
        audit.record(
            conn,
            "profile_settings",
            profile_id,
            "rollback",
            {"version": before},
            {"version": after, "rolled_back_to": version},
            actor=who,
        )
    return after

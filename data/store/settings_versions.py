"""SQL of profile settings versions (``profile_settings_versions``); the rules live in
``data.profiles.settings_versions``.

``SQLiteBackend.save_profile`` calls ``record_settings_version`` inside its own transaction, so
every settings save is a version whoever makes it. A version holds the whole profile except
``last_used`` with every secret masked as ``***`` (see ``settings_document``).
"""

from __future__ import annotations

import json
from typing import Any

from data.db.sqlite import Connection
from data.errors import NotFoundError, ValidationError
from data.store import audit
from data.store.documents import canonical_json, content_hash, diff_documents
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


def require_profile(conn: Connection, profile_id: str) -> None:
    if not conn.execute("SELECT 1 FROM profiles WHERE id = ?", (profile_id,)).fetchone():
        raise NotFoundError(f"No profile {profile_id!r}; pick one of the existing profiles.")


def read_settings(conn: Connection, profile_id: str, version: Any) -> dict[str, Any]:
    """The stored (masked) settings of one version."""
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


def read_history(
    conn: Connection, profile_id: str, *, include_settings: bool = False
) -> list[dict[str, Any]]:
    """Versions newest first, with ``previous_version`` and ``is_current``."""
    extra = ", json(settings) AS settings" if include_settings else ""
    rows = conn.execute(
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


def latest_version(conn: Connection, profile_id: str) -> int | None:
    return conn.execute(
        "SELECT max(version) FROM profile_settings_versions WHERE profile_id = ?", (profile_id,)
    ).fetchone()[0]


def set_change_summary(conn: Connection, profile_id: str, version: int, summary: str) -> None:
    conn.execute(
        "UPDATE profile_settings_versions SET change_summary = ? WHERE profile_id = ? AND version = ?",
        (summary, profile_id, version),
    )

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
from typing import Any

from data.db.connection import write_transaction
from data.errors import ConfigError
from data.store import audit, get_backend
from data.store import settings_versions as store
from data.store.audit import SECRET_KEYS
from data.store.documents import diff_documents


def settings_history(
    profile_id: str,
    *,
    include_settings: bool = False,
) -> list[dict[str, Any]]:
    """Settings versions newest first, with ``previous_version`` and ``is_current``."""
    with get_backend().session() as c:
        store.require_profile(c, profile_id)
        return store.read_history(c, profile_id, include_settings=include_settings)


def get_settings_version(profile_id: str, version: int) -> dict[str, Any]:
    """The stored (masked) settings of one version."""
    with get_backend().session() as c:
        store.require_profile(c, profile_id)
        return store.read_settings(c, profile_id, version)


def diff_settings(profile_id: str, version_a: int, version_b: int) -> list[dict[str, Any]]:
    """What changed from settings version ``a`` to ``b`` (JSON paths with old and new values)."""
    with get_backend().session() as c:
        store.require_profile(c, profile_id)
        return diff_documents(
            store.read_settings(c, profile_id, version_a),
            store.read_settings(c, profile_id, version_b),
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
    # The legacy JSON store has no versions. Elsewhere the backend's save and the summary below
    # share one connection through session(), so they are one transaction.
    if backend.legacy_json:
        raise ConfigError(
            "Settings versions live in the SQLite database; switch to sqlite or dual storage first."
        )
    who = audit.current_actor() if actor is None else actor
    with backend.session() as conn, write_transaction(conn):
        store.require_profile(conn, profile_id)
        target = store.read_settings(conn, profile_id, version)
        current = backend.get_profile(profile_id)
        assert current is not None
        restored = with_current_secrets(copy.deepcopy(target), current)
        restored["last_used"] = current["last_used"]
        before = store.latest_version(conn, profile_id)
        backend.save_profile(restored)
        after = store.latest_version(conn, profile_id)
        if after is None or after == before:
            return None
        store.set_change_summary(conn, profile_id, after, f"Rollback to version {version}")
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

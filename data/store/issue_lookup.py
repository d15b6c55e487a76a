"""Looking up issue text (summaries) for the dashboard's tables; the metrics frames carry no text."""

from __future__ import annotations

from collections.abc import Iterable

from data.db.connection import get_db_connection
from data.store import get_backend

# SQLite's default limit on bound parameters is far above this; batches keep each IN list short.
_BATCH = 500


def issue_summaries(profile_id: str, keys: Iterable[str]) -> dict[str, str]:
    """Summary per issue key of a profile (keys not in the store are left out)."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, str] = {}
    with get_db_connection(getattr(get_backend(), "db_path", None)) as conn:
        for start in range(0, len(wanted), _BATCH):
            batch = wanted[start : start + _BATCH]
            placeholders = ", ".join("?" * len(batch))
            rows = conn.execute(
                "SELECT issue_key, summary FROM issues WHERE profile_id = ? "  # noqa: S608 - placeholders only
                f"AND issue_key IN ({placeholders})",
                (profile_id, *batch),
            ).fetchall()
            found.update({row[0]: row[1] for row in rows})
    return found

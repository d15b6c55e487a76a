"""The SQL of each issue's Flagged field history (migration 0006).

Writes run inside the caller's ``write_transaction`` (the sync's one transaction); the metrics read
a query's changes with its other rows (``data.store.query_rows``).
"""

from __future__ import annotations

from collections.abc import Sequence

from data.db.sqlite import Connection
from data.store.issues import NormalizedIssue


def store_flag_changes(
    conn: Connection, profile_id: str, issues: Sequence[NormalizedIssue]
) -> None:
    """Replace the Flagged history of every issue that came with one."""
    read = [i for i in issues if i.flag_changes is not None]
    conn.executemany(
        "DELETE FROM issue_flag_changes WHERE profile_id = ? AND issue_key = ?",
        [(profile_id, i.key) for i in read],
    )
    conn.executemany(
        "INSERT INTO issue_flag_changes (profile_id, issue_key, seq, changed_at, value) "
        "VALUES (?, ?, ?, ?, ?)",
        [
            (profile_id, i.key, seq, at, value)
            for i in read
            for seq, (at, value) in enumerate(i.flag_changes or ())
        ],
    )

"""The SQL of sprints: a board's sprints and each issue's Sprint field history (migration 0005).

Writes run inside the caller's ``write_transaction`` (the sync's one transaction).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from data.db.dialect import SQLITE, dialect_of
from data.db.sqlite import Connection
from data.store.issues import NormalizedIssue

SPRINT_COLUMNS = (
    "sprint_id",
    "board_id",
    "name",
    "state",
    "start_at",
    "end_at",
    "complete_at",
    "goal",
)


def replace_board_sprints(
    conn: Connection,
    profile_id: str,
    board_id: int,
    sprints: Iterable[Sequence[Any]],
    fetched_at: str,
) -> int:
    """Make the stored sprints of ``board_id`` exactly ``sprints`` (rows in ``SPRINT_COLUMNS``
    order); a sprint deleted in JIRA goes, one that moved boards follows. Returns the count."""
    rows = [tuple(row) for row in sprints]
    conn.execute(
        "DELETE FROM jira_sprints WHERE profile_id = ? AND board_id = ?", (profile_id, board_id)
    )
    conn.executemany(
        "INSERT INTO jira_sprints (profile_id, sprint_id, board_id, name, state, start_at, end_at, "
        "complete_at, goal, fetched_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
        "ON CONFLICT (profile_id, sprint_id) DO UPDATE SET board_id = excluded.board_id, "
        "name = excluded.name, state = excluded.state, start_at = excluded.start_at, "
        "end_at = excluded.end_at, complete_at = excluded.complete_at, goal = excluded.goal, "
        "fetched_at = excluded.fetched_at",
        [(profile_id, *row, fetched_at) for row in rows],
    )
    return len(rows)


def store_sprint_changes(
    conn: Connection, profile_id: str, issues: Sequence[NormalizedIssue]
) -> None:
    """Replace the Sprint field history of every issue that came with one."""
    read = [i for i in issues if i.sprint_changes is not None]
    conn.executemany(
        "DELETE FROM issue_sprint_changes WHERE profile_id = ? AND issue_key = ?",
        [(profile_id, i.key) for i in read],
    )
    conn.executemany(
        "INSERT INTO issue_sprint_changes (profile_id, issue_key, seq, changed_at, sprint_id, joined) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [
            (profile_id, i.key, seq, at, sprint_id, int(joined))
            for i in read
            for seq, (at, sprint_id, joined) in enumerate(i.sprint_changes or ())
        ],
    )


def read_sprints(
    conn: Connection, profile_id: str, board_id: int | None = None
) -> list[dict[str, Any]]:
    """The stored sprints (of one board if given), oldest first (undated future ones last)."""
    sql = (
        "SELECT sprint_id, board_id, name, state, start_at, end_at, complete_at, goal "
        "FROM jira_sprints WHERE profile_id = ?"
    )
    params: list[Any] = [profile_id]
    if board_id is not None:
        sql += " AND board_id = ?"
        params.append(board_id)
    sql += " ORDER BY start_at IS NULL, start_at, sprint_id"
    return [dict(zip(SPRINT_COLUMNS, row, strict=True)) for row in conn.execute(sql, params)]


def sprints_stamp(conn: Connection, profile_id: str) -> tuple[int, str | None]:
    """(count, newest fetched_at) of the profile's stored sprints: changes with every sync that
    reads a board, so results computed from the sprints can be kept until then."""
    row = conn.execute(
        "SELECT count(*), max(fetched_at) FROM jira_sprints WHERE profile_id = ?", (profile_id,)
    ).fetchone()
    return int(row[0]), row[1]


def read_query_sprint_changes(
    conn: Connection, profile_id: str, query_id: str
) -> list[tuple[str, str, int, int]]:
    """(issue_key, changed_at, sprint_id, joined) of the query's issues, per issue in order."""
    return conn.execute(
        "SELECT c.issue_key, c.changed_at, c.sprint_id, c.joined FROM issue_sprint_changes c "
        "JOIN query_issues q ON q.profile_id = c.profile_id AND q.issue_key = c.issue_key "
        "WHERE c.profile_id = ? AND q.query_id = ? ORDER BY c.issue_key, c.seq",
        (profile_id, query_id),
    ).fetchall()


def read_query_agile_issues(
    conn: Connection, profile_id: str, query_id: str
) -> list[tuple[Any, ...]]:
    """(key, issue_type, summary, status, points, resolved, parent, subtask) of the query's
    issues, plus the epics they name that are stored (an epic outside the query keeps its name)."""
    dialect = dialect_of(conn)
    # SQLite's ->> gives JSON true as 1; PostgreSQL casts the jsonb boolean.
    subtask = (
        "i.fields ->> '$.subtask'"
        if dialect.name == SQLITE
        else "(i.fields -> 'subtask')::boolean::int"
    )
    return conn.execute(
        "SELECT i.issue_key, i.issue_type, i.summary, i.status, i.points, i.resolved, "  # noqa: S608 - constant expressions
        f"{dialect.json_text('i.fields', '$.parent')}, coalesce({subtask}, 0), "
        "q.issue_key IS NOT NULL FROM issues i LEFT JOIN query_issues q ON q.profile_id = "
        "i.profile_id AND q.issue_key = i.issue_key AND q.query_id = ?2 WHERE i.profile_id = ?1 "
        f"AND (q.issue_key IS NOT NULL OR i.issue_key IN (SELECT "
        f"{dialect.json_text('p.fields', '$.parent')} FROM "
        "issues p JOIN query_issues m ON m.profile_id = p.profile_id AND m.issue_key = "
        "p.issue_key AND m.query_id = ?2 WHERE p.profile_id = ?1)) ORDER BY i.issue_key",
        (profile_id, query_id),
    ).fetchall()

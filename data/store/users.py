"""SQL of team accounts (data/team/accounts.py): the users table and recent failed logins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from data.db.sqlite import Connection

_COLUMNS = (
    "username, display_name, password_hash, role, disabled, created_at, updated_at, last_login_at"
)


def insert_user(conn: Connection, user: dict[str, Any]) -> None:
    conn.execute(
        f"INSERT INTO users ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608 - fixed column list
        (
            user["username"],
            user["display_name"],
            user["password_hash"],
            user["role"],
            int(user["disabled"]),
            user["created_at"],
            user["updated_at"],
            user["last_login_at"],
        ),
    )


def get_user(conn: Connection, username: str) -> dict[str, Any] | None:
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM users WHERE username = ?",  # noqa: S608 - fixed column list
        (username,),
    ).fetchone()
    return None if row is None else _user(row)


def list_users(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(f"SELECT {_COLUMNS} FROM users ORDER BY username").fetchall()  # noqa: S608 - fixed column list
    return [_user(r) for r in rows]


def count_active_users(conn: Connection) -> int:
    return conn.execute("SELECT count(*) FROM users WHERE disabled = 0").fetchone()[0]


def count_active_users_with_roles(conn: Connection, roles: Sequence[str]) -> int:
    """How many distinct enabled users hold one of ``roles`` (e.g. the people who may review a
    plan)."""
    marks = ", ".join("?" for _ in roles) or "NULL"
    return conn.execute(
        f"SELECT count(DISTINCT username) FROM users WHERE disabled = 0 AND role IN ({marks})",  # noqa: S608 - placeholders only
        tuple(roles),
    ).fetchone()[0]


def count_active_admins(conn: Connection) -> int:
    return conn.execute(
        "SELECT count(*) FROM users WHERE disabled = 0 AND role = 'admin'"
    ).fetchone()[0]


def update_user(conn: Connection, username: str, changes: dict[str, Any], at: str) -> None:
    """Set the named columns (role, disabled, password_hash, display_name, last_login_at)."""
    allowed = {"role", "disabled", "password_hash", "display_name", "last_login_at"}
    unknown = set(changes) - allowed
    if unknown:
        raise ValueError(f"not a user column: {sorted(unknown)}")
    assignments = ", ".join(f"{column} = ?" for column in changes)
    conn.execute(
        f"UPDATE users SET {assignments}, updated_at = ? WHERE username = ?",  # noqa: S608 - checked column names
        (*changes.values(), at, username),
    )


def record_login_failure(conn: Connection, username: str, remote_addr: str, at: str) -> None:
    conn.execute(
        "INSERT INTO login_failures (username, remote_addr, at) VALUES (?, ?, ?)",
        (username, remote_addr, at),
    )


def recent_login_failures(conn: Connection, username: str, since: str) -> list[str]:
    """The times of ``username``'s failed logins after ``since``, oldest first; the others are
    deleted on the way (they no longer count)."""
    conn.execute("DELETE FROM login_failures WHERE at <= ?", (since,))
    rows = conn.execute(
        "SELECT at FROM login_failures WHERE username = ? ORDER BY at", (username,)
    ).fetchall()
    return [r[0] for r in rows]


def clear_login_failures(conn: Connection, username: str) -> None:
    conn.execute("DELETE FROM login_failures WHERE username = ?", (username,))


def _user(row: Any) -> dict[str, Any]:
    names = _COLUMNS.split(", ")
    user = dict(zip(names, tuple(row), strict=True))
    user["disabled"] = bool(user["disabled"])
    return user

"""Team accounts: who may sign in, with which role, and the login check (issue 14 §3).

Roles, each including the one before:

- **viewer** reads every page;
- **lead** also fetches, backfills, signs off weeks and edits, submits and approves plans;
- **admin** also manages profiles, settings and users.

Passwords are hashed with argon2id (argon2-cffi, its default parameters; a hash made with older
parameters is upgraded at the next good login) and never stored, logged or shown. A login names
the user it checked, but its refusal does not say whether the name or the password was wrong.
Five failed logins for a name within 15 minutes lock that name until the oldest of them is 15
minutes old, in every server process (the failures are rows in the database).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from data.db.connection import write_transaction
from data.errors import AuthError, ConflictError, NotFoundError, PermissionDenied, ValidationError
from data.store import audit, get_backend
from data.store import users as store
from data.timeutil import to_utc_iso, utc_now

ROLES = ("viewer", "lead", "admin")
# What each role may do beyond reading (every role reads).
ACTIONS = {
    "fetch": "lead",  # fetch, backfill, migrate
    "sign_off": "lead",
    "plan": "lead",  # create, edit, submit, approve, reject plans
    "settings": "admin",  # profiles, queries, mappings, restore
    "users": "admin",
}
MIN_PASSWORD_LENGTH = 12
MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._@-]{0,63}$")
_hasher = PasswordHasher()
# Verified against when the name is unknown, so a wrong name costs what a wrong password costs.
_UNKNOWN_USER_HASH = _hasher.hash("not a password of anyone")


def role_may(role: str, action: str) -> bool:
    """Whether ``role`` may perform ``action`` (one of ACTIONS)."""
    return ROLES.index(role) >= ROLES.index(ACTIONS[action])


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str
    disabled: bool
    created_at: str
    last_login_at: str | None

    @property
    def name(self) -> str:
        """How sign-offs and the audit log name this user."""
        return self.display_name or self.username

    def may(self, action: str) -> bool:
        return role_may(self.role, action)

    def require(self, action: str) -> None:
        if not self.may(action):
            raise PermissionDenied(refusal(self.name, self.role, action))


def refusal(who: str, role: str, action: str) -> str:
    """The sentence refusing ``who`` (a ``role``) the ``action``."""
    return (
        f"{who} is a {role} and cannot {_ACTION_WORDS[action]}; "
        f"ask an admin for the {ACTIONS[action]} role."
    )


_ACTION_WORDS = {
    "fetch": "fetch from JIRA or run jobs",
    "sign_off": "sign off weeks",
    "plan": "change or review plans",
    "settings": "change profiles or settings",
    "users": "manage users",
}


def _public(row: dict[str, Any]) -> User:
    return User(
        row["username"],
        row["display_name"],
        row["role"],
        row["disabled"],
        row["created_at"],
        row["last_login_at"],
    )


def normalize_username(username: str) -> str:
    cleaned = (username or "").strip().lower()
    if not _USERNAME_RE.match(cleaned):
        raise ValidationError(
            f"{username!r} is not a user name; use 1–64 lowercase letters, digits, '.', '_', '-' "
            "or '@', starting with a letter or digit."
        )
    return cleaned


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise ValidationError(f"{role!r} is not a role; use one of {', '.join(ROLES)}.")
    return role


def _check_password(password: str, username: str) -> str:
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise ValidationError(
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters; choose a longer one."
        )
    if password.strip().lower() == username:
        raise ValidationError("A password must not be the user name; choose another.")
    return password


def add_user(
    username: str,
    password: str,
    role: str = "viewer",
    display_name: str = "",
    *,
    actor: str | None = None,
) -> User:
    name = normalize_username(username)
    _check_role(role)
    _check_password(password, name)
    now = to_utc_iso(utc_now())
    row = {
        "username": name,
        "display_name": " ".join(display_name.split()),
        "password_hash": _hasher.hash(password),
        "role": role,
        "disabled": False,
        "created_at": now,
        "updated_at": now,
        "last_login_at": None,
    }
    with get_backend().session() as conn, write_transaction(conn):
        if store.get_user(conn, name) is not None:
            raise ConflictError(
                f"A user named {name!r} exists already; choose another name, or change that "
                "user's password with `flowcast user set-password`."
            )
        store.insert_user(conn, row)
        audit.record(conn, "user", name, "add", None, _audited(row), actor=actor)
    return _public(row)


def list_users() -> list[User]:
    with get_backend().session() as conn:
        return [_public(row) for row in store.list_users(conn)]


def get_user(username: str) -> User:
    with get_backend().session() as conn:
        return _public(_existing(conn, normalize_username(username)))


def has_users() -> bool:
    with get_backend().session() as conn:
        return store.count_active_users(conn) > 0


def set_role(username: str, role: str, *, actor: str | None = None) -> User:
    _check_role(role)
    return _change(username, {"role": role}, "set_role", actor)


def disable_user(username: str, *, actor: str | None = None) -> User:
    return _change(username, {"disabled": 1}, "disable", actor)


def enable_user(username: str, *, actor: str | None = None) -> User:
    return _change(username, {"disabled": 0}, "enable", actor)


def set_password(username: str, password: str, *, actor: str | None = None) -> User:
    name = normalize_username(username)
    _check_password(password, name)
    return _change(name, {"password_hash": _hasher.hash(password)}, "set_password", actor)


def _change(username: str, changes: dict[str, Any], action: str, actor: str | None) -> User:
    name = normalize_username(username)
    with get_backend().session() as conn, write_transaction(conn):
        before = _existing(conn, name)
        after = {**before, **changes, "disabled": bool(changes.get("disabled", before["disabled"]))}
        was_admin = before["role"] == "admin" and not before["disabled"]
        stays_admin = after["role"] == "admin" and not after["disabled"]
        if was_admin and not stays_admin and store.count_active_admins(conn) == 1:
            raise ValidationError(
                f"{name} is the last active admin; make another user admin first, so someone "
                "can still manage users."
            )
        store.update_user(conn, name, changes, to_utc_iso(utc_now()))
        audit.record(conn, "user", name, action, _audited(before), _audited(after), actor=actor)
    return _public(after)


def _existing(conn: Any, name: str) -> dict[str, Any]:
    row = store.get_user(conn, name)
    if row is None:
        raise NotFoundError(f"No user named {name!r}; `flowcast user list` lists them.")
    return row


def _audited(row: dict[str, Any]) -> dict[str, Any]:
    """What the audit log keeps of a user: never the password hash."""
    return {k: v for k, v in row.items() if k not in ("password_hash", "updated_at")}


def authenticate(
    username: str, password: str, remote_addr: str = "", *, now: datetime | None = None
) -> User:
    """The user ``username`` if ``password`` is theirs, else AuthError (one sentence).

    The attempt is counted as a failure first, in a short write transaction, and the hash is
    checked outside it (argon2 takes tens of milliseconds by design: inside the write lock it
    would queue every other sign-in and save behind it); a good password then clears the
    failures in a second short transaction. So parallel guesses cannot pass the limit, and a
    crash between the two leaves the attempt counted."""
    moment = now or utc_now()
    name = (username or "").strip().lower()
    with get_backend().session() as conn:
        with write_transaction(conn):
            failures = store.recent_login_failures(conn, name, to_utc_iso(moment - FAILURE_WINDOW))
            if len(failures) >= MAX_FAILURES:
                free_at = datetime.fromisoformat(failures[-MAX_FAILURES]) + FAILURE_WINDOW
                minutes = max(1, round((free_at - moment).total_seconds() / 60))
                raise AuthError(
                    f"Too many failed logins for {name!r}; wait {minutes} minute"
                    f"{'s' if minutes != 1 else ''} and try again, or ask an admin to reset the "
                    "password."
                )
            store.record_login_failure(conn, name, remote_addr, to_utc_iso(moment))
            row = store.get_user(conn, name) if _USERNAME_RE.match(name) else None
        if not _verify(row["password_hash"] if row else _UNKNOWN_USER_HASH, password) or not row:
            raise AuthError("Wrong user name or password; check both and try again.")
        if row["disabled"]:
            raise AuthError(f"The account {name!r} is disabled; ask an admin to enable it.")
        changes: dict[str, Any] = {"last_login_at": to_utc_iso(moment)}
        if _hasher.check_needs_rehash(row["password_hash"]):
            changes["password_hash"] = _hasher.hash(password)
        with write_transaction(conn):
            store.clear_login_failures(conn, name)
            store.update_user(conn, name, changes, to_utc_iso(moment))
    return _public({**row, **changes})


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password or "")
    except (VerificationError, InvalidHashError):
        return False

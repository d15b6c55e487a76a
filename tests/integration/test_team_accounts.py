"""Team accounts (issue 14 §3): users, roles, argon2 password hashes, the login check and its
rate limit, and `flowcast user …` — on a real SQLite database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from click.testing import CliRunner

from cli.main import cli
from data.db.connection import get_db_connection
from data.errors import AuthError, ConflictError, NotFoundError, PermissionDenied, ValidationError
from data.store.sqlite_backend import SQLiteBackend
from data.team import accounts

PASSWORD = "correct horse battery"
T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)


@pytest.fixture
def ada(backend: SQLiteBackend) -> accounts.User:
    return accounts.add_user("Ada", PASSWORD, "admin", "Ada Lovelace")


def stored(db_path: Path, username: str) -> dict:
    with get_db_connection(db_path) as conn:
        return dict(conn.execute("SELECT * FROM users WHERE username = ?", (username,)).fetchone())


def test_a_user_is_stored_with_an_argon2id_hash_and_never_the_password(
    ada: accounts.User, db_path: Path
) -> None:
    assert (ada.username, ada.display_name, ada.role, ada.disabled) == (
        "ada", "Ada Lovelace", "admin", False
    )  # fmt: skip
    row = stored(db_path, "ada")
    assert row["password_hash"].startswith("$argon2id$")
    assert PasswordHasher().verify(row["password_hash"], PASSWORD)
    with get_db_connection(db_path) as conn:
        audit = conn.execute(
            "SELECT action, json(new_value) FROM audit_log WHERE entity_type = 'user'"
        ).fetchall()
    assert [a[0] for a in audit] == ["add"]
    assert PASSWORD not in audit[0][1] and "argon2" not in audit[0][1]
    assert "password_hash" not in json.dumps([vars(u) for u in accounts.list_users()])


def test_the_right_password_signs_in_and_is_remembered(ada: accounts.User, db_path: Path) -> None:
    user = accounts.authenticate("ADA ", PASSWORD, "10.0.0.7", now=T0)
    assert user.username == "ada" and user.last_login_at == "2026-12-03T09:00:00.000Z"
    assert stored(db_path, "ada")["last_login_at"] == "2026-12-03T09:00:00.000Z"


@pytest.mark.parametrize(
    ("username", "password"), [("ada", "not the password"), ("nobody", PASSWORD), ("", "")]
)
def test_a_wrong_name_or_password_says_neither_which(
    ada: accounts.User, username: str, password: str
) -> None:
    with pytest.raises(
        AuthError, match=r"^Wrong user name or password; check both and try again\.$"
    ):
        accounts.authenticate(username, password, now=T0)


def test_five_failures_lock_the_name_for_fifteen_minutes_then_it_signs_in(
    ada: accounts.User,
) -> None:
    for minute in range(5):
        with pytest.raises(AuthError, match="Wrong user name or password"):
            accounts.authenticate("ada", "guess", now=T0 + timedelta(minutes=minute))
    # Even the right password is refused while the name is locked, with the wait left.
    with pytest.raises(AuthError, match=r"Too many failed logins for 'ada'; wait 10 minutes"):
        accounts.authenticate("ada", PASSWORD, now=T0 + timedelta(minutes=5))
    # The lock lifts when the oldest failure of the five is 15 minutes old.
    assert accounts.authenticate("ada", PASSWORD, now=T0 + timedelta(minutes=15)).username == "ada"
    # A good login clears the count: one more failure does not lock again.
    with pytest.raises(AuthError, match="Wrong user name"):
        accounts.authenticate("ada", "guess", now=T0 + timedelta(minutes=16))
    assert accounts.authenticate("ada", PASSWORD, now=T0 + timedelta(minutes=16)).username == "ada"


def test_a_disabled_account_cannot_sign_in_until_enabled(ada: accounts.User) -> None:
    accounts.add_user("grace", PASSWORD, "lead")
    accounts.disable_user("grace", actor="ada")
    with pytest.raises(AuthError, match=r"The account 'grace' is disabled; ask an admin"):
        accounts.authenticate("grace", PASSWORD, now=T0)
    with pytest.raises(AuthError, match="Wrong user name or password"):  # says nothing more
        accounts.authenticate("grace", "not the password", now=T0)
    accounts.enable_user("grace", actor="ada")
    assert accounts.authenticate("grace", PASSWORD, now=T0).role == "lead"


def test_a_hash_with_older_parameters_is_upgraded_at_the_next_login(
    ada: accounts.User, db_path: Path
) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    with get_db_connection(db_path) as conn:
        conn.execute("UPDATE users SET password_hash = ? WHERE username = 'ada'", (weak,))
    accounts.authenticate("ada", PASSWORD, now=T0)
    upgraded = stored(db_path, "ada")["password_hash"]
    assert upgraded != weak and not PasswordHasher().check_needs_rehash(upgraded)


def test_roles_allow_what_they_say(backend: SQLiteBackend) -> None:
    viewer = accounts.add_user("vic", PASSWORD, "viewer")
    lead = accounts.add_user("lea", PASSWORD, "lead")
    admin = accounts.add_user("adm", PASSWORD, "admin")
    allowed = {
        u.role: sorted(a for a in accounts.ACTIONS if u.may(a)) for u in (viewer, lead, admin)
    }
    assert allowed == {
        "viewer": [],
        "lead": ["fetch", "plan", "sign_off"],
        "admin": ["fetch", "plan", "settings", "sign_off", "users"],
    }
    with pytest.raises(
        PermissionDenied,
        match=r"^vic is a viewer and cannot fetch from JIRA or run jobs; ask an admin for the lead role\.$",
    ):
        viewer.require("fetch")
    lead.require("sign_off")


def test_the_last_admin_stays_an_admin(ada: accounts.User) -> None:
    with pytest.raises(
        ValidationError, match="ada is the last active admin; make another user admin"
    ):
        accounts.set_role("ada", "lead")
    with pytest.raises(ValidationError, match="last active admin"):
        accounts.disable_user("ada")
    accounts.add_user("grace", PASSWORD, "admin")
    assert accounts.set_role("ada", "lead").role == "lead"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: accounts.add_user("Bad Name!", PASSWORD),
            r"'Bad Name!' is not a user name; use 1–64",
        ),
        (lambda: accounts.add_user("bob", "short"), r"needs at least 12 characters"),
        (lambda: accounts.add_user("bobby-tables", "Bobby-Tables"), r"must not be the user name"),
        (
            lambda: accounts.add_user("bob", PASSWORD, "owner"),
            r"'owner' is not a role; use one of viewer, lead, admin",
        ),
        (lambda: accounts.add_user("ada", PASSWORD), r"A user named 'ada' exists already"),
        (
            lambda: accounts.set_role("nobody", "lead"),
            r"No user named 'nobody'; `flowcast user list`",
        ),
    ],
)
def test_bad_input_is_one_sentence_and_changes_nothing(
    ada: accounts.User, db_path: Path, call, message: str
) -> None:
    with pytest.raises((ValidationError, ConflictError, NotFoundError), match=message):
        call()
    assert [u.username for u in accounts.list_users()] == ["ada"]


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, input=input)
    return result.exit_code, result.output


def test_flowcast_user_commands(db_path: Path) -> None:
    code, out = run("user", "add", "ada", "--role", "admin", "--name", "Ada Lovelace",
                    input=f"{PASSWORD}\n{PASSWORD}\n")  # fmt: skip
    assert code == 0 and "Added ada (admin)." in out
    assert PASSWORD not in out  # typed, never echoed
    code, out = run("user", "add", "grace", env={"FLOWCAST_NEW_PASSWORD": PASSWORD})
    assert code == 0 and out.strip() == "Added grace (viewer)."
    assert run("user", "set-role", "grace", "lead") == (0, "grace is now lead.\n")
    assert run("user", "disable", "grace")[0] == 0
    code, out = run("user", "list", "--json")
    listed = {u["username"]: (u["role"], u["disabled"]) for u in json.loads(out)}
    assert listed == {"ada": ("admin", False), "grace": ("lead", True)}
    assert "argon2" not in out
    code, out = run("user", "set-role", "ada", "viewer")
    assert code == 1 and "last active admin" in out
    code, out = run("user", "add", "bob", input="short\nshort\n")
    assert code == 1 and "needs at least 12 characters" in out


def test_the_password_is_checked_outside_the_write_lock(
    ada: accounts.User, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """argon2 takes its time by design: while one sign-in checks a hash, another process can
    still write (seen on a 4-worker team server: 20 sign-ins at once queued behind the lock for
    over 10 s and two ended in a server error)."""
    real_verify = accounts._verify
    seen = []

    def verify_while_another_writes(password_hash: str, password: str) -> bool:
        with get_db_connection(db_path) as other:
            other.execute("PRAGMA busy_timeout = 0")
            other.execute("BEGIN IMMEDIATE")  # fails at once if the sign-in held the lock
            other.execute("ROLLBACK")
        seen.append(password)
        return real_verify(password_hash, password)

    monkeypatch.setattr(accounts, "_verify", verify_while_another_writes)
    assert accounts.authenticate("ada", PASSWORD).username == "ada"
    with pytest.raises(AuthError, match="Wrong user name or password"):
        accounts.authenticate("ada", "not the password at all")
    assert seen == [PASSWORD, "not the password at all"]
    # The failed attempt is counted, the good one cleared what came before it.
    with get_db_connection(db_path) as conn:
        assert conn.execute("SELECT count(*) FROM login_failures").fetchone()[0] == 1

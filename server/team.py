"""``flowcast serve --team``: the dashboard for a whole team, under gunicorn, signed in.

The server refuses to start without what makes it safe: a secret key (``FLOWCAST_SECRET_KEY``, or
``FLOWCAST_SECRET_KEY_FILE`` naming a file only its owner can read) of at least 32 characters,
and a way to sign in — an active admin account in ``password`` mode, or the proxy's addresses in
``proxy`` mode. Each gunicorn worker builds its own app (its own database connections); the
background jobs' cache on disk is shared by all of them.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

from data.errors import ConfigError
from data.team import accounts
from server.auth import MODES, AuthConfig

SECRET_KEY_ENV = "FLOWCAST_SECRET_KEY"
SECRET_KEY_FILE_ENV = "FLOWCAST_SECRET_KEY_FILE"
MIN_SECRET_LENGTH = 32


def secret_key() -> str:
    """The team server's secret key, or one sentence saying how to give one."""
    path = os.environ.get(SECRET_KEY_FILE_ENV)
    if path:
        file = Path(path)
        try:
            mode = file.stat().st_mode
            key = file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigError(
                f"Cannot read the secret key file {file} ({exc.strerror}); check "
                f"{SECRET_KEY_FILE_ENV}."
            ) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise ConfigError(
                f"The secret key file {file} can be read by others (mode {stat.S_IMODE(mode):o}); "
                f"make it private with chmod 600 {file}."
            )
    else:
        key = os.environ.get(SECRET_KEY_ENV, "").strip()
    if len(key) < MIN_SECRET_LENGTH:
        raise ConfigError(
            f"A team server needs a secret key of at least {MIN_SECRET_LENGTH} characters in "
            f"{SECRET_KEY_ENV} or a file named by {SECRET_KEY_FILE_ENV}; make one with "
            "`python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    return key


def team_config(
    mode: str,
    *,
    header: str = "X-Forwarded-User",
    trusted_proxies: tuple[str, ...] = (),
    secure_cookies: bool = True,
) -> AuthConfig:
    """The sign-in configuration, refused in one sentence when nobody could sign in safely."""
    if mode not in MODES:
        raise ConfigError(f"{mode!r} is not a sign-in mode; use password or proxy.")
    key = secret_key()
    if mode == "proxy" and not trusted_proxies:
        raise ConfigError(
            "Proxy sign-in needs the proxy's address: give --trusted-proxy ADDRESS (the header "
            "would otherwise be believed from anyone)."
        )
    if mode == "password" and not any(
        u.role == "admin" and not u.disabled for u in accounts.list_users()
    ):
        raise ConfigError(
            "Nobody could sign in: add an admin first with `flowcast user add NAME --role admin`."
        )
    return AuthConfig(mode, key, header, frozenset(trusted_proxies), secure_cookies)


def run_team_server(
    factory: Callable[[], Any], *, host: str, port: int, workers: int, timeout: int = 120
) -> None:
    """Serve ``factory()``'s WSGI app with gunicorn until stopped (each worker calls it)."""
    from gunicorn.app.base import BaseApplication

    class _Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers)
            self.cfg.set("timeout", timeout)
            self.cfg.set("accesslog", "-")
            # Never log a query string: a JIRA token could reach one in a mistyped URL.
            self.cfg.set("access_log_format", '%(h)s %(u)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms')

        def load(self) -> Any:
            return factory()

    _Server().run()

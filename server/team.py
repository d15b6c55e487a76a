"""``flowcast serve --team``: the dashboard for a whole team, under gunicorn, signed in.

The server refuses to start without what makes it safe: a secret key (data/secrets.py: it signs
the session cookies and seals the JIRA tokens) of at least 32 characters,
and a way to sign in — an active admin account in ``password`` mode, or the proxy's addresses in
``proxy`` mode. Each gunicorn worker builds its own app (its own database connections); the
background jobs' cache on disk is shared by all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from data.errors import ConfigError
from data.secrets import required_secret
from data.team import accounts
from server.auth import MODES, AuthConfig


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
    key = required_secret()
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

"""Sign-in for a team server (issue 14 §3): a login page, the session cookie, and a guard in
front of every request of the Dash app.

Two modes:

- ``password``: users sign in on ``/login`` with a Flowcast account (data/team/accounts.py); the
  session is Flask's signed cookie (``FLOWCAST_SECRET_KEY``), HttpOnly, SameSite=Lax, Secure
  unless the server is told it runs on plain HTTP, and lasts 12 hours.
- ``proxy``: a reverse proxy that did the sign-in (SSO) names the user in a header; the header is
  believed only from the configured proxy addresses, and the user must have an account (its
  role decides what they may do).

Anonymous requests get the login page (a page) or 401 (callbacks, downloads, assets). Every
request looks the user up again, so disabling an account or changing its role takes effect at
once. What a role may do is checked on the server too (server/permissions.py), not only hidden.
"""

from __future__ import annotations

import hmac
import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from html import escape
from urllib.parse import urlsplit

import flask
from werkzeug.wrappers import Response

from data.acting import begin_acting, end_acting
from data.errors import AuthError, FlowcastError, NotFoundError, ValidationError
from data.team import accounts
from server.permissions import required_action

log = logging.getLogger(__name__)
SIGN_IN_UNAVAILABLE = (
    "Flowcast cannot reach its team database right now; try again in a moment, or ask your "
    "admin if it keeps happening."
)

MODES = ("password", "proxy")
SESSION_HOURS = 12
LOGIN_PATH = "/login"
LOGOUT_PATH = "/logout"


@dataclass(frozen=True)
class AuthConfig:
    mode: str
    secret_key: str
    header: str = "X-Forwarded-User"
    trusted_proxies: frozenset[str] = field(default_factory=frozenset)
    secure_cookies: bool = True


def install(server: flask.Flask, config: AuthConfig) -> None:
    """Put the login routes and the guard on the Dash app's Flask server."""
    server.secret_key = config.secret_key
    server.config.update(
        SESSION_COOKIE_NAME="flowcast_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
    )
    server.config["FLOWCAST_AUTH"] = config
    if config.mode == "password":
        server.add_url_rule(LOGIN_PATH, "flowcast_login", _login, methods=["GET", "POST"])
        server.add_url_rule(LOGOUT_PATH, "flowcast_logout", _logout, methods=["POST"])
    server.before_request(_guard)
    server.teardown_request(_end_request)


def current_user() -> accounts.User | None:
    """The signed-in user of this request (None outside a request or in local mode)."""
    return flask.g.get("flowcast_user") if flask.has_request_context() else None


def _config() -> AuthConfig:
    return flask.current_app.config["FLOWCAST_AUTH"]


def _guard() -> Response | None:
    config = _config()
    if config.mode == "password" and flask.request.path == LOGIN_PATH:
        return None
    try:
        user = _proxy_user(config) if config.mode == "proxy" else _session_user()
    except FlowcastError as exc:  # the accounts cannot be read (PostgreSQL restarting): say so
        return _refuse(503, str(exc))
    if isinstance(user, Response):
        return user
    if user is None:
        if flask.request.method == "GET" and _wants_page():
            return flask.redirect(f"{LOGIN_PATH}?next={flask.request.full_path.rstrip('?')}")
        return _refuse(401, "Sign in first: this Flowcast is a team server.")
    action = required_action(flask.request)
    if action is not None:
        try:
            user.require(action)
        except FlowcastError as exc:
            return _refuse(403, str(exc))
    flask.g.flowcast_user = user
    flask.g.flowcast_acting = begin_acting(user.name, user.role)
    return None


def _end_request(_error: BaseException | None) -> None:
    token = flask.g.pop("flowcast_acting", None)
    if token is not None:
        end_acting(token)


def _session_user() -> accounts.User | None:
    username = flask.session.get("user")
    if not username:
        return None
    try:
        user = accounts.get_user(username)
    except (NotFoundError, ValidationError):  # an account removed or renamed since sign-in
        return None
    return None if user.disabled else user


def _proxy_user(config: AuthConfig) -> accounts.User | Response | None:
    if flask.request.remote_addr not in config.trusted_proxies:
        return _refuse(
            403,
            "This team server accepts requests only through its sign-in proxy; open it at the "
            "proxy's address.",
        )
    name = flask.request.headers.get(config.header, "").strip()
    if not name:
        return None
    try:
        user = accounts.get_user(name)
    except (NotFoundError, ValidationError):
        return _refuse(403, f"{name} has no Flowcast account; ask an admin to add one.")
    if user.disabled:
        return _refuse(
            403, f"The account {user.username!r} is disabled; ask an admin to enable it."
        )
    return user


def _wants_page() -> bool:
    path = flask.request.path
    return not path.startswith("/_") and "text/html" in flask.request.headers.get("Accept", "")


def _refuse(status: int, message: str) -> Response:
    response = flask.jsonify({"error": message})
    response.status_code = status
    return response


def _login() -> Response | str | tuple[str, int]:
    target = _safe_next(flask.request.values.get("next", "/"))
    if flask.request.method == "GET":
        return _login_page(target)
    expected = flask.session.get("csrf", "")
    if not expected or not hmac.compare_digest(expected, flask.request.form.get("csrf", "")):
        return _login_page(target, "The sign-in form expired; sign in again."), 400
    try:
        user = accounts.authenticate(
            flask.request.form.get("username", ""),
            flask.request.form.get("password", ""),
            flask.request.remote_addr or "",
        )
    except AuthError as exc:
        return _login_page(target, str(exc)), 401
    except FlowcastError as exc:  # the database could not be read or written: say so, on the form
        # Whoever is not signed in yet learns that, not where the database is: that is logged.
        log.warning("A sign-in could not reach the team database: %s", exc)
        return _login_page(target, SIGN_IN_UNAVAILABLE), 503
    flask.session.clear()  # a new session at sign-in: nothing from before carries over
    flask.session.permanent = True
    flask.session["user"] = user.username
    return flask.redirect(target)


def _logout() -> Response:
    flask.session.clear()
    return flask.redirect(LOGIN_PATH)


def _safe_next(target: str) -> str:
    """Only a path on this server (no scheme, no host, no '//' or backslash tricks)."""
    parts = urlsplit(target or "/")
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return "/" if "\\" in target else target


def _login_page(target: str, error: str = "") -> str:
    token = flask.session.get("csrf") or secrets.token_urlsafe(32)
    flask.session["csrf"] = token
    message = f'<p class="error" role="alert">{escape(error)}</p>' if error else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · Flowcast</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: system-ui, sans-serif; background: #f4f6f8; display: grid;
       place-items: center; min-height: 100vh; margin: 0; }}
form {{ background: #fff; padding: 2rem; border-radius: 8px; width: 20rem;
       box-shadow: 0 1px 4px rgba(0,0,0,.15); }}
label {{ display: block; margin: .8rem 0 .2rem; }}
input {{ width: 100%; padding: .5rem; box-sizing: border-box; }}
button {{ margin-top: 1.2rem; width: 100%; padding: .6rem; }}
.error {{ color: #b00020; }}
</style></head>
<body><form method="post" action="{LOGIN_PATH}">
<h1>Flowcast</h1>{message}
<input type="hidden" name="csrf" value="{escape(token)}">
<input type="hidden" name="next" value="{escape(target)}">
<label for="username">User name</label>
<input id="username" name="username" autocomplete="username" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></body></html>"""

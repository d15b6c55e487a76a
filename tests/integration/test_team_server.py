"""A team server's sign-in and role checks (issue 14 §3), over real HTTP to the real app on
127.0.0.1: anonymous requests refused, the login form, the session cookie, roles enforced on the
server for the callbacks that change things, the reverse-proxy header mode."""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator

import httpx
import pytest
from werkzeug.serving import make_server

from app import create_app
from callbacks.roles import actions_by_output
from data import plans
from data.analytics.snapshots import snapshot_weeks
from data.db.connection import get_db_connection
from data.store.sqlite_backend import SQLiteBackend
from data.team import accounts
from layouts import ids
from server.auth import AuthConfig
from tests.metrics_support import seed_team
from tests.team_support import PASSWORD, SECRET, dash_request, output_of, sign_in


def serve(config: AuthConfig) -> Iterator[tuple[str, dict[str, str]]]:
    app = create_app(config)
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", actions_by_output(app)
    finally:
        server.shutdown()
        thread.join()


@pytest.fixture
def team(backend: SQLiteBackend) -> Iterator[tuple[str, dict[str, str]]]:
    accounts.add_user("ada", PASSWORD, "admin", "Ada Lovelace")
    accounts.add_user("vic", PASSWORD, "viewer")
    accounts.add_user("lea", PASSWORD, "lead")
    # Plain HTTP in the test, so the cookie may travel without TLS; Secure is checked below.
    yield from serve(AuthConfig("password", SECRET, secure_cookies=False))


def callback(client: httpx.Client, output: str) -> httpx.Response:
    return client.post(
        "/_dash-update-component",
        json={"output": output, "outputs": [], "inputs": [], "changedPropIds": []},
    )


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/_dash-update-component"),
        ("GET", "/_dash-layout"),
        ("GET", "/_dash-dependencies"),
        ("GET", "/_dash-component-suites/dash/dash-renderer/build/dash_renderer.min.js"),
        ("GET", "/"),  # without Accept: text/html, as a script would ask
    ],
)
def test_an_anonymous_request_is_refused(team, method: str, path: str) -> None:
    base, _ = team
    answer = httpx.request(method, base + path, json={} if method == "POST" else None)
    assert answer.status_code == 401
    assert answer.json() == {"error": "Sign in first: this Flowcast is a team server."}


def test_an_anonymous_page_goes_to_the_login_form_and_back_after_it(team) -> None:
    base, _ = team
    answer = httpx.get(base + "/flow?x=1", headers={"Accept": "text/html"})
    assert answer.status_code == 302 and answer.headers["location"] == "/login?next=/flow?x=1"
    client = sign_in(base, "ada")
    login = client.last_login  # type: ignore[attr-defined]
    assert login.status_code == 302 and login.headers["location"] == "/flow"
    cookie = login.headers["set-cookie"]
    assert "flowcast_session=" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert client.get("/_dash-layout").status_code == 200


def test_a_wrong_password_stays_on_the_form_with_one_sentence(team) -> None:
    base, _ = team
    client = sign_in(base, "ada", "not the password")
    login = client.last_login  # type: ignore[attr-defined]
    assert login.status_code == 401
    assert "Wrong user name or password; check both and try again." in login.text
    assert client.get("/_dash-layout").status_code == 401


def test_a_login_without_the_form_token_is_refused(team) -> None:
    base, _ = team
    answer = httpx.post(base + "/login", data={"username": "ada", "password": PASSWORD})
    assert answer.status_code == 400 and "The sign-in form expired" in answer.text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_the_login_never_sends_a_user_to_another_site(team, target: str) -> None:
    base, _ = team
    client = httpx.Client(base_url=base)
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
    answer = client.post(
        "/login", data={"username": "ada", "password": PASSWORD, "csrf": csrf, "next": target},
        follow_redirects=False,
    )  # fmt: skip
    assert answer.headers["location"] == "/"


def test_roles_are_checked_on_the_server(team) -> None:
    base, actions = team
    fetch = output_of(actions, "fetch", "")
    sign_off = output_of(actions, "sign_off", "")
    settings = output_of(actions, "settings", "")
    viewer, lead, admin = (sign_in(base, name) for name in ("vic", "lea", "ada"))
    refused = callback(viewer, fetch)
    assert refused.status_code == 403
    assert refused.json()["error"] == (
        "vic is a viewer and cannot fetch from JIRA or run jobs; ask an admin for the lead role."
    )
    assert callback(viewer, sign_off).status_code == 403
    assert callback(lead, settings).status_code == 403
    # Allowed requests reach Dash (which then answers this empty request as it would any).
    assert callback(lead, fetch).status_code not in (401, 403)
    assert callback(admin, settings).status_code not in (401, 403)


def test_disabling_or_demoting_takes_effect_at_the_next_request(team) -> None:
    base, actions = team
    lead = sign_in(base, "lea")
    fetch = output_of(actions, "fetch", "")
    assert callback(lead, fetch).status_code not in (401, 403)
    accounts.set_role("lea", "viewer", actor="ada")
    assert callback(lead, fetch).status_code == 403
    accounts.disable_user("lea", actor="ada")
    assert lead.get("/_dash-layout").status_code == 401


def test_every_kind_of_change_is_marked_with_the_role_it_needs(team) -> None:
    _, actions = team
    assert set(actions.values()) == {"fetch", "sign_off", "plan", "settings"}
    # The callbacks a viewer must not reach, by the component they write.
    for action, component in [
        ("fetch", "fetch"),
        ("sign_off", "signoff"),
        ("plan", "plan"),
        ("settings", "restore"),
    ]:
        assert any(component in o.lower() for o, a in actions.items() if a == action), component


@pytest.fixture
def proxied(backend: SQLiteBackend) -> Callable[[frozenset[str]], Iterator]:
    accounts.add_user("ada", PASSWORD, "admin")
    return lambda proxies: serve(
        AuthConfig("proxy", SECRET, header="X-Forwarded-User", trusted_proxies=proxies)
    )


def test_the_proxy_header_is_believed_only_from_the_proxy(proxied) -> None:
    with_proxy = proxied(frozenset({"127.0.0.1"}))
    base, _ = next(with_proxy)
    try:
        assert (
            httpx.get(base + "/_dash-layout", headers={"X-Forwarded-User": "ada"}).status_code
            == 200
        )
        stranger = httpx.get(base + "/_dash-layout", headers={"X-Forwarded-User": "mallory"})
        assert stranger.status_code == 403
        assert (
            stranger.json()["error"] == "mallory has no Flowcast account; ask an admin to add one."
        )
        assert httpx.get(base + "/_dash-layout").status_code == 401
    finally:
        with_proxy.close()
    elsewhere = proxied(frozenset({"10.0.0.2"}))
    base, _ = next(elsewhere)
    try:
        answer = httpx.get(base + "/_dash-layout", headers={"X-Forwarded-User": "ada"})
        assert (
            answer.status_code == 403 and "only through its sign-in proxy" in answer.json()["error"]
        )
    finally:
        elsewhere.close()


def test_a_sign_off_on_the_team_server_names_the_signed_in_user(backend: SQLiteBackend) -> None:
    seed_team(backend)
    week = snapshot_weeks("team", "q", backfill=1)[0]
    accounts.add_user("ada", PASSWORD, "admin")
    accounts.add_user("lea", PASSWORD, "lead", "Lea Lead")
    app = create_app(AuthConfig("password", SECRET, secure_cookies=False))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        lead = sign_in(f"http://127.0.0.1:{server.server_port}", "lea")
        output = next(o for o, a in actions_by_output(app).items() if a == "sign_off")
        body = dash_request(
            app.callback_map,
            output,
            {
                ids.REVIEW_SIGNOFF_BUTTON: 1,
                ids.SELECTION: {"profile": "team", "query": "q"},
                ids.REVIEW_SIGNOFF_WEEK: week,
                ids.REVIEW_SIGNOFF_NOTES: "on track",
                ids.REVIEW_SIGNOFF_NAME: "Mallory",  # what the box says does not sign
            },
        )
        answer = lead.post("/_dash-update-component", json=body)
        assert answer.status_code == 200, answer.text
    finally:
        server.shutdown()
        thread.join()
    signed = plans.get_week_sign_off("team", "q", week)
    assert signed["approved_by"] == "Lea Lead"
    with get_db_connection(backend.db_path) as conn:
        actors = {
            r[0]
            for r in conn.execute(
                "SELECT actor FROM audit_log WHERE entity_type != 'user'"
            ).fetchall()
        }
    assert "Lea Lead" in actors and "Mallory" not in actors


def find(layout: object, component_id: str) -> dict | None:
    """The component ``component_id`` in a layout as Dash serves it (JSON), or None."""
    if isinstance(layout, list):
        return next((f for item in layout if (f := find(item, component_id))), None)
    if not isinstance(layout, dict):
        return None
    props = layout.get("props", {})
    if props.get("id") == component_id:
        return props
    return find(props.get("children"), component_id)


def page(client: httpx.Client, app_map: dict, path: str) -> object:
    output = next(o for o in app_map if o.startswith(f"{ids.PAGE}."))
    body = dash_request(
        app_map, output, {ids.URL: path, ids.SELECTION: {"profile": "team", "query": "q"}}
    )
    answer = client.post("/_dash-update-component", json=body)
    assert answer.status_code == 200, answer.text
    return answer.json()["response"][ids.PAGE]["children"]


def test_the_controls_a_role_may_not_use_are_disabled_with_the_reason(backend) -> None:
    """What the server would refuse is disabled in the page too, its tooltip saying why; what
    the role may do stays enabled; locally nothing is disabled."""
    seed_team(backend)
    accounts.add_user("ada", PASSWORD, "admin")
    accounts.add_user("vic", PASSWORD, "viewer")
    accounts.add_user("vera", PASSWORD, "viewer")
    accounts.add_user("lea", PASSWORD, "lead")
    app = create_app(AuthConfig("password", SECRET, secure_cookies=False))
    server = make_server("127.0.0.1", 0, app.server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        viewer, lead, admin = (sign_in(base, name) for name in ("vic", "lea", "ada"))
        fetch = find(viewer.get("/_dash-layout").json(), ids.HEADER_FETCH)
        assert fetch["disabled"] is True
        assert fetch["title"] == (
            "vic is a viewer and cannot fetch from JIRA or run jobs; ask an admin for the lead role."
        )
        review = page(viewer, app.callback_map, "/review")
        for control in (ids.REVIEW_SIGNOFF_BUTTON, ids.REVIEW_BACKFILL):
            assert find(review, control)["disabled"] is True, control
        assert not find(lead.get("/_dash-layout").json(), ids.HEADER_FETCH).get("disabled")
        for control in (ids.REVIEW_SIGNOFF_BUTTON, ids.REVIEW_BACKFILL):
            assert not find(page(lead, app.callback_map, "/review"), control).get("disabled")
        # The review page is kept and shared: each user still gets their own locks and reason.
        other = find(page(sign_in(base, "vera"), app.callback_map, "/review"), ids.REVIEW_BACKFILL)
        assert other["disabled"] is True and other["title"].startswith("vera is a viewer")
        assert not find(page(lead, app.callback_map, "/review"), ids.REVIEW_BACKFILL).get(
            "disabled"
        )
        restore = find(page(lead, app.callback_map, "/data"), ids.DATA_RESTORE)
        assert restore["disabled"] is True and "ask an admin for the admin role" in restore["title"]
        assert not find(page(admin, app.callback_map, "/data"), ids.DATA_RESTORE).get("disabled")
    finally:
        server.shutdown()
        thread.join()
    local = create_app()
    with local.server.test_client() as client:
        assert not find(client.get("/_dash-layout").get_json(), ids.HEADER_FETCH).get("disabled")

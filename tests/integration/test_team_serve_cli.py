"""`flowcast serve --team` (issue 14 §3): refuses to start unsafe, and serves signed-in users
under gunicorn (a real process on 127.0.0.1, real HTTP)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from cli.main import cli
from data.store.sqlite_backend import SQLiteBackend
from data.team import accounts

PASSWORD = "correct horse battery"
SECRET = "a-test-secret-key-of-enough-length-0123456789"
FLOWCAST = Path(sys.executable).with_name("flowcast")


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["serve", "--team", *args], env=env)
    return result.exit_code, result.output


@pytest.fixture
def admin(backend: SQLiteBackend) -> None:
    accounts.add_user("ada", PASSWORD, "admin")


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({}, "A team server needs a secret key of at least 32 characters in FLOWCAST_SECRET_KEY"),
        ({"FLOWCAST_SECRET_KEY": "short"}, "needs a secret key of at least 32 characters"),
    ],
)
def test_no_secret_key_no_team_server(
    admin, env: dict[str, str], message: str, monkeypatch
) -> None:
    monkeypatch.delenv("FLOWCAST_SECRET_KEY", raising=False)
    code, out = run(env=env)
    assert code == 1 and message in out


def test_a_key_file_others_can_read_is_refused(admin, tmp_path: Path) -> None:
    key = tmp_path / "secret.key"
    key.write_text(SECRET)
    key.chmod(0o644)
    code, out = run(env={"FLOWCAST_SECRET_KEY_FILE": str(key)})
    assert code == 1 and "can be read by others (mode 644); make it private with chmod 600" in out


def test_nobody_could_sign_in_so_it_does_not_start(backend: SQLiteBackend) -> None:
    code, out = run(env={"FLOWCAST_SECRET_KEY": SECRET})
    assert code == 1 and "add an admin first with `flowcast user add NAME --role admin`" in out


def test_proxy_sign_in_needs_the_proxy_address(admin) -> None:
    code, out = run("--auth", "proxy", env={"FLOWCAST_SECRET_KEY": SECRET})
    assert code == 1 and "give --trusted-proxy ADDRESS" in out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_team_server_under_gunicorn_signs_users_in(admin, data_dir: Path, tmp_path: Path) -> None:
    port = free_port()
    key = tmp_path / "secret.key"
    key.write_text(SECRET)
    key.chmod(0o600)
    env = {**os.environ, "FLOWCAST_SECRET_KEY_FILE": str(key), "FLOWCAST_DATA_DIR": str(data_dir)}
    env.pop("FLOWCAST_SECRET_KEY", None)
    server = subprocess.Popen(
        [str(FLOWCAST), "serve", "--team", "--port", str(port), "--workers", "2",
         "--insecure-cookies"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 90
        while True:
            try:
                first = httpx.get(base + "/", headers={"Accept": "text/html"})
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stdout.read()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "the team server did not start in 90 s"
                time.sleep(0.3)
        assert first.status_code == 302 and first.headers["location"].startswith("/login")
        client = httpx.Client(base_url=base)
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text).group(1)
        login = client.post(
            "/login", data={"username": "ada", "password": PASSWORD, "csrf": csrf, "next": "/"}
        )
        assert login.status_code == 302 and login.headers["location"] == "/"
        # The signed cookie holds across the two workers, whichever answers.
        for _ in range(4):
            assert client.get("/", headers={"Accept": "text/html"}).status_code == 200
            assert client.get("/_dash-layout").status_code == 200
        assert httpx.get(base + "/_dash-layout").status_code == 401
    finally:
        server.terminate()
        try:
            out, _ = server.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            out, _ = server.communicate()
    assert "Booting worker" in out and PASSWORD not in out
    assert SECRET not in out

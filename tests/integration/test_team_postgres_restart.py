"""PostgreSQL cutting a team server's connections during a page load (issue 14 §4): what a
restart does to its clients, done for real on the server side with ``pg_terminate_backend()``
of every backend of the test's own database (the shared server keeps running: other tests use
it), and a real restart of a PostgreSQL server of the test's own. The request that was cut off
answers one sentence, not a 500 traceback, and the next request works: the pool drops the dead
connections and opens new ones."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psycopg
import pytest

from app import create_app
from data.db.postgres import DATABASE_URL_ENV
from data.jira import sync as jira_sync
from data.store import set_backend
from data.team import accounts
from fakejira import FakeJira
from layouts import ids
from tests.integration.jira_support import make_profile
from tests.postgres_support import server_url
from tests.team_load import free_port, page_body, team_server
from tests.team_support import PASSWORD, sign_in

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
CUT_OFF = "closed the connection mid-request"


def flow_page_request(url: str, monkeypatch: pytest.MonkeyPatch, issues: int) -> dict:
    """Team mode on ``url`` with an admin and a viewer and one query fetched from the fake JIRA;
    returns the body of the Flow page's request."""
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    set_backend(None)
    try:
        accounts.add_user("ada", PASSWORD, "admin")
        accounts.add_user("vic", PASSWORD, "viewer")
        with FakeJira("cloud", issues=issues, seed=3, now=NOW) as fake:
            profile_id, query_id = make_profile(fake)
            jira_sync.sync(profile_id, query_id)
    finally:
        set_backend(None)  # the test's own pool closed: only the server's connections remain
    return page_body(create_app().callback_map, "/flow", {"profile": profile_id, "query": query_id})


@pytest.mark.parametrize(
    "held",
    [
        "users",  # the sign-in check every request makes first
        "query_issues",  # the page's own reads
    ],
)
def test_connections_cut_during_a_page_load_are_one_sentence_and_the_next_load_works(
    postgres_url: str, data_dir: Path, monkeypatch: pytest.MonkeyPatch, held: str
) -> None:
    body = flow_page_request(postgres_url, monkeypatch, issues=40)
    database = urlsplit(postgres_url).path.strip("/")
    with team_server(data_dir, None, web_workers=1, database_url=postgres_url) as base:
        viewer = sign_in(base, "vic", timeout=120)
        assert flow_page(viewer.post("/_dash-update-component", json=body))  # warm
        answers: list[httpx.Response] = []
        with psycopg.connect(server_url(), autocommit=True) as admin:
            holder = psycopg.connect(postgres_url, autocommit=True)
            try:
                # The page load's statement waits on a lock this test holds, so the cut lands
                # while it runs, not between two requests.
                holder.execute("BEGIN")
                holder.execute(f"LOCK TABLE {held} IN ACCESS EXCLUSIVE MODE")
                loading = threading.Thread(
                    target=lambda: answers.append(viewer.post("/_dash-update-component", json=body))
                )
                loading.start()
                until_a_backend_waits(admin, database)
                cut = admin.execute(
                    "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM "
                    "pg_stat_activity WHERE datname = %s) AS terminated",
                    (database,),
                ).fetchone()
                loading.join(timeout=120)
            finally:
                holder.close()  # cut off too (no COMMIT to send)
        assert cut is not None and cut[0] >= 2  # the waiting page load and this test's holder
        (answer,) = answers
        assert "Traceback" not in answer.text and answer.status_code != 500, answer.text
        assert CUT_OFF in answer.text, answer.text
        assert "try again in a moment (PostgreSQL may be restarting)" in answer.text
        if held == "users":
            assert answer.status_code == 503  # refused before any callback ran
        # The next page load works: new connections from the pool, the same data.
        again = viewer.post("/_dash-update-component", json=body)
        assert again.status_code == 200 and flow_page(again), again.text[:300]


def flow_page(answer: httpx.Response) -> bool:
    """Whether ``answer`` is the Flow page itself (not an alert instead of it)."""
    if answer.status_code != 200:
        return False
    page = json.dumps(answer.json().get("response", {}).get(ids.PAGE, ""))
    return "Flow" in page and CUT_OFF not in page


def until_a_backend_waits(admin: psycopg.Connection, database: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        row = admin.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            (database,),
        ).fetchone()
        if row and row[0]:
            return
        time.sleep(0.05)
    raise AssertionError(f"no statement of the page load waited in {database} within 60 s")


PG_BIN = Path("/usr/lib/postgresql/15/bin")


@dataclass(frozen=True)
class OwnServer:
    """A test's own PostgreSQL: its database's URL; ``restart``, ``stop`` and ``start`` return
    once the server accepts connections again (or has stopped)."""

    url: str
    restart: Callable[[], None]
    stop: Callable[[], None]
    start: Callable[[], None]


@pytest.fixture
def own_server() -> Iterator[OwnServer]:
    """A PostgreSQL 15 server of this test's own (initdb in a temporary folder, a free port), so
    that restarting or stopping it touches no other test's connections. Stopped and removed at
    the end, whatever happens."""
    if not (PG_BIN / "initdb").exists():
        _unavailable_binaries()
    # Not under pytest's tmp_path: the postgres account cannot enter root's 0700 folders.
    folder = Path(tempfile.mkdtemp(prefix="flowcast-pg-"))
    as_owner: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root: as the postgres account
        shutil.chown(folder, "postgres")
        as_owner = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off"

    def pg_ctl(*args: str) -> None:
        subprocess.run(
            [*as_owner, str(PG_BIN / "pg_ctl"), "-D", str(data), "-w", *args],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip

    subprocess.run(
        [*as_owner, str(PG_BIN / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
         "--no-sync"],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    # Its output to a log file: a server holding pg_ctl's pipe would keep run() waiting.
    log = str(folder / "log")
    pg_ctl("-o", options, "-l", log, "start")
    try:
        url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE flowcast")
        yield OwnServer(
            url.rsplit("/", 1)[0] + "/flowcast",
            restart=lambda: pg_ctl("-m", "fast", "-o", options, "-l", log, "restart"),
            stop=lambda: pg_ctl("-m", "fast", "stop"),
            start=lambda: pg_ctl("-o", options, "-l", log, "start"),
        )
    finally:
        try:
            pg_ctl("-m", "immediate", "stop")
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def _unavailable_binaries() -> None:
    message = f"PostgreSQL 15's server programs are not in {PG_BIN} (apt-get install postgresql)."
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def test_a_real_restart_during_a_page_load_is_one_sentence_and_the_next_load_works(
    own_server: OwnServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL itself restarts (pg_ctl restart -m fast: every session ended, the server down
    and up again) while a page load's statement runs."""
    url = own_server.url
    body = flow_page_request(url, monkeypatch, issues=40)
    with team_server(data_dir, None, web_workers=1, database_url=url) as base:
        viewer = sign_in(base, "vic", timeout=120)
        assert flow_page(viewer.post("/_dash-update-component", json=body))  # warm
        answers: list[httpx.Response] = []
        holder = psycopg.connect(url, autocommit=True)
        try:
            holder.execute("BEGIN")
            holder.execute("LOCK TABLE query_issues IN ACCESS EXCLUSIVE MODE")
            loading = threading.Thread(
                target=lambda: answers.append(viewer.post("/_dash-update-component", json=body))
            )
            loading.start()
            with psycopg.connect(url, autocommit=True) as watcher:
                until_a_backend_waits(watcher, "flowcast")
            own_server.restart()  # returns once the server accepts connections again
            loading.join(timeout=120)
        finally:
            holder.close()
        (answer,) = answers
        assert "Traceback" not in answer.text and answer.status_code != 500, answer.text
        assert CUT_OFF in answer.text, answer.text
        again = viewer.post("/_dash-update-component", json=body)
        assert again.status_code == 200 and flow_page(again), again.text[:300]


def test_pages_while_postgresql_is_down_are_one_sentence_and_work_once_it_is_back(
    own_server: OwnServer, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL stopped between two page loads: the sign-in check cannot get a connection and
    says so in one sentence (503) after the pool's wait, not a 500; started again, pages work."""
    body = flow_page_request(own_server.url, monkeypatch, issues=20)
    with team_server(data_dir, None, web_workers=1, database_url=own_server.url) as base:
        viewer = sign_in(base, "vic", timeout=120)
        assert flow_page(viewer.post("/_dash-update-component", json=body))
        own_server.stop()
        try:
            down = viewer.post("/_dash-update-component", json=body)
            signing_in = sign_in(base, "vic", timeout=120).last_login  # type: ignore[attr-defined]
        finally:
            own_server.start()
        # Someone not signed in yet is told to try again, not where the database is.
        assert signing_in.status_code == 503
        assert "cannot reach its team database right now; try again in a moment" in signing_in.text
        assert "127.0.0.1" not in signing_in.text and "database flowcast" not in signing_in.text
        assert down.status_code == 503, down.text
        assert down.json()["error"].startswith("PostgreSQL (database flowcast on 127.0.0.1:")
        assert "gave this server no connection within 10 s; try again in a moment" in down.text
        again = viewer.post("/_dash-update-component", json=body)
        assert again.status_code == 200 and flow_page(again), again.text[:300]

"""A team server's Fetch runs on a Celery worker through the real Redis (issue 14 §2): the server
only queues the job; `flowcast worker`, another process, syncs the query from the fake JIRA and
the job's record goes to completed, as with the local manager."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from werkzeug.serving import make_server

from app import CELERY_EXTENSION, create_app
from callbacks.roles import actions_by_output
from data.db.postgres import DATABASE_URL_ENV
from data.jira import sync as jira_sync
from data.jobs import INTERRUPTED, job_progress
from data.store import get_backend, set_backend
from data.store.sqlite_backend import SQLiteBackend
from data.team import accounts
from fakejira import FakeJira
from layouts import ids
from server.auth import AuthConfig
from tests.integration.jira_support import make_profile
from tests.team_load import start_job, start_worker, team_server, worker_dir
from tests.team_support import (
    PASSWORD,
    SECRET,
    dash_request,
    fake_count,
    output_of,
    sign_in,
    wait_for,
)

FLOWCAST = Path(sys.executable).with_name("flowcast")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_two_apps_on_one_queue_each_queue_their_own_jobs(
    backend: SQLiteBackend, redis_url: str
) -> None:
    """Two apps in one process on the same Redis (tests build many; `worker_celery` builds one)
    each queue a Fetch: on one Celery app shared by both, the second app's job was refused as a
    duplicate task name and its click answered nothing."""
    with FakeJira("cloud", issues=10, seed=5, now=NOW) as fake:
        for deployment in ("auto", "cloud"):  # a profile each (the name says the deployment)
            profile_id, query_id = make_profile(fake, deployment=deployment)
            app = create_app(redis_url=redis_url)
            fetch = output_of(actions_by_output(app), "fetch", ids.HEADER_FETCH_RESULT)
            values = {
                ids.HEADER_FETCH: 1,
                ids.SELECTION: {"profile": profile_id, "query": query_id},
                ids.HEADER_FULL_FETCH: [],
                ids.DATA_VERSION: 0,
            }
            queued = app.server.test_client().post(
                "/_dash-update-component", json=dash_request(app.callback_map, fetch, values)
            )
            assert queued.status_code == 200, queued.text
            assert "job" in queued.get_json()  # Dash's answer for a job handed to the manager
            assert app.server.extensions[CELERY_EXTENSION].conf.broker_url == redis_url


def test_a_fetch_on_the_team_server_runs_on_a_celery_worker(
    backend: SQLiteBackend, data_dir: Path, redis_url: str
) -> None:
    accounts.add_user("lea", PASSWORD, "lead")
    with FakeJira("cloud", issues=60, seed=5, now=NOW) as fake:
        profile_id, query_id = make_profile(fake)
        worker = subprocess.Popen(
            [str(FLOWCAST), "worker", "--redis-url", redis_url, "--concurrency", "1"],
            env={**os.environ, "FLOWCAST_DATA_DIR": str(data_dir)},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        app = create_app(AuthConfig("password", SECRET, secure_cookies=False), redis_url)
        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            lead = sign_in(f"http://127.0.0.1:{server.server_port}", "lea")
            output = next(
                o
                for o, a in actions_by_output(app).items()
                if a == "fetch" and ids.HEADER_FETCH_RESULT in o
            )
            body = dash_request(
                app.callback_map,
                output,
                {
                    ids.HEADER_FETCH: 1,
                    ids.SELECTION: {"profile": profile_id, "query": query_id},
                    ids.HEADER_FULL_FETCH: [],
                    ids.DATA_VERSION: 0,
                },
            )
            queued = lead.post("/_dash-update-component", json=body)
            assert queued.status_code == 200, queued.text
            assert "job" in queued.json()  # Dash's answer for a job handed to the manager
            deadline = time.monotonic() + 120
            record = None
            while time.monotonic() < deadline:
                record = backend.get_task_progress(jira_sync.task_name(profile_id, query_id))
                if record and record["status"] in ("completed", "failed"):
                    break
                assert worker.poll() is None, worker.stdout.read()  # type: ignore[union-attr]
                time.sleep(0.5)
            assert record is not None and record["status"] == "completed", record
        finally:
            server.shutdown()
            thread.join()
            worker.terminate()
            try:
                out, _ = worker.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                out, _ = worker.communicate()
    assert "background_callback_" in out  # the task ran in the worker process
    with backend.session() as conn:
        stored = conn.execute(
            "SELECT count(*) FROM query_issues WHERE profile_id = ? AND query_id = ?",
            (profile_id, query_id),
        ).fetchone()[0]
    assert stored == 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def callback_named(app, name: str, first_input: str) -> str:
    """The callback_map key of the callback ``name`` whose first input is ``first_input``."""
    return next(
        output
        for output, spec in app.callback_map.items()
        if getattr(spec.get("callback"), "__name__", None) == name
        and spec["inputs"][0]["id"] == first_input
    )


def test_with_redis_down_a_fetch_is_refused_at_once_and_the_pages_still_read(
    backend: SQLiteBackend, data_dir: Path
) -> None:
    """Nothing listens on the queue's port: the click is refused in one sentence (no pending
    record left behind, no job queued), and a page still renders from the stored data."""
    accounts.add_user("lea", PASSWORD, "lead")
    down = f"redis://127.0.0.1:{free_port()}/0"
    with FakeJira("cloud", issues=20, seed=5, now=NOW) as fake:
        profile_id, query_id = make_profile(fake)
        app = create_app(AuthConfig("password", SECRET, secure_cookies=False), down)
        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            lead = sign_in(f"http://127.0.0.1:{server.server_port}", "lea")
            values = {
                ids.HEADER_FETCH: 1,
                ids.SELECTION: {"profile": profile_id, "query": query_id},
                ids.HEADER_FULL_FETCH: [],
                ids.DATA_VERSION: 0,
            }
            fetch = output_of(actions_by_output(app), "fetch", ids.HEADER_FETCH_RESULT)
            announce = callback_named(app, "_announce", ids.HEADER_FETCH)
            # The click's announce callback answers with the alert (the app's on_error)…
            answer = lead.post(
                "/_dash-update-component", json=dash_request(app.callback_map, announce, values)
            )
            assert answer.status_code == 200, answer.text
            alert = json.dumps(answer.json()["sideUpdate"])
            assert "The job queue (Redis at 127.0.0.1:" in alert, alert
            assert "does not answer, so no job can start; start Redis" in alert
            # …and the job's own request is refused before Celery is asked (Dash's "no update").
            answer = lead.post(
                "/_dash-update-component", json=dash_request(app.callback_map, fetch, values)
            )
            assert answer.status_code == 204, answer.text
            assert backend.get_task_progress(jira_sync.task_name(profile_id, query_id)) is None
            page = lead.post(
                "/_dash-update-component",
                json=dash_request(
                    app.callback_map,
                    callback_named(app, "_page", ids.URL),
                    {ids.URL: "/flow", ids.SELECTION: values[ids.SELECTION]},
                ),
            )
            assert page.status_code == 200, page.text
            assert "Flow" in json.dumps(page.json()["response"][ids.PAGE]), page.text[:300]
        finally:
            server.shutdown()
            thread.join()


def stored_issues(backend: SQLiteBackend, profile_id: str, query_id: str) -> list[tuple]:
    with backend.session() as conn:
        rows = conn.execute(
            "SELECT q.issue_key, i.fields, i.fetched_at FROM query_issues q JOIN issues i "
            "ON i.profile_id = q.profile_id AND i.issue_key = q.issue_key "
            "WHERE q.profile_id = ? AND q.query_id = ? ORDER BY q.issue_key",
            (profile_id, query_id),
        ).fetchall()
    return [tuple(row) for row in rows]


def test_a_worker_killed_mid_sync_leaves_the_record_interrupted_and_the_data_intact(
    backend: SQLiteBackend, data_dir: Path, redis_url: str
) -> None:
    """kill -9 of a worker (its whole process group) during a full refresh, five times: each
    time the record reads as interrupted, the lock is free for the next run and the previous
    sync's data is what it was; a sixth run on a fresh worker then completes."""
    accounts.add_user("lea", PASSWORD, "lead")
    with FakeJira("cloud", issues=300, seed=5, now=NOW) as fake:
        profile_id, query_id = make_profile(fake)
        jira_sync.sync(profile_id, query_id)
        before = stored_issues(backend, profile_id, query_id)
        assert len(before) == 300
        task = jira_sync.task_name(profile_id, query_id)
        fake.latency_ms = 500  # each request to JIRA now takes half a second
        app = create_app(AuthConfig("password", SECRET, secure_cookies=False), redis_url)
        server = make_server("127.0.0.1", 0, app.server, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        fetch = output_of(actions_by_output(app), "fetch", ids.HEADER_FETCH_RESULT)
        values = {
            ids.HEADER_FETCH: 1,
            ids.SELECTION: {"profile": profile_id, "query": query_id},
            ids.HEADER_FULL_FETCH: True,
            ids.DATA_VERSION: 0,
        }
        try:
            lead = sign_in(f"http://127.0.0.1:{server.server_port}", "lea")
            for attempt in range(6):
                worker = start_worker(redis_url, data_dir, dict(os.environ))
                try:
                    queued = lead.post(
                        "/_dash-update-component",
                        json=dash_request(app.callback_map, fetch, values),
                    )
                    assert "job" in queued.json(), queued.text
                    if attempt == 5:  # a sixth worker, left alone, completes the run
                        fake.latency_ms = 0
                        wait_for(backend, task, ("completed",))
                        break
                    # Mid-sync: talking to JIRA, before "Saving" (the sync has 0–80 % of the
                    # bar, its reads the first 85 % of that).
                    running = wait_for(backend, task, ("running",), percent=(0, 60))
                    assert running["status"] == "running"
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait(timeout=30)
                    until_group_gone(worker.pid)  # its pool process too
                    shown = job_progress(task)
                    assert shown is not None and shown["status"] == "failed", shown
                    assert shown["message"] == INTERRUPTED
                    assert stored_issues(backend, profile_id, query_id) == before
                finally:
                    stop_worker(worker)
        finally:
            server.shutdown()
            thread.join()
    after = stored_issues(backend, profile_id, query_id)
    assert [row[0] for row in after] == [row[0] for row in before]


def until_group_gone(pgid: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            os.killpg(pgid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.05)
    raise AssertionError(f"process group {pgid} still alive 30 s after kill -9")


def stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()


def test_a_team_server_and_workers_on_postgresql_sync_one_query_at_a_time(
    postgres_url: str, data_dir: Path, redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`flowcast serve --team` (gunicorn) and a `flowcast worker` on "another machine" (its own
    data directory), sharing only the PostgreSQL database and Redis: a lead's Fetch through the
    Dash endpoint runs on the worker and Cancel stops it with nothing written; while it runs, a sync of the same query from a third machine is refused (the
    advisory lock); pressed again, it completes and the team database holds what JIRA counts."""
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_url)
    set_backend(None)
    store = get_backend()
    accounts.add_user("ada", PASSWORD, "admin")
    accounts.add_user("lea", PASSWORD, "lead")
    elsewhere = data_dir / "third-machine"
    elsewhere.mkdir()
    try:
        with FakeJira("cloud", issues=300, seed=5, now=NOW) as fake:
            profile_id, query_id = make_profile(fake)
            task = jira_sync.task_name(profile_id, query_id)
            app = create_app()  # the server's callbacks, for the requests' bodies
            actions = actions_by_output(app)
            fetch = output_of(actions, "fetch", ids.HEADER_FETCH_RESULT)
            cancel = output_of(actions, "fetch", ids.HEADER_CANCEL_RESULT)
            values = {
                ids.HEADER_FETCH: 1,
                ids.HEADER_CANCEL: 1,
                ids.SELECTION: {"profile": profile_id, "query": query_id},
                ids.HEADER_FULL_FETCH: True,
                ids.DATA_VERSION: 0,
            }
            fake.latency_ms = 2000  # each request to JIRA takes seconds: the job can be cancelled
            with team_server(
                data_dir, redis_url, web_workers=2, job_workers=1, database_url=postgres_url
            ) as base:
                lead = sign_in(base, "lea", timeout=120)
                start_job(lead, app.callback_map, fetch, values)
                wait_for(store, task, ("running",))  # on the worker, reading from JIRA
                answer = lead.post(
                    "/_dash-update-component",
                    json=dash_request(app.callback_map, cancel, values),
                )
                assert answer.status_code == 200 and "Cancelling" in answer.text, answer.text
                cancelled = wait_for(store, task, ("cancelled", "completed", "failed"))
                assert cancelled["status"] == "cancelled", cancelled
                assert team_count(postgres_url, profile_id, query_id) == 0  # nothing written
                fake.latency_ms = 5000  # time for a third machine to try the same sync
                start_job(lead, app.callback_map, fetch, values)
                wait_for(store, task, ("running",))
                contender = subprocess.run(
                    [str(FLOWCAST), "fetch", "--profile", profile_id, "--query", query_id,
                     "--quiet"],
                    env={**os.environ, "FLOWCAST_DATA_DIR": str(elsewhere),
                         DATABASE_URL_ENV: postgres_url},
                    capture_output=True, text=True, timeout=120,
                )  # fmt: skip
                assert contender.returncode != 0, contender.stdout
                assert f"Query {query_id!r} of profile {profile_id!r} is already syncing" in (
                    contender.stdout + contender.stderr
                )
                running = store.get_task_progress(task)
                assert running["status"] == "running", running  # the worker's run, untouched
                fake.latency_ms = 0
                done = wait_for(store, task, ("completed", "failed", "cancelled"))
            assert done["status"] == "completed", done
            assert team_count(postgres_url, profile_id, query_id) == fake_count(
                fake, "project = DEMO"
            )
    finally:
        set_backend(None)  # its pool closed before the database is dropped
    # The worker ran on PostgreSQL alone: no SQLite file on its machine or the third one.
    assert not (worker_dir(data_dir, 0) / "profiles" / "burndown.db").exists()
    assert not (elsewhere / "profiles" / "burndown.db").exists()


def team_count(url: str, profile_id: str, query_id: str) -> int:
    """The query's issues in the team database, read with a connection of the test's own."""
    with psycopg.connect(url) as pg:
        row = pg.execute(
            "SELECT count(*) FROM query_issues q JOIN issues i ON i.profile_id = q.profile_id "
            "AND i.issue_key = q.issue_key WHERE q.profile_id = %s AND q.query_id = %s",
            (profile_id, query_id),
        ).fetchone()
    return int(row[0])

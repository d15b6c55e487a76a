"""A team server's Fetch runs on a Celery worker through the real Redis (issue 14 §2): the server
only queues the job; `flowcast worker`, another process, syncs the query from the fake JIRA and
the job's record goes to completed, as with the local manager."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from werkzeug.serving import make_server

from app import create_app
from callbacks.roles import actions_by_output
from data.jira import sync as jira_sync
from data.store.sqlite_backend import SQLiteBackend
from data.team import accounts
from fakejira import FakeJira
from layouts import ids
from server.auth import AuthConfig
from tests.integration.jira_support import make_profile
from tests.integration.test_team_server import PASSWORD, SECRET, dash_request, sign_in

FLOWCAST = Path(sys.executable).with_name("flowcast")
NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


@pytest.fixture
def redis_url() -> str:
    url = f"redis://127.0.0.1:6379/{random.randint(1, 15)}"
    try:
        redis.Redis.from_url(url).flushdb()
    except redis.ConnectionError as exc:
        message = f"Redis is not reachable at {url} ({exc}); start Redis 7 on 127.0.0.1:6379."
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield url
    redis.Redis.from_url(url).flushdb()


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

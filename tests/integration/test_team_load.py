"""Twenty users on a team server while leads' jobs run (issue 14 §4): `flowcast serve --team`
under gunicorn (2 workers) and two `flowcast worker` processes on the real Redis; 20 signed-in
users (httpx, a bounded loop) switch pages and queries while two full fetches and a backfill run
on the workers. Every answer is 200, every job completes, and no row is lost: each query holds
what the fake JIRA itself counts for its JQL. On both engines: the server's SQLite file (workers
on its machine), and a PostgreSQL team database (each worker with a data directory of its own,
as on another machine)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from app import create_app
from callbacks.roles import actions_by_output
from data.db.postgres import DATABASE_URL_ENV
from data.jira import sync as jira_sync
from data.jobs import backfill_task
from data.profiles import manager as pm
from data.store import get_backend, set_backend
from data.store.sql_backend import SQLBackend
from data.team import accounts
from fakejira import FakeJira
from layouts import ids
from tests.integration.jira_support import make_profile
from tests.team_load import simulate_users, start_job, team_server
from tests.team_support import PASSWORD, fake_count, sign_in, wait_for

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
USERS = [f"user{n:02d}" for n in range(1, 21)]
QUERIES = {"all": "project = DEMO", "bugs": "project = DEMO AND issuetype = Bug"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[SQLBackend, str | None]]:
    """The store the server, the workers and the test share, and the team database's URL (None:
    the SQLite file in the data directory)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("backend"), None
        return
    url = request.getfixturevalue("postgres_url")
    monkeypatch.setenv(DATABASE_URL_ENV, url)
    set_backend(None)
    store = get_backend()
    assert isinstance(store, SQLBackend)
    yield store, url
    set_backend(None)  # its pool closed before the database is dropped


def stored_count(backend: SQLBackend, profile_id: str, query_id: str) -> int:
    with backend.session() as conn:
        return conn.execute(
            "SELECT count(*) FROM query_issues WHERE profile_id = ? AND query_id = ?",
            (profile_id, query_id),
        ).fetchone()[0]


def test_twenty_users_switch_pages_while_two_fetches_and_a_backfill_run(
    engine: tuple[SQLBackend, str | None],
    data_dir: Path,
    redis_url: str,
) -> None:
    backend, database_url = engine
    accounts.add_user("ada", PASSWORD, "admin")  # a team server needs one to start
    accounts.add_user("lea", PASSWORD, "lead")
    for name in USERS:
        accounts.add_user(name, PASSWORD, "viewer")
    with FakeJira("cloud", issues=300, seed=11, now=NOW) as fake:
        profile_id, all_id = make_profile(fake, jql=QUERIES["all"])
        bugs_id = pm.create_query(profile_id, "Bugs", QUERIES["bugs"])
        for query_id in (all_id, bugs_id):
            jira_sync.sync(profile_id, query_id)
        selections = [{"profile": profile_id, "query": q} for q in (all_id, bugs_id)]
        app = create_app()  # the same callbacks as the server's, for the requests' bodies
        actions = actions_by_output(app)
        fetch = next(o for o, a in actions.items() if a == "fetch" and ids.HEADER_FETCH_RESULT in o)
        backfill = next(o for o, a in actions.items() if ids.REVIEW_BACKFILL_RESULT in o)
        fake.latency_ms = 100  # the jobs run for a while, under the users' load
        with team_server(
            data_dir, redis_url, web_workers=2, job_workers=2, database_url=database_url
        ) as base:
            lead = sign_in(base, "lea", timeout=120)
            for selection in selections:
                start_job(lead, app.callback_map, fetch, {
                    ids.HEADER_FETCH: 1, ids.SELECTION: selection,
                    ids.HEADER_FULL_FETCH: True, ids.DATA_VERSION: 0,
                })  # fmt: skip
            start_job(lead, app.callback_map, backfill, {
                ids.REVIEW_BACKFILL: 1, ids.SELECTION: selections[0],
                ids.REVIEW_BACKFILL_WEEKS: "12", ids.REVIEW_WEEKS: 12,
            })  # fmt: skip
            outcome = simulate_users(
                base, USERS, app.callback_map, selections, rounds=2, pages=("/", "/flow", "/review")
            )
            tasks = [jira_sync.task_name(profile_id, q) for q in (all_id, bugs_id)]
            tasks.append(backfill_task(profile_id, all_id))
            records = [wait_for(backend, task, ("completed", "failed")) for task in tasks]
        assert outcome.errors == []
        assert len(outcome.timings) == 20 * 2 * 3
        assert outcome.failed() == []
        assert [r["status"] for r in records] == ["completed"] * 3, records
        assert records[0]["details"]["mode"] == "full"
        for query_id, name in ((all_id, "all"), (bugs_id, "bugs")):
            assert stored_count(backend, profile_id, query_id) == fake_count(fake, QUERIES[name])

"""Concurrent create_version: 8 threads, then 2 processes, on one WAL database file and on one
PostgreSQL database.

Each writer saves versions with content unique to it, so every call must produce a version; at the
end the version numbers must be exactly 1..N with none lost and none duplicated.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from pathlib import Path

import pytest

from data import plans
from data.store import get_backend
from data.store.postgres_backend import PostgresBackend
from data.store.sql_backend import SQLBackend
from tests.integration.plans_support import make_query, plan_document

VERSIONS_PER_THREAD = 15
VERSIONS_PER_PROCESS = 30


def write_versions(plan_id: str, writer: str, count: int) -> list[int]:
    made = []
    for n in range(count):
        version = plans.create_version(
            plan_id, plan_document(writer=writer, n=n), f"{writer} #{n}", actor=writer
        )
        assert version is not None
        made.append(version)
    return made


def process_writer(
    data_dir: str, database_url: str | None, plan_id: str, writer: str, count: int
) -> list[int]:
    os.environ["FLOWCAST_DATA_DIR"] = data_dir
    if database_url:
        os.environ["FLOWCAST_DATABASE_URL"] = database_url
    return write_versions(plan_id, writer, count)


@pytest.fixture
def backend(both_engines: SQLBackend) -> SQLBackend:
    """Every test here runs on the SQLite file and on a PostgreSQL database."""
    return both_engines


@pytest.fixture
def plan_id(backend: SQLBackend) -> str:
    query = make_query()
    return plans.create_plan(*query, "Release 2.0", plan_document())


def stored_versions(plan_id: str) -> list[tuple[int, str]]:
    with get_backend().session() as conn:
        return [
            (r[0], r[1])
            for r in conn.execute(
                "SELECT version, change_summary FROM plan_versions WHERE plan_id = ? ORDER BY version",
                (plan_id,),
            )
        ]


def assert_contiguous(plan_id: str, expected_total: int, returned: list[int]) -> None:
    versions = stored_versions(plan_id)
    assert [v for v, _ in versions] == list(range(1, expected_total + 1))
    assert sorted(returned) == list(range(2, expected_total + 1))  # each call got its own number
    current = plans.get_current_plan(plan_id)
    assert current["version"] == expected_total
    # The head row holds the document of the newest version, not of a version that lost a race.
    assert (
        current["content_hash"]
        == plans.get_specific_version(plan_id, expected_total)["content_hash"]
    )


def test_eight_threads_never_share_or_lose_a_version(plan_id: str) -> None:
    results: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def run(writer: str) -> None:
        try:
            barrier.wait()
            results[writer] = write_versions(plan_id, writer, VERSIONS_PER_THREAD)
        except BaseException as exc:  # surfaced below with the writer's name
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(f"t{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    returned = [v for made in results.values() for v in made]
    assert_contiguous(plan_id, 1 + 8 * VERSIONS_PER_THREAD, returned)
    # Every writer's versions are there, in that writer's order.
    summaries = [s for _, s in stored_versions(plan_id)]
    for writer in results:
        mine = [s for s in summaries if s.startswith(f"{writer} #")]
        assert mine == [f"{writer} #{n}" for n in range(VERSIONS_PER_THREAD)]


def test_two_processes_never_share_or_lose_a_version(
    plan_id: str, backend: SQLBackend, data_dir: Path
) -> None:
    url = backend.url if isinstance(backend, PostgresBackend) else None
    context = multiprocessing.get_context("spawn")
    with context.Pool(2) as pool:
        jobs = [
            pool.apply_async(
                process_writer, (str(data_dir), url, plan_id, f"p{i}", VERSIONS_PER_PROCESS)
            )
            for i in range(2)
        ]
        returned = [v for job in jobs for v in job.get(timeout=120)]
    assert_contiguous(plan_id, 1 + 2 * VERSIONS_PER_PROCESS, returned)

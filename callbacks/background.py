"""The manager that runs long jobs (fetch, backfill, migration) in their own processes.

Dash's ``DiskcacheManager`` forks the server for every job. The server is multi-threaded and
every thread uses SQLite, so a fork can copy a mutex some other thread holds at that instant; the
child then blocks forever on its first query (seen as a fetch stuck before 0%). Jobs here start
in a fresh interpreter instead ("spawn": about a second of imports, nothing inherited but the
environment, which carries the data directory). They are daemons: stopping the server stops them,
and a stopped job leaves the data as they were (each job writes in one transaction at its end).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import multiprocess
from dash import DiskcacheManager

from data.private_files import private_cache

_SPAWN = multiprocess.get_context("spawn")


class SpawningDiskcacheManager(DiskcacheManager):
    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> int:
        process = _SPAWN.Process(
            target=job_fn,
            args=(key, self._make_progress_key(key), args, context),
            daemon=True,
        )
        process.start()
        return process.pid


def background_manager(directory: Path, redis_url: str | None = None) -> Any:
    """The app's manager, its results cache in ``directory``: a job's result is the page content
    it returns (issue keys and summaries), so the cache's folder is 0700 and its files 0600.

    With ``redis_url`` (a team server, docs/team.md) jobs run on Celery workers instead
    (``flowcast worker``), Redis their broker and result store: Dash's documented CeleryManager."""
    if redis_url:
        from dash import CeleryManager

        return CeleryManager(celery_app(redis_url))
    return SpawningDiskcacheManager(private_cache(directory))


@cache
def celery_app(redis_url: str) -> Any:
    """The Celery app of a team's job queue (one per process and URL: the manager registers each
    background callback on it as a task, and ``flowcast worker`` runs those tasks)."""
    from celery import Celery

    app = Celery("flowcast", broker=redis_url, backend=redis_url)
    app.conf.update(
        broker_connection_retry_on_startup=True,
        result_expires=3600,
        task_acks_late=False,  # a job killed mid-run is not run again: its record says interrupted
        worker_prefetch_multiplier=1,  # one long job per worker process at a time
    )
    return app

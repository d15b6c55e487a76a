"""The manager that runs long jobs (fetch, backfill, migration) in their own processes.

Dash's ``DiskcacheManager`` forks the server for every job. The server is multi-threaded and
every thread uses SQLite, so a fork can copy a mutex some other thread holds at that instant; the
child then blocks forever on its first query (seen as a fetch stuck before 0%). Jobs here start
in a fresh interpreter instead ("spawn": about a second of imports, nothing inherited but the
environment, which carries the data directory). They are daemons: stopping the server stops them,
and a stopped job leaves the data as they were (each job writes in one transaction at its end).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import flask
import multiprocess
from dash import CeleryManager, DiskcacheManager

from data.errors import FlowcastError
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
        return QueueCheckingCeleryManager(celery_app(redis_url), redis_url)
    return SpawningDiskcacheManager(private_cache(directory))


# Where a team server's Flask config names its job queue (app.create_app sets it), so the click
# that announces a job can refuse it before writing a pending record.
JOB_QUEUE_KEY = "FLOWCAST_JOB_QUEUE"
QUEUE_TIMEOUT_S = 2.0


class JobQueueDown(FlowcastError):
    """The team's Redis does not answer: no job can be queued (the pages still read)."""


def check_job_queue(redis_url: str) -> None:
    """Raise JobQueueDown unless the Redis at ``redis_url`` answers a PING within two seconds
    (Celery would otherwise retry publishing for minutes while the click waits)."""
    import redis

    try:
        with redis.Redis.from_url(
            redis_url, socket_connect_timeout=QUEUE_TIMEOUT_S, socket_timeout=QUEUE_TIMEOUT_S
        ) as client:
            client.ping()
    except redis.RedisError:
        where = urlsplit(redis_url)
        raise JobQueueDown(
            f"The job queue (Redis at {where.hostname}:{where.port or 6379}) does not answer, so "
            "no job can start; start Redis or ask your admin, then try again (the pages still "
            "show the stored data)."
        ) from None


def check_this_servers_queue() -> None:
    """Inside a request: ``check_job_queue`` for the team server's queue; nothing locally."""
    redis_url = flask.current_app.config.get(JOB_QUEUE_KEY) if flask.has_app_context() else None
    if redis_url:
        check_job_queue(redis_url)


class QueueCheckingCeleryManager(CeleryManager):
    """Dash's CeleryManager, refusing a job at once (one sentence, through the app's
    ``on_error``) when Redis is down instead of hanging the request in Celery's retries."""

    def __init__(self, celery: Any, redis_url: str) -> None:
        super().__init__(celery)
        self.redis_url = redis_url

    def call_job_fn(self, key: str, job_fn: Any, args: Any, context: Any) -> Any:
        check_job_queue(self.redis_url)
        return super().call_job_fn(key, job_fn, args, context)


def celery_app(redis_url: str) -> Any:
    """A Celery app on a team's job queue. Each Dash app has its own (its manager registers each
    background callback on it as a task; ``flowcast worker`` runs those of the app it builds):
    a second app in one process registering the same task names on a shared one would reach
    the first app's callables."""
    from celery import Celery

    app = Celery("flowcast", broker=redis_url, backend=redis_url)
    app.conf.update(
        broker_connection_retry_on_startup=True,
        result_expires=3600,
        task_acks_late=False,  # a job killed mid-run is not run again: its record says interrupted
        worker_prefetch_multiplier=1,  # one long job per worker process at a time
    )
    return app

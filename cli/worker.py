"""``flowcast worker``: run a team server's long jobs (fetch, backfill, migration) on Celery."""

from __future__ import annotations

import click

REDIS_URL_ENV = "FLOWCAST_REDIS_URL"


@click.command()
@click.option(
    "--redis-url",
    envvar=REDIS_URL_ENV,
    required=True,
    metavar="URL",
    help=f"The team's Redis (redis://host:6379/0), as the server's; default ${REDIS_URL_ENV}.",
)
@click.option("--concurrency", default=2, show_default=True, type=click.IntRange(1, 64))
def worker(redis_url: str, concurrency: int) -> None:
    """Run a team server's long jobs (Fetch, backfill, migration) as a Celery worker."""
    from app import worker_celery

    worker_celery(redis_url).worker_main(
        ["worker", f"--concurrency={concurrency}", "--loglevel=INFO", "--without-gossip",
         "--without-mingle", "--hostname=flowcast@%h"]
    )  # fmt: skip

"""``flowcast serve``: run the dashboard on this machine, or for a team (``--team``)."""

from __future__ import annotations

import os

import click

from data.db.postgres import DATABASE_URL_ENV, check_url


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it local)."
)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Dash debug mode (never on a shared network).")
@click.option("--no-demo", is_flag=True, help="Do not start the built-in demo JIRA server.")
@click.option(
    "--team",
    is_flag=True,
    help="Serve a team under gunicorn, everyone signed in (docs/team.md); needs "
    "FLOWCAST_SECRET_KEY and an admin account.",
)
@click.option("--workers", default=4, show_default=True, type=click.IntRange(1, 64))
@click.option(
    "--auth",
    "auth_mode",
    type=click.Choice(["password", "proxy"]),
    default="password",
    show_default=True,
    help="Team sign-in: Flowcast accounts, or a sign-in proxy's header.",
)
@click.option("--auth-header", default="X-Forwarded-User", show_default=True)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    multiple=True,
    metavar="ADDRESS",
    help="The sign-in proxy's address (repeat for several); --auth proxy needs it.",
)
@click.option(
    "--insecure-cookies",
    is_flag=True,
    help="Let the session cookie travel over plain HTTP (only behind a TLS-terminating proxy "
    "on the same host, or for a trial).",
)
@click.option(
    "--redis-url",
    envvar="FLOWCAST_REDIS_URL",
    default=None,
    metavar="URL",
    help="A team server's jobs run on `flowcast worker` processes through this Redis "
    "(default $FLOWCAST_REDIS_URL; without it each server worker runs its own jobs).",
)
@click.option(
    "--database-url",
    envvar=DATABASE_URL_ENV,
    default=None,
    metavar="URL",
    help="Run on a PostgreSQL team database (postgresql://user@host:5432/db; default "
    f"${DATABASE_URL_ENV}, else the local SQLite file).",
)
def serve(
    host: str,
    port: int,
    debug: bool,
    no_demo: bool,
    team: bool,
    workers: int,
    auth_mode: str,
    auth_header: str,
    trusted_proxies: tuple[str, ...],
    insecure_cookies: bool,
    redis_url: str | None,
    database_url: str | None,
) -> None:
    """Start the dashboard on http://HOST:PORT."""
    if database_url:
        # The app, its callbacks' store and every gunicorn worker read it from the environment.
        os.environ[DATABASE_URL_ENV] = check_url(database_url)
    if not team:
        from app import run_server

        run_server(host=host, port=port, debug=debug, demo=not no_demo)
        return
    from app import team_app
    from data.ops.startup import prepare_store
    from server.team import run_team_server, team_config

    prepare_store()  # once, before the workers start
    config = team_config(
        auth_mode,
        header=auth_header,
        trusted_proxies=trusted_proxies,
        secure_cookies=not insecure_cookies,
    )
    click.echo(
        f"Flowcast team server on http://{host}:{port} ({workers} workers, {auth_mode} sign-in)"
    )
    run_team_server(lambda: team_app(config, redis_url), host=host, port=port, workers=workers)

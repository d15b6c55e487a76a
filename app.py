"""Composition only: build the Dash app, its background-callback manager, layout and callbacks."""

from __future__ import annotations

from typing import Any

from dash import Dash
from flask import Flask

from callbacks import register_callbacks
from callbacks.background import JOB_QUEUE_KEY, background_manager
from callbacks.errors import on_unexpected_error
from callbacks.roles import CONTROLS_KEY, actions_by_output, controls_by_action
from callbacks.shell import select_on_first_start, serve_layout
from data.analytics.loading import warm_active_profile_in_background
from data.locations import get_cache_dir
from data.ops.startup import keep_store_open, prepare_store
from demo import DEMO_PROFILE_ID, DEMO_QUERIES, start_demo
from server import auth
from server.permissions import ACTIONS_KEY

# Where a team app keeps its Celery app (the one its background callbacks are registered on).
CELERY_EXTENSION = "flowcast_celery"


def create_app(team: auth.AuthConfig | None = None, redis_url: str | None = None) -> Dash:
    """The Dash app on the current data directory (``FLOWCAST_DATA_DIR``), database ready;
    ``team``: a team server, every request signed in and checked against the user's role;
    ``redis_url``: long jobs run on Celery workers through that Redis (``flowcast worker``)."""
    prepare_store()
    manager = background_manager(get_cache_dir() / "background", redis_url)
    app = Dash(
        __name__,
        title="Flowcast",
        background_callback_manager=manager,
        suppress_callback_exceptions=True,
        on_error=on_unexpected_error,
    )
    app.layout = serve_layout
    app.server.config[JOB_QUEUE_KEY] = redis_url
    app.server.extensions[CELERY_EXTENSION] = getattr(manager, "handle", None)
    register_callbacks(app)
    if team is not None:
        auth.install(app.server, team)
        app.server.config[ACTIONS_KEY] = actions_by_output(app)
        app.server.config[CONTROLS_KEY] = controls_by_action(app)
    return app


def team_app(config: auth.AuthConfig, redis_url: str | None = None) -> Flask:
    """The WSGI app of one team-server worker (gunicorn calls this in each worker)."""
    app = create_app(config, redis_url)
    keep_store_open()
    warm_active_profile_in_background()
    return app.server


def worker_celery(redis_url: str) -> Any:
    """The Celery app ``flowcast worker`` runs: the same app as the server's is built first, so
    every background callback is registered on it as a task."""
    return create_app(redis_url=redis_url).server.extensions[CELERY_EXTENSION]


def run_server(
    host: str = "127.0.0.1", port: int = 8050, debug: bool = False, demo: bool = True
) -> None:
    """Serve on ``host:port`` (loopback by default); ``demo`` starts the built-in fake JIRA and
    points the Demo profile at it for as long as the server runs."""
    app = create_app()
    keep_store_open()  # per-callback connections then close without a WAL checkpoint each time
    fake = None
    if demo:
        fake = start_demo()
        select_on_first_start(DEMO_PROFILE_ID, DEMO_QUERIES[0][0])
    warm_active_profile_in_background()
    try:
        # The reloader would start a second fake JIRA in its child process.
        app.run(host=host, port=port, debug=debug, use_reloader=False)
    finally:
        if fake is not None:
            fake.stop()

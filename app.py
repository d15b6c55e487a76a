"""Composition only: build the Dash app, its background-callback manager, layout and callbacks."""

from __future__ import annotations

import diskcache
from dash import Dash, DiskcacheManager

from callbacks import register_callbacks
from callbacks.errors import on_unexpected_error
from callbacks.shell import serve_layout
from data.settings import get_data_dir
from data.startup import prepare_data_dir


def create_app() -> Dash:
    """The Dash app on the current data directory (``FLOWCAST_DATA_DIR``), database ready."""
    prepare_data_dir()
    cache = diskcache.Cache(str(get_data_dir() / "cache" / "background"))
    app = Dash(
        __name__,
        title="Flowcast",
        background_callback_manager=DiskcacheManager(cache),
        suppress_callback_exceptions=True,
        on_error=on_unexpected_error,
    )
    app.layout = serve_layout
    register_callbacks(app)
    return app


def run_server(
    host: str = "127.0.0.1", port: int = 8050, debug: bool = False, demo: bool = True
) -> None:
    app = create_app()
    app.run(host=host, port=port, debug=debug)

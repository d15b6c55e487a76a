"""Composition only: build the Dash app, its layout and callbacks, and run it on 127.0.0.1."""

from __future__ import annotations

from dash import Dash

from data import profile_manager
from data.startup import prepare_data_dir
from layouts.home import home_layout


def _serve_layout():
    profiles = profile_manager.list_profiles()
    for p in profiles:
        p["queries"] = profile_manager.list_queries(p["id"])
    return home_layout(profiles)


def create_app() -> Dash:
    prepare_data_dir()
    app = Dash(__name__, title="Flowcast")
    app.layout = _serve_layout
    return app


def run_server(
    host: str = "127.0.0.1", port: int = 8050, debug: bool = False, demo: bool = True
) -> None:
    app = create_app()
    app.run(host=host, port=port, debug=debug)

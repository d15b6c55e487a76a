"""``flowcast serve``: run the dashboard on this machine."""

from __future__ import annotations

import click


@click.command()
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to bind (keep it local)."
)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Dash debug mode (never on a shared network).")
@click.option("--no-demo", is_flag=True, help="Do not start the built-in demo JIRA server.")
def serve(host: str, port: int, debug: bool, no_demo: bool) -> None:
    """Start the dashboard on http://HOST:PORT."""
    from app import run_server

    run_server(host=host, port=port, debug=debug, demo=not no_demo)

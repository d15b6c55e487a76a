"""Page adapter (waiting for its data module)."""

from __future__ import annotations

from typing import Any

from dash import Dash

from layouts.common import not_available


def render(profile_id: str | None, query_id: str | None) -> Any:
    return not_available("This page")


def register(app: Dash) -> None:
    """No interactive parts yet."""

"""Thin adapters between the page components and the data package, one module per page."""

from __future__ import annotations

from dash import Dash


def register_callbacks(app: Dash) -> None:
    from callbacks import (
        alerts,
        data_page,
        dora,
        flow,
        forecast,
        guide,
        header,
        plans,
        report_download,
        review,
        settings,
        settings_health,
        settings_mappings,
        shell,
        sprints,
        table_csv,
    )

    for page in (
        shell,
        alerts,
        header,
        report_download,
        forecast,
        guide,
        sprints,
        flow,
        dora,
        review,
        plans,
        settings,
        settings_mappings,
        settings_health,
        data_page,
        table_csv,
    ):
        page.register(app)

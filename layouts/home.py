"""The start page: profiles and their queries."""

from __future__ import annotations

from typing import Any

from dash import html

from layouts import ids


def home_layout(profiles: list[dict[str, Any]]) -> html.Div:
    items = [
        html.Li(
            [
                html.Strong(p["name"]),
                html.Ul([html.Li(f"{q['name']}: {q['jql']}") for q in p["queries"]]),
            ]
        )
        for p in profiles
    ]
    return html.Div(
        [
            html.H1("Flowcast"),
            html.P("Profiles and queries in this data directory."),
            html.Ul(items, id=ids.HOME_PROFILES)
            if items
            else html.P("No profiles yet.", id=ids.HOME_PROFILES),
        ],
        className="container",
    )

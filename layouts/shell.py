"""The page frame: navigation, header, alerts, and the slot the current page renders into."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.guide import GUIDE_PATH

PAGES: list[tuple[str, str]] = [
    ("/", "Forecast"),
    ("/sprints", "Sprints"),
    ("/flow", "Flow"),
    ("/dora", "DORA"),
    ("/review", "Weekly review"),
    ("/plans", "Plans"),
    ("/settings", "Settings"),
    ("/data", "Data"),
    (GUIDE_PATH, "Guide"),
]


def navbar() -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(label, href=path, active="exact")) for path, label in PAGES]
    return dbc.Navbar(
        dbc.Container(
            [
                dbc.NavbarBrand("Flowcast", href="/"),
                dbc.Nav(links, navbar=True, id=ids.NAV),
                dbc.Switch(
                    id=ids.THEME_SWITCH,
                    label="Dark",
                    value=False,
                    persistence=True,
                    className="ms-auto mb-0 text-light",
                ),
            ],
            fluid=True,
        ),
        color="primary",
        dark=True,
        className="mb-2",
    )


def shell_layout(
    header: html.Div, selection: dict[str, str | None], alerts: Any = None
) -> html.Div:
    return html.Div(
        [
            dcc.Location(id=ids.URL),
            dcc.Store(id=ids.SELECTION, data=selection),
            dcc.Store(id=ids.SELECTION_VERSION, data=0),
            dcc.Store(id=ids.DATA_VERSION, data=0),
            dcc.Store(id=ids.FORECAST_UNIT_STORE, storage_type="local"),
            navbar(),
            dbc.Container(
                [
                    header,
                    html.Div(alerts, id=ids.ALERTS),
                    # Only the page swap shows the spinner; in-page callbacks must not cover the forms.
                    dcc.Loading(
                        html.Div(id=ids.PAGE),
                        delay_show=400,
                        type="dot",
                        target_components={ids.PAGE: "children"},
                    ),
                ],
                fluid=True,
            ),
        ]
    )

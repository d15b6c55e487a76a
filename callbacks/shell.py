"""The frame: first layout, the profile/query selection shared by every page, the page router."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Any

import dash_bootstrap_components as dbc
import orjson
from dash import Dash, Input, Output, State, ctx, html, no_update
from dash.development.base_component import Component
from plotly.io.json import to_json_plotly

from callbacks import data_page, dora, flow, forecast, guide, plans, review, settings, sprints
from callbacks.errors import alert_for, alert_on_error
from callbacks.roles import lock_controls
from callbacks.selection import named_downloads
from callbacks.sync_status import sync_text
from data.errors import FlowcastError
from data.profiles import manager as profile_manager
from data.store import get_backend
from layouts import ids
from layouts.guide import GUIDE_PATH
from layouts.header import header_layout
from layouts.shell import shell_layout

Selection = dict[str, str | None]

PAGE_RENDERERS: dict[str, Callable[[str | None, str | None], Any]] = {
    "/": forecast.render,
    "/sprints": sprints.render,
    "/flow": flow.render,
    "/dora": dora.render,
    "/review": review.render,
    "/plans": plans.render,
    "/settings": settings.render,
    "/data": data_page.render,
    GUIDE_PATH: guide.render,
}


def _header(selected: profile_manager.Selected) -> tuple[Any, ...]:
    """Profiles, their values, queries, selection and last-sync text, from one ``select``."""
    selection = {"profile": selected.profile_id, "query": selected.query_id}
    last_sync = sync_text(selected.sync_state) if selected.query_id else ""
    return selected.profiles, selected.queries, selection, last_sync


def select_on_first_start(profile_id: str, query_id: str) -> None:
    """Make ``profile_id``/``query_id`` the selection when nothing was ever selected (the demo's
    landing query on a new user's first start)."""
    if get_backend().get_app_state("active_profile_id") is None:
        profile_manager.switch_to(profile_id, query_id)


def serve_layout() -> html.Div:
    """The whole page for a fresh load (a function, so each load reads current data)."""
    try:
        selected = profile_manager.select(None, None, stored=True, remember=False)
        profiles, queries, selection, last_sync = _header(selected)
    except FlowcastError as exc:
        profiles, queries, selection, last_sync = [], [], {"profile": None, "query": None}, ""
        problem = alert_for(exc)
    else:
        problem = None
    header = header_layout(profiles, queries, selection["profile"], selection["query"], last_sync)
    return lock_controls(shell_layout(header, selection, problem))


def _options(items: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [{"label": item["name"], "value": item["id"]} for item in items]


def update_selection(
    trigger: str | None,
    profile_value: str | None,
    query_value: str | None,
    current: Selection | None,
) -> tuple[Any, ...]:
    """Selector options/values, the selection store, last-sync text and the three alert slots
    (shell, fetch result, Cancel answer: cleared when the user picks another profile or query)
    after a change.

    A profile change picks that profile's most recently used query; a version bump (profiles or
    queries edited in Settings) re-reads the stored active selection.
    """
    if trigger == ids.SELECTION_VERSION:
        selected = profile_manager.select(None, None, stored=True)
    elif trigger == ids.HEADER_PROFILE:
        selected = profile_manager.select(profile_value, None)
    else:
        selected = profile_manager.select(profile_value, query_value)
    profiles, queries, selection, last_sync = _header(selected)
    changed = selection != (current or {})
    # A choice made by hand ends what the alerts said about the previous profile or query
    # (a version bump comes from an action whose own alert must stay).
    cleared = None if trigger in (ids.HEADER_PROFILE, ids.HEADER_QUERY) and changed else no_update
    return (
        _options(profiles),
        selection["profile"],
        _options(queries),
        selection["query"],
        selection if changed else no_update,
        last_sync,
        cleared,
        cleared,
        cleared,
    )


@alert_on_error()
def render_page(
    pathname: str | None, selection: Selection | None, forecast_unit: str | None = None
) -> Any:
    """The page at ``pathname`` for the selection; the Forecast page in ``forecast_unit``."""
    renderer = PAGE_RENDERERS.get(pathname or "/")
    if renderer is None:
        return dbc.Alert(
            f"There is no page at {pathname}; pick one from the menu.", color="warning"
        )
    selection = selection or {}
    extra = (forecast_unit,) if renderer is forecast.render else ()
    # One connection for every read of the page (some 20 otherwise: on a team database each a
    # pool checkout with its liveness check): a warm page costs about a fifth less CPU.
    with get_backend().session(), named_downloads(selection.get("profile"), selection.get("query")):
        return renderer(selection.get("profile"), selection.get("query"), *extra)


UNIT_CHANGE = f"{ids.FORECAST_UNIT_STORE}.data"


def page_update(
    triggers: list[str],
    pathname: str | None,
    selection: Selection | None,
    forecast_unit: str | None,
) -> Any:
    """The page callback (``triggers``: the changed ``id.prop`` names): a Forecast unit change
    alone (this tab's switch, or another tab's through local storage) re-renders only the
    Forecast page; any other page keeps its state. On a page load the store reports its stored
    value together with the URL, and the page renders."""
    if triggers == [UNIT_CHANGE] and (pathname or "/") != "/":
        return no_update
    return lock_controls(render_page(pathname, selection, forecast_unit))


# The JSON of each page tree answered, for as long as the tree lives: a page kept for later
# (report.kept, report.per_context, cache.get_page) is encoded once instead of on every request
# (the Flow page: some 17 ms of its ~20). A kept tree never changes (lock_controls copies what it
# locks), so its JSON stays right; a tree drawn for one request is dropped with its JSON.
_encoded: weakref.WeakKeyDictionary[Component, orjson.Fragment] = weakref.WeakKeyDictionary()
_encoded_lock = threading.Lock()


def encoded(page: Any) -> Any:
    """``page`` (a component, a list of them, or no_update) with each component as its JSON,
    which Dash's encoder (plotly's, on orjson) puts into the answer as it is."""
    if isinstance(page, list):
        return [encoded(item) for item in page]
    if not isinstance(page, Component):
        return page
    with _encoded_lock:
        found = _encoded.get(page)
    if found is None:
        found = orjson.Fragment(to_json_plotly(page))
        with _encoded_lock:
            _encoded[page] = found
    return found


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.HEADER_PROFILE, "options"),
        Output(ids.HEADER_PROFILE, "value"),
        Output(ids.HEADER_QUERY, "options"),
        Output(ids.HEADER_QUERY, "value"),
        Output(ids.SELECTION, "data"),
        Output(ids.HEADER_LAST_SYNC, "children"),
        Output(ids.ALERTS, "children", allow_duplicate=True),
        Output(ids.HEADER_FETCH_RESULT, "children", allow_duplicate=True),
        Output(ids.HEADER_CANCEL_RESULT, "children", allow_duplicate=True),
        Input(ids.HEADER_PROFILE, "value"),
        Input(ids.HEADER_QUERY, "value"),
        Input(ids.SELECTION_VERSION, "data"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def _selection(profile_value, query_value, _version, current):
        return update_selection(ctx.triggered_id, profile_value, query_value, current)

    @app.callback(
        Output(ids.PAGE, "children"),
        Input(ids.URL, "pathname"),
        Input(ids.SELECTION, "data"),
        Input(ids.DATA_VERSION, "data"),
        Input(ids.FORECAST_UNIT_STORE, "data"),
    )
    def _page(pathname, selection, _data_version, forecast_unit):
        page = page_update(list(ctx.triggered_prop_ids), pathname, selection, forecast_unit)
        return encoded(page)

    app.clientside_callback(
        """function(dark) {
            document.documentElement.setAttribute('data-bs-theme', dark ? 'dark' : 'light');
            return window.dash_clientside.no_update;
        }""",
        Output(ids.THEME_SWITCH, "id"),
        Input(ids.THEME_SWITCH, "value"),
    )

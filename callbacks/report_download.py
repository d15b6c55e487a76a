"""The header's "Download report": the standalone HTML report of the selected query, as
``flowcast report --html`` writes it, handed to the browser as one file."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from callbacks.errors import ALERT, alert_on_error
from callbacks.selection import profile_without_queries
from data.analytics.report_bundle import build_report_bundle
from layouts import ids
from layouts.common import info_alert, no_selection
from layouts.exports import export_name
from layouts.report_html import report_html


@alert_on_error(no_update, ALERT)
def download_report(selection: dict[str, Any] | None) -> tuple[Any, Any]:
    """(the file for dcc.Download, the alert: none when the report was made)."""
    profile_id = (selection or {}).get("profile")
    query_id = (selection or {}).get("query")
    if not profile_id or not query_id:
        name = profile_without_queries(profile_id)
        if name is not None:
            return no_update, no_selection(name)
        return no_update, info_alert("Choose a profile and a query to download their report.")
    bundle = build_report_bundle(profile_id, query_id, per_item=False)
    filename = export_name(bundle.profile_name, bundle.query_name, "report", bundle.today)
    return {"content": report_html(bundle), "filename": f"{filename}.html",
            "type": "text/html"}, None  # fmt: skip


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.HEADER_REPORT_DOWNLOAD, "data"),
        Output(ids.HEADER_REPORT_RESULT, "children"),
        Input(ids.HEADER_REPORT, "n_clicks"),
        State(ids.SELECTION, "data"),
        running=[(Output(ids.HEADER_REPORT, "disabled"), True, False)],
        prevent_initial_call=True,
    )
    def _download(n_clicks, selection):
        if not n_clicks:  # the header re-rendered, nobody pressed it
            return no_update, no_update
        return download_report(selection)

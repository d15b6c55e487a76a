"""Every table's "Download CSV": the file the table carries (``layouts.common.csv_download``),
handed to the browser without a round trip to the server."""

from __future__ import annotations

from dash import MATCH, Dash, Input, Output, State

from layouts import ids


def register(app: Dash) -> None:
    app.clientside_callback(
        """function(clicks, file) {
            return clicks && file ? file : window.dash_clientside.no_update;
        }""",
        Output(ids.table_csv_download(MATCH), "data"),
        Input(ids.table_csv(MATCH), "n_clicks"),
        State(ids.table_csv_data(MATCH), "data"),
        prevent_initial_call=True,
    )

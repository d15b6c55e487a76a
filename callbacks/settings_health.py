"""Settings → Health thresholds: the bounds of each health signal, shown and saved with the
profile (``forecast_settings.health_thresholds``); shares are entered in percent."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from callbacks.errors import ALERT, alert_on_error
from callbacks.roles import requires
from callbacks.selection import named_downloads
from data.errors import ValidationError
from data.metrics.health import SIGNALS
from data.metrics.mappings import mappings_from_profile
from data.profiles import manager as profile_manager
from layouts import ids
from layouts.common import csv_file, success_alert
from layouts.health import THRESHOLD_COLUMNS, THRESHOLDS_CSV, threshold_records


def threshold_rows(profile: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per signal with its bounds as the profile uses them (defaults where unset)."""
    thresholds = mappings_from_profile(profile).health_thresholds
    rows = []
    for name, rule in SIGNALS.items():
        green, amber = thresholds.of(name)
        percent = rule.kind == "share"
        rows.append(
            {
                "signal": name,
                "dimension": rule.dimension.capitalize(),
                "label": rule.label,
                "higher": rule.higher,
                "percent": percent,
                "green": round(green * 100, 4) if percent else green,
                "amber": round(amber * 100, 4) if percent else amber,
            }
        )
    return rows


@alert_on_error(ALERT, no_update)
def save_thresholds(
    profile_id: str | None, entered: list[tuple[dict[str, str], Any]]
) -> tuple[Any, Any]:
    """Save the bounds ``entered`` ((input id, value) per input, as the page sends them); the
    whole set is checked first (``update_mappings``) and nothing is saved when one is wrong.
    (the alert, the table's CSV file with the saved bounds)."""
    if not profile_id:
        raise ValidationError("Choose a profile first; the thresholds are saved with it.")
    thresholds: dict[str, dict[str, float]] = {}
    for component, value in entered:
        name, bound = component["signal"], component["bound"]
        rule = SIGNALS[name]
        if value is None or value == "":
            raise ValidationError(
                f"The {bound} bound of {rule.label} is empty or out of range; enter a number."
            )
        number = float(value)
        thresholds.setdefault(name, {})[bound] = number / 100 if rule.kind == "share" else number
    profile = profile_manager.update_mappings(
        profile_id, {"forecast_settings": {"health_thresholds": thresholds}}
    )
    records = threshold_records(threshold_rows(profile))
    return success_alert("Saved the health thresholds."), csv_file(
        THRESHOLDS_CSV, THRESHOLD_COLUMNS, records
    )


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.SETTINGS_HEALTH_RESULT, "children"),
        Output(ids.table_csv_data(THRESHOLDS_CSV), "data"),
        Input(ids.SETTINGS_HEALTH_SAVE, "n_clicks"),
        State(ids.health_threshold(ALL, ALL), "value"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    @requires("settings")
    def _save(_n, values, selection):
        components = [item["id"] for item in ctx.states_list[0]]
        selection = selection or {}
        with named_downloads(selection.get("profile"), selection.get("query")):
            return save_thresholds(
                selection.get("profile"), list(zip(components, values, strict=True))
            )

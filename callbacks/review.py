"""Weekly review adapters: snapshot trends, backfill (a background job) and week sign-off."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from callbacks.errors import alert_for
from data import plans, profile_manager
from data.errors import FlowcastError
from data.metrics import report
from data.plans.artifacts import WEEKLY_REVIEW_PHASE
from layouts import ids
from layouts.common import info_alert, no_selection, success_alert
from layouts.review import DEFAULT_WEEKS, review_content, review_layout, signoff_items

BACKFILL_WEEKS = 26


def _deadline(profile_id: str) -> str | None:
    return (profile_manager.get_profile(profile_id).get("forecast_settings") or {}).get("deadline")


def _signoffs(profile_id: str, query_id: str) -> list[dict[str, Any]]:
    return plans.list_approved_artifacts(profile_id, query_id, phase=WEEKLY_REVIEW_PHASE)


def render(profile_id: str | None, query_id: str | None) -> Any:
    if not profile_id or not query_id:
        return no_selection()
    review = report.weekly_review(profile_id, query_id, DEFAULT_WEEKS)
    return review_layout(review, _deadline(profile_id), _signoffs(profile_id, query_id))


def show_weeks(selection: dict[str, Any] | None, weeks: int) -> Any:
    profile_id, query_id = (selection or {}).get("profile"), (selection or {}).get("query")
    if not profile_id or not query_id:
        return no_selection()
    try:
        review = report.weekly_review(profile_id, query_id, int(weeks or DEFAULT_WEEKS))
        return review_content(review, _deadline(profile_id))
    except FlowcastError as exc:
        return alert_for(exc)


def sign_off(
    selection: dict[str, Any] | None, week: str | None, notes: str | None
) -> tuple[Any, Any]:
    """(alert, refreshed sign-off list) after signing off ``week`` with ``notes``."""
    profile_id, query_id = (selection or {}).get("profile"), (selection or {}).get("query")
    if not week:
        return info_alert(
            "There is no snapshot week to sign off; backfill the snapshots first."
        ), no_update
    try:
        plans.sign_off_week(profile_id, query_id, week, notes or "")
        return success_alert(f"Signed off {week}."), signoff_items(_signoffs(profile_id, query_id))
    except FlowcastError as exc:
        return alert_for(exc), no_update


def backfill(selection: dict[str, Any] | None, data_version: int | None) -> tuple[Any, Any]:
    """The background job: recompute the last BACKFILL_WEEKS weekly snapshots."""
    profile_id, query_id = (selection or {}).get("profile"), (selection or {}).get("query")
    try:
        weeks = report.snapshot_weeks(profile_id, query_id, backfill=BACKFILL_WEEKS)
    except FlowcastError as exc:
        return alert_for(exc), data_version
    return success_alert(f"Stored snapshots for {weeks[0]} to {weeks[-1]}."), (
        data_version or 0
    ) + 1


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.REVIEW_CONTENT, "children"),
        Input(ids.REVIEW_WEEKS, "value"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def _weeks(weeks, selection):
        return show_weeks(selection, weeks)

    @app.callback(
        Output(ids.REVIEW_SIGNOFF_RESULT, "children"),
        Output(ids.REVIEW_SIGNOFFS, "children"),
        Input(ids.REVIEW_SIGNOFF_BUTTON, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.REVIEW_SIGNOFF_WEEK, "value"),
        State(ids.REVIEW_SIGNOFF_NOTES, "value"),
        prevent_initial_call=True,
    )
    def _sign_off(_n, selection, week, notes):
        return sign_off(selection, week, notes)

    # Inputs and outputs all live on this page, so prevent_initial_call holds when it is rendered
    # (an output outside the page would make Dash run the job on every visit).
    @app.callback(
        Output(ids.REVIEW_BACKFILL_RESULT, "children"),
        Output(ids.REVIEW_CONTENT, "children", allow_duplicate=True),
        Input(ids.REVIEW_BACKFILL, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.REVIEW_WEEKS, "value"),
        background=True,
        running=[(Output(ids.REVIEW_BACKFILL, "disabled"), True, False)],
        prevent_initial_call=True,
    )
    def _backfill(_n, selection, weeks_shown):
        return backfill(selection, weeks_shown)

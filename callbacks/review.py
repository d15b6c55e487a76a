"""Weekly review adapters: snapshot trends, backfill (a background job with progress and Cancel,
shown in every tab from its ``task_progress`` record) and week sign-off."""

from __future__ import annotations

from typing import Any

from dash import Dash, Input, Output, State, no_update

from callbacks.errors import ALERT, alert_on_error
from callbacks.jobs import (
    PageJob,
    register_cancel_and_poll,
    running,
)
from callbacks.roles import requires
from callbacks.selection import missing_selection, named_downloads
from data import plans
from data.acting import acting_user
from data.analytics import cache, snapshots
from data.analytics.report import frozen
from data.errors import TaskCancelled
from data.jobs import ProgressCallback, backfill_task
from data.plans.approved import approved_plan, missing_deadline_note
from data.plans.artifacts import WEEKLY_REVIEW_PHASE
from data.profiles import people
from layouts import ids
from layouts.common import csv_file, info_alert, success_alert
from layouts.exports import current_names
from layouts.review import (
    DEFAULT_BACKFILL_WEEKS,
    DEFAULT_WEEKS,
    SIGNOFF_COLUMNS,
    SIGNOFFS_CSV,
    review_content,
    review_layout,
    signoff_items,
    signoff_records,
)


def _deadline(profile_id: str, query_id: str) -> tuple[str | None, str]:
    """The approved plan's deadline (the one source) and what to say without one."""
    plan = approved_plan(profile_id, query_id)
    return (plan.deadline if plan else None), missing_deadline_note(plan)


def _signoffs(profile_id: str, query_id: str) -> list[dict[str, Any]]:
    return plans.list_approved_artifacts(profile_id, query_id, phase=WEEKLY_REVIEW_PHASE)


def render(profile_id: str | None, query_id: str | None) -> Any:
    """Drawn once per stored snapshots, deadline, sign-offs, signer and download names, then
    kept in this process (``cache.get_page``): a later render of the same data is that page."""
    if not profile_id or not query_id:
        return missing_selection(profile_id)
    stored, zone = snapshots.stored_snapshots(profile_id, query_id, DEFAULT_WEEKS)
    deadline, note = _deadline(profile_id, query_id)
    signoffs = _signoffs(profile_id, query_id)
    signer = people.display_name()
    key = ("review page", frozen(stored), zone, deadline, note, frozen(signoffs), signer)
    key += (current_names(),)
    page = cache.get_page(key)
    if page is None:
        review = snapshots.review_from_snapshots(stored, zone)
        page = review_layout(review, deadline, signoffs, signer, note)
        cache.put_page(key, page)
    return page


@alert_on_error()
def show_weeks(selection: dict[str, Any] | None, weeks: int) -> Any:
    profile_id, query_id = (selection or {}).get("profile"), (selection or {}).get("query")
    if not profile_id or not query_id:
        return missing_selection(profile_id)
    review = snapshots.weekly_review(profile_id, query_id, int(weeks or DEFAULT_WEEKS))
    with named_downloads(profile_id, query_id):
        return review_content(review, *_deadline(profile_id, query_id))


@alert_on_error(ALERT, no_update, no_update)
def sign_off(
    selection: dict[str, Any] | None, week: str | None, notes: str | None, name: str | None = None
) -> tuple[Any, Any, Any]:
    """(alert, refreshed sign-off list, its CSV file) after ``name`` signed off ``week`` with
    ``notes``; the name is remembered for the next sign-off."""
    profile_id, query_id = (selection or {}).get("profile"), (selection or {}).get("query")
    if not week:
        return (
            info_alert("There is no snapshot week to sign off; backfill the snapshots first."),
            no_update,
            no_update,
        )
    signer = (
        acting_user()  # a team server's signed-in user signs, whatever the box says
        or (people.display_name() if name is None else people.remember_display_name(name))
    )
    signed = plans.sign_off_week(profile_id, query_id, week, notes or "", actor=signer)
    signoffs = _signoffs(profile_id, query_id)
    with named_downloads(profile_id, query_id):
        listed = csv_file(SIGNOFFS_CSV, SIGNOFF_COLUMNS, signoff_records(signoffs))
    return success_alert(_signed_message(week, signed)), signoff_items(signoffs), listed


def _signed_message(week: str, signed: dict[str, Any]) -> str:
    if not signed["re_signed"]:
        return f"Signed off {week}."
    if signed["notes_kept"]:
        return f"Re-signed {week}; the notes box was empty, so the earlier notes were kept."
    if signed["approval_notes"]:
        return f"Re-signed {week}; the new notes replace the earlier ones."
    return f"Re-signed {week}."


def backfill_task_of(selection: dict[str, Any] | None) -> str | None:
    profile_id, query_id = (selection or {}).get("profile"), (selection or {}).get("query")
    return backfill_task(profile_id, query_id) if profile_id and query_id else None


BACKFILL = PageJob(ids.BACKFILL_JOB, backfill_task_of, "backfill", "the week it is computing")


@alert_on_error(ALERT, no_update)
def backfill(
    selection: dict[str, Any] | None,
    weeks: int | str | None,
    weeks_shown: int | None,
    progress: ProgressCallback | None = None,
) -> tuple[Any, Any]:
    """The background job: recompute the last ``weeks`` weekly snapshots, with progress per
    week; (alert, the review redrawn from the new snapshots)."""
    profile_id, query_id = (selection or {}).get("profile"), (selection or {}).get("query")
    if not profile_id or not query_id:
        return missing_selection(profile_id), no_update
    try:
        stored = snapshots.backfill_snapshots(
            profile_id, query_id, int(weeks or DEFAULT_BACKFILL_WEEKS), progress
        )
    except TaskCancelled:
        return info_alert("Backfill cancelled; the snapshots are unchanged."), no_update
    return (
        success_alert(f"Stored snapshots for {stored[0]} to {stored[-1]}."),
        show_weeks(selection, weeks_shown or DEFAULT_WEEKS),
    )


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
        Output(ids.table_csv_data(SIGNOFFS_CSV), "data"),
        Input(ids.REVIEW_SIGNOFF_BUTTON, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.REVIEW_SIGNOFF_WEEK, "value"),
        State(ids.REVIEW_SIGNOFF_NOTES, "value"),
        State(ids.REVIEW_SIGNOFF_NAME, "value"),
        prevent_initial_call=True,
    )
    @requires("sign_off")
    def _sign_off(_n, selection, week, notes, name):
        return sign_off(selection, week, notes, name)

    # Inputs and outputs all live on this page, so prevent_initial_call holds when it is rendered
    # (an output outside the page would make Dash run the job on every visit).
    @app.callback(
        Output(ids.REVIEW_BACKFILL_RESULT, "children"),
        Output(ids.REVIEW_CONTENT, "children", allow_duplicate=True),
        Input(ids.REVIEW_BACKFILL, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.REVIEW_BACKFILL_WEEKS, "value"),
        State(ids.REVIEW_WEEKS, "value"),
        background=True,
        running=running(ids.BACKFILL_JOB),
        prevent_initial_call=True,
    )
    @requires("fetch")
    def _backfill(_n, selection, weeks, weeks_shown):
        return backfill(selection, weeks, weeks_shown)

    register_cancel_and_poll(app, BACKFILL)

"""Plans page adapters: create/edit (new versions), submit/approve/reject, rollback, diff."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.errors import ALERT, alert_on_error
from callbacks.plan_baseline import baseline_series, query_plan
from callbacks.roles import requires
from callbacks.selection import missing_selection, named_downloads
from data import plans
from data.errors import ValidationError
from data.plans.plan_document import PLAN_TYPES, check_dates
from data.profiles import manager as profile_manager
from layouts import ids
from layouts.common import notice_alert, success_alert
from layouts.plans import diff_table, plans_body, plans_layout

HISTORY_LIMIT = 50


def _page_parts(profile_id: str, query_id: str) -> tuple[Any, ...]:
    plan = query_plan(profile_id, query_id)
    history = plans.get_version_history(plan["id"], HISTORY_LIMIT) if plan else []
    query = profile_manager.get_query(profile_id, query_id)
    drawn = plan is not None and baseline_series(profile_id, query_id) is not None
    return plan, history, f"{query['name']} plan", PLAN_TYPES, drawn


def render(profile_id: str | None, query_id: str | None) -> Any:
    if not profile_id or not query_id:
        return missing_selection(profile_id)
    return plans_layout(*_page_parts(profile_id, query_id))


def render_body(profile_id: str, query_id: str) -> list[Any]:
    """The page's content after an action (its result slot stays)."""
    with named_downloads(profile_id, query_id):
        return plans_body(*_page_parts(profile_id, query_id))


def save_plan(
    profile_id: str,
    query_id: str,
    name: str | None,
    plan_type: str | None,
    items: Any,
    deadline: str | None,
    summary: str | None,
) -> str:
    """Create the query's plan, or write its next version; returns what happened."""
    if items not in (None, "") and float(items) < 0:
        raise ValidationError(
            f"The scope target {items} is negative; enter the number of items, 0 or more."
        )
    if items not in (None, "") and not float(items).is_integer():
        raise ValidationError(
            f"The scope target {items} is not a whole number of items; enter one like 120."
        )
    plan = query_plan(profile_id, query_id)
    document = dict(plan["data"]) if plan else {"status": "active", "scope_items": []}
    check_dates(
        deadline or None,
        document.get("milestone"),
        date.today(),
        kept=(document.get("deadline"), document.get("milestone")),
    )
    document.update(
        name=(name or "").strip(), type=plan_type or "release", deadline=deadline or None
    )
    document["scope_target"] = {
        **(document.get("scope_target") or {}),
        **({"items": int(float(items))} if items not in (None, "") else {}),
    }
    if plan is None:
        plans.create_plan(profile_id, query_id, document["name"], document, summary)
        return "Created the plan (version 1, draft)."
    version = plans.create_version(plan["id"], document, summary or "Edited on the Plans page")
    return "Nothing changed." if version is None else f"Saved version {version} (draft)."


@alert_on_error(no_update, ALERT)
def plan_action(
    trigger: str | None,
    selection: dict[str, Any],
    form: tuple[Any, ...],
    notes: str | None,
    rollback_to: int | None,
) -> tuple[Any, Any]:
    """(refreshed page, alert) after one Plans button; the page stays as it was on an error."""
    profile_id, query_id = selection["profile"], selection["query"]
    if trigger == ids.PLANS_SAVE:
        message = save_plan(profile_id, query_id, *form)
    else:
        plan = query_plan(profile_id, query_id)
        if plan is None:
            return no_update, notice_alert("Create the plan first.")
        if trigger == ids.PLANS_SUBMIT:
            plans.submit_version(plan["id"], notes=notes or None)
            message = f"Submitted version {plan['version']} for review."
        elif trigger == ids.PLANS_APPROVE:
            plans.approve_version(plan["id"], notes=notes or None)
            deadline = plan["data"].get("deadline")
            message = f"Approved version {plan['version']}; it is the baseline now" + (
                f", and {deadline} the deadline every page uses." if deadline else "."
            )
        elif trigger == ids.PLANS_REJECT:
            plans.reject_version(plan["id"], notes=notes or None)
            message = f"Rejected version {plan['version']}."
        elif trigger == ids.PLANS_ROLLBACK:
            if rollback_to is None:
                return no_update, notice_alert("Choose the version to roll back to.")
            version = plans.rollback_to_version(plan["id"], int(rollback_to))
            message = (
                f"Version {version} restores the content of version {rollback_to}."
                if version
                else f"The current version already has the content of version {rollback_to}."
            )
        else:
            return no_update, no_update
    return render_body(profile_id, query_id), success_alert(message)


@alert_on_error()
def show_diff(selection: dict[str, Any], version_a: int | None, version_b: int | None) -> Any:
    plan = query_plan(selection["profile"], selection["query"])
    if plan is None or version_a is None or version_b is None:
        return no_update
    with named_downloads(selection["profile"], selection["query"]):
        return diff_table(plans.diff_versions(plan["id"], int(version_a), int(version_b)))


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.PLANS_CONTENT, "children"),
        Output(ids.PLANS_RESULT, "children"),
        Input(ids.PLANS_SAVE, "n_clicks"),
        Input(ids.PLANS_SUBMIT, "n_clicks"),
        Input(ids.PLANS_APPROVE, "n_clicks"),
        Input(ids.PLANS_REJECT, "n_clicks"),
        Input(ids.PLANS_ROLLBACK, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.PLANS_NAME, "value"),
        State(ids.PLANS_TYPE, "value"),
        State(ids.PLANS_ITEMS, "value"),
        State(ids.PLANS_DEADLINE, "date"),
        State(ids.PLANS_SUMMARY, "value"),
        State(ids.PLANS_ACTION_NOTES, "value"),
        State(ids.PLANS_ROLLBACK_VERSION, "value"),
        prevent_initial_call=True,
    )
    @requires("plan")
    def _action(*args):
        selection, name, plan_type, items, deadline, summary, notes, rollback_to = args[5:]
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update, no_update
        page, alert = plan_action(
            ctx.triggered_id,
            selection,
            (name, plan_type, items, deadline, summary),
            notes,
            rollback_to,
        )
        return page, alert

    @app.callback(
        Output(ids.PLANS_DIFF, "children"),
        Input(ids.PLANS_DIFF_A, "value"),
        Input(ids.PLANS_DIFF_B, "value"),
        State(ids.SELECTION, "data"),
    )
    def _diff(version_a, version_b, selection):
        return show_diff(selection or {}, version_a, version_b)

"""Settings page adapters: profiles, JIRA connection, forecast settings, queries; the
field-mappings card's are ``callbacks/settings_mappings.py``."""

from __future__ import annotations

from datetime import date
from typing import Any

from dash import Dash, Input, Output, State, ctx, no_update

from callbacks.errors import ALERT, alert_on_error
from callbacks.roles import requires
from callbacks.settings_health import threshold_rows
from callbacks.settings_mappings import VOCABULARY, derived_stages
from data import plans
from data.errors import ValidationError
from data.jira import metadata
from data.jira.client import jira_base_url
from data.jira.errors import JiraTransientError
from data.plans.approved import approved_plan, missing_deadline_note
from data.plans.plan_document import check_dates
from data.profiles import manager as profile_manager
from data.profiles.mapping_choices import stored_choices
from data.validation import validate_board_id, validate_jql
from layouts import ids
from layouts.common import error_alert, success_alert, warning_alert
from layouts.settings import query_form_labels, query_options, settings_layout


def render(profile_id: str | None, query_id: str | None) -> Any:
    if not profile_id:
        return settings_layout(None, [], None, {}, [], None)
    profile = profile_manager.get_profile(profile_id)
    queries = profile_manager.list_queries(profile_id)
    selected = next((q for q in queries if q["id"] == query_id), None)
    choices = stored_choices(profile)
    return settings_layout(
        profile,
        queries,
        selected,
        choices,
        derived_stages(profile, choices),
        VOCABULARY,
        threshold_rows(profile),
        plans.submitter_may_approve(profile),
        deadline_shown(profile_id, selected["id"] if selected else None),
    )


def deadline_shown(profile_id: str, query_id: str | None) -> str:
    """What Settings says about the deadline: the selected query's approved plan's, the one
    source (issue 18), or why there is none."""
    if not query_id:
        return "no query selected: the deadline is a query's approved plan's"
    plan = approved_plan(profile_id, query_id)
    if plan is not None and plan.deadline:
        return f"{plan.deadline} (approved plan {plan.name!r}, version {plan.version})"
    return missing_deadline_note(plan)


@alert_on_error(ALERT, no_update, False)
def profile_action(
    trigger: str | None, name: str | None, profile_id: str | None, version: int
) -> tuple[Any, Any, Any]:
    """(alert, new selection version, show delete confirmation) for one profile button."""
    if trigger == ids.SETTINGS_PROFILE_DELETE:
        return no_update, no_update, True
    if trigger == ids.SETTINGS_PROFILE_CREATE:
        new_id = profile_manager.create_profile(name or "")
        profile_manager.switch_to(new_id)  # with no query: the last profile's does not follow
        message = (
            f"Created profile {name!r} and selected it. Next: connect it to JIRA below, then "
            "add a query under Queries."
        )
    elif not profile_id:
        raise ValidationError("No profile is selected; create one first.")
    elif trigger == ids.SETTINGS_PROFILE_RENAME:
        profile_manager.rename_profile(profile_id, name or "")
        message = f"Renamed the profile to {name!r}."
    elif trigger == ids.SETTINGS_PROFILE_DUPLICATE:
        new_id = profile_manager.duplicate_profile(profile_id, name or "")
        profile_manager.switch_to(new_id)
        message = f"Duplicated the profile as {name!r} (settings and queries, not fetched data)."
    elif trigger == ids.SETTINGS_PROFILE_DELETE_CONFIRM:
        old_name = profile_manager.get_profile(profile_id)["name"]
        profile_manager.delete_profile(profile_id)
        message = f"Deleted profile {old_name!r}."
    else:
        return no_update, no_update, no_update
    return success_alert(message), (version or 0) + 1, False


def save_jira_connection(
    profile_id: str, url: str | None, deployment: str | None, email: str | None, token: str | None
) -> Any:
    changes: dict[str, Any] = {
        "base_url": jira_base_url(url),
        "deployment": deployment or "auto",
        "email": (email or "").strip(),
    }
    # An empty token field means "keep the saved one": the saved token never reaches the page.
    if token:
        changes["token"] = token
    profile_manager.update_profile(profile_id, {"jira_config": changes})
    return success_alert("Saved the JIRA connection.")


FORECAST_NUMBERS = {"pert_factor": ("PERT factor", 52), "data_points_count": ("Data points", 520)}
"""The forecast settings' whole numbers: their label on the page and their highest value (the
page's number inputs allow 1 to that)."""


def _whole_number(value: Any, label: str, highest: int) -> int:
    """``value`` as an int from 1 to ``highest``. The browser sends no value (None) for an empty
    field or one outside the input's range, so the message names the rule, not the value."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = 0.0
    if not number.is_integer() or not 1 <= number <= highest:
        raise ValidationError(
            f"{label} must be a whole number from 1 to {highest}; enter one and save again."
        )
    return int(number)


def save_forecast_settings(
    profile_id: str,
    pert_factor: Any,
    data_points: Any,
    milestone: str | None,
    query_id: str | None = None,
) -> Any:
    """Save the profile's forecast settings; the milestone is checked against the selected
    query's approved deadline (the deadline itself is changed on the Plans page)."""
    settings = {
        "pert_factor": pert_factor,
        "data_points_count": data_points,
        "milestone": milestone or None,
    }
    saved = profile_manager.get_profile(profile_id).get("forecast_settings") or {}
    plan = approved_plan(profile_id, query_id) if query_id else None
    deadline = plan.deadline if plan else None
    check_dates(
        deadline, settings["milestone"], date.today(), kept=(deadline, saved.get("milestone"))
    )
    for key, (label, highest) in FORECAST_NUMBERS.items():
        settings[key] = _whole_number(settings[key], label, highest)
    profile_manager.update_profile(profile_id, {"forecast_settings": settings})
    return success_alert("Saved the forecast settings.")


def save_self_approval(profile_id: str, allowed: Any) -> Any:
    if plans.set_submitter_may_approve(profile_id, bool(allowed)):
        return success_alert("Saved: a plan's submitter may approve it too.")
    return success_alert(
        "Saved: while others can review plans, someone other than the submitter approves."
    )


def _connection_from_form(
    profile_id: str, url: str | None, deployment: str | None, email: str | None, token: str | None
) -> dict[str, Any]:
    """The profile as it would be saved with the form's values (the saved token when empty)."""
    profile = profile_manager.get_profile(profile_id)
    jira = dict(profile.get("jira_config") or {})
    jira.update(
        base_url=jira_base_url(url),
        deployment=deployment or "auto",
        email=(email or "").strip(),
    )
    if token:
        jira["token"] = token
    return {**profile, "jira_config": jira}


def test_jira_connection(
    profile_id: str, url: str | None, deployment: str | None, email: str | None, token: str | None
) -> Any:
    info = metadata.test_connection(
        _connection_from_form(profile_id, url, deployment, email, token)
    )
    kind = "Cloud" if info.deployment == "cloud" else "Data Center"
    return success_alert(
        f"Connected to {info.server_title} ({kind} {info.server_version}) as "
        f"{info.user_display_name}, time zone {info.time_zone}."
    )


def _jql_problem(profile_id: str, jql: str) -> tuple[str | None, JiraTransientError | None]:
    """(JIRA's message when it refuses the JQL, the failure when JIRA could not check it)."""
    try:
        return metadata.validate_jql(profile_id, jql), None
    except JiraTransientError as exc:  # unreachable, busy or garbled: a later fetch will tell
        return None, exc


def save_query(
    profile_id: str, choice: str | None, name: str | None, jql: str | None, board: Any = None
) -> Any:
    """Check new JQL with JIRA, then create the query (no ``choice``: "New query") or change the
    chosen one, saying what changed; JIRA's message when it refuses. When JIRA cannot check it
    (no answer, busy), the query is saved all the same with a warning that the JQL is unchecked;
    a rename that keeps the JQL asks JIRA nothing. A new board is checked with JIRA (a missing,
    hidden or Kanban board is refused, nothing saved); an empty one leaves the query reading its
    profile's board."""
    jql = validate_jql(jql)
    board_id = validate_board_id(board)
    old = profile_manager.get_query(profile_id, choice) if choice else None
    problem, unchecked = (
        _jql_problem(profile_id, jql) if old is None or old["jql"] != jql else (None, None)
    )
    if problem:
        return error_alert(problem, "JIRA said")
    if board_id is not None and board_id != (old or {}).get("board_id"):
        refused = metadata.check_board(profile_id, board_id)
        if refused:
            return error_alert(refused, "Not saved")
    if old is None:
        query_id = profile_manager.create_query(profile_id, name or "", jql, board_id=board_id)
        profile_manager.switch_to(profile_id, query_id)
        said = f"Created query {name!r}; it is now selected."
    else:
        query = profile_manager.update_query(
            profile_id, old["id"], name=name, jql=jql, board_id=board_id
        )
        said = _what_changed(old, query)
    if unchecked is not None:
        return warning_alert(
            f"{said} Its JQL was not checked, because JIRA could not: {unchecked} "
            "The next fetch will say if JIRA refuses it.",
            "Saved without checking the JQL",
        )
    return success_alert(said)


def _what_changed(old: dict[str, Any], query: dict[str, Any]) -> str:
    renamed = query["name"] != old["name"]
    changes = [
        *(["saved its JQL"] if query["jql"] != old["jql"] else []),
        *(
            [f"set its board to {query['board_id']}" if query["board_id"] else "cleared its board"]
            if query.get("board_id") != old.get("board_id")
            else []
        ),
    ]
    if not renamed and not changes:
        return f"Nothing changed in query {old['name']!r}."
    what = " and ".join(changes)
    if renamed:
        said = f"Renamed query {old['name']!r} to {query['name']!r}" + (
            f" and {what}" if what else ""
        )
    elif changes == ["saved its JQL"]:
        said = f"Saved the JQL of query {query['name']!r}"
    else:
        said = f"Query {query['name']!r}: {what}"
    if changes:
        said += "; fetch it to update its data"
    return f"{said}."


@alert_on_error(ALERT, no_update, False)
def query_action(
    trigger: str | None,
    profile_id: str,
    choice: str | None,
    name: str | None,
    jql: str | None,
    version: int | None,
    board: Any = None,
) -> tuple[Any, Any, Any]:
    """(alert, new selection version, show delete confirmation) for a query button."""
    if trigger == ids.SETTINGS_QUERY_DELETE:
        return no_update, no_update, True
    if trigger == ids.SETTINGS_QUERY_SAVE:
        alert = save_query(profile_id, choice, name, jql, board)
    elif trigger == ids.SETTINGS_QUERY_DELETE_CONFIRM and choice:
        old = profile_manager.get_query(profile_id, choice)["name"]
        profile_manager.delete_query(profile_id, choice)
        alert = success_alert(f"Deleted query {old!r}.")
    else:
        return no_update, no_update, False
    changed = alert.color in ("success", "warning")
    return alert, (version or 0) + 1 if changed else no_update, False


def query_form(
    trigger: str | None, choice: str | None, profile_id: str | None
) -> tuple[Any, str, str, bool, str, str]:
    """(list value, name, JQL, Delete disabled, what the form edits, Save's label) for the query
    chosen in the list, or a blank form for "New query" (and for a choice that is not a query of
    the profile: the list can answer for the previous profile while a new one is selected)."""
    query = None
    if trigger != ids.SETTINGS_QUERY_NEW and profile_id and choice:
        query = next(
            (q for q in profile_manager.list_queries(profile_id) if q["id"] == choice), None
        )
    editing, save_label = query_form_labels(query["name"] if query else None)
    if query is None:
        return None, "", "", True, editing, save_label
    return no_update, query["name"], query["jql"], False, editing, save_label


def query_board(trigger: str | None, choice: str | None, profile_id: str | None) -> str:
    """The Board field for the query chosen in the list (empty for "New query", for a query
    reading its profile's board and for a choice that is not a query of the profile)."""
    if trigger == ids.SETTINGS_QUERY_NEW or not profile_id or not choice:
        return ""
    query = next((q for q in profile_manager.list_queries(profile_id) if q["id"] == choice), None)
    board = (query or {}).get("board_id")
    return "" if board is None else str(board)


def query_list(profile_id: str | None, choice: str | None) -> tuple[Any, Any]:
    """The Settings query list after queries changed (renamed, created, deleted) and the entry
    to keep chosen: the same query while it exists, else none ("New query")."""
    queries = profile_manager.list_queries(profile_id) if profile_id else []
    options = query_options(queries)
    kept = choice if any(o["value"] == choice for o in options) else None
    return options, no_update if kept == choice else kept


def register(app: Dash) -> None:
    @app.callback(
        # Alerts go to the shell: the page re-renders when the selection changes.
        Output(ids.ALERTS, "children", allow_duplicate=True),
        Output(ids.SELECTION_VERSION, "data", allow_duplicate=True),
        Output(ids.SETTINGS_PROFILE_DELETE_CONFIRM, "displayed"),
        Input(ids.SETTINGS_PROFILE_CREATE, "n_clicks"),
        Input(ids.SETTINGS_PROFILE_RENAME, "n_clicks"),
        Input(ids.SETTINGS_PROFILE_DUPLICATE, "n_clicks"),
        Input(ids.SETTINGS_PROFILE_DELETE, "n_clicks"),
        Input(ids.SETTINGS_PROFILE_DELETE_CONFIRM, "submit_n_clicks"),
        State(ids.SETTINGS_PROFILE_NAME, "value"),
        State(ids.SELECTION, "data"),
        State(ids.SELECTION_VERSION, "data"),
        prevent_initial_call=True,
    )
    @requires("settings")
    def _profiles(*args):
        *_clicks, name, selection, version = args
        # Dash also calls this when the page is inserted (its outputs live in the shell).
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update, no_update, no_update
        return profile_action(ctx.triggered_id, name, (selection or {}).get("profile"), version)

    @app.callback(
        Output(ids.SETTINGS_JIRA_RESULT, "children"),
        Input(ids.SETTINGS_JIRA_SAVE, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.SETTINGS_JIRA_URL, "value"),
        State(ids.SETTINGS_JIRA_DEPLOYMENT, "value"),
        State(ids.SETTINGS_JIRA_EMAIL, "value"),
        State(ids.SETTINGS_JIRA_TOKEN, "value"),
        prevent_initial_call=True,
    )
    @alert_on_error()
    @requires("settings")
    def _jira_save(_n, selection, url, deployment, email, token):
        return save_jira_connection(selection["profile"], url, deployment, email, token)

    @app.callback(
        Output(ids.SETTINGS_FORECAST_RESULT, "children"),
        Input(ids.SETTINGS_FORECAST_SAVE, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.SETTINGS_FORECAST_PERT, "value"),
        State(ids.SETTINGS_FORECAST_POINTS, "value"),
        State(ids.SETTINGS_FORECAST_MILESTONE, "date"),
        prevent_initial_call=True,
    )
    @alert_on_error()
    @requires("settings")
    def _forecast_save(_n, selection, pert, points, milestone):
        return save_forecast_settings(
            selection["profile"], pert, points, milestone, selection.get("query")
        )

    @app.callback(
        Output(ids.SETTINGS_PLAN_REVIEW_RESULT, "children"),
        Input(ids.SETTINGS_PLAN_SELF_APPROVAL, "value"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    @alert_on_error()
    @requires("settings")
    def _self_approval(allowed, selection):
        return save_self_approval(selection["profile"], allowed)

    @app.callback(
        Output(ids.SETTINGS_JIRA_RESULT, "children", allow_duplicate=True),
        Input(ids.SETTINGS_JIRA_TEST, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.SETTINGS_JIRA_URL, "value"),
        State(ids.SETTINGS_JIRA_DEPLOYMENT, "value"),
        State(ids.SETTINGS_JIRA_EMAIL, "value"),
        State(ids.SETTINGS_JIRA_TOKEN, "value"),
        prevent_initial_call=True,
    )
    @alert_on_error()
    @requires("settings")
    def _jira_test(_n, selection, url, deployment, email, token):
        return test_jira_connection(selection["profile"], url, deployment, email, token)

    @app.callback(
        Output(ids.ALERTS, "children", allow_duplicate=True),
        Output(ids.SELECTION_VERSION, "data", allow_duplicate=True),
        Output(ids.SETTINGS_QUERY_DELETE_CONFIRM, "displayed"),
        Input(ids.SETTINGS_QUERY_SAVE, "n_clicks"),
        Input(ids.SETTINGS_QUERY_DELETE, "n_clicks"),
        Input(ids.SETTINGS_QUERY_DELETE_CONFIRM, "submit_n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.SETTINGS_QUERY_SELECT, "value"),
        State(ids.SETTINGS_QUERY_NAME, "value"),
        State(ids.SETTINGS_QUERY_JQL, "value"),
        State(ids.SELECTION_VERSION, "data"),
        State(ids.SETTINGS_QUERY_BOARD, "value"),
        prevent_initial_call=True,
    )
    @requires("settings")
    def _queries(_save, _delete, _confirm, selection, choice, name, jql, version, board):
        # Dash also calls this when the page is inserted (its outputs live in the shell).
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update, no_update, no_update
        return query_action(
            ctx.triggered_id, selection["profile"], choice, name, jql, version, board
        )

    @app.callback(
        Output(ids.SETTINGS_QUERY_BOARD, "value"),
        Input(ids.SETTINGS_QUERY_SELECT, "value"),
        Input(ids.SETTINGS_QUERY_NEW, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def _query_board(choice, _new, selection):
        return query_board(ctx.triggered_id, choice, (selection or {}).get("profile"))

    @app.callback(
        Output(ids.SETTINGS_QUERY_SELECT, "options"),
        Output(ids.SETTINGS_QUERY_SELECT, "value"),
        Input(ids.SELECTION_VERSION, "data"),
        State(ids.SELECTION, "data"),
        State(ids.SETTINGS_QUERY_SELECT, "value"),
        prevent_initial_call=True,
    )
    def _query_list(_version, selection, choice):
        # A rename or a deletion that leaves the selection as it was does not re-render the page.
        return query_list((selection or {}).get("profile"), choice)

    @app.callback(
        Output(ids.SETTINGS_QUERY_SELECT, "value", allow_duplicate=True),
        Output(ids.SETTINGS_QUERY_NAME, "value"),
        Output(ids.SETTINGS_QUERY_JQL, "value"),
        Output(ids.SETTINGS_QUERY_DELETE, "disabled"),
        Output(ids.SETTINGS_QUERY_EDITING, "children"),
        Output(ids.SETTINGS_QUERY_SAVE, "children"),
        Input(ids.SETTINGS_QUERY_SELECT, "value"),
        Input(ids.SETTINGS_QUERY_NEW, "n_clicks"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def _query_form(choice, _new, selection):
        return query_form(ctx.triggered_id, choice, (selection or {}).get("profile"))

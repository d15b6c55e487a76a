"""Settings page adapters: profiles, JIRA connection, mappings, forecast settings, queries."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from callbacks.errors import alert_for
from data import profile_manager
from data.errors import FlowcastError, ValidationError
from data.jira import metadata
from data.jira.client import jira_base_url
from data.mapping_choices import merge_choices, stored_choices
from data.metrics.mappings import (
    DEFAULT_COMMITTED_STAGE,
    DEFAULT_DONE_STAGE,
    MetricMappings,
    default_stages,
    mappings_from_profile,
    workflow_settings,
)
from data.validation import validate_jql
from layouts import ids
from layouts.common import error_alert, success_alert
from layouts.settings import (
    NEW_QUERY,
    mapping_controls,
    query_options,
    settings_layout,
    stage_names,
    stage_rows,
)


def render(profile_id: str | None, query_id: str | None) -> Any:
    if not profile_id:
        return settings_layout(None, [], None, {}, [])
    profile = profile_manager.get_profile(profile_id)
    queries = profile_manager.list_queries(profile_id)
    selected = next((q for q in queries if q["id"] == query_id), None)
    choices = stored_choices(profile)
    return settings_layout(profile, queries, selected, choices, derived_stages(profile, choices))


def derived_stages(profile: dict[str, Any], choices: dict[str, Any]) -> list[dict[str, Any]]:
    """The default stages with the offered statuses placed by their saved flow states."""
    try:
        mappings = mappings_from_profile(profile)
    except ValidationError:
        # A hand-edited profile the metrics refuse: the page must still open to fix it.
        mappings = MetricMappings()
    return default_stages(mappings, choices["categories"], choices["statuses"])


def profile_action(
    trigger: str | None, name: str | None, profile_id: str | None, version: int
) -> tuple[Any, Any, Any]:
    """(alert, new selection version, show delete confirmation) for one profile button."""
    if trigger == ids.SETTINGS_PROFILE_DELETE:
        return no_update, no_update, True
    try:
        if trigger == ids.SETTINGS_PROFILE_CREATE:
            new_id = profile_manager.create_profile(name or "")
            profile_manager.switch_to(new_id)
            message = f"Created profile {name!r}; it is now selected."
        elif not profile_id:
            raise ValidationError("No profile is selected; create one first.")
        elif trigger == ids.SETTINGS_PROFILE_RENAME:
            profile_manager.rename_profile(profile_id, name or "")
            message = f"Renamed the profile to {name!r}."
        elif trigger == ids.SETTINGS_PROFILE_DUPLICATE:
            new_id = profile_manager.duplicate_profile(profile_id, name or "")
            profile_manager.switch_to(new_id)
            message = (
                f"Duplicated the profile as {name!r} (settings and queries, not fetched data)."
            )
        elif trigger == ids.SETTINGS_PROFILE_DELETE_CONFIRM:
            old_name = profile_manager.get_profile(profile_id)["name"]
            profile_manager.delete_profile(profile_id)
            message = f"Deleted profile {old_name!r}."
        else:
            return no_update, no_update, no_update
    except FlowcastError as exc:
        return alert_for(exc), no_update, False
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
    deadline: str | None,
    milestone: str | None,
) -> Any:
    settings = {
        "pert_factor": pert_factor,
        "data_points_count": data_points,
        "deadline": deadline or None,
        "milestone": milestone or None,
    }
    for key, (label, highest) in FORECAST_NUMBERS.items():
        settings[key] = _whole_number(settings[key], label, highest)
    profile_manager.update_profile(profile_id, {"forecast_settings": settings})
    return success_alert("Saved the forecast settings.")


def save_mappings(profile_id: str, form: dict[str, Any]) -> Any:
    """Save the field-mappings form (see ``_mappings_save`` for its keys); the profile manager
    refuses the whole form with one sentence when any mapping is wrong."""
    workflow = workflow_settings(
        form["stages"], form["committed"], form["done"], form["default_stages"]
    )
    profile_manager.update_mappings(
        profile_id,
        {
            "jira_config": {"points_field": form["points_field"]},
            "field_mappings": {
                "status_to_flow_state": _chosen(form["statuses"], form["states"]),
                **workflow,
                "time_zone": form["time_zone"],
                "dora": {
                    "deployment_source": form["deployment_source"],
                    "deployment_issue_types": list(form["deployment_types"] or []),
                    "incident_issue_types": list(form["incident_types"] or []),
                    "incident_priorities": list(form["incident_priorities"] or []),
                    "tier_set": form["tier_set"],
                },
            },
            "flow_type_mappings": _chosen(form["issue_types"], form["items"]),
        },
    )
    return success_alert("Saved the field mappings; the charts use them from now on.")


def _chosen(names: list[str], values: list[str | None]) -> dict[str, str]:
    return {name: value for name, value in zip(names, values, strict=True) if value}


def edit_stages(
    trigger: Any,
    names: list[str | None],
    statuses: list[list[str] | None],
    default: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """The stage list after one editor button: add, reset, or move up/down/remove a stage."""
    stages = [
        {"name": name or "", "statuses": list(chosen or [])}
        for name, chosen in zip(names, statuses, strict=True)
    ]
    if trigger == ids.SETTINGS_STAGE_ADD:
        return [*stages, {"name": "", "statuses": []}]
    if trigger == ids.SETTINGS_STAGES_RESET:
        return [dict(stage) for stage in default]
    index = trigger["index"]
    if trigger == ids.stage_control("remove", index):
        del stages[index]
    elif trigger == ids.stage_control("up", index) and index > 0:
        stages[index - 1], stages[index] = stages[index], stages[index - 1]
    elif trigger == ids.stage_control("down", index) and index < len(stages) - 1:
        stages[index], stages[index + 1] = stages[index + 1], stages[index]
    return stages


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


def follow_rename(old_names: list[str] | None, new_names: list[str], value: str | None) -> Any:
    """The committed or done stage after the stage names changed: renaming that one stage (the
    only name that changed, in place) renames the choice too; otherwise it stays as it is."""
    old_names = old_names or []
    changed = [(old, new) for old, new in zip(old_names, new_names, strict=False) if old != new]
    if len(old_names) == len(new_names) and len(changed) == 1 and changed[0][0] == value:
        return changed[0][1]
    return no_update


def discover_mappings(profile_id: str, offered: dict[str, Any]) -> tuple[Any, dict[str, Any]]:
    """Mapping controls filled with JIRA's points fields, statuses and issue types, and the
    offered choices with JIRA's statuses, issue types and priorities added."""
    profile = profile_manager.get_profile(profile_id)
    fields = metadata.discover_fields(profile)
    statuses = metadata.list_statuses(profile)
    jira = {
        "statuses": [s.name for s in statuses],
        "categories": {s.name: s.category for s in statuses if s.category != "undefined"},
        "issue_types": [t.name for t in metadata.list_issue_types(profile) if not t.subtask],
        "priorities": metadata.list_priorities(profile),
    }
    choices = merge_choices(jira, offered)
    field_mappings = profile.get("field_mappings") or {}
    controls = mapping_controls(
        [{"label": f"{f.name} ({f.id})", "value": f.id} for f in fields],
        (profile.get("jira_config") or {}).get("points_field")
        or (fields[0].id if fields else None),
        choices["statuses"],
        field_mappings.get("status_to_flow_state") or {},
        choices["issue_types"],
        profile.get("flow_type_mappings") or {},
    )
    return controls, choices


def offered_options(
    choices: dict[str, Any], stage_values: list[list[str] | None], *chosen: list[str] | None
) -> tuple[list[list[str]], ...]:
    """Options for every stage's status dropdown, then for the deployment types, incident types
    and incident priorities dropdowns: the offered names plus whatever each already holds."""

    def union(offered: list[str], values: list[str] | None) -> list[str]:
        return list(dict.fromkeys([*offered, *(values or [])]))

    stages = [union(choices["statuses"], values) for values in stage_values]
    deployment, incident, priorities = chosen
    return (
        stages,
        union(choices["issue_types"], deployment),
        union(choices["issue_types"], incident),
        union(choices["priorities"], priorities),
    )


def save_query(profile_id: str, choice: str | None, name: str | None, jql: str | None) -> Any:
    """Check the JQL with JIRA, then create or update the query; JIRA's message when it refuses."""
    jql = validate_jql(jql)
    problem = metadata.validate_jql(profile_id, jql)
    if problem:
        return error_alert(problem, "JIRA said")
    if not choice or choice == NEW_QUERY:
        query_id = profile_manager.create_query(profile_id, name or "", jql)
        profile_manager.switch_to(profile_id, query_id)
        return success_alert(f"Created query {name!r}; it is now selected.")
    profile_manager.update_query(profile_id, choice, name=name, jql=jql)
    return success_alert(f"Saved query {name!r}; fetch it to update its data.")


def query_action(
    trigger: str | None,
    profile_id: str,
    choice: str | None,
    name: str | None,
    jql: str | None,
    version: int | None,
) -> tuple[Any, Any, Any]:
    """(alert, new selection version, show delete confirmation) for a query button."""
    if trigger == ids.SETTINGS_QUERY_DELETE:
        return no_update, no_update, True
    try:
        if trigger == ids.SETTINGS_QUERY_SAVE:
            alert = save_query(profile_id, choice, name, jql)
        elif trigger == ids.SETTINGS_QUERY_DELETE_CONFIRM and choice and choice != NEW_QUERY:
            old = profile_manager.get_query(profile_id, choice)["name"]
            profile_manager.delete_query(profile_id, choice)
            alert = success_alert(f"Deleted query {old!r}.")
        else:
            return no_update, no_update, False
    except FlowcastError as exc:
        return alert_for(exc), no_update, False
    changed = alert.color == "success"
    return alert, (version or 0) + 1 if changed else no_update, False


def query_fields(query_choice: str | None, profile_id: str | None) -> tuple[str, str, bool]:
    """Name, JQL and whether Delete is disabled, for the query chosen in the Settings list."""
    if not profile_id or not query_choice or query_choice == NEW_QUERY:
        return "", "", True
    query = profile_manager.get_query(profile_id, query_choice)
    return query["name"], query["jql"], False


def query_list(profile_id: str | None, choice: str | None) -> tuple[list[dict[str, str]], str]:
    """The Settings query list after queries changed (renamed, created, deleted) and the entry
    to keep chosen: the same query while it exists, else "+ New query"."""
    queries = profile_manager.list_queries(profile_id) if profile_id else []
    options = query_options(queries)
    kept = choice if any(o["value"] == choice for o in options) else NEW_QUERY
    return options, kept


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
    def _jira_save(_n, selection, url, deployment, email, token):
        try:
            return save_jira_connection(selection["profile"], url, deployment, email, token)
        except FlowcastError as exc:
            return alert_for(exc)

    @app.callback(
        Output(ids.SETTINGS_FORECAST_RESULT, "children"),
        Input(ids.SETTINGS_FORECAST_SAVE, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.SETTINGS_FORECAST_PERT, "value"),
        State(ids.SETTINGS_FORECAST_POINTS, "value"),
        State(ids.SETTINGS_FORECAST_DEADLINE, "date"),
        State(ids.SETTINGS_FORECAST_MILESTONE, "date"),
        prevent_initial_call=True,
    )
    def _forecast_save(_n, selection, pert, points, deadline, milestone):
        try:
            return save_forecast_settings(selection["profile"], pert, points, deadline, milestone)
        except FlowcastError as exc:
            return alert_for(exc)

    @app.callback(
        Output(ids.SETTINGS_MAPPING_RESULT, "children"),
        Input(ids.SETTINGS_MAPPING_SAVE, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.SETTINGS_MAPPING_POINTS, "value"),
        State(ids.status_mapping(ALL), "id"),
        State(ids.status_mapping(ALL), "value"),
        State(ids.type_mapping(ALL), "id"),
        State(ids.type_mapping(ALL), "value"),
        State(ids.stage_control("name", ALL), "value"),
        State(ids.stage_control("statuses", ALL), "value"),
        State(ids.SETTINGS_COMMITTED_STAGE, "value"),
        State(ids.SETTINGS_DONE_STAGE, "value"),
        State(ids.SETTINGS_STAGES_DEFAULT, "data"),
        State(ids.SETTINGS_MAPPING_TIME_ZONE, "value"),
        State(ids.SETTINGS_MAPPING_DORA_SOURCE, "value"),
        State(ids.SETTINGS_MAPPING_DEPLOYMENT_TYPES, "value"),
        State(ids.SETTINGS_MAPPING_INCIDENT_TYPE, "value"),
        State(ids.SETTINGS_MAPPING_INCIDENT_PRIORITIES, "value"),
        State(ids.SETTINGS_MAPPING_TIER_SET, "value"),
        prevent_initial_call=True,
    )
    def _mappings_save(
        _n, selection, points, status_ids, states, type_ids, items, stage_names_, stage_statuses,
        committed, done, default, zone, source, deployments, incidents, priorities, tiers,
    ):  # fmt: skip
        form = {
            "points_field": points,
            "statuses": [i["status"] for i in status_ids],
            "states": states,
            "issue_types": [i["issue_type"] for i in type_ids],
            "items": items,
            "stages": [
                {"name": name, "statuses": chosen}
                for name, chosen in zip(stage_names_, stage_statuses, strict=True)
            ],
            "committed": committed,
            "done": done,
            "default_stages": default,
            "time_zone": zone,
            "deployment_source": source,
            "deployment_types": deployments,
            "incident_types": incidents,
            "incident_priorities": priorities,
            "tier_set": tiers,
        }
        try:
            return save_mappings(selection["profile"], form)
        except FlowcastError as exc:
            return alert_for(exc)

    @app.callback(
        Output(ids.SETTINGS_STAGES, "children"),
        Output(ids.SETTINGS_COMMITTED_STAGE, "value", allow_duplicate=True),
        Output(ids.SETTINGS_DONE_STAGE, "value", allow_duplicate=True),
        Input(ids.SETTINGS_STAGE_ADD, "n_clicks"),
        Input(ids.SETTINGS_STAGES_RESET, "n_clicks"),
        Input(ids.stage_control("up", ALL), "n_clicks"),
        Input(ids.stage_control("down", ALL), "n_clicks"),
        Input(ids.stage_control("remove", ALL), "n_clicks"),
        State(ids.stage_control("name", ALL), "value"),
        State(ids.stage_control("statuses", ALL), "value"),
        State(ids.SETTINGS_STAGES_DEFAULT, "data"),
        State(ids.SETTINGS_MAPPING_CHOICES, "data"),
        prevent_initial_call=True,
    )
    def _stages(_add, _reset, _up, _down, _remove, names, statuses, default, choices):
        # Re-rendered rows bring new buttons with n_clicks 0: only a real click acts.
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update, no_update, no_update
        stages = edit_stages(ctx.triggered_id, names, statuses, default)
        rows = stage_rows(stages, choices["statuses"])
        if ctx.triggered_id == ids.SETTINGS_STAGES_RESET:
            return rows, DEFAULT_COMMITTED_STAGE, DEFAULT_DONE_STAGE
        return rows, no_update, no_update

    @app.callback(
        Output(ids.SETTINGS_COMMITTED_STAGE, "options"),
        Output(ids.SETTINGS_DONE_STAGE, "options"),
        Output(ids.SETTINGS_COMMITTED_STAGE, "value"),
        Output(ids.SETTINGS_DONE_STAGE, "value"),
        Input(ids.stage_control("name", ALL), "value"),
        State(ids.SETTINGS_COMMITTED_STAGE, "options"),
        State(ids.SETTINGS_COMMITTED_STAGE, "value"),
        State(ids.SETTINGS_DONE_STAGE, "value"),
        prevent_initial_call=True,
    )
    def _stage_choices(names, old_names, committed, done):
        options = stage_names([{"name": name} for name in names])
        return (
            options,
            options,
            follow_rename(old_names, options, committed),
            follow_rename(old_names, options, done),
        )

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
    def _jira_test(_n, selection, url, deployment, email, token):
        try:
            return test_jira_connection(selection["profile"], url, deployment, email, token)
        except FlowcastError as exc:
            return alert_for(exc)

    @app.callback(
        Output(ids.SETTINGS_MAPPING_ROWS, "children"),
        Output(ids.SETTINGS_MAPPING_CHOICES, "data"),
        Output(ids.stage_control("statuses", ALL), "options"),
        Output(ids.SETTINGS_MAPPING_DEPLOYMENT_TYPES, "options"),
        Output(ids.SETTINGS_MAPPING_INCIDENT_TYPE, "options"),
        Output(ids.SETTINGS_MAPPING_INCIDENT_PRIORITIES, "options"),
        Output(ids.SETTINGS_MAPPING_RESULT, "children", allow_duplicate=True),
        Input(ids.SETTINGS_MAPPING_DISCOVER, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.SETTINGS_MAPPING_CHOICES, "data"),
        State(ids.stage_control("statuses", ALL), "value"),
        State(ids.SETTINGS_MAPPING_DEPLOYMENT_TYPES, "value"),
        State(ids.SETTINGS_MAPPING_INCIDENT_TYPE, "value"),
        State(ids.SETTINGS_MAPPING_INCIDENT_PRIORITIES, "value"),
        prevent_initial_call=True,
    )
    def _discover(_n, selection, offered, stage_values, deployments, incidents, priorities):
        try:
            controls, choices = discover_mappings(selection["profile"], offered)
        except FlowcastError as exc:
            return (
                (no_update,) * 2
                + ([no_update] * len(stage_values),)
                + (no_update,) * 3
                + (alert_for(exc),)
            )
        options = offered_options(choices, stage_values, deployments, incidents, priorities)
        message = "Loaded fields, statuses, issue types and priorities from JIRA."
        return controls, choices, *options, success_alert(message)

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
        prevent_initial_call=True,
    )
    def _queries(_save, _delete, _confirm, selection, choice, name, jql, version):
        # Dash also calls this when the page is inserted (its outputs live in the shell).
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update, no_update, no_update
        return query_action(ctx.triggered_id, selection["profile"], choice, name, jql, version)

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
        Output(ids.SETTINGS_QUERY_NAME, "value"),
        Output(ids.SETTINGS_QUERY_JQL, "value"),
        Output(ids.SETTINGS_QUERY_DELETE, "disabled"),
        Input(ids.SETTINGS_QUERY_SELECT, "value"),
        State(ids.SELECTION, "data"),
        prevent_initial_call=True,
    )
    def _query_fields(choice, selection):
        return query_fields(choice, (selection or {}).get("profile"))

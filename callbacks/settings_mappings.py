"""Settings page adapters for the field-mappings card: saving the mappings, the workflow-stage
editor with its committed and done stage, and Discover from JIRA."""

from __future__ import annotations

from typing import Any

from dash import ALL, Dash, Input, Output, State, ctx, no_update

from callbacks.errors import alert_for, alert_on_error
from callbacks.roles import requires
from data.errors import FlowcastError, ValidationError
from data.jira import metadata
from data.metrics.mappings import (
    DEFAULT_COMMITTED_STAGE,
    DEFAULT_DONE_STAGE,
    DEFAULT_STALE_DAYS,
    FLOW_ITEMS,
    FLOW_STATES,
    MetricMappings,
    default_stages,
    mappings_from_profile,
    workflow_settings,
)
from data.profiles import manager as profile_manager
from data.profiles.mapping_choices import merge_choices
from layouts import ids
from layouts.common import success_alert
from layouts.settings_mappings import (
    FOLLOW_JIRA_ZONE,
    MappingVocabulary,
    mapping_controls,
    points_option,
    stage_names,
    stage_rows,
)

VOCABULARY = MappingVocabulary(
    FLOW_STATES, FLOW_ITEMS, DEFAULT_COMMITTED_STAGE, DEFAULT_DONE_STAGE, DEFAULT_STALE_DAYS
)


def derived_stages(profile: dict[str, Any], choices: dict[str, Any]) -> list[dict[str, Any]]:
    """The default stages with the offered statuses placed by their saved flow states."""
    try:
        mappings = mappings_from_profile(profile)
    except ValidationError:
        # A hand-edited profile the metrics refuse: the page must still open to fix it.
        mappings = MetricMappings()
    return default_stages(mappings, choices["categories"], choices["statuses"])


def save_mappings(profile_id: str, form: dict[str, Any]) -> Any:
    """Save the field-mappings form (see ``_mappings_save`` for its keys); the profile manager
    refuses the whole form with one sentence when any mapping is wrong."""
    workflow = workflow_settings(
        form["stages"], form["committed"], form["done"], form["default_stages"]
    )
    profile_manager.update_mappings(
        profile_id,
        {
            "jira_config": {
                "points_field": form["points_field"],
                "points_field_name": form["field_names"].get(form["points_field"]),
            },
            "field_mappings": {
                "status_to_flow_state": _chosen(form["statuses"], form["states"]),
                **workflow,
                "time_zone": None if form["time_zone"] == FOLLOW_JIRA_ZONE else form["time_zone"],
                "blocked_statuses": list(form.get("blocked_statuses") or []),
                "stale_after_days": form.get("stale_after_days"),
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
    choices["fields"] = {**(offered.get("fields") or {}), **{f.id: f.name for f in fields}}
    field_mappings = profile.get("field_mappings") or {}
    controls = mapping_controls(
        [points_option(f.id, f.name) for f in fields],
        (profile.get("jira_config") or {}).get("points_field")
        or (fields[0].id if fields else None),
        choices["statuses"],
        field_mappings.get("status_to_flow_state") or {},
        choices["issue_types"],
        profile.get("flow_type_mappings") or {},
        VOCABULARY,
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


def register(app: Dash) -> None:
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
        State(ids.SETTINGS_MAPPING_BLOCKED_STATUSES, "value"),
        State(ids.SETTINGS_MAPPING_STALE_DAYS, "value"),
        State(ids.SETTINGS_MAPPING_DORA_SOURCE, "value"),
        State(ids.SETTINGS_MAPPING_DEPLOYMENT_TYPES, "value"),
        State(ids.SETTINGS_MAPPING_INCIDENT_TYPE, "value"),
        State(ids.SETTINGS_MAPPING_INCIDENT_PRIORITIES, "value"),
        State(ids.SETTINGS_MAPPING_TIER_SET, "value"),
        State(ids.SETTINGS_MAPPING_CHOICES, "data"),
        prevent_initial_call=True,
    )
    @alert_on_error()
    @requires("settings")
    def _mappings_save(
        _n, selection, points, status_ids, states, type_ids, items, stage_names_, stage_statuses,
        committed, done, default, zone, blocked, stale_days, source, deployments, incidents,
        priorities, tiers, choices,
    ):  # fmt: skip
        form = {
            "points_field": points,
            "field_names": (choices or {}).get("fields") or {},
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
            "blocked_statuses": blocked,
            "stale_after_days": stale_days,
            "deployment_source": source,
            "deployment_types": deployments,
            "incident_types": incidents,
            "incident_priorities": priorities,
            "tier_set": tiers,
        }
        return save_mappings(selection["profile"], form)

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
    @requires("settings")
    def _discover(_n, selection, offered, stage_values, deployments, incidents, priorities):
        try:
            controls, choices = discover_mappings(selection["profile"], offered)
        except FlowcastError as exc:
            # The stage dropdowns are a pattern-matched output: one no_update per stage.
            unchanged = [no_update] * len(stage_values)
            return no_update, no_update, unchanged, no_update, no_update, no_update, alert_for(exc)
        options = offered_options(choices, stage_values, deployments, incidents, priorities)
        message = "Loaded fields, statuses, issue types and priorities from JIRA."
        return controls, choices, *options, success_alert(message)

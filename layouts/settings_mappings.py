"""Settings, field mappings card: status and issue-type mappings, workflow stages with the
committed and done stage, time zone, DORA mappings, the points field, Discover from JIRA."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any
from zoneinfo import available_timezones

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.common import card, dropdown, field

DORA_SOURCES = [
    {"label": "Released fixVersions", "value": "fix_versions"},
    {"label": "Issues of a deployment type reaching Done", "value": "issue_type"},
]


@dataclass(frozen=True)
class MappingVocabulary:
    """What the metrics engine names (``data.metrics.mappings``), handed in by the callbacks:
    the flow states a status maps to, the flow items a type maps to, the default stage names and
    the default stale-work threshold."""

    flow_states: tuple[str, ...]
    flow_items: tuple[str, ...]
    committed_stage: str
    done_stage: str
    stale_after_days: int


def _mapping_row(
    label: str, component_id: Any, choices: Any, current: dict[str, str], placeholder: str
) -> dbc.Row:
    """One mapping line: the JIRA name on the left, a dropdown of choices on the right."""
    return dbc.Row(
        [
            dbc.Col(html.Span(label, className="small"), width=5),
            dbc.Col(
                dropdown(component_id, list(choices), current.get(label), placeholder=placeholder),
                width=7,
            ),
        ],
        className="mb-1 align-items-center",
    )


def points_option(field_id: str, name: str | None) -> dict[str, str]:
    """The story-points dropdown entry: "Story Points (customfield_10016)" when JIRA's name for
    the field is known, else the bare id; the value is always the id."""
    return {"label": f"{name} ({field_id})" if name else field_id, "value": field_id}


def mapping_controls(
    points_options: list[Any],
    points_field: str | None,
    statuses: list[str],
    status_map: dict[str, str],
    issue_types: list[str],
    type_map: dict[str, str],
    vocabulary: MappingVocabulary,
) -> list[Any]:
    """The points field, one flow-state dropdown per status, one flow-item dropdown per type."""
    status_rows = [
        _mapping_row(
            status,
            ids.status_mapping(status),
            vocabulary.flow_states,
            status_map,
            "default from category",
        )
        for status in statuses
    ]
    type_rows = [
        _mapping_row(
            issue_type, ids.type_mapping(issue_type), vocabulary.flow_items, type_map, "default"
        )
        for issue_type in issue_types
    ]
    return [
        field(
            "Story points field",
            dropdown(
                ids.SETTINGS_MAPPING_POINTS,
                points_options,
                points_field,
                placeholder="Discover to choose",
            ),
        ),
        html.H6("Status → flow state", className="mt-2"),
        html.Div(status_rows, id=ids.SETTINGS_MAPPING_STATUSES),
        html.H6("Issue type → flow item", className="mt-2"),
        html.Div(type_rows, id=ids.SETTINGS_MAPPING_TYPES),
    ]


def stage_rows(stages: list[dict[str, Any]], statuses: list[str]) -> list[dbc.Row]:
    """One editable line per workflow stage, in order: name, statuses, up, down, remove."""
    last = len(stages) - 1
    return [
        dbc.Row(
            [
                dbc.Col(html.Span(f"{index + 1}.", className="small"), width="auto"),
                dbc.Col(
                    dbc.Input(
                        id=ids.stage_control("name", index),
                        value=stage["name"],
                        placeholder="Stage name",
                        debounce=True,
                        size="sm",
                    ),
                    width=3,
                ),
                dbc.Col(
                    dropdown(
                        ids.stage_control("statuses", index),
                        sorted(set(statuses) | set(stage["statuses"]), key=str.casefold),
                        stage["statuses"],
                        multi=True,
                        placeholder="Statuses in this stage",
                    )
                ),
                dbc.Col(
                    dbc.ButtonGroup(
                        [
                            _stage_button("up", index, "↑", "Move up", index == 0),
                            _stage_button("down", index, "↓", "Move down", index == last),
                            _stage_button("remove", index, "✕", "Remove", False),
                        ],
                        size="sm",
                    ),
                    width="auto",
                ),
            ],
            className="mb-1 g-1 align-items-center",
        )
        for index, stage in enumerate(stages)
    ]


def _stage_button(part: str, index: int, text: str, title: str, disabled: bool) -> dbc.Button:
    return dbc.Button(
        text,
        id=ids.stage_control(part, index),
        n_clicks=0,
        title=title,
        color="danger" if part == "remove" else "secondary",
        outline=True,
        disabled=disabled,
    )


def stage_names(stages: list[dict[str, Any]]) -> list[str]:
    """The committed/done choices: the named stages, in order."""
    return [
        name for name in dict.fromkeys(str(s.get("name") or "").strip() for s in stages) if name
    ]


def workflow_controls(
    stages: list[dict[str, Any]], custom: bool, committed: str, done: str, statuses: list[str]
) -> list[Any]:
    """The stage editor with committed and done; ``custom`` says whether the profile has its own
    stages (else ``stages`` are the derived defaults)."""
    names = stage_names(stages)
    note = (
        "This profile's own stages, first to last."
        if custom
        else "The default stages, derived from each status's flow state; saving them unchanged "
        "keeps them derived (new statuses find their stage by themselves)."
    )
    return [
        html.H6("Workflow stages", className="mt-3"),
        dbc.FormText(
            note + " The CFD draws one band per stage; cycle time runs from entering the "
            "committed stage to entering the done stage."
        ),
        html.Div(stage_rows(stages, statuses), id=ids.SETTINGS_STAGES, className="mt-1"),
        dbc.ButtonGroup(
            [
                dbc.Button("Add stage", id=ids.SETTINGS_STAGE_ADD, n_clicks=0, color="secondary"),
                dbc.Button(
                    "Reset to default",
                    id=ids.SETTINGS_STAGES_RESET,
                    n_clicks=0,
                    color="secondary",
                    outline=True,
                ),
            ],
            size="sm",
            className="mb-2",
        ),
        dbc.Row(
            [
                dbc.Col(
                    field(
                        "Committed stage (cycle time starts)",
                        dropdown(ids.SETTINGS_COMMITTED_STAGE, names, committed, clearable=False),
                    )
                ),
                dbc.Col(
                    field(
                        "Done stage (cycle time ends)",
                        dropdown(ids.SETTINGS_DONE_STAGE, names, done, clearable=False),
                    )
                ),
            ]
        ),
    ]


def flow_view_controls(
    field_mappings: dict[str, Any], statuses: list[str], default_stale_days: int
) -> list[Any]:
    """The blocked statuses and the stale-work threshold of the Flow page's views."""
    blocked = list(field_mappings.get("blocked_statuses") or [])
    return [
        field(
            "Blocked statuses",
            dropdown(
                ids.SETTINGS_MAPPING_BLOCKED_STATUSES,
                _options(statuses, blocked),
                blocked,
                multi=True,
            ),
            "Time in these statuses counts as blocked, as time flagged in JIRA does (Flow page); "
            "blocked time is waiting time in flow efficiency.",
        ),  # fmt: skip
        field(
            "Stale after (days)",
            dbc.Input(
                id=ids.SETTINGS_MAPPING_STALE_DAYS,
                type="number",
                min=1,
                step=1,
                size="sm",
                value=field_mappings.get("stale_after_days") or default_stale_days,
            ),
            "Work in progress without a status change for this many days is listed as stale.",
        ),  # fmt: skip
    ]


def dora_controls(dora: dict[str, Any], issue_types: list[str], priorities: list[str]) -> list[Any]:
    """Where DORA deployments and incidents come from, and which tier set grades them."""
    deployment_types = dora.get("deployment_issue_types", ["Deployment"])
    incident_types = dora.get("incident_issue_types", ["Incident"])
    incident_priorities = dora.get("incident_priorities") or []
    return [
        html.H6("DORA", className="mt-3"),
        field(
            "Deployments come from",
            dbc.RadioItems(
                id=ids.SETTINGS_MAPPING_DORA_SOURCE,
                options=DORA_SOURCES,
                value=dora.get("deployment_source") or "fix_versions",
            ),
        ),
        field(
            "Deployment issue types",
            dropdown(
                ids.SETTINGS_MAPPING_DEPLOYMENT_TYPES,
                _options(issue_types, deployment_types),
                deployment_types,
                multi=True,
            ),
            "Used when deployments are issues of a deployment type reaching Done.",
        ),
        field(
            "Incident issue types",
            dropdown(
                ids.SETTINGS_MAPPING_INCIDENT_TYPE,
                _options(issue_types, incident_types),
                incident_types,
                multi=True,
            ),
        ),
        field(
            "Incident priorities",
            dropdown(
                ids.SETTINGS_MAPPING_INCIDENT_PRIORITIES,
                _options(priorities, incident_priorities),
                incident_priorities,
                multi=True,
                placeholder="All priorities",
            ),
            "Only incidents of these priorities count; none chosen = every priority.",
        ),
        field(
            "Tier set",
            dbc.RadioItems(
                id=ids.SETTINGS_MAPPING_TIER_SET,
                options=[
                    {"label": "DORA 2023", "value": "2023"},
                    {"label": "DORA 2021", "value": "2021"},
                ],
                value=str(dora.get("tier_set") or "2023"),
                inline=True,
            ),
        ),
    ]


# The time-zone choice that stores no override: the metrics follow the JIRA user's zone.
FOLLOW_JIRA_ZONE = "jira"


@cache
def time_zone_names() -> tuple[str, ...]:
    """The IANA zones this machine knows, sorted (read from the zone database once per process:
    the scan costs tens of milliseconds, on every Settings page drawn)."""
    return tuple(sorted(available_timezones()))


def _jira_zone_option(jira_zone: str | None) -> dict[str, str]:
    label = (
        f"The JIRA user's time zone ({jira_zone})"
        if jira_zone
        else "The JIRA user's time zone (not read yet: UTC until the next fetch)"
    )
    return {"label": label, "value": FOLLOW_JIRA_ZONE}


def _options(offered: list[str], chosen: list[str]) -> list[str]:
    """The offered names plus any chosen one JIRA no longer offers (it stays removable)."""
    return list(dict.fromkeys([*offered, *chosen]))


def mappings_card(
    profile: dict[str, Any],
    choices: dict[str, Any],
    default_stages: list[dict[str, Any]],
    vocabulary: MappingVocabulary,
) -> dbc.Card:
    """Every mapping key of ``data/metrics/mappings.py``. ``choices`` holds the statuses, issue
    types and priorities offered (``data.profiles.mapping_choices``); ``default_stages`` the derived stages
    shown when the profile has none of its own."""
    field_mappings = profile.get("field_mappings") or {}
    status_map = field_mappings.get("status_to_flow_state") or {}
    type_map = profile.get("flow_type_mappings") or {}
    jira = profile.get("jira_config") or {}
    points_field = jira.get("points_field")
    points_name = jira.get("points_field_name")
    points_options = [points_option(points_field, points_name)] if points_field else []
    # The field names Discover found; saving the mappings stores the chosen one's name.
    known_fields = {points_field: points_name} if points_field and points_name else {}
    own_stages = field_mappings.get("workflow_stages") or []
    stages = own_stages or default_stages
    names = stage_names(stages)
    committed = field_mappings.get("committed_stage") or (
        names[min(1, len(names) - 1)] if own_stages and names else vocabulary.committed_stage
    )
    zones = time_zone_names()
    return card(
        "Field mappings",
        [
            dcc.Store(id=ids.SETTINGS_MAPPING_CHOICES, data={**choices, "fields": known_fields}),
            dcc.Store(id=ids.SETTINGS_STAGES_DEFAULT, data=default_stages),
            dbc.Button(
                "Discover from JIRA",
                id=ids.SETTINGS_MAPPING_DISCOVER,
                n_clicks=0,
                size="sm",
                color="secondary",
                className="mb-2",
            ),
            html.Div(
                mapping_controls(
                    points_options,
                    points_field,
                    choices["statuses"],
                    status_map,
                    choices["issue_types"],
                    type_map,
                    vocabulary,
                ),
                id=ids.SETTINGS_MAPPING_ROWS,
            ),
            *workflow_controls(
                stages,
                bool(own_stages),
                committed,
                field_mappings.get("done_stage") or (names[-1] if names else vocabulary.done_stage),
                choices["statuses"],
            ),
            field(
                "Time zone",
                dropdown(
                    ids.SETTINGS_MAPPING_TIME_ZONE,
                    [
                        _jira_zone_option(jira.get("user_time_zone")),
                        *({"label": z, "value": z} for z in zones),
                    ],
                    field_mappings.get("time_zone") or FOLLOW_JIRA_ZONE,
                    clearable=False,
                ),
                "Every day and ISO week (cycle time, CFD, throughput, snapshots, ageing) is "
                "counted in this zone; by default the JIRA user's, read at every fetch and Test "
                "connection.",
            ),
            *flow_view_controls(field_mappings, choices["statuses"], vocabulary.stale_after_days),
            *dora_controls(
                field_mappings.get("dora") or {}, choices["issue_types"], choices["priorities"]
            ),
            dbc.Button("Save mappings", id=ids.SETTINGS_MAPPING_SAVE, n_clicks=0, size="sm"),
            html.Div(id=ids.SETTINGS_MAPPING_RESULT, className="mt-2"),
        ],
    )

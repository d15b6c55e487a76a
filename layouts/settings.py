"""Settings: profiles, JIRA connection, field mappings, forecast settings, queries."""

from __future__ import annotations

from typing import Any
from zoneinfo import available_timezones

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.metrics.mappings import (
    DEFAULT_COMMITTED_STAGE,
    DEFAULT_DONE_STAGE,
    FLOW_ITEMS,
    FLOW_STATES,
)
from layouts import ids

DEPLOYMENTS = [
    {"label": "Detect", "value": "auto"},
    {"label": "Cloud", "value": "cloud"},
    {"label": "Data Center", "value": "datacenter"},
]
DORA_SOURCES = [
    {"label": "Released fixVersions", "value": "fix_versions"},
    {"label": "Issues of a deployment type reaching Done", "value": "issue_type"},
]
NEW_QUERY = "__new__"


def _field(label: str, control: Any, help_text: str = "") -> html.Div:
    parts: list[Any] = [dbc.Label(label, className="small mb-0"), control]
    if help_text:
        parts.append(dbc.FormText(help_text))
    return html.Div(parts, className="mb-2")


def _card(title: str, body: list[Any]) -> dbc.Card:
    return dbc.Card([dbc.CardHeader(title), dbc.CardBody(body)], className="mb-3")


def profiles_card(profile: dict[str, Any] | None) -> dbc.Card:
    name = profile["name"] if profile else ""
    return _card(
        "Profiles",
        [
            _field(
                "Profile name",
                dbc.Input(id=ids.SETTINGS_PROFILE_NAME, value=name, maxLength=100),
                "Create uses this name for a new profile; Rename and Duplicate act on the "
                "profile selected in the header.",
            ),
            dbc.ButtonGroup(
                [
                    dbc.Button("Create", id=ids.SETTINGS_PROFILE_CREATE, n_clicks=0),
                    dbc.Button(
                        "Rename", id=ids.SETTINGS_PROFILE_RENAME, n_clicks=0, disabled=not profile
                    ),
                    dbc.Button(
                        "Duplicate",
                        id=ids.SETTINGS_PROFILE_DUPLICATE,
                        n_clicks=0,
                        disabled=not profile,
                    ),
                    dbc.Button(
                        "Delete",
                        id=ids.SETTINGS_PROFILE_DELETE,
                        n_clicks=0,
                        color="danger",
                        disabled=not profile,
                    ),
                ],
                size="sm",
            ),
            dcc.ConfirmDialog(
                id=ids.SETTINGS_PROFILE_DELETE_CONFIRM,
                message=f"Delete profile {name!r} with its queries and fetched data? "
                "This cannot be undone (take a backup on the Data page first).",
            ),
        ],
    )


def jira_card(jira: dict[str, Any]) -> dbc.Card:
    has_token = bool(jira.get("token"))
    return _card(
        "JIRA connection",
        [
            _field(
                "JIRA URL",
                dbc.Input(
                    id=ids.SETTINGS_JIRA_URL,
                    value=jira.get("base_url", ""),
                    placeholder="https://your-site.atlassian.net",
                ),
            ),
            _field(
                "Deployment",
                dbc.RadioItems(
                    id=ids.SETTINGS_JIRA_DEPLOYMENT,
                    options=DEPLOYMENTS,
                    value=jira.get("deployment") or "auto",
                    inline=True,
                ),
            ),
            _field(
                "Email (Cloud) or user name",
                dbc.Input(id=ids.SETTINGS_JIRA_EMAIL, value=jira.get("email", "")),
            ),
            _field(
                "API token (Cloud) or personal access token (Data Center)",
                # The saved token never travels to the browser; empty keeps it.
                dbc.Input(
                    id=ids.SETTINGS_JIRA_TOKEN,
                    type="password",
                    value="",
                    placeholder="•••••••• saved — type to replace" if has_token else "not set",
                    autoComplete="off",
                ),
            ),
            dbc.ButtonGroup(
                [
                    dbc.Button("Save connection", id=ids.SETTINGS_JIRA_SAVE, n_clicks=0),
                    dbc.Button(
                        "Test connection",
                        id=ids.SETTINGS_JIRA_TEST,
                        n_clicks=0,
                        color="secondary",
                    ),
                ],
                size="sm",
            ),
            dcc.Loading(html.Div(id=ids.SETTINGS_JIRA_RESULT, className="mt-2"), type="dot"),
        ],
    )


def _mapping_row(
    label: str, component_id: Any, choices: Any, current: dict[str, str], placeholder: str
) -> dbc.Row:
    """One mapping line: the JIRA name on the left, a dropdown of choices on the right."""
    return dbc.Row(
        [
            dbc.Col(html.Span(label, className="small"), width=5),
            dbc.Col(
                _dropdown(component_id, list(choices), current.get(label), placeholder=placeholder),
                width=7,
            ),
        ],
        className="mb-1 align-items-center",
    )


def _dropdown(component_id: Any, options: list[Any], value: Any, **kwargs: Any) -> dcc.Dropdown:
    return dcc.Dropdown(id=component_id, options=options, value=value, **kwargs)


def mapping_controls(
    points_options: list[Any],
    points_field: str | None,
    statuses: list[str],
    status_map: dict[str, str],
    issue_types: list[str],
    type_map: dict[str, str],
) -> list[Any]:
    """The points field, one flow-state dropdown per status, one flow-item dropdown per type."""
    status_rows = [
        _mapping_row(
            status, ids.status_mapping(status), FLOW_STATES, status_map, "default from category"
        )
        for status in statuses
    ]
    type_rows = [
        _mapping_row(issue_type, ids.type_mapping(issue_type), FLOW_ITEMS, type_map, "default")
        for issue_type in issue_types
    ]
    return [
        _field(
            "Story points field",
            _dropdown(
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
                    _dropdown(
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
                    _field(
                        "Committed stage (cycle time starts)",
                        _dropdown(ids.SETTINGS_COMMITTED_STAGE, names, committed, clearable=False),
                    )
                ),
                dbc.Col(
                    _field(
                        "Done stage (cycle time ends)",
                        _dropdown(ids.SETTINGS_DONE_STAGE, names, done, clearable=False),
                    )
                ),
            ]
        ),
    ]


def dora_controls(dora: dict[str, Any], issue_types: list[str], priorities: list[str]) -> list[Any]:
    """Where DORA deployments and incidents come from, and which tier set grades them."""
    deployment_types = dora.get("deployment_issue_types", ["Deployment"])
    incident_types = dora.get("incident_issue_types", ["Incident"])
    incident_priorities = dora.get("incident_priorities") or []
    return [
        html.H6("DORA", className="mt-3"),
        _field(
            "Deployments come from",
            dbc.RadioItems(
                id=ids.SETTINGS_MAPPING_DORA_SOURCE,
                options=DORA_SOURCES,
                value=dora.get("deployment_source") or "fix_versions",
            ),
        ),
        _field(
            "Deployment issue types",
            _dropdown(
                ids.SETTINGS_MAPPING_DEPLOYMENT_TYPES,
                _options(issue_types, deployment_types),
                deployment_types,
                multi=True,
            ),
            "Used when deployments are issues of a deployment type reaching Done.",
        ),
        _field(
            "Incident issue types",
            _dropdown(
                ids.SETTINGS_MAPPING_INCIDENT_TYPE,
                _options(issue_types, incident_types),
                incident_types,
                multi=True,
            ),
        ),
        _field(
            "Incident priorities",
            _dropdown(
                ids.SETTINGS_MAPPING_INCIDENT_PRIORITIES,
                _options(priorities, incident_priorities),
                incident_priorities,
                multi=True,
                placeholder="All priorities",
            ),
            "Only incidents of these priorities count; none chosen = every priority.",
        ),
        _field(
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


def _options(offered: list[str], chosen: list[str]) -> list[str]:
    """The offered names plus any chosen one JIRA no longer offers (it stays removable)."""
    return list(dict.fromkeys([*offered, *chosen]))


def mappings_card(
    profile: dict[str, Any], choices: dict[str, Any], default_stages: list[dict[str, Any]]
) -> dbc.Card:
    """Every mapping key of ``data/metrics/mappings.py``. ``choices`` holds the statuses, issue
    types and priorities offered (``data.mapping_choices``); ``default_stages`` the derived stages
    shown when the profile has none of its own."""
    field_mappings = profile.get("field_mappings") or {}
    status_map = field_mappings.get("status_to_flow_state") or {}
    type_map = profile.get("flow_type_mappings") or {}
    points_field = (profile.get("jira_config") or {}).get("points_field")
    points_options = [{"label": points_field, "value": points_field}] if points_field else []
    own_stages = field_mappings.get("workflow_stages") or []
    stages = own_stages or default_stages
    names = stage_names(stages)
    committed = field_mappings.get("committed_stage") or (
        names[min(1, len(names) - 1)] if own_stages and names else DEFAULT_COMMITTED_STAGE
    )
    zones = sorted(available_timezones())
    return _card(
        "Field mappings",
        [
            dcc.Store(id=ids.SETTINGS_MAPPING_CHOICES, data=choices),
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
                ),
                id=ids.SETTINGS_MAPPING_ROWS,
            ),
            *workflow_controls(
                stages,
                bool(own_stages),
                committed,
                field_mappings.get("done_stage") or (names[-1] if names else DEFAULT_DONE_STAGE),
                choices["statuses"],
            ),
            _field(
                "Time zone",
                _dropdown(
                    ids.SETTINGS_MAPPING_TIME_ZONE,
                    zones,
                    field_mappings.get("time_zone") or "UTC",
                    clearable=False,
                ),
                "Days and ISO weeks are counted in this IANA zone.",
            ),
            *dora_controls(
                field_mappings.get("dora") or {}, choices["issue_types"], choices["priorities"]
            ),
            dbc.Button("Save mappings", id=ids.SETTINGS_MAPPING_SAVE, n_clicks=0, size="sm"),
            html.Div(id=ids.SETTINGS_MAPPING_RESULT, className="mt-2"),
        ],
    )


def forecast_card(settings: dict[str, Any]) -> dbc.Card:
    return _card(
        "Forecast settings",
        [
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            "PERT factor",
                            dbc.Input(
                                id=ids.SETTINGS_FORECAST_PERT,
                                type="number",
                                min=1,
                                max=52,
                                step=1,
                                value=settings.get("pert_factor"),
                            ),
                            "Best/worst weeks averaged for O and P.",
                        )
                    ),
                    dbc.Col(
                        _field(
                            "Data points (weeks)",
                            dbc.Input(
                                id=ids.SETTINGS_FORECAST_POINTS,
                                type="number",
                                min=1,
                                max=520,
                                step=1,
                                value=settings.get("data_points_count"),
                            ),
                        )
                    ),
                ]
            ),
            dbc.Row(
                [
                    dbc.Col(
                        _field(
                            "Deadline",
                            dcc.DatePickerSingle(
                                id=ids.SETTINGS_FORECAST_DEADLINE,
                                date=settings.get("deadline"),
                                display_format="YYYY-MM-DD",
                                clearable=True,
                            ),
                        )
                    ),
                    dbc.Col(
                        _field(
                            "Milestone",
                            dcc.DatePickerSingle(
                                id=ids.SETTINGS_FORECAST_MILESTONE,
                                date=settings.get("milestone"),
                                display_format="YYYY-MM-DD",
                                clearable=True,
                            ),
                        )
                    ),
                ]
            ),
            dbc.Button(
                "Save forecast settings", id=ids.SETTINGS_FORECAST_SAVE, n_clicks=0, size="sm"
            ),
            html.Div(id=ids.SETTINGS_FORECAST_RESULT, className="mt-2"),
        ],
    )


def query_options(queries: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The Settings query list: the profile's queries, then "+ New query"."""
    options = [{"label": q["name"], "value": q["id"]} for q in queries]
    options.append({"label": "+ New query", "value": NEW_QUERY})
    return options


def queries_card(queries: list[dict[str, Any]], selected: dict[str, Any] | None) -> dbc.Card:
    options = query_options(queries)
    return _card(
        "Queries",
        [
            _field(
                "Query",
                _dropdown(
                    ids.SETTINGS_QUERY_SELECT,
                    options,
                    selected["id"] if selected else NEW_QUERY,
                    clearable=False,
                ),
            ),
            _field(
                "Name",
                dbc.Input(id=ids.SETTINGS_QUERY_NAME, value=selected["name"] if selected else ""),
            ),
            _field(
                "JQL",
                dbc.Textarea(
                    id=ids.SETTINGS_QUERY_JQL,
                    value=selected["jql"] if selected else "",
                    rows=3,
                    placeholder="project = DEMO ORDER BY created",
                ),
                "Checked against JIRA before it is saved.",
            ),
            dbc.ButtonGroup(
                [
                    dbc.Button("Save query", id=ids.SETTINGS_QUERY_SAVE, n_clicks=0),
                    dbc.Button(
                        "Delete query",
                        id=ids.SETTINGS_QUERY_DELETE,
                        n_clicks=0,
                        color="danger",
                        disabled=not selected,
                    ),
                ],
                size="sm",
            ),
            dcc.ConfirmDialog(
                id=ids.SETTINGS_QUERY_DELETE_CONFIRM,
                message="Delete this query with its fetched data and snapshots? This cannot be undone.",
            ),
        ],
    )


def settings_layout(
    profile: dict[str, Any] | None,
    queries: list[dict[str, Any]],
    selected_query: dict[str, Any] | None,
    choices: dict[str, Any],
    default_stages: list[dict[str, Any]],
) -> html.Div:
    top = [profiles_card(profile)]
    if profile is None:
        return html.Div(
            top + [dbc.Alert("Create a profile to configure JIRA and queries.", color="info")]
        )
    return html.Div(
        top
        + [
            dbc.Row(
                [
                    dbc.Col(
                        [
                            jira_card(profile.get("jira_config") or {}),
                            forecast_card(profile.get("forecast_settings") or {}),
                            queries_card(queries, selected_query),
                        ],
                        lg=6,
                    ),
                    dbc.Col(mappings_card(profile, choices, default_stages), lg=6),
                ]
            )
        ]
    )

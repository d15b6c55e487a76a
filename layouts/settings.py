"""Settings: profiles, JIRA connection, field mappings, forecast settings, queries."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from data.metrics.mappings import FLOW_ITEMS, FLOW_STATES
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


def mappings_card(profile: dict[str, Any], choices: dict[str, Any]) -> dbc.Card:
    """The mapping keys of ``data/metrics/mappings.py``; ``choices`` holds what JIRA offered
    (``points_fields`` options, ``statuses`` and ``issue_types`` names) after Discover."""
    field_mappings = profile.get("field_mappings") or {}
    status_map = field_mappings.get("status_to_flow_state") or {}
    type_map = profile.get("flow_type_mappings") or {}
    dora = field_mappings.get("dora") or {}
    points_field = (profile.get("jira_config") or {}).get("points_field")
    points_options = choices.get("points_fields") or (
        [{"label": points_field, "value": points_field}] if points_field else []
    )
    type_names = choices.get("issue_types") or sorted(type_map)
    return _card(
        "Field mappings",
        [
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
                    choices.get("statuses") or sorted(status_map),
                    status_map,
                    type_names,
                    type_map,
                ),
                id=ids.SETTINGS_MAPPING_ROWS,
            ),
            _field(
                "DORA deployments come from",
                dbc.RadioItems(
                    id=ids.SETTINGS_MAPPING_DORA_SOURCE,
                    options=DORA_SOURCES,
                    value=dora.get("deployment_source") or "fix_versions",
                ),
            ),
            _field(
                "Incident issue types",
                _dropdown(
                    ids.SETTINGS_MAPPING_INCIDENT_TYPE,
                    sorted(set(type_names) | set(dora.get("incident_issue_types") or ["Incident"])),
                    dora.get("incident_issue_types") or ["Incident"],
                    multi=True,
                ),
            ),
            _field(
                "DORA tier set",
                dbc.RadioItems(
                    id=ids.SETTINGS_MAPPING_TIER_SET,
                    options=[
                        {"label": "DORA 2023", "value": "2023"},
                        {"label": "DORA 2021", "value": "2021"},
                    ],
                    value=dora.get("tier_set") or "2023",
                    inline=True,
                ),
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


def queries_card(queries: list[dict[str, Any]], selected: dict[str, Any] | None) -> dbc.Card:
    options = [{"label": q["name"], "value": q["id"]} for q in queries]
    options.append({"label": "+ New query", "value": NEW_QUERY})
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
                    dbc.Col(mappings_card(profile, {}), lg=6),
                ]
            )
        ]
    )

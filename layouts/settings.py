"""Settings: profiles, JIRA connection, forecast settings, queries; the field-mappings card is
``layouts/settings_mappings.py``."""

from __future__ import annotations

from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.common import card, dropdown, field
from layouts.health import thresholds_card
from layouts.settings_mappings import MappingVocabulary, mappings_card

DEPLOYMENTS = [
    {"label": "Detect", "value": "auto"},
    {"label": "Cloud", "value": "cloud"},
    {"label": "Data Center", "value": "datacenter"},
]


def profiles_card(profile: dict[str, Any] | None) -> dbc.Card:
    name = profile["name"] if profile else ""
    return card(
        "Profiles",
        [
            field(
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
    return card(
        "JIRA connection",
        [
            field(
                "JIRA URL",
                dbc.Input(
                    id=ids.SETTINGS_JIRA_URL,
                    value=jira.get("base_url", ""),
                    placeholder="https://your-site.atlassian.net",
                ),
            ),
            field(
                "Deployment",
                dbc.RadioItems(
                    id=ids.SETTINGS_JIRA_DEPLOYMENT,
                    options=DEPLOYMENTS,
                    value=jira.get("deployment") or "auto",
                    inline=True,
                ),
            ),
            field(
                "Email (Cloud) or user name",
                dbc.Input(id=ids.SETTINGS_JIRA_EMAIL, value=jira.get("email", "")),
            ),
            field(
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


def forecast_card(settings: dict[str, Any], deadline: str = "") -> dbc.Card:
    """The profile's forecast settings; ``deadline`` says the selected query's approved
    deadline (or why there is none), which the Plans page changes."""
    return card(
        "Forecast settings",
        [
            dbc.Row(
                [
                    dbc.Col(
                        field(
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
                        field(
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
                        field(
                            "Deadline",
                            html.Div(
                                [
                                    html.Span(deadline, id=ids.SETTINGS_FORECAST_DEADLINE),
                                    " · ",
                                    dcc.Link(
                                        "change it on the Plans page",
                                        href="/plans",
                                        id=ids.SETTINGS_FORECAST_DEADLINE_LINK,
                                    ),
                                ],
                                className="small",
                            ),
                            "The selected query's approved plan holds the deadline: a change is "
                            "a new plan version, reviewed and approved there.",
                        )
                    ),
                    dbc.Col(
                        field(
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


def plan_review_card(submitter_may_approve: bool) -> dbc.Card:
    """Whether the person who submitted a plan version may approve it too (saved on change)."""
    return card(
        "Plan review",
        [
            dbc.Switch(
                id=ids.SETTINGS_PLAN_SELF_APPROVAL,
                label="Submitters may approve their own plans",
                value=submitter_may_approve,
            ),
            dbc.FormText(
                "Off: while more than one user may review plans (team leads and admins), someone "
                "other than the submitter approves. A lone user may always approve."
            ),
            html.Div(id=ids.SETTINGS_PLAN_REVIEW_RESULT, className="mt-2"),
        ],
    )


def query_options(queries: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The Settings query list: the profile's queries (a new one starts from "New query")."""
    return [{"label": q["name"], "value": q["id"]} for q in queries]


def query_form_labels(query_name: str | None) -> tuple[str, str]:
    """(what the form edits, the Save button's label): a chosen query is changed in place, its
    name included, so the form says so; "New query" starts a blank one."""
    if query_name is None:
        return "New query: name it and write its JQL.", "Create query"
    return f"Editing {query_name!r}: a new name renames it.", "Save changes"


def queries_card(queries: list[dict[str, Any]], selected: dict[str, Any] | None) -> dbc.Card:
    hint = [] if queries else [
        dbc.Alert(
            "This profile has no queries yet: name one, write its JQL and press Create query.",
            color="info",
            className="small py-2",
            id=ids.SETTINGS_QUERY_HINT,
        )
    ]  # fmt: skip
    editing, save_label = query_form_labels(selected["name"] if selected else None)
    chooser = dbc.Row(
        [
            dbc.Col(
                dropdown(
                    ids.SETTINGS_QUERY_SELECT,
                    query_options(queries),
                    selected["id"] if selected else None,
                    clearable=False,
                    placeholder="New query (not saved yet)",
                )
            ),
            dbc.Col(
                dbc.Button(
                    "New query",
                    id=ids.SETTINGS_QUERY_NEW,
                    n_clicks=0,
                    color="primary",
                    outline=True,
                    size="sm",
                ),
                width="auto",
            ),
        ],
        className="g-2 align-items-center",
    )
    return card(
        "Queries",
        [
            *hint,
            field("Query", chooser),
            html.Div(editing, id=ids.SETTINGS_QUERY_EDITING, className="small text-muted mb-2"),
            field(
                "Name",
                dbc.Input(id=ids.SETTINGS_QUERY_NAME, value=selected["name"] if selected else ""),
            ),
            field(
                "JQL",
                dbc.Textarea(
                    id=ids.SETTINGS_QUERY_JQL,
                    value=selected["jql"] if selected else "",
                    rows=3,
                    placeholder="project = DEMO ORDER BY created",
                ),
                "Checked against JIRA before it is saved.",
            ),
            field(
                "Board",
                dbc.Input(
                    id=ids.SETTINGS_QUERY_BOARD,
                    value=""
                    if (selected or {}).get("board_id") is None
                    else str(selected["board_id"]),
                    inputmode="numeric",
                    placeholder="the profile's board",
                ),
                "The Scrum board whose sprints the Sprints page shows (`flowcast sprint boards` "
                "lists them); empty: the profile's board. Checked against JIRA before it is saved.",
            ),
            dbc.ButtonGroup(
                [
                    dbc.Button(save_label, id=ids.SETTINGS_QUERY_SAVE, n_clicks=0),
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
    vocabulary: MappingVocabulary | None,
    health_rows: list[dict[str, Any]] | None = None,
    submitter_may_approve: bool = False,
    deadline: str = "",
) -> html.Div:
    top = [profiles_card(profile)]
    if profile is None or vocabulary is None:
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
                            forecast_card(profile.get("forecast_settings") or {}, deadline),
                            queries_card(queries, selected_query),
                            plan_review_card(submitter_may_approve),
                        ],
                        lg=6,
                    ),
                    dbc.Col(
                        [
                            mappings_card(profile, choices, default_stages, vocabulary),
                            thresholds_card(health_rows or []),
                        ],
                        lg=6,
                    ),
                ]
            )
        ]
    )

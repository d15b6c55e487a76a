"""Plans: the query's current plan, its version history, a diff of two versions, rollback, the
review workflow (submit / approve / reject) and where the approved baseline is shown."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from layouts import ids
from layouts.common import text_table
from layouts.components import dbc, dcc, html

STATUS_COLORS = {"draft": "secondary", "submitted": "info", "approved": "success",
                 "rejected": "danger", "superseded": "light"}  # fmt: skip


def _shown(value: Any) -> str:
    return "–" if value is None else json.dumps(value, ensure_ascii=False)


def plan_form(
    document: dict[str, Any] | None, default_name: str, plan_types: Sequence[str]
) -> dbc.Card:
    document = document or {}
    target = document.get("scope_target") or {}
    return dbc.Card(
        [
            dbc.CardHeader(
                "Edit the plan (saves a new draft version)" if document else "Create a plan"
            ),
            dbc.CardBody(
                [
                    dbc.Row(
                        [
                            dbc.Col(
                                [
                                    dbc.Label("Name", className="small mb-0"),
                                    dbc.Input(
                                        id=ids.PLANS_NAME, value=document.get("name", default_name)
                                    ),
                                ],
                                md=4,
                            ),  # fmt: skip
                            dbc.Col(
                                [
                                    dbc.Label("Type", className="small mb-0"),
                                    dcc.Dropdown(
                                        id=ids.PLANS_TYPE,
                                        options=list(plan_types),
                                        value=document.get("type", "release"),
                                        clearable=False,
                                    ),
                                ],
                                md=2,
                            ),  # fmt: skip
                            dbc.Col(
                                [
                                    dbc.Label("Scope target (items)", className="small mb-0"),
                                    # No min: the browser sends no value for one below it,
                                    # which saved the plan without its target.
                                    dbc.Input(
                                        id=ids.PLANS_ITEMS,
                                        type="number",
                                        value=target.get("items"),
                                    ),
                                ],
                                md=2,
                            ),  # fmt: skip
                            dbc.Col(
                                [
                                    dbc.Label("Deadline", className="small mb-0"),
                                    dcc.DatePickerSingle(
                                        id=ids.PLANS_DEADLINE,
                                        date=document.get("deadline"),
                                        display_format="YYYY-MM-DD",
                                        clearable=True,
                                    ),
                                ],
                                md=2,
                            ),  # fmt: skip
                            dbc.Col(
                                [
                                    dbc.Label("Change summary", className="small mb-0"),
                                    dbc.Input(id=ids.PLANS_SUMMARY, placeholder="why it changed"),
                                ],
                                md=2,
                            ),  # fmt: skip
                        ],
                        className="g-2",
                    ),
                    dbc.Button(
                        "Save plan", id=ids.PLANS_SAVE, n_clicks=0, size="sm", className="mt-2"
                    ),
                ]
            ),
        ],
        className="mb-3",
    )


def baseline_note(version: int | None, drawn: bool) -> str:
    """Which version is the baseline, and whether the Forecast burndown can draw it (it needs
    the approved version's scope target in items and its deadline)."""
    if not version:
        return "No approved baseline yet: submit a version and approve it."
    if drawn:
        return f"Approved baseline: version {version} (drawn on the Forecast burndown)"
    return (
        f"Approved baseline: version {version} (not on the Forecast burndown: it needs a scope "
        "target in items and a deadline; save them, submit and approve)"
    )


def current_card(plan: dict[str, Any], baseline_drawn: bool = False) -> dbc.Card:
    document = plan["data"]
    target = document.get("scope_target") or {}
    status = plan.get("version_status") or "draft"
    baseline = plan.get("baseline_version")
    return dbc.Card(
        dbc.CardBody(
            [
                html.H5(
                    [
                        document.get("name", plan["name"]),
                        dbc.Badge(
                            status, color=STATUS_COLORS.get(status, "secondary"), className="ms-2"
                        ),
                    ]
                ),  # fmt: skip
                html.Div(
                    f"Version {plan['version']} · {document.get('type', '–')} · status "
                    f"{document.get('status', '–')} · scope target {target.get('items', '–')} items"
                    f" · deadline {document.get('deadline') or '–'}",
                    className="small",
                ),
                html.Div(
                    baseline_note(baseline, baseline_drawn),
                    id=ids.PLANS_BASELINE,
                    className="small text-muted mt-1",
                ),
            ]
        ),
        id=ids.PLANS_CURRENT,
        className="mb-3",
    )


def history_records(
    history: list[dict[str, Any]],
) -> tuple[list[tuple[str, str]], list[dict[str, Any]]]:
    """A plan's versions as the history table lists them: (columns, records)."""
    records = [
        {
            "version": v["version"],
            "status": v["version_status"],
            "created": (v.get("created_at") or "")[:16].replace("T", " "),
            "by": v.get("created_by") or "",
            "summary": v.get("change_summary") or "",
            "review": " ".join(
                x for x in (v.get("reviewed_by") or "", v.get("review_notes") or "") if x
            ),
        }
        for v in history
    ]
    columns = [("version", "Version"), ("status", "Status"), ("created", "Created (UTC)"),
               ("by", "By"), ("summary", "Change"), ("review", "Review")]  # fmt: skip
    return columns, records


def history_table(history: list[dict[str, Any]]) -> html.Div:
    columns, records = history_records(history)
    return text_table(ids.PLANS_HISTORY, columns, records, max_height="24rem", csv="plan-history")


def diff_records(changes: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {"path": c["path"], "change": c["change"], "old": _shown(c.get("old")),
         "new": _shown(c.get("new"))}
        for c in changes
    ]  # fmt: skip


def diff_table(changes: list[dict[str, Any]]) -> Any:
    if not changes:
        return html.P("The two versions have the same content.", className="small")
    columns = [("path", "JSON path"), ("change", "Change"), ("old", "Old"), ("new", "New")]
    return text_table(None, columns, diff_records(changes), csv="plan-diff")


def workflow_card(versions: list[int], current: int) -> dbc.Card:
    older = [v for v in versions if v != current]
    return dbc.Card(
        [
            dbc.CardHeader("Review, compare, roll back"),
            dbc.CardBody(
                [
                    dbc.Textarea(
                        id=ids.PLANS_ACTION_NOTES,
                        rows=2,
                        placeholder="Review notes (required to reject)",
                        className="mb-2",
                    ),  # fmt: skip
                    dbc.ButtonGroup(
                        [
                            dbc.Button("Submit for review", id=ids.PLANS_SUBMIT, n_clicks=0),
                            dbc.Button(
                                "Approve", id=ids.PLANS_APPROVE, n_clicks=0, color="success"
                            ),
                            dbc.Button("Reject", id=ids.PLANS_REJECT, n_clicks=0, color="danger"),
                        ],
                        size="sm",
                    ),
                    html.Hr(),
                    dbc.Row(
                        [
                            dbc.Col(
                                dcc.Dropdown(
                                    id=ids.PLANS_ROLLBACK_VERSION,
                                    options=older,
                                    placeholder="version",
                                    clearable=False,
                                ),
                                md=4,
                            ),  # fmt: skip
                            dbc.Col(
                                dbc.Button(
                                    "Roll back to it",
                                    id=ids.PLANS_ROLLBACK,
                                    n_clicks=0,
                                    size="sm",
                                    color="warning",
                                ),
                                md=8,
                            ),  # fmt: skip
                        ],
                        className="g-2 mb-2",
                    ),
                    html.Hr(),
                    dbc.Row(
                        [
                            dbc.Col(
                                dcc.Dropdown(
                                    id=ids.PLANS_DIFF_A,
                                    options=versions,
                                    value=older[0] if older else current,
                                    clearable=False,
                                ),
                                md=6,
                            ),  # fmt: skip
                            dbc.Col(
                                dcc.Dropdown(
                                    id=ids.PLANS_DIFF_B,
                                    options=versions,
                                    value=current,
                                    clearable=False,
                                ),
                                md=6,
                            ),  # fmt: skip
                        ],
                        className="g-2",
                    ),
                    html.Div(id=ids.PLANS_DIFF, className="mt-2"),
                ]
            ),
        ]
    )


def plans_layout(
    plan: dict[str, Any] | None,
    history: list[dict[str, Any]],
    default_name: str,
    plan_types: Sequence[str],
    baseline_drawn: bool = False,
) -> html.Div:
    """The page: what its buttons answer (it goes with the page), then its content."""
    return html.Div(
        [
            html.Div(id=ids.PLANS_RESULT),
            html.Div(
                plans_body(plan, history, default_name, plan_types, baseline_drawn),
                id=ids.PLANS_CONTENT,
            ),
        ]
    )


def plans_body(
    plan: dict[str, Any] | None,
    history: list[dict[str, Any]],
    default_name: str,
    plan_types: Sequence[str],
    baseline_drawn: bool = False,
) -> list[Any]:
    """The plan, its form, history and workflow (what a Plans action redraws)."""
    if plan is None:
        body: list[Any] = [
            dbc.Alert("This query has no delivery plan yet.", color="info"),
            plan_form(None, default_name, plan_types),
            # The workflow controls exist (hidden) so the page's one action callback can fire.
            html.Div(workflow_card([], 0), style={"display": "none"}),
        ]
    else:
        versions = sorted(v["version"] for v in history)
        body = [
            current_card(plan, baseline_drawn),
            dbc.Row(
                [
                    dbc.Col(
                        [
                            plan_form(plan["data"], default_name, plan_types),
                            html.H6("Version history"),
                            history_table(history),
                        ],
                        lg=7,
                    ),  # fmt: skip
                    dbc.Col(workflow_card(versions, plan["version"]), lg=5),
                ]
            ),
        ]
    return body

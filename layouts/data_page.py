"""Data: import/export a profile, backup now/restore, verify, migrate legacy JSON (dry run first),
cache cleanup, and the audit log."""

from __future__ import annotations

import json
from typing import Any

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.common import card, field, text_table
from layouts.jobs import job_cancel_result, job_progress

MAX_SHOWN = 120
"""Characters of one field's value shown in the audit table; a longer one ends in "…"."""


def _shown(value: Any) -> str:
    text = (
        value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    )
    return text if len(text) <= MAX_SHOWN else f"{text[: MAX_SHOWN - 1]}…"


def _fields(value: Any, path: str = "") -> dict[str, Any]:
    """A JSON value as {dotted path: leaf value}; a value that is not an object is one leaf at ""."""
    if isinstance(value, dict) and value:
        fields: dict[str, Any] = {}
        for key, item in value.items():
            fields.update(_fields(item, f"{path}.{key}" if path else str(key)))
        return fields
    return {path: value}


def audit_changes(old: Any, new: Any) -> list[str]:
    """What an audit entry changed, one line per field that differs, by its dotted path:
    "path: old → new", "+ path: value" (added), "− path: value" (removed); a value that is not
    an object has no path ("x → y"). Unchanged fields are left out."""
    before = {} if old is None else _fields(old)
    after = {} if new is None else _fields(new)
    lines = []
    for path in sorted(before.keys() | after.keys()):
        label = f"{path}: " if path else ""
        if path not in before:
            lines.append(f"+ {label}{_shown(after[path])}")
        elif path not in after:
            lines.append(f"− {label}{_shown(before[path])}")
        elif before[path] != after[path]:
            lines.append(f"{label}{_shown(before[path])} → {_shown(after[path])}")
    return lines or ["no field changed"]


def _change_cell(old: Any, new: Any) -> html.Div:
    return html.Div([html.Div(line) for line in audit_changes(old, new)])


def audit_table(entries: list[dict[str, Any]]) -> html.Div:
    """Newest first; each entry's change as one line per field (secrets already masked by the
    data layer)."""
    records = [
        {"at": e["at"][:19].replace("T", " "), "what": f"{e['entity_type']} {e['entity_id']}",
         "action": e["action"], "change": _change_cell(e["old_value"], e["new_value"]),
         "actor": e.get("actor") or ""}
        for e in entries
    ]  # fmt: skip
    columns = [("at", "When (UTC)"), ("what", "What"), ("action", "Action"),
               ("change", "Change"), ("actor", "Who")]  # fmt: skip
    return text_table(ids.DATA_AUDIT, columns, records, max_height="32rem", csv="audit-log")


def backup_options(backups: list[str]) -> list[dict[str, str]]:
    return [{"label": name, "value": name} for name in reversed(backups)]


def data_layout(
    profile_name: str | None,
    backups: list[str],
    audit: list[dict[str, Any]],
    last_migration: Any = None,
) -> html.Div:
    """``last_migration``: the summary of the last completed migration, shown until the next."""
    export_card = card(
        "Export / import a profile",
        [
            html.P(
                f"Export writes profile {profile_name!r} with its queries, statistics, snapshots and "
                "fetched issues to a zip file."
                if profile_name
                else "Create a profile to export it.",
                className="small",
            ),
            dbc.Checkbox(
                id=ids.DATA_EXPORT_TOKEN,
                label="include the JIRA token (keep the file private)",
                value=False,
                className="small mb-2",
            ),  # fmt: skip
            dbc.Button(
                "Export profile",
                id=ids.DATA_EXPORT,
                n_clicks=0,
                size="sm",
                disabled=not profile_name,
            ),  # fmt: skip
            dcc.Download(id=ids.DATA_EXPORT_DOWNLOAD),
            html.Hr(),
            dcc.Upload(
                id=ids.DATA_IMPORT_UPLOAD,
                children=html.Div(
                    ["Drop an exported profile (.zip) here or ", html.A("choose a file")]
                ),
                accept=".zip",
                max_size=512 * 1024 * 1024,
                className="border rounded p-3 text-center small",
            ),
        ],
    )
    backup_card = card(
        "Backup and restore",
        [
            dbc.Button("Back up now", id=ids.DATA_BACKUP, n_clicks=0, size="sm", className="mb-2"),
            dcc.Dropdown(
                id=ids.DATA_BACKUP_LIST,
                options=backup_options(backups),
                placeholder="No backups yet" if not backups else "Choose a backup to restore",
            ),  # fmt: skip
            dbc.Button(
                "Restore the chosen backup",
                id=ids.DATA_RESTORE,
                n_clicks=0,
                size="sm",
                color="warning",
                className="mt-2",
            ),  # fmt: skip
            dbc.FormText(" The current database is kept as a backup before it is replaced."),
            dcc.ConfirmDialog(
                id=ids.DATA_RESTORE_CONFIRM,
                message="Replace the whole database with this backup? Every tab should be reloaded "
                "afterwards, and no fetch may be running.",
            ),
            html.Hr(),
            dbc.ButtonGroup(
                [
                    dbc.Button(
                        "Verify the database", id=ids.DATA_VERIFY, n_clicks=0, color="secondary"
                    ),
                    dbc.Button(
                        "Clean up expired cache",
                        id=ids.DATA_CACHE_CLEANUP,
                        n_clicks=0,
                        color="secondary",
                    ),  # fmt: skip
                ],
                size="sm",
            ),
        ],
    )
    migrate_card = card(
        "Migrate legacy JSON data",
        [
            field(
                "Legacy data folder",
                dbc.Input(id=ids.DATA_MIGRATE_PATH, placeholder="the data directory"),
                "The folder that holds the old profiles/ folder; empty: the data directory.",
            ),
            dbc.ButtonGroup(
                [
                    dbc.Button(
                        "Dry run", id=ids.DATA_MIGRATE_DRY_RUN, n_clicks=0, color="secondary"
                    ),
                    dbc.Button("Migrate", id=ids.DATA_MIGRATE_RUN, n_clicks=0, disabled=True),
                ],
                size="sm",
            ),
            dbc.FormText(" Migrate is enabled after a dry run without problems."),
            job_progress(ids.MIGRATION_JOB),
            job_cancel_result(ids.MIGRATION_JOB),
            html.Div(last_migration, id=ids.DATA_MIGRATE_RESULT, className="mt-2 small"),
            dcc.Store(id=ids.DATA_MIGRATED),
        ],
    )
    return html.Div(
        [
            dcc.Loading(html.Div(id=ids.DATA_RESULT), type="dot"),
            dbc.Row(
                [
                    dbc.Col(export_card, lg=4),
                    dbc.Col(backup_card, lg=4),
                    dbc.Col(migrate_card, lg=4),
                ]
            ),
            html.H5("Audit log", className="mt-2"),
            audit_table(audit),
        ]
    )


def migration_summary(report: dict[str, Any]) -> html.Div:
    """What a (dry) run found: counts per query, notes and problems, as text."""
    totals = report.get("totals", {})
    lines = [
        html.Div(
            f"{'Dry run' if report['dry_run'] else 'Migrated'}: {report['profiles']} profile(s), "
            f"{report['query_count']} query(ies), {totals.get('issues', 0):,} issues, "
            f"{totals.get('snapshots', 0):,} snapshots from {report['source']}."
        )
    ]
    lines += [html.Div(f"Note: {n}") for n in report.get("notes", [])]
    lines += [
        html.Div(f"Problem: {p}", className="text-danger") for p in report.get("problems", [])
    ]
    if report.get("backup_dir"):
        lines.append(html.Div(f"The legacy files were backed up to {report['backup_dir']}."))
    return html.Div(lines)

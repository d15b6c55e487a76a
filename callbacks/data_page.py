"""Data page adapters: export/import, backup/restore, verify, legacy migration, cache, audit."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path
from typing import Any

from dash import Dash, Input, Output, State, ctx, dcc, no_update

from callbacks.errors import ALERT, alert_on_error
from callbacks.jobs import (
    PageJob,
    register_cancel_and_poll,
    running,
)
from callbacks.roles import requires
from callbacks.selection import named_downloads
from data.analytics.loading import warm_frame_cache
from data.errors import FlowcastError, TaskCancelled
from data.jobs import MIGRATION_TASK, ProgressCallback
from data.legacy import migration
from data.locations import get_backups_dir, get_data_dir, get_db_path, get_exports_dir
from data.ops import backup, transfer
from data.ops.verify import run_integrity_checks
from data.private_files import open_private
from data.profiles import manager as profile_manager
from data.store import get_backend
from data.timeutil import utc_now_iso
from layouts import ids
from layouts.common import error_alert, info_alert, no_selection, success_alert
from layouts.data_page import backup_options, data_layout, migration_summary

AUDIT_LIMIT = 200


def _backup_names() -> list[str]:
    return [p.name for p in backup.list_backups()]


def render(profile_id: str | None, query_id: str | None) -> Any:
    name = profile_manager.get_profile(profile_id)["name"] if profile_id else None
    backend = get_backend()
    entries = backend.list_audit_entries(limit=AUDIT_LIMIT)
    # The audit log is every profile's: its CSV is flowcast_audit-log_<the profile's day>.
    with named_downloads(profile_id, None):
        return data_layout(name, _backup_names(), entries, last_migration(backend))


def last_migration(backend: Any) -> Any:
    """What the last completed migration did (kept in its task record), or None."""
    record = backend.get_task_progress(MIGRATION_TASK)
    if not record or record["status"] != "completed" or not record["details"]:
        return None
    return migration_summary(record["details"])


def export(profile_id: str | None, include_token: bool) -> tuple[Any, Any]:
    """(download, alert): the profile exported to ``<data dir>/exports/`` and sent to the browser."""
    if not profile_id:
        return no_update, no_selection()
    stamp = utc_now_iso().replace(":", "").replace("-", "")[:15]
    target = get_exports_dir() / f"{profile_id}-{stamp}.zip"
    path = transfer.export_profile(profile_id, target, include_token=bool(include_token))
    return dcc.send_file(str(path)), success_alert(f"Exported the profile to {path}.")


def import_upload(contents: str, filename: str | None) -> tuple[Any, str]:
    """(alert, new profile id) for an uploaded export zip; the import selects the new profile."""
    _header, _, encoded = contents.partition(",")
    with tempfile.TemporaryDirectory(dir=get_data_dir()) as folder:
        path = Path(folder) / "import.zip"
        with open_private(path) as handle:  # the export holds issue text (and maybe the token)
            handle.write(base64.b64decode(encoded))
        try:
            profile_id = transfer.import_profile(path)
        except FlowcastError as exc:
            # The message names the file it read: the upload's name, not the temporary copy.
            uploaded = filename or "the uploaded file"
            raise type(exc)(str(exc).replace(str(path), uploaded)) from None
    profile_manager.switch_to(profile_id)
    name = profile_manager.get_profile(profile_id)["name"]
    return success_alert(
        f"Imported {filename or 'the file'} as profile {name!r}; it is selected."
    ), profile_id


def backup_now() -> tuple[Any, Any]:
    path = backup.backup_database(reason="ui")
    return success_alert(f"Backed up the database to {path}."), backup_options(_backup_names())


def restore(name: str | None) -> Any:
    if not name:
        return info_alert("Choose a backup to restore first.")
    # Only a file name from the list is accepted: the backup is always read from the backups folder.
    result = backup.restore_database(get_backups_dir() / Path(name).name)
    warm_frame_cache()  # the restored queries' first pages then skip reading SQLite
    kept = f" The previous database was kept as {result.previous}." if result.previous else ""
    return success_alert(
        f"Restored {name}.{kept} Reload any other open Flowcast tab to see the restored data."
    )


def verify() -> Any:
    ok, problems = run_integrity_checks(get_db_path())
    if ok:
        return success_alert(
            "The database passed every check (SQLite integrity, foreign keys, schema, JSON)."
        )
    return error_alert("; ".join(problems), "Verify found problems")


def cleanup_cache() -> Any:
    removed = get_backend().cleanup_expired_cache()
    return success_alert(f"Removed {removed:,} expired cache entries.")


MIGRATION = PageJob(
    ids.MIGRATION_JOB, lambda _selection: MIGRATION_TASK, "migration", "the phase it is in"
)


def dry_run(path: str | None) -> tuple[Any, bool]:
    """(summary, Migrate disabled) — Migrate stays disabled until a dry run finds no problem."""
    report = migration.migrate_legacy((path or "").strip() or None, dry_run=True).to_dict()
    return migration_summary(report), bool(report["problems"])


@alert_on_error(ALERT, no_update)
def migrate(
    path: str | None, n_clicks: int, progress: ProgressCallback | None = None
) -> tuple[Any, Any]:
    """The background job: (summary or alert, the migrated marker that refreshes the header)."""
    try:
        report = migration.run_migration_job((path or "").strip() or None, progress)
    except TaskCancelled:
        return info_alert("Migration cancelled; the database is unchanged."), no_update
    return migration_summary(report.to_dict()), n_clicks


def register(app: Dash) -> None:
    @app.callback(
        Output(ids.DATA_EXPORT_DOWNLOAD, "data"),
        Output(ids.DATA_RESULT, "children"),
        Input(ids.DATA_EXPORT, "n_clicks"),
        State(ids.SELECTION, "data"),
        State(ids.DATA_EXPORT_TOKEN, "value"),
        prevent_initial_call=True,
    )
    @alert_on_error(no_update, ALERT)
    @requires("settings")
    def _export(_n, selection, include_token):
        return export((selection or {}).get("profile"), include_token)

    @app.callback(
        Output(ids.ALERTS, "children", allow_duplicate=True),
        Output(ids.SELECTION_VERSION, "data", allow_duplicate=True),
        Input(ids.DATA_IMPORT_UPLOAD, "contents"),
        State(ids.DATA_IMPORT_UPLOAD, "filename"),
        State(ids.SELECTION_VERSION, "data"),
        prevent_initial_call=True,
    )
    @alert_on_error(ALERT, no_update)
    @requires("settings")
    def _import(contents, filename, version):
        if not contents:
            return no_update, no_update
        alert, _profile_id = import_upload(contents, filename)
        return alert, (version or 0) + 1

    @app.callback(
        Output(ids.DATA_RESULT, "children", allow_duplicate=True),
        Output(ids.DATA_BACKUP_LIST, "options"),
        Output(ids.DATA_RESTORE_CONFIRM, "displayed"),
        Input(ids.DATA_BACKUP, "n_clicks"),
        Input(ids.DATA_RESTORE, "n_clicks"),
        Input(ids.DATA_VERIFY, "n_clicks"),
        Input(ids.DATA_CACHE_CLEANUP, "n_clicks"),
        State(ids.DATA_BACKUP_LIST, "value"),
        prevent_initial_call=True,
    )
    @alert_on_error(ALERT, no_update, False)
    @requires("settings")
    def _maintenance(_b, _r, _v, _cc, chosen):
        trigger = ctx.triggered_id
        if not ctx.triggered or not ctx.triggered[0]["value"]:
            return no_update, no_update, no_update
        if trigger == ids.DATA_BACKUP:
            alert, options = backup_now()
            return alert, options, False
        if trigger == ids.DATA_RESTORE:
            if not chosen:
                return info_alert("Choose a backup to restore first."), no_update, False
            return no_update, no_update, True
        if trigger == ids.DATA_VERIFY:
            return verify(), no_update, False
        return cleanup_cache(), no_update, False

    # A restore changes everything: the message goes to the shell's alerts, and the header and the
    # page reload from the restored database.
    @app.callback(
        Output(ids.ALERTS, "children", allow_duplicate=True),
        Output(ids.SELECTION_VERSION, "data", allow_duplicate=True),
        Output(ids.DATA_VERSION, "data", allow_duplicate=True),
        Input(ids.DATA_RESTORE_CONFIRM, "submit_n_clicks"),
        State(ids.DATA_BACKUP_LIST, "value"),
        State(ids.SELECTION_VERSION, "data"),
        State(ids.DATA_VERSION, "data"),
        prevent_initial_call=True,
    )
    @alert_on_error(ALERT, no_update, no_update)
    @requires("settings")
    def _restore(submitted, chosen, selection_version, data_version):
        if not submitted:
            return no_update, no_update, no_update
        alert = restore(chosen)
        return alert, (selection_version or 0) + 1, (data_version or 0) + 1

    @app.callback(
        Output(ids.DATA_MIGRATE_RESULT, "children"),
        Output(ids.DATA_MIGRATE_RUN, "disabled"),
        Input(ids.DATA_MIGRATE_DRY_RUN, "n_clicks"),
        State(ids.DATA_MIGRATE_PATH, "value"),
        prevent_initial_call=True,
    )
    @alert_on_error(ALERT, True)
    @requires("settings")
    def _dry_run(_n, path):
        return dry_run(path)

    # The job's outputs stay on this page so prevent_initial_call holds when the page renders;
    # a plain callback then tells the header that profiles may have changed.
    @app.callback(
        Output(ids.DATA_MIGRATE_RESULT, "children", allow_duplicate=True),
        Output(ids.DATA_MIGRATED, "data"),
        Input(ids.DATA_MIGRATE_RUN, "n_clicks"),
        State(ids.DATA_MIGRATE_PATH, "value"),
        background=True,
        running=[
            (Output(ids.DATA_MIGRATE_RUN, "disabled"), True, True),
            *running(ids.MIGRATION_JOB),
        ],
        prevent_initial_call=True,
    )
    @requires("settings")
    def _migrate(n_clicks, path):
        return migrate(path, n_clicks)

    register_cancel_and_poll(app, MIGRATION)

    @app.callback(
        Output(ids.SELECTION_VERSION, "data", allow_duplicate=True),
        Input(ids.DATA_MIGRATED, "data"),
        State(ids.SELECTION_VERSION, "data"),
        prevent_initial_call=True,
    )
    def _after_migration(migrated, version):
        return (version or 0) + 1 if migrated else no_update

"""Exporting one profile to a folder or zip and importing it back; writing the whole database out
in the legacy JSON layout (the way back to the old version, migration-strategy seed "Rollback").

A profile export holds everything a restore needs:

```
manifest.json              format, format_version, what is inside
profile.json               the profile (JIRA token removed unless asked for)
queries/<id>.json          each query
statistics/<id>.json       each query's project data (weekly statistics, scope)
snapshots/<id>.json        each query's metrics snapshots
issues.json                the profile's issue store: issues, status transitions, query membership
```

The JIRA caches are not exported: they are re-fetched. ``import_profile`` checks every file
before it writes anything, then writes in one transaction.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from data.analytics.deadlines import approve_imported_deadlines, settings_deadline_for_legacy
from data.analytics.loading import warm_frame_cache
from data.db.connection import read_transaction, write_transaction
from data.db.sqlite import Connection
from data.errors import ConflictError, NotFoundError, ValidationError, no_profile
from data.jobs import as_shown
from data.legacy.reader import LOCAL_STATE_KEYS
from data.plans.approved import approved_plan
from data.plans.plan_document import is_iso_date
from data.private_files import make_private_dir, open_private
from data.store import audit, sql_store
from data.store import transfer as store
from data.store.json_backend import JSONBackend, canonical_profile, canonical_query
from data.store.records import dumps
from data.store.sql_backend import SQLBackend
from data.store.transfer import ISSUE_COLUMNS
from data.timeutil import to_utc_iso, utc_now_iso, validate_week_key
from data.validation import slugify, validate_metric_type, validate_name

EXPORT_FORMAT = "flowcast-profile-export"
FORMAT_VERSION = 1
APPROVED_DEADLINE = "approved_deadline"  # a query file's: its approved plan's deadline


def _strip_secrets(config: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in config.items() if k.lower() not in audit.SECRET_KEYS}


# Export ------------------------------------------------------------------------------------------
def _profile_files(
    backend: SQLBackend, conn: Connection, profile_id: str, include_token: bool
) -> dict[str, Any]:
    profile = backend.get_profile(profile_id)
    if profile is None:
        raise no_profile(profile_id)
    if not include_token:
        profile["jira_config"] = _strip_secrets(profile["jira_config"])
    files: dict[str, Any] = {"profile.json": profile}
    queries = backend.list_queries(profile_id)
    for query in queries:
        plan = approved_plan(profile_id, query["id"])
        files[f"queries/{query['id']}.json"] = {
            **{k: v for k, v in query.items() if k != "profile_id"},
            # An export carries no plans; the import approves this deadline again.
            APPROVED_DEADLINE: plan.deadline if plan else None,
        }
        data = backend.get_project_data(profile_id, query["id"])
        if data is not None:
            files[f"statistics/{query['id']}.json"] = data
        files[f"snapshots/{query['id']}.json"] = backend.get_metrics_snapshots(
            profile_id, query["id"]
        )
    issues = store.profile_issues(conn, profile_id)
    transitions = store.profile_transitions(conn, profile_id)
    members: dict[str, list[str]] = {q["id"]: [] for q in queries}
    for query_id, issue_key in store.profile_members(conn, profile_id):
        members[query_id].append(issue_key)
    files["issues.json"] = {"issues": issues, "transitions": transitions, "members": members}
    files["manifest.json"] = {
        "format": EXPORT_FORMAT,
        "format_version": FORMAT_VERSION,
        "exported_at": utc_now_iso(),
        "profile_id": profile_id,
        "profile_name": profile["name"],
        "queries": [q["id"] for q in queries],
        "token_included": include_token,
        "counts": {
            "queries": len(queries),
            "issues": len(issues),
            "transitions": sum(len(t) for t in transitions.values()),
            "snapshots": sum(len(files[f"snapshots/{q['id']}.json"]) for q in queries),
        },
    }
    return files


def export_profile(
    profile_id: str, export_path: str | os.PathLike[str], include_token: bool = False
) -> Path:
    """Write one profile to a new folder, or to a zip when ``export_path`` ends with ``.zip``."""
    target = Path(export_path).expanduser().resolve()
    if target.exists() and (target.is_file() or any(target.iterdir())):
        raise ConflictError(f"{target} already exists; choose a new folder or file name.")
    backend = sql_store()
    # One read transaction: every read sees the same data.
    with backend.session() as conn, read_transaction(conn):
        files = _profile_files(backend, conn, profile_id, include_token)
    make_private_dir(target.parent)
    encoded = {
        name: json.dumps(data, ensure_ascii=False, indent=2).encode()
        for name, data in files.items()
    }
    # Written next to the target and renamed, so a failed export leaves nothing half-written;
    # private (0600 files in 0700 folders: mkstemp and mkdtemp create them so) as the issues are.
    if target.suffix.lower() == ".zip":
        fd, tmp_name = tempfile.mkstemp(dir=target.parent, suffix=".zip.tmp")
        os.close(fd)
        try:
            with zipfile.ZipFile(tmp_name, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, payload in encoded.items():
                    archive.writestr(name, payload)
            os.replace(tmp_name, target)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise
        return target
    staging = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}."))
    try:
        for name, payload in encoded.items():
            path = staging / name
            make_private_dir(path.parent)
            with open_private(path) as handle:
                handle.write(payload)
        if target.exists():
            target.rmdir()
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


# Import ------------------------------------------------------------------------------------------
def _read_export(path: Path) -> dict[str, Any]:
    """Every JSON file of an export folder or zip, by its relative name."""
    if not path.exists():
        raise NotFoundError(f"{path} does not exist; pass the folder or .zip that export wrote.")
    raw: dict[str, bytes] = {}
    if path.is_file():
        try:
            with zipfile.ZipFile(path) as archive:
                raw = {n: archive.read(n) for n in archive.namelist() if n.endswith(".json")}
        except zipfile.BadZipFile:
            raise ValidationError(
                f"{path} is not a zip file; pass the folder or .zip that export wrote."
            ) from None
    else:
        raw = {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*.json")}
    files = {}
    for name, payload in raw.items():
        try:
            files[name] = json.loads(payload)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise ValidationError(
                f"{name} in {path} is not valid JSON; the export is damaged — export again."
            ) from None
    return files


def _check_manifest(files: dict[str, Any], path: Path) -> dict[str, Any]:
    manifest = files.get("manifest.json")
    if not isinstance(manifest, dict) or manifest.get("format") != EXPORT_FORMAT:
        raise ValidationError(
            f"{path} is not a Flowcast profile export (no manifest.json); choose a file made by "
            "Export profile on the Data page or by `flowcast export --profile`."
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValidationError(f"{path}: manifest.json has no valid format_version; export again.")
    if version > FORMAT_VERSION:
        raise ValidationError(
            f"{path} was written by a newer Flowcast (export format {version}; this version reads "
            f"up to {FORMAT_VERSION}); upgrade Flowcast to import it."
        )
    return manifest


def _need(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise ValidationError(f"{where}: {problem}; the export is damaged — export again.")


def _checked_issues(
    document: Any, query_ids: set[str]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]], list[tuple[str, str]]]:
    _need(isinstance(document, dict), "issues.json", "expected an object")
    issues, transitions, members = (
        document.get("issues") or [],
        document.get("transitions") or {},
        document.get("members") or {},
    )
    _need(isinstance(issues, list), "issues.json: issues", "expected a list")
    _need(isinstance(transitions, dict), "issues.json: transitions", "expected an object")
    _need(isinstance(members, dict), "issues.json: members", "expected an object")
    issue_rows, keys = [], set()
    for index, issue in enumerate(issues):
        where = f"issues.json: issues[{index}]"
        _need(isinstance(issue, dict), where, "expected an object")
        for column in ("issue_key", "issue_id", "created", "fetched_at"):
            _need(isinstance(issue.get(column), str), f"{where}.{column}", "expected a string")
        _need(isinstance(issue.get("fields", {}), dict), f"{where}.fields", "expected an object")
        points = issue.get("points")
        _need(
            points is None or (isinstance(points, int | float) and not isinstance(points, bool)),
            f"{where}.points",
            "expected a number",
        )
        to_utc_iso(issue["created"])
        keys.add(issue["issue_key"])
        row = {c: issue.get(c) for c in ISSUE_COLUMNS}
        row["fields"] = dumps(issue.get("fields") or {})
        row["changelog_total"] = int(issue.get("changelog_total") or 0)
        for column in ("project_key", "issue_type", "summary", "status", "status_category"):
            row[column] = str(row[column] or "")
        issue_rows.append(tuple(row[c] for c in ISSUE_COLUMNS))
    transition_rows = []
    for key, steps in transitions.items():
        where = f"issues.json: transitions.{key}"
        _need(key in keys, where, "names an issue that is not in the export")
        _need(isinstance(steps, list), where, "expected a list")
        for seq, step in enumerate(steps):
            _need(
                isinstance(step, list)
                and len(step) == 4
                and isinstance(step[0], str)
                and isinstance(step[2], str),
                f"{where}[{seq}]",
                "expected [changed_at, from_status, to_status, history_id]",
            )
            transition_rows.append((key, seq, to_utc_iso(step[0]), step[1], step[2], step[3]))
    member_rows = []
    for query_id, member_keys in members.items():
        where = f"issues.json: members.{query_id}"
        _need(query_id in query_ids, where, "names a query that is not in the export")
        _need(isinstance(member_keys, list), where, "expected a list")
        for key in member_keys:
            _need(key in keys, where, f"names issue {key!r} that is not in the export")
            member_rows.append((query_id, key))
    return issue_rows, transition_rows, member_rows


def import_profile(import_path: str | os.PathLike[str], profile_name: str | None = None) -> str:
    """Import an export (folder or zip) as a new profile and return its id.

    Everything is checked before anything is written; the id (and, unless ``profile_name`` is
    given, the name) gets a suffix when already in use.
    """
    path = Path(import_path).expanduser().resolve()
    files = _read_export(path)
    manifest = _check_manifest(files, path)
    profile = files.get("profile.json")
    if not isinstance(profile, dict):
        raise ValidationError("profile.json: missing or not an object; export the profile again.")
    query_ids = [
        name[len("queries/") : -len(".json")] for name in files if name.startswith("queries/")
    ]
    _need(
        sorted(query_ids) == sorted(manifest.get("queries") or []),
        "manifest.json: queries",
        "does not match the queries/ folder",
    )
    backend = sql_store()
    existing = backend.list_profiles()
    taken_ids = {p["id"] for p in existing}
    taken_names = {p["name"] for p in existing}
    name = validate_name(
        "profile", profile_name if profile_name is not None else profile.get("name")
    )
    if name in taken_names:
        if profile_name is not None:
            raise ConflictError(f"A profile named {name!r} already exists; choose another name.")
        base, n = name, 2
        while name in taken_names:
            name, n = f"{base} ({n})", n + 1
    new_id = str(profile.get("id") or slugify(name))
    if new_id in taken_ids:
        base, n = slugify(name), 2
        new_id = base
        while new_id in taken_ids:
            new_id, n = f"{base}-{n}", n + 1
    document = canonical_profile({**profile, "id": new_id, "name": name})
    queries, deadlines = [], {}
    for query_id in sorted(query_ids):
        query = files[f"queries/{query_id}.json"]
        where = f"queries/{query_id}.json"
        _need(isinstance(query, dict), where, "expected an object")
        deadline = query.pop(APPROVED_DEADLINE, None)
        _need(deadline is None or is_iso_date(deadline), f"{where}: {APPROVED_DEADLINE}",
              "expected an ISO date or null")  # fmt: skip
        if deadline is not None:
            deadlines[query_id] = deadline
        queries.append(canonical_query(new_id, {**query, "id": query_id}))
    statistics = {}
    snapshots = []
    for query_id in query_ids:
        data = files.get(f"statistics/{query_id}.json")
        if data is not None:
            _need(isinstance(data, dict), f"statistics/{query_id}.json", "expected an object")
            statistics[query_id] = data
        rows = files.get(f"snapshots/{query_id}.json") or []
        _need(isinstance(rows, list), f"snapshots/{query_id}.json", "expected a list")
        for index, snap in enumerate(rows):
            where = f"snapshots/{query_id}.json: [{index}]"
            _need(isinstance(snap, dict), where, "expected an object")
            validate_week_key(snap.get("snapshot_date"))  # type: ignore[arg-type]
            validate_metric_type(snap.get("metric_type"))
            _need(isinstance(snap.get("metrics"), dict), f"{where}.metrics", "expected an object")
            forecast = snap.get("forecast")
            snapshots.append(
                (
                    query_id,
                    snap["snapshot_date"],
                    snap["metric_type"],
                    dumps(snap["metrics"]),
                    None if forecast is None else dumps(forecast),
                    to_utc_iso(snap.get("created_at") or utc_now_iso()),
                )
            )
    issue_rows, transition_rows, member_rows = _checked_issues(
        files.get("issues.json") or {}, set(query_ids)
    )
    now = utc_now_iso()
    with backend.session() as conn, write_transaction(conn):
        store.insert_profile(
            conn,
            document,
            queries,
            statistics,
            snapshots,
            issue_rows,
            transition_rows,
            member_rows,
            now,
        )
        audit.record(conn, "profile", new_id, "create", None, document)
        for query in queries:
            audit.record(conn, "query", f"{new_id}/{query['id']}", "create", None, query)
    approve_imported_deadlines(new_id, deadlines)
    # The first page drawn for the imported queries then skips reading them from SQLite.
    warm_frame_cache(new_id)
    return new_id


# The legacy layout (rollback path) ---------------------------------------------------------------
def export_legacy(
    dest_dir: str | os.PathLike[str], *, force: bool = False, include_token: bool = False
) -> dict[str, int]:
    """Write every profile, query, cache, statistic, snapshot, app state and task record in the
    legacy JSON layout under ``dest_dir`` (through JSONBackend); returns what was written.

    The JIRA token and other secrets stay out of the files unless ``include_token`` (the storage
    modes that use the files as a store or mirror ask for it). Refuses to write over existing
    legacy files unless ``force`` (then the exported profiles' files are replaced and other
    legacy profiles stay).
    """
    root = Path(dest_dir).expanduser().resolve()
    if (root / "profiles" / "profiles.json").exists() and not force:
        raise ConflictError(
            f"{root} already holds legacy files; choose an empty folder or pass --force to overwrite them."
        )
    source = sql_store()
    target = JSONBackend(root)
    # Name clashes with other legacy profiles are found before anything is written.
    ours = {p["id"]: p["name"] for p in source.list_profiles()}
    for other in target.list_profiles():
        if other["id"] not in ours and other["name"] in ours.values():
            raise ConflictError(
                f"{root} holds another legacy profile named {other['name']!r} (id "
                f"{other['id']!r}); rename or remove it there, then export again."
            )
    counts = {
        "profiles": 0,
        "queries": 0,
        "cache_entries": 0,
        "changelog_entries": 0,
        "snapshots": 0,
    }
    active_query = source.get_app_state("active_query_id")
    # One read transaction: every read sees the same data.
    with source.session() as conn, read_transaction(conn):
        for profile in source.list_profiles():
            pid = profile["id"]
            if target.get_profile(pid) is not None:
                target.delete_profile(pid)  # replaced whole, so deleted queries go too
            if not include_token:
                profile["jira_config"] = _strip_secrets(profile["jira_config"])
            # The old version reads the deadline from the profile's Settings.
            deadline = settings_deadline_for_legacy(pid, active_query)
            if deadline is not None:
                profile["forecast_settings"] = {
                    **(profile.get("forecast_settings") or {}),
                    "deadline": deadline,
                }
            target.save_profile(profile)
            counts["profiles"] += 1
            for query in source.list_queries(pid):
                qid = query["id"]
                target.save_query(pid, query)
                counts["queries"] += 1
                data = source.get_project_data(pid, qid)
                if data is not None:
                    target.save_project_data(pid, qid, data)
                # The legacy layout holds one response per query: the newest.
                cached = store.newest_jira_response(conn, pid, qid)
                if cached is not None:
                    target.save_jira_cache(pid, qid, *cached)
                    counts["cache_entries"] += 1
                changelogs = store.all_changelogs(conn, pid, qid)
                if changelogs:
                    target.save_changelog_entries(pid, qid, changelogs)
                    counts["changelog_entries"] += len(changelogs)
                snapshots = source.get_metrics_snapshots(pid, qid)
                if snapshots:
                    target.restore_metrics_snapshots(pid, qid, snapshots)
                    counts["snapshots"] += len(snapshots)
        for key, value in store.app_state_items(conn):
            if key not in LOCAL_STATE_KEYS:
                target.set_app_state(key, value)
        # A record a dead run left "running" goes out as interrupted, as every page shows it.
        tasks = [as_shown(source.get_task_progress(name)) for name in store.task_names(conn)]
        target.replace_task_progress([t for t in tasks if t is not None])
        counts["task_progress"] = len(tasks)
    return counts

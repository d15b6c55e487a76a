"""The persistence contract over the legacy JSON layout (LEGACY_LAYOUT.md), for ``json`` and ``dual``
storage modes and for ``flowcast export --format legacy`` (the way back to the old version).

``root`` is the data directory that contains ``profiles/``. Files and how the contract maps onto them:

- ``profiles/profiles.json``: the registry ``{version, active_profile_id, active_query_id,
  profiles{<id>: summary}}``; the app-state keys ``active_profile_id`` / ``active_query_id`` live here.
  Other app-state keys live in ``profiles/app_state.json`` (a flat JSON object the old app ignores).
- ``profiles/<id>/profile.json``: the profile, plus ``queries`` (its query ids, as the old app wrote).
  A profile exists when its ``profile.json`` does; the registry is kept in step for the old app.
- ``profiles/<id>/queries/<qid>/query.json``: the query (``jql``; ``jql_query`` is read too).
- ``jira_cache.json``: ONE cached response per query, as in the old app. ``cache_key`` is the file's
  ``jql_hash``; saving under another key replaces the file. Flowcast adds a ``flowcast_meta`` object
  (the key, ``expires_at`` and which legacy keys it filled in); a file the old app wrote has none and
  expires ``LEGACY_CACHE_TTL`` after its ``timestamp``.
- ``jira_changelog_cache.json``: ``{<issue key>: entry}``; each entry gets a ``flowcast_meta`` too;
  an old entry expires ``LEGACY_CACHE_TTL`` after its ``last_updated``.
- ``project_data.json``: the project data as given.
- ``metrics_snapshots.json``: ``{<ISO week>: {<metric type>: metrics}}``; forecast and created_at, which
  the old layout has no place for, go to ``metrics_snapshots_meta.json`` next to it.
- ``task_progress.json`` (at ``root``): the most recently updated task in the old flat shape, plus all
  tasks under ``flowcast_tasks``.

Profiles and queries are normalized exactly as the SQLite backend does (same functions), so both
backends return the same dicts. Every write replaces its file atomically; writers in one process are
serialized by a lock, writers in several processes by ``flock`` on ``profiles/.json-backend.lock``.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from filelock import FileLock

from data.db.sqlite import Connection
from data.errors import ConflictError, NotFoundError, ValidationError, no_profile, no_query
from data.json_files import read_json, write_json_atomic
from data.locations import DB_FILENAME
from data.private_files import make_private_dir
from data.store.base import TASK_STATUSES, PersistenceBackend
from data.store.locks import LOCK_DIR_NAME, file_lock
from data.store.records import (
    profile_from_row,
    profile_row_values,
    query_from_row,
    query_row_values,
)
from data.store.sqlite_backend import SQLiteBackend
from data.timeutil import WEEK_KEY_RE, parse_timestamp, to_utc_iso, utc_now_iso, validate_week_key
from data.validation import validate_id, validate_metric_type, validate_progress, validate_snapshot

LEGACY_CACHE_TTL = timedelta(hours=24)
REGISTRY_VERSION = "3.0"
ACTIVE_KEYS = ("active_profile_id", "active_query_id")
APP_STATE_FILE = "app_state.json"
REGISTRY_FILE = "profiles.json"
SNAPSHOT_META_FILE = "metrics_snapshots_meta.json"
TASKS_KEY = "flowcast_tasks"
META_KEY = "flowcast_meta"
FINISHED_STATUSES = ("completed", "failed", "cancelled")

_process_locks: dict[str, threading.RLock] = {}
_process_locks_guard = threading.Lock()


def is_safe_id(value: Any) -> bool:
    """True when ``value`` is a valid id and therefore a safe directory name."""
    try:
        validate_id("legacy", value)
    except ValidationError:
        return False
    return True


def canonical_profile(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile as every backend returns it (validated, timestamps normalized, defaults filled)."""
    return profile_from_row(profile_row_values(profile))


def canonical_query(profile_id: str, query: dict[str, Any]) -> dict[str, Any]:
    """The query as every backend returns it; a legacy ``jql_query`` counts as ``jql``."""
    if "jql" not in query and "jql_query" in query:
        query = {k: v for k, v in query.items() if k != "jql_query"} | {"jql": query["jql_query"]}
    return query_from_row(query_row_values(profile_id, query))


def legacy_expiry(stamp: Any) -> str | None:
    """When an entry the old app wrote at ``stamp`` expires, or None when the stamp is unreadable."""
    if stamp in (None, ""):
        return None
    try:
        return to_utc_iso(parse_timestamp(stamp) + LEGACY_CACHE_TTL)
    except ValidationError:
        return None


def _with_meta(
    document: dict[str, Any], meta: dict[str, Any], fill: dict[str, Any]
) -> dict[str, Any]:
    added = [k for k in fill if k not in document]
    return {**document, **{k: fill[k] for k in added}, META_KEY: {**meta, "added_keys": added}}


def _without_meta(document: dict[str, Any]) -> dict[str, Any]:
    meta = document.get(META_KEY)
    added = set(meta.get("added_keys") or []) if isinstance(meta, dict) else set()
    return {k: v for k, v in document.items() if k != META_KEY and k not in added}


def _expires_at(document: dict[str, Any], legacy_stamp_key: str) -> str | None:
    meta = document.get(META_KEY)
    if isinstance(meta, dict) and isinstance(meta.get("expires_at"), str):
        return meta["expires_at"]
    return legacy_expiry(document.get(legacy_stamp_key))


def cache_file_entry(document: dict[str, Any]) -> tuple[Any, dict[str, Any], str | None]:
    """``(cache_key, response, expires_at)`` of a ``jira_cache.json`` document, whoever wrote it."""
    meta = document.get(META_KEY)
    key = meta.get("cache_key") if isinstance(meta, dict) else document.get("jql_hash")
    return key, _without_meta(document), _expires_at(document, "timestamp")


def changelog_file_entry(entry: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """``(changelog, expires_at)`` of one ``jira_changelog_cache.json`` entry, whoever wrote it."""
    return _without_meta(entry), _expires_at(entry, "last_updated")


def _is_live(expires_at: str | None, now: str) -> bool:
    return expires_at is not None and expires_at > now


class JSONBackend(PersistenceBackend):
    """Profiles, queries, caches and state in the legacy JSON files under ``root``."""

    legacy_json = True

    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)
        self.profiles_dir = self.root / "profiles"
        key = str(self.root.resolve())
        with _process_locks_guard:
            self._lock = _process_locks.setdefault(key, threading.RLock())
        self._lock_depth = 0
        self._database: SQLiteBackend | None = None

    # Files and locking ---------------------------------------------------------------------------
    @contextmanager
    def _locked(self) -> Iterator[None]:
        """This backend's lock: a thread lock in this process and a file lock across processes
        (the legacy app, a second Flowcast); nested use in one thread joins the outer one."""
        with self._lock:
            if self._lock_depth:
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1
                return
            make_private_dir(self.profiles_dir)
            with FileLock(self.profiles_dir / ".json-backend.lock", mode=0o600, thread_local=False):
                self._lock_depth += 1
                try:
                    yield
                finally:
                    self._lock_depth -= 1

    def session(self) -> AbstractContextManager[Connection]:
        # Plans, artifacts and settings versions live in the data directory's SQLite database
        # whatever the storage mode; the JSON files hold the rest.
        if self._database is None:
            self._database = SQLiteBackend(self.profiles_dir / DB_FILENAME)
        return self._database.session()

    def task_lock(self, task_name: str) -> AbstractContextManager[None]:
        # Where the SQLite backend's locks live, so a switch of storage mode keeps one lock.
        database = (self.profiles_dir / DB_FILENAME).resolve()
        return file_lock(database.parent / LOCK_DIR_NAME, str(database), task_name)

    def _read(self, path: Path) -> Any:
        return read_json(path, label=self._label(path))

    def _label(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def _read_object(self, path: Path) -> dict[str, Any] | None:
        data = self._read(path)
        if data is not None and not isinstance(data, dict):
            raise ValidationError(
                f"{self._label(path)} holds {type(data).__name__}, not a JSON object; "
                "restore it from a backup."
            )
        return data

    def _profile_dir(self, profile_id: str) -> Path:
        return self.profiles_dir / profile_id

    def _query_dir(self, profile_id: str, query_id: str) -> Path:
        return self.profiles_dir / profile_id / "queries" / query_id

    def _profile_exists(self, profile_id: str) -> bool:
        return is_safe_id(profile_id) and (self._profile_dir(profile_id) / "profile.json").is_file()

    def _query_exists(self, profile_id: str, query_id: str) -> bool:
        return (
            is_safe_id(profile_id)
            and is_safe_id(query_id)
            and (self._query_dir(profile_id, query_id) / "query.json").is_file()
        )

    def _require_query(self, profile_id: str, query_id: str) -> Path:
        if not self._query_exists(profile_id, query_id):
            raise no_query(profile_id, query_id)
        return self._query_dir(profile_id, query_id)

    # Registry -----------------------------------------------------------------------------------
    def _read_registry(self) -> dict[str, Any]:
        registry = self._read_object(self.profiles_dir / REGISTRY_FILE) or {}
        profiles = registry.get("profiles")
        if isinstance(profiles, list):  # older registries hold a list of summaries
            profiles = {p["id"]: p for p in profiles if isinstance(p, dict) and "id" in p}
        registry["profiles"] = profiles if isinstance(profiles, dict) else {}
        registry.setdefault("version", REGISTRY_VERSION)
        return registry

    def _write_registry(self, registry: dict[str, Any]) -> None:
        write_json_atomic(self.profiles_dir / REGISTRY_FILE, registry)

    def _summary(self, profile: dict[str, Any], query_ids: list[str]) -> dict[str, Any]:
        forecast = profile.get("forecast_settings") or {}
        return {
            "id": profile["id"],
            "name": profile["name"],
            "description": profile["description"],
            "created_at": profile["created_at"],
            "last_used": profile["last_used"],
            "jira_base_url": (profile.get("jira_config") or {}).get("base_url", ""),
            "pert_factor": forecast.get("pert_factor"),
            "deadline": forecast.get("deadline"),
            "query_count": len(query_ids),
        }

    def _query_ids(self, profile_id: str) -> list[str]:
        queries_dir = self._profile_dir(profile_id) / "queries"
        if not queries_dir.is_dir():
            return []
        return sorted(
            d.name
            for d in queries_dir.iterdir()
            if is_safe_id(d.name) and (d / "query.json").is_file()
        )

    def _write_profile_file(self, profile: dict[str, Any]) -> None:
        query_ids = self._query_ids(profile["id"])
        write_json_atomic(
            self._profile_dir(profile["id"]) / "profile.json", {**profile, "queries": query_ids}
        )
        registry = self._read_registry()
        registry["profiles"][profile["id"]] = self._summary(profile, query_ids)
        self._write_registry(registry)

    def _forget_active(self, deleted_profile: str | None) -> None:
        # Same rule as the SQLite backend: the active selection never points at something gone.
        registry = self._read_registry()
        changed = False
        if deleted_profile is not None and registry.get("active_profile_id") == deleted_profile:
            for key in ACTIVE_KEYS:
                if key in registry:
                    del registry[key]
                    changed = True
        if "active_query_id" in registry:
            profile = registry.get("active_profile_id")
            query = registry.get("active_query_id")
            if not (
                isinstance(profile, str)
                and isinstance(query, str)
                and self._query_exists(profile, query)
            ):
                registry.pop("active_query_id")
                changed = True
        if changed:
            self._write_registry(registry)

    # Profiles -----------------------------------------------------------------------------------
    def get_profile(self, profile_id: str) -> dict[str, Any] | None:
        if not self._profile_exists(profile_id):
            return None
        return self._load_profile(profile_id)

    def _load_profile(self, profile_id: str) -> dict[str, Any] | None:
        raw = self._read_object(self._profile_dir(profile_id) / "profile.json")
        if raw is None:
            return None
        raw = {k: v for k, v in raw.items() if k != "queries"} | {"id": profile_id}
        return canonical_profile(raw)

    def save_profile(self, profile: dict[str, Any]) -> None:
        canonical = canonical_profile(profile)
        with self._locked():
            for other in self.list_profiles():
                if other["id"] != canonical["id"] and other["name"] == canonical["name"]:
                    raise ConflictError(
                        f"A profile named {canonical['name']!r} already exists; choose another name."
                    )
            self._write_profile_file(canonical)

    def list_profiles(self) -> list[dict[str, Any]]:
        if not self.profiles_dir.is_dir():
            return []
        profiles = [
            p
            for d in sorted(self.profiles_dir.iterdir())
            if is_safe_id(d.name) and (d / "profile.json").is_file()
            for p in [self._load_profile(d.name)]
            if p is not None
        ]
        profiles.sort(key=lambda p: p["name"])
        profiles.sort(key=lambda p: p["last_used"], reverse=True)
        return profiles

    def delete_profile(self, profile_id: str) -> None:
        with self._locked():
            if not self._profile_exists(profile_id):
                raise no_profile(profile_id)
            shutil.rmtree(self._profile_dir(profile_id))
            registry = self._read_registry()
            registry["profiles"].pop(profile_id, None)
            self._write_registry(registry)
            self._forget_active(profile_id)

    # Queries ------------------------------------------------------------------------------------
    def get_query(self, profile_id: str, query_id: str) -> dict[str, Any] | None:
        if not self._query_exists(profile_id, query_id):
            return None
        return self._load_query(profile_id, query_id)

    def _load_query(self, profile_id: str, query_id: str) -> dict[str, Any] | None:
        raw = self._read_object(self._query_dir(profile_id, query_id) / "query.json")
        if raw is None:
            return None
        return canonical_query(profile_id, {**raw, "id": query_id})

    def save_query(self, profile_id: str, query: dict[str, Any]) -> None:
        canonical = canonical_query(profile_id, query)
        with self._locked():
            if not self._profile_exists(profile_id):
                raise NotFoundError(f"No profile {profile_id!r}; create it before adding queries.")
            for other in self.list_queries(profile_id):
                if other["id"] != canonical["id"] and other["name"] == canonical["name"]:
                    raise ConflictError(
                        f"Profile {profile_id!r} already has a query named {canonical['name']!r}; "
                        "choose another name."
                    )
            document = {k: v for k, v in canonical.items() if k != "profile_id"}
            write_json_atomic(self._query_dir(profile_id, canonical["id"]) / "query.json", document)
            self._refresh_profile_queries(profile_id)

    def _refresh_profile_queries(self, profile_id: str) -> None:
        profile = self._load_profile(profile_id)
        if profile is not None:
            self._write_profile_file(profile)

    def list_queries(self, profile_id: str) -> list[dict[str, Any]]:
        if not is_safe_id(profile_id):
            return []
        queries = [
            q for q in (self._load_query(profile_id, i) for i in self._query_ids(profile_id)) if q
        ]
        queries.sort(key=lambda q: q["name"])
        queries.sort(key=lambda q: q["last_used"], reverse=True)
        return queries

    def delete_query(self, profile_id: str, query_id: str) -> None:
        with self._locked():
            if not self._query_exists(profile_id, query_id):
                raise no_query(profile_id, query_id)
            shutil.rmtree(self._query_dir(profile_id, query_id))
            self._refresh_profile_queries(profile_id)
            self._forget_active(None)

    # JIRA response cache -----------------------------------------------------------------------
    def save_jira_cache(
        self,
        profile_id: str,
        query_id: str,
        cache_key: str,
        response: dict[str, Any],
        expires_at: datetime | str,
    ) -> None:
        expires = to_utc_iso(expires_at)
        if not isinstance(response, dict):
            raise ValidationError("A JIRA cache response must be a JSON object.")
        with self._locked():
            folder = self._require_query(profile_id, query_id)
            now = utc_now_iso()
            document = _with_meta(
                response,
                {"cache_key": cache_key, "expires_at": expires, "created_at": now},
                {"jql_hash": cache_key, "timestamp": now},
            )
            write_json_atomic(folder / "jira_cache.json", document)

    def get_jira_cache(
        self, profile_id: str, query_id: str, cache_key: str
    ) -> dict[str, Any] | None:
        if not self._query_exists(profile_id, query_id):
            return None
        document = self._read_object(self._query_dir(profile_id, query_id) / "jira_cache.json")
        if document is None:
            return None
        stored_key, response, expires = cache_file_entry(document)
        if stored_key != cache_key or not _is_live(expires, utc_now_iso()):
            return None
        return response

    def cleanup_expired_cache(self) -> int:
        now = utc_now_iso()
        deleted = 0
        with self._locked():
            for profile in self.list_profiles():
                for query_id in self._query_ids(profile["id"]):
                    folder = self._query_dir(profile["id"], query_id)
                    cache = self._read_object(folder / "jira_cache.json")
                    if cache is not None and not _is_live(_expires_at(cache, "timestamp"), now):
                        (folder / "jira_cache.json").unlink()
                        deleted += 1
                    entries = self._read_object(folder / "jira_changelog_cache.json")
                    if not entries:
                        continue
                    live = {
                        k: v
                        for k, v in entries.items()
                        if isinstance(v, dict) and _is_live(_expires_at(v, "last_updated"), now)
                    }
                    if len(live) != len(entries):
                        deleted += len(entries) - len(live)
                        write_json_atomic(folder / "jira_changelog_cache.json", live)
        return deleted

    # Changelog cache -----------------------------------------------------------------------------
    def save_changelog_entry(
        self,
        profile_id: str,
        query_id: str,
        issue_key: str,
        changelog: dict[str, Any],
        expires_at: datetime | str,
    ) -> None:
        self.save_changelog_entries(profile_id, query_id, {issue_key: (changelog, expires_at)})

    def save_changelog_entries(
        self,
        profile_id: str,
        query_id: str,
        entries: dict[str, tuple[dict[str, Any], datetime | str]],
    ) -> None:
        """Store many changelogs ``{issue_key: (changelog, expires_at)}`` with one file write."""
        now = utc_now_iso()
        documents = {}
        for key, (changelog, expires_at) in entries.items():
            expires = to_utc_iso(expires_at)
            if not isinstance(changelog, dict):
                raise ValidationError("A cached changelog must be a JSON object.")
            meta = {"expires_at": expires, "created_at": now}
            documents[key] = _with_meta(changelog, meta, {"last_updated": now})
        with self._locked():
            path = self._require_query(profile_id, query_id) / "jira_changelog_cache.json"
            stored = self._read_object(path) or {}
            stored.update(documents)
            write_json_atomic(path, stored)

    def get_changelog_entry(
        self, profile_id: str, query_id: str, issue_key: str
    ) -> dict[str, Any] | None:
        return self.get_changelog_entries(profile_id, query_id).get(issue_key)

    def get_changelog_entries(self, profile_id: str, query_id: str) -> dict[str, dict[str, Any]]:
        if not self._query_exists(profile_id, query_id):
            return {}
        path = self._query_dir(profile_id, query_id) / "jira_changelog_cache.json"
        entries = self._read_object(path) or {}
        now = utc_now_iso()
        return {
            key: _without_meta(entry)
            for key, entry in sorted(entries.items())
            if isinstance(entry, dict) and _is_live(_expires_at(entry, "last_updated"), now)
        }

    # Project data -------------------------------------------------------------------------------
    def save_project_data(self, profile_id: str, query_id: str, data: dict[str, Any]) -> None:
        if not isinstance(data, dict):
            raise ValidationError(
                "Project data must be a JSON object with statistics and project_scope."
            )
        with self._locked():
            folder = self._require_query(profile_id, query_id)
            write_json_atomic(folder / "project_data.json", data)

    def get_project_data(self, profile_id: str, query_id: str) -> dict[str, Any] | None:
        if not self._query_exists(profile_id, query_id):
            return None
        return self._read_object(self._query_dir(profile_id, query_id) / "project_data.json")

    # Metrics snapshots -------------------------------------------------------------------------
    def save_metrics_snapshot(
        self,
        profile_id: str,
        query_id: str,
        snapshot_date: str,
        metric_type: str,
        metrics: dict[str, Any],
        forecast: dict[str, Any] | None = None,
    ) -> None:
        validate_snapshot(snapshot_date, metric_type, metrics)
        with self._locked():
            folder = self._require_query(profile_id, query_id)
            snapshots = self._read_object(folder / "metrics_snapshots.json") or {}
            meta = self._read_object(folder / SNAPSHOT_META_FILE) or {}
            snapshots.setdefault(snapshot_date, {})[metric_type] = metrics
            meta.setdefault(snapshot_date, {})[metric_type] = {
                "forecast": forecast,
                "created_at": utc_now_iso(),
            }
            write_json_atomic(folder / SNAPSHOT_META_FILE, dict(sorted(meta.items())))
            write_json_atomic(folder / "metrics_snapshots.json", dict(sorted(snapshots.items())))

    def restore_metrics_snapshots(
        self, profile_id: str, query_id: str, snapshots: list[dict[str, Any]]
    ) -> None:
        """Write snapshots as ``get_metrics_snapshots`` returns them, ``created_at`` kept, at once."""
        for snapshot in snapshots:
            validate_week_key(snapshot["snapshot_date"])
            validate_metric_type(snapshot["metric_type"])
        with self._locked():
            folder = self._require_query(profile_id, query_id)
            stored = self._read_object(folder / "metrics_snapshots.json") or {}
            meta = self._read_object(folder / SNAPSHOT_META_FILE) or {}
            for snapshot in snapshots:
                week, kind = snapshot["snapshot_date"], snapshot["metric_type"]
                stored.setdefault(week, {})[kind] = snapshot["metrics"]
                meta.setdefault(week, {})[kind] = {
                    "forecast": snapshot.get("forecast"),
                    "created_at": snapshot.get("created_at") or utc_now_iso(),
                }
            write_json_atomic(folder / SNAPSHOT_META_FILE, dict(sorted(meta.items())))
            write_json_atomic(folder / "metrics_snapshots.json", dict(sorted(stored.items())))

    def get_metrics_snapshots(
        self,
        profile_id: str,
        query_id: str,
        metric_type: str | None = None,
        limit: int | None = None,
    ) -> list[dict[str, Any]]:
        if limit is not None and (not isinstance(limit, int) or limit < 0):
            raise ValidationError(
                f"{limit!r} is not a number of weeks; use a whole number of 0 or more."
            )
        if not self._query_exists(profile_id, query_id):
            return []
        folder = self._query_dir(profile_id, query_id)
        path = folder / "metrics_snapshots.json"
        snapshots = self._read_object(path) or {}
        meta = self._read_object(folder / SNAPSHOT_META_FILE) or {}
        file_time = (
            to_utc_iso(datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)) if snapshots else ""
        )
        rows = []
        for week, by_type in snapshots.items():
            if not WEEK_KEY_RE.match(week) or not isinstance(by_type, dict):
                continue
            for kind, metrics in by_type.items():
                if metric_type is not None and kind != metric_type:
                    continue
                extra = (meta.get(week) or {}).get(kind) or {}
                rows.append(
                    {
                        "snapshot_date": week,
                        "metric_type": kind,
                        "metrics": metrics,
                        "forecast": extra.get("forecast"),
                        "created_at": extra.get("created_at") or file_time,
                    }
                )
        weeks = sorted({r["snapshot_date"] for r in rows}, reverse=True)
        kept = set(weeks if limit is None else weeks[:limit])
        return sorted(
            (r for r in rows if r["snapshot_date"] in kept),
            key=lambda r: (r["snapshot_date"], r["metric_type"]),
        )

    # App state ---------------------------------------------------------------------------------
    def get_app_state(self, key: str, default: Any = None) -> Any:
        if key in ACTIVE_KEYS:
            state = self._read_registry()
        else:
            state = self._read_object(self.profiles_dir / APP_STATE_FILE) or {}
        return state[key] if key in state else default

    def set_app_state(self, key: str, value: Any) -> None:
        if not isinstance(key, str) or not key:
            raise ValidationError("An app-state key must be a non-empty string.")
        try:
            value = json.loads(json.dumps(value, ensure_ascii=False, allow_nan=False))
        except (TypeError, ValueError):
            raise ValidationError(
                f"The value for {key!r} cannot be stored as JSON; use strings, numbers, lists or objects."
            ) from None
        with self._locked():
            if key in ACTIVE_KEYS:
                registry = self._read_registry()
                registry[key] = value
                self._write_registry(registry)
                return
            path = self.profiles_dir / APP_STATE_FILE
            state = self._read_object(path) or {}
            state[key] = value
            write_json_atomic(path, state)

    def app_state_items(self) -> dict[str, Any]:
        """Every app-state key and value (the legacy export and the migration copy them all)."""
        registry = self._read_registry()
        state = {k: registry[k] for k in ACTIVE_KEYS if k in registry}
        return state | (self._read_object(self.profiles_dir / APP_STATE_FILE) or {})

    # Task progress ------------------------------------------------------------------------------
    @property
    def _tasks_path(self) -> Path:
        return self.root / "task_progress.json"

    def _read_tasks(self) -> dict[str, dict[str, Any]]:
        document = self._read_object(self._tasks_path) or {}
        return read_task_records(document)

    def _write_tasks(self, tasks: dict[str, dict[str, Any]]) -> None:
        if not tasks:
            self._tasks_path.unlink(missing_ok=True)
            return
        latest = max(tasks.values(), key=lambda t: t["updated_at"])
        write_json_atomic(self._tasks_path, {**latest, TASKS_KEY: tasks})

    def save_task_progress(
        self,
        task_name: str,
        progress_percent: float,
        status: str,
        message: str = "",
        details: dict[str, Any] | None = None,
    ) -> None:
        percent = validate_progress(progress_percent, status, TASK_STATUSES)
        now = utc_now_iso()
        with self._locked():
            tasks = self._read_tasks()
            old = tasks.get(task_name)
            finished = old is not None and old["status"] in FINISHED_STATUSES
            tasks[task_name] = {
                "task_name": task_name,
                "progress_percent": percent,
                "status": status,
                "message": message or "",
                "details": json.loads(json.dumps(details or {})),
                # A new run (pending/running after a finished one) starts fresh.
                "cancel_requested": False if old is None or finished else old["cancel_requested"],
                "started_at": now
                if old is None or (finished and status in ("pending", "running"))
                else old["started_at"],
                "updated_at": now,
            }
            self._write_tasks(tasks)

    def get_task_progress(self, task_name: str) -> dict[str, Any] | None:
        return self._read_tasks().get(task_name)

    def list_task_progress(self) -> list[dict[str, Any]]:
        """Every recorded task."""
        return list(self._read_tasks().values())

    def replace_task_progress(self, records: list[dict[str, Any]]) -> None:
        """Replace every task record with ``records`` as they are (the legacy export copies them)."""
        with self._locked():
            self._write_tasks({r["task_name"]: dict(r) for r in records})

    def clear_task_progress(self, task_name: str) -> None:
        with self._locked():
            tasks = self._read_tasks()
            if tasks.pop(task_name, None) is not None:
                self._write_tasks(tasks)

    def request_task_cancel(self, task_name: str) -> bool:
        with self._locked():
            tasks = self._read_tasks()
            task = tasks.get(task_name)
            if task is None or task["status"] not in ("pending", "running"):
                return False
            task["cancel_requested"] = True
            self._write_tasks(tasks)
            return True


def read_task_records(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Task records from a ``task_progress.json`` document: Flowcast's map or the old flat record."""
    tasks = document.get(TASKS_KEY)
    if isinstance(tasks, dict):
        return {k: v for k, v in tasks.items() if isinstance(v, dict)}
    if isinstance(document.get("task_name"), str):
        return {document["task_name"]: legacy_task_record(document)}
    return {}


def legacy_task_record(document: dict[str, Any]) -> dict[str, Any]:
    """A task record in the contract's shape from the old app's flat ``task_progress.json``."""
    updated = document.get("updated_at") or document.get("started_at")
    stamp = to_utc_iso(updated) if updated else utc_now_iso()
    status = document.get("status")
    details = document.get("details")
    known = {"task_name", "progress_percent", "status", "message", "details", "cancel_requested"}
    extra = {k: v for k, v in document.items() if k not in known | {"started_at", "updated_at"}}
    return {
        "task_name": document["task_name"],
        "progress_percent": validate_progress(
            document.get("progress_percent") or 0, status, TASK_STATUSES
        ),
        "status": status,
        "message": str(document.get("message") or ""),
        "details": (details if isinstance(details, dict) else {}) | extra,
        "cancel_requested": bool(document.get("cancel_requested")),
        "started_at": to_utc_iso(document["started_at"]) if document.get("started_at") else stamp,
        "updated_at": stamp,
    }

"""Reading the legacy JSON layout (LEGACY_LAYOUT.md) for the migration: every file once, every
problem collected (file + JSON path), messy-but-meaningful input accepted with a note.

Each file is parsed and type-checked by its schema (``data.legacy.schemas``: a wrong type at any
depth is a problem naming the file and JSON path); this module then converts what the schemas let
through (numbers written as text, list-shaped registries, plain snapshot values …) and checks the
rules that are not about types (a query's JQL, ISO week keys, dates that parse, safe ids).

``LegacyReader(root).read()`` returns ``LegacyData``: profiles with their queries, each query's
normalized issues (status transitions from the changelog cache attached), cache rows, weekly
statistics and snapshots, plus app state and task progress. It never writes.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from data.errors import LegacyDataError, ValidationError
from data.jira.normalize import IssueDataError, normalize_issue, status_transitions
from data.legacy import schemas
from data.legacy.schemas import LegacyFile
from data.legacy.settings import convert_settings
from data.locations import DB_FILENAME
from data.metrics.mappings import mappings_from_profile
from data.store.issues import NormalizedIssue
from data.store.json_backend import (
    ACTIVE_KEYS,
    APP_STATE_FILE,
    META_KEY,
    REGISTRY_FILE,
    SNAPSHOT_META_FILE,
    cache_file_entry,
    canonical_profile,
    canonical_query,
    changelog_file_entry,
    is_safe_id,
    legacy_expiry,
    read_task_records,
)
from data.store.locks import LOCK_DIR_NAME
from data.store.records import dumps
from data.timeutil import to_utc_iso, utc_now_iso, validate_week_key
from data.validation import slugify, validate_metric_type

MIGRATION_FLAG = "migration_complete"
# App-state keys that describe this database, not the user's data.
LOCAL_STATE_KEYS = {MIGRATION_FLAG, "dual_write_failures"}
OLDEST_LAYOUT_FILES = (
    "app_settings.json",
    "project_data.json",
    "jira_cache.json",
    "jira_changelog_cache.json",
    "metrics_snapshots.json",
)
PROFILE_DOCUMENTS = (
    "jira_config",
    "field_mappings",
    "forecast_settings",
    "project_classification",
    "flow_type_mappings",
)
LEGACY_INTERRUPTED = (
    "Interrupted (the process running it stopped before it finished); migrated as it was left"
)
NUMERIC_FORECAST_KEYS = ("pert_factor", "data_points_count")
STATISTICS_NUMBERS = ("completed_items", "completed_points", "created_items", "created_points")
# Flowcast's own files and folders beside the legacy ones under profiles/.
NOT_LEGACY = {
    DB_FILENAME,
    f"{DB_FILENAME}-wal",
    f"{DB_FILENAME}-shm",
    ".json-backend.lock",
    LOCK_DIR_NAME,
}


# Parsed legacy data ---------------------------------------------------------------------------
@dataclass
class LegacyQuery:
    id: str
    document: dict[str, Any]
    issues: list[NormalizedIssue] = field(default_factory=list)
    cache: tuple[str, str, str] | None = None  # (cache_key, response JSON, expires_at)
    changelogs: list[tuple[str, str, str]] = field(default_factory=list)
    # Or the whole changelog file as the old app wrote it, with {issue key: expires_at}.
    changelog_file: tuple[str, dict[str, str]] | None = None
    changelog_count: int = 0
    project_data: dict[str, Any] | None = None
    snapshots: list[tuple[str, str, str, str | None, str]] = field(default_factory=list)


@dataclass
class LegacyProfile:
    id: str
    document: dict[str, Any]
    queries: list[LegacyQuery] = field(default_factory=list)


@dataclass
class LegacyData:
    layout: str
    profiles: list[LegacyProfile] = field(default_factory=list)
    app_state: dict[str, Any] = field(default_factory=dict)
    tasks: list[dict[str, Any]] = field(default_factory=list)


# Finding legacy data -------------------------------------------------------------------------
def resolve_legacy_root(path: str | Path) -> Path:
    """The folder holding ``profiles/`` (or the oldest ``app_settings.json``); accepts ``profiles/``."""
    folder = Path(path).expanduser().resolve()
    if (folder / REGISTRY_FILE).is_file() and not (folder / "profiles").is_dir():
        return folder.parent
    return folder


def has_legacy_data(root: Path) -> bool:
    profiles = root / "profiles"
    if (profiles / REGISTRY_FILE).is_file() or (root / "app_settings.json").is_file():
        return True
    return profiles.is_dir() and any((d / "profile.json").is_file() for d in profiles.iterdir())


def legacy_files(root: Path) -> list[Path]:
    """Every file the legacy app may have written under ``root`` (what the backup copies)."""
    found = [root / name for name in (*OLDEST_LAYOUT_FILES, "task_progress.json")]
    profiles = root / "profiles"
    if profiles.is_dir():
        found += [
            p
            for p in profiles.rglob("*")
            if p.is_file()
            and p.relative_to(profiles).parts[0] not in NOT_LEGACY
            and not p.name.endswith(".tmp")
        ]
    return sorted(p for p in found if p.is_file())


# Reading ---------------------------------------------------------------------------------------
class LegacyReader:
    """Reads every legacy file once, collecting notes and problems instead of stopping at the first."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[LegacyDataError] = []
        self.notes: list[str] = []
        self.converted: dict[str, int] = {}  # numbers written as text, per file

    def label(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def problem(self, path: Path, json_path: str, message: str) -> None:
        self.problems.append(LegacyDataError(self.label(path), json_path, message))

    def note(self, path: Path, message: str) -> None:
        self.notes.append(f"{self.label(path)}: {message}")

    def load(self, path: Path, schema: LegacyFile) -> Any:
        """The parsed file (None when missing or unusable; the problems are recorded)."""
        return self.load_text(path, schema)[0]

    def load_text(self, path: Path, schema: LegacyFile) -> tuple[Any, str | None]:
        """``(parsed, text)`` of a file read once and checked against its schema; ``(None,
        None)`` when it is missing, or unusable (every problem of it is recorded then)."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return None, None
        except OSError as exc:
            self.problem(path, "", f"cannot be read ({exc.strerror}); check its permissions")
            return None, None
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            self.problem(path, "", "is not UTF-8 text; restore it from a backup or remove it")
            return None, None
        data, problems = schema.parse(text)
        for found in problems:
            self.problem(path, found.json_path, found.problem)
        if data is None:
            return None, None
        for where in schema.duplicate_keys(text):
            self.note(
                path, f"{where}: given twice; the last one is migrated, as the old version read it"
            )
        return data, text

    # Layouts ---------------------------------------------------------------------------------
    def read(self) -> LegacyData:
        profiles_dir = self.root / "profiles"
        has_profiles = profiles_dir.is_dir() and (
            (profiles_dir / REGISTRY_FILE).is_file()
            or any((d / "profile.json").is_file() for d in profiles_dir.iterdir() if d.is_dir())
        )
        if has_profiles:
            legacy = self.read_profiles_layout(profiles_dir)
            if (self.root / "app_settings.json").is_file():
                self.notes.append(
                    "app_settings.json: ignored — the profiles/ folder is newer and takes precedence"
                )
        elif (self.root / "app_settings.json").is_file():
            legacy = self.read_oldest_layout()
        else:
            raise LegacyDataError(
                str(self.root),
                "",
                "holds no legacy data (no profiles/profiles.json, profiles/*/profile.json or "
                "app_settings.json); pass the folder that contains profiles/",
            )
        tasks_path = self.root / "task_progress.json"
        tasks = self.load(tasks_path, schemas.TASK_PROGRESS)
        if tasks:
            try:
                legacy.tasks = [
                    self.task_record(tasks_path, t) for t in read_task_records(tasks).values()
                ]
            except ValidationError as exc:
                self.problem(tasks_path, "", str(exc))
        self.notes += [
            f"{f}: {n} number(s) written as text converted" for f, n in self.converted.items()
        ]
        return legacy

    def task_record(self, path: Path, record: dict[str, Any]) -> dict[str, Any]:
        """A task the old version (or a Flowcast process) left pending or running cannot be
        running now — its process is gone: it is migrated as interrupted, its own status and
        message kept in its details."""
        if record["status"] not in ("pending", "running"):
            return record
        self.note(
            path,
            f"task {record['task_name']!r} was left {record['status']} at "
            f"{record['progress_percent']:g}% by a process that is gone; migrated as interrupted",
        )
        return {
            **record,
            "status": "failed",
            "message": LEGACY_INTERRUPTED,
            "details": {
                **(record.get("details") or {}),
                "legacy_status": record["status"],
                "legacy_message": record.get("message") or "",
            },
        }

    def read_profiles_layout(self, profiles_dir: Path) -> LegacyData:
        legacy = LegacyData(layout="profiles")
        registry_path = profiles_dir / REGISTRY_FILE
        registry = self.load(registry_path, schemas.REGISTRY) or {}
        summaries = registry.get("profiles") or {}
        if isinstance(summaries, list):  # older versions: a list of summaries with their ids
            listed: dict[str, dict[str, Any]] = {}
            for index, summary in enumerate(summaries):
                if summary["id"] in listed:
                    self.note(
                        registry_path,
                        f"profiles[{index}]: profile {summary['id']!r} is listed twice; the "
                        "last entry is migrated, as the old version read it",
                    )
                listed[summary["id"]] = summary
            summaries = listed

        renamed: dict[str, str] = {}
        taken_ids: set[str] = set()
        taken_names: set[str] = set()
        for folder in sorted(profiles_dir.iterdir()):
            if folder.name in NOT_LEGACY or folder.name in (REGISTRY_FILE, APP_STATE_FILE):
                continue
            if not folder.is_dir():
                self.note(folder, "not part of the legacy layout; ignored")
                continue
            summary = summaries.get(folder.name)
            if not (folder / "profile.json").is_file() and summary is None:
                queries = folder / "queries"
                if queries.is_dir() and any(queries.iterdir()):
                    self.problem(
                        folder / "profile.json",
                        "",
                        "missing, and profiles.json does not list the profile; restore profile.json",
                    )
                else:
                    self.note(folder, "no profile.json and no queries; ignored")
                continue
            profile = self.read_profile(folder, summary or {})
            if profile is None:
                continue
            if profile.id in taken_ids:
                profile.id = _unique(profile.id, taken_ids)
            if profile.id != folder.name:
                renamed[folder.name] = profile.id
                self.note(folder, f"the folder name is not a valid id; migrated as {profile.id!r}")
            taken_ids.add(profile.id)
            name = profile.document["name"]
            if name in taken_names:
                profile.document["name"] = unique_name(name, taken_names)
                self.note(
                    folder,
                    f"duplicate profile name {name!r} renamed to {profile.document['name']!r}",
                )
            taken_names.add(profile.document["name"])
            legacy.profiles.append(profile)
        for missing in sorted(set(summaries) - {p.name for p in profiles_dir.iterdir()}):
            self.note(registry_path, f"profile {missing!r} has no folder; skipped")

        for key in ACTIVE_KEYS:
            value = registry.get(key)
            if value is None:
                continue
            if key == "active_profile_id":
                value = renamed.get(value, value)
            legacy.app_state[key] = value
        active = legacy.app_state.get("active_profile_id")
        if active is not None and active not in {p.id for p in legacy.profiles}:
            self.note(registry_path, f"active profile {active!r} does not exist; not kept")
            legacy.app_state.pop("active_profile_id")
            legacy.app_state.pop("active_query_id", None)
        state_path = profiles_dir / APP_STATE_FILE
        for key, value in (self.load(state_path, schemas.APP_STATE) or {}).items():
            if key not in LOCAL_STATE_KEYS and key not in ACTIVE_KEYS:
                legacy.app_state[key] = value
        return legacy

    def read_profile(self, folder: Path, summary: dict[str, Any]) -> LegacyProfile | None:
        path = folder / "profile.json"
        raw: dict[str, Any] | None = self.load(path, schemas.PROFILE) if path.is_file() else None
        if raw is None and not path.is_file():
            self.note(path, "missing; the profile is rebuilt from profiles.json")
            raw = {
                "name": summary.get("name"),
                "description": summary.get("description"),
                "created_at": summary.get("created_at"),
                "last_used": summary.get("last_used"),
                "jira_config": {"base_url": summary["jira_base_url"]}
                if summary.get("jira_base_url")
                else {},
            }
        profile_id = folder.name if is_safe_id(folder.name) else slugify(folder.name)
        stated = (raw or {}).get("id")
        if stated not in (None, "", folder.name):
            self.note(
                path,
                f"id: says {stated!r}, but the profile's folder is {folder.name!r}; migrated as "
                f"{profile_id!r} (the old version found it by its folder)",
            )
        # None: profile.json exists but is unreadable (already a problem).
        document = None if raw is None else self.profile_document(path, raw, summary, profile_id)
        points_field = ((raw or {}).get("jira_config") or {}).get("points_field") or None
        # Queries are read even under a broken profile.json, so every problem is reported at once.
        queries = self.read_queries(folder / "queries", profile_id, points_field)
        return None if document is None else LegacyProfile(profile_id, document, queries)

    def profile_document(
        self, path: Path, raw: dict[str, Any], summary: dict[str, Any], profile_id: str
    ) -> dict[str, Any] | None:
        document = {k: v for k, v in raw.items() if k != "queries"}
        document["id"] = profile_id
        name = document.get("name") or summary.get("name")
        if not isinstance(name, str) or not name.strip():
            name = str(name) if isinstance(name, int | float) else profile_id
            self.note(path, f"name: missing; the profile is named {name!r}")
        document["name"] = name
        problems_before = len(self.problems)
        for key in PROFILE_DOCUMENTS:
            if document.get(key) is None:
                document[key] = {}
        forecast = document["forecast_settings"]
        for key in NUMERIC_FORECAST_KEYS:
            if isinstance(forecast.get(key), str):
                number = self.number(path, f"forecast_settings.{key}", forecast[key])
                if number is not None:
                    forecast[key] = number
        for key in ("show_milestone", "show_points"):
            if key in document:
                flag = _flag(document[key])
                if flag is None:
                    self.problem(path, key, f"expected true or false, got {document[key]!r}")
                document[key] = flag
        for key in ("created_at", "last_used"):
            value = document.get(key)
            if value in (None, ""):
                continue
            try:
                document[key] = to_utc_iso(value)
            except ValidationError:
                self.note(path, f"{key}: {value!r} is not a date-time; replaced by now")
                document.pop(key)
        if len(self.problems) > problems_before:
            return None
        document, notes = convert_settings(document)
        for note in notes:
            self.note(path, note)
        try:
            canonical = canonical_profile(document)
            # What Flowcast's metrics will read must pass their own checks, or no report works.
            mappings_from_profile(canonical)
        except ValidationError as exc:
            self.problem(path, "", str(exc))
            return None
        return canonical

    def number(self, path: Path, json_path: str, value: str) -> float | int | None:
        """A number written as text (``"1.5"``), converted and counted; None (a problem) if it
        is not one (``"high"``)."""
        try:
            number = float(value.strip())
        except ValueError:
            number = math.nan
        if not math.isfinite(number):
            self.problem(path, json_path, f"expected a number, got {value!r}")
            return None
        self.converted[self.label(path)] = self.converted.get(self.label(path), 0) + 1
        return int(number) if number.is_integer() and "." not in value else number

    # Queries -----------------------------------------------------------------------------------
    def read_queries(
        self, queries_dir: Path, profile_id: str, points_field: str | None
    ) -> list[LegacyQuery]:
        if not queries_dir.is_dir():
            return []
        queries: list[LegacyQuery] = []
        names: set[str] = set()
        ids: set[str] = set()
        for folder in sorted(queries_dir.iterdir()):
            if not folder.is_dir():
                self.note(folder, "not part of the legacy layout; ignored")
                continue
            query_path = folder / "query.json"
            if not query_path.is_file():
                if any(folder.iterdir()):
                    self.problem(
                        query_path, "", "missing; the folder holds data but no query definition"
                    )
                else:
                    self.note(folder, "empty query folder; ignored")
                continue
            raw = self.load(query_path, schemas.QUERY)
            query_id = (
                folder.name if is_safe_id(folder.name) else _unique(slugify(folder.name), ids)
            )
            if query_id != folder.name:
                self.note(folder, f"the folder name is not a valid id; migrated as {query_id!r}")
            ids.add(query_id)
            document = (
                None if raw is None else self.query_document(query_path, raw, profile_id, query_id)
            )
            if document is None:
                self.read_query_data(
                    folder, LegacyQuery(query_id, {}), points_field
                )  # report its problems too
                continue
            name = document["name"]
            if name in names:
                document["name"] = unique_name(name, names)
                self.note(
                    query_path, f"duplicate query name {name!r} renamed to {document['name']!r}"
                )
            names.add(document["name"])
            query = LegacyQuery(query_id, document)
            self.read_query_data(folder, query, points_field)
            queries.append(query)
        return queries

    def query_document(
        self, path: Path, raw: dict[str, Any], profile_id: str, query_id: str
    ) -> dict[str, Any] | None:
        document = dict(raw)
        document["id"] = query_id
        document.pop("profile_id", None)
        jql = document.get("jql")
        if jql in (None, "") and "jql_query" in document:
            jql = document.pop("jql_query")
        if jql in (None, ""):
            self.problem(path, "jql", "missing; add the query's JQL (or jql_query)")
            return None
        document["jql"] = jql
        name = document.get("name")
        if not isinstance(name, str) or not name.strip():
            document["name"] = str(name) if isinstance(name, int | float) else query_id
            self.note(path, f"name: missing; the query is named {document['name']!r}")
        for key in ("created_at", "last_used"):
            value = document.get(key)
            if value in (None, ""):
                continue
            try:
                document[key] = to_utc_iso(value)
            except ValidationError:
                self.note(path, f"{key}: {value!r} is not a date-time; replaced by now")
                document.pop(key)
        try:
            return canonical_query(profile_id, document)
        except ValidationError as exc:
            self.problem(path, "", str(exc))
            return None

    def read_query_data(self, folder: Path, query: LegacyQuery, points_field: str | None) -> None:
        changelogs = self.read_changelogs(folder / "jira_changelog_cache.json", query)
        self.read_cache(folder / "jira_cache.json", query, changelogs, points_field)
        self.read_project_data(folder / "project_data.json", query)
        self.read_snapshots(folder / "metrics_snapshots.json", folder / SNAPSHOT_META_FILE, query)

    def read_changelogs(
        self, path: Path, query: LegacyQuery
    ) -> dict[str, tuple[list[tuple[str, str | None, str, str | None]], int]]:
        """Status transitions per issue key from the changelog cache (and its rows for the cache)."""
        entries, text = self.load_text(path, schemas.CHANGELOG_CACHE)
        entries = entries or {}
        found = {}
        now = utc_now_iso()
        # A file the old app wrote goes to the cache table as is: SQLite splits it (json_each),
        # which saves re-serializing every entry in Python. Entries Flowcast wrote lose their meta.
        as_written = text is not None and all(META_KEY not in e for e in entries.values())
        expiry: dict[str, str] = {}
        for key, entry in entries.items():
            if as_written:
                changelog = entry
                expiry[key] = legacy_expiry(entry.get("last_updated")) or now
            else:
                changelog, expires = changelog_file_entry(entry)
                query.changelogs.append((key, dumps(changelog), expires or now))
            history = changelog.get("changelog")
            if history is None:
                continue
            try:
                transitions = status_transitions(
                    history.get("histories") or [], f"{key}.changelog.histories"
                )
            except IssueDataError as exc:
                self.problem(path, exc.json_path, exc.problem)
                continue
            total = history.get("total")
            found[key] = (
                transitions,
                len(history.get("histories") or []) if total is None else total,
            )
        if as_written and entries:
            query.changelog_file = (text or "", expiry)
        query.changelog_count = len(entries)
        return found

    def read_cache(
        self,
        path: Path,
        query: LegacyQuery,
        changelogs: dict[str, tuple[list[tuple[str, str | None, str, str | None]], int]],
        points_field: str | None,
    ) -> None:
        document, text = self.load_text(path, schemas.JIRA_CACHE)
        if document is None or text is None:
            return
        key, response, expires = cache_file_entry(document)
        # A file the old app wrote is the response itself: store its text, not a re-serialization.
        query.cache = (
            str(key or "legacy"),
            text if len(response) == len(document) else dumps(response),
            expires or utc_now_iso(),
        )
        issues = document.get("issues")
        if issues is None:
            self.note(path, "issues: missing; no issues to migrate")
            return
        seen: set[str] = set()
        for index, raw in enumerate(issues):
            try:
                issue = normalize_issue(raw, points_field=points_field, path=f"issues[{index}]")
            except IssueDataError as exc:
                self.problem(path, exc.json_path, exc.problem)
                continue
            if issue.key in seen:
                continue  # the same issue twice in one response: keep the first
            seen.add(issue.key)
            if issue.transitions is None and issue.key in changelogs:
                issue.transitions, issue.changelog_total = changelogs[issue.key]
            query.issues.append(issue)

    def read_project_data(self, path: Path, query: LegacyQuery) -> None:
        data = self.load(path, schemas.PROJECT_DATA)
        if data is None:
            return
        rows = []
        for index, row in enumerate(data.get("statistics") or []):
            where = f"statistics[{index}]"
            row = dict(row)
            day = row["date"]
            if not day:
                self.problem(path, f"{where}.date", "missing; every statistics row needs a date")
                continue
            try:
                date.fromisoformat(day[:10])
            except ValueError:
                self.problem(path, f"{where}.date", f"expected a date like 2025-04-28, got {day!r}")
                continue
            for key in STATISTICS_NUMBERS:
                if isinstance(row.get(key), str):
                    number = self.number(path, f"{where}.{key}", row[key])
                    if number is not None:
                        row[key] = number
            rows.append(row)
        query.project_data = {**data, "statistics": rows}

    def read_snapshots(self, path: Path, meta_path: Path, query: LegacyQuery) -> None:
        snapshots = self.load(path, schemas.SNAPSHOTS) or {}
        meta = self.load(meta_path, schemas.SNAPSHOT_META) or {}
        created = to_utc_iso(_file_time(path)) if snapshots else utc_now_iso()
        for label, by_name in snapshots.items():
            week = _iso_week(label)
            try:
                validate_week_key(week)
            except ValidationError as exc:
                self.problem(path, label, str(exc))
                continue
            if week != label:
                self.note(path, f"{label}: stored as ISO week {week!r}")
            kinds: set[str] = set()
            for name, metrics in by_name.items():
                kind = _metric_type(name)
                if kind is None or kind in kinds:
                    self.problem(path, f"{label}.{name}", "cannot be used as a metric type name")
                    continue
                if kind != name:
                    self.note(path, f"{label}.{name}: stored as metric type {kind!r}")
                kinds.add(kind)
                if not isinstance(metrics, dict):
                    self.note(path, f'{label}.{name}: a plain value, stored as {{"value": ...}}')
                    metrics = {"value": metrics}
                extra = (meta.get(label) or {}).get(name) or {}
                forecast = extra.get("forecast")
                query.snapshots.append(
                    (
                        week,
                        kind,
                        dumps(metrics),
                        None if forecast is None else dumps(forecast),
                        extra.get("created_at") or created,
                    )
                )

    # The oldest layout ----------------------------------------------------------------------------
    def read_oldest_layout(self) -> LegacyData:
        legacy = LegacyData(layout="root")
        path = self.root / "app_settings.json"
        settings = self.load(path, schemas.APP_SETTINGS)
        if settings is None:
            return legacy
        comments = _count_comments(settings)
        if comments:
            self.note(path, f"{comments} comment key(s) starting with '_' not migrated")
        settings = _without_comments(settings)
        endpoint = settings.pop("jira_api_endpoint", None) or ""
        match = re.search(r"/rest/api/(\d+)", endpoint)
        flat_config = {
            "base_url": endpoint.split("/rest/api", 1)[0].rstrip("/"),
            "api_version": f"v{match.group(1)}" if match else "v2",
            "token": settings.pop("jira_token", None) or "",
            "points_field": settings.pop("jira_story_points_field", None) or "",
            "cache_size_mb": settings.pop("jira_cache_max_size", None),
            "max_results_per_call": settings.pop("jira_max_results", None),
        }
        forecast = {
            key: settings.pop(key)
            for key in ("pert_factor", "deadline", "data_points_count", "milestone")
            if key in settings
        }
        jql = settings.pop("jql_query", None) or settings.pop("jql", None)
        raw_profile = {
            **settings,  # show_milestone, show_points, mappings and unknown keys
            "name": "Default",
            "description": "Migrated from app_settings.json",
            # Later versions nested these objects; their keys win over the flat ones.
            "jira_config": {k: v for k, v in flat_config.items() if v is not None}
            | (settings.get("jira_config") or {}),
            "forecast_settings": forecast | (settings.get("forecast_settings") or {}),
        }
        document = self.profile_document(path, raw_profile, {}, "default")
        if document is None:
            return legacy
        profile = LegacyProfile("default", document)
        raw_query = {"name": "main", "jql": jql} if jql else {"name": "main"}
        query_document = self.query_document(path, raw_query, "default", "main")
        if query_document is not None:
            query = LegacyQuery("main", query_document)
            self.read_query_data(
                self.root, query, document["jira_config"].get("points_field") or None
            )
            profile.queries.append(query)
        legacy.profiles.append(profile)
        legacy.app_state = {"active_profile_id": "default", "active_query_id": "main"}
        return legacy


def _count_comments(value: Any) -> int:
    if isinstance(value, dict):
        return sum(
            1 if key.startswith("_") else _count_comments(item) for key, item in value.items()
        )
    return sum(_count_comments(item) for item in value) if isinstance(value, list) else 0


def _without_comments(value: Any) -> Any:
    """app_settings.json without its comment keys (``_...``) at any depth."""
    if isinstance(value, dict):
        return {k: _without_comments(v) for k, v in value.items() if not k.startswith("_")}
    return [_without_comments(v) for v in value] if isinstance(value, list) else value


def _flag(value: Any) -> bool | None:
    if isinstance(value, bool) or value is None:
        return bool(value)
    if isinstance(value, int | float):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in (
        "true",
        "1",
        "yes",
        "false",
        "0",
        "no",
        "",
    ):
        return value.strip().lower() in ("true", "1", "yes")
    return None


def _iso_week(label: str) -> str:
    """Some old versions wrote weeks as ``2025-44``; the ISO form is ``2025-W44``."""
    match = re.fullmatch(r"(\d{4})-(\d{1,2})", label)
    return f"{match[1]}-W{int(match[2]):02d}" if match else label


def _metric_type(name: Any) -> str | None:
    candidate = re.sub(
        r"[^a-z0-9_]+", "_", re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", str(name)).lower()
    )
    candidate = candidate.strip("_")
    try:
        return validate_metric_type(candidate)
    except ValidationError:
        return None


def _file_time(path: Path) -> datetime:
    return datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)


def _unique(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def unique_name(name: str, taken: set[str]) -> str:
    candidate, n = f"{name} (2)", 3
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


def profile_issues(profile: LegacyProfile) -> dict[str, NormalizedIssue]:
    """One issue per key across the profile's queries; one whose changelog came with it wins."""
    issues: dict[str, NormalizedIssue] = {}
    for query in profile.queries:
        for issue in query.issues:
            known = issues.get(issue.key)
            if known is None or (known.transitions is None and issue.transitions is not None):
                issues[issue.key] = issue
    return issues

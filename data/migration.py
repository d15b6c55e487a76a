"""Legacy JSON → SQLite migration (research seed §3, quickstart "Migration Process").

Flow: find legacy files (LEGACY_LAYOUT.md, including the oldest root-level layout) → copy them to
``backups/migration-<UTC timestamp>/`` → read and check every file, collecting ALL problems → write
everything in ONE ``BEGIN IMMEDIATE`` transaction → inside it, compare what the database now holds
with what the files said (per profile and query: issues, transitions, snapshots, statistics rows,
cache entries; profiles and queries read back equal) → set ``migration_complete`` → commit.

Any problem or mismatch rolls the transaction back: nothing is written and the error names the file
and JSON path (``profiles/kafka/queries/12w/jira_cache.json: issues[41].fields: expected an object``).
The legacy files are only ever read. Messy-but-meaningful input is accepted with a note (missing
optional keys, nulls, numbers as strings, ``jql_query``, list-shaped registries, stray files, empty
folders, duplicate names, unknown keys — kept); input whose data would be lost is an error
(unreadable JSON, wrong types, missing JQL, issue keys or creation dates).
"""

from __future__ import annotations

import json
import logging
import re
import shutil
import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from data import audit
from data.database import get_db_connection, initialize_database, write_transaction
from data.errors import DatabaseError, LegacyDataError, ValidationError
from data.issue_store import (
    IssueDataError,
    NormalizedIssue,
    add_query_members,
    normalize_issue,
    status_transitions,
)
from data.issue_store import store_issues as store_issue_rows
from data.json_files import read_json_text
from data.persistence.base import TASK_STATUSES
from data.persistence.json_backend import (
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
from data.persistence.sqlite_backend import (
    _profile_from_row,
    _profile_values,
    _query_from_row,
    _query_values,
    dumps,
)
from data.settings import DB_FILENAME, get_data_dir
from data.sqlite import Connection
from data.timeutil import to_utc_iso, utc_now, utc_now_iso, validate_week_key
from data.validation import slugify, validate_metric_type, validate_progress

logger = logging.getLogger(__name__)

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
QUERY_FILES = (
    "query.json",
    "jira_cache.json",
    "jira_changelog_cache.json",
    "project_data.json",
    "metrics_snapshots.json",
    SNAPSHOT_META_FILE,
)
PROFILE_DOCUMENTS = (
    "jira_config",
    "field_mappings",
    "forecast_settings",
    "project_classification",
    "flow_type_mappings",
)
NUMERIC_FORECAST_KEYS = ("pert_factor", "data_points_count")
STATISTICS_NUMBERS = ("completed_items", "completed_points", "created_items", "created_points")
NOT_LEGACY = {DB_FILENAME, f"{DB_FILENAME}-wal", f"{DB_FILENAME}-shm", ".json-backend.lock"}


class LegacyMigrationError(LegacyDataError):
    """The legacy files cannot be migrated; ``problems`` lists every one found."""

    def __init__(self, problems: list[LegacyDataError], report: MigrationReport):
        first = problems[0]
        super().__init__(first.file, first.json_path, first.problem)
        self.problems = problems
        self.report = report
        if len(problems) > 1:
            self.args = (
                f"{first}; and {len(problems) - 1} more problem(s) — nothing was migrated; "
                "run `flowcast migrate-json --dry-run` to list them all",
            )

    def __str__(self) -> str:
        return str(self.args[0])


class MigrationCheckError(DatabaseError):
    """After writing, the database did not hold what the legacy files said; rolled back."""


@dataclass
class QueryReport:
    profile_id: str
    query_id: str
    name: str
    issues: int = 0
    transitions: int = 0
    snapshots: int = 0
    statistics_rows: int = 0
    cache_entries: int = 0
    changelog_entries: int = 0


@dataclass
class MigrationReport:
    source: str
    dry_run: bool
    layout: str = ""
    profiles: int = 0
    queries: list[QueryReport] = field(default_factory=list)
    task_progress: int = 0
    app_state_keys: int = 0
    notes: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    backup_dir: str | None = None
    seconds: float = 0.0
    phase_seconds: dict[str, float] = field(default_factory=dict)

    def totals(self) -> dict[str, int]:
        keys = (
            "issues",
            "transitions",
            "snapshots",
            "statistics_rows",
            "cache_entries",
            "changelog_entries",
        )
        return {k: sum(getattr(q, k) for q in self.queries) for k in keys}

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"totals": self.totals(), "query_count": len(self.queries)}


# Parsed legacy data ---------------------------------------------------------------------------
@dataclass
class _Query:
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
class _Profile:
    id: str
    document: dict[str, Any]
    queries: list[_Query] = field(default_factory=list)


@dataclass
class _Legacy:
    layout: str
    profiles: list[_Profile] = field(default_factory=list)
    app_state: dict[str, Any] = field(default_factory=dict)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)


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
            if p.is_file() and p.name not in NOT_LEGACY and not p.name.endswith(".tmp")
        ]
    return sorted(p for p in found if p.is_file())


# Reading ---------------------------------------------------------------------------------------
class _Reader:
    """Reads every legacy file once, collecting notes and problems instead of stopping at the first."""

    def __init__(self, root: Path):
        self.root = root
        self.problems: list[LegacyDataError] = []
        self.notes: list[str] = []

    def label(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def problem(self, path: Path, json_path: str, message: str) -> None:
        self.problems.append(LegacyDataError(self.label(path), json_path, message))

    def note(self, path: Path, message: str) -> None:
        self.notes.append(f"{self.label(path)}: {message}")

    def load(self, path: Path, *, want: type = dict) -> Any:
        """The parsed file (None when missing or unusable; the problem is recorded)."""
        return self.load_text(path, want=want)[0]

    def load_text(self, path: Path, *, want: type = dict) -> tuple[Any, str | None]:
        """``(parsed, text)`` of a file read once; ``(None, None)`` when missing or unusable."""
        try:
            data, text = read_json_text(path, label=self.label(path))
        except LegacyDataError as exc:
            self.problems.append(exc)
            return None, None
        except OSError as exc:
            self.problem(path, "", f"cannot be read ({exc.strerror}); check its permissions")
            return None, None
        if data is not None and not isinstance(data, want):
            expected = "an object" if want is dict else "a list"
            self.problem(path, "", f"expected {expected}, got {_kind(data)}")
            return None, None
        return data, text

    # Layouts ---------------------------------------------------------------------------------
    def read(self) -> _Legacy:
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
        tasks = self.load(tasks_path)
        if tasks:
            try:
                legacy.tasks = list(read_task_records(tasks).values())
            except (ValidationError, KeyError) as exc:
                self.problem(tasks_path, "", str(exc))
        legacy.files = legacy_files(self.root)
        return legacy

    def read_profiles_layout(self, profiles_dir: Path) -> _Legacy:
        legacy = _Legacy(layout="profiles")
        registry_path = profiles_dir / REGISTRY_FILE
        registry = self.load(registry_path) or {}
        summaries = registry.get("profiles")
        if isinstance(summaries, list):
            summaries = {
                s["id"]: s
                for s in summaries
                if isinstance(s, dict) and isinstance(s.get("id"), str)
            }
        elif summaries is not None and not isinstance(summaries, dict):
            self.problem(registry_path, "profiles", f"expected an object, got {_kind(summaries)}")
        summaries = summaries if isinstance(summaries, dict) else {}

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
            if not (folder / "profile.json").is_file() and not isinstance(summary, dict):
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
            profile = self.read_profile(folder, summary if isinstance(summary, dict) else {})
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
                profile.document["name"] = _unique_name(name, taken_names)
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
        for key, value in (self.load(state_path) or {}).items():
            if key not in LOCAL_STATE_KEYS and key not in ACTIVE_KEYS:
                legacy.app_state[key] = value
        return legacy

    def read_profile(self, folder: Path, summary: dict[str, Any]) -> _Profile | None:
        path = folder / "profile.json"
        raw = self.load(path) if path.is_file() else None
        if raw is None:
            if path.is_file():
                return None  # unreadable: already a problem
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
        document = self.profile_document(path, raw, summary, profile_id)
        config = raw.get("jira_config") if isinstance(raw.get("jira_config"), dict) else {}
        points_field = config.get("points_field") or None
        # Queries are read even under a broken profile.json, so every problem is reported at once.
        queries = self.read_queries(folder / "queries", profile_id, points_field)
        return None if document is None else _Profile(profile_id, document, queries)

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
            value = document.get(key)
            if value is None:
                document[key] = {}
            elif not isinstance(value, dict):
                self.problem(path, key, f"expected an object, got {_kind(value)}")
        forecast = document.get("forecast_settings")
        if isinstance(forecast, dict):
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
        try:
            return canonical_profile(document)
        except ValidationError as exc:
            self.problem(path, "", str(exc))
            return None

    def number(self, path: Path, json_path: str, value: Any) -> float | int | None:
        if isinstance(value, bool):
            self.problem(path, json_path, f"expected a number, got {value!r}")
            return None
        if isinstance(value, int | float):
            return value
        try:
            number = float(str(value).strip())
        except ValueError:
            self.problem(path, json_path, f"expected a number, got {value!r}")
            return None
        return int(number) if number.is_integer() and "." not in str(value) else number

    # Queries -----------------------------------------------------------------------------------
    def read_queries(
        self, queries_dir: Path, profile_id: str, points_field: str | None
    ) -> list[_Query]:
        if not queries_dir.is_dir():
            return []
        queries: list[_Query] = []
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
            raw = self.load(query_path)
            if raw is None:
                continue
            query_id = (
                folder.name if is_safe_id(folder.name) else _unique(slugify(folder.name), ids)
            )
            if query_id != folder.name:
                self.note(folder, f"the folder name is not a valid id; migrated as {query_id!r}")
            ids.add(query_id)
            document = self.query_document(query_path, raw, profile_id, query_id)
            if document is None:
                self.read_query_data(
                    folder, _Query(query_id, {}), points_field
                )  # report its problems too
                continue
            name = document["name"]
            if name in names:
                document["name"] = _unique_name(name, names)
                self.note(
                    query_path, f"duplicate query name {name!r} renamed to {document['name']!r}"
                )
            names.add(document["name"])
            query = _Query(query_id, document)
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
        if not isinstance(jql, str):
            self.problem(path, "jql", f"expected a string, got {_kind(jql)}")
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

    def read_query_data(self, folder: Path, query: _Query, points_field: str | None) -> None:
        changelogs = self.read_changelogs(folder / "jira_changelog_cache.json", query)
        self.read_cache(folder / "jira_cache.json", query, changelogs, points_field)
        self.read_project_data(folder / "project_data.json", query)
        self.read_snapshots(folder / "metrics_snapshots.json", folder / SNAPSHOT_META_FILE, query)

    def read_changelogs(
        self, path: Path, query: _Query
    ) -> dict[str, tuple[list[tuple[str, str | None, str, str | None]], int]]:
        """Status transitions per issue key from the changelog cache (and its rows for the cache)."""
        entries, text = self.load_text(path)
        entries = entries or {}
        found = {}
        now = utc_now_iso()
        # A file the old app wrote goes to the cache table as is: SQLite splits it (json_each),
        # which saves re-serializing every entry in Python. Entries Flowcast wrote lose their meta.
        as_written = text is not None and all(
            isinstance(e, dict) and META_KEY not in e for e in entries.values()
        )
        expiry: dict[str, str] = {}
        for key, entry in entries.items():
            if not isinstance(entry, dict):
                self.problem(path, key, f"expected an object, got {_kind(entry)}")
                continue
            if as_written:
                changelog = entry
                expiry[key] = legacy_expiry(entry.get("last_updated")) or now
            else:
                changelog, expires = changelog_file_entry(entry)
                query.changelogs.append((key, dumps(changelog), expires or now))
            history = changelog.get("changelog")
            if history is None:
                continue
            if not isinstance(history, dict):
                self.problem(path, f"{key}.changelog", f"expected an object, got {_kind(history)}")
                continue
            try:
                transitions = status_transitions(
                    history.get("histories") or [], f"{key}.changelog.histories"
                )
            except IssueDataError as exc:
                self.problem(path, exc.json_path, exc.problem)
                continue
            total = history.get("total")
            found[key] = (transitions, _int(total, len(history.get("histories") or [])))
        if as_written and entries:
            query.changelog_file = (text or "", expiry)
        query.changelog_count = len(entries)
        return found

    def read_cache(
        self,
        path: Path,
        query: _Query,
        changelogs: dict[str, tuple[list[tuple[str, str | None, str, str | None]], int]],
        points_field: str | None,
    ) -> None:
        document, text = self.load_text(path)
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
        if not isinstance(issues, list):
            self.problem(path, "issues", f"expected a list, got {_kind(issues)}")
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

    def read_project_data(self, path: Path, query: _Query) -> None:
        data = self.load(path)
        if data is None:
            return
        statistics = data.get("statistics")
        if statistics is None:
            statistics = []
        if not isinstance(statistics, list):
            self.problem(path, "statistics", f"expected a list, got {_kind(statistics)}")
            return
        rows = []
        for index, row in enumerate(statistics):
            where = f"statistics[{index}]"
            if not isinstance(row, dict):
                self.problem(path, where, f"expected an object, got {_kind(row)}")
                continue
            row = dict(row)
            day = row.get("date")
            if day in (None, ""):
                self.problem(path, f"{where}.date", "missing; every statistics row needs a date")
                continue
            try:
                date.fromisoformat(str(day)[:10])
            except ValueError:
                self.problem(path, f"{where}.date", f"expected a date like 2025-04-28, got {day!r}")
                continue
            for key in STATISTICS_NUMBERS:
                value = row.get(key)
                if value is None or (
                    isinstance(value, int | float) and not isinstance(value, bool)
                ):
                    continue
                number = self.number(path, f"{where}.{key}", value)
                if number is not None:
                    row[key] = number
            rows.append(row)
        scope = data.get("project_scope")
        if scope is not None and not isinstance(scope, dict):
            self.problem(path, "project_scope", f"expected an object, got {_kind(scope)}")
            return
        query.project_data = {**data, "statistics": rows}

    def read_snapshots(self, path: Path, meta_path: Path, query: _Query) -> None:
        snapshots = self.load(path) or {}
        meta = (self.load(meta_path) if meta_path.is_file() else None) or {}
        created = to_utc_iso(_file_time(path)) if snapshots else utc_now_iso()
        for week, by_name in snapshots.items():
            try:
                validate_week_key(week)
            except ValidationError as exc:
                self.problem(path, week, str(exc))
                continue
            if not isinstance(by_name, dict):
                self.problem(path, week, f"expected an object, got {_kind(by_name)}")
                continue
            kinds: set[str] = set()
            for name, metrics in by_name.items():
                kind = _metric_type(name)
                if kind is None or kind in kinds:
                    self.problem(path, f"{week}.{name}", "cannot be used as a metric type name")
                    continue
                if kind != name:
                    self.note(path, f"{week}.{name}: stored as metric type {kind!r}")
                kinds.add(kind)
                if not isinstance(metrics, dict):
                    self.note(path, f'{week}.{name}: a plain value, stored as {{"value": ...}}')
                    metrics = {"value": metrics}
                extra = (
                    (meta.get(week) or {}).get(name) if isinstance(meta.get(week), dict) else None
                )
                extra = extra if isinstance(extra, dict) else {}
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
    def read_oldest_layout(self) -> _Legacy:
        legacy = _Legacy(layout="root")
        path = self.root / "app_settings.json"
        settings = self.load(path)
        if settings is None:
            return legacy
        comments = [k for k in settings if k.startswith("_")]
        if comments:
            self.note(path, f"{len(comments)} comment key(s) starting with '_' not migrated")
        settings = {k: v for k, v in settings.items() if not k.startswith("_")}
        endpoint = str(settings.pop("jira_api_endpoint", "") or "")
        match = re.search(r"/rest/api/(\d+)", endpoint)
        jira_config = {
            "base_url": endpoint.split("/rest/api", 1)[0].rstrip("/"),
            "api_version": f"v{match.group(1)}" if match else "v2",
            "token": settings.pop("jira_token", "") or "",
            "points_field": settings.pop("jira_story_points_field", "") or "",
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
            "name": "Default",
            "description": "Migrated from app_settings.json",
            "jira_config": {k: v for k, v in jira_config.items() if v is not None},
            "forecast_settings": forecast,
            **settings,  # show_milestone, show_points and unknown keys
        }
        document = self.profile_document(path, raw_profile, {}, "default")
        if document is None:
            return legacy
        profile = _Profile("default", document)
        raw_query = {"name": "main", "jql": jql} if jql else {"name": "main"}
        query_document = self.query_document(path, raw_query, "default", "main")
        if query_document is not None:
            query = _Query("main", query_document)
            self.read_query_data(
                self.root, query, document["jira_config"].get("points_field") or None
            )
            profile.queries.append(query)
        legacy.profiles.append(profile)
        legacy.app_state = {"active_profile_id": "default", "active_query_id": "main"}
        return legacy


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(value), "a number"
    )


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


def _int(value: Any, default: int) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


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


def _unique_name(name: str, taken: set[str]) -> str:
    candidate, n = f"{name} (2)", 3
    while candidate in taken:
        candidate, n = f"{name} ({n})", n + 1
    return candidate


# Backup ------------------------------------------------------------------------------------------
def backup_legacy_files(root: Path, files: list[Path], backups_dir: Path) -> Path:
    """Copy the legacy files to ``backups_dir/migration-<UTC timestamp>/`` (paths kept)."""
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    target = backups_dir / f"migration-{stamp}"
    n = 2
    while target.exists():
        target, n = backups_dir / f"migration-{stamp}-{n}", n + 1
    for path in files:
        destination = target / path.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, destination)
    target.mkdir(parents=True, exist_ok=True)
    return target


# Writing -----------------------------------------------------------------------------------------
def _conflicts(
    conn: Connection, legacy: _Legacy, replace: bool, notes: list[str]
) -> list[LegacyDataError]:
    problems = []
    existing = {r[0]: r[1] for r in conn.execute("SELECT id, name FROM profiles")}
    migrated_ids = {p.id for p in legacy.profiles}
    names_in_use = {name for pid, name in existing.items() if not (replace and pid in migrated_ids)}
    for profile in legacy.profiles:
        if profile.id in existing and not replace:
            problems.append(
                LegacyDataError(
                    f"profiles/{profile.id}",
                    "",
                    f"a profile with id {profile.id!r} is already in the database; delete it, "
                    "or run `flowcast migrate-json --replace` to overwrite it",
                )
            )
        name = profile.document["name"]
        if name in names_in_use:
            profile.document["name"] = _unique_name(name, names_in_use | {name})
            notes.append(
                f"profiles/{profile.id}: a profile named {name!r} is already in the database; "
                f"migrated as {profile.document['name']!r}"
            )
        names_in_use.add(profile.document["name"])
    return problems


def _write(conn: Connection, legacy: _Legacy, replace: bool, source: str) -> None:
    stamp = utc_now_iso()
    if replace:
        conn.executemany("DELETE FROM profiles WHERE id = ?", [(p.id,) for p in legacy.profiles])
    conn.executemany(
        "INSERT INTO profiles (id, name, description, created_at, last_used, show_milestone, "
        "show_points, jira_config, field_mappings, forecast_settings, project_classification, "
        "flow_type_mappings, extra) VALUES (?, ?, ?, ?, ?, ?, ?, jsonb(?), jsonb(?), jsonb(?), "
        "jsonb(?), jsonb(?), jsonb(?))",
        [_profile_values(p.document) for p in legacy.profiles],
    )
    queries = [(p, q) for p in legacy.profiles for q in p.queries]
    conn.executemany(
        "INSERT INTO queries (id, profile_id, name, jql, description, created_at, last_used, extra) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, jsonb(?))",
        [_query_values(p.id, q.document) for p, q in queries],
    )
    for profile in legacy.profiles:
        audit.record(conn, "profile", profile.id, "create", None, profile.document)
    for profile, query in queries:
        audit.record(conn, "query", f"{profile.id}/{query.id}", "create", None, query.document)
    conn.executemany(
        "INSERT INTO jira_cache (profile_id, query_id, cache_key, response, expires_at, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [(p.id, q.id, *q.cache, stamp) for p, q in queries if q.cache is not None],
    )
    conn.executemany(
        "INSERT INTO jira_changelog_cache (profile_id, query_id, issue_key, changelog, expires_at, "
        "created_at) VALUES (?, ?, ?, ?, ?, ?)",
        [(p.id, q.id, *entry, stamp) for p, q in queries for entry in q.changelogs],
    )
    as_written = [(p, q) for p, q in queries if q.changelog_file]
    if as_written:
        # Expiry times go through an indexed temp table: joining two json_each() scans is quadratic.
        conn.execute(
            "CREATE TEMP TABLE legacy_changelog_expiry (issue_key TEXT PRIMARY KEY, "
            "expires_at TEXT NOT NULL) WITHOUT ROWID"
        )
        for profile, query in as_written:
            text, expiry = query.changelog_file  # type: ignore[misc]
            conn.execute("DELETE FROM temp.legacy_changelog_expiry")
            conn.executemany(
                "INSERT INTO temp.legacy_changelog_expiry (issue_key, expires_at) VALUES (?, ?)",
                expiry.items(),
            )
            conn.execute(
                "INSERT INTO jira_changelog_cache (profile_id, query_id, issue_key, changelog, "
                "expires_at, created_at) SELECT ?, ?, e.key, e.value, x.expires_at, ? "
                "FROM json_each(?) e JOIN temp.legacy_changelog_expiry x ON x.issue_key = e.key",
                (profile.id, query.id, stamp, text),
            )
        conn.execute("DROP TABLE temp.legacy_changelog_expiry")
    for profile in legacy.profiles:
        store_issue_rows(
            conn, profile.id, list(_profile_issues(profile).values()), fetched_at=stamp
        )
        for query in profile.queries:
            add_query_members(
                conn, profile.id, query.id, [i.key for i in query.issues], added_at=stamp
            )
    conn.executemany(
        "INSERT INTO project_data (profile_id, query_id, data, updated_at) VALUES (?, ?, jsonb(?), ?)",
        [
            (p.id, q.id, dumps(q.project_data), stamp)
            for p, q in queries
            if q.project_data is not None
        ],
    )
    conn.executemany(
        "INSERT INTO metrics_snapshots (profile_id, query_id, snapshot_date, metric_type, metrics, "
        "forecast, created_at) VALUES (?, ?, ?, ?, jsonb(?), jsonb(?), ?)",
        [(p.id, q.id, *s) for p, q in queries for s in q.snapshots],
    )
    conn.executemany(
        "INSERT INTO task_progress (task_name, progress_percent, status, message, details, "
        "cancel_requested, started_at, updated_at) VALUES (?, ?, ?, ?, jsonb(?), ?, ?, ?) "
        "ON CONFLICT (task_name) DO UPDATE SET progress_percent = excluded.progress_percent, "
        "status = excluded.status, message = excluded.message, details = excluded.details, "
        "cancel_requested = excluded.cancel_requested, started_at = excluded.started_at, "
        "updated_at = excluded.updated_at",
        [
            (
                t["task_name"],
                validate_progress(t["progress_percent"], t["status"], TASK_STATUSES),
                t["status"],
                t.get("message") or "",
                dumps(t.get("details") or {}),
                int(bool(t.get("cancel_requested"))),
                t["started_at"],
                t["updated_at"],
            )
            for t in legacy.tasks
        ],
    )
    state = legacy.app_state | {MIGRATION_FLAG: "true"}
    conn.executemany(
        "INSERT INTO app_state (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) "
        "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        [(k, dumps(v), stamp) for k, v in state.items()],
    )
    audit.record(conn, "migration", source, "create", None, {"profiles": len(legacy.profiles)})


def _profile_issues(profile: _Profile) -> dict[str, NormalizedIssue]:
    """One issue per key across the profile's queries; one whose changelog came with it wins."""
    issues: dict[str, NormalizedIssue] = {}
    for query in profile.queries:
        for issue in query.issues:
            known = issues.get(issue.key)
            if known is None or (known.transitions is None and issue.transitions is not None):
                issues[issue.key] = issue
    return issues


# Checking what was written ------------------------------------------------------------------------
def _check(conn: Connection, legacy: _Legacy) -> list[QueryReport]:
    """Compare the database with the parsed files inside the write transaction; raise on mismatch."""
    reports = []

    def mismatch(what: str, found: Any, expected: Any) -> None:
        raise MigrationCheckError(
            f"After migrating, {what} differs (database {found!r}, legacy files {expected!r}); "
            "nothing was written — please report this as a bug."
        )

    for profile in legacy.profiles:
        row = conn.execute(
            "SELECT id, name, description, created_at, last_used, show_milestone, show_points, "
            "json(jira_config), json(field_mappings), json(forecast_settings), "
            "json(project_classification), json(flow_type_mappings), json(extra) "
            "FROM profiles WHERE id = ?",
            (profile.id,),
        ).fetchone()
        stored = None if row is None else _profile_from_row(tuple(row))
        if stored != profile.document:
            mismatch(f"profile {profile.id!r}", stored, profile.document)
        transitions_by_key = {
            k: len(i.transitions or []) for k, i in _profile_issues(profile).items()
        }
        for query in profile.queries:
            where = f"query {profile.id}/{query.id}"
            row = conn.execute(
                "SELECT id, profile_id, name, jql, description, created_at, last_used, json(extra) "
                "FROM queries WHERE profile_id = ? AND id = ?",
                (profile.id, query.id),
            ).fetchone()
            stored_query = None if row is None else _query_from_row(tuple(row))
            expected_query = {**query.document, "profile_id": profile.id}
            if stored_query != expected_query:
                mismatch(where, stored_query, expected_query)
            report = QueryReport(profile.id, query.id, query.document["name"])
            keys = {
                r[0]
                for r in conn.execute(
                    "SELECT issue_key FROM query_issues WHERE profile_id = ? AND query_id = ?",
                    (profile.id, query.id),
                )
            }
            expected_keys = {i.key for i in query.issues}
            if keys != expected_keys:
                mismatch(f"the issue keys of {where}", len(keys), len(expected_keys))
            report.issues = len(keys)
            report.transitions = conn.execute(
                "SELECT COUNT(*) FROM issue_transitions t JOIN query_issues q ON "
                "q.profile_id = t.profile_id AND q.issue_key = t.issue_key "
                "WHERE q.profile_id = ? AND q.query_id = ?",
                (profile.id, query.id),
            ).fetchone()[0]
            expected_transitions = sum(transitions_by_key[k] for k in expected_keys)
            if report.transitions != expected_transitions:
                mismatch(f"the transitions of {where}", report.transitions, expected_transitions)
            weeks = sorted(
                (r[0], r[1])
                for r in conn.execute(
                    "SELECT snapshot_date, metric_type FROM metrics_snapshots "
                    "WHERE profile_id = ? AND query_id = ?",
                    (profile.id, query.id),
                )
            )
            expected_weeks = sorted((s[0], s[1]) for s in query.snapshots)
            if weeks != expected_weeks:
                mismatch(f"the snapshots of {where}", weeks, expected_weeks)
            report.snapshots = len(weeks)
            row = conn.execute(
                "SELECT json_array_length(data, '$.statistics') FROM project_data "
                "WHERE profile_id = ? AND query_id = ?",
                (profile.id, query.id),
            ).fetchone()
            statistics = None if row is None else row[0]
            expected_statistics = (
                None if query.project_data is None else len(query.project_data["statistics"])
            )
            if statistics != expected_statistics:
                mismatch(f"the statistics rows of {where}", statistics, expected_statistics)
            report.statistics_rows = statistics or 0
            report.cache_entries = conn.execute(
                "SELECT COUNT(*) FROM jira_cache WHERE profile_id = ? AND query_id = ?",
                (profile.id, query.id),
            ).fetchone()[0]
            if report.cache_entries != (query.cache is not None):
                mismatch(f"the cached responses of {where}", report.cache_entries, 1)
            report.changelog_entries = conn.execute(
                "SELECT COUNT(*) FROM jira_changelog_cache WHERE profile_id = ? AND query_id = ?",
                (profile.id, query.id),
            ).fetchone()[0]
            if report.changelog_entries != query.changelog_count:
                mismatch(
                    f"the cached changelogs of {where}",
                    report.changelog_entries,
                    query.changelog_count,
                )
            reports.append(report)
    for key, value in legacy.app_state.items():
        row = conn.execute("SELECT value FROM app_state WHERE key = ?", (key,)).fetchone()
        if row is None or json.loads(row[0]) != value:
            mismatch(f"app state {key!r}", row and json.loads(row[0]), value)
    return reports


def _planned(legacy: _Legacy) -> list[QueryReport]:
    reports = []
    for profile in legacy.profiles:
        transitions = {k: len(i.transitions or []) for k, i in _profile_issues(profile).items()}
        for query in profile.queries:
            keys = {i.key for i in query.issues}
            reports.append(
                QueryReport(
                    profile.id,
                    query.id,
                    query.document["name"],
                    issues=len(keys),
                    transitions=sum(transitions[k] for k in keys),
                    snapshots=len(query.snapshots),
                    statistics_rows=len((query.project_data or {}).get("statistics") or []),
                    cache_entries=int(query.cache is not None),
                    changelog_entries=query.changelog_count,
                )
            )
    return reports


# Entry points ------------------------------------------------------------------------------------
def migrate_legacy(
    path: str | Path | None = None,
    dry_run: bool = False,
    *,
    db_path: str | Path | None = None,
    replace: bool = False,
) -> MigrationReport:
    """Migrate the legacy files under ``path`` (default: the data directory) into the database.

    Raises LegacyMigrationError (every problem listed, nothing written) when the files cannot be
    migrated; with ``dry_run`` the problems are in the report instead and nothing is written.
    """
    started = time.perf_counter()
    root = resolve_legacy_root(path or get_data_dir())
    database = Path(db_path) if db_path is not None else get_data_dir() / "profiles" / DB_FILENAME
    report = MigrationReport(source=str(root), dry_run=dry_run)
    if not root.is_dir():
        raise LegacyDataError(
            str(root), "", "does not exist; pass the folder that contains profiles/"
        )
    if not dry_run and has_legacy_data(root):
        report.backup_dir = str(
            backup_legacy_files(root, legacy_files(root), database.parent.parent / "backups")
        )
    report.phase_seconds["backup"] = time.perf_counter() - started
    reader = _Reader(root)
    legacy = reader.read()
    report.phase_seconds["read"] = (
        time.perf_counter() - started - sum(report.phase_seconds.values())
    )
    report.layout = legacy.layout
    report.notes = reader.notes
    problems = reader.problems
    if database.exists() or not dry_run:
        initialize_database(database)
        with get_db_connection(database) as conn:
            problems += _conflicts(conn, legacy, replace, report.notes)
    report.profiles = len(legacy.profiles)
    report.task_progress = len(legacy.tasks)
    report.app_state_keys = len(legacy.app_state)
    report.problems = [str(p) for p in problems]
    if dry_run or problems:
        report.queries = _planned(legacy)
        report.seconds = time.perf_counter() - started
        if problems and not dry_run:
            raise LegacyMigrationError(problems, report)
        return report
    with get_db_connection(database) as conn, write_transaction(conn):
        mark = time.perf_counter()
        _write(conn, legacy, replace, str(root))
        report.phase_seconds["write"] = time.perf_counter() - mark
        mark = time.perf_counter()
        report.queries = _check(conn, legacy)
        report.phase_seconds["check"] = time.perf_counter() - mark
        mark = time.perf_counter()
    report.phase_seconds["commit"] = time.perf_counter() - mark
    report.seconds = time.perf_counter() - started
    logger.info(
        "Migrated %d profiles and %d queries from %s in %.2f s (backup: %s)",
        report.profiles,
        len(report.queries),
        root,
        report.seconds,
        report.backup_dir,
    )
    return report


def run_migration_if_needed(data_dir: str | Path | None = None) -> MigrationReport | None:
    """On start: migrate the data directory's legacy files once; None when there is nothing to do.

    Runs when legacy files exist, ``migration_complete`` is not ``"true"`` and the database holds no
    profiles yet (a database already in use — e.g. written in dual mode — is never merged into
    automatically; ``flowcast migrate-json`` does that on request).
    """
    root = Path(data_dir).expanduser().resolve() if data_dir is not None else get_data_dir()
    if not has_legacy_data(root):
        return None
    database = initialize_database(root / "profiles" / DB_FILENAME)
    with get_db_connection(database) as conn:
        flag = conn.execute(
            "SELECT value FROM app_state WHERE key = ?", (MIGRATION_FLAG,)
        ).fetchone()
        in_use = conn.execute("SELECT 1 FROM profiles LIMIT 1").fetchone() is not None
    if flag is not None and json.loads(flag[0]) == "true":
        return None
    if in_use:
        logger.warning(
            "Legacy JSON files in %s were not migrated because the database already holds profiles; "
            "run `flowcast migrate-json` to migrate them.",
            root,
        )
        return None
    return migrate_legacy(root, db_path=database)


__all__ = [
    "LegacyMigrationError",
    "MigrationCheckError",
    "MigrationReport",
    "QueryReport",
    "has_legacy_data",
    "migrate_legacy",
    "run_migration_if_needed",
]

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

import errno
import logging
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from data.analytics.deadlines import move_settings_deadlines
from data.analytics.loading import warm_frame_cache
from data.db.connection import write_transaction
from data.db.postgres import refuse_file_tool
from data.db.sqlite import Connection
from data.errors import ConfigError, DatabaseError, LegacyDataError, StorageFullError
from data.jobs import MIGRATION_TASK, Job, ProgressCallback, run_job
from data.legacy.reader import (
    MIGRATION_FLAG,
    LegacyData,
    LegacyReader,
    has_legacy_data,
    legacy_files,
    profile_issues,
    resolve_legacy_root,
    unique_name,
)
from data.locations import DB_FILENAME, get_data_dir
from data.private_files import copy_private, make_private_dir
from data.store import audit, bulk
from data.store import legacy_import as store
from data.store.base import TASK_STATUSES
from data.store.issues import add_query_members
from data.store.issues import store_issues as store_issue_rows
from data.store.records import dumps
from data.store.sql_backend import read_profile, read_query
from data.store.sqlite_backend import SQLiteBackend
from data.timeutil import utc_now, utc_now_iso
from data.validation import validate_progress

logger = logging.getLogger(__name__)


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
                "a Dry run on the Data page or `flowcast migrate-json --dry-run` lists them all",
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

    def summary(self) -> str:
        return f"Migrated {self.profiles} profile(s) and {self.totals()['issues']:,} issues"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self) | {"totals": self.totals(), "query_count": len(self.queries)}


# Backup ------------------------------------------------------------------------------------------
def backup_legacy_files(root: Path, files: list[Path], backups_dir: Path) -> Path:
    """Copy the legacy files to ``backups_dir/migration-<UTC timestamp>/`` (paths kept; 0600
    copies in 0700 folders). A copy that fails (full disk, read-only folder) leaves no folder.

    When the newest such backup already holds exactly these files (same paths, sizes and
    modification times — a migration that failed and is retried on every start), it is reused
    instead of piling up copies.
    """
    wanted = {p.relative_to(root).as_posix(): _file_stamp(p) for p in files}
    earlier = sorted(backups_dir.glob("migration-*"), key=lambda d: d.stat().st_mtime_ns)
    if earlier:
        latest = earlier[-1]
        held = {
            p.relative_to(latest).as_posix(): _file_stamp(p)
            for p in latest.rglob("*")
            if p.is_file()
        }
        if held == wanted:
            return latest
    stamp = utc_now().strftime("%Y%m%dT%H%M%SZ")
    target = backups_dir / f"migration-{stamp}"
    n = 2
    while target.exists():
        target, n = backups_dir / f"migration-{stamp}-{n}", n + 1
    try:
        make_private_dir(target)  # the copies hold the JIRA token and issue text: 0600 in 0700
        for path in files:
            copy_private(path, target / path.relative_to(root))
    except OSError as exc:
        shutil.rmtree(target, ignore_errors=True)  # a partial copy is no backup
        raise _backup_error(exc, root, target) from None
    return target


def _backup_error(exc: OSError, root: Path, target: Path) -> Exception:
    source = Path(exc.filename) if exc.filename else None
    if source is not None and source.is_relative_to(root) and not source.is_relative_to(target):
        return LegacyDataError(
            source.relative_to(root).as_posix(),
            "",
            f"cannot be read ({exc.strerror}); check its permissions — nothing was migrated",
        )
    if exc.errno == errno.ENOSPC:
        return StorageFullError(
            f"No space left to back up the legacy files to {target.parent}; nothing was "
            "migrated — free disk space and retry."
        )
    return ConfigError(
        f"Cannot back up the legacy files to {target.parent} ({exc.strerror}); nothing was "
        "migrated — make the data directory writable or choose another with --data-dir."
    )


def _file_stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


# Writing -----------------------------------------------------------------------------------------
def _conflicts(
    conn: Connection, legacy: LegacyData, replace: bool, notes: list[str]
) -> list[LegacyDataError]:
    problems = []
    existing = store.profile_names(conn)
    migrated_ids = {p.id for p in legacy.profiles}
    names_in_use = {name for pid, name in existing.items() if not (replace and pid in migrated_ids)}
    for profile in legacy.profiles:
        if profile.id in existing and not replace:
            problems.append(
                LegacyDataError(
                    f"profiles/{profile.id}",
                    "",
                    f"a profile with id {profile.id!r} is already in the database; delete it "
                    "(Settings → Profiles → Delete), or run `flowcast migrate-json --replace` to "
                    "overwrite it",
                )
            )
        name = profile.document["name"]
        if name in names_in_use:
            profile.document["name"] = unique_name(name, names_in_use | {name})
            notes.append(
                f"profiles/{profile.id}: a profile named {name!r} is already in the database; "
                f"migrated as {profile.document['name']!r}"
            )
        names_in_use.add(profile.document["name"])
    return problems


def _write(
    conn: Connection,
    legacy: LegacyData,
    replace: bool,
    source: str,
    job: Job | None = None,
) -> None:
    """Everything in one open transaction (the job's progress goes to its caller only)."""
    stamp = utc_now_iso()
    if replace:
        store.delete_profiles(conn, [p.id for p in legacy.profiles])
    bulk.insert_profiles(conn, [p.document for p in legacy.profiles])
    queries = [(p, q) for p in legacy.profiles for q in p.queries]
    bulk.insert_queries(conn, [(p.id, q.document) for p, q in queries])
    for profile in legacy.profiles:
        audit.record(conn, "profile", profile.id, "create", None, profile.document)
    for profile, query in queries:
        audit.record(conn, "query", f"{profile.id}/{query.id}", "create", None, query.document)
    store.insert_jira_responses(
        conn, [(p.id, q.id, *q.cache, stamp) for p, q in queries if q.cache is not None]
    )
    store.insert_changelogs(
        conn, [(p.id, q.id, *entry, stamp) for p, q in queries for entry in q.changelogs]
    )
    store.insert_changelog_files(
        conn,
        [(p.id, q.id, *q.changelog_file) for p, q in queries if q.changelog_file],
        stamp,
    )
    for number, profile in enumerate(legacy.profiles):
        if job is not None:
            job.tick(
                50 + 40 * number / len(legacy.profiles),
                f"Writing the issues of profile {profile.id!r} ({number + 1} of "
                f"{len(legacy.profiles)})",
            )
        store_issue_rows(conn, profile.id, list(profile_issues(profile).values()), fetched_at=stamp)
        for query in profile.queries:
            add_query_members(
                conn, profile.id, query.id, [i.key for i in query.issues], added_at=stamp
            )
    bulk.insert_project_data(
        conn,
        [(p.id, q.id, q.project_data) for p, q in queries if q.project_data is not None],
        stamp,
    )
    bulk.insert_snapshots(conn, [(p.id, q.id, *s) for p, q in queries for s in q.snapshots])
    store.put_task_records(
        conn,
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
    store.put_app_state(conn, legacy.app_state | {MIGRATION_FLAG: "true"}, stamp)
    audit.record(conn, "migration", source, "create", None, {"profiles": len(legacy.profiles)})


# Checking what was written ------------------------------------------------------------------------
def _check(conn: Connection, legacy: LegacyData) -> list[QueryReport]:
    """Compare the database with the parsed files inside the write transaction; raise on mismatch."""
    reports = []

    def mismatch(what: str, found: Any, expected: Any) -> None:
        raise MigrationCheckError(
            f"After migrating, {what} differs (database {found!r}, legacy files {expected!r}); "
            "nothing was written — please report this as a bug."
        )

    for profile in legacy.profiles:
        stored = read_profile(conn, profile.id)
        if stored != profile.document:
            mismatch(f"profile {profile.id!r}", stored, profile.document)
        transitions_by_key = {
            k: len(i.transitions or []) for k, i in profile_issues(profile).items()
        }
        for query in profile.queries:
            where = f"query {profile.id}/{query.id}"
            stored_query = read_query(conn, profile.id, query.id)
            expected_query = {**query.document, "profile_id": profile.id}
            if stored_query != expected_query:
                mismatch(where, stored_query, expected_query)
            report = QueryReport(profile.id, query.id, query.document["name"])
            keys = store.member_keys(conn, profile.id, query.id)
            expected_keys = {i.key for i in query.issues}
            if keys != expected_keys:
                mismatch(f"the issue keys of {where}", len(keys), len(expected_keys))
            report.issues = len(keys)
            report.transitions = store.member_transition_count(conn, profile.id, query.id)
            expected_transitions = sum(transitions_by_key[k] for k in expected_keys)
            if report.transitions != expected_transitions:
                mismatch(f"the transitions of {where}", report.transitions, expected_transitions)
            weeks = store.snapshot_keys(conn, profile.id, query.id)
            expected_weeks = sorted((s[0], s[1]) for s in query.snapshots)
            if weeks != expected_weeks:
                mismatch(f"the snapshots of {where}", weeks, expected_weeks)
            report.snapshots = len(weeks)
            statistics = store.statistics_row_count(conn, profile.id, query.id)
            expected_statistics = (
                None if query.project_data is None else len(query.project_data["statistics"])
            )
            if statistics != expected_statistics:
                mismatch(f"the statistics rows of {where}", statistics, expected_statistics)
            report.statistics_rows = statistics or 0
            report.cache_entries = store.jira_response_count(conn, profile.id, query.id)
            if report.cache_entries != (query.cache is not None):
                mismatch(f"the cached responses of {where}", report.cache_entries, 1)
            report.changelog_entries = store.changelog_count(conn, profile.id, query.id)
            if report.changelog_entries != query.changelog_count:
                mismatch(
                    f"the cached changelogs of {where}",
                    report.changelog_entries,
                    query.changelog_count,
                )
            reports.append(report)
    for key, value in legacy.app_state.items():
        found, stored_value = store.app_state_value(conn, key)
        if not found or stored_value != value:
            mismatch(f"app state {key!r}", stored_value if found else None, value)
    return reports


def _planned(legacy: LegacyData) -> list[QueryReport]:
    reports = []
    for profile in legacy.profiles:
        transitions = {k: len(i.transitions or []) for k, i in profile_issues(profile).items()}
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
    job: Job | None = None,
) -> MigrationReport:
    """Migrate the legacy files under ``path`` (default: the data directory) into the database.

    Raises LegacyMigrationError (every problem listed, nothing written) when the files cannot be
    migrated; with ``dry_run`` the problems are in the report instead and nothing is written.
    ``job`` (``run_migration_job``) is told the progress of each phase and profile and may raise
    TaskCancelled before the write: everything is written in one transaction after the last
    cancel point, so a cancel changes nothing in the database (a backup copy of the legacy
    files may already have been made).
    """

    def progress(percent: float, message: str) -> None:
        if job is not None:
            job.step(percent, message)

    if db_path is None:
        refuse_legacy_import_into_team_database()
    started = time.perf_counter()
    root = resolve_legacy_root(path or get_data_dir())
    database = Path(db_path) if db_path is not None else get_data_dir() / "profiles" / DB_FILENAME
    report = MigrationReport(source=str(root), dry_run=dry_run)
    if not root.is_dir():
        raise LegacyDataError(
            str(root), "", "does not exist; pass the folder that contains profiles/"
        )
    if not dry_run and has_legacy_data(root):
        progress(2, "Backing up the legacy files")
        report.backup_dir = str(
            backup_legacy_files(root, legacy_files(root), database.parent.parent / "backups")
        )
    report.phase_seconds["backup"] = time.perf_counter() - started
    progress(10, f"Reading the legacy files in {root}")
    reader = LegacyReader(root)
    legacy = reader.read()
    report.phase_seconds["read"] = (
        time.perf_counter() - started - sum(report.phase_seconds.values())
    )
    report.layout = legacy.layout
    report.notes = reader.notes
    problems = reader.problems
    progress(40, "Checking the legacy data against the database")
    target = SQLiteBackend(database) if database.exists() or not dry_run else None
    if target is not None:
        with target.session() as conn:
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
    progress(45, f"Writing {report.profiles} profile(s) in one transaction")
    assert target is not None  # not a dry run
    with target.session() as conn, write_transaction(conn):
        mark = time.perf_counter()
        _write(conn, legacy, replace, str(root), job)
        report.phase_seconds["write"] = time.perf_counter() - mark
        if job is not None:
            job.tick(90, "Checking the migrated data")
        mark = time.perf_counter()
        report.queries = _check(conn, legacy)
        report.phase_seconds["check"] = time.perf_counter() - mark
        if job is not None:
            # The record saying it is done commits with the data, or neither does: a disk that
            # fills up after the commit can no longer leave the job "running" over migrated
            # data, nor an error saying nothing was written.
            report.seconds = time.perf_counter() - started
            job.finish_in(conn, report.summary(), report.to_dict())
        mark = time.perf_counter()
    report.phase_seconds["commit"] = time.perf_counter() - mark
    if db_path is None:  # the data directory's database, the one the plans API writes
        # The legacy Settings deadline becomes each query's approved plan's (issue 18).
        move_settings_deadlines()
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


def refuse_legacy_import_into_team_database() -> None:
    """The legacy import writes the local SQLite file (its per-issue split is SQLite's
    json_each): with a team database configured it would write a file nobody reads."""
    refuse_file_tool(
        "The legacy JSON import",
        "migrate into a local SQLite file first (without FLOWCAST_DATABASE_URL), then move that "
        "into an empty team database with `flowcast db copy --to postgresql://…`",
    )


def run_migration_job(
    path: str | Path | None = None,
    progress: ProgressCallback | None = None,
    *,
    replace: bool = False,
) -> MigrationReport:
    """``migrate_legacy`` as a job (``task_progress`` record ``migrate-legacy``): progress per
    phase and profile, Cancel between them (nothing is written then), one run at a time, whether
    the Data page or ``flowcast migrate-json`` started it. The completed record keeps the report
    (``details``), so every tab can show what was migrated, and commits with the migrated data;
    a refused migration (problems listed in its LegacyMigrationError) leaves the record failed
    with that error's message, and one that failed on a full disk or a read-only folder says
    so and leaves nothing a retry would trip over."""
    refuse_legacy_import_into_team_database()
    busy = (
        "A legacy migration is already running; wait for it to finish or cancel it on the "
        "Data page."
    )
    with run_job(MIGRATION_TASK, "Starting the migration", progress, busy=busy) as job:
        report = migrate_legacy(path, replace=replace, job=job)
        # The first pages drawn for the migrated queries then skip reading them from SQLite.
        for number, query in enumerate(report.queries):
            job.tick(95 + 5 * number / len(report.queries), "Preparing the charts")
            warm_frame_cache(query.profile_id, query.query_id)
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
    database = root / "profiles" / DB_FILENAME
    with SQLiteBackend(database).session() as conn:
        found, flag = store.app_state_value(conn, MIGRATION_FLAG)
        in_use = store.any_profile(conn)
    if found and flag == "true":
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

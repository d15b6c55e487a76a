"""Legacy JSON → SQLite migration: complete trees, the real upstream samples, messy files that are
accepted with a note, and malformed files that are refused with nothing written and nothing touched."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from data.db.connection import get_db_connection, initialize_database
from data.errors import LegacyDataError
from data.legacy import migration
from data.legacy.migration import (
    LegacyMigrationError,
    MigrationCheckError,
    migrate_legacy,
    run_migration_if_needed,
)
from data.ops.startup import prepare_data_dir
from data.plans.approved import approved_plan
from data.store.sqlite_backend import SQLiteBackend
from tests.legacy_tree import jira_issue, status_changes_per_issue, write_json, write_legacy_tree

UPSTREAM = Path("/work/shared/fixtures/upstream")
QUERY = Path("profiles/kafka/queries/12w")


def file_hashes(root: Path) -> dict[str, str]:
    """Every legacy file's content hash (the database and backups excluded)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
        and "burndown.db" not in p.name
        and "backups" not in p.relative_to(root).parts
    }


def database_dump(db: Path) -> dict[str, list[str]]:
    """Every row of every table (sqlean has no iterdump)."""
    with get_db_connection(db) as conn:
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_schema WHERE type = 'table'")]
        # Table names come from sqlite_schema itself, not from input.
        query = 'SELECT * FROM "{}"'
        return {t: sorted(repr(tuple(r)) for r in conn.execute(query.format(t))) for t in tables}


def db_of(root: Path) -> Path:
    return root / "profiles" / "burndown.db"


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


# A complete tree ---------------------------------------------------------------------------------
def test_a_complete_tree_migrates_with_everything_checked(data_dir: Path) -> None:
    write_legacy_tree(
        data_dir, issues=20, histories=4, queries=(("12w", "12 weeks"), ("bugs", "Bugs"))
    )
    before = file_hashes(data_dir)
    report = migrate_legacy(data_dir)

    # 20 issues per query, each with status_changes_per_issue(4) = 2 status transitions.
    assert [(q.query_id, q.issues, q.transitions) for q in report.queries] == [
        ("12w", 20, 40),
        ("bugs", 20, 40),
    ]
    assert {
        (q.snapshots, q.statistics_rows, q.cache_entries, q.changelog_entries)
        for q in report.queries
    } == {(3, 4, 1, 20)}
    assert report.problems == [] and report.profiles == 1 and report.task_progress == 1
    assert file_hashes(data_dir) == before  # legacy files untouched

    backend = SQLiteBackend(db_of(data_dir))
    profile = backend.get_profile("kafka")
    assert profile is not None
    assert profile["legacy_unknown_key"] == {"kept": True}
    assert profile["jira_config"]["points_field"] == "customfield_10002"
    assert profile["created_at"].endswith("Z") and "queries" not in profile
    assert backend.get_query("kafka", "bugs")["jql"] == "project = KAFKA AND labels = bugs"  # type: ignore[index]
    assert backend.get_app_state("active_profile_id") == "kafka"
    assert backend.get_app_state("active_query_id") == "12w"
    assert backend.get_app_state("migration_complete") == "true"
    task = backend.get_task_progress("update_data")
    assert (
        task is not None
        and task["status"] == "completed"
        and task["details"] == {"phase": "finished"}
    )
    snapshots = backend.get_metrics_snapshots("kafka", "12w")
    assert [(s["snapshot_date"], s["metric_type"]) for s in snapshots] == [
        ("2025-W44", "dora_lead_time"),
        ("2025-W44", "flow_velocity"),
        ("2025-W45", "flow_velocity"),
    ]
    legacy_stats = load(data_dir / QUERY / "project_data.json")
    assert backend.get_project_data("kafka", "12w") == legacy_stats
    # The cache rows keep the old file's text; the changelog rows its entries.
    with get_db_connection(db_of(data_dir)) as conn:
        cached = conn.execute(
            "SELECT cache_key, response FROM jira_cache WHERE query_id = '12w'"
        ).fetchone()
        assert cached[0] == "hash-12w"
        assert json.loads(cached[1]) == load(data_dir / QUERY / "jira_cache.json")
        issue = conn.execute(
            "SELECT points, status, created FROM issues WHERE issue_key = 'KAFKA-5'"
        ).fetchone()
        # jira_issue(5) stores points as the string "5" (n % 8 for n % 5 == 0).
        assert tuple(issue) == (5.0, "Done", "2025-06-02T14:00:00.000Z")
        steps = conn.execute(
            "SELECT from_status, to_status FROM issue_transitions WHERE issue_key = 'KAFKA-5' ORDER BY seq"
        ).fetchall()
        assert [tuple(s) for s in steps] == [("To Do", "In Progress"), ("In Progress", "Review")]
        members = conn.execute("SELECT COUNT(*) FROM query_issues").fetchone()[0]
        assert members == 40  # 20 issues in each of 2 queries, stored once per profile
        assert conn.execute("SELECT COUNT(*) FROM issues").fetchone()[0] == 20
        audit_kinds = {r[0] for r in conn.execute("SELECT entity_type FROM audit_log")}
        # The Settings deadline became each query's approved plan's (issue 18): audited too.
        assert audit_kinds == {"profile", "query", "migration", "plan", "approved_artifact"}
        token_rows = conn.execute(
            "SELECT COUNT(*) FROM audit_log WHERE json(new_value) LIKE '%secret-token%'"
        ).fetchone()[0]
        assert token_rows == 0

    backup = Path(report.backup_dir or "")
    assert backup.parent == data_dir / "backups" and backup.name.startswith("migration-")
    assert file_hashes(backup) == before  # the backup is a byte copy of every legacy file


def test_more_histories_give_the_expected_transition_count(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=7, histories=11)
    report = migrate_legacy(data_dir)
    assert report.totals()["transitions"] == 7 * status_changes_per_issue(11)


# On start ------------------------------------------------------------------------------------------
def test_start_migrates_once_then_never_again(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3)
    assert prepare_data_dir() == db_of(data_dir)
    assert SQLiteBackend(db_of(data_dir)).get_profile("kafka") is not None
    assert run_migration_if_needed(data_dir) is None
    assert len(list((data_dir / "backups").iterdir())) == 1


def test_start_without_legacy_files_does_nothing(data_dir: Path) -> None:
    assert run_migration_if_needed(data_dir) is None
    assert not db_of(data_dir).exists()


def test_start_never_merges_into_a_database_already_in_use(data_dir: Path) -> None:
    # E.g. dual mode on a fresh install: the JSON mirror looks like legacy data on the next start.
    SQLiteBackend(db_of(data_dir)).save_profile({"id": "kafka", "name": "Kafka"})
    write_legacy_tree(data_dir, issues=3)
    assert run_migration_if_needed(data_dir) is None
    assert SQLiteBackend(db_of(data_dir)).get_profile("kafka")["name"] == "Kafka"  # type: ignore[index]


def test_a_failed_start_migration_writes_nothing_and_is_retried(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3)
    cache = data_dir / QUERY / "jira_cache.json"
    good = cache.read_bytes()
    cache.write_bytes(good[:200])
    with pytest.raises(LegacyDataError, match="jira_cache.json: is not valid JSON"):
        prepare_data_dir()
    assert SQLiteBackend(db_of(data_dir)).list_profiles() == []
    cache.write_bytes(good)
    assert run_migration_if_needed(data_dir) is not None


# Real upstream samples -----------------------------------------------------------------------------
def test_the_oldest_root_layout_becomes_profile_default_with_query_main(data_dir: Path) -> None:
    for name in ("app_settings.json", "project_data.json"):
        shutil.copy(UPSTREAM / name, data_dir / name)
    write_json(
        data_dir / "jira_cache.json",
        {"timestamp": "2025-07-20T20:43:55", "issues": [jira_issue(1)]},
    )
    report = migrate_legacy(data_dir)
    assert report.layout == "root"
    backend = SQLiteBackend(db_of(data_dir))
    profile = backend.get_profile("default")
    assert profile is not None and profile["name"] == "Default"
    settings = load(UPSTREAM / "app_settings.json")
    assert profile["jira_config"]["base_url"] == "https://jira.atlassian.com"
    assert profile["jira_config"]["api_version"] == "v2"
    assert profile["forecast_settings"] == {
        k: settings[k] for k in ("pert_factor", "data_points_count", "milestone")
    }
    # The deadline is the query's approved plan's now (issue 18).
    plan = approved_plan("default", "main")
    assert plan is not None and plan.deadline == settings["deadline"]
    assert profile["show_points"] is settings["show_points"]
    query = backend.get_query("default", "main")
    assert query is not None and query["jql"] == settings["jql_query"]
    upstream_stats = load(UPSTREAM / "project_data.json")
    assert backend.get_project_data("default", "main") == upstream_stats
    assert report.queries[0].statistics_rows == len(upstream_stats["statistics"])
    assert report.queries[0].issues == 1
    assert backend.get_app_state("active_query_id") == "main"


def test_the_upstream_sample_profile_registry_and_query_migrate(data_dir: Path) -> None:
    sample = load(UPSTREAM / "sample_profile_data.json")
    profile, query = sample["sample_profile_data"], sample["sample_query_data"]
    folder = data_dir / "profiles" / profile["id"]
    write_json(
        data_dir / "profiles" / "profiles.json", sample["sample_profiles_registry"]
    )  # list-shaped
    write_json(folder / "profile.json", profile)
    write_json(folder / "queries" / query["id"] / "query.json", query)  # says jql_query
    migrate_legacy(data_dir)
    backend = SQLiteBackend(db_of(data_dir))
    stored = backend.get_profile(profile["id"])
    assert stored is not None and stored["project_config"] == profile["project_config"]
    assert stored["jira_config"] == profile["jira_config"]
    stored_query = backend.get_query(profile["id"], query["id"])
    assert stored_query is not None and stored_query["jql"] == query["jql_query"]
    assert backend.get_app_state("active_query_id") == "query-test-001"


# Messy files that still migrate -------------------------------------------------------------------
def test_messy_files_migrate_with_notes(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3, queries=(("12w", "Same name"), ("bugs", "Same name")))
    profile_path = data_dir / "profiles" / "kafka" / "profile.json"
    profile = load(profile_path)
    profile.update(
        name="Équipe Zürich 日本",
        jira_config=None,  # null where an object belongs
        field_mappings=None,
        forecast_settings={"pert_factor": "2", "data_points_count": "12"},  # numbers as strings
        show_points="true",
    )
    del profile["description"], profile["created_at"]  # missing optional keys
    write_json(profile_path, profile)
    query_path = data_dir / QUERY / "query.json"
    write_json(query_path, {"name": "Same name", "jql_query": "project = X", "colour": "red"})
    stats_path = data_dir / QUERY / "project_data.json"
    stats = load(stats_path)
    stats["statistics"][0]["completed_items"] = "3"
    stats["project_scope"] = None
    write_json(stats_path, stats)
    (data_dir / "profiles" / "notes.txt").write_text("not JSON at all")
    (data_dir / "profiles" / "kafka" / "queries" / "empty").mkdir()
    (data_dir / "profiles" / "other").mkdir()
    (data_dir / "profiles" / "other" / "queries").mkdir()  # a profile folder with an empty queries/

    report = migrate_legacy(data_dir)
    backend = SQLiteBackend(db_of(data_dir))
    stored = backend.get_profile("kafka")
    assert stored is not None and stored["name"] == "Équipe Zürich 日本"
    assert stored["jira_config"] == {} and stored["show_points"] is True
    assert stored["forecast_settings"] == {"pert_factor": 2, "data_points_count": 12}
    names = sorted(q["name"] for q in backend.list_queries("kafka"))
    assert names == ["Same name", "Same name (2)"]
    assert backend.get_query("kafka", "12w")["colour"] == "red"  # type: ignore[index]
    assert backend.get_project_data("kafka", "12w")["statistics"][0]["completed_items"] == 3  # type: ignore[index]
    assert "other" not in {p["id"] for p in backend.list_profiles()}
    notes = "\n".join(report.notes)
    assert "profiles/notes.txt: not part of the legacy layout; ignored" in notes
    assert "empty query folder; ignored" in notes
    assert "duplicate query name 'Same name' renamed to 'Same name (2)'" in notes


# Choices the migration makes are said in its report ------------------------------------------------
def test_a_key_given_twice_in_the_registry_is_noted(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3, profiles=(("kafka", "Kafka"), ("spark", "Spark")))
    registry = data_dir / "profiles" / "profiles.json"
    text = registry.read_text(encoding="utf-8")
    # The old version (json.load) used the last of two equal keys; so does the migration.
    registry.write_text(
        text.replace(
            '"active_profile_id": "kafka"',
            '"active_profile_id": "kafka", "active_profile_id": "spark"',
        ),
        encoding="utf-8",
    )
    report = migrate_legacy(data_dir)
    assert (
        "profiles/profiles.json: active_profile_id: given twice; the last one is migrated, "
        "as the old version read it" in report.notes
    )
    assert SQLiteBackend(db_of(data_dir)).get_app_state("active_profile_id") == "spark"


def test_a_profile_listed_twice_in_an_old_registry_is_noted(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3)
    registry = data_dir / "profiles" / "profiles.json"
    old = load(registry)
    summary = old["profiles"]["kafka"]
    old["profiles"] = [summary, {**summary, "name": "Kafka (later)"}]  # the list-shaped registry
    write_json(registry, old)
    (data_dir / "profiles" / "kafka" / "profile.json").unlink()  # rebuilt from the registry
    report = migrate_legacy(data_dir)
    assert (
        "profiles/profiles.json: profiles[1]: profile 'kafka' is listed twice; the last entry "
        "is migrated, as the old version read it" in report.notes
    )
    assert SQLiteBackend(db_of(data_dir)).get_profile("kafka")["name"] == "Kafka (later)"  # type: ignore[index]


def test_a_profile_json_naming_another_id_is_noted(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3)
    _edit("profiles/kafka/profile.json", lambda d: d.__setitem__("id", "spark"))(data_dir)
    report = migrate_legacy(data_dir)
    assert (
        "profiles/kafka/profile.json: id: says 'spark', but the profile's folder is 'kafka'; "
        "migrated as 'kafka' (the old version found it by its folder)" in report.notes
    )
    assert [p["id"] for p in SQLiteBackend(db_of(data_dir)).list_profiles()] == ["kafka"]


def test_a_task_the_old_version_left_running_is_migrated_as_interrupted(data_dir: Path) -> None:
    from data.legacy.reader import LEGACY_INTERRUPTED

    write_legacy_tree(data_dir, issues=3)
    _edit(
        "task_progress.json",
        lambda d: d.update(status="running", progress_percent=45, message="Fetching page 3"),
    )(data_dir)
    report = migrate_legacy(data_dir)
    assert (
        "task_progress.json: task 'update_data' was left running at 45% by a process that is "
        "gone; migrated as interrupted" in report.notes
    )
    task = SQLiteBackend(db_of(data_dir)).get_task_progress("update_data")
    assert task is not None
    assert (task["status"], task["message"], task["progress_percent"]) == (
        "failed",
        LEGACY_INTERRUPTED,
        45,
    )
    assert task["details"]["legacy_status"] == "running"
    assert task["details"]["legacy_message"] == "Fetching page 3"  # nothing lost


def test_week_labels_without_w_become_iso_weeks(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3)
    _edit(
        f"{QUERY}/metrics_snapshots.json",
        lambda d: d.__setitem__("2025-46", {"flow_velocity": {"value": 9}}),
    )(data_dir)
    report = migrate_legacy(data_dir)
    assert f"{QUERY.as_posix()}/metrics_snapshots.json: 2025-46: stored as ISO week '2025-W46'" in (
        report.notes
    )
    weeks = {
        s["snapshot_date"]
        for s in SQLiteBackend(db_of(data_dir)).get_metrics_snapshots("kafka", "12w")
    }
    assert weeks == {"2025-W44", "2025-W45", "2025-W46"}


def test_deep_nesting_is_one_error_line_naming_the_file(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3)
    _nest_fix_versions(data_dir / QUERY / "jira_cache.json", 200_000)
    result = CliRunner().invoke(cli, ["migrate-json", str(data_dir)])
    assert result.exit_code == 1
    # Progress lines, then the one sentence.
    assert result.stderr.splitlines()[-1] == (
        "Error: profiles/kafka/queries/12w/jira_cache.json: is nested too deeply to read (lists "
        "or objects inside each other more than 200 levels deep); restore it from a backup or "
        "remove it"
    )
    assert "Traceback" not in result.output and result.stdout == ""
    assert SQLiteBackend(db_of(data_dir)).list_profiles() == []


def test_json_storage_reports_a_too_deep_file_in_one_sentence(data_dir: Path) -> None:
    from data.errors import LegacyDataError
    from data.store.json_backend import JSONBackend

    write_legacy_tree(data_dir, issues=3)
    _nest_fix_versions(data_dir / QUERY / "jira_cache.json", 200_000)
    with pytest.raises(LegacyDataError) as caught:
        JSONBackend(data_dir).get_jira_cache("kafka", "12w", "hash-12w")
    assert str(caught.value).startswith(
        "profiles/kafka/queries/12w/jira_cache.json: is nested too deeply to read"
    )


# Malformed files: refused, nothing written, nothing touched ------------------------------------------
def _truncate(path: Path) -> None:
    path.write_bytes(path.read_bytes()[: len(path.read_bytes()) // 2])


def _edit(relative: str, change: Any) -> Any:
    def apply(root: Path) -> None:
        path = root / relative
        data = load(path)
        change(data)
        write_json(path, data)

    return apply


def _set_issue(index: int, key: str, value: Any) -> Any:
    return _edit(f"{QUERY}/jira_cache.json", lambda d: d["issues"][index].__setitem__(key, value))


MALFORMED = {
    "truncated cache": (
        lambda root: _truncate(root / QUERY / "jira_cache.json"),
        "profiles/kafka/queries/12w/jira_cache.json: is not valid JSON",
    ),
    "truncated registry": (
        lambda root: _truncate(root / "profiles" / "profiles.json"),
        "profiles/profiles.json: is not valid JSON",
    ),
    "null fields at depth": (
        _set_issue(41, "fields", None),
        "profiles/kafka/queries/12w/jira_cache.json: issues[41].fields: expected an object",
    ),
    "wrong type at depth": (
        _set_issue(3, "fields", ["not", "an", "object"]),
        "profiles/kafka/queries/12w/jira_cache.json: issues[3].fields: expected an object",
    ),
    "issue without a key": (
        _set_issue(2, "key", None),
        "jira_cache.json: issues[2].key: expected a string, got null",
    ),
    "issue without a creation date": (
        _edit(f"{QUERY}/jira_cache.json", lambda d: d["issues"][0]["fields"].pop("created")),
        "jira_cache.json: issues[0].fields.created: missing",
    ),
    "points that are no number": (
        _edit(
            f"{QUERY}/jira_cache.json",
            lambda d: d["issues"][1]["fields"].__setitem__("customfield_10002", "big"),
        ),
        "jira_cache.json: issues[1].fields.customfield_10002: expected a number of story points, got 'big'",
    ),
    "issues not a list": (
        _edit(f"{QUERY}/jira_cache.json", lambda d: d.__setitem__("issues", {"a": 1})),
        "jira_cache.json: issues: expected a list, got an object",
    ),
    "query without jql": (
        _edit(f"{QUERY}/query.json", lambda d: d.pop("jql")),
        "profiles/kafka/queries/12w/query.json: jql: missing",
    ),
    "profile document of the wrong type": (
        _edit("profiles/kafka/profile.json", lambda d: d.__setitem__("jira_config", "https://x")),
        "profiles/kafka/profile.json: jira_config: expected an object, got a string",
    ),
    "pert factor that is no number": (
        _edit(
            "profiles/kafka/profile.json",
            lambda d: d["forecast_settings"].__setitem__("pert_factor", "high"),
        ),
        "profile.json: forecast_settings.pert_factor: expected a number, got 'high'",
    ),
    "statistics number that is no number": (
        _edit(
            f"{QUERY}/project_data.json",
            lambda d: d["statistics"][1].__setitem__("created_items", "lots"),
        ),
        "project_data.json: statistics[1].created_items: expected a number, got 'lots'",
    ),
    "statistics row without a date": (
        _edit(f"{QUERY}/project_data.json", lambda d: d["statistics"][2].pop("date")),
        "project_data.json: statistics[2].date: missing",
    ),
    "null statistics row": (
        _edit(f"{QUERY}/project_data.json", lambda d: d["statistics"].__setitem__(0, None)),
        "project_data.json: statistics[0]: expected an object, got null",
    ),
    "changelog histories not a list": (
        _edit(
            f"{QUERY}/jira_changelog_cache.json",
            lambda d: d["KAFKA-1"]["changelog"].__setitem__("histories", "x"),
        ),
        "jira_changelog_cache.json: KAFKA-1.changelog.histories: expected a list, got a string",
    ),
    "changelog history without a date": (
        _edit(
            f"{QUERY}/jira_changelog_cache.json",
            lambda d: d["KAFKA-2"]["changelog"]["histories"][0].pop("created"),
        ),
        "jira_changelog_cache.json: KAFKA-2.changelog.histories[0].created: missing",
    ),
    "snapshot week that is a date": (
        _edit(
            f"{QUERY}/metrics_snapshots.json", lambda d: d.__setitem__("2025-11-03", {"flow": {}})
        ),
        "metrics_snapshots.json: 2025-11-03: '2025-11-03' is not an ISO week key",
    ),
    "snapshot week that is null": (
        _edit(f"{QUERY}/metrics_snapshots.json", lambda d: d.__setitem__("2025-W46", None)),
        "metrics_snapshots.json: 2025-W46: expected an object, got null",
    ),
    "task progress with an unknown status": (
        _edit("task_progress.json", lambda d: d.__setitem__("status", "half-done")),
        "task_progress.json: 'half-done' is not a task status",
    ),
    "registry that is a list": (
        lambda root: write_json(root / "profiles" / "profiles.json", [1, 2]),
        "profiles/profiles.json: expected an object, got a list",
    ),
    # Wrong types at nested paths, each of which used to migrate and lose or garble data.
    "history items that are a string": (
        _edit(
            f"{QUERY}/jira_changelog_cache.json",
            lambda d: d["KAFKA-1"]["changelog"]["histories"][0].__setitem__("items", "x"),
        ),
        "jira_changelog_cache.json: KAFKA-1.changelog.histories[0].items: expected a list, "
        "got a string",
    ),
    "history date that is a number": (
        _edit(
            f"{QUERY}/jira_changelog_cache.json",
            lambda d: d["KAFKA-1"]["changelog"]["histories"][0].__setitem__("created", 12345),
        ),
        "jira_changelog_cache.json: KAFKA-1.changelog.histories[0].created: expected a string, "
        "got a number",
    ),
    "status name that is a list": (
        _edit(
            f"{QUERY}/jira_cache.json",
            lambda d: d["issues"][5]["fields"]["status"].__setitem__("name", [1]),
        ),
        "jira_cache.json: issues[5].fields.status.name: expected a string, got a list",
    ),
    "snapshot value that is an object": (
        _edit(
            f"{QUERY}/metrics_snapshots.json",
            lambda d: d["2025-W44"].__setitem__("flow_velocity", {"value": {"x": 1}}),
        ),
        "metrics_snapshots.json: 2025-W44.flow_velocity.value: expected a number, a string, "
        "a boolean or null, got an object",
    ),
    "registry listing bare profile ids": (
        _edit("profiles/profiles.json", lambda d: d.__setitem__("profiles", ["kafka"])),
        "profiles/profiles.json: profiles[0]: expected an object, got a string",
    ),
    "fix versions nested 200,000 levels deep": (
        lambda root: _nest_fix_versions(root / QUERY / "jira_cache.json", 200_000),
        "profiles/kafka/queries/12w/jira_cache.json: is nested too deeply to read",
    ),
}


def _nest_fix_versions(path: Path, depth: int) -> None:
    # Written as text: json.dumps itself cannot go that deep.
    text = path.read_text(encoding="utf-8")
    deep = '"fixVersions": ' + "[" * depth + "]" * depth
    path.write_text(text.replace('"fixVersions": []', deep, 1), encoding="utf-8")


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_files_are_refused_and_nothing_changes(data_dir: Path, case: str) -> None:
    break_it, message = MALFORMED[case]
    write_legacy_tree(data_dir, issues=45)
    backend = SQLiteBackend(db_of(data_dir))
    backend.save_profile({"id": "existing", "name": "Already here"})
    break_it(data_dir)
    files_before = file_hashes(data_dir)
    db_before = database_dump(db_of(data_dir))

    dry = migrate_legacy(data_dir, dry_run=True)
    assert any(message in p for p in dry.problems), dry.problems
    with pytest.raises(LegacyMigrationError) as caught:
        migrate_legacy(data_dir)
    assert message in str(caught.value)

    assert database_dump(db_of(data_dir)) == db_before
    assert file_hashes(data_dir) == files_before


def test_every_problem_is_reported_not_just_the_first(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=5, queries=(("12w", "12 weeks"), ("bugs", "Bugs")))
    _edit("profiles/kafka/profile.json", lambda d: d.__setitem__("field_mappings", 7))(data_dir)
    _set_issue(1, "fields", None)(data_dir)
    _truncate(data_dir / QUERY / "project_data.json")
    bugs = "profiles/kafka/queries/bugs"
    _edit(f"{bugs}/query.json", lambda d: d.__setitem__("jql", 42))(data_dir)
    _edit(f"{bugs}/jira_cache.json", lambda d: d["issues"][0].__setitem__("key", ""))(data_dir)
    with pytest.raises(LegacyMigrationError) as caught:
        migrate_legacy(data_dir)
    assert sorted((p.file, p.json_path) for p in caught.value.problems) == [
        ("profiles/kafka/profile.json", "field_mappings"),
        ("profiles/kafka/queries/12w/jira_cache.json", "issues[1].fields"),
        ("profiles/kafka/queries/12w/project_data.json", ""),
        ("profiles/kafka/queries/bugs/jira_cache.json", "issues[0].key"),
        ("profiles/kafka/queries/bugs/query.json", "jql"),
    ]
    assert str(caught.value).endswith(
        "and 4 more problem(s) — nothing was migrated; a Dry run on the Data page or "
        "`flowcast migrate-json --dry-run` lists them all"
    )


def test_a_failed_content_check_rolls_everything_back(
    data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_legacy_tree(data_dir, issues=5)
    db = initialize_database(db_of(data_dir))
    before = database_dump(db)

    def disagree(conn: Any, legacy: Any) -> Any:
        raise MigrationCheckError("After migrating, profile 'kafka' differs; nothing was written.")

    monkeypatch.setattr(
        migration, "_check", disagree
    )  # a mismatch cannot be provoked with real files
    with pytest.raises(MigrationCheckError):
        migrate_legacy(data_dir)
    assert database_dump(db) == before


# Dry run, replace, CLI -------------------------------------------------------------------------------
def test_dry_run_counts_without_writing_or_backing_up(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=12, histories=3)
    report = migrate_legacy(data_dir, dry_run=True)
    assert report.dry_run and report.backup_dir is None
    assert report.totals()["issues"] == 12 and report.totals()["transitions"] == 12 * 2
    assert not db_of(data_dir).exists() and not (data_dir / "backups").exists()


def test_a_profile_already_in_the_database_needs_replace(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=4)
    migrate_legacy(data_dir)
    with pytest.raises(
        LegacyMigrationError,
        match=r"already in the database; delete it \(Settings → Profiles → Delete\), or run "
        "`flowcast migrate-json --replace`",
    ):
        migrate_legacy(data_dir)
    _edit("profiles/kafka/profile.json", lambda d: d.__setitem__("description", "newer"))(data_dir)
    report = migrate_legacy(data_dir, replace=True)
    assert report.totals()["issues"] == 4
    assert SQLiteBackend(db_of(data_dir)).get_profile("kafka")["description"] == "newer"  # type: ignore[index]


def test_cli_migrate_json_reports_and_fails_clearly(data_dir: Path, tmp_path: Path) -> None:
    legacy = write_legacy_tree(tmp_path / "old", issues=6)
    runner = CliRunner()
    result = runner.invoke(cli, ["migrate-json", str(legacy / "profiles"), "--dry-run", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["totals"]["issues"] == 6
    _set_issue(4, "fields", None)(legacy)
    result = runner.invoke(cli, ["migrate-json", str(legacy)])
    assert result.exit_code == 1
    assert (
        "Error: profiles/kafka/queries/12w/jira_cache.json: issues[4].fields: expected an object"
        in result.output
    )
    assert "Traceback" not in result.output


def test_the_commented_example_settings_drop_their_comment_keys(data_dir: Path) -> None:
    example = load(UPSTREAM / "app_settings.example.json")
    shutil.copy(UPSTREAM / "app_settings.example.json", data_dir / "app_settings.json")
    report = migrate_legacy(data_dir)
    profile = SQLiteBackend(db_of(data_dir)).get_profile("default")
    assert profile is not None

    def comment_keys(value: Any) -> list[str]:
        if isinstance(value, dict):
            return [k for k in value if k.startswith("_")] + [
                c for k, v in value.items() if not k.startswith("_") for c in comment_keys(v)
            ]
        return [c for v in value for c in comment_keys(v)] if isinstance(value, list) else []

    assert comment_keys(profile) == []  # nested ones too (jira_config._token_help …)
    comments = comment_keys(example)
    assert len(comments) > len([k for k in example if k.startswith("_")])
    assert f"{len(comments)} comment key(s) starting with '_' not migrated" in "\n".join(
        report.notes
    )
    # 1.5 is no whole number of weeks (Flowcast's PERT factor); the original is kept.
    assert example["pert_factor"] == 1.5
    assert profile["forecast_settings"]["pert_factor"] == 1
    assert profile["legacy_settings"]["forecast_settings"] == {"pert_factor": 1.5}


def test_a_truncated_profile_still_has_its_queries_checked(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=5)
    _truncate(data_dir / "profiles" / "kafka" / "profile.json")
    _set_issue(2, "fields", 3)(data_dir)
    report = migrate_legacy(data_dir, dry_run=True)
    assert [p.split(":")[0] for p in report.problems] == [
        "profiles/kafka/profile.json",
        "profiles/kafka/queries/12w/jira_cache.json",
    ]


def test_retried_failing_migrations_share_one_backup(data_dir: Path) -> None:
    write_legacy_tree(data_dir, issues=3)
    _set_issue(0, "fields", None)(data_dir)
    for _ in range(3):
        with pytest.raises(LegacyMigrationError):
            migrate_legacy(data_dir)
    assert len(list((data_dir / "backups").iterdir())) == 1
    _set_issue(0, "fields", jira_issue(1)["fields"])(data_dir)  # fixed: the files changed
    report = migrate_legacy(data_dir)
    assert len(list((data_dir / "backups").iterdir())) == 2
    assert file_hashes(Path(report.backup_dir or "")) == file_hashes(data_dir)

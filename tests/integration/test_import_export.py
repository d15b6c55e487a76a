"""Profile export/import (folder and zip) and the legacy-layout export, as round trips."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from data.db.connection import get_db_connection
from data.errors import ConflictError, NotFoundError, ValidationError
from data.jobs import INTERRUPTED
from data.legacy.migration import migrate_legacy
from data.ops.transfer import FORMAT_VERSION, export_legacy, export_profile, import_profile
from data.store.sqlite_backend import SQLiteBackend
from tests.legacy_tree import write_legacy_tree


@pytest.fixture
def migrated(data_dir: Path, tmp_path: Path) -> SQLiteBackend:
    """A database holding the legacy tree's profile 'kafka' (2 queries, issues, snapshots …)."""
    write_legacy_tree(
        tmp_path / "old", issues=15, histories=5, queries=(("12w", "12 weeks"), ("bugs", "Bugs"))
    )
    migrate_legacy(tmp_path / "old")
    backend = SQLiteBackend(data_dir / "profiles" / "burndown.db")
    backend.save_metrics_snapshot(
        "kafka", "bugs", "2025-W46", "forecast", {"p50": 3}, {"date": "x"}
    )
    return backend


def issue_store(db: Path, profile_id: str) -> dict[str, Any]:
    with get_db_connection(db) as conn:
        issues = [
            tuple(r)[1:]
            for r in conn.execute(
                "SELECT profile_id, issue_key, issue_id, summary, status, created, points, json(fields), "
                "changelog_total FROM issues WHERE profile_id = ? ORDER BY issue_key",
                (profile_id,),
            )
        ]
        transitions = [
            tuple(r)
            for r in conn.execute(
                "SELECT issue_key, seq, changed_at, from_status, to_status, history_id FROM "
                "issue_transitions WHERE profile_id = ? ORDER BY issue_key, seq",
                (profile_id,),
            )
        ]
        members = [
            tuple(r)
            for r in conn.execute(
                "SELECT query_id, issue_key FROM query_issues WHERE profile_id = ? ORDER BY 1, 2",
                (profile_id,),
            )
        ]
    return {"issues": issues, "transitions": transitions, "members": members}


def profile_content(backend: SQLiteBackend, profile_id: str) -> dict[str, Any]:
    profile = backend.get_profile(profile_id)
    assert profile is not None
    content: dict[str, Any] = {
        "profile": {k: v for k, v in profile.items() if k not in ("id", "name")},
        "queries": {},
    }
    for query in backend.list_queries(profile_id):
        qid = query["id"]
        content["queries"][qid] = {
            "query": {k: v for k, v in query.items() if k != "profile_id"},
            "statistics": backend.get_project_data(profile_id, qid),
            "snapshots": backend.get_metrics_snapshots(profile_id, qid),
        }
    return content


@pytest.mark.parametrize("dest_name", ["kafka-export", "kafka-export.zip"])
def test_export_then_import_restores_the_profile_completely(
    migrated: SQLiteBackend, tmp_path: Path, dest_name: str
) -> None:
    path = export_profile("kafka", tmp_path / dest_name, include_token=True)
    assert path == tmp_path / dest_name and path.exists()
    new_id = import_profile(path)
    assert new_id != "kafka"
    restored = migrated.get_profile(new_id)
    assert restored is not None and restored["name"] == "Apache Kafka (2)"
    assert profile_content(migrated, new_id) == profile_content(migrated, "kafka")
    db = migrated.db_path
    assert issue_store(db, new_id) == issue_store(db, "kafka")
    assert (
        len(issue_store(db, new_id)["transitions"]) == 15 * 3
    )  # 5 histories → 3 status changes each


def test_the_token_stays_out_unless_asked_for(migrated: SQLiteBackend, tmp_path: Path) -> None:
    path = export_profile("kafka", tmp_path / "plain.zip")
    with zipfile.ZipFile(path) as archive:
        blob = b"".join(archive.read(n) for n in archive.namelist())
        manifest = json.loads(archive.read("manifest.json"))
    assert b"secret-token" not in blob
    assert manifest["format_version"] == FORMAT_VERSION and manifest["token_included"] is False
    assert manifest["counts"]["issues"] == 15
    new_id = import_profile(path, "Kafka without token")
    restored = migrated.get_profile(new_id)
    assert restored is not None and "token" not in restored["jira_config"]
    assert restored["jira_config"]["base_url"] == "https://jira.example.com"


def test_import_refuses_a_newer_format_and_writes_nothing(
    migrated: SQLiteBackend, tmp_path: Path
) -> None:
    path = export_profile("kafka", tmp_path / "exp")
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["format_version"] = FORMAT_VERSION + 1
    (path / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(
        ValidationError, match=r"written by a newer Flowcast \(export format 2.*upgrade Flowcast"
    ):
        import_profile(path)
    assert [p["id"] for p in migrated.list_profiles()] == ["kafka"]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda d: d["members"].__setitem__("12w", ["NOPE-1"]),
            "names issue 'NOPE-1' that is not in the export",
        ),
        (
            lambda d: d["issues"][3].__setitem__("created", None),
            r"issues\[3\].created: expected a string",
        ),
        (
            lambda d: d["issues"][0].__setitem__("points", "5"),
            r"issues\[0\].points: expected a number",
        ),
        (
            lambda d: d["transitions"].__setitem__("KAFKA-1", [["x"]]),
            r"transitions.KAFKA-1\[0\]: expected",
        ),
    ],
)
def test_a_damaged_export_is_refused_before_anything_is_written(
    migrated: SQLiteBackend, tmp_path: Path, damage: Any, message: str
) -> None:
    path = export_profile("kafka", tmp_path / "exp")
    issues = json.loads((path / "issues.json").read_text())
    damage(issues)
    (path / "issues.json").write_text(json.dumps(issues))
    with pytest.raises(ValidationError, match=message):
        import_profile(path)
    assert [p["id"] for p in migrated.list_profiles()] == ["kafka"]
    with get_db_connection(migrated.db_path) as conn:
        assert (
            conn.execute("SELECT COUNT(*) FROM issues WHERE profile_id != 'kafka'").fetchone()[0]
            == 0
        )


def test_import_of_something_else_says_what_to_pass(
    migrated: SQLiteBackend, tmp_path: Path
) -> None:
    (tmp_path / "random").mkdir()
    (tmp_path / "random" / "a.json").write_text("{}")
    with pytest.raises(
        ValidationError,
        match="is not a Flowcast profile export.*Export profile on the Data page or by "
        "`flowcast export --profile`",
    ):
        import_profile(tmp_path / "random")
    (tmp_path / "x.zip").write_text("not a zip")
    with pytest.raises(ValidationError, match="is not a zip file"):
        import_profile(tmp_path / "x.zip")


def test_an_explicit_name_in_use_is_a_conflict(migrated: SQLiteBackend, tmp_path: Path) -> None:
    path = export_profile("kafka", tmp_path / "exp")
    with pytest.raises(ConflictError, match="A profile named 'Apache Kafka' already exists"):
        import_profile(path, "Apache Kafka")


def test_export_never_overwrites_and_needs_a_known_profile(
    migrated: SQLiteBackend, tmp_path: Path
) -> None:
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "keep.txt").write_text("mine")
    with pytest.raises(ConflictError, match="already exists"):
        export_profile("kafka", tmp_path / "full")
    assert (tmp_path / "full" / "keep.txt").read_text() == "mine"
    with pytest.raises(NotFoundError, match="No profile 'ghost'"):
        export_profile("ghost", tmp_path / "ghost")
    assert not (tmp_path / "ghost").exists()


# Legacy layout -----------------------------------------------------------------------------------------
def test_legacy_export_migrates_back_to_the_same_data(
    migrated: SQLiteBackend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    migrated.set_app_state("theme", {"dark": True})
    migrated.save_task_progress("sync", 40, "running", "Fetching", {"page": 2})
    counts = export_legacy(tmp_path / "rollback", include_token=True)
    assert counts["profiles"] == 1 and counts["queries"] == 2 and counts["changelog_entries"] == 30

    second = tmp_path / "second"
    second.mkdir()
    monkeypatch.setenv("FLOWCAST_DATA_DIR", str(second))
    migrate_legacy(tmp_path / "rollback")
    again = SQLiteBackend(second / "profiles" / "burndown.db")
    assert profile_content(again, "kafka") == profile_content(migrated, "kafka")
    assert issue_store(again.db_path, "kafka") == issue_store(migrated.db_path, "kafka")
    assert again.get_app_state("theme") == {"dark": True}
    assert again.get_app_state("active_query_id") == migrated.get_app_state("active_query_id")
    # The "running" record no process holds goes out as every page shows it: interrupted.
    original_task = migrated.get_task_progress("sync")
    assert original_task is not None
    assert (original_task["status"], original_task["message"]) == ("failed", INTERRUPTED)
    assert again.get_task_progress("sync") == original_task


def test_legacy_export_leaves_the_token_out_unless_asked(
    migrated: SQLiteBackend, tmp_path: Path
) -> None:
    def files_with_token(root: Path) -> list[str]:
        return sorted(
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and b"secret-token" in p.read_bytes()
        )

    result = CliRunner().invoke(cli, ["export", "--format", "legacy", str(tmp_path / "plain")])
    assert result.exit_code == 0, result.output
    assert "The JIRA token is not included" in result.output
    assert files_with_token(tmp_path / "plain") == []
    written = json.loads((tmp_path / "plain/profiles/kafka/profile.json").read_text())
    assert written["jira_config"] == {
        "base_url": "https://jira.example.com",
        "api_version": "v2",
        "points_field": "customfield_10002",
    }

    result = CliRunner().invoke(
        cli, ["export", "--format", "legacy", str(tmp_path / "full"), "--include-token"]
    )
    assert result.exit_code == 0, result.output
    assert files_with_token(tmp_path / "full") == ["profiles/kafka/profile.json"]


def test_legacy_export_refuses_to_overwrite_without_force(
    migrated: SQLiteBackend, tmp_path: Path
) -> None:
    export_legacy(tmp_path / "rollback")
    with pytest.raises(ConflictError, match="already holds legacy files"):
        export_legacy(tmp_path / "rollback")
    assert export_legacy(tmp_path / "rollback", force=True)["profiles"] == 1


def test_cli_export_and_import(migrated: SQLiteBackend, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["export", "--profile", "Apache Kafka", str(tmp_path / "k.zip")])
    assert result.exit_code == 0, result.output
    assert "token is not included" in result.output
    result = runner.invoke(cli, ["import", str(tmp_path / "k.zip"), "--name", "Copy", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"profile_id": "copy"}  # 'kafka' is taken: id from the name
    assert migrated.get_profile("copy")["name"] == "Copy"  # type: ignore[index]
    result = runner.invoke(cli, ["export", str(tmp_path / "nope")])
    assert result.exit_code == 1 and "--profile" in result.output
    result = runner.invoke(
        cli, ["export", "--format", "legacy", str(tmp_path / "legacy"), "--json"]
    )
    assert result.exit_code == 0 and json.loads(result.output)["profiles"] == 2


def test_legacy_export_stops_before_writing_on_a_name_clash(
    migrated: SQLiteBackend, tmp_path: Path
) -> None:
    from data.store.json_backend import JSONBackend

    target = JSONBackend(tmp_path / "rollback")
    target.save_profile({"id": "other", "name": "Apache Kafka"})
    before = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "rollback").rglob("*"))
    with pytest.raises(ConflictError, match="another legacy profile named 'Apache Kafka'"):
        export_legacy(tmp_path / "rollback", force=True)
    after = sorted(p.relative_to(tmp_path).as_posix() for p in (tmp_path / "rollback").rglob("*"))
    assert after == before

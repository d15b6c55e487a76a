"""The file tools on a team database (issue 14): with FLOWCAST_DATABASE_URL set, `flowcast
verify` checks the team database (schema version and checksums, tables, columns and indexes,
foreign keys, consistency), `export`/`import` move a profile out of and into it, and `backup`,
`restore` and `migrate-json`, which only work on the local SQLite file, refuse in one sentence
naming what to use instead — none of them creates a SQLite file nobody would read.
(`db stats`, a sound `verify` and `audit` on both engines: tests/integration/test_safety_cli.py.)"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner, Result

from cli.main import cli
from data.db.postgres import DATABASE_URL_ENV
from data.jira import sync as jira_sync
from data.store import set_backend
from data.store.postgres_backend import PostgresBackend
from fakejira import FakeJira
from tests.integration.jira_support import make_profile

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@dataclass(frozen=True)
class Team:
    url: str
    profile_id: str


@pytest.fixture
def team(postgres_backend: PostgresBackend, monkeypatch: pytest.MonkeyPatch) -> Team:
    """The team database as every command's store, holding a query synced from the fake JIRA."""
    monkeypatch.setenv(DATABASE_URL_ENV, postgres_backend.url)
    set_backend(postgres_backend)
    with FakeJira("cloud", issues=30, seed=4, now=NOW) as fake:
        profile_id, query_id = make_profile(fake)
        jira_sync.sync(profile_id, query_id)
    return Team(postgres_backend.url, profile_id)


def no_sqlite_file(data_dir: Path) -> bool:
    return not (data_dir / "profiles" / "burndown.db").exists()


def test_verify_lists_what_is_wrong_with_a_team_database(team: Team, data_dir) -> None:
    assert run("verify").exit_code == 0
    with psycopg.connect(team.url, autocommit=True) as pg:
        pg.execute("UPDATE schema_version SET checksum = 'edited' WHERE version = 2")
    edited = run("verify", "--json")
    assert edited.exit_code == 1
    (problem,) = json.loads(edited.output)["errors"]
    assert problem.startswith("Migration 0002 (") and "changed after it was applied" in problem
    with psycopg.connect(team.url, autocommit=True) as pg:
        pg.execute("UPDATE schema_version SET checksum = %s WHERE version = 2", (checksum(2),))
        pg.execute("ALTER TABLE issue_transitions DROP CONSTRAINT "
                   "issue_transitions_profile_id_issue_key_fkey")  # fmt: skip
        pg.execute("CREATE INDEX idx_by_hand ON issues (summary)")
        pg.execute(
            "DELETE FROM issue_transitions WHERE seq = 0 AND issue_key = (SELECT min(issue_key) "
            "FROM issue_transitions WHERE seq = 1)"
        )
    broken = run("verify")
    assert broken.exit_code == 1
    assert "4 problem(s) found" in broken.output, broken.output
    assert "schema: index idx_by_hand is not part of schema version" in broken.output
    assert (
        "foreign key: issue_transitions to issues is missing; restore a backup (pg_dump)"
        in broken.output
    )
    assert "transition sequence with gaps" in broken.output
    # The deleted row is still in its issue's packed transitions, which the metrics read.
    assert "issue whose packed transitions differ in number from its transition rows" in (
        broken.output
    )
    with psycopg.connect(team.url, autocommit=True) as pg:  # a key made by hand is named too
        pg.execute("ALTER TABLE issues ADD CONSTRAINT by_hand FOREIGN KEY (profile_id) "
                   "REFERENCES profiles (id) NOT VALID")  # fmt: skip
    extra = run("verify")
    assert "foreign key: issues to profiles is not part of schema version" in extra.output
    assert "foreign key: by_hand of issues (to profiles) is not validated" in extra.output
    assert no_sqlite_file(data_dir)


def checksum(version: int) -> str:
    from data.db.schema import all_migrations

    (migration,) = [m for m in all_migrations() if m.version == version]
    return migration.checksum_for("postgresql")


def test_a_profile_goes_out_of_and_back_into_a_team_database(
    team: Team, tmp_path: Path, data_dir: Path
) -> None:
    exported = run("export", "--profile", team.profile_id, str(tmp_path / "p.zip"))
    assert exported.exit_code == 0, exported.output
    imported = run("import", str(tmp_path / "p.zip"), "--name", "Copy", "--json")
    assert imported.exit_code == 0, imported.output
    copy_id = json.loads(imported.output)["profile_id"]
    with psycopg.connect(team.url) as pg:
        counts = dict(
            pg.execute("SELECT profile_id, count(*) FROM issues GROUP BY profile_id").fetchall()
        )
        transitions = dict(
            pg.execute(
                "SELECT profile_id, count(*) FROM issue_transitions GROUP BY profile_id"
            ).fetchall()
        )
    assert counts == {team.profile_id: 30, copy_id: 30}
    assert transitions[copy_id] == transitions[team.profile_id] > 30
    assert no_sqlite_file(data_dir)


@pytest.mark.parametrize(
    ("args", "instead"),
    [
        (("backup",), "back it up with pg_dump"),
        (("restore", "old.db"), "restore a pg_dump of it with pg_restore"),  # before asking
        (("migrate-json",), "then move that into an empty team database with `flowcast db copy"),
    ],
)
def test_the_sqlite_file_tools_refuse_a_team_database_in_one_sentence(
    team: Team, data_dir: Path, args: tuple[str, ...], instead: str
) -> None:
    result = run(*args)
    assert result.exit_code == 1
    message = result.output.strip()
    assert message.startswith("Error: ") and message.count(". ") == 0, message
    assert "works on the local SQLite file, not on the team database (database " in message
    assert instead in message
    assert no_sqlite_file(data_dir)

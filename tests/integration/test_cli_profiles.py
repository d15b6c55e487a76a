"""`flowcast profile …` / `flowcast query …` / `doctor` / `db`: scripted like a user would."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from cli.main import cli


def run(*args: str, env: dict[str, str] | None = None, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), env=env, input=input, catch_exceptions=False)
    return result.exit_code, result.output


def test_profile_and_query_lifecycle(data_dir: Path) -> None:
    code, out = run(
        "profile", "create", "Kafka Team", "--jira-url", "https://acme.atlassian.net/", "--json"
    )
    assert code == 0 and json.loads(out) == {"id": "kafka-team"}
    assert (
        run("query", "create", "--profile", "Kafka Team", "12 weeks", "--jql", "project = KAFKA")[0]
        == 0
    )
    code, out = run("query", "list", "--profile", "kafka-team", "--json")
    queries = json.loads(out)
    assert [(q["id"], q["name"], q["jql"]) for q in queries] == [
        ("12-weeks", "12 weeks", "project = KAFKA")
    ]
    assert (
        run("query", "update", "--profile", "kafka-team", "12-weeks", "--jql", "project = K2")[0]
        == 0
    )
    assert (
        json.loads(run("query", "list", "--profile", "kafka-team", "--json")[1])[0]["jql"]
        == "project = K2"
    )
    assert run("profile", "rename", "kafka-team", "Kafka")[0] == 0
    profiles = json.loads(run("profile", "list", "--json")[1])
    assert [(p["id"], p["name"], p["jira_config"]["base_url"]) for p in profiles] == [
        ("kafka-team", "Kafka", "https://acme.atlassian.net")
    ]
    assert run("query", "delete", "--profile", "kafka-team", "12-weeks", "--yes")[0] == 0
    assert json.loads(run("query", "list", "--profile", "kafka-team", "--json")[1]) == []
    assert run("profile", "delete", "Kafka", "--yes")[0] == 0
    assert json.loads(run("profile", "list", "--json")[1]) == []


def test_token_comes_from_the_environment_and_is_never_printed(data_dir: Path) -> None:
    code, _ = run(
        "profile",
        "create",
        "P",
        "--jira-url",
        "https://j.example.com",
        "--token-env",
        "MY_TOKEN",
        env={"MY_TOKEN": "s3cret-value"},
    )
    assert code == 0
    for args in (
        ("profile", "show", "P", "--json"),
        ("profile", "show", "P"),
        ("profile", "list", "--json"),
    ):
        out = run(*args)[1]
        assert "s3cret-value" not in out
    assert json.loads(run("profile", "show", "P", "--json")[1])["jira_config"]["token"] == "***"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("profile", "show", "nope"),
            "Error: No profile 'nope'; run `flowcast profile list` to see them.",
        ),
        (("profile", "create", "  "), "Error: A profile needs a name; enter a non-empty name."),
        (("profile", "create", "X", "--jira-url", "acme"), "Error: 'acme' is not a JIRA URL"),
        (
            ("profile", "create", "X", "--token-env", "UNSET_VAR_XYZ"),
            "Error: The environment variable UNSET_VAR_XYZ is empty or unset",
        ),
        (("query", "list", "--profile", "nope"), "Error: No profile 'nope'"),
    ],
)
def test_bad_input_gets_one_clear_line(data_dir: Path, args: tuple[str, ...], message: str) -> None:
    code, out = run(*args)
    assert code == 1
    assert out.strip().startswith(message)
    assert "Traceback" not in out and len(out.strip().splitlines()) == 1


def test_an_unknown_query_names_the_command_that_lists_the_profile_s_queries(
    data_dir: Path,
) -> None:
    run("profile", "create", "Team")
    code, out = run("query", "update", "--profile", "team", "nope", "--name", "X")
    assert code == 1
    assert out == (
        "Error: No query 'nope' in profile 'team'; run `flowcast query list --profile team` "
        "to see them.\n"
    )


def test_duplicate_names_are_refused(data_dir: Path) -> None:
    run("profile", "create", "Team")
    assert run("profile", "create", "team") == (
        1,
        "Error: A profile named 'team' already exists; choose another name.\n",
    )
    run("query", "create", "--profile", "team", "Q", "--jql", "project = A")
    code, out = run("query", "create", "--profile", "team", "q", "--jql", "project = B")
    assert code == 1 and "already has a query named 'q'" in out


def test_doctor_names_the_team_database_and_whether_it_answers(
    tmp_path: Path, postgres_url: str
) -> None:
    exe = Path(sys.executable).with_name("flowcast")
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(tmp_path), "FLOWCAST_DATABASE_URL": postgres_url}
    doctor = json.loads(
        subprocess.run(
            [exe, "doctor", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    name = urlsplit(postgres_url).path.strip("/")
    assert doctor["database"].startswith(f"PostgreSQL database {name} on ")
    assert doctor["database_answers"] is True and "database_exists" not in doctor
    assert int(doctor["postgresql"].split(".")[0]) >= 15
    assert not (tmp_path / "profiles").exists()  # no SQLite file made on the side
    # Nothing listens on port 1: doctor still prints, says so, and never shows the password.
    env["FLOWCAST_DATABASE_URL"] = "postgresql://ada:s3cret-pw@127.0.0.1:1/flowcast"
    result = subprocess.run([exe, "doctor"], env=env, capture_output=True, text=True, check=True)
    assert "PostgreSQL database flowcast on 127.0.0.1:1" in result.stdout
    assert "database_answers False" in " ".join(result.stdout.split())
    assert "refused the connection" in result.stdout
    assert "s3cret-pw" not in result.stdout + result.stderr


def test_console_script_doctor_and_db_status(tmp_path: Path) -> None:
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(tmp_path)}
    exe = Path(sys.executable).with_name("flowcast")
    doctor = json.loads(
        subprocess.run(
            [exe, "doctor", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert doctor["sqlite_ok"] is True
    assert tuple(int(x) for x in doctor["sqlite"].split(".")[:2]) >= (3, 45)
    assert doctor["database"] == str(tmp_path / "profiles" / "burndown.db")
    status = json.loads(
        subprocess.run(
            [exe, "db", "status", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert {m["state"] for m in status["migrations"]} == {"pending"}  # status never migrates
    subprocess.run([exe, "db", "migrate"], env=env, check=True, capture_output=True)
    status = json.loads(
        subprocess.run(
            [exe, "db", "status", "--json"], env=env, capture_output=True, text=True, check=True
        ).stdout
    )
    assert {m["state"] for m in status["migrations"]} == {"applied"}
    out = subprocess.run(
        [exe, "db", "downgrade", "0"], env=env, check=True, capture_output=True, text=True
    ).stdout
    assert out.startswith("Undid")

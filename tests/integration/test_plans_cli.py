"""`flowcast plan …` and `flowcast settings …`, scripted like a user would."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from cli.main import cli
from cli.plans import parse_where
from data.errors import ValidationError
from tests.integration.plans_support import make_query, plan_document


def run(*args: str, input: str | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)
    return result.exit_code, result.output


def run_json(*args: str, input: str | None = None) -> Any:
    code, out = run(*args, "--json", input=input)
    assert code == 0, out
    return json.loads(out)


@pytest.fixture
def plan_file(tmp_path: Path, backend: object) -> Path:
    make_query()
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(plan_document()))
    return path


def test_plan_lifecycle(plan_file: Path, tmp_path: Path) -> None:
    created = run_json(
        "plan",
        "create",
        "Release 2.0",
        "--profile",
        "Demo",
        "--query",
        "main",
        "--file",
        str(plan_file),
    )
    assert created == {"id": "release-2-0", "version": 1}
    changed = tmp_path / "v2.json"
    changed.write_text(json.dumps(plan_document(status="active")))
    assert run_json("plan", "update", "release-2-0", "--file", str(changed), "--summary", "go") == {
        "plan_id": "release-2-0",
        "version": 2,
    }
    assert run_json("plan", "update", "release-2-0", "--file", str(changed))["version"] is None
    assert run_json("plan", "show", "release-2-0")["data"]["status"] == "active"
    assert run_json("plan", "show", "release-2-0", "--version", "1")["data"]["status"] == "planned"
    assert [h["version"] for h in run_json("plan", "history", "release-2-0")] == [2, 1]
    assert run_json("plan", "diff", "release-2-0", "1", "2") == [
        {"path": "$.status", "change": "changed", "old": "planned", "new": "active"}
    ]
    assert run_json("plan", "submit", "release-2-0")["version_status"] == "submitted"
    assert (
        run_json("plan", "approve", "release-2-0", "--notes", "ok")["version_status"] == "approved"
    )
    assert run_json("plan", "revise", "release-2-0")["version"] == 3
    assert [v["version"] for v in run_json("plan", "lineage", "release-2-0")] == [3, 2, 1]
    assert run_json("plan", "rollback", "release-2-0", "1")["version"] == 4
    assert [p["id"] for p in run_json("plan", "search", "--where", "status=planned")] == [
        "release-2-0"
    ]
    assert run_json("plan", "search", "--where", 'type in ["sprint"]') == []
    assert run_json("plan", "delete", "release-2-0") == {"id": "release-2-0", "is_deleted": True}
    assert run_json("plan", "list", "--profile", "demo") == []
    assert run_json("plan", "restore", "release-2-0") == {"id": "release-2-0", "is_deleted": False}
    assert [
        p["baseline_version"]
        for p in run_json("plan", "list", "--profile", "demo", "--query", "Main")
    ] == [2]


def test_plain_text_output(plan_file: Path) -> None:
    run(
        "plan",
        "create",
        "Release 2.0",
        "--profile",
        "demo",
        "--query",
        "main",
        "--file",
        str(plan_file),
    )
    code, out = run("plan", "list", "--profile", "demo")
    assert code == 0 and "release-2-0" in out and "draft" in out
    code, out = run("plan", "diff", "release-2-0", "1", "1")
    assert out.strip() == "No differences."
    code, out = run("plan", "submit", "release-2-0")
    assert out.strip() == "Plan release-2-0 version 1 is now submitted"


def test_plan_from_stdin_and_type_option(plan_file: Path) -> None:
    created = run_json(
        "plan",
        "create",
        "Sprint 7",
        "--profile",
        "demo",
        "--query",
        "main",
        "--type",
        "sprint",
        "--file",
        "-",
        input="{}",
    )
    assert run_json("plan", "show", created["id"])["data"] == {
        "name": "Sprint 7",
        "type": "sprint",
        "status": "planned",
    }


def test_create_records_the_summary_on_version_1(plan_file: Path) -> None:
    create = ("plan", "create", "--profile", "demo", "--query", "main", "--file", str(plan_file))
    run_json(*create, "Release 2.0", "--summary", "Scope agreed at the kickoff")
    run_json(*create, "Release 3.0")
    [first] = run_json("plan", "history", "release-2-0")
    assert (first["version"], first["change_summary"]) == (1, "Scope agreed at the kickoff")
    assert run_json("plan", "history", "release-3-0")[0]["change_summary"] == "Created"
    code, out = run("plan", "history", "release-2-0")
    assert code == 0 and "Scope agreed at the kickoff" in out


def test_errors_are_one_line_with_exit_code_1(plan_file: Path, tmp_path: Path) -> None:
    run(
        "plan",
        "create",
        "Release 2.0",
        "--profile",
        "demo",
        "--query",
        "main",
        "--file",
        str(plan_file),
    )
    code, out = run("plan", "approve", "release-2-0")
    assert code == 1
    assert out.strip() == (
        "Error: Version 1 of plan 'release-2-0' is draft, and only a submitted version can be approved; "
        "submit it first."
    )
    code, out = run("plan", "search", "--where", "$.a') OR 1=1 --=x")
    assert code == 1 and out.startswith("Error: ") and "Traceback" not in out
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    code, out = run("plan", "update", "release-2-0", "--file", str(bad))
    assert code == 1 and "is not valid JSON (line 1, column 2" in out
    code, out = run("plan", "show", "ghost")
    assert (code, out.strip()) == (
        1,
        "Error: No plan 'ghost'; check the plan id in the list of plans.",
    )
    code, out = run("plan", "reject", "release-2-0")
    assert code == 2 and "Missing option '--notes'" in out


def test_settings_history_diff_rollback(plan_file: Path) -> None:
    run("profile", "update", "demo", "--points-field", "customfield_10016")
    history = run_json("settings", "history", "--profile", "Demo")
    assert [(h["version"], h["change_summary"]) for h in history] == [
        (2, "Changed jira_config.points_field"),
        (1, "Created"),
    ]
    assert run_json("settings", "diff", "--profile", "demo", "1", "2") == [
        {
            "path": "$.jira_config.points_field",
            "change": "added",
            "old": None,
            "new": "customfield_10016",
        }
    ]
    assert run_json("settings", "rollback", "--profile", "demo", "1") == {
        "profile_id": "demo",
        "version": 3,
    }
    code, out = run("settings", "diff", "--profile", "demo", "1", "3")
    assert out.strip() == "No differences."
    code, out = run("settings", "history", "--profile", "demo")
    assert "s3cr3t" not in out and "Rollback to version 1" in out


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("status=active", ("status", "=", "active")),
        ("$.scope_target.points>10", ("$.scope_target.points", ">", 10)),
        ("$.deadline<2027-01-01", ("$.deadline", "<", "2027-01-01")),
        ("status!=done", ("status", "!=", "done")),
        ('type in ["release", "sprint"]', ("type", "in", ["release", "sprint"])),
        ('scope_items contains {"key": "DEMO-1"}', ("scope_items", "contains", {"key": "DEMO-1"})),
        ("flag=true", ("flag", "=", True)),
        ("name=Release 2.0", ("name", "=", "Release 2.0")),
    ],
)
def test_parse_where(expression: str, expected: tuple[str, str, Any]) -> None:
    assert parse_where(expression) == expected


def test_parse_where_refuses_what_it_cannot_read() -> None:
    with pytest.raises(ValidationError, match="is not a filter; write PATH OP VALUE"):
        parse_where("just words")


def test_every_plan_and_settings_command_is_documented() -> None:
    from cli.plans import plan, settings

    docs = (Path(__file__).resolve().parents[2] / "docs" / "plans.md").read_text()
    for group in (plan, settings):
        # Usage lines look like "flowcast plan submit|approve PLAN ...".
        documented = {
            name
            for names in re.findall(rf"^flowcast {group.name} +(\S+)", docs, re.MULTILINE)
            for name in names.split("|")
        }
        assert set(group.commands) <= documented, set(group.commands) - documented

"""The root command imports no sub-command until it runs: `flowcast --help` stays cheap (issue 16)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from cli.main import COMMANDS, cli, load_command

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ["pandas", "numpy", "httpx", "data.jira", "data.store", "data.analytics", "data.db"]

PROBE = """
import json, sys
from cli.main import cli
try:
    cli.main(sys.argv[1:], prog_name="flowcast", standalone_mode=False)
finally:
    print(json.dumps(sorted(sys.modules)), file=sys.stderr)
"""


def _modules_after(*args: str) -> tuple[str, set[str]]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *args], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))


def _heavy(modules: set[str]) -> list[str]:
    return [m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY)]


def test_root_help_imports_no_pandas_jira_client_or_store() -> None:
    out, modules = _modules_after("--help")
    assert "Commands:" in out
    assert _heavy(modules) == []
    assert not [m for m in modules if m.startswith("cli.") and m != "cli.main"]


def test_root_help_lists_every_command_with_its_own_summary() -> None:
    out = CliRunner().invoke(cli, ["--help"]).output
    for name in COMMANDS:
        assert f"  {name} " in out


def test_each_summary_is_the_commands_own_short_help() -> None:
    for name, entry in COMMANDS.items():
        command = load_command(name)
        assert command.name == name
        assert command.get_short_help_str(10_000) == entry.summary, name


def test_a_commands_help_loads_only_that_command() -> None:
    out, modules = _modules_after("doctor", "--help")
    assert "Print the Python, SQLite and driver versions" in out
    assert "cli.db" in modules
    assert "cli.metrics" not in modules and "data.jira" not in modules


def test_profile_test_connection_is_still_a_profile_command() -> None:
    profile = load_command("profile")
    assert isinstance(profile, click.Group)
    assert "test-connection" in profile.list_commands(click.Context(profile))


def test_an_unknown_command_is_refused_as_before() -> None:
    result = CliRunner().invoke(cli, ["no-such-command"])
    assert result.exit_code == 2
    assert "No such command 'no-such-command'" in result.output


def test_the_html_report_imports_no_dash(tmp_path: Path) -> None:
    # The report draws the pages' figures and texts but no component (layouts/components.py):
    # importing Dash and its bootstrap components is ~15% of a 10k-issue report's process.
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(tmp_path)}
    setup = (
        "from data.profiles import manager as m; "
        "m.create_query(m.create_profile('Team'), 'All', 'project = DEMO')"
    )
    subprocess.run([sys.executable, "-c", setup], cwd=ROOT, env=env, check=True)
    out = tmp_path / "report.html"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "report", "-p", "Team", "-q", "All", "--html", str(out)],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    modules = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert out.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert [m for m in modules if m == "dash" or m.startswith(("dash.", "dash_"))] == []


def _freeze_after_loading(flag: bool, load: str = "m.load_command('snapshot')") -> tuple[int, bool]:
    code = (
        f"import gc, json, cli.main as m, cli.report as r; m._freeze_imports = {flag}; {load}; "
        "print(json.dumps([gc.get_freeze_count(), gc.isenabled()]))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    frozen, enabled = json.loads(done.stdout)
    return frozen, enabled


def test_a_flowcast_process_freezes_what_a_command_imports() -> None:
    # main() sets the flag: the command's imports are never scanned by the garbage collector,
    # which stays on for what the command itself makes.
    frozen, enabled = _freeze_after_loading(True)
    assert frozen > 100_000 and enabled
    # Without it (the tests' CliRunner, a notebook) nothing is frozen.
    assert _freeze_after_loading(False) == (0, True)


def test_a_report_that_computes_freezes_what_it_imports_then() -> None:
    # `report` itself imports no pandas (a kept --json text is printed without it): what it
    # imports to compute is frozen as a command's own module is.
    assert _freeze_after_loading(True, "m.load_command('report')")[0] < 50_000
    frozen, enabled = _freeze_after_loading(True, "r._computing('data.analytics.report')")
    assert frozen > 100_000 and enabled

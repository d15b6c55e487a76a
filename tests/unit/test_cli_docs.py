"""Every command is documented: docs/cli.md is generated from the commands' help and must be current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _generator():
    spec = importlib.util.spec_from_file_location(
        "gen_cli_docs", ROOT / "scripts" / "gen_cli_docs.py"
    )
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_docs_cli_md_matches_the_commands() -> None:
    generator = _generator()
    assert (ROOT / "docs" / "cli.md").read_text() == generator.render(), (
        "docs/cli.md is out of date; run python scripts/gen_cli_docs.py"
    )


def test_every_command_has_help_text() -> None:
    generator = _generator()
    missing = [
        " ".join(path)
        for path, command in generator.iter_commands(generator.cli, [])
        if not command.help
    ]
    assert missing == []

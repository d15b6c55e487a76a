"""Write docs/cli.md from the commands' own help, so the reference never drifts from the code.

python scripts/gen_cli_docs.py          # rewrite docs/cli.md
python scripts/gen_cli_docs.py --check  # exit 1 when docs/cli.md is out of date
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cli.main import cli  # noqa: E402

DOC = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
HEADER = """# The `flowcast` command line

Every data operation of the dashboard is a command. Listings take `--json`. Errors print one line
starting with `Error:` and exit with status 1. Global options go before the command:
`flowcast --data-dir DIR …` (or `FLOWCAST_DATA_DIR`), `flowcast -v …` for logging.

This page is generated from the commands' help by `scripts/gen_cli_docs.py`; a test fails when it
is out of date.
"""


def iter_commands(group: click.Group, prefix: list[str]):
    ctx = click.Context(group)
    for name in sorted(group.list_commands(ctx)):  # the root group loads its commands on demand
        command = group.get_command(ctx, name)
        assert command is not None
        path = [*prefix, name]
        yield path, command
        if isinstance(command, click.Group):
            yield from iter_commands(command, path)


def render() -> str:
    parts = [HEADER]
    for path, command in iter_commands(cli, []):
        ctx = click.Context(
            command,
            info_name=" ".join(["flowcast", *path]),
            terminal_width=100,
            max_content_width=100,
        )
        parts.append(f"\n## `flowcast {' '.join(path)}`\n\n```text\n{command.get_help(ctx)}\n```\n")
    return "".join(parts)


def main() -> int:
    text = render()
    if "--check" in sys.argv:
        if not DOC.exists() or DOC.read_text() != text:
            print("docs/cli.md is out of date; run python scripts/gen_cli_docs.py")
            return 1
        return 0
    DOC.write_text(text)
    print(f"Wrote {DOC}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

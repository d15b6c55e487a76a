"""Reading and atomically writing the JSON files of the legacy layout and the settings file.

A write goes to a private (0600) temporary file in the same folder, is flushed and fsynced, and then
replaces the target with ``os.replace``: a crash leaves either the old or the new file, never half
of one (the legacy app's own truncated files are what ``migrate-json`` has to cope with).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from data.errors import LegacyDataError
from data.private_files import write_private_atomic


def read_json(path: Path, *, label: str | None = None) -> Any:
    """The parsed file, or None when it does not exist; LegacyDataError when it is not JSON."""
    return read_json_text(path, label=label)[0]


def read_json_text(path: Path, *, label: str | None = None) -> tuple[Any, str | None]:
    """``(parsed, text)`` of a file read once; ``(None, None)`` when it does not exist."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise LegacyDataError(
            label or str(path), "", "is not UTF-8 text; restore it from a backup or remove it"
        ) from None
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise LegacyDataError(
            label or str(path),
            "",
            f"is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg}); "
            "the file is probably truncated — restore it from a backup or remove it",
        ) from None
    except RecursionError:
        raise too_deep(label or str(path)) from None


def too_deep(label: str) -> LegacyDataError:
    """A JSON file whose lists or objects nest deeper than a parser follows (never real data)."""
    return LegacyDataError(
        label,
        "",
        "is nested too deeply to read (lists or objects inside each other hundreds of levels "
        "deep); restore it from a backup or remove it",
    )


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON, replacing ``path`` in one step; the file is 0600
    (legacy files hold the JIRA token and issue text)."""
    write_private_atomic(path, json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8"))

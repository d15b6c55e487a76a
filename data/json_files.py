"""Reading and atomically writing the JSON files of the legacy layout and the settings file.

A write goes to a temporary file in the same folder, is flushed and fsynced, and then replaces the
target with ``os.replace``: a crash leaves either the old or the new file, never half of one (the
legacy app's own truncated files are what ``migrate-json`` has to cope with).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from data.errors import LegacyDataError


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


def write_json_atomic(path: Path, data: Any) -> None:
    """Write ``data`` as indented UTF-8 JSON, replacing ``path`` in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(directory: Path) -> None:
    # The rename itself must reach the disk too; not every platform can open a directory.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

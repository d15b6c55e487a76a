"""The one helper that decides which JSON paths may reach SQL, and how diff paths are written.

Search paths follow a strict grammar — ``$`` then ``.identifier`` or ``[index]`` steps, e.g.
``$.scope_target.points`` or ``$.scope_items[0].key`` — with identifiers ``[A-Za-z_][A-Za-z0-9_]*``.
Anything else (quotes, spaces, ``*``, ``..``, SQL) is refused before a statement is built; the paths
are then bound as parameters anyway, so the grammar is about clear errors as much as safety.
"""

from __future__ import annotations

import json
import re

from data.errors import ValidationError

MAX_PATH_LENGTH = 200
MAX_PATH_STEPS = 16
IDENTIFIER_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_STEP_RE = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]{1,6})\]")


def _shown(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def validate_json_path(path: object) -> str:
    """Return the path in ``$.a.b[0]`` form; a bare ``status`` means ``$.status``.

    Raises ValidationError for anything outside the grammar (the message never echoes more than
    60 characters of the input).
    """
    if not isinstance(path, str) or not path:
        raise ValidationError(
            f"{_shown(path)} is not a JSON path; write one like $.status or $.scope_target.points."
        )
    if len(path) > MAX_PATH_LENGTH:
        raise ValidationError(
            f"The JSON path is {len(path)} characters long; use at most {MAX_PATH_LENGTH}."
        )
    full = path if path.startswith("$") else f"$.{path}"
    position, steps = 1, 0
    while position < len(full):
        match = _STEP_RE.match(full, position)
        if match is None:
            raise ValidationError(
                f"{_shown(path)} is not a JSON path Flowcast can search; use dotted identifiers "
                "(letters, digits, _) and [index] steps, e.g. $.scope_items[0].key."
            )
        position, steps = match.end(), steps + 1
    if steps == 0:
        raise ValidationError(
            "The JSON path $ names the whole document; name a field, e.g. $.status."
        )
    if steps > MAX_PATH_STEPS:
        raise ValidationError(f"The JSON path has {steps} steps; use at most {MAX_PATH_STEPS}.")
    return full


def validate_identifier(kind: str, value: object) -> str:
    if not isinstance(value, str) or not IDENTIFIER_RE.match(value) or len(value) > 64:
        raise ValidationError(
            f"{_shown(value)} is not a valid {kind}; use letters, digits and _ (at most 64)."
        )
    return value


def child_path(parent: str, key: str | int) -> str:
    """Extend a path by one step; object keys that are not identifiers are quoted (SQLite syntax)."""
    if isinstance(key, int):
        return f"{parent}[{key}]"
    if IDENTIFIER_RE.match(key):
        return f"{parent}.{key}"
    return f"{parent}.{json.dumps(key, ensure_ascii=False)}"

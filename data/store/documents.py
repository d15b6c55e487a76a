"""Versioned JSON documents in general: canonical form, content hash and a JSON-path diff.

Used by plans and by profile settings alike. Pure functions, no I/O.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from data.errors import ValidationError
from data.store.json_paths import child_path

MAX_DOCUMENT_BYTES = 512 * 1024


def canonical_json(document: Any) -> str:
    """The one text form a document is hashed and stored in: sorted keys, no spaces, UTF-8.

    NaN and infinities are refused because JSON (and SQLite's JSONB) cannot represent them.
    """
    try:
        text = json.dumps(
            document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except ValueError:
        raise ValidationError(
            "The document contains NaN or an infinite number; replace it with a finite number or null."
        ) from None
    except TypeError as exc:
        raise ValidationError(
            f"The document cannot be stored as JSON ({exc}); use strings, numbers, lists and objects."
        ) from None
    size = len(text.encode())
    if size > MAX_DOCUMENT_BYTES:
        raise ValidationError(
            f"The document is {size} bytes as JSON; keep it under {MAX_DOCUMENT_BYTES} bytes."
        )
    return text


def content_hash(canonical: str) -> str:
    """SHA-256 (hex) of a document's canonical JSON."""
    return hashlib.sha256(canonical.encode()).hexdigest()


def diff_documents(old: Any, new: Any, path: str = "$") -> list[dict[str, Any]]:
    """Every difference as ``{"path", "change": added|removed|changed, "old", "new"}``.

    Objects are compared key by key and lists index by index, so the paths are real JSON paths
    (``$.scope_items[2].decision``). Lists of objects that each have a distinct ``"key"`` (scope
    items) are matched by that key instead, so inserting an item does not show every later item
    as changed; their paths use the index in the new list (in the old list for removals). If such
    items were reordered, the lists are compared by index after all. A value whose type changes
    is one ``changed`` entry. The diff is empty exactly when the documents are equal as JSON.
    """
    if isinstance(old, dict) and isinstance(new, dict):
        changes: list[dict[str, Any]] = []
        for key in sorted(old.keys() | new.keys()):
            sub = child_path(path, key)
            if key not in new:
                changes.append({"path": sub, "change": "removed", "old": old[key], "new": None})
            elif key not in old:
                changes.append({"path": sub, "change": "added", "old": None, "new": new[key]})
            else:
                changes.extend(diff_documents(old[key], new[key], sub))
        return changes
    if _keyed(old) and _keyed(new) and _same_relative_order(old, new):
        return _diff_keyed_lists(old, new, path)
    if isinstance(old, list) and isinstance(new, list):
        changes = []
        for index in range(max(len(old), len(new))):
            sub = child_path(path, index)
            if index >= len(new):
                changes.append({"path": sub, "change": "removed", "old": old[index], "new": None})
            elif index >= len(old):
                changes.append({"path": sub, "change": "added", "old": None, "new": new[index]})
            else:
                changes.extend(diff_documents(old[index], new[index], sub))
        return changes
    if _same_value(old, new):
        return []
    return [{"path": path, "change": "changed", "old": old, "new": new}]


def _keyed(value: Any) -> bool:
    if not isinstance(value, list) or not value:
        return False
    keys = [item.get("key") if isinstance(item, dict) else None for item in value]
    return all(isinstance(k, str) for k in keys) and len(set(keys)) == len(keys)


def _same_relative_order(old: list[Any], new: list[Any]) -> bool:
    # A reordering cannot be told as added/removed/changed by key, so it is diffed by index.
    new_keys = {item["key"] for item in new}
    old_keys = {item["key"] for item in old}
    return [i["key"] for i in old if i["key"] in new_keys] == [
        i["key"] for i in new if i["key"] in old_keys
    ]


def _diff_keyed_lists(old: list[Any], new: list[Any], path: str) -> list[dict[str, Any]]:
    old_by_key = {item["key"]: (index, item) for index, item in enumerate(old)}
    new_keys = {item["key"] for item in new}
    changes: list[dict[str, Any]] = []
    for index, item in enumerate(new):
        sub = child_path(path, index)
        if item["key"] in old_by_key:
            changes.extend(diff_documents(old_by_key[item["key"]][1], item, sub))
        else:
            changes.append({"path": sub, "change": "added", "old": None, "new": item})
    for key, (index, item) in old_by_key.items():
        if key not in new_keys:
            changes.append(
                {"path": child_path(path, index), "change": "removed", "old": item, "new": None}
            )
    return changes


def _same_value(a: Any, b: Any) -> bool:
    # True == 1 in Python, but a document that turns 1 into true has changed; 1 and 1.0 are the
    # same JSON number.
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    return bool(a == b)

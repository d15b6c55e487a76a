"""JIRA Software's Flagged field (docs/jira.md, "Flagged"): found in the ``/field`` list by its
name, and its changelog read as (time, value) changes on Cloud and Data Center alike.

JIRA's Flagged field is a multi-checkbox custom field with one option, ``Impediment``; a history
item's ``toString`` is that option when an issue is flagged and empty when the flag is cleared.
A hand-configured field may hold other values: they are kept as JIRA sent them (the metrics count
any value as flagged and the data-quality note names the unexpected ones).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from data.timeutil import to_utc_iso

FLAGGED_NAME = "Flagged"


def flagged_field_id(fields: Iterable[dict[str, Any]]) -> str | None:
    """The id of the custom field named Flagged in a ``/field`` list (None when there is none)."""
    for field in fields:
        if str(field.get("name") or "").casefold() == FLAGGED_NAME.casefold() and field.get("id"):
            return str(field["id"])
    return None


def is_flagged_item(item: dict[str, Any], field_id: str | None) -> bool:
    """A changelog item of the Flagged field: by ``fieldId`` when JIRA sends one, else by name."""
    sent_id = item.get("fieldId")
    if sent_id and field_id:
        return bool(sent_id == field_id)
    return str(item.get("field") or "").casefold() == FLAGGED_NAME.casefold()


def flag_changes(
    histories: Iterable[dict[str, Any]], field_id: str | None
) -> list[tuple[str, str | None]]:
    """An issue's Flagged changes as (UTC time, value after; None = cleared), oldest first."""
    found = []
    for history in histories:
        if not isinstance(history, dict):
            continue
        for item in history.get("items") or []:
            if isinstance(item, dict) and is_flagged_item(item, field_id):
                value = item.get("toString")
                text = str(value).strip() if value is not None else ""
                found.append(
                    (
                        to_utc_iso(history.get("created") or ""),
                        int(history["id"]) if str(history.get("id", "")).isdigit() else 0,
                        text or None,
                    )
                )
    found.sort(key=lambda change: (change[0], change[1]))
    return [(at, value) for at, _, value in found]

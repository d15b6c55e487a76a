"""What a plan document holds, the rules it must follow, and carry-forward of scope items. Pure.

A plan document (stored as JSONB, one per version)::

    {
      "name": "Release 2.0",
      "type": "release",                 # release | milestone | sprint
      "status": "active",                # planned | active | at_risk | done | cancelled
      "scope_target": {"items": 40, "points": 120},
      "deadline": "2027-01-29",          # ISO date or null
      "milestone": "2026-12-18",         # ISO date or null
      "forecast_settings": {"pert_factor": 3, "data_points_count": 12},
      "scope_items": [
        {"key": "DEMO-12", "title": "Checkout epic", "decision": "approved",
         "carried_from": {"version": 2, "key": "DEMO-12"}}
      ]
    }

Other keys are kept as they are (the document is meant to grow without migrations).
"""

from __future__ import annotations

import copy
import re
from datetime import date
from typing import Any

from data.errors import ValidationError
from data.validation import validate_name

PLAN_TYPES = ("release", "milestone", "sprint")
PLAN_STATUSES = ("planned", "active", "at_risk", "done", "cancelled")
DECISIONS = ("pending", "approved", "rejected")
MAX_SCOPE_ITEMS = 2_000
MAX_KEY_LENGTH = 100
_DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _number(value: Any, where: str, *, integer: bool = False) -> None:
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or value < 0:
        kind = "a whole number" if integer else "a number"
        raise ValidationError(f"{where} is {value!r}; use {kind} of 0 or more.")


def is_iso_date(value: Any) -> bool:
    """True for a real calendar date written ``YYYY-MM-DD``."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def check_dates(
    deadline: str | None,
    milestone: str | None,
    today: date,
    kept: tuple[str | None, str | None] = (None, None),
) -> None:
    """Refuse, in one sentence, a deadline or milestone as entered (Settings, Plans) that is not
    a real ``YYYY-MM-DD`` date, lies before ``today``, or a milestone after the deadline. ``kept``:
    the (deadline, milestone) already saved, which may have passed since (not entered now)."""
    for label, value, saved in (("deadline", deadline, kept[0]), ("milestone", milestone, kept[1])):
        if value is None:
            continue
        if not is_iso_date(value):
            raise ValidationError(
                f"The {label} {value!r} is not a date on the calendar; pick one in the date "
                "picker (YYYY-MM-DD, e.g. 2027-01-29)."
            )
        if value != saved and date.fromisoformat(value) < today:
            raise ValidationError(
                f"The {label} {value} is in the past; pick today ({today.isoformat()}) or a "
                "later day."
            )
    if deadline is not None and milestone is not None and milestone > deadline:
        raise ValidationError(
            f"The milestone {milestone} is after the deadline {deadline}; move the milestone "
            "to the deadline or before it, or the deadline later."
        )


def _iso_date(value: Any, where: str) -> None:
    if value is not None and not is_iso_date(value):
        raise ValidationError(f"{where} is {value!r}; use an ISO date like 2027-01-29, or null.")


def _choice(value: Any, where: str, choices: tuple[str, ...]) -> None:
    if value not in choices:
        raise ValidationError(f"{where} is {value!r}; use one of {', '.join(choices)}.")


def validate_plan_document(document: Any) -> dict[str, Any]:
    """A copy with the name trimmed if the document follows the rules above.

    Raises ValidationError naming the JSON path of the first rule broken.
    """
    if not isinstance(document, dict):
        raise ValidationError("A plan must be a JSON object with at least name, type and status.")
    document = {**document, "name": validate_name("plan", document.get("name"))}
    _choice(document.get("type"), "$.type", PLAN_TYPES)
    _choice(document.get("status"), "$.status", PLAN_STATUSES)
    target = document.get("scope_target")
    if target is not None:
        if not isinstance(target, dict):
            raise ValidationError(
                '$.scope_target must be an object like {"items": 40, "points": 120}.'
            )
        if "items" in target:
            _number(target["items"], "$.scope_target.items", integer=True)
        if "points" in target:
            _number(target["points"], "$.scope_target.points")
    _iso_date(document.get("deadline"), "$.deadline")
    _iso_date(document.get("milestone"), "$.milestone")
    settings = document.get("forecast_settings")
    if settings is not None and not isinstance(settings, dict):
        raise ValidationError('$.forecast_settings must be an object, e.g. {"pert_factor": 3}.')
    _validate_scope_items(document.get("scope_items", []))
    return document


def _validate_scope_items(items: Any) -> None:
    if not isinstance(items, list):
        raise ValidationError("$.scope_items must be a list of {key, decision} objects.")
    if len(items) > MAX_SCOPE_ITEMS:
        raise ValidationError(
            f"$.scope_items has {len(items)} entries; keep at most {MAX_SCOPE_ITEMS}."
        )
    seen: set[str] = set()
    for index, item in enumerate(items):
        where = f"$.scope_items[{index}]"
        if not isinstance(item, dict):
            raise ValidationError(f"{where} must be an object with a key and a decision.")
        key = item.get("key")
        if not isinstance(key, str) or not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise ValidationError(
                f"{where}.key must be a non-empty text of at most {MAX_KEY_LENGTH} characters, e.g. DEMO-12."
            )
        if key in seen:
            raise ValidationError(f"{where}.key {key!r} appears twice; list each scope item once.")
        seen.add(key)
        _choice(item.get("decision"), f"{where}.decision", DECISIONS)
        origin = item.get("carried_from")
        if origin is not None and not (
            isinstance(origin, dict)
            and isinstance(origin.get("version"), int)
            and not isinstance(origin.get("version"), bool)
            and origin["version"] >= 1
            and isinstance(origin.get("key"), str)
        ):
            raise ValidationError(
                f'{where}.carried_from must be {{"version": N, "key": "…"}} or absent.'
            )


def carry_forward(base: dict[str, Any], base_version: int) -> dict[str, Any]:
    """The document a new version starts from when it is based on an approved version.

    Approved scope items are carried forward and pending ones stay pending — each recording where
    it came from (``carried_from``: the base version and the item key) — while rejected items are
    dropped. Everything else is copied unchanged.
    """
    document = copy.deepcopy(base)
    carried = []
    for item in document.get("scope_items", []):
        if item["decision"] == "rejected":
            continue
        item["carried_from"] = {"version": base_version, "key": item["key"]}
        carried.append(item)
    if "scope_items" in document:
        document["scope_items"] = carried
    return document

"""Rules for identifiers, names and small values, shared by every backend.

Ids are also directory names in the legacy JSON layout, so they must never contain path
separators or start with a dot.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from data.errors import ValidationError
from data.timeutil import validate_week_key

_ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
_METRIC_TYPE_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
MAX_NAME_LENGTH = 100
MAX_JQL_LENGTH = 10_000


def validate_id(kind: str, value: Any) -> str:
    if not isinstance(value, str) or not _ID_RE.match(value) or ".." in value:
        raise ValidationError(
            f"{value!r} is not a valid {kind} id; use letters, digits, '.', '_' or '-' (at most 128)."
        )
    return value


def validate_name(kind: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"A {kind} needs a name; enter a non-empty name.")
    name = value.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"The {kind} name is {len(name)} characters long; use at most {MAX_NAME_LENGTH}."
        )
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise ValidationError(f"The {kind} name contains control characters; remove them.")
    return name


def validate_jql(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError("A query needs JQL; enter a search such as: project = DEMO.")
    if len(value) > MAX_JQL_LENGTH:
        raise ValidationError(
            f"The JQL is {len(value)} characters long; use at most {MAX_JQL_LENGTH}."
        )
    return value.strip()


def validate_board_id(value: Any) -> int | None:
    """A JIRA board id (a positive whole number), or None for none (empty, None)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    text = str(value).strip()
    if isinstance(value, bool) or not text.isdigit() or int(text) <= 0:
        raise ValidationError(
            f"Board {value!r} is not a board id; give the number `flowcast sprint boards` lists "
            "(a whole number), or leave it empty for none."
        )
    return int(text)


def validate_metric_type(value: Any) -> str:
    if not isinstance(value, str) or not _METRIC_TYPE_RE.match(value):
        raise ValidationError(
            f"{value!r} is not a metric type; use a lowercase name such as dora, flow or forecast."
        )
    return value


def validate_snapshot(snapshot_date: Any, metric_type: Any, metrics: Any) -> None:
    """One week's metrics of one type, as every backend stores them."""
    validate_week_key(snapshot_date)
    validate_metric_type(metric_type)
    if not isinstance(metrics, dict):
        raise ValidationError("Snapshot metrics must be a JSON object of metric name to value.")


def validate_progress(percent: Any, status: Any, statuses: tuple[str, ...]) -> float:
    if status not in statuses:
        raise ValidationError(f"{status!r} is not a task status; use one of {', '.join(statuses)}.")
    try:
        value = float(percent)
    except (TypeError, ValueError):
        raise ValidationError(
            f"{percent!r} is not a percentage; use a number from 0 to 100."
        ) from None
    if not 0 <= value <= 100:
        raise ValidationError(f"{value} is not a percentage; use a number from 0 to 100.")
    return value


def slugify(name: str) -> str:
    """A readable id from a name: lowercase ASCII letters, digits and dashes."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")
    return slug[:60] or "item"

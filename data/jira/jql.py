"""JQL text helpers for the sync: split off ``ORDER BY`` and add the incremental time bound."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

_ORDER_BY_RE = re.compile(r"\border\s+by\b", re.IGNORECASE)


def split_order_by(jql: str) -> tuple[str, str]:
    """``(condition, "ORDER BY …" or "")``, ignoring ``order by`` inside quoted strings."""
    quote: str | None = None
    index = 0
    while index < len(jql):
        char = jql[index]
        if quote:
            if char == "\\":
                index += 1  # an escaped character cannot end the string
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
        elif _ORDER_BY_RE.match(jql, index) and (
            index == 0 or not (jql[index - 1].isalnum() or jql[index - 1] == "_")
        ):
            return jql[:index].strip(), jql[index:].strip()
        index += 1
    return jql.strip(), ""


def incremental_jql(jql: str, since: datetime, time_zone: str) -> str:
    """``(<jql>) AND updated >= "yyyy-MM-dd HH:mm"`` with ``since`` shown in the user's zone.

    JIRA reads JQL dates in the searching user's time zone and to the minute; the minute is
    rounded down so the boundary is never skipped.
    """
    local = since.astimezone(ZoneInfo(time_zone)).strftime("%Y-%m-%d %H:%M")
    condition, order_by = split_order_by(jql)
    text = f'({condition}) AND updated >= "{local}"' if condition else f'updated >= "{local}"'
    return f"{text} {order_by}".strip()

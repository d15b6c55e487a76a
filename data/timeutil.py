"""Timestamps and ISO week keys.

Stored timestamps are fixed-width ISO-8601 UTC text with milliseconds and a ``Z`` suffix
(``2026-11-23T00:16:52.123Z``), so text order is time order. Week keys are ISO weeks ``YYYY-Www``.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

from data.errors import ValidationError

WEEK_KEY_RE = re.compile(r"^(\d{4})-W(\d{2})$")
# JIRA renders offsets without a colon ("-0500"); Python < 3.11 style parsers choke on that.
_JIRA_OFFSET_RE = re.compile(r"([+-]\d{2})(\d{2})$")


def utc_now() -> datetime:
    return datetime.now(UTC)


def to_utc_iso(value: datetime | str | int | float) -> str:
    """Normalize a datetime, an ISO/JIRA string or epoch milliseconds to stored UTC text."""
    if isinstance(value, str):
        fast = _jira_time_in_utc(value)
        if fast is not None:
            return fast
    dt = _with_offset(value) if isinstance(value, str) else None
    dt = (dt or parse_timestamp(value)).astimezone(UTC)
    return (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}:{dt.minute:02d}:"
        f"{dt.second:02d}.{dt.microsecond // 1000:03d}Z"
    )


# (local "YYYY-MM-DDTHH", offset "+HHMM") -> the UTC "YYYY-MM-DDTHH": a sync converts every
# created, updated and history time (~7 per issue); most share an hour with another.
_UTC_HOURS: dict[str, str] = {}
_UTC_HOURS_MAX = 100_000
_MINUTES_ON = re.compile(r":[0-5][0-9]:[0-5][0-9]\.[0-9]{3}")  # ":MM:SS.mmm", ASCII digits


def _jira_time_in_utc(text: str) -> str | None:
    """JIRA's own format (``2026-08-12T12:29:57.032-0500``, ``…+05:00``, ``…Z``) with a
    whole-hour offset, converted by text: only the date and hour move, and each (hour, offset)
    is worked out once. None for anything else, which takes the general path."""
    size = len(text)
    if size == 28:
        offset = text[23:]
    elif size == 29 and text[26] == ":":
        offset = text[23:26] + text[27:]
    elif size == 24 and text[23] == "Z":
        offset = "+0000"
    else:
        return None
    rest = text[13:23]  # ":MM:SS.mmm", the same in UTC
    if _MINUTES_ON.fullmatch(rest) is None:
        return None
    key = text[:13] + offset
    hour = _UTC_HOURS.get(key)
    if hour is None:  # only a valid (hour, offset) is ever remembered
        if not (offset[0] in "+-" and offset[3:] == "00" and offset[1:3].isdigit()):
            return None
        try:
            dt = datetime.fromisoformat(f"{text[:13]}:00:00{offset[:3]}:00").astimezone(UTC)
        except ValueError:
            return None
        hour = f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T{dt.hour:02d}"
        if len(_UTC_HOURS) < _UTC_HOURS_MAX:
            _UTC_HOURS[key] = hour
    return hour + rest + "Z"


def _with_offset(text: str) -> datetime | None:
    # The common case (JIRA and stored times carry an offset) read directly: 3x faster, which
    # matters when a migration or sync converts 100k changelog times. Everything else, naive
    # times included, goes through parse_timestamp.
    try:
        dt = datetime.fromisoformat(text)
    except ValueError:
        return None
    return dt if dt.tzinfo is not None else None


def utc_now_iso() -> str:
    return to_utc_iso(utc_now())


def parse_timestamp(value: datetime | str | int | float) -> datetime:
    """Parse what JIRA and legacy files contain: ISO strings with any offset, or epoch millis.

    Naive values are the local time of this machine (what ``datetime.now()`` and the legacy
    files wrote).
    """
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, bool):
        raise ValidationError(f"{value!r} is not a timestamp; use an ISO-8601 date-time.")
    elif isinstance(value, int | float):
        dt = datetime.fromtimestamp(value / 1000.0, tz=UTC)
    elif isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return parse_timestamp(int(text))
        if text.endswith("Z"):
            text = text[:-1] + "+00:00"
        text = _JIRA_OFFSET_RE.sub(r"\1:\2", text)
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ValidationError(
                f"{value!r} is not a valid timestamp; use ISO-8601 like 2026-08-12T12:29:57.032-05:00."
            ) from None
    else:
        raise ValidationError(f"{value!r} is not a timestamp; use an ISO-8601 date-time.")
    if dt.tzinfo is None:
        dt = dt.astimezone()
    return dt


def validate_week_key(key: str) -> str:
    """Return ``key`` if it names a real ISO week, else raise ValidationError."""
    match = WEEK_KEY_RE.match(key) if isinstance(key, str) else None
    if not match:
        raise ValidationError(f"{key!r} is not an ISO week key; use the form 2026-W47.")
    year, week = int(match.group(1)), int(match.group(2))
    weeks_in_year = date(year, 12, 28).isocalendar()[1]
    if not 1 <= week <= weeks_in_year:
        raise ValidationError(
            f"{key!r} is not a week of {year}; it has weeks W01 to W{weeks_in_year:02d}."
        )
    return key


def week_start(key: str) -> date:
    """Monday of an ISO week key."""
    validate_week_key(key)
    year, week = int(key[:4]), int(key[6:])
    return date.fromisocalendar(year, week, 1)


def week_end(key: str) -> datetime:
    """The instant a week ends (next Monday 00:00 UTC)."""
    start = week_start(key)
    return datetime(start.year, start.month, start.day, tzinfo=UTC) + timedelta(days=7)

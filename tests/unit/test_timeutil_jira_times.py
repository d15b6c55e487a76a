"""to_utc_iso's text path for JIRA's own timestamps (issue 16 §3) gives what the general parser
gives, and leaves everything it cannot vouch for to it."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from data import timeutil
from data.errors import ValidationError

ZONES = (
    "UTC",
    "America/Los_Angeles",  # DST both ways
    "Europe/Berlin",
    "Asia/Kolkata",  # +05:30: not a whole hour, the general path
    "America/St_Johns",  # -03:30 / -02:30
    "Australia/Lord_Howe",  # a 30-minute DST shift
    "Pacific/Kiritimati",  # +14:00
)


def _jira_forms(ms: int, zone: ZoneInfo) -> list[str]:
    local = datetime.fromtimestamp(ms // 1000, zone)
    offset = local.strftime("%z")
    text = f"{local:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}"
    forms = [text + offset, f"{text}{offset[:3]}:{offset[3:]}"]
    return forms + ([text + "Z"] if offset == "+0000" else [])


def _expected(ms: int) -> str:
    moment = datetime.fromtimestamp(ms // 1000, UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}Z"


def test_jira_times_in_every_offset_convert_to_the_same_utc_text() -> None:
    rng = random.Random(16)
    for _ in range(1_000):
        ms = rng.randrange(0, 4_102_444_800_000)  # 1970 to 2100
        for form in _jira_forms(ms, ZoneInfo(rng.choice(ZONES))):
            assert timeutil.to_utc_iso(form) == _expected(ms), form


@pytest.mark.parametrize(
    "text",
    [
        "2026-13-12T12:29:57.032-0500",  # month 13
        "2026-02-30T12:29:57.032-0500",  # February 30
        "2026-08-12T25:29:57.032-0500",
        "2026-08-12T12:69:57.032-0500",
        "2026-08-12T12:29:5x.032-0500",
        "2026-08-12T12:29:57.03²-0500",
        "2026-08-12T12:29:57.032-05x0",
        "2026-08-12T12:29:57.032+2500",
    ],
)
def test_what_is_not_a_time_is_still_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        timeutil.to_utc_iso(text)

"""What a downloaded file is called: ``<profile>_<query>_<what>_<date>`` (the HTML report, a
chart's PNG, a table's CSV)."""

from __future__ import annotations

import re
from datetime import date


def _part(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower() or "none"


def export_name(profile: str, query: str, what: str, day: date) -> str:
    """``<profile>_<query>_<what>_<date>``, each part reduced to lower-case letters, digits and
    dashes (``Demo``, ``All work``, ``report`` → ``demo_all-work_report_2026-12-03``)."""
    return "_".join([_part(profile), _part(query), _part(what), day.isoformat()])

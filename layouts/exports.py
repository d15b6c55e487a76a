"""What a downloaded file is called and what a table's CSV holds, for the pages and the
standalone report: files are ``<profile>_<query>_<what>_<date>`` (the HTML report, a chart's PNG,
a table's CSV); a table's CSV has the columns the page shows.

The callbacks that draw a page name its profile, query and day once (``export_names``; the day in
the profile's metrics time zone, not the server's); the chart and table builders read them
(``current_name``).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date
from typing import Any

# (profile, query, day); no profile and query on a page of none (the Data page), still its day.
_CURRENT: ContextVar[tuple[str | None, str | None, date] | None] = ContextVar(
    "export_names", default=None
)
# A spreadsheet runs a cell starting with one of these as a formula (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _part(text: str) -> str:
    return re.sub(r"[^0-9A-Za-z]+", "-", text).strip("-").lower() or "none"


def export_name(profile: str, query: str, what: str, day: date) -> str:
    """``<profile>_<query>_<what>_<date>``, each part reduced to lower-case letters, digits and
    dashes (``Demo``, ``All work``, ``report`` → ``demo_all-work_report_2026-12-03``)."""
    return "_".join([_part(profile), _part(query), _part(what), day.isoformat()])


@contextmanager
def export_names(profile: str | None, query: str | None, day: date) -> Iterator[None]:
    """Name the downloads of what is built inside after this profile, query and day (without a
    profile and query: ``flowcast_<what>_<day>``)."""
    token = _CURRENT.set((profile, query, day))
    try:
        yield
    finally:
        _CURRENT.reset(token)


def current_names() -> tuple[str | None, str | None, date] | None:
    """The (profile, query, day) downloads are named after now (None outside any page): a page
    kept for later is kept per names."""
    return _CURRENT.get()


def current_name(what: str) -> str:
    """``what``'s file name on the page being drawn; ``flowcast_<what>_<day>`` on a page of no
    query (such as Data), and with this machine's date outside any page."""
    profile, query, day = _CURRENT.get() or (None, None, date.today())
    if profile is None or query is None:
        return f"flowcast_{_part(what)}_{day.isoformat()}"
    return export_name(profile, query, what, day)


def _cell(value: Any) -> Any:
    """A value as a CSV cell: text a spreadsheet would run as a formula starts with ' (numbers,
    also negative ones, stay numbers)."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        try:
            float(value)
        except ValueError:
            return "'" + value
    return value


def csv_text(columns: list[tuple[str, str]], records: list[dict[str, Any]]) -> str:
    """The records as CSV: a header row of the column labels, then one row per record."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([label for _key, label in columns])
    for record in records:
        writer.writerow([_cell(record.get(key)) for key, _label in columns])
    return out.getvalue()

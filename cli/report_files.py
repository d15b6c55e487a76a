"""The files ``flowcast report`` writes: the standalone HTML report (``--html``) and its tables
as CSV (``--csv``), with the Sprints page's and the Epics view's tables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from data.analytics.report_bundle import ReportBundle
from data.errors import ValidationError
from data.private_files import write_private_atomic
from data.profiles import manager as profile_manager
from layouts.exports import csv_text
from layouts.report_html import report_html, report_tables

Tables = dict[str, tuple[list[tuple[str, str]], list[dict[str, Any]]]]


def write_report_file(path: Path, content: str) -> int:
    """Write ``content`` to ``path`` in one step (the old file or the new one, never half of
    one; 0600: it holds issue text); the bytes written."""
    if path.is_dir():
        raise ValidationError(f"{path} is a folder; give a file name, e.g. {path / 'report.html'}.")
    payload = content.encode("utf-8")
    try:
        write_private_atomic(path, payload)
    except OSError as exc:
        raise ValidationError(
            f"Could not write {path} ({exc.strerror or exc}); choose a file in a folder you can "
            "write to."
        ) from None
    return len(payload)


def write_html_report(bundle: ReportBundle, path: Path) -> int:
    return write_report_file(path, report_html(bundle))


def write_csv_tables(bundle: ReportBundle, folder: Path) -> list[Path]:
    """One CSV per table of the report in ``folder`` (created if missing), ``<table>.csv``,
    each replacing an older one in one step; the files written."""
    if folder.exists() and not folder.is_dir():
        raise ValidationError(f"{folder} is a file; give a folder for the CSV files.")
    written = []
    for name, (columns, records) in {**report_tables(bundle), **agile_tables(bundle)}.items():
        path = folder / f"{name}.csv"
        write_report_file(path, csv_text(columns, records))
        written.append(path)
    return written


def agile_tables(bundle: ReportBundle) -> Tables:
    """The Epics view's table (``epics``) and, for a query that reads a board, every started
    sprint's scope changes (``sprints``), as of the report's instant (``--csv`` only: an HTML
    report does not import them)."""
    from data.analytics.sprints import epics_summary, sprint_summary
    from layouts.epics import COLUMNS as EPIC_COLUMNS
    from layouts.epics import epic_records
    from layouts.sprints import sprint_report_records

    report = bundle.report
    as_of = report.as_of.isoformat()
    epics = epics_summary(report.profile_id, report.query_id, as_of=as_of)
    tables: Tables = {"epics": (EPIC_COLUMNS, epic_records(epics["epics"]))}
    profile = profile_manager.get_profile(report.profile_id)
    query = profile_manager.get_query(report.profile_id, report.query_id)
    if profile_manager.query_board(profile, query) is not None:
        sprints = sprint_summary(report.profile_id, report.query_id, as_of=as_of)
        tables["sprints"] = sprint_report_records(
            sprints["sprints"], bool(report.mappings.points_field)
        )
    return tables

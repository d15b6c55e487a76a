"""``flowcast report``: every metric of a query, as a table, JSON, an HTML file or CSVs.

Its module imports no pandas: a ``report --json`` whose text is kept
(``data.analytics.report_cache``) prints it without computing anything.
"""

from __future__ import annotations

import re
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cli.options import profile_option, query_ids, query_option
from cli.output import json_text, print_json, print_table
from data.analytics import DEFAULT_REVIEW_WEEKS
from data.errors import ValidationError

if TYPE_CHECKING:
    from data.analytics.report_bundle import ReportBundle


@click.command("report")
@profile_option
@query_option
@click.option("--as-of", help="Compute as known at this date or time (default: now).")
@click.option("--json", "as_json", is_flag=True, help="Print every metric as JSON.")
@click.option(
    "--html",
    "html_file",
    type=click.Path(path_type=Path),
    help="Also write the standalone HTML report (one file, opens offline) to this file.",
)
@click.option(
    "--csv",
    "csv_dir",
    type=click.Path(path_type=Path),
    help="Also write the report's tables (plan vs now, oldest items, week over week, sign-offs,"
    " plan history, epics, and the sprints of a query that reads a board) to this folder, one"
    " CSV each, with the dashboard tables' columns.",
)
@click.option(
    "--weeks",
    type=click.IntRange(1, 520),
    help=f"Weeks of weekly review in the HTML report and CSVs (default {DEFAULT_REVIEW_WEEKS}).",
)
def report(
    profile: str,
    query: str,
    as_of: str | None,
    as_json: bool,
    html_file: Path | None,
    csv_dir: Path | None,
    weeks: int | None,
) -> None:
    """Every metric of a query (forecasts, flow, cycle time, DORA) with its definition."""
    profile_id, query_id = query_ids(profile, query)
    if weeks is not None and html_file is None and csv_dir is None:
        raise ValidationError(
            "--weeks sets the weekly review of the HTML report and CSVs; add --html FILE or "
            "--csv DIR."
        )
    if as_json and html_file is None and csv_dir is None:
        from data.analytics.report_cache import json_report  # no pandas when the text is kept

        json_report(profile_id, query_id, as_of, partial(_json_text, profile_id, query_id),
                    click.echo)  # fmt: skip
        return
    if html_file is None and csv_dir is None:
        _computing("data.analytics.report")
        from data.analytics.report import build_report

        data = build_report(profile_id, query_id, as_of).to_json()
    else:
        _computing("data.analytics.report_bundle", "cli.report_files")
        from data.analytics.report_bundle import build_report_bundle
        from data.metrics.forecast import SCOPE_MODELS

        bundle = build_report_bundle(
            profile_id, query_id, as_of, weeks or DEFAULT_REVIEW_WEEKS,
            scopes=SCOPE_MODELS if as_json else None, per_item=as_json,
        )  # fmt: skip
        _write_files(bundle, html_file, csv_dir)
        data = bundle.document
        if as_json:
            print_json({**data, "epics": _epics(profile_id, query_id, as_of)})
            return
    forecast = data["forecast"]
    dora = data["dora"]
    flow = data["flow"]
    when = forecast["monte_carlo_when"]
    scope = when["parameters"]["scope_shown"]
    shown = when["growing_scope"] if scope == "growing" else when
    rows = [
        {"metric": "remaining items", "value": forecast["remaining_items"]},
        {"metric": "PERT expected (items)", "value": forecast["pert"]["items"]["expected_date"]},
        {
            "metric": f"Monte Carlo P50 / P85 (items, {scope} scope)",
            "value": " / ".join(
                str((shown["items"]["completion_dates"] or {}).get(k)) for k in ("p50", "p85")
            ),
        },
        {"metric": "cycle time P50/P85/P95 days", "value": data["cycle_time"]["percentiles_days"]},
        {"metric": "flow velocity (items/week)", "value": flow["flow_velocity"]["value"]},
        {"metric": "flow efficiency", "value": flow["flow_efficiency"]["value"]},
        {"metric": "flow load", "value": flow["flow_load"]["value"]},
        {
            "metric": "deployment frequency",
            "value": f"{dora['deployments_per_week']} /week ({dora['deployment_frequency_tier']})",
        },
        {
            "metric": "lead time (median h)",
            "value": f"{dora['lead_time_median_hours']} ({dora['lead_time_tier']})",
        },
        {
            "metric": "change failure rate",
            "value": f"{dora['change_failure_rate']} ({dora['change_failure_rate_tier']})",
        },
        {
            "metric": "time to restore (median h)",
            "value": f"{dora['time_to_restore_median_hours']} ({dora['time_to_restore_tier']})",
        },
    ]
    print_table([{**row, "value": _rounded(row["value"])} for row in rows], ["metric", "value"])
    click.echo(f"Data quality: {data['data_quality']['note']}")


def _computing(*modules: str) -> None:
    """Import the modules that compute (pandas, numpy, ...) as a command's own module is
    imported: frozen for the garbage collector in a ``flowcast`` process."""
    from cli.main import import_frozen

    for module in modules:
        import_frozen(module)


def _json_text(profile_id: str, query_id: str, as_of: str | None) -> str:
    """What ``report --json`` prints: every metric of the report, and the epics."""
    _computing("data.analytics.report", "data.analytics.sprints")
    from data.analytics.report import build_report

    data = build_report(profile_id, query_id, as_of).to_json()
    return json_text({**data, "epics": _epics(profile_id, query_id, as_of)})


def _epics(profile_id: str, query_id: str, as_of: str | None) -> dict[str, Any]:
    from data.analytics.sprints import epics_summary  # only --json prints the epics

    return epics_summary(profile_id, query_id, as_of=as_of)


def _write_files(bundle: ReportBundle, html_file: Path | None, csv_dir: Path | None) -> None:
    """The HTML report and the tables' CSVs asked for, each said on stderr."""
    from cli.report_files import write_csv_tables, write_html_report  # the page builders

    if html_file is not None:
        size = write_html_report(bundle, html_file)
        click.echo(f"Wrote {html_file} ({size / 1_000_000:.1f} MB).", err=True)
    if csv_dir is not None:
        written = write_csv_tables(bundle, csv_dir)
        click.echo(f"Wrote {len(written)} CSV files to {csv_dir}: "
                   f"{', '.join(p.name for p in written)}.", err=True)  # fmt: skip


def _rounded(value: object) -> object:
    """Numbers for people: two decimals (inside text and dicts too)."""
    if isinstance(value, float):
        return round(value, 2)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, str):
        return re.sub(r"\d+\.\d{3,}", lambda m: f"{float(m.group()):.2f}", value)
    return value

"""The standalone report: one self-contained HTML file (plotly's JavaScript embedded once, no
other file or address needed) with the health summary, Forecast, the approved plan against now,
Flow, DORA, the weekly review with its sign-offs, the data-quality notes and a glossary.

``report_html(bundle)`` renders a ``data.analytics.report_bundle.ReportBundle`` as it is: every
number is read from ``bundle.document`` (what ``report --json`` prints) and carries that path
and its JSON value (``data-path``, ``data-value``) so tests compare it with ``report --json``;
the charts are the dashboard's own figure builders. Every text from JIRA or a user (summaries,
keys, names, notes) is escaped; issue keys link to JIRA, the only addresses in the file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from html import escape
from typing import Any
from urllib.parse import quote

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs

from layouts import dora as dora_layout
from layouts import flow as flow_layout
from layouts import forecast as forecast_layout
from layouts import plans as plans_layout
from layouts import review as review_layout
from layouts.common import About, graph_config
from layouts.exports import export_names
from layouts.flow_views import ageing_bands_figure
from layouts.health import STATUS_WORDS, score_text, signal_line, weights_text
from layouts.theme import COLORWAY
from layouts.units import DAYS, DORA_UNITS, local_time

Formatter = Callable[[Any], str]


@dataclass(frozen=True)
class Term:
    title: str
    definition: str


GLOSSARY: dict[str, Term] = {
    "health": Term("Health score", "A weighted mean of the delivery, predictability, flow and "
                   "quality scores (0–100), the weights of dimensions without data shared out "
                   "among the others; green from 70, amber from 40."),
    "health-delivery": Term("Delivery", "The chance the Monte Carlo forecast finishes by the "
                            "deadline."),
    "health-predictability": Term("Predictability", "How much weekly throughput varies: its "
                                  "coefficient of variation over the forecast window."),
    "health-flow": Term("Flow (health)", "The share of work in progress older than the "
                        "cycle-time P85, and work in progress against what Little's law expects "
                        "from throughput and cycle time."),
    "health-quality": Term("Quality", "The share of bugs among completed items and the change "
                           "failure rate of deployments."),
    "remaining": Term("Remaining", "Issues (and story points) in the query that are not done."),
    "monte-carlo": Term("Monte Carlo completion", "Weekly throughput resampled from the forecast "
                        "window in thousands of simulated futures; P50/P85/P95 are the dates "
                        "half, 85% and 95% of them finish by."),
    "deadline-probability": Term("Deadline probability", "The share of simulated futures that "
                                 "finish on or before the deadline."),
    "pert": Term("PERT expected", "(optimistic + 4 × most likely + pessimistic) / 6 weeks from "
                 "the best, typical and worst weekly rates of the window."),
    "how-many": Term("How many by a date", "The work the simulated futures finish by the date; "
                     "each confidence level is at least that much."),
    "cycle-time": Term("Cycle time", "Whole calendar days from the committed stage to the done "
                       "stage, per done item; P50/P85/P95 by linear interpolation."),
    "flow-velocity": Term("Flow velocity", flow_layout.DEFINITIONS["velocity"]),
    "flow-time": Term("Flow time", flow_layout.DEFINITIONS["time"]),
    "flow-efficiency": Term("Flow efficiency", flow_layout.DEFINITIONS["efficiency"]),
    "flow-load": Term("Flow load", flow_layout.DEFINITIONS["load"]),
    "flow-distribution": Term("Flow distribution", flow_layout.DEFINITIONS["distribution"]),
    **{
        key.replace("_", "-"): Term(title, definition)
        for key, title, definition in dora_layout.KEYS
    },
    "weekly-review": Term("Weekly review", "Headline metrics as computed at the end of each ISO "
                          "week (weekly snapshots), the change from the week before, the "
                          "forecast's drift, and who signed each week off."),
    "plan-baseline": Term("Approved plan", "The scope target and deadline of the plan version "
                          "last approved, set against the remaining work and forecast now."),
    "data-quality": Term("Data quality", "Statuses and issue types the mappings leave out, "
                         "issues without a changelog or points, and the time zone days are "
                         "counted in."),
}  # fmt: skip

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2125;
  max-width: 1180px; margin: 0 auto; padding: 1.5rem; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; } h2 { font-size: 1.3rem; margin: 0 0 .6rem; }
h3 { font-size: 1rem; margin: 1rem 0 .4rem; }
.meta, .metric-title, .metric-def, .about, .muted { color: #5f6670; }
.meta { font-size: .9rem; margin-bottom: 1rem; }
nav { border: 1px solid #dee2e6; border-radius: .4rem; padding: .4rem .8rem; margin-bottom: 1.5rem;
  font-size: .9rem; } nav a { margin-right: .8rem; }
section { margin-bottom: 2.5rem; }
.metrics { display: grid; grid-template-columns: repeat(auto-fill, minmax(210px, 1fr)); gap: .5rem;
  margin-bottom: .8rem; }
.metric { border: 1px solid #dee2e6; border-radius: .4rem; padding: .5rem .7rem; }
.metric-title { font-size: .8rem; } .metric-value { font-size: 1.25rem; font-weight: 600; }
.metric-detail { font-size: .8rem; } .metric-def { font-size: .75rem; margin-top: .2rem; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: .8rem; }
.chart { margin: 0; break-inside: avoid; } .about { font-size: .8rem; }
table { border-collapse: collapse; font-size: .85rem; width: 100%; margin-bottom: .5rem; }
th, td { border-bottom: 1px solid #dee2e6; padding: .25rem .4rem; text-align: left;
  vertical-align: top; }
.status-green { color: #146c43; } .status-amber { color: #997404; } .status-red { color: #b02a37; }
.status-none { color: #5f6670; }
.badge { display: inline-block; border-radius: .3rem; padding: 0 .35rem; font-size: .75rem;
  border: 1px solid currentColor; margin-left: .3rem; }
dl.glossary dt { font-weight: 600; margin-top: .5rem; } dl.glossary dd { margin-left: 0; }
.note { border-left: 3px solid #f0ad4e; padding: .3rem .6rem; background: #fff8e6; }
@page { margin: 1.4cm; }
@media print {
  body { max-width: none; padding: 0; }
  nav, .modebar-container { display: none !important; }
  section { break-before: page; } section:first-of-type { break-before: auto; }
  .charts { grid-template-columns: 1fr 1fr; }
  .metric, table tr { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
}
"""

# Charts keep their size when printing: plotly resizes them to the printed page first.
PRINT_SCRIPT = """
window.addEventListener("beforeprint", function () {
  document.querySelectorAll(".js-plotly-plot").forEach(function (p) { Plotly.Plots.resize(p); });
});
"""

SECTIONS = [
    ("health", "Health"),
    ("forecast", "Forecast"),
    ("plan", "Plan vs now"),
    ("flow", "Flow"),
    ("dora", "DORA"),
    ("review", "Weekly review"),
    ("quality", "Data quality"),
    ("glossary", "Glossary"),
]


def at(document: Any, path: str) -> Any:
    """The value at a dotted ``path`` of the report document (list items by index); None when
    a part is missing (e.g. no points forecast)."""
    value = document
    for part in path.split("."):
        if isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        elif isinstance(value, dict) and part in value:
            value = value[part]
        else:
            return None
    return value


# Formatters: a document value (JSON: numbers, ISO dates, None) as a reader sees it.
def date_text(value: Any) -> str:
    return str(value) if value else "no forecast"


def count_text(value: Any) -> str:
    return "–" if value is None else f"{value:,.0f}"


def decimal_text(value: Any) -> str:
    return "–" if value is None else f"{value:,.1f}"


def percent_text(value: Any) -> str:
    return "–" if value is None else f"{value:.0%}"


def days_text(value: Any) -> str:
    return DAYS.text(value)


def glossary_link(term: str) -> str:
    return f'<a class="glossary-link" href="#glossary-{term}">glossary</a>'


def metric(
    document: dict[str, Any],
    path: str,
    title: str,
    term: str,
    formatter: Formatter,
    detail: str = "",
    extra: str = "",
) -> str:
    """One headline number: its title, the value read at ``path``, a detail line (and
    ``extra``, HTML), and the one-line definition with its glossary link."""
    value = at(document, path)
    return (
        '<div class="metric">'
        f'<div class="metric-title">{escape(title)}</div>'
        f'<div class="metric-value" data-path="{escape(path)}" '
        f'data-value="{escape(json.dumps(value))}">{escape(formatter(value))}</div>'
        + (f'<div class="metric-detail">{escape(detail)}</div>' if detail else "")
        + extra
        + f'<div class="metric-def">{escape(GLOSSARY[term].definition)} {glossary_link(term)}'
        "</div></div>"
    )


def metrics_grid(items: list[str]) -> str:
    return f'<div class="metrics">{"".join(items)}</div>'


class Charts:
    """The report's charts, each a div drawn by the one embedded plotly.js; the PNG download
    names profile, query, chart and date as the dashboard's do (``report_html`` names them)."""

    def __init__(self) -> None:
        self.count = 0

    def chart(self, name: str, figure: go.Figure, about: About | None, term: str) -> str:
        self.count += 1
        div = figure.to_html(
            include_plotlyjs=False, full_html=False, config=graph_config(name),
            div_id=f"chart-{name}",
        )  # fmt: skip
        about_text = escape(about.text) + " " if about else ""
        return (
            f'<figure class="chart" data-chart="{escape(name)}">{div}'
            f'<figcaption class="about">{about_text}{glossary_link(term)}</figcaption></figure>'
        )


def table(columns: list[tuple[str, str]], records: list[dict[str, Any]], cells: Any = None) -> str:
    """A plain table; every cell escaped, except the ones ``cells`` renders (given the column
    key and record, it returns HTML or None)."""
    head = "".join(f"<th>{escape(label)}</th>" for _key, label in columns)
    rows = []
    for record in records:
        tds = []
        for key, _label in columns:
            custom = cells(key, record) if cells else None
            tds.append(
                f"<td>{custom if custom is not None else escape(str(record.get(key, '')))}</td>"
            )
        rows.append(f"<tr>{''.join(tds)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def issue_link(jira_url: str | None, key: str) -> str:
    """An issue key linking to its JIRA page (plain text without a JIRA address)."""
    if not jira_url or not jira_url.startswith(("http://", "https://")):
        return escape(key)
    href = f"{jira_url.rstrip('/')}/browse/{quote(key, safe='')}"
    return f'<a href="{escape(href)}">{escape(key)}</a>'


def report_tables(bundle: Any) -> dict[str, tuple[list[tuple[str, str]], list[dict[str, Any]]]]:
    """Every table of the report by file name, with the columns the dashboard's tables have
    (columns, records) each, and the plan history the Plans page lists (``flowcast report
    --csv`` writes them)."""
    return {
        "plan-vs-now": (PLAN_COLUMNS, plan_records(bundle)),
        "oldest-items": flow_layout.ageing_records(bundle.oldest, bundle.summaries),
        "week-over-week": review_layout.deltas_records(bundle.review.deltas, bundle.review.partial),
        "sign-offs": (
            review_layout.SIGNOFF_COLUMNS,
            review_layout.signoff_records(bundle.signoffs),
        ),
        "plan-history": plans_layout.history_records(bundle.plan_history),
    }


# Sections ---------------------------------------------------------------------------------------
def health_section(bundle: Any) -> str:
    health = bundle.report.health
    doc = bundle.document
    cards = [
        metric(doc, "health.score", "Health", "health",
               lambda v: f"{score_text(health)} / 100 · {STATUS_WORDS[health.status]}",
               weights_text(health))
    ]  # fmt: skip
    for i, dimension in enumerate(health.dimensions):
        lines = "".join(
            f'<li class="status-{s.status or "none"}">{escape(signal_line(s))}</li>'
            for s in dimension.signals
        )
        cards.append(
            metric(doc, f"health.dimensions.{i}.score", dimension.label,
                   f"health-{dimension.name}",
                   lambda v, d=dimension: f"{'–' if v is None else round(v)} · "
                   f"{STATUS_WORDS[d.status]}",
                   f"weight {dimension.weight:.0f}%", f'<ul class="metric-detail">{lines}</ul>')
        )  # fmt: skip
    return metrics_grid(cards)


def forecast_section(bundle: Any, charts: Charts, today: date) -> str:
    doc = bundle.document
    f = bundle.report.forecast
    weekly = bundle.report.weekly
    scope = f.scope_model
    base = "forecast.monte_carlo_when" + (".growing_scope" if scope == "growing" else "")
    when = None if weekly.empty else f.when("items")
    deadline = f.burndown.deadline
    cards = [
        metric(doc, "forecast.remaining_items", "Remaining items", "remaining", count_text,
               f"{decimal_text(at(doc, 'forecast.remaining_points'))} points"
               if bundle.report.mappings.points_field else "no points field"),
        metric(doc, f"{base}.items.completion_dates.p50", "P50 completion", "monte-carlo",
               date_text, f"{scope} scope, in items"),
        metric(doc, f"{base}.items.completion_dates.p85", "P85 completion", "monte-carlo",
               date_text, f"{scope} scope, in items"),
        metric(doc, f"{base}.items.completion_dates.p95", "P95 completion", "monte-carlo",
               date_text, f"{scope} scope, in items"),
        metric(doc, f"{base}.items.probability_by_deadline", "Deadline probability",
               "deadline-probability", percent_text,
               f"deadline {deadline.isoformat()} (approved plan)" if deadline
               else bundle.report.mappings.deadline_note),
        metric(doc, "forecast.pert.items.expected_date", "PERT expected", "pert", date_text,
               f"{decimal_text(at(doc, 'forecast.pert.items.expected_weeks'))} weeks"),
        metric(doc, "forecast.monte_carlo_how_many.items.at_least.p85", "How many (85%)",
               "how-many", count_text,
               f"items at least, by {at(doc, 'forecast.monte_carlo_how_many.items.target_date')}"),
    ]  # fmt: skip
    baseline = forecast_layout.plan_baseline_line(bundle.plan)
    about = forecast_layout.ABOUT
    figures = [
        charts.chart("burndown", forecast_layout.burndown_figure(
            f.burndown, when, today, baseline, "items", f.view), about["burndown"], "monte-carlo"),
        charts.chart("burnup", forecast_layout.burnup_figure(
            f.burndown, when, today, "items", f.view), about["burnup"], "monte-carlo"),
        charts.chart("throughput", forecast_layout.throughput_figure(weekly, "items"),
                     about["throughput"], "monte-carlo"),
        charts.chart("scope", forecast_layout.scope_figure(weekly, "items"), about["scope"],
                     "remaining"),
        charts.chart("finish-dates", forecast_layout.finish_dates_figure(when, deadline),
                     about["finish_dates"], "monte-carlo"),
        charts.chart("how-many", forecast_layout.how_many_figure(f.how_many),
                     about["how_many"], "how-many"),
    ]  # fmt: skip
    return metrics_grid(cards) + f'<div class="charts">{"".join(figures)}</div>'


PLAN_COLUMNS = [("what", ""), ("plan", "Approved plan"), ("now", "Now")]


def plan_records(bundle: Any) -> list[dict[str, Any]]:
    """The approved plan's scope and deadline against the remaining work and the forecast now;
    none without an approved plan."""
    plan = bundle.plan
    if plan is None:
        return []
    doc = bundle.document
    base = "forecast.monte_carlo_when" + (
        ".growing_scope" if bundle.report.forecast.scope_model == "growing" else ""
    )
    p85 = at(doc, f"{base}.items.completion_dates.p85")
    slip = ""
    if p85 and plan.deadline:
        days = (date.fromisoformat(p85) - date.fromisoformat(plan.deadline)).days
        slip = f"{abs(days)} days {'after' if days > 0 else 'before'} the plan's deadline"
        slip = "on the plan's deadline" if days == 0 else slip
    return [
        {"what": "Scope (items)", "plan": count_text(plan.scope_items),
         "now": count_text(at(doc, "forecast.remaining_items")) + " remaining"},
        {"what": "Deadline", "plan": plan.deadline or "–",
         "now": f"P85 {date_text(p85)}" + (f" ({slip})" if slip else "")},
    ]  # fmt: skip


def plan_section(bundle: Any) -> str:
    plan = bundle.plan
    if plan is None:
        return '<p class="muted">This query has no approved plan.</p>'
    approved = (
        f"{escape(plan.name)} v{plan.version}, approved"
        + (f" by {escape(plan.approved_by)}" if plan.approved_by else "")
        + f" on {escape(local_time(plan.approved_at))}"
    )
    return f"<p>{approved}. {glossary_link('plan-baseline')}</p>" + table(
        PLAN_COLUMNS, plan_records(bundle)
    )


def flow_section(bundle: Any, charts: Charts) -> str:
    doc = bundle.document
    r = bundle.report
    shares = at(doc, "flow.flow_distribution.window") or {}
    distribution = [
        metric(doc, f"flow.flow_distribution.window.{kind}", f"Flow distribution: {kind}",
               "flow-distribution", percent_text, "of completed items")
        for kind in shares
    ]  # fmt: skip
    cards = [
        metric(doc, "flow.flow_velocity.value", "Flow velocity", "flow-velocity",
               lambda v: f"{decimal_text(v)} / week",
               f"{at(doc, 'flow.flow_velocity.completed')} completed in "
               f"{at(doc, 'flow.parameters.window_weeks')} weeks"),
        metric(doc, "flow.flow_time.percentiles_days.p50", "Flow time P50", "flow-time",
               days_text),
        metric(doc, "flow.flow_time.percentiles_days.p85", "Flow time P85", "flow-time",
               days_text),
        metric(doc, "flow.flow_efficiency.value", "Flow efficiency", "flow-efficiency",
               percent_text),
        metric(doc, "flow.flow_load.value", "Flow load", "flow-load", count_text,
               "items in progress now"),
        *distribution,
        metric(doc, "cycle_time.percentiles_days.p50", "Cycle time P50", "cycle-time", days_text,
               f"{at(doc, 'cycle_time.count')} done items"),
        metric(doc, "cycle_time.percentiles_days.p85", "Cycle time P85", "cycle-time", days_text),
        metric(doc, "cycle_time.percentiles_days.p95", "Cycle time P95", "cycle-time", days_text),
    ]  # fmt: skip
    about = flow_layout.ABOUT
    figures = [
        charts.chart("cycle-time", flow_layout.scatter_figure(r.cycle.cycle_time),
                     about["scatter"], "cycle-time"),
        charts.chart("cycle-time-histogram", flow_layout.histogram_figure(r.cycle.cycle_time),
                     about["histogram"], "cycle-time"),
        charts.chart("cumulative-flow", flow_layout.cfd_figure(r.cycle.cumulative_flow),
                     about["cfd"], "flow-load"),
        charts.chart("ageing-wip", ageing_bands_figure(r.flow_views.ageing),
                     about["ageing"], "flow-load"),
    ]  # fmt: skip
    columns, records = flow_layout.ageing_records(bundle.oldest, bundle.summaries)
    shown = len(records)
    total = len(r.cycle.ageing_wip)
    title = (
        f"The {shown:,} oldest of {total:,} items in progress"
        if total > shown
        else ("Oldest items in progress")
    )
    ageing = table(
        columns, records,
        lambda key, rec: issue_link(bundle.jira_url, rec["key"]) if key == "key" else None,
    )  # fmt: skip
    return (
        metrics_grid(cards)
        + f'<div class="charts">{"".join(figures)}</div>'
        + f"<h3>{escape(title)}</h3>{ageing}"
    )


def dora_section(bundle: Any, charts: Charts) -> str:
    doc = bundle.document
    paths = {
        "deployment_frequency": ("dora.deployments_per_week", "dora.deployment_frequency_tier"),
        "lead_time": ("dora.lead_time_median_hours", "dora.lead_time_tier"),
        "change_failure_rate": ("dora.change_failure_rate", "dora.change_failure_rate_tier"),
        "time_to_restore": ("dora.time_to_restore_median_hours", "dora.time_to_restore_tier"),
    }
    details = dora_layout.key_values(bundle.report.dora)
    cards = []
    for key, title, _definition in dora_layout.KEYS:
        path, tier_path = paths[key]
        tier = at(doc, tier_path)
        unit = DORA_UNITS[key]
        cards.append(
            metric(doc, path, title, key.replace("_", "-"),
                   lambda v, u=unit, t=tier: f"{u.text(v)} · {(t or 'no data').capitalize()}",
                   details[key][2])
        )  # fmt: skip
    trends = dora_layout.trend_series(bundle.review.trends)
    figures = [
        charts.chart(
            f"dora-{key.replace('_', '-')}",
            dora_layout.trend_figure(title, *trends[key], DORA_UNITS[key], color),
            About(f"{title} at the end of each week, from the weekly snapshots.", ""),
            key.replace("_", "-"),
        )
        for (key, title, _d), color in zip(dora_layout.KEYS, COLORWAY, strict=False)
    ]
    window = (
        f"Tier set {at(doc, 'dora.parameters.tier_set')}, window {at(doc, 'dora.window_start')}"
        f" to {at(doc, 'dora.window_end')} ({at(doc, 'dora.window_weeks')} weeks)."
    )
    return (
        f'<p class="muted">{escape(window)}</p>'
        + metrics_grid(cards)
        + f'<div class="charts">{"".join(figures)}</div>'
    )


def review_section(bundle: Any, charts: Charts) -> str:
    review = bundle.review
    weeks = list(review.trends["week"])
    signed = {s["artifact_type"]: s for s in bundle.signoffs}
    complete = [w for w in weeks if w not in review.partial]
    latest = complete[-1] if complete else None
    if latest is None:
        state = "No complete week has a snapshot yet, so there is nothing to sign off."
    elif latest in signed:
        s = signed[latest]
        state = (
            f"{latest} is signed off by {s['approved_by'] or 'an unnamed user'} "
            f"on {local_time(s['approved_at'])}."
        )
    else:
        state = f"{latest}, the last complete week, is not signed off."
    columns, records = review_layout.deltas_records(review.deltas, review.partial)
    deltas = (
        table(columns, records)
        if records
        else '<p class="muted">Week-over-week changes need snapshots of two complete weeks.</p>'
    )
    signoff_rows = review_layout.signoff_records(bundle.signoffs)
    signoffs = (
        table(review_layout.SIGNOFF_COLUMNS, signoff_rows)
        if signoff_rows
        else '<p class="muted">No week has been signed off.</p>'
    )
    about = review_layout.ABOUT
    deadline = bundle.report.mappings.deadline
    return (
        f'<p class="signoff-state"><strong>Sign-off:</strong> {escape(state)} '
        f"{glossary_link('weekly-review')}</p>"
        + f'<p class="muted">The last {bundle.review_weeks} weeks up to {escape(bundle.week)}.</p>'
        + '<div class="charts">'
        + charts.chart("snapshot-trends", review_layout.trends_figure(review.trends,
                       review.partial), about["trends"], "weekly-review")
        + charts.chart("forecast-drift", review_layout.drift_figure(
            review.drift, deadline.isoformat() if deadline else None), about["drift"],
            "weekly-review")
        + "</div><h3>Week over week</h3>" + deltas
        + "<h3>Sign-offs</h3>" + signoffs
    )  # fmt: skip


def quality_section(bundle: Any) -> str:
    quality = bundle.document.get("data_quality") or {}
    note = quality.get("note") or "Every status and issue type is mapped."
    zone = quality.get("time_zone_reason") or ""
    return (
        f'<p class="note" data-path="data_quality.note">{escape(note)}</p>'
        f"<p>{escape(zone)} {glossary_link('data-quality')}</p>"
    )


def glossary_section() -> str:
    items = "".join(
        f'<dt id="glossary-{key}">{escape(term.title)}</dt><dd>{escape(term.definition)}</dd>'
        for key, term in GLOSSARY.items()
    )
    return f'<dl class="glossary">{items}</dl>'


def report_html(bundle: Any) -> str:
    """The whole file."""
    r = bundle.report
    today = bundle.today
    charts = Charts()
    with export_names(bundle.profile_name, bundle.query_name, today):
        bodies = {
            "health": health_section(bundle),
            "forecast": forecast_section(bundle, charts, today),
            "plan": plan_section(bundle),
            "flow": flow_section(bundle, charts),
            "dora": dora_section(bundle, charts),
            "review": review_section(bundle, charts),
            "quality": quality_section(bundle),
            "glossary": glossary_section(),
        }
    sections = "".join(
        f'<section id="{key}"><h2>{escape(title)}</h2>{bodies[key]}</section>'
        for key, title in SECTIONS
    )
    nav = "".join(f'<a href="#{key}">{escape(title)}</a>' for key, title in SECTIONS)
    title = f"{bundle.profile_name} · {bundle.query_name}"
    as_of = local_time(r.as_of.isoformat())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Flowcast report: {escape(title)} ({today.isoformat()})</title>"
        f"<style>{CSS}</style>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>'
        f"<script>{PRINT_SCRIPT}</script></head><body>"
        f"<header><h1>{escape(title)}</h1>"
        f'<div class="meta">Flowcast report as of {escape(as_of)} (metrics days in '
        f"{escape(r.mappings.time_zone)}) · {charts.count} charts</div></header>"
        f"<nav>{nav}</nav>{sections}</body></html>\n"
    )

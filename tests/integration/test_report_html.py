"""`flowcast report --html`: one self-contained file whose numbers are `report --json`'s, with
issue text, names and notes escaped and no address but the JIRA issue links."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from plotly.offline import get_plotlyjs

from cli.main import cli
from data import plans
from data.analytics.report import PER_ITEM_PATHS
from data.analytics.report_bundle import build_report_bundle, week_key
from data.analytics.snapshots import snapshot_weeks
from data.jira.sync import sync
from data.metrics.mappings import mappings_from_profile
from data.profiles import manager as pm
from demo import DEMO_PROFILE_ID, start_demo
from layouts.flow import AGEING_COLUMNS
from layouts.report_html import at, report_html
from tests.integration.plans_support import plan_document

pytestmark = pytest.mark.usefixtures("backend")

SCRIPT = "<script>alert(1)</script>"  # the demo's DEMO-3 summary carries it too
IMG = '<img src=x onerror="alert(2)">'
QUERY = "all-work"
# The numbers the file must show (each a path of `report --json`).
HEADLINES = {
    "health.score",
    "forecast.remaining_items",
    "forecast.pert.items.expected_date",
    "forecast.monte_carlo_when.items.completion_dates.p85",
    "forecast.monte_carlo_how_many.items.at_least.p85",
    "cycle_time.percentiles_days.p85",
    "flow.flow_velocity.value",
    "flow.flow_efficiency.value",
    "flow.flow_load.value",
    "dora.deployments_per_week",
    "dora.lead_time_median_hours",
    "dora.change_failure_rate",
    "dora.time_to_restore_median_hours",
}


class Parsed(HTMLParser):
    """The tags, attributes and script bodies of a document."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(text: str) -> Parsed:
    parser = Parsed()
    parser.feed(text)
    return parser


def local_today() -> date:
    """Today where the demo's weeks are counted (its metrics time zone)."""
    zone = mappings_from_profile(pm.get_profile(DEMO_PROFILE_ID)).time_zone
    return datetime.now(ZoneInfo(zone)).date()


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


@pytest.fixture
def demo() -> Iterator[dict[str, Any]]:
    fake = start_demo()
    fake.dataset.touch(["DEMO-3"], status="In Progress")
    try:
        sync(DEMO_PROFILE_ID, QUERY)
        snapshot_weeks(DEMO_PROFILE_ID, QUERY, backfill=10)  # up to this week
        last_week = week_key(local_today() - timedelta(days=7))
        plans.sign_off_week(DEMO_PROFILE_ID, QUERY, last_week, f"notes {IMG}", actor=SCRIPT)
        plan_id = plans.create_plan(
            DEMO_PROFILE_ID, QUERY, f"Release {SCRIPT}", plan_document(deadline="2027-01-29")
        )
        plans.submit_version(plan_id)
        plans.approve_version(plan_id, actor=f"Ada {IMG}")
        # One instant for both runs: the demo's data are relative to the wall clock.
        yield {"base_url": fake.base_url, "as_of": datetime.now(UTC).isoformat(),
               "signed": last_week}  # fmt: skip
    finally:
        fake.stop()


def test_the_html_report_shows_report_json_numbers_escaped_and_offline(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    run("report", "-p", DEMO_PROFILE_ID, "-q", QUERY, "--as-of", demo["as_of"], "--html", str(out))
    document = json.loads(run("report", "-p", DEMO_PROFILE_ID, "-q", QUERY, "--as-of", demo["as_of"],
                              "--json"))  # fmt: skip
    text = out.read_text(encoding="utf-8")
    parsed = parse(text)

    # Every number carries its report --json path and value, and they agree.
    numbers = {a["data-path"]: a.get("data-value") for _t, a in parsed.tags if "data-value" in a}
    assert HEADLINES <= set(numbers)
    for path, value in numbers.items():
        assert json.loads(value or "null") == at(document, path), path
    assert at(document, "forecast.monte_carlo_when.items.completion_dates.p85") in text
    # ... and each links into the file's own glossary, which holds every target.
    anchors = {a["id"] for _t, a in parsed.tags if a.get("id")}
    links = {a["href"] for t, a in parsed.tags if t == "a" and (a.get("href") or "")[:1] == "#"}
    assert any(link.startswith("#glossary-") for link in links)
    assert {link[1:] for link in links} <= anchors

    # Offline: plotly.js embedded once, nothing loaded from elsewhere, only JIRA issue links.
    assert text.count(get_plotlyjs()) == 1
    assert not [a for t, a in parsed.tags if t == "script" and a.get("src")]
    external = {
        a.get(attr) or ""
        for _t, a in parsed.tags
        for attr in ("src", "href")
        if "http" in (a.get(attr) or "")
    }
    assert external and all(u.startswith(f"{demo['base_url']}/browse/DEMO-") for u in external)
    assert f"{demo['base_url']}/browse/DEMO-3" in external

    # The markup in the summary, the signer's name, the notes and the plan's name is text.
    assert SCRIPT not in text and IMG not in text
    assert text.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # summary, signer, plan
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in text
    assert not [t for t, _a in parsed.tags if t == "img"]
    charts = [a for t, a in parsed.tags if t == "figure" and a.get("data-chart")]
    # One script for plotly.js, one for printing, one per chart.
    assert len(parsed.scripts) == 2 + len(charts) == 18

    signed = f"<td>{demo['signed']}</td><td>&lt;script&gt;alert(1)&lt;/script&gt;</td>"
    assert signed in text


def test_an_earlier_report_shows_the_review_up_to_its_week(demo: dict[str, Any]) -> None:
    day = local_today() - timedelta(days=21)
    bundle = build_report_bundle(DEMO_PROFILE_ID, QUERY, day.isoformat(), weeks=4)
    assert list(bundle.review.trends["week"]) == [
        week_key(day - timedelta(days=7 * n)) for n in (3, 2, 1, 0)
    ]
    assert bundle.signoffs == []  # the week signed off came after it


def test_the_file_reads_no_per_item_list(demo: dict[str, Any]) -> None:
    # report --html alone builds the document without the per-item lists: the same file, and
    # every other value of report --json's document unchanged.
    full = build_report_bundle(DEMO_PROFILE_ID, QUERY, demo["as_of"])
    summary = build_report_bundle(DEMO_PROFILE_ID, QUERY, demo["as_of"], per_item=False)
    assert report_html(summary) == report_html(full)
    expected = json.loads(json.dumps(full.document))
    for *parents, key in PER_ITEM_PATHS:
        parent = expected
        for part in parents:
            parent = parent[part]
        assert isinstance(parent.pop(key), list)
    assert summary.document == expected
    assert full.document["cycle_time"]["items"] and full.document["ageing_wip"]["items"]


def test_report_html_bad_input(demo: dict[str, Any], tmp_path: Path) -> None:
    base = ["report", "-p", DEMO_PROFILE_ID, "-q", QUERY]
    folder = CliRunner().invoke(cli, [*base, "--html", str(tmp_path)])
    assert folder.exit_code == 1
    assert f"{tmp_path} is a folder; give a file name" in folder.output
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    under_a_file = CliRunner().invoke(cli, [*base, "--html", str(blocker / "report.html")])
    assert under_a_file.exit_code == 1
    assert "Could not write" in under_a_file.output and "Traceback" not in under_a_file.output
    assert blocker.read_text() == "x"
    weeks_alone = CliRunner().invoke(cli, [*base, "--weeks", "4"])
    assert weeks_alone.exit_code == 1
    assert "--weeks sets the weekly review of the HTML report and CSVs" in weeks_alone.output
    zero = CliRunner().invoke(cli, [*base, "--weeks", "0", "--html", str(tmp_path / "r.html")])
    assert zero.exit_code == 2 and "0 is not in the range 1<=x<=520" in zero.output
    assert not (tmp_path / "r.html").exists()


def test_report_csv_writes_each_table_with_the_dashboard_columns(
    demo: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "tables"
    base = ["report", "-p", DEMO_PROFILE_ID, "-q", QUERY, "--as-of", demo["as_of"]]
    document = json.loads(run(*base, "--json", "--csv", str(out)))
    assert sorted(p.name for p in out.iterdir()) == [
        "epics.csv",
        "oldest-items.csv",
        "plan-history.csv",
        "plan-vs-now.csv",
        "sign-offs.csv",
        "sprints.csv",
        "week-over-week.csv",
    ]  # fmt: skip  (the demo's query reads its Scrum board: sprints.csv)

    def rows(name: str) -> list[list[str]]:
        return list(csv.reader(io.StringIO((out / name).read_text(encoding="utf-8"))))

    oldest = rows("oldest-items.csv")
    assert oldest[0] == [label for _key, label in AGEING_COLUMNS]
    ageing = sorted(document["ageing_wip"]["items"], key=lambda r: -r["age_days"])[:50]
    assert [r[0] for r in oldest[1:]] == [r["key"] for r in ageing]
    assert [int(r[5]) for r in oldest[1:]] == [r["age_days"] for r in ageing]
    assert any(SCRIPT in r[1] for r in oldest[1:])  # the summary, as the text it is
    assert rows("week-over-week.csv")[0][:2] == ["Metric", rows("week-over-week.csv")[0][1]]
    assert len(rows("week-over-week.csv")) == 1 + 11  # the eleven headline metrics
    signed = rows("sign-offs.csv")
    assert signed[0] == ["Week", "Signed off by", "When", "Notes"]
    assert signed[1][:2] == [demo["signed"], SCRIPT] and signed[1][3] == f"notes {IMG}"
    # The approved plan (40 items by 2027-01-29, plan_document) against now.
    p85 = document["forecast"]["monte_carlo_when"]["items"]["completion_dates"]["p85"]
    assert rows("plan-vs-now.csv") == [
        ["", "Approved plan", "Now"],
        ["Scope (items)", "40", f"{document['forecast']['remaining_items']:,.0f} remaining"],
        ["Deadline", "2027-01-29", rows("plan-vs-now.csv")[2][2]],
    ]
    assert rows("plan-vs-now.csv")[2][2].startswith(f"P85 {p85} (")
    history = rows("plan-history.csv")
    assert history[0] == ["Version", "Status", "Created (UTC)", "By", "Change", "Review"]
    assert [r[:2] for r in history[1:]] == [["1", "approved"]]


def test_report_csv_into_a_file_is_refused(demo: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "taken"
    target.write_text("keep")
    result = CliRunner().invoke(cli, ["report", "-p", DEMO_PROFILE_ID, "-q", QUERY, "--csv",
                                      str(target)])  # fmt: skip
    assert result.exit_code == 1
    assert f"{target} is a file; give a folder for the CSV files." in result.output
    assert target.read_text() == "keep"

"""``report --json``'s kept text (data.analytics.report_cache) on a real SQLite file: what a warm
report prints is what an uncached run prints, byte for byte, and a fetch, a settings change, a
plan's approval or a new day computes it again."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import cli.report
from cli.main import cli as flowcast
from data.analytics import cache, report_cache
from data.db.connection import get_db_connection, write_transaction
from data.jira.normalize import normalize_issue
from data.plans import approve_version, create_plan, submit_version
from data.profiles import manager as pm
from data.store.issues import add_query_members, store_issues
from tests.metrics_support import POINTS, raw_issue

REPORT = ["report", "-p", "team", "-q", "q", "--json"]


@pytest.fixture
def computed(seeded, monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """The as-of of every report computed (not read from the cache) from here on."""
    calls: list[str | None] = []
    compute = cli.report._json_text

    def counted(profile_id: str, query_id: str, as_of: str | None) -> str:
        calls.append(as_of)
        return compute(profile_id, query_id, as_of)

    monkeypatch.setattr(cli.report, "_json_text", counted)
    return calls


def _report(*extra: str) -> str:
    result = CliRunner().invoke(flowcast, [*REPORT, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def _uncached(as_of: str) -> str:
    """What a run with nothing kept prints as of ``as_of``."""
    cache.clear()
    return _report("--as-of", as_of)


def test_a_second_now_report_is_the_kept_text_with_its_own_as_of(computed):
    first = _report()
    assert len(computed) == 2  # now, and the day's last millisecond: the same but for as_of
    second = _report()
    assert len(computed) == 2
    as_of = json.loads(second)["as_of"]
    assert as_of > json.loads(first)["as_of"]
    assert second == _uncached(as_of)


def test_a_fixed_as_of_is_kept_and_read_back_unchanged(computed):
    first = _report("--as-of", "2026-03-25")
    second = _report("--as-of", "2026-03-25")
    assert computed == ["2026-03-25"]
    assert first == second == _uncached("2026-03-25")


def test_an_as_of_that_moves_with_the_clock_is_never_kept(computed):
    _report("--as-of", "today")
    _report("--as-of", "today")
    assert computed == ["today", "today"]


def test_a_settings_change_computes_it_again(computed):
    before = json.loads(_report("--as-of", "2026-03-25"))
    pm.update_mappings("team", {"forecast_settings": {"data_points_count": 2}})
    after = _report("--as-of", "2026-03-25")
    assert len(computed) == 2
    assert (
        json.loads(after)["forecast"]["window"]["weeks"]
        == 2
        != before["forecast"]["window"]["weeks"]
    )
    assert after == _uncached("2026-03-25")


def test_a_fetch_computes_it_again(seeded, computed):
    before = json.loads(_report("--as-of", "2026-03-25"))
    issue = normalize_issue(
        raw_issue("M-6", "2026-03-18T09:00:00.000+0000", []), points_field=POINTS
    )
    with get_db_connection(seeded.db_path) as conn, write_transaction(conn):
        store_issues(conn, "team", [issue])
        add_query_members(conn, "team", "q", ["M-6"])
    after = _report("--as-of", "2026-03-25")
    assert len(computed) == 2
    assert (
        json.loads(after)["forecast"]["remaining_items"]
        == before["forecast"]["remaining_items"] + 1
    )
    assert after == _uncached("2026-03-25")


def test_an_approved_plans_deadline_computes_it_again(computed):
    before = json.loads(_report("--as-of", "2026-03-25"))
    plan = create_plan("team", "q", "Release", {"type": "release", "deadline": "2026-06-30"})
    submit_version(plan)
    approve_version(plan, actor="lead")
    after = json.loads(_report("--as-of", "2026-03-25"))
    assert len(computed) == 2
    assert after["burndown"]["parameters"]["deadline"] == "2026-06-30"
    assert before["burndown"]["parameters"]["deadline"] is None


def test_a_report_with_something_blocked_now_is_computed_every_time(computed):
    # M-3 has been In Progress since March: blocked there, its blocked time grows every moment.
    pm.update_mappings("team", {"field_mappings": {"blocked_statuses": ["In Progress"]}})
    first, second = json.loads(_report()), json.loads(_report())
    assert computed == [None, computed[1], None, computed[3]]
    assert first["flow_views"]["blocked_time"]["blocked_now"] == 1
    assert second == json.loads(_uncached(second["as_of"]))


def test_the_next_day_computes_it_again(computed, monkeypatch: pytest.MonkeyPatch):
    _report()
    tomorrow = datetime.now(UTC) + timedelta(days=1)

    class Tomorrow(datetime):
        @classmethod
        def now(cls, tz=None):  # type: ignore[no-untyped-def, override]
            return tomorrow.astimezone(tz)

    monkeypatch.setattr(report_cache, "datetime", Tomorrow)
    _report()
    assert computed[2] is None and len(computed) == 4


def test_a_kept_report_is_printed_without_pandas(seeded, data_dir: Path):
    env = {**os.environ, "FLOWCAST_DATA_DIR": str(data_dir)}
    script = (
        "import sys; from cli.main import main; sys.argv = ['flowcast', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n"
        "    print('pandas' in sys.modules, 'numpy' in sys.modules, file=sys.stderr)"
    )
    runs = [
        subprocess.run(
            [sys.executable, "-c", script, *REPORT, "--as-of", "2026-03-25"],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            cwd=Path(__file__).resolve().parents[2],
        )  # fmt: skip
        for _ in range(2)
    ]
    assert [run.stderr.split()[-2:] for run in runs] == [["True", "True"], ["False", "False"]]
    assert runs[0].stdout == runs[1].stdout and json.loads(runs[1].stdout)["query_id"] == "q"


@pytest.mark.parametrize("micro", [0, 123_456, 999_999])
def test_the_now_stamp_is_written_as_a_computed_report_writes_its_as_of(micro):
    moment = datetime(2026, 12, 7, 2, 45, 57, micro, tzinfo=UTC)
    expected = pd.Timestamp(moment).floor("ms").isoformat()
    assert report_cache._now_stamp(moment) == expected

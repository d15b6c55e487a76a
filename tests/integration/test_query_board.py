"""A query names its own Scrum board (Settings' query editor, ``flowcast query --board``), which
wins over the profile's; bad boards are one sentence and nothing is saved or written. Real HTTP
to a Scrum fake (board 1 Scrum, board 2 Kanban), a real SQLite file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from callbacks import settings
from cli.main import cli
from data.analytics.sprints import sprint_summary
from data.errors import ValidationError
from data.jira.sync import sync
from data.profiles import manager as pm
from data.store import get_backend
from data.store import sprints as sprint_store
from fakejira import FakeJira
from layouts import ids
from tests.integration.jira_support import FAST_RETRY, make_profile

pytestmark = pytest.mark.usefixtures("backend")


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    with FakeJira("cloud", issues=120, seed=4, scrum=True) as server:
        yield server


def _save(profile_id: str, query_id: str | None, board: str, name: str = "Q") -> str:
    """Settings' Save with ``board`` typed in the Board field: the alert as "colour: text"."""
    alert, _version, _ = settings.query_action(
        ids.SETTINGS_QUERY_SAVE, profile_id, query_id, name, "project = DEMO", 0, board
    )
    parts = alert.children if isinstance(alert.children, list) else [alert.children]
    return f"{alert.color}: " + "".join(getattr(p, "children", p) for p in parts)


def test_the_querys_board_wins_over_the_profiles(fake: FakeJira, db_path: Path) -> None:
    profile_id, query_id = make_profile(fake, board_id=2)  # the profile names the Kanban board
    pm.update_query(profile_id, query_id, board_id=1)
    assert pm.query_board(pm.get_profile(profile_id), pm.get_query(profile_id, query_id)) == 1
    sync(profile_id, query_id, retry=FAST_RETRY)
    with get_backend().session() as conn:
        boards = {s["board_id"] for s in sprint_store.read_sprints(conn, profile_id)}
    assert boards == {1}
    summary = sprint_summary(profile_id, query_id)
    assert summary["board_id"] == 1
    assert [s["sprint_id"] for s in summary["sprints"]] == [
        s.id for s in fake.dataset.sprints if s.state != "future"
    ]
    # A second query of the profile without a board of its own reads the profile's, Kanban.
    other = pm.create_query(profile_id, "Other", "project = DEMO")
    assert pm.query_board(pm.get_profile(profile_id), pm.get_query(profile_id, other)) == 2


def test_settings_saves_a_board_checked_with_jira_and_says_so(fake: FakeJira) -> None:
    profile_id, query_id = make_profile(fake)
    assert settings.query_board(ids.SETTINGS_QUERY_SELECT, query_id, profile_id) == ""
    assert _save(profile_id, query_id, "1") == (
        "success: Query 'Q': set its board to 1; fetch it to update its data."
    )
    assert pm.get_query(profile_id, query_id)["board_id"] == 1
    assert settings.query_board(ids.SETTINGS_QUERY_SELECT, query_id, profile_id) == "1"
    assert settings.query_board(ids.SETTINGS_QUERY_NEW, query_id, profile_id) == ""
    assert _save(profile_id, query_id, "") == (
        "success: Query 'Q': cleared its board; fetch it to update its data."
    )
    assert pm.get_query(profile_id, query_id)["board_id"] is None


@pytest.mark.parametrize(
    ("board", "said"),
    [
        (
            "99",
            "danger: Not saved: JIRA has no board 99 this account can see; pick one of "
            "`flowcast sprint boards --profile …` and set it on the profile or query.",
        ),
        (
            "2",
            "danger: Not saved: Board 2 is a Kanban board without sprints; name a Scrum board "
            "instead.",
        ),
        (
            "one",
            "danger: Please check: Board 'one' is not a board id; give the number `flowcast sprint "
            "boards` lists (a whole number), or leave it empty for none.",
        ),
    ],
)
def test_a_bad_board_is_one_sentence_and_nothing_is_saved(
    fake: FakeJira, board: str, said: str
) -> None:
    profile_id, query_id = make_profile(fake)
    before = pm.get_query(profile_id, query_id)
    assert _save(profile_id, query_id, board, name="Renamed") == said
    assert pm.get_query(profile_id, query_id) == before
    assert _save(profile_id, None, board, name="New one") == said
    assert [q["name"] for q in pm.list_queries(profile_id)] == ["Q"]


def test_the_cli_names_and_clears_a_querys_board(fake: FakeJira) -> None:
    profile_id, query_id = make_profile(fake)
    runner = CliRunner()

    def run(*args: str) -> tuple[int, str]:
        result = runner.invoke(cli, list(args))
        return result.exit_code, result.output

    code, _ = run("query", "create", "--profile", profile_id, "Sprints", "--jql", "project = DEMO",
                  "--board", "1")  # fmt: skip
    assert code == 0
    created = pm.find_query(profile_id, "Sprints")
    assert created["board_id"] == 1
    assert run("query", "update", "--profile", profile_id, "Sprints", "--name", "S")[0] == 0
    assert pm.get_query(profile_id, created["id"])["board_id"] == 1  # kept
    assert run("query", "update", "--profile", profile_id, "S", "--board", "")[0] == 0
    assert pm.get_query(profile_id, created["id"])["board_id"] is None
    code, out = run("query", "update", "--profile", profile_id, "S", "--board", "-3")
    assert code == 1
    assert out.strip().endswith(
        "Board '-3' is not a board id; give the number `flowcast sprint boards` lists (a whole "
        "number), or leave it empty for none."
    )
    with pytest.raises(ValidationError):
        pm.create_query(profile_id, "Bad", "project = DEMO", board_id="1.5")
    assert {q["name"] for q in pm.list_queries(profile_id)} == {"Q", "S"}
    assert query_id in {q["id"] for q in pm.list_queries(profile_id)}

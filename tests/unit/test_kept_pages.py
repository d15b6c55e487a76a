"""Pages kept for later (report.kept, cache.get_page): a second render of the same stored data is
the page drawn the first time, a change to anything the page shows draws it again; the controls
a role may not use are locked in a copy, never in the page kept; a kept page is encoded once."""

from __future__ import annotations

import flask
import orjson
from dash._utils import to_json
from dash_bootstrap_components import Button

from callbacks import dora, forecast, review, shell
from callbacks.roles import CONTROLS_KEY, lock_controls
from data import plans
from data.acting import acting_as
from data.analytics import cache
from data.analytics.report import frozen
from data.analytics.snapshots import snapshot_weeks
from layouts import ids
from tests.components import find_component
from tests.metrics_support import seed_team


def _page_of(rendered):
    """The page without the "not fetched yet" notice a render may put before it."""
    return rendered[-1] if isinstance(rendered, list) else rendered


def test_frozen_values_are_equal_for_equal_contents():
    assert frozen({"b": [1, {"c": None}], "a": "x"}) == frozen({"a": "x", "b": [1, {"c": None}]})
    assert frozen({"a": [1, 2]}) != frozen({"a": [2, 1]})
    assert hash(frozen([{"a": [1.5, "w"]}])) == hash(frozen([{"a": [1.5, "w"]}]))


def test_the_review_page_is_kept_until_a_week_is_signed_off(backend):
    seed_team(backend)
    week = snapshot_weeks("team", "q", backfill=2)[-1]
    first = review.render("team", "q")
    assert review.render("team", "q") is first
    plans.sign_off_week("team", "q", week, "on track", actor="Lea")
    signed = review.render("team", "q")
    assert signed is not first
    assert "on track" in to_json(signed) and "on track" not in to_json(first)
    cache.clear_contexts()
    fresh = review.render("team", "q")
    assert fresh is not signed and to_json(fresh) == to_json(signed)


def test_the_dora_page_is_kept_until_the_snapshots_change(backend):
    seed_team(backend)
    weeks = snapshot_weeks("team", "q", backfill=1)
    first = _page_of(dora.render("team", "q"))
    assert _page_of(dora.render("team", "q")) is first
    snapshot_weeks("team", "q", backfill=3)  # two more weeks of trend
    more = _page_of(dora.render("team", "q"))
    assert more is not first
    assert len(weeks) == 1 and to_json(more) != to_json(first)


def test_the_forecast_page_is_kept_per_unit_and_follows_the_approved_plan(backend):
    seed_team(backend)
    items = forecast.render("team", "q", "items")
    assert forecast.render("team", "q", "items") is items
    points = forecast.render("team", "q", "points")
    assert points is not items
    assert find_component(points, ids.FORECAST_UNIT).value == "points"
    document = {"name": "Release", "type": "release", "status": "active",
                "scope_target": {"items": 40}, "deadline": "2027-03-31", "scope_items": []}  # fmt: skip
    plan_id = plans.create_plan("team", "q", "Release", document)
    plans.submit_version(plan_id)
    plans.approve_version(plan_id, notes="ok")
    approved = forecast.render("team", "q", "items")
    assert approved is not items and "Approved plan v1" in to_json(approved)


def test_locking_copies_what_it_locks_and_leaves_the_page_given(backend):
    untouched = Button("Fine", id="some-other-button")
    page = shell.html.Div([shell.html.Div([Button("Fetch", id=ids.HEADER_FETCH)]), untouched])
    before = to_json(page)
    app = flask.Flask(__name__)
    app.config[CONTROLS_KEY] = {ids.HEADER_FETCH: "fetch"}
    with app.app_context():
        with acting_as("vic", "viewer"):
            vic = lock_controls(page)
        with acting_as("vera", "viewer"):
            vera = lock_controls(page)
        with acting_as("lea", "lead"):
            lead = lock_controls(page)
    assert to_json(page) == before  # the page given (a kept one) is never changed
    assert lead is page  # nothing to lock: the page itself
    for name, locked in (("vic", vic), ("vera", vera)):
        button = find_component(locked, ids.HEADER_FETCH)
        assert button.disabled is True and button.title.startswith(f"{name} is a viewer")
        assert locked.children[1] is untouched  # what holds no locked control is shared


def test_a_kept_page_is_encoded_once_as_dash_would(backend):
    seed_team(backend)
    page = review.render("team", "q")
    answer = shell.encoded([None, page])
    assert answer[0] is None and isinstance(answer[1], orjson.Fragment)
    assert shell.encoded(page) is answer[1]
    assert orjson.loads(to_json({"children": answer})) == orjson.loads(
        to_json({"children": [None, page]})
    )

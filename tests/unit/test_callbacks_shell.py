"""The shell's adapters as plain functions: selection fallbacks and the page router."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import no_update

from callbacks import shell
from data.profiles import manager as profile_manager
from layouts import ids


def _two_profiles():
    first = profile_manager.create_profile("First")
    q1 = profile_manager.create_query(first, "Alpha", "project = A")
    second = profile_manager.create_profile("Second")
    q2 = profile_manager.create_query(second, "Beta", "project = B")
    return first, q1, second, q2


def test_resolve_selection_falls_back_to_an_existing_profile_and_query(backend):
    first, q1, _second, _q2 = _two_profiles()
    profiles, queries, selection = shell.resolve_selection(first, "gone")
    assert selection == {"profile": first, "query": q1}
    assert [q["id"] for q in queries] == [q1]
    assert len(profiles) == 2
    _profiles, _queries, nothing = shell.resolve_selection("gone", None)
    assert nothing["profile"] in {p["id"] for p in profiles}


def test_resolve_selection_with_no_profiles_selects_nothing(backend):
    assert shell.resolve_selection(None, None) == ([], [], {"profile": None, "query": None})


def test_switching_profile_picks_its_query_and_persists_it(backend):
    first, q1, second, q2 = _two_profiles()
    out = shell.update_selection(ids.HEADER_PROFILE, second, q1, {"profile": first, "query": q1})
    _profile_options, profile, query_options, query, selection, last_sync = out
    assert (profile, query) == (second, q2)
    assert query_options == [{"label": "Beta", "value": q2}]
    assert selection == {"profile": second, "query": q2}
    assert last_sync == "never"
    assert backend.get_app_state("active_profile_id") == second
    assert backend.get_app_state("active_query_id") == q2


def test_an_unchanged_selection_does_not_rerender_the_page(backend):
    first, q1, _second, _q2 = _two_profiles()
    out = shell.update_selection(ids.HEADER_QUERY, first, q1, {"profile": first, "query": q1})
    assert out[4] is no_update


def test_unknown_path_says_so(backend):
    page = shell.render_page("/nope", None)
    assert isinstance(page, dbc.Alert) and "no page at /nope" in page.children


def test_a_data_error_becomes_an_alert_not_a_traceback(backend):
    page = shell.render_page("/", {"profile": "ghost", "query": "q"})
    assert isinstance(page, dbc.Alert) and page.color == "danger"
    assert "ghost" in str(page.children)


def test_pages_without_a_selection_ask_for_one(backend):
    for path in ("/", "/flow", "/dora", "/review", "/plans"):
        page = shell.render_page(path, {"profile": None, "query": None})
        assert "Choose a profile and a query" in str(page), path


def test_pages_of_a_profile_without_queries_say_so(backend):
    profile_id = profile_manager.create_profile("Empty team")
    for path in ("/", "/flow", "/dora", "/review", "/plans"):
        page = shell.render_page(path, {"profile": profile_id, "query": None})
        assert page.children == (
            "Profile 'Empty team' has no queries yet; create one in Settings → Queries."
        ), path


def test_first_start_selects_the_given_query_once(backend):
    first, q1, second, q2 = _two_profiles()
    shell.select_on_first_start(second, q2)
    assert backend.get_app_state("active_query_id") == q2
    shell.select_on_first_start(first, q1)  # a later start keeps the user's selection
    assert backend.get_app_state("active_profile_id") == second

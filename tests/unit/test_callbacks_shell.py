"""The shell's adapters as plain functions: selection fallbacks and the page router."""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import no_update

from callbacks import settings, shell
from data.ops.verify import run_integrity_checks
from data.profiles import manager as profile_manager
from data.profiles import settings_versions
from layouts import ids


def _two_profiles():
    first = profile_manager.create_profile("First")
    q1 = profile_manager.create_query(first, "Alpha", "project = A")
    second = profile_manager.create_profile("Second")
    q2 = profile_manager.create_query(second, "Beta", "project = B")
    return first, q1, second, q2


def test_select_falls_back_to_an_existing_profile_and_query(backend):
    first, q1, _second, _q2 = _two_profiles()
    selected = profile_manager.select(first, "gone")
    assert (selected.profile_id, selected.query_id) == (first, q1)
    assert [q["id"] for q in selected.queries] == [q1]
    assert len(selected.profiles) == 2
    assert profile_manager.select("gone", None).profile_id in {p["id"] for p in selected.profiles}


def test_select_with_no_profiles_selects_nothing(backend):
    selected = profile_manager.select(None, None)
    assert (selected.profiles, selected.queries, selected.profile_id) == ([], [], None)


def test_a_switch_is_one_small_write_not_a_settings_save(backend):
    first, q1, second, q2 = _two_profiles()
    versions = len(settings_versions.settings_history(second))
    audited = len(backend.list_audit_entries())
    shell.update_selection(ids.HEADER_PROFILE, second, None, {"profile": first, "query": q1})
    # Choosing is not a settings change: no new settings version, no profile or query audit row
    # (only the changed active selection is audited).
    assert len(settings_versions.settings_history(second)) == versions
    new = backend.list_audit_entries()[: len(backend.list_audit_entries()) - audited]
    assert {(e["entity_type"], e["entity_id"]) for e in new} == {
        ("setting", "active_profile_id"),
        ("setting", "active_query_id"),
    }
    assert profile_manager.list_profiles()[0]["id"] == second  # most recently used first
    assert profile_manager.list_queries(second)[0]["id"] == q2


def test_a_page_load_reads_the_selection_without_writing(backend):
    first, q1, _second, _q2 = _two_profiles()
    profile_manager.switch_to(first, q1)
    audited = len(backend.list_audit_entries())
    before = profile_manager.get_profile(first)["last_used"]
    shell.serve_layout()
    assert len(backend.list_audit_entries()) == audited
    assert profile_manager.get_profile(first)["last_used"] == before


def test_switching_profile_picks_its_query_and_persists_it(backend):
    first, q1, second, q2 = _two_profiles()
    out = shell.update_selection(ids.HEADER_PROFILE, second, q1, {"profile": first, "query": q1})
    _profile_options, profile, query_options, query, selection, last_sync, *alert_slots = out
    assert (profile, query) == (second, q2)
    # What the alerts said was about the previous profile: the shell's, the fetch's, Cancel's.
    assert alert_slots == [None, None, None]
    assert query_options == [{"label": "Beta", "value": q2}]
    assert selection == {"profile": second, "query": q2}
    assert last_sync == "never"
    assert backend.get_app_state("active_profile_id") == second
    assert backend.get_app_state("active_query_id") == q2


def test_an_unchanged_selection_does_not_rerender_the_page(backend):
    first, q1, _second, _q2 = _two_profiles()
    out = shell.update_selection(ids.HEADER_QUERY, first, q1, {"profile": first, "query": q1})
    assert out[4] is no_update and out[6:] == (no_update,) * 3


def test_a_new_profile_is_selected_with_no_query_and_a_hint_to_add_one(backend):
    first, q1, _second, _q2 = _two_profiles()
    profile_manager.switch_to(first, q1)
    alert, version, _confirm = settings.profile_action(
        ids.SETTINGS_PROFILE_CREATE, "Third", first, 3
    )
    assert alert.color == "success" and "add a query under Queries" in alert.children
    # The header then re-reads the stored selection: Third, with no query, and the version bump
    # keeps the Create alert (only a choice made by hand clears the alerts).
    out = shell.update_selection(ids.SELECTION_VERSION, None, None, {"profile": first, "query": q1})
    third = out[1]
    assert profile_manager.get_profile(third)["name"] == "Third"
    assert (out[3], out[4]) == (None, {"profile": third, "query": None})
    assert out[6:] == (no_update,) * 3
    # The last profile's query did not stay active (verify used to flag it) ...
    assert backend.get_app_state("active_query_id") is None
    assert run_integrity_checks(backend.db_path) == (True, [])
    # ... and no page renders a "Not found" for it: each says the profile needs a query.
    for path in ("/", "/flow", "/plans"):
        page = shell.render_page(path, out[4])
        assert "has no queries yet" in str(page) and "Not found" not in str(page), path
    settings_page = str(shell.render_page("/settings", out[4]))
    assert "This profile has no queries yet" in settings_page


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

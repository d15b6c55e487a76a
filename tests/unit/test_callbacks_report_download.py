"""The header's Download report as a plain function: the selected query's standalone report,
named after the profile, query and day; without a selection, one sentence and no file."""

from __future__ import annotations

from dash import no_update

from callbacks.report_download import download_report
from data.jira.sync import sync
from data.profiles import manager as profile_manager
from tests.metrics_support import seed_team


def test_the_download_is_the_report_of_the_selected_query(backend, profile_id, fake):
    query_id = profile_manager.create_query(profile_id, "All of it", "project = DEMO")
    sync(profile_id, query_id)
    download, alert = download_report({"profile": profile_id, "query": query_id})
    assert alert is None
    assert download["type"] == "text/html"
    assert download["filename"].startswith("team_all-of-it_report_20")
    assert download["filename"].endswith(".html")
    content = download["content"]
    assert content.startswith("<!DOCTYPE html>") and "<h1>Team · All of it</h1>" in content
    assert content.count('<figure class="chart"') == 16


def test_without_a_query_it_says_what_to_choose(backend):
    download, alert = download_report({"profile": None, "query": None})
    assert download is no_update
    assert "Choose a profile and a query to download their report." in str(alert)


def test_an_unknown_query_is_one_sentence(backend):
    seed_team(backend)
    download, alert = download_report({"profile": "team", "query": "gone"})
    assert download is no_update
    assert "gone" in str(alert) and "Traceback" not in str(alert)

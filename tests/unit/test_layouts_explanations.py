"""Every card and chart of the metrics pages says what it is, and links to the section of
docs/metrics.md that explains it; the guide page gives every section the anchor it links to."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from dash import dcc

from callbacks import dora, flow, forecast, guide, review
from data.analytics.snapshots import snapshot_weeks
from data.jira.sync import sync
from data.profiles import manager as profile_manager
from layouts.guide import GUIDE_PATH, sections, slug

METRICS_DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
PAGES = {"forecast": forecast, "flow": flow, "dora": dora, "review": review}


def _pairs(component: Any, parent: Any = None):
    """(component, its parent) for every component under ``component``."""
    yield component, parent
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list | tuple) else [children]:
        if child is not None and hasattr(child, "to_plotly_json"):
            yield from _pairs(child, component)


def _classes(component: Any) -> str:
    return getattr(component, "className", None) or ""


def _links(component: Any) -> list[str]:
    return [
        c.href
        for c, _parent in _pairs(component)
        if type(c).__name__ == "A" and (c.href or "").startswith(GUIDE_PATH)
    ]


@pytest.fixture
def rendered(profile_id: str) -> dict[str, Any]:
    query_id = profile_manager.create_query(profile_id, "All", "project = DEMO")
    sync(profile_id, query_id)
    snapshot_weeks(profile_id, query_id, backfill=4)
    return {name: page.render(profile_id, query_id) for name, page in PAGES.items()}


def test_every_chart_and_card_says_what_it_is_with_a_link_to_its_section(rendered):
    anchors = {s.anchor for s in sections(METRICS_DOC.read_text(encoding="utf-8"))}
    for name, page in rendered.items():
        charts = cards = 0
        for component, parent in _pairs(page):
            if isinstance(component, dcc.Graph):
                charts += 1
                siblings = list(parent.children)
                after = siblings[siblings.index(component) + 1]
                assert "chart-about" in _classes(after), (name, component.id)
                assert after.children[0].children == "What is this? ", (name, component.id)
                assert len(_links(after)) == 1, (name, component.id)
            if "stat-card" in _classes(component):
                cards += 1
                assert len(_links(component)) == 1, (name, str(component)[:200])
        assert charts >= (1 if name == "review" else 4) and cards >= (0 if name == "review" else 4)
        for href in _links(page):
            assert href.split("#", 1)[1] in anchors, (name, href)


def test_the_guide_gives_each_section_its_github_anchor():
    assert slug("Cycle time, CFD, ageing WIP") == "cycle-time-cfd-ageing-wip"
    assert slug("Where this departs from METRICS.md") == "where-this-departs-from-metricsmd"
    assert slug("Mapping keys (Settings page)") == "mapping-keys-settings-page"
    text = "intro\n## One\nbody\n```\n# not a heading\n```\n### Two, too\nmore\n"
    assert [(s.level, s.title, s.body) for s in sections(text)] == [
        (0, "", "intro"),
        (2, "One", "body\n```\n# not a heading\n```"),
        (3, "Two, too", "more"),
    ]
    page = guide.render(None, None)
    ids = {c.id for c, _parent in _pairs(page) if isinstance(getattr(c, "id", None), str)}
    assert {"monte-carlo", "flow-metrics", "dora", "tiers", "weekly-snapshots-trends-drift"} <= ids

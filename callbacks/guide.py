"""The metrics guide page: docs/metrics.md from the checkout, and the scroll to the section a
"What is this?" link names (the page renders after the browser looked for the anchor)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dash import Dash, Input, Output

from layouts import ids
from layouts.guide import guide_layout

METRICS_DOC = Path(__file__).resolve().parents[1] / "docs" / "metrics.md"


def render(_profile_id: str | None, _query_id: str | None) -> Any:
    try:
        text = METRICS_DOC.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = None
    return guide_layout(text)


def register(app: Dash) -> None:
    app.clientside_callback(
        # The markdown blocks load and grow after the page is inserted: scroll once they have
        # been drawn (a block has text), at most for a few seconds.
        """function(children) {
            const anchor = decodeURIComponent(window.location.hash.slice(1));
            let tries = 50;
            const scroll = () => {
                const target = anchor && document.getElementById(anchor);
                const drawn = document.querySelector('.guide-section p, .guide-section li');
                if (target && drawn) {
                    target.scrollIntoView({block: 'start', behavior: 'instant'});
                } else if (tries-- > 0) {
                    setTimeout(scroll, 100);
                }
            };
            if (anchor) { setTimeout(scroll, 0); }
            return window.dash_clientside.no_update;
        }""",
        Output(ids.GUIDE_CONTENT, "id"),
        Input(ids.GUIDE_CONTENT, "children"),
    )

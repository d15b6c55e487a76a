"""The metrics guide page: docs/metrics.md shown inside the app, one block per section, each
heading carrying the anchor GitHub gives it, so every "What is this?" link opens its section."""

from __future__ import annotations

import re
from dataclasses import dataclass

from layouts import ids
from layouts.components import dbc, dcc, html

GUIDE_PATH = "/guide"
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


@dataclass(frozen=True)
class Section:
    level: int
    title: str
    body: str

    @property
    def anchor(self) -> str:
        return slug(self.title)


def slug(title: str) -> str:
    """GitHub's heading anchor: lower case, punctuation dropped, spaces to hyphens
    ("Cycle time, CFD, ageing WIP" -> "cycle-time-cfd-ageing-wip")."""
    kept = re.sub(r"[^\w\- ]", "", title.strip().lower())
    return kept.replace(" ", "-")


def sections(markdown: str) -> list[Section]:
    """The document cut at its headings (not at ``#`` lines inside code fences); text before the
    first heading is a section of level 0 without a title."""
    found: list[Section] = []
    level, title, lines, fenced = 0, "", [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith("```"):
            fenced = not fenced
        heading = None if fenced else _HEADING.match(line)
        if heading is None:
            lines.append(line)
            continue
        if title or any(text.strip() for text in lines):
            found.append(Section(level, title, "\n".join(lines).strip()))
        level, title, lines = len(heading.group(1)), heading.group(2), []
    found.append(Section(level, title, "\n".join(lines).strip()))
    return found


def guide_layout(markdown: str | None) -> html.Div:
    """The guide from the text of docs/metrics.md (None: the file is not installed)."""
    if markdown is None:
        return html.Div(
            dbc.Alert(
                "The metrics guide (docs/metrics.md) is not part of this installation; read it "
                "in Flowcast's source repository.",
                color="warning",
            ),
            id=ids.GUIDE_CONTENT,
        )
    blocks = []
    for section in sections(markdown):
        if section.title:
            heading = getattr(html, f"H{min(section.level + 1, 6)}")
            blocks.append(heading(section.title, id=section.anchor, className="mt-4"))
        if section.body:
            # Flowcast's own documentation, never JIRA text: markdown is safe to render here.
            blocks.append(dcc.Markdown(section.body, className="guide-section"))
    return html.Div(blocks, id=ids.GUIDE_CONTENT, className="guide")

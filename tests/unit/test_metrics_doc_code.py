"""docs/metrics.md names the function behind every section (## heading) ("Code: `module.function`"): each name
must exist, so a rename or a move that forgets the doc fails here."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

DOC = Path(__file__).resolve().parents[2] / "docs" / "metrics.md"
NAME = re.compile(r"`((?:data|fakejira)\.[a-z_.]+)`")


def sections() -> dict[str, str]:
    found: dict[str, str] = {}
    title = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if re.match(r"#{1,2} ", line):  # a ### subsection belongs to its section
            title = line.lstrip("# ").strip()
            found[title] = ""
        elif title:
            found[title] += line + "\n"
    return found


def code_names(body: str) -> list[str]:
    return [
        name
        for line in body.splitlines()
        if line.startswith("Code:")
        for name in NAME.findall(line)
    ]


def resolves(dotted: str) -> bool:
    module_name, _, attribute = dotted.rpartition(".")
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return False
    return callable(getattr(module, attribute, None))


def test_every_metric_section_names_its_code() -> None:
    exempt = {"Metrics: definitions, examples, settings", "Where this departs from METRICS.md"}
    missing = [
        title for title, body in sections().items() if title not in exempt and not code_names(body)
    ]
    assert missing == []


def test_every_named_function_exists() -> None:
    names = [name for body in sections().values() for name in code_names(body)]
    assert names, "no Code: lines found"
    assert [name for name in names if not resolves(name)] == []


def test_a_wrong_name_is_caught() -> None:
    assert not resolves("data.metrics.forecast.no_such_function")
    assert not resolves("data.metrics.no_such_module.pert_forecast")

"""Every table in the dashboard has a CSV download (issue 13 §3): the layouts and callbacks are
read as source, every table they build is listed, and a table without ``csv=`` fails, so a new
table cannot miss its button. The cells a CSV holds for components (the audit log's Change
cell) are the text the page shows."""

from __future__ import annotations

import ast
import csv
import io
from pathlib import Path

from dash import html

from layouts.common import component_text, csv_file, text_table

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted([*(ROOT / "layouts").glob("*.py"), *(ROOT / "callbacks").glob("*.py")])
TABLE_BUILDERS = {"Table", "DataTable"}  # dbc.Table, html.Table, dash_table.DataTable


def _calls(name: str) -> list[tuple[Path, ast.Call]]:
    found = []
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                func = node.func
                called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
                if called == name or (name == "*table" and called in TABLE_BUILDERS):
                    found.append((path, node))
    return found


def _table_id(call: ast.Call) -> str:
    first = call.args[0] if call.args else None
    if isinstance(first, ast.Attribute):
        return first.attr
    return ast.unparse(first) if first is not None else "None"


def _csv_name(call: ast.Call) -> str | None:
    for keyword in call.keywords:
        if keyword.arg == "csv" and not (
            isinstance(keyword.value, ast.Constant) and keyword.value.value is None
        ):
            return ast.unparse(keyword.value)
    return None


def test_every_table_has_a_csv_download() -> None:
    tables = [(path, call) for path, call in _calls("text_table") if path.name != "common.py"]
    listed = {_table_id(call) for _path, call in tables}
    # The tables the pages have today (a missing one here means the scan stopped finding them).
    assert {"FLOW_AGEING_TABLE", "FLOW_PAST_P85_TABLE", "FLOW_BLOCKED_TABLE", "FLOW_STALE_TABLE",
            "REVIEW_DELTAS", "REVIEW_SPRINTS", "PLANS_HISTORY", "DATA_AUDIT",
            "SETTINGS_HEALTH_TABLE", "SPRINTS_SCOPE_TABLE", "SPRINTS_FORECAST",
            "FORECAST_EPICS_TABLE"} <= listed  # fmt: skip
    missing = [
        f"{path.relative_to(ROOT)}:{call.lineno} ({_table_id(call)})"
        for path, call in tables
        if _csv_name(call) is None
    ]
    assert missing == [], f"tables without csv=: {missing}"


def test_tables_are_built_only_by_text_table() -> None:
    # A dbc.Table built by hand would have no CSV button; text_table is the one place.
    direct = [
        f"{path.relative_to(ROOT)}:{call.lineno}"
        for path, call in _calls("*table")
        if path.name != "common.py"
    ]
    assert direct == []


def test_csv_names_are_unique() -> None:
    names = [_csv_name(call) for _path, call in _calls("text_table")]
    names += [ast.unparse(call.args[0]) for _path, call in _calls("csv_download") if call.args]
    named = [n for n in names if n is not None and n != "csv"]  # text_table's own pass-through
    assert len(named) == len(set(named)), named


def test_a_component_cell_is_its_text() -> None:
    change = html.Div([html.Div("version: 1 → 2"), html.Div("+ name: Team")])
    assert component_text(change) == "version: 1 → 2\n+ name: Team"
    assert component_text(html.Li([html.Strong("2026-W48"), " signed off by Ada"])) == (
        "2026-W48 signed off by Ada"
    )
    assert component_text(html.Span()) == "" and component_text(12) == 12
    columns = [("key", "Key"), ("change", "Change")]
    file = csv_file("audit-log", columns, [{"key": "A-1", "change": change}])
    assert list(csv.reader(io.StringIO(file["content"]))) == [
        ["Key", "Change"], ["A-1", "version: 1 → 2\n+ name: Team"]
    ]  # fmt: skip
    # csv_records stand in for cells that show no text of their own (inputs).
    box = text_table("t", columns, [{"key": "A-1", "change": html.Div()}], csv="t",
                     csv_records=[{"key": "A-1", "change": "≥ 85 %"}])  # fmt: skip
    store = box.children[0].children[1]
    assert store.data["content"] == "Key,Change\nA-1,≥ 85 %\n"

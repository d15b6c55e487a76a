"""The JSON path grammar: what may reach a query, and the errors for everything else."""

from __future__ import annotations

import pytest

from data.errors import ValidationError
from data.store.json_paths import (
    MAX_PATH_LENGTH,
    child_path,
    validate_identifier,
    validate_json_path,
)


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("$.status", "$.status"),
        ("status", "$.status"),
        ("$.scope_target.points", "$.scope_target.points"),
        ("$.scope_items[0].key", "$.scope_items[0].key"),
        ("$.a.b[0].c", "$.a.b[0].c"),
        ("$._private9", "$._private9"),
        ("$.matrix[1][2]", "$.matrix[1][2]"),
    ],
)
def test_valid_paths(given: str, expected: str) -> None:
    assert validate_json_path(given) == expected


@pytest.mark.parametrize(
    "hostile",
    [
        "$.a'",
        "$.a')--",
        "$.a') OR 1=1 --",
        "status' OR '1'='1",
        '$."quoted"',
        "$.a b",
        "$.a;DROP TABLE plans",
        "$.a..b",
        "$.*",
        "$.a[*]",
        "$.a[-1]",
        "$.a[#-1]",
        "$.9lives",
        "$.stätus",  # non-ASCII identifiers are outside the grammar
        "$.a[١]",  # Arabic-Indic digit
        "$.a.",
        "$[0]x",
        "$.a\x00",
        "$.a\n",
    ],
)
def test_hostile_or_malformed_paths_are_refused(hostile: str) -> None:
    with pytest.raises(ValidationError, match="is not a JSON path Flowcast can search"):
        validate_json_path(hostile)


@pytest.mark.parametrize("bad", ["", None, 3, ["$.a"]])
def test_non_text_paths_are_refused(bad: object) -> None:
    with pytest.raises(ValidationError, match="is not a JSON path; write one like"):
        validate_json_path(bad)


def test_whole_document_path_is_refused() -> None:
    with pytest.raises(ValidationError, match="names the whole document"):
        validate_json_path("$")


def test_ten_kilobyte_path_is_refused_without_echoing_it() -> None:
    path = "$." + "a" * 10_240
    with pytest.raises(ValidationError) as info:
        validate_json_path(path)
    message = str(info.value)
    assert f"use at most {MAX_PATH_LENGTH}" in message
    assert len(message) < 200


def test_too_many_steps_are_refused() -> None:
    with pytest.raises(ValidationError, match="steps; use at most 16"):
        validate_json_path("$" + ".a" * 17)


def test_identifier_rule() -> None:
    assert validate_identifier("field name", "decision") == "decision"
    with pytest.raises(ValidationError, match="is not a valid field name"):
        validate_identifier("field name", "de'cision")


def test_child_path_quotes_keys_that_are_not_identifiers() -> None:
    assert child_path("$", "a") == "$.a"
    assert child_path("$.a", 3) == "$.a[3]"
    assert child_path("$", 'say "hi"') == '$."say \\"hi\\""'

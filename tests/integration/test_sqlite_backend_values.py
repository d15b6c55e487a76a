"""Values that are not JSON are refused with a clear error and nothing is written."""

from __future__ import annotations

import math

import pytest

from data.errors import ValidationError
from data.store.sqlite_backend import SQLiteBackend


@pytest.mark.parametrize("value", [math.nan, math.inf, {"a": {1, 2}}, object()])
def test_app_state_refuses_non_json_values(backend: SQLiteBackend, value: object) -> None:
    backend.set_app_state("k", "before")
    with pytest.raises(ValidationError, match=r"The value for 'k' cannot be stored as JSON"):
        backend.set_app_state("k", value)
    assert backend.get_app_state("k") == "before"


def test_profile_documents_refuse_nan(backend: SQLiteBackend) -> None:
    with pytest.raises(ValidationError, match="cannot be stored as JSON"):
        backend.save_profile(
            {"id": "p", "name": "P", "forecast_settings": {"pert_factor": math.nan}}
        )
    assert backend.get_profile("p") is None


def test_cached_responses_round_trip_exactly_including_huge_integers(
    backend: SQLiteBackend,
) -> None:
    backend.save_profile({"id": "p", "name": "P"})
    backend.save_query("p", {"id": "q", "name": "Q", "jql": "project = A"})
    # 2**70 does not fit the fast parser's 64 bits: the stdlib fallback must read it back exactly.
    response = {
        "issues": [{"key": "A-1", "fields": {"summary": "Zürich ✓"}}],
        "big": 2**70,
        "f": 1.5,
    }
    backend.save_jira_cache("p", "q", "k", response, "2999-01-01T00:00:00Z")
    assert backend.get_jira_cache("p", "q", "k") == response

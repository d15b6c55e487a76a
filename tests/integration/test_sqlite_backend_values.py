"""Values that are not JSON are refused with a clear error and nothing is written."""

from __future__ import annotations

import math

import pytest

from data.errors import ValidationError
from data.persistence.sqlite_backend import SQLiteBackend


@pytest.mark.parametrize("value", [math.nan, math.inf, {"a": {1, 2}}, object()])
def test_app_state_refuses_non_json_values(backend: SQLiteBackend, value: object) -> None:
    backend.set_app_state("k", "before")
    with pytest.raises(ValidationError, match=r"The value for 'k' cannot be stored as JSON"):
        backend.set_app_state("k", value)
    assert backend.get_app_state("k") == "before"


def test_profile_documents_refuse_nan(backend: SQLiteBackend) -> None:
    with pytest.raises(ValidationError, match="cannot be stored as JSON"):
        backend.save_profile({"id": "p", "name": "P", "forecast_settings": {"pert_factor": math.nan}})
    assert backend.get_profile("p") is None

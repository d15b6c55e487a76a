"""Fixtures the unit tests share: a fake JIRA and a profile connected to it (the Settings adapters)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from data.profiles import manager as profile_manager
from fakejira.server import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira


@pytest.fixture
def fake() -> Iterator[FakeJira]:
    with FakeJira(deployment="cloud", issues=50, seed=3) as server:
        yield server


@pytest.fixture
def profile_id(backend, fake: FakeJira) -> str:
    return profile_manager.create_profile(
        "Team",
        {"jira_config": {"base_url": fake.base_url, "deployment": "cloud",
                         "email": DEFAULT_EMAIL, "token": DEFAULT_TOKEN}},
    )  # fmt: skip

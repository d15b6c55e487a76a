"""A faithful fake JIRA (Cloud or Data Center) for tests, benchmarks and the demo.

See docs/fake-jira.md. `FakeJira` is the server; `Dataset` the generated project it serves.
"""

from data.jira.fake.dataset import Dataset
from data.jira.fake.faults import Fault, Faults
from data.jira.fake.server import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira, RequestRecord

__all__ = [
    "DEFAULT_EMAIL",
    "DEFAULT_TOKEN",
    "Dataset",
    "FakeJira",
    "Fault",
    "Faults",
    "RequestRecord",
]

"""A faithful fake JIRA (Cloud or Data Center) for tests, benchmarks and the demo.

See docs/fake-jira.md. `FakeJira` is the server; `Dataset` the generated project it serves.
"""

from fakejira.dataset import Dataset
from fakejira.faults import Fault, Faults, dead_jira
from fakejira.server import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira, RequestRecord

__all__ = [
    "DEFAULT_EMAIL",
    "DEFAULT_TOKEN",
    "Dataset",
    "FakeJira",
    "Fault",
    "Faults",
    "RequestRecord",
    "dead_jira",
]

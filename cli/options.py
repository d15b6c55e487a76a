"""The ``--profile`` and ``--query`` options the metrics commands share, and the ids they name."""

from __future__ import annotations

import click

from data.profiles import manager as pm

profile_option = click.option("--profile", "-p", required=True, help="Profile id or name.")
query_option = click.option("--query", "-q", required=True, help="Query id or name.")


def query_ids(profile: str, query: str) -> tuple[str, str]:
    """The profile's and the query's ids, each given by id or name."""
    profile_id = pm.find_profile(profile)["id"]
    return profile_id, pm.find_query(profile_id, query)["id"]

"""``flowcast sprint boards|list|report``: a profile's boards and the sprints of a query's board."""

from __future__ import annotations

import click

from cli.options import profile_option, query_ids, query_option
from cli.output import print_json, print_table
from data.analytics.sprints import sprint_summary
from data.jira.client import JiraClient
from data.profiles import manager as pm

_json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


@click.group("sprint")
def sprint() -> None:
    """Sprints of the query's Scrum board (query --board or the profile's board_id; fetch first)."""


@sprint.command("boards")
@profile_option
@_json_option
def boards(profile: str, as_json: bool) -> None:
    """The boards the profile's JIRA account can see (asks JIRA)."""
    found = pm.find_profile(profile)
    with JiraClient.from_profile(found) as client:
        rows = [
            {"id": b.get("id"), "name": b.get("name"), "type": b.get("type"),
             "project": (b.get("location") or {}).get("projectKey")}
            for b in client.boards()
        ]  # fmt: skip
    if as_json:
        print_json(rows)
    else:
        print_table(rows, ["id", "name", "type", "project"])


@sprint.command("list")
@profile_option
@query_option
@_json_option
def list_sprints(profile: str, query: str, as_json: bool) -> None:
    """Every started sprint with its scope changes and say/do (as stored by the last fetch)."""
    profile_id, query_id = query_ids(profile, query)
    rows = sprint_summary(profile_id, query_id)["sprints"]
    if as_json:
        print_json(rows)
        return
    print_table(
        rows,
        ["sprint_id", "name", "state", "committed_items", "added_items", "removed_items",
         "completed_items", "carried_over_items", "say_do_items"],
    )  # fmt: skip


@sprint.command("report")
@profile_option
@query_option
@click.option("--sprint", "sprint_id", type=int, help="Sprint id (default: the active one).")
@click.option("--as-of", help="Compute as known at this date or time (default: now).")
@_json_option
def report(
    profile: str, query: str, sprint_id: int | None, as_of: str | None, as_json: bool
) -> None:
    """One sprint's burndown, the velocity and the forecast in sprints."""
    profile_id, query_id = query_ids(profile, query)
    data = sprint_summary(profile_id, query_id, sprint_id=sprint_id, as_of=as_of)
    if as_json:
        print_json(data)
        return
    chosen = next((s for s in data["sprints"] if s["sprint_id"] == data["sprint_id"]), None)
    if chosen is None:
        click.echo(
            "No started sprint is stored; name the query's or the profile's board and fetch."
        )
        return
    print_table(
        [chosen],
        ["sprint_id", "name", "state", "committed_items", "completed_items", "say_do_items"],
    )
    print_table(data["velocity"], ["sprint_id", "name", "committed_items", "completed_items"])
    for unit, forecast in data["forecast"].items():
        click.echo(
            f"Forecast ({unit}): PERT {forecast['pert_date'] or '–'}, Monte Carlo P50 "
            f"{(forecast['monte_carlo_dates'] or {}).get('p50', '–')}, P85 "
            f"{(forecast['monte_carlo_dates'] or {}).get('p85', '–')}"
            + (f" ({forecast['reason']})" if forecast["reason"] else "")
        )

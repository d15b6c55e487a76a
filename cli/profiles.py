"""``flowcast profile …`` and ``flowcast query …``."""

from __future__ import annotations

import os

import click

from cli.output import print_json, print_listing
from data.errors import ValidationError
from data.profiles import manager as pm
from data.store.audit import mask_secrets

DEPLOYMENTS = ("auto", "cloud", "datacenter")


def _read_token(token_env: str | None, ask_token: bool) -> str | None:
    """Tokens come from the environment or a hidden prompt, never from argv (shell history, ps)."""
    if token_env:
        value = os.environ.get(token_env)
        if not value:
            raise ValidationError(
                f"The environment variable {token_env} is empty or unset; export the token there."
            )
        return value
    if ask_token:
        return click.prompt("JIRA API token", hide_input=True)
    return None


def _jira_config(
    jira_url: str | None,
    deployment: str | None,
    email: str | None,
    token: str | None,
    points_field: str | None,
) -> dict[str, object]:
    config: dict[str, object] = {}
    if jira_url is not None:
        if not jira_url.startswith(("http://", "https://")):
            raise ValidationError(
                f"{jira_url!r} is not a JIRA URL; use the site address, e.g. https://acme.atlassian.net."
            )
        config["base_url"] = jira_url.rstrip("/")
    if deployment is not None:
        config["deployment"] = deployment
    if email is not None:
        config["email"] = email
    if token is not None:
        config["token"] = token
    if points_field is not None:
        config["points_field"] = points_field
    return config


def _profile_row(p: dict[str, object]) -> dict[str, object]:
    jira = p.get("jira_config") or {}
    return {
        "id": p["id"],
        "name": p["name"],
        "jira_url": jira.get("base_url") if isinstance(jira, dict) else None,
        "last_used": p["last_used"],
    }


@click.group()
def profile() -> None:
    """Profiles: JIRA connections with their mappings and forecast settings."""


@profile.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def profile_list(as_json: bool) -> None:
    """List profiles, most recently used first."""
    profiles = pm.list_profiles()
    if as_json:
        print_json([mask_secrets(p) for p in profiles])
    else:
        print_listing(
            [_profile_row(p) for p in profiles], ["id", "name", "jira_url", "last_used"], False
        )


@profile.command("show")
@click.argument("profile_ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def profile_show(profile_ref: str, as_json: bool) -> None:
    """Show one profile (the token is masked)."""
    p = mask_secrets(pm.find_profile(profile_ref))
    p["queries"] = [q["id"] for q in pm.list_queries(p["id"])]
    p["metrics_time_zone"] = pm.metrics_time_zone(p)
    if as_json:
        print_json(p)
        return
    for key, value in p.items():
        if key != "metrics_time_zone":
            click.echo(f"{key:24} {value}")
    click.echo(f"{'metrics_time_zone':24} {p['metrics_time_zone']['reason']}")


@profile.command("create")
@click.argument("name")
@click.option("--jira-url", help="JIRA site address, e.g. https://acme.atlassian.net.")
@click.option("--deployment", type=click.Choice(DEPLOYMENTS), default=None, help="Default: detect.")
@click.option("--email", help="Account email (Cloud API tokens use Basic auth with it).")
@click.option(
    "--token-env", metavar="VAR", help="Read the API token / PAT from this environment variable."
)
@click.option("--ask-token", is_flag=True, help="Prompt for the token (hidden).")
@click.option("--points-field", help="Story points field id, e.g. customfield_10016.")
@click.option("--json", "as_json", is_flag=True, help="Print the new profile id as JSON.")
def profile_create(
    name: str,
    jira_url: str | None,
    deployment: str | None,
    email: str | None,
    token_env: str | None,
    ask_token: bool,
    points_field: str | None,
    as_json: bool,
) -> None:
    """Create a profile."""
    token = _read_token(token_env, ask_token)
    config = _jira_config(
        jira_url, deployment or ("auto" if jira_url else None), email, token, points_field
    )
    profile_id = pm.create_profile(name, {"jira_config": config})
    if as_json:
        print_json({"id": profile_id})
    else:
        click.echo(f"Created profile {profile_id}")


@profile.command("update")
@click.argument("profile_ref")
@click.option("--jira-url")
@click.option("--deployment", type=click.Choice(DEPLOYMENTS), default=None)
@click.option("--email")
@click.option(
    "--token-env", metavar="VAR", help="Read the new token from this environment variable."
)
@click.option("--ask-token", is_flag=True, help="Prompt for the new token (hidden).")
@click.option("--points-field")
@click.option(
    "--time-zone",
    metavar="ZONE",
    help="IANA zone the metrics count days and weeks in, e.g. Europe/Berlin; "
    "'jira' follows the JIRA user's time zone again (the default).",
)
def profile_update(
    profile_ref: str,
    jira_url: str | None,
    deployment: str | None,
    email: str | None,
    token_env: str | None,
    ask_token: bool,
    points_field: str | None,
    time_zone: str | None,
) -> None:
    """Change a profile's JIRA connection settings or its metrics time zone."""
    p = pm.find_profile(profile_ref)
    token = _read_token(token_env, ask_token)
    config = _jira_config(jira_url, deployment, email, token, points_field)
    if time_zone is not None:
        updated = pm.set_metrics_time_zone(p["id"], None if time_zone == "jira" else time_zone)
        click.echo(pm.metrics_time_zone(updated)["reason"])
    if config or time_zone is None:
        pm.update_profile(p["id"], {"jira_config": config})
    click.echo(f"Updated profile {p['id']}")


@profile.command("rename")
@click.argument("profile_ref")
@click.argument("new_name")
def profile_rename(profile_ref: str, new_name: str) -> None:
    """Rename a profile (its id stays)."""
    p = pm.find_profile(profile_ref)
    pm.rename_profile(p["id"], new_name)
    click.echo(f"Renamed profile {p['id']} to {new_name.strip()!r}")


@profile.command("delete")
@click.argument("profile_ref")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def profile_delete(profile_ref: str, yes: bool) -> None:
    """Delete a profile with its queries, fetched issues and snapshots."""
    p = pm.find_profile(profile_ref)
    if not yes:
        click.confirm(f"Delete profile {p['name']!r} and all its data?", abort=True)
    pm.delete_profile(p["id"])
    click.echo(f"Deleted profile {p['id']}")


@click.group()
def query() -> None:
    """Queries: named JQL scopes inside a profile."""


@query.command("list")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def query_list(profile_ref: str, as_json: bool) -> None:
    """List a profile's queries."""
    p = pm.find_profile(profile_ref)
    print_listing(pm.list_queries(p["id"]), ["id", "name", "jql", "board_id", "last_used"], as_json)


@query.command("create")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.argument("name")
@click.option("--jql", required=True, help='The JQL scope, e.g. "project = DEMO".')
@click.option("--description", default="")
@click.option(
    "--board", default=None, help="Scrum board id for its sprints (default: the profile's)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the new query id as JSON.")
def query_create(
    profile_ref: str, name: str, jql: str, description: str, board: str | None, as_json: bool
) -> None:
    """Create a query."""
    p = pm.find_profile(profile_ref)
    query_id = pm.create_query(p["id"], name, jql, description, board_id=board)
    if as_json:
        print_json({"id": query_id})
    else:
        click.echo(f"Created query {query_id} in profile {p['id']}")


@query.command("update")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.argument("query_ref")
@click.option("--name", default=None)
@click.option("--jql", default=None)
@click.option("--description", default=None)
@click.option(
    "--board", default=None, help='Scrum board id for its sprints; "" reads the profile\'s.'
)
def query_update(
    profile_ref: str,
    query_ref: str,
    name: str | None,
    jql: str | None,
    description: str | None,
    board: str | None,
) -> None:
    """Change a query's name, JQL, description or board."""
    p = pm.find_profile(profile_ref)
    q = pm.find_query(p["id"], query_ref)
    pm.update_query(
        p["id"], q["id"], name=name, jql=jql, description=description,
        board_id=pm.KEEP if board is None else board,
    )  # fmt: skip
    click.echo(f"Updated query {q['id']}")


@query.command("delete")
@click.option("--profile", "profile_ref", required=True, help="Profile id or name.")
@click.argument("query_ref")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def query_delete(profile_ref: str, query_ref: str, yes: bool) -> None:
    """Delete a query with its cached data and snapshots."""
    p = pm.find_profile(profile_ref)
    q = pm.find_query(p["id"], query_ref)
    if not yes:
        click.confirm(f"Delete query {q['name']!r}?", abort=True)
    pm.delete_query(p["id"], q["id"])
    click.echo(f"Deleted query {q['id']}")


@profile.command("test-connection")
@click.argument("profile_ref")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def test_connection(profile_ref: str, as_json: bool) -> None:
    """Check a profile's JIRA URL and credentials."""
    from data.jira import metadata  # the JIRA client only when a connection is tested

    p = pm.find_profile(profile_ref)
    info = metadata.test_connection(p)
    if as_json:
        print_json(info.__dict__)
        return
    click.echo(
        f"Connected to {info.server_title} {info.server_version} ({info.deployment}) as "
        f"{info.user_display_name} (time zone {info.time_zone})."
    )

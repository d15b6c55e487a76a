"""``flowcast user add|list|set-role|disable|enable|set-password``: team accounts (docs/team.md)."""

from __future__ import annotations

import os
from dataclasses import asdict

import click

from cli.output import print_json, print_table
from data.team import accounts

ROLE_CHOICE = click.Choice(accounts.ROLES)


NEW_PASSWORD_ENV = "FLOWCAST_NEW_PASSWORD"


def _password(prompt: str) -> str:
    """A new password: $FLOWCAST_NEW_PASSWORD for scripts, else typed twice, never echoed (never
    an option, which would leave it in the shell's history and the process list)."""
    return os.environ.get(NEW_PASSWORD_ENV) or click.prompt(
        prompt, hide_input=True, confirmation_prompt=True
    )


@click.group()
def user() -> None:
    """Team accounts: who may sign in to a team server, with which role."""


@user.command("add")
@click.argument("username")
@click.option("--role", type=ROLE_CHOICE, default="viewer", show_default=True)
@click.option("--name", "display_name", default="", help="How sign-offs name this user.")
def add(username: str, role: str, display_name: str) -> None:
    """Add a user who can sign in (the password is asked twice, or $FLOWCAST_NEW_PASSWORD)."""
    created = accounts.add_user(username, _password("Password"), role, display_name, actor="cli")
    click.echo(f"Added {created.username} ({created.role}).")


@user.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def list_command(as_json: bool) -> None:
    """List users, their roles and last logins (never passwords)."""
    rows = [asdict(u) for u in accounts.list_users()]
    if as_json:
        print_json(rows)
        return
    print_table(rows, ["username", "display_name", "role", "disabled", "last_login_at"])


@user.command("set-role")
@click.argument("username")
@click.argument("role", type=ROLE_CHOICE)
def set_role(username: str, role: str) -> None:
    """Give a user another role."""
    changed = accounts.set_role(username, role, actor="cli")
    click.echo(f"{changed.username} is now {changed.role}.")


@user.command("disable")
@click.argument("username")
def disable(username: str) -> None:
    """Stop a user from signing in (their sign-offs and history stay)."""
    accounts.disable_user(username, actor="cli")
    click.echo(f"Disabled {accounts.normalize_username(username)}.")


@user.command("enable")
@click.argument("username")
def enable(username: str) -> None:
    """Let a disabled user sign in again."""
    accounts.enable_user(username, actor="cli")
    click.echo(f"Enabled {accounts.normalize_username(username)}.")


@user.command("set-password")
@click.argument("username")
def set_password(username: str) -> None:
    """Set a user's password (asked twice, or $FLOWCAST_NEW_PASSWORD)."""
    accounts.set_password(username, _password("New password"), actor="cli")
    click.echo(f"Password of {accounts.normalize_username(username)} changed.")

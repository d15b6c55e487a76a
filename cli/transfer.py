"""``flowcast export`` and ``flowcast import``: one profile to a folder/zip and back, or the whole
database in the legacy JSON layout (to go back to the old version)."""

from __future__ import annotations

import click

from cli.output import print_json
from data.errors import ValidationError
from data.ops.transfer import export_legacy, export_profile, import_profile
from data.profiles import manager as profile_manager


@click.command("export")
@click.argument("dest", type=click.Path())
@click.option("--profile", "profile_ref", help="Profile id or name (for the flowcast format).")
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["flowcast", "legacy"]),
    default="flowcast",
    show_default=True,
    help="flowcast: one profile to a folder or .zip; legacy: everything in the old JSON layout.",
)
@click.option("--include-token", is_flag=True, help="Keep the JIRA token in the export.")
@click.option("--force", is_flag=True, help="legacy format: overwrite existing legacy files.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def export_command(
    dest: str,
    profile_ref: str | None,
    export_format: str,
    include_token: bool,
    force: bool,
    as_json: bool,
) -> None:
    """Export a profile (DEST is a new folder, or a file ending in .zip) or the legacy layout."""
    if export_format == "legacy":
        counts = export_legacy(dest, force=force, include_token=include_token)
        if as_json:
            print_json({"dest": dest, **counts, "token_included": include_token})
        else:
            click.echo(
                f"Wrote {counts['profiles']} profile(s) and {counts['queries']} query(ies) in the "
                f"legacy layout under {dest}."
            )
            if not include_token:
                click.echo(
                    "The JIRA token is not included; enter it in the old version, or export "
                    "again with --include-token."
                )
        return
    if not profile_ref:
        raise ValidationError("Name the profile to export with --profile ID_OR_NAME.")
    profile = profile_manager.find_profile(profile_ref)
    path = export_profile(profile["id"], dest, include_token=include_token)
    if as_json:
        print_json(
            {"profile_id": profile["id"], "path": str(path), "token_included": include_token}
        )
    else:
        click.echo(f"Exported profile {profile['name']!r} to {path}.")
        if not include_token:
            click.echo("The JIRA token is not included; enter it again after importing.")


@click.command("import")
@click.argument("path", type=click.Path(exists=True))
@click.option("--name", help="Name for the imported profile (default: the exported name).")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def import_command(path: str, name: str | None, as_json: bool) -> None:
    """Import a profile that `flowcast export --profile` wrote (folder or .zip)."""
    profile_id = import_profile(path, name)
    if as_json:
        print_json({"profile_id": profile_id})
    else:
        click.echo(f"Imported as profile {profile_id!r}.")

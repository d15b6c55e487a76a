"""``flowcast fake-jira``: run the fake JIRA server in the foreground (demo, manual testing)."""

from __future__ import annotations

import signal

import click

from fakejira import DEFAULT_EMAIL, DEFAULT_TOKEN, FakeJira
from fakejira.errors import FakeJiraConfigError
from fakejira.faults import KINDS


@click.command("fake-jira")
@click.option(
    "--port",
    default=8765,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port on 127.0.0.1 (0 picks a free one and prints it).",
)
@click.option(
    "--deployment",
    type=click.Choice(["cloud", "datacenter"]),
    default="cloud",
    show_default=True,
    help="Which JIRA to behave like.",
)
@click.option(
    "--issues",
    default=500,
    show_default=True,
    type=click.IntRange(0, 200_000),
    help="How many issues the generated project holds.",
)
@click.option(
    "--seed",
    default=7,
    show_default=True,
    type=int,
    help="Seed of the generated data (same seed, same data).",
)
@click.option(
    "--latency-ms",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Delay added to every request.",
)
@click.option(
    "--fault",
    "faults",
    multiple=True,
    metavar="SPEC",
    help=f"Inject a fault: KIND[:count=N|all,after=N,endpoint=NAME,retry_after=S,"
    f"delay_ms=N]; KIND is one of {', '.join(KINDS)}. Repeatable.",
)
@click.option("--project", default="DEMO", show_default=True, help="Project key served.")
@click.option(
    "--email",
    default=DEFAULT_EMAIL,
    show_default=True,
    help="Account e-mail accepted (Basic user name on Data Center: its local part).",
)
@click.option(
    "--token",
    default=DEFAULT_TOKEN,
    envvar="FLOWCAST_FAKE_JIRA_TOKEN",
    show_default=True,
    help="API token / personal access token accepted.",
)
@click.option(
    "--no-basic", is_flag=True, help="Data Center: refuse Basic auth with 403, like Jira DC 11."
)
@click.option(
    "--anonymous-myself",
    is_flag=True,
    help="Data Center: answer /myself with 200 as anonymous to a bad token (not 401).",
)
@click.option(
    "--timezone",
    default="America/Chicago",
    show_default=True,
    help="The JIRA user's time zone (timestamps and JQL dates use it).",
)
@click.option(
    "--scrum",
    is_flag=True,
    help="A Scrum team: a Scrum board with fortnightly sprints, the Sprint field and its "
    "history, epics and sub-tasks.",
)
def fake_jira(
    port: int,
    deployment: str,
    issues: int,
    seed: int,
    latency_ms: float,
    faults: tuple[str, ...],
    project: str,
    email: str,
    token: str,
    no_basic: bool,
    anonymous_myself: bool,
    timezone: str,
    scrum: bool,
) -> None:
    """Serve a fake JIRA Cloud or Data Center on 127.0.0.1 until Ctrl+C."""
    try:
        fake = FakeJira(
            deployment,
            issues=issues,
            seed=seed,
            latency_ms=latency_ms,
            project=project.upper(),
            email=email,
            token=token,
            basic_auth=not no_basic,
            anonymous_myself=anonymous_myself,
            port=port,
            timezone=timezone,
            scrum=scrum,
        )
        for spec in faults:
            fake.faults.add_spec(spec)
    except FakeJiraConfigError as exc:
        raise click.ClickException(str(exc)) from None
    # A process started in the background by a shell (``make test &``, nohup, CI runners) inherits
    # SIGINT as ignored, and Python then leaves it ignored: Ctrl+C (or the SIGINT a test sends)
    # would do nothing. This command stops on SIGINT and SIGTERM whatever it inherited.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        # Inside the try: a Ctrl+C right after the banner must still stop cleanly.
        fake.start()
        click.echo(
            f"Fake JIRA {deployment} serving {len(fake.dataset)} {fake.dataset.project} issues "
            f"(seed {seed}) on {fake.base_url} for {email}; press Ctrl+C to stop."
        )
        fake.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        fake.stop()


def _interrupt(_signum: int, _frame: object) -> None:
    """SIGTERM stops the server like Ctrl+C does."""
    raise KeyboardInterrupt

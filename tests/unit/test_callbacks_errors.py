"""callbacks.errors.alert_on_error: a data-layer error becomes the callback's alert output."""

from __future__ import annotations

import pytest
from dash import no_update

from callbacks.errors import ALERT, alert_on_error
from data.errors import JiraError, NotFoundError, ValidationError
from data.jira import metadata
from data.jira.client import RetryPolicy
from fakejira import FakeJira, dead_jira


def _alert_text(alert) -> tuple[str, str]:
    heading, body = alert.children
    return heading.children, body.children


def test_the_alert_goes_where_alert_stands_and_the_rest_as_given() -> None:
    @alert_on_error(no_update, ALERT, False)
    def save(value):
        raise ValidationError(f"{value} is not a date; use YYYY-MM-DD.")

    first, alert, third = save("31/01/2027")
    assert first is no_update and third is False
    assert alert.color == "danger"
    assert _alert_text(alert) == ("Please check: ", "31/01/2027 is not a date; use YYYY-MM-DD.")


def test_a_single_output_gets_the_alert_alone_and_success_passes_through() -> None:
    @alert_on_error()
    def render(fail):
        if fail:
            raise NotFoundError("No query 'q' in profile 'p'; pick another.")
        return "page"

    assert render(False) == "page"
    assert _alert_text(render(True)) == (
        "Not found: ",
        "No query 'q' in profile 'p'; pick another.",
    )


def test_jira_errors_say_jira_said() -> None:
    @alert_on_error()
    def discover():
        raise JiraError("The JQL has an error: Field 'x' does not exist.")

    assert _alert_text(discover())[0] == "JIRA said: "


@pytest.mark.parametrize(
    ("dead", "title"),
    [("refused", "No answer from JIRA: "), ("silent", "No answer from JIRA: ")],
)
def test_nothing_answering_is_not_jira_said(dead: str, title: str) -> None:
    """Test connection against an address where no JIRA answers, as the Settings page runs it."""
    policy = RetryPolicy(sleep=lambda s: None, connect_timeout=0.3)
    with dead_jira(dead) as url:
        profile = {"name": "Dead", "jira_config": {"base_url": url, "deployment": "datacenter"}}
        alert = alert_on_error()(metadata.test_connection)(profile, retry=policy)
    heading, message = _alert_text(alert)
    assert heading == title and message.startswith(f"Nothing answered at {url}")


def test_an_answer_that_cannot_be_read_says_so() -> None:
    with FakeJira("cloud", issues=3) as fake:
        fake.faults.add("html")
        profile = {"name": "Proxied", "jira_config": {"base_url": fake.base_url}}
        alert = alert_on_error()(metadata.test_connection)(profile)
    heading, message = _alert_text(alert)
    assert heading == "Unreadable answer from JIRA: " and "is a web page" in message


def test_an_unexpected_error_still_reaches_the_app_wide_handler() -> None:
    @alert_on_error()
    def broken():
        raise KeyError("profile")

    with pytest.raises(KeyError):
        broken()


@pytest.mark.parametrize("outputs", [(no_update, False), (ALERT, ALERT)])
def test_alert_must_stand_exactly_once(outputs) -> None:
    with pytest.raises(ValueError, match="ALERT exactly once"):
        alert_on_error(*outputs)

"""callbacks.errors.alert_on_error: a data-layer error becomes the callback's alert output."""

from __future__ import annotations

import pytest
from dash import no_update

from callbacks.errors import ALERT, alert_on_error
from data.errors import JiraError, NotFoundError, ValidationError


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

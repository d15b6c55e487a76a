"""The dark theme in Chromium: Dash's own components stay readable on it."""

from __future__ import annotations

from dash.testing.wait import until

from layouts import ids
from tests.browser.conftest import click

TIMEOUT = 30
# Contrast ratio (WCAG) between an element's text colour (alpha blended over the page) and the page.
CONTRAST_SCRIPT = """
const parse = c => c.match(/[\\d.]+/g).map(Number);
const page = parse(getComputedStyle(document.body).backgroundColor);
const [r, g, b, a = 1] = parse(getComputedStyle(document.querySelector(arguments[0])).color);
const text = [r, g, b].map((v, i) => v * a + page[i] * (1 - a));
const lum = rgb => {
    const [R, G, B] = rgb.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * R + 0.7152 * G + 0.0722 * B;
};
const [hi, lo] = [lum(text), lum(page.slice(0, 3))].sort((x, y) => y - x);
return (hi + 0.05) / (lo + 0.05);
"""


def _wait_for_dark(dash_duo) -> None:
    script = "return document.documentElement.getAttribute('data-bs-theme')"
    until(lambda: dash_duo.driver.execute_script(script) == "dark", TIMEOUT)


def test_dropdown_and_date_placeholders_are_readable_in_the_dark_theme(start_app, demo):
    # Dash 4 draws placeholders in its own dark blue (--Dash-Text-Disabled): about 1.1:1 on the
    # dark page, so "No backups yet" and "Select Date" could not be read.
    dash_duo = start_app()
    click(dash_duo, ids.THEME_SWITCH)
    _wait_for_dark(dash_duo)
    dash_duo.driver.get(dash_duo.server_url + "/data")
    _wait_for_dark(dash_duo)  # the switch is persisted: a reload stays dark
    placeholder = f"#{ids.DATA_BACKUP_LIST} .dash-dropdown-placeholder"
    dash_duo.wait_for_element(placeholder, TIMEOUT)
    ratio = dash_duo.driver.execute_script(CONTRAST_SCRIPT, placeholder)
    assert ratio >= 4.5, ratio
    dash_duo.driver.get(dash_duo.server_url + "/settings")
    _wait_for_dark(dash_duo)
    dash_duo.wait_for_element(f"#{ids.SETTINGS_FORECAST_DEADLINE}", TIMEOUT)
    ratio = dash_duo.driver.execute_script(
        CONTRAST_SCRIPT.replace(").color", ", '::placeholder').color"),
        f"#{ids.SETTINGS_FORECAST_DEADLINE}",
    )
    assert ratio >= 4.5, ratio
    assert dash_duo.get_logs() == []

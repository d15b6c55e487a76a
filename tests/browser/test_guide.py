"""'What is this?' in Chromium: a chart's link opens the metrics guide at its section in a new
tab, and a card's '?' carries the definition on hover."""

from __future__ import annotations

from dash.testing.wait import until

from layouts import ids
from tests.browser.conftest import wait_for_graph

TIMEOUT = 30
# The "What is this?" line that follows a chart.
ABOUT_SCRIPT = """
let node = document.getElementById(arguments[0]);
while (!node.nextElementSibling) { node = node.parentNode; }
const about = node.nextElementSibling;
"""


def test_a_chart_s_read_more_opens_the_guide_at_its_section(start_app, fetched_demo):
    dash_duo = start_app()
    wait_for_graph(dash_duo, ids.FORECAST_FINISH_DATES, TIMEOUT)
    about = dash_duo.driver.execute_script(
        ABOUT_SCRIPT + "return about.innerText;", ids.FORECAST_FINISH_DATES
    )
    assert about.startswith("What is this? ") and about.endswith("Read more"), about
    card_link = dash_duo.find_element(f"#{ids.FORECAST_CARDS} .guide-link")
    assert card_link.text == "?" and "Issues (and story points)" in card_link.get_attribute("title")

    dash_duo.driver.execute_script(
        ABOUT_SCRIPT + "about.querySelector('a').click();", ids.FORECAST_FINISH_DATES
    )
    until(lambda: len(dash_duo.driver.window_handles) == 2, TIMEOUT)
    dash_duo.driver.switch_to.window(dash_duo.driver.window_handles[1])
    dash_duo.wait_for_element(f"#{ids.GUIDE_CONTENT} #monte-carlo", timeout=TIMEOUT)
    # Scrolled to the section: its heading at the top of the window (to the sub-pixel: the
    # browser scrolls in whole pixels, the layout above it is fractional), far down the guide.
    until(
        lambda: dash_duo.driver.execute_script(
            "const top = document.getElementById('monte-carlo').getBoundingClientRect().top;"
            "return window.scrollY > 500 && top > -1 && top < 100;"
        ),
        TIMEOUT,
    )
    assert dash_duo.driver.current_url.endswith("/guide#monte-carlo")
    assert dash_duo.get_logs() == []

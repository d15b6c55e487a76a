"""What the browser benchmarks share: the app served in this process, headless Chromium, waiting."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Callable
from typing import Any

CHROMIUM = "/usr/bin/chromium"


def serve_quietly(app: Any) -> int:
    """Run the Dash app on a free loopback port in a daemon thread; returns the port. No
    per-request lines from werkzeug and no "Serving Flask app" banner (Flask prints it
    unconditionally; replacing it is the only switch)."""
    import flask.cli

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    app.logger.setLevel(logging.ERROR)
    flask.cli.show_server_banner = lambda *args, **kwargs: None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    threading.Thread(
        target=lambda: app.run(host="127.0.0.1", port=port, debug=False, use_reloader=False),
        daemon=True,
    ).start()
    time.sleep(1.0)
    return port


def chromium(width: int = 1280, height: int = 1000) -> Any:
    """Headless Debian Chromium through its chromedriver."""
    from selenium import webdriver

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", f"--window-size={width},{height}"):  # fmt: skip
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def wait(condition: Callable[[], Any], timeout: float = 60) -> None:
    """Poll ``condition`` every 10 ms until it is true; TimeoutError after ``timeout`` seconds."""
    end = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > end:
            raise TimeoutError("the page did not finish in time")
        time.sleep(0.01)

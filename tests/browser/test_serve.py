"""`balancecoach serve` in a real headless Chromium: the home screen appears, a key press
reaches the app and changes the screen, nothing is asked of another host, and Ctrl+C on the
server ends the tab's session.

The page draws the terminal on a canvas, so the test reads the screen's text from the
terminal's own buffer: a script added before the page's own scripts records the terminal
object when its fit add-on is attached."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, Route, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from serve_support import LISTS_PROCESSES, Served, app_processes

from balancecoach.tui.serve import SHUTDOWN_SECONDS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-proxy-server",
]
WAIT_MS = 30_000

pytestmark = pytest.mark.skipif(
    not Path(CHROMIUM).exists(),
    reason=f"no Chromium browser at {CHROMIUM}: `python3 scripts/dev.py test` installs Debian's "
    "chromium package when run as root on Debian or Ubuntu",
)

# Wraps FitAddon.prototype.activate as the bundle defines the class, to keep the terminal.
RECORD_TERMINAL = """
(() => {
  const keep = (addon) => {
    if (typeof addon === "function" && addon.prototype && !addon.__recorded) {
      const activate = addon.prototype.activate;
      addon.prototype.activate = function (terminal) {
        window.__terminal = terminal;
        return activate.call(this, terminal);
      };
      addon.__recorded = true;
    }
    return addon;
  };
  Object.defineProperty(Object.prototype, "FitAddon", {
    configurable: true,
    get() { return undefined; },
    set(value) {
      let current;
      Object.defineProperty(this, "FitAddon", {
        configurable: true,
        enumerable: true,
        get() { return current; },
        set(next) { current = keep(next); },
      });
      this.FitAddon = value;
    },
  });
  window.__screenText = () => {
    const terminal = window.__terminal;
    if (!terminal) return "";
    const buffer = terminal.buffer.active;
    const lines = [];
    for (let y = 0; y < terminal.rows; y++) {
      const line = buffer.getLine(buffer.viewportY + y);
      lines.push(line ? line.translateToString(true) : "");
    }
    return lines.join("\\n");
  };
})();
"""


@dataclass
class Tab:
    """A browser tab, and the requests it made to anywhere but the server (refused)."""

    page: Page
    refused: list[str]


@pytest.fixture
def tab(served: Served) -> Iterator[Tab]:
    """A browser tab that may reach the server's address only; others are refused."""
    allowed = urlsplit(served.url).netloc
    refused: list[str] = []

    def only_local(route: Route) -> None:
        if urlsplit(route.request.url).netloc == allowed:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, timeout=WAIT_MS
        )
        try:
            context = browser.new_context(viewport={"width": 1200, "height": 760})
            context.route("**/*", only_local)
            page = context.new_page()
            page.set_default_timeout(WAIT_MS)
            page.add_init_script(RECORD_TERMINAL)
            yield Tab(page, refused)
        finally:
            browser.close()


def wait_for_screen(page: Page, *texts: str, absent: tuple[str, ...] = ()) -> str:
    """Wait until the terminal shows every one of `texts` and none of `absent`; its text."""
    try:
        page.wait_for_function(
            "([present, absent]) => { const s = window.__screenText();"
            " return present.every(t => s.includes(t)) && !absent.some(t => s.includes(t)); }",
            arg=[list(texts), list(absent)],
            timeout=WAIT_MS,
        )
    except PlaywrightTimeoutError:
        if not page.evaluate("!!window.__terminal"):
            pytest.fail("the page never attached its terminal (has textual.js changed?)")
        shown = page.evaluate("window.__screenText()")
        pytest.fail(f"waited for {texts} without {absent}; the screen shows:\n{shown}")
    return page.evaluate("window.__screenText()")


def test_the_app_runs_in_a_browser(served: Served, tab: Tab, tmp_path: Path) -> None:
    page = tab.page
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(served.url, wait_until="load")

    home = wait_for_screen(page, "Practices", "Harbour Family Dental", "New practice")
    page.screenshot(path=tmp_path / "home.png")
    assert str(served.data) in home  # the header names the data directory it was given

    page.focus("textarea.xterm-helper-textarea")
    page.keyboard.press("d")  # home: d opens the demo practice
    practice = wait_for_screen(
        page, "Harbour Family Dental", "Start visit", absent=("New practice",)
    )
    page.screenshot(path=tmp_path / "practice.png")
    assert "New checkpoint" in practice

    page.keyboard.press("Escape")  # and back to the list
    wait_for_screen(page, "Practices", "New practice", absent=("Start visit",))

    assert [urlsplit(url)[:3] for url in sockets] == [("ws", f"127.0.0.1:{served.port}", "/ws")]
    assert tab.refused == []
    assert app_processes(served.data) or not LISTS_PROCESSES, "the tab's app is not running"

    took = served.interrupt()  # Ctrl+C while the tab is open
    assert served.process.returncode == 0, served.output()
    assert took < SHUTDOWN_SECONDS + 2, f"stopping took {took:.1f} s"
    assert "Traceback" not in served.output(), served.output()
    page.wait_for_selector("body.-closed", timeout=10_000)
    assert page.locator(".ended").is_visible()
    deadline = time.monotonic() + 5
    while app_processes(served.data) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert app_processes(served.data) == []

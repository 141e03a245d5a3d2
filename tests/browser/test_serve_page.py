"""`balancecoach serve` without a browser: the page loads nothing from another host, and
Ctrl+C stops the server and the app it started. All traffic stays on 127.0.0.1."""

from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import aiohttp
from serve_support import LISTS_PROCESSES, Served, app_processes

from balancecoach.tui.serve import SHUTDOWN_SECONDS

#: Attributes through which a page makes the browser load something.
LOADING_ATTRIBUTES = {"src", "srcset", "poster", "data", "background"}
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]+)|@import\s+['"]([^'"]+)""")


class _References(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.websockets: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if value is None:
                continue
            if name in LOADING_ATTRIBUTES or (tag == "link" and name == "href"):
                self.urls.extend(part.split()[0] for part in value.split(",") if part.strip())
            elif name == "style":
                self.urls.extend(_css_urls(value))
            elif name.startswith("data-") and name.endswith("-url"):
                self.websockets.append(value)
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.urls.extend(_css_urls(data))


def _css_urls(css: str) -> list[str]:
    return [a or b for a, b in CSS_URL.findall(css)]


def references(html: str) -> tuple[list[str], list[str]]:
    """The URLs a page loads (scripts, styles, fonts, images), and its data-*-url values."""
    parser = _References()
    parser.feed(html)
    return parser.urls, parser.websockets


def off_host(urls: list[str], base: str) -> list[str]:
    """Those of `urls` that resolve to a host other than `base`'s."""
    home = urlsplit(base).netloc
    return [u for u in urls if urlsplit(urljoin(base, u)).netloc != home]


def fetch(url: str) -> tuple[int, bytes]:
    # No proxy: the request must go straight to the local server.
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=10) as response:
        return response.status, response.read()


def test_the_check_finds_outside_hosts() -> None:
    page = """<html><head>
      <link rel="stylesheet" href="https://fonts.example.org/css?family=Mono">
      <script src="//cdn.example.net/x.js"></script>
      <link rel="stylesheet" href="/static/css/local.css">
      <style>@import "http://styles.example.com/a.css";
        @font-face { src: url('https://fonts.example.org/m.ttf') }
        .x { background: url(/static/images/b.png) }</style>
      </head><body><img src="https://img.example.com/i.png"
        srcset="/a.png 1x, https://i.example.com/b.png 2x">
      <a href="https://example.com/not-loaded">a link loads nothing</a></body></html>"""
    urls, _ = references(page)
    assert sorted(off_host(urls, "http://127.0.0.1:8000/")) == [
        "//cdn.example.net/x.js",
        "http://styles.example.com/a.css",
        "https://fonts.example.org/css?family=Mono",
        "https://fonts.example.org/m.ttf",
        "https://i.example.com/b.png",
        "https://img.example.com/i.png",
    ]


def test_the_page_needs_nothing_from_another_host(served: Served) -> None:
    status, body = fetch(served.url)
    assert status == 200
    html = body.decode("utf-8")
    urls, sockets = references(html)
    # The terminal script, its stylesheet and the font, all from this server.
    assert any(u.endswith(".js") for u in urls), urls
    assert any(u.endswith(".css") for u in urls), urls
    assert any(u.endswith(".ttf") for u in urls), urls
    assert off_host(urls, served.url) == []
    assert sockets == [f"ws://127.0.0.1:{served.port}/ws"]
    for url in urls:
        status, content = fetch(urljoin(served.url, url))
        assert status == 200, url
        assert content, url
        if url.endswith(".css"):
            assert off_host(_css_urls(content.decode("utf-8")), served.url) == [], url


def test_ctrl_c_stops_the_server_and_the_app_it_started(served: Served) -> None:
    async def session_then_interrupt() -> tuple[int, float]:
        url = f"ws://127.0.0.1:{served.port}/ws?width=80&height=24"
        async with (
            aiohttp.ClientSession(trust_env=False) as client,
            client.ws_connect(url, timeout=aiohttp.ClientWSTimeout(ws_close=10)) as ws,
        ):
            received = 0
            first_screen = asyncio.Event()

            async def read() -> None:
                # Reading on, as a browser does, answers the server's closing handshake.
                nonlocal received
                async for message in ws:
                    if message.type == aiohttp.WSMsgType.BINARY:
                        received += len(message.data)
                        if received >= 2000:  # the app's first screen is far more
                            first_screen.set()

            reader = asyncio.create_task(read())
            await asyncio.wait_for(first_screen.wait(), timeout=30)
            started = app_processes(served.data) or not LISTS_PROCESSES
            assert started, "no app process started for the connection"
            took = await asyncio.get_running_loop().run_in_executor(None, served.interrupt)
            await asyncio.wait_for(reader, timeout=5)
            return received, took

    received, took = asyncio.run(session_then_interrupt())
    output = served.output()
    assert received >= 2000, output
    assert served.process.returncode == 0, output
    assert "Stopped serving." in output
    assert "Traceback" not in output, output
    assert took < SHUTDOWN_SECONDS + 2, f"stopping took {took:.1f} s"
    deadline = time.monotonic() + 5
    while app_processes(served.data) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert app_processes(served.data) == []

"""The web server behind `balancecoach serve`, built on textual-serve.

textual-serve runs a shell command per browser connection and relays the terminal through a
websocket. On top of it this server: serves a page of its own that loads nothing from
another host (textual-serve's page asks an outside font service for its font); builds the
page's addresses from the address the browser used, so it works whatever --host is; reports
a busy port or a bad address as one clear line; and stops promptly on Ctrl+C.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import signal
import sys
from pathlib import Path
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.server import Server

from balancecoach.commands.serve import WILDCARD_HOSTS
from balancecoach.core.errors import DataError

TEMPLATES = Path(__file__).with_name("serve_templates")
#: Seconds an open browser tab may take to close when the server stops.
SHUTDOWN_SECONDS = 3.0


def url_host(host: str) -> str:
    """`host` as it is written in a URL (IPv6 addresses go in brackets)."""
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


class _OneLine(logging.Formatter):
    """A log record as its message alone, without the traceback of an exception."""

    def formatException(self, ei: Any) -> str:
        return ""


class PracticeServer(Server):
    """Serves the app on `host`:`port`, one app process per browser tab."""

    def __init__(self, command: str, *, host: str, port: int, data: Path) -> None:
        super().__init__(
            command, host=host, port=port, title="balancecoach", templates_path=TEMPLATES
        )
        self.data = data
        self._tabs: set[asyncio.Task[Any]] = set()
        self.public_url = f"http://{url_host(host or '0.0.0.0')}:{port}"

    def initialize_logging(self) -> None:
        # Plain lines on stderr, problems only: no colour, no tracebacks with locals.
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(_OneLine("balancecoach serve: %(message)s"))
        log = logging.getLogger("textual-serve")
        log.handlers[:] = [handler]
        log.setLevel(logging.WARNING)
        log.propagate = False

    async def on_startup(self, app: web.Application) -> None:
        """Nothing: the address is printed once the port is really open (see `announce`)."""

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser tab's app, remembered so that stopping the server can end it."""
        task = asyncio.current_task()
        assert task is not None
        self._tabs.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self._tabs.discard(task)

    async def on_shutdown(self, app: web.Application) -> None:
        """End every tab's app now rather than after the shutdown timeout: cancelling a
        tab's handler closes its websocket and tells its app to quit."""
        for task in list(self._tabs):
            task.cancel()
        if self._tabs:
            await asyncio.wait(list(self._tabs), timeout=SHUTDOWN_SECONDS)

    def announce(self) -> None:
        if self.host.strip() in WILDCARD_HOSTS:
            where = f"port {self.port} of every network address of this computer"
        else:
            where = self.public_url
        print(
            f"balancecoach is being served at {where}\n"
            f"  practices: {self.data}\n"
            "Open it in a web browser: each tab runs its own copy of the app.\n"
            "Press Ctrl+C to stop.",
            flush=True,
        )

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, with every address on the host and port the browser asked for."""
        router = request.app.router
        try:
            font_size = int(request.query.get("fontsize", "16"))
        except ValueError:
            font_size = 16
        scheme = "wss" if request.secure else "ws"
        return {
            "font_size": max(8, min(font_size, 40)),
            "app_websocket_url": f"{scheme}://{request.host}{router['websocket'].url_for()}",
            "static_url": str(router["static"].url_for(filename="/")).rstrip("/") + "/",
            "title": self.title,
        }

    def run(self) -> None:
        """Serve until Ctrl+C (or SIGTERM). Raises DataError when it cannot listen."""
        self.initialize_logging()
        try:
            asyncio.run(self._serve())
        except OSError as exc:
            raise listen_error(exc, self.host, self.port) from None

    async def _serve(self) -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            # Not on Windows: there Ctrl+C arrives as KeyboardInterrupt instead.
            with contextlib.suppress(NotImplementedError, RuntimeError):
                loop.add_signal_handler(sig, stop.set)
        runner = web.AppRunner(
            await self._make_app(), handle_signals=False, shutdown_timeout=SHUTDOWN_SECONDS
        )
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host or None, self.port).start()
            self.announce()
            await stop.wait()
        finally:
            await runner.cleanup()


def listen_error(exc: OSError, host: str, port: int) -> DataError:
    """What went wrong when opening `host`:`port`, and what to do about it."""
    code = exc.errno
    if code == errno.EADDRINUSE:
        return DataError(
            f"port {port} on {host} is already in use (perhaps by another balancecoach serve)",
            field="--port",
            hint=f"stop that program, or choose another port, e.g. --port {port + 1}",
        )
    if code in (errno.EACCES, errno.EPERM):
        return DataError(
            f"this account may not listen on port {port}",
            field="--port",
            hint="choose a port from 1024 up, e.g. --port 8000",
        )
    if code == errno.EADDRNOTAVAIL or exc.__class__.__name__ == "gaierror":
        return DataError(
            f"{host!r} is not an address of this computer",
            field="--host",
            hint="use 127.0.0.1 for this computer only, or one of its network addresses",
        )
    return DataError(
        f"cannot listen on {host} port {port}: {exc.strerror or exc}",
        field="--host/--port",
        hint="choose another address or port",
    )

"""`balancecoach serve` runs the app in a web browser: a small web server on this computer
starts one copy of the app per browser tab, on the same data directory."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
#: Hosts that mean "every address of this computer".
WILDCARD_HOSTS = ("0.0.0.0", "::", "")


def add_parser(sub: Any, format_option: Any) -> None:
    p = sub.add_parser(
        "serve",
        help="show the app in a web browser, served from this computer",
        description=(
            "Serve the app to web browsers, so that someone following along (a coach, a "
            "partner at another desk) can open it at the address printed. Each browser tab "
            "runs its own copy of the app on the same data directory. The page needs no "
            "internet connection. By default only this computer can open it; Ctrl+C stops."
        ),
    )
    p.add_argument(
        "--host",
        default=DEFAULT_HOST,
        metavar="ADDRESS",
        help=f"address to listen on (default {DEFAULT_HOST}: this computer only); any other "
        "address lets everyone on that network open the practice data",
    )
    p.add_argument(
        "--port",
        default=str(DEFAULT_PORT),
        metavar="N",
        help=f"port to listen on (default {DEFAULT_PORT})",
    )
    # --data-dir is accepted after the command too, as for every other command.
    p.add_argument(
        "--data-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    p.set_defaults(run=run)


def parse_port(text: str) -> int:
    """The --port value as a port number."""
    from balancecoach.core.errors import DataError

    try:
        value = int(text.strip())
    except ValueError:
        value = None
    if value is None or not 1 <= value <= 65535:
        raise DataError(
            f"must be a whole number from 1 to 65535, got {text!r}",
            field="--port",
            hint=f"for example --port {DEFAULT_PORT}",
        )
    return value


def is_loopback(host: str) -> bool:
    """True when `host` can only be reached from this computer."""
    import ipaddress

    name = host.strip().strip("[]").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def exposure_warning(host: str, port: int, data: Path) -> str:
    """The plain warning printed when the server listens beyond this computer."""
    where = (
        "every network address of this computer"
        if host.strip() in WILDCARD_HOSTS
        else f"{host}, which other computers can reach"
    )
    return (
        f"Warning: serving on {where}. Anyone on that network who can reach port {port} can "
        f"open the practice data in {data} and change it; there is no password. "
        f"Use --host {DEFAULT_HOST} to keep it on this computer."
    )


def app_command(data: Path, python: str | None = None, windows: bool | None = None) -> str:
    """The shell command the server runs for each browser tab: this Python, this
    balancecoach, this data directory, each quoted for the shell that will run it."""
    import os
    import shlex
    import subprocess
    import sys

    words = [python or sys.executable, "-m", "balancecoach", "--data-dir", str(data)]
    if windows if windows is not None else os.name == "nt":
        return subprocess.list2cmdline(words)
    return shlex.join(words)


def usable_data_dir(explicit: Path | None) -> Path:
    """The data directory as an absolute path, created if it is missing."""
    from balancecoach.core.errors import DataError
    from balancecoach.storage.paths import data_dir

    path = data_dir(explicit).resolve()
    if path.exists() and not path.is_dir():
        raise DataError(
            "is a file, not a folder", source=path, hint="give a folder with --data-dir"
        )
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(
            f"cannot create the data folder ({exc.strerror or exc})",
            source=path,
            hint="give a folder you can write to with --data-dir",
        ) from None
    return path


def run(args: argparse.Namespace) -> int:
    import sys

    port = parse_port(args.port)
    host = args.host.strip().removeprefix("[").removesuffix("]")  # [::1] as in a URL
    data = usable_data_dir(args.data_dir)
    if not is_loopback(host):
        print(exposure_warning(host, port, data), file=sys.stderr, flush=True)

    from balancecoach.tui.serve import PracticeServer

    PracticeServer(app_command(data), host=host, port=port, data=data).run()
    print("Stopped serving.", flush=True)
    return 0

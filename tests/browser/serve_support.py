"""Running `balancecoach serve` in tests: a real process on a free loopback port."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

START_SECONDS = 30
STOP_SECONDS = 15
SERVE = [sys.executable, "-m", "balancecoach", "serve"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Served:
    """One running server: its address, process, data directory and output files."""

    url: str
    port: int
    process: subprocess.Popen[bytes]
    data: Path
    stdout: Path
    stderr: Path

    def output(self) -> str:
        return self.stdout.read_text(errors="replace") + self.stderr.read_text(errors="replace")

    def interrupt(self) -> float:
        """Send Ctrl+C's signal; the seconds the server took to exit."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        self.process.wait(timeout=STOP_SECONDS)
        return time.monotonic() - started


#: Whether this system lists processes' command lines under /proc (Linux does).
LISTS_PROCESSES = Path("/proc/self/cmdline").exists()


def app_processes(data: Path) -> list[int]:
    """Ids of the processes whose command line names `data` (none where /proc is missing)."""
    found = []
    needle = str(data).encode()
    for entry in Path("/proc").glob("[0-9]*"):
        try:
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if needle in cmdline and b"balancecoach" in cmdline:
            found.append(int(entry.name))
    return found


@contextlib.contextmanager
def serving(tmp_path: Path) -> Iterator[Served]:
    """Start the server on a data directory under `tmp_path`; kill it and its apps after."""
    data = tmp_path / "data dir"  # a space, so the app's command line must be quoted
    out, err = tmp_path / "serve.out", tmp_path / "serve.err"
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "BALANCECOACH_HOME"}
    with out.open("wb") as stdout, err.open("wb") as stderr:
        process = subprocess.Popen(
            [*SERVE, "--port", str(port), "--data-dir", str(data)],
            stdout=stdout,
            stderr=stderr,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    server = Served(f"http://127.0.0.1:{port}/", port, process, data, out, err)
    try:
        deadline = time.monotonic() + START_SECONDS
        while "being served at" not in out.read_text(errors="replace"):
            if process.poll() is not None:
                raise AssertionError(f"serve exited with {process.returncode}:\n{server.output()}")
            if time.monotonic() > deadline:
                raise AssertionError(f"serve did not start in time:\n{server.output()}")
            time.sleep(0.1)
        yield server
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=STOP_SECONDS)
        for pid in app_processes(data):
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)

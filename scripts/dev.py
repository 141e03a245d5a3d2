#!/usr/bin/env python3
"""Set-up and everyday tasks, with nothing but Python 3.11+ installed.

    python3 scripts/dev.py start     # make .venv, install balancecoach, launch it
    python3 scripts/dev.py test      # make .venv, install with test tools, lint, run all tests

Extra arguments after `test` go to pytest (e.g. `-k goals`); after `start`, to balancecoach.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")  # tests/browser drive this browser
VENV = Path(os.environ.get("BALANCECOACH_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")

if sys.version_info < (3, 11):  # noqa: UP036  (this script may be run by an older python3)
    sys.exit(f"balancecoach needs Python 3.11 or newer; this is {sys.version.split()[0]}")


def run(*cmd: str | Path) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call([str(c) for c in cmd], cwd=ROOT)


def ensure_venv(extra: str = "") -> None:
    if not PY.exists():
        print(f"+ creating {VENV}", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    quiet = [] if os.environ.get("CI") else ["--quiet"]
    code = run(PY, "-m", "pip", "install", *quiet, "--disable-pip-version-check", "-e", target)
    if code:
        sys.exit(f"installing balancecoach failed (pip exit {code})")


def ensure_chromium() -> None:
    """Install Debian's chromium for tests/browser where this may (root, apt); otherwise the
    browser test skips and says why."""
    if CHROMIUM.exists() or not Path("/etc/debian_version").exists():
        return
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("apt-get"):
        print(
            f"{CHROMIUM} is missing and this is not root: the browser test will skip "
            "(`sudo apt-get install chromium` to run it)",
            flush=True,
        )
        return
    print(f"+ {CHROMIUM} is missing: installing Debian's chromium for tests/browser", flush=True)
    started = time.monotonic()
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for cmd in (
        ["apt-get", "-q", "update"],
        ["apt-get", "-q", "install", "-y", "--no-install-recommends", "chromium"],
    ):
        print("+", " ".join(cmd), flush=True)
        if subprocess.call(cmd, env=env) != 0:
            print(
                f"`{' '.join(cmd)}` failed: carrying on; the browser test will skip",
                file=sys.stderr,
                flush=True,
            )
            return
    print(f"+ chromium installed in {time.monotonic() - started:.0f} s", flush=True)


def start(args: list[str]) -> int:
    ensure_venv()
    return run(BIN / "balancecoach", *args)


def test(args: list[str]) -> int:
    ensure_venv("test")
    ensure_chromium()
    code = run(PY, "-m", "ruff", "check", "src", "tests", "scripts")
    if code:
        print("lint failed: fix the problems above (or `ruff check --fix`)", file=sys.stderr)
        return code
    code = run(PY, "-m", "pytest", "-n", "auto", *args)
    if code == 5:
        print("pytest collected no tests: that is a failure here", file=sys.stderr)
    return code


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("start", "test"):
        print(__doc__)
        return 2
    task, args = sys.argv[1], sys.argv[2:]
    return start(args) if task == "start" else test(args)


if __name__ == "__main__":
    sys.exit(main())

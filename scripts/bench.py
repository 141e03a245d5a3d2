#!/usr/bin/env python3
"""Side-by-side timings: each figure is a median of several runs, printed with the floor
measured in the same run and the ratio between them. Run by hand, not as a test:

    .venv/bin/python scripts/bench.py [--runs N]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable


def timed(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def compare(label: str, cmd: list[str], floor_label: str, floor: list[str], runs: int) -> None:
    timed(cmd), timed(floor)  # warm the file cache
    ours, base = [], []
    for _ in range(runs):  # interleaved, so a noisy moment hits both
        ours.append(timed(cmd))
        base.append(timed(floor))
    m_ours, m_base = statistics.median(ours), statistics.median(base)
    print(
        f"{label:<42} {m_ours * 1000:8.1f} ms   {floor_label:<30} {m_base * 1000:8.1f} ms"
        f"   ratio {m_ours / m_base:5.2f}×"
    )


BARE_APP = """
from textual.app import App
from textual.widgets import Static

class Bare(App):
    def compose(self):
        yield Static("balancecoach")

async def ready(pilot):
    await pilot.pause()
    pilot.app.exit()

Bare().run(headless=True, size=(80, 24), auto_pilot=ready)
"""

# Launch to the home screen with its practice list filled in, on a copy of the demo.
OUR_APP = """
import sys
from balancecoach.tui.app import make_app

async def ready(pilot):
    from textual.widgets import DataTable
    for _ in range(5000):
        await pilot.pause()
        screen = pilot.app.screen
        if type(screen).__name__ == "HomeScreen" and screen.query_one(DataTable).row_count:
            break
    pilot.app.exit()

make_app(sys.argv[1]).run(headless=True, size=(80, 24), auto_pilot=ready)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, median of {args.runs} interleaved runs\n")
    bc = [PY, "-m", "balancecoach"]
    pass_ = [PY, "-c", "pass"]
    pyd = [PY, "-c", "import pydantic"]
    compare(
        "balancecoach catalog metrics",
        [*bc, "catalog", "metrics"],
        "python -c pass",
        pass_,
        args.runs,
    )
    compare(
        "balancecoach catalog metrics",
        [*bc, "catalog", "metrics"],
        "python -c 'import pydantic'",
        pyd,
        args.runs,
    )
    compare(
        "balancecoach goal examples/goal.toml",
        [*bc, "goal", "examples/goal.toml"],
        "python -c 'import pydantic'",
        pyd,
        args.runs,
    )
    demo_files = sorted(str(p) for p in (ROOT / "demo").rglob("*.toml"))
    load_tomllib = (
        "import sys, tomllib\n"
        "for f in sys.argv[1:]:\n"
        "    tomllib.loads(open(f, encoding='utf-8').read())\n"
    )
    load_tomlkit = (
        "import sys, tomlkit\n"
        "for f in sys.argv[1:]:\n"
        "    tomlkit.parse(open(f, encoding='utf-8').read())\n"
    )
    load_store = (
        "import sys\n"
        "from pathlib import Path\n"
        "from balancecoach.storage.store import PracticeStore\n"
        "s = PracticeStore(Path(sys.argv[1]))\n"
        "s.load_practice('harbour-family-dental-demo')\n"
        "good, bad = s.load_checkpoints('harbour-family-dental-demo')\n"
        "assert len(good) == 8 and not bad\n"
    )
    label = f"demo practice, {len(demo_files)} files: "
    compare(
        label + "tomllib", [PY, "-c", load_tomllib, *demo_files], "python -c pass", pass_, args.runs
    )
    compare(
        label + "tomlkit", [PY, "-c", load_tomlkit, *demo_files], "python -c pass", pass_, args.runs
    )
    compare(
        label + "store (validated)",
        [PY, "-c", load_store, str(ROOT / "demo")],
        "python -c pass",
        pass_,
        args.runs,
    )

    import tempfile

    with tempfile.TemporaryDirectory() as home:
        subprocess.run([PY, "-c", OUR_APP, home], check=True, cwd=ROOT)  # installs the demo
        compare(
            "TUI launch to home (demo practice)",
            [PY, "-c", OUR_APP, home],
            "bare Textual app, one Static",
            [PY, "-c", BARE_APP],
            args.runs,
        )
    compare(
        "balancecoach score examples/answers",
        [*bc, "score", "examples/answers.toml"],
        "python -c 'import pydantic'",
        pyd,
        args.runs,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

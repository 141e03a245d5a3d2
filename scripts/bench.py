#!/usr/bin/env python3
"""Start-up, command, keystroke and memory figures, each beside a floor measured in the same
run, with the ratio between them. Run by hand, not as a test:

    .venv/bin/python scripts/bench.py [--quick] [--runs N] [--only SECTION ...]

Every figure is the median of several runs; ours and its floor take turns, so a busy moment
on the machine hits both. Wall time is the figure the targets are about; the processor time
beside it (user + system of that process) is less disturbed by other programs, and a wide
gap between the two means the machine was busy: run again later, or compare ratios only.

Sections (all by default):
  tui    launch to the home screen filled with the demo practice, against a bare Textual
         app showing one Static; and the peak memory of both. The first, unmeasured launch
         writes the practice list's index, as a person's first start does. The same on the
         cohort of 500 practices scripts/scale_bench.py keeps in .bench/, when it is there
  cli    `practices`, `report`, `chart` and `export` on the demo practice, against
         `python -c "import pydantic"`
  keys   answering a statement and moving to the next, per key, against moving the
         selection of a bare Textual RadioSet
  scale  scripts/scale_bench.py (the cohort of 500 practices), when that script exists
  more   other commands and reading the demo practice (left out by --quick)
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable
SECTIONS = ("tui", "cli", "keys", "scale", "more")
TUI_TARGET = 1.25
CLI_TARGET = 2.0
KEY_TARGET_MS = 30.0


@dataclass(frozen=True)
class Sample:
    """One run of a program: wall time and processor time in seconds, peak memory in bytes."""

    wall: float
    cpu: float
    rss: int


def _child_env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    # A user's Python caches compiled modules; without that our modules would be compiled
    # on every start while the libraries' caches are used, which is not what a user sees.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["BALANCECOACH_HOME"] = str(data_dir)  # never the real data directory
    return env


def run_once(cmd: list[str], env: dict[str, str]) -> Sample:
    """Run `cmd` to the end; its own resource use comes from wait4, not from its siblings."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            err.seek(0)
            tail = err.read().decode(errors="replace").strip().splitlines()[-15:]
            sys.exit(
                f"bench: {' '.join(cmd[:6])} … failed ({proc.returncode}):\n" + "\n".join(tail)
            )
    # ru_maxrss is in kilobytes on Linux, in bytes on macOS.
    rss = usage.ru_maxrss if sys.platform == "darwin" else usage.ru_maxrss * 1024
    return Sample(wall=wall, cpu=usage.ru_utime + usage.ru_stime, rss=rss)


def interleaved(
    ours: list[str], floor: list[str], runs: int, env: dict[str, str]
) -> tuple[list[Sample], list[Sample]]:
    run_once(ours, env), run_once(floor, env)  # warm the file and bytecode caches
    a: list[Sample] = []
    b: list[Sample] = []
    for _ in range(runs):
        a.append(run_once(ours, env))
        b.append(run_once(floor, env))
    return a, b


def median(samples: list[Sample], field: str) -> float:
    return statistics.median(getattr(s, field) for s in samples)


def verdict(ratio_or_value: float, target: float | None) -> str:
    if target is None:
        return ""
    return "met" if ratio_or_value <= target else "NOT MET"


def row(label: str, ours: str, floor: str, ratio: str, target: str) -> None:
    print(f"  {label:<34} {ours:>17} {floor:>17} {ratio:>15}   {target}")


def header(title: str, floor_label: str) -> None:
    print(f"\n{title}\n  floor: {floor_label}")
    row("", "ours", "floor", "ratio", "target")


def show_times(label: str, a: list[Sample], b: list[Sample], target: float | None) -> float:
    wa, wb = median(a, "wall"), median(b, "wall")
    ca, cb = median(a, "cpu"), median(b, "cpu")
    ratio = wa / wb
    goal = f"≤ {target:.2f}×  {verdict(ratio, target)}" if target else ""
    row(
        label,
        f"{wa * 1000:6.0f} ms ({ca * 1000:4.0f})",
        f"{wb * 1000:6.0f} ms ({cb * 1000:4.0f})",
        f"{ratio:5.2f}× ({ca / cb:4.2f})",
        goal,
    )
    return ratio


# --- the programs measured -----------------------------------------------------------------

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

# Launch to the home screen with the demo practice listed in it. Both programs end the same
# way: one pause (the app settles and draws) once what they show is there. A pause takes at
# least one idle tick, so ours checks for its rows with short sleeps and pauses only once.
OUR_APP = """
import asyncio, sys, time
from balancecoach.tui.app import make_app

def listed(app):
    screen = app.screen
    if type(screen).__name__ != "HomeScreen":
        return False
    from textual.widgets import DataTable

    table = screen.query_one("#practices", DataTable)
    return sys.argv[2] in table.rows

async def ready(pilot):
    deadline = time.monotonic() + 60
    while not listed(pilot.app):
        if time.monotonic() > deadline:
            raise SystemExit("the home screen never listed the demo practice")
        await asyncio.sleep(0.002)
    await pilot.pause()
    pilot.app.exit()

make_app(sys.argv[1]).run(headless=True, size=(80, 24), auto_pilot=ready)
"""

# Keystroke to screen: the time from a key reaching the app to the last frame drawn because
# of it (the first shows the change; the app is then left to settle). Frames are caught where
# a screen hands its update to the app, which the headless driver then discards; building
# the frame is counted.
KEY_TIMER = """
import asyncio, json, sys, time
from textual import events

def frames(app):
    seen = []
    draw = app._display
    def display(screen, renderable):
        if renderable is not None:
            seen.append((time.perf_counter(), CHANGED()))
        draw(screen, renderable)
    app._display = display
    return seen

async def key_to_frame(pilot, seen, key):
    app = pilot.app
    await pilot.pause()  # start from an idle app
    start = time.perf_counter()
    seen.clear()
    app._driver.send_message(events.Key(key, key if len(key) == 1 else None))
    deadline = start + 10
    while not any(changed for _, changed in seen):
        if time.perf_counter() > deadline:
            raise SystemExit(f"no frame showed the change after {key!r}")
        await asyncio.sleep(0)
    await pilot.pause()  # any further frame the key caused counts too
    return seen[-1][0] - start
"""

OUR_KEYS = (
    KEY_TIMER
    + """
from balancecoach.storage.demo import DEMO_SLUG
from balancecoach.tui.app import make_app
from balancecoach.tui.journey import start_first_visit

keys = int(sys.argv[2])
expected = [1]

def CHANGED():
    screen = app.screen
    return (
        type(screen).__name__ == "AssessmentScreen"
        and screen.visit.position["doctor"] == expected[0]
    )

async def run(pilot):
    await app.workers.wait_for_complete()
    app.drafts.discard("assessment", DEMO_SLUG)  # start at the first statement
    start_first_visit(app, DEMO_SLUG, "demo")
    await pilot.pause()
    seen = frames(app)
    out = []
    for i in range(1, keys + 1):
        expected[0] = i
        out.append(await key_to_frame(pilot, seen, "4"))
    app.drafts.discard("assessment", DEMO_SLUG)
    print(json.dumps(out))
    app.exit()

app = make_app(sys.argv[1])
app.run(headless=True, size=(80, 24), auto_pilot=run)
"""
)

BARE_KEYS = (
    KEY_TIMER
    + """
from textual.app import App
from textual.widgets import RadioButton, RadioSet

keys = int(sys.argv[2])
expected = [1]

class Bare(App):
    def compose(self):
        with RadioSet():
            for n in range(1, 6):
                yield RadioButton(str(n))

def CHANGED():
    return app.query_one(RadioSet)._selected == expected[0]

async def run(pilot):
    app.query_one(RadioSet).focus()
    await pilot.pause()
    seen = frames(app)
    out = []
    for i in range(1, keys + 1):
        expected[0] = 1 if i % 2 else 0
        out.append(await key_to_frame(pilot, seen, "down" if i % 2 else "up"))
    print(json.dumps(out))
    app.exit()

app = Bare()
app.run(headless=True, size=(80, 24), auto_pilot=run)
"""
)


# --- sections ------------------------------------------------------------------------------


def section_tui(data: Path, slug: str, runs: int, env: dict[str, str]) -> None:
    ours, bare = interleaved([PY, "-c", OUR_APP, str(data), slug], [PY, "-c", BARE_APP], runs, env)
    header(
        "TUI start: launch to the home screen listing the demo practice",
        "bare Textual app, one Static",
    )
    show_times("TUI start", ours, bare, TUI_TARGET)
    ra, rb = median(ours, "rss"), median(bare, "rss")
    row(
        "peak memory (RSS)",
        f"{ra / 2**20:6.1f} MB",
        f"{rb / 2**20:6.1f} MB",
        f"{ra / rb:5.2f}×",
        "",
    )


#: The cohort scripts/scale_bench.py makes (and keeps) once.
COHORT = ROOT / ".bench" / "cohort-500x12"


def section_tui_cohort(runs: int, env: dict[str, str]) -> None:
    """The same launch on the 500-practice cohort, from a copy (the app writes its index)."""
    print("\nTUI start on the cohort of 500 practices × 12 checkpoints (its index written)")
    if not (COHORT / "practices").is_dir():
        print("  left out: run scripts/scale_bench.py once to make the cohort in .bench/")
        return
    with tempfile.TemporaryDirectory(prefix="balancecoach-bench-cohort-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(COHORT / "practices", data / "practices")
        slug = min(p.name for p in (data / "practices").iterdir())
        cohort_env = _child_env(data)
        ours, bare = interleaved(
            [PY, "-c", OUR_APP, str(data), slug], [PY, "-c", BARE_APP], runs, cohort_env
        )
        row("", "ours", "floor", "ratio", "")
        show_times("TUI start, 500 practices", ours, bare, None)
        ra, rb = median(ours, "rss"), median(bare, "rss")
        row(
            "peak memory (RSS), 500 practices",
            f"{ra / 2**20:6.1f} MB",
            f"{rb / 2**20:6.1f} MB",
            f"{ra / rb:5.2f}×",
            "",
        )


def section_cli(data: Path, slug: str, runs: int, env: dict[str, str]) -> None:
    bc = [PY, "-m", "balancecoach", "--data-dir", str(data)]
    floor = [PY, "-c", "import pydantic"]
    header("Commands on the demo practice (none may load Textual)", "python -c 'import pydantic'")
    for label, args in (
        ("practices", ["practices"]),
        (f"report {slug[:12]}…", ["report", slug]),
        (f"chart {slug[:12]}… lean", ["chart", slug, "lean"]),
        (f"export {slug[:12]}…", ["export", slug, "--format", "csv"]),
    ):
        show_times(label, *interleaved([*bc, *args], floor, runs, env), CLI_TARGET)


def _key_times(code: str, data: Path, keys: int, env: dict[str, str]) -> list[float]:
    out = subprocess.run(
        [PY, "-c", code, str(data), str(keys)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        sys.exit(f"bench: the keystroke run failed:\n{out.stderr.strip()[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def section_keys(data: Path, rounds: int, keys: int, env: dict[str, str]) -> None:
    ours: list[float] = []
    bare: list[float] = []
    _key_times(OUR_KEYS, data, 3, env), _key_times(BARE_KEYS, data, 3, env)  # warm up
    for _ in range(rounds):
        ours += _key_times(OUR_KEYS, data, keys, env)
        bare += _key_times(BARE_KEYS, data, keys, env)
    header(
        f"Keystroke to screen: median per key over {len(ours)} keys",
        "bare Textual app, a RadioSet: ↓/↑ moves the selection",
    )
    mo, mb = statistics.median(ours) * 1000, statistics.median(bare) * 1000
    row(
        "answer a statement, show the next",
        f"{mo:6.1f} ms",
        f"{mb:6.1f} ms",
        f"{mo / mb:5.2f}×",
        f"≤ {KEY_TARGET_MS:.0f} ms  {verdict(mo, KEY_TARGET_MS)}",
    )
    slowest = sorted(ours)[int(len(ours) * 0.9)] * 1000
    row(
        "  (90th percentile)",
        f"{slowest:6.1f} ms",
        f"{sorted(bare)[int(len(bare) * 0.9)] * 1000:6.1f} ms",
        "",
        "",
    )


def section_scale(quick: bool, env: dict[str, str]) -> None:
    script = ROOT / "scripts" / "scale_bench.py"
    print("\nCohort scale (scripts/scale_bench.py)")
    if not script.is_file():
        print("  scripts/scale_bench.py is missing: the cohort scale was not measured.")
        return
    sys.stdout.flush()
    code = subprocess.call([PY, str(script), *(["--quick"] if quick else [])], cwd=ROOT, env=env)
    if code:
        print(f"  scripts/scale_bench.py ended with exit status {code}.")


def section_more(data: Path, slug: str, runs: int, env: dict[str, str]) -> None:
    bc = [PY, "-m", "balancecoach", "--data-dir", str(data)]
    pyd = [PY, "-c", "import pydantic"]
    pass_ = [PY, "-c", "pass"]
    header("Other commands", "python -c 'import pydantic'")
    for label, args in (
        ("catalog metrics", ["catalog", "metrics"]),
        ("goal examples/goal.toml", ["goal", "examples/goal.toml"]),
        ("score examples/answers.toml", ["score", "examples/answers.toml"]),
    ):
        show_times(label, *interleaved([*bc, *args], pyd, runs, env), None)

    files = sorted(str(p) for p in (data / "practices" / slug).rglob("*.toml"))
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
        "s.load_practice(sys.argv[2])\n"
        "good, bad = s.load_checkpoints(sys.argv[2])\n"
        "assert good and not bad\n"
    )
    header(f"Reading the demo practice ({len(files)} files)", "python -c pass")
    for label, cmd in (
        ("parse with tomllib", [PY, "-c", load_tomllib, *files]),
        ("parse with tomlkit", [PY, "-c", load_tomlkit, *files]),
        ("load and validate (store)", [PY, "-c", load_store, str(data), slug]),
    ):
        show_times(label, *interleaved(cmd, pass_, runs, env), None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs; leaves out 'more'")
    parser.add_argument("--runs", type=int, help="runs of each program (default 11, quick 5)")
    parser.add_argument("--only", nargs="+", choices=SECTIONS, help="run only these sections")
    args = parser.parse_args()
    runs = args.runs or (5 if args.quick else 11)
    sections = args.only or [s for s in SECTIONS if not (args.quick and s == "more")]
    import textual

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"python {sys.version.split()[0]}, textual {textual.__version__}; "
        f"median of {runs} interleaved runs; load average {load:.1f} on {os.cpu_count()} cores"
    )
    print("figures: wall time (processor time); ratio by wall time (by processor time)")
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        print("PYTHONDONTWRITEBYTECODE is set here; it is unset for the programs measured")

    with tempfile.TemporaryDirectory(prefix="balancecoach-bench-") as tmp:
        data = Path(tmp)
        env = _child_env(data)
        subprocess.run(
            [PY, "-m", "balancecoach", "--data-dir", str(data), "demo"],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        slug = next(p.name for p in (data / "practices").iterdir())
        steps: dict[str, Callable[[], None]] = {
            "tui": lambda: (section_tui(data, slug, runs, env), section_tui_cohort(runs, env)),
            "cli": lambda: section_cli(data, slug, runs, env),
            "keys": lambda: section_keys(data, max(2, runs // 3), 20 if args.quick else 40, env),
            "scale": lambda: section_scale(args.quick, env),
            "more": lambda: section_more(data, slug, runs, env),
        }
        for name in sections:
            steps[name]()
            sys.stdout.flush()
        shutil.rmtree(data, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

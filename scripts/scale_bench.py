#!/usr/bin/env python3
"""The practice list at scale: 500 practices × 12 quarterly checkpoints, against the floor
of parsing the same files with stdlib tomllib, measured side by side in one run.

    python scripts/scale_bench.py [--quick] [--rounds N] [--src DIR]

The cohort is made once by `scripts/make_demo.py --cohort 500 --quarters 12` into
`.bench/cohort-500x12/` (not committed) and reused; it is made again when missing.

Rows, each the median of N interleaved rounds in this one process (so a busy stretch of a
shared machine hits every row alike), wall clock and, in brackets, this process's CPU time,
which other people's load disturbs less:

- floor: `tomllib.load` of practice.toml and every checkpoint file, the files the list
  reports on (listing the folders is not counted);
- cold list: `PracticeStore.summaries()` with no index, so every file is read, checked and
  the index written;
- warm list: `summaries()` again, nothing changed, so rows come from the index;
- a cohort of 30 practices (every 16th): its floor, `summaries(slugs)` without the index,
  and with it.

Peak memory is measured in a fresh process making the cold list. Everything runs in one
process; nothing is cached between rounds except by the index, which cold rounds delete.
`--src DIR` measures the balancecoach package in DIR/balancecoach instead of this
checkout's (for a before-and-after comparison with an older version).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRACTICES, QUARTERS, COHORT = 500, 12, 30
CACHE = ROOT / ".bench" / f"cohort-{PRACTICES}x{QUARTERS}"
INDEX = ".index.json"

# The product owner's bars.
COLD_VS_FLOOR = 1.3
WARM_SPEEDUP = 5.0
PEAK_RSS_MB = 300


def ensure_cohort() -> Path:
    """The cached cohort, made when missing (about a minute)."""
    folder = CACHE / "practices"
    if folder.is_dir() and sum(1 for _ in folder.glob("*/practice.toml")) == PRACTICES:
        return CACHE
    print(f"making the cohort in {CACHE.relative_to(ROOT)} (about a minute) …", flush=True)
    tmp = CACHE.with_name(CACHE.name + ".tmp")
    if tmp.exists():
        _remove(tmp)
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "make_demo.py"),
            "--cohort",
            str(PRACTICES),
            "--quarters",
            str(QUARTERS),
            "--out",
            str(tmp),
            "--jobs",
            "2",
        ],
        check=True,
    )
    if CACHE.exists():
        _remove(CACHE)
    tmp.rename(CACHE)
    return CACHE


def _remove(path: Path) -> None:
    import shutil

    shutil.rmtree(path)


def files_of(root: Path, slugs: list[str]) -> list[Path]:
    """practice.toml and every checkpoint file of each practice: what its row reports on."""
    out: list[Path] = []
    for slug in slugs:
        folder = root / "practices" / slug
        out.append(folder / "practice.toml")
        out.extend(sorted((folder / "checkpoints").glob("*.toml")))
    return out


def floor(files: list[Path]) -> Callable[[], object]:
    def parse_all() -> int:
        for path in files:
            with open(path, "rb") as fh:
                tomllib.load(fh)
        return len(files)

    return parse_all


class Timings:
    def __init__(self) -> None:
        self.wall: dict[str, list[float]] = {}
        self.cpu: dict[str, list[float]] = {}

    def run(self, key: str, fn: Callable[[], object]) -> object:
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        self.wall.setdefault(key, []).append(time.perf_counter() - wall)
        self.cpu.setdefault(key, []).append(time.process_time() - cpu)
        return result

    def median(self, key: str) -> tuple[float, float]:
        return statistics.median(self.wall[key]), statistics.median(self.cpu[key])


# The child reports its own high-water mark: VmHWM belongs to the process's own memory,
# while ru_maxrss also counts what the parent held when it started the child (Linux).
PEAK = """
import resource, sys
try:
    with open("/proc/self/status") as fh:
        kb = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
except (OSError, StopIteration):
    kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kb = kb / 1024 if sys.platform == "darwin" else kb
print(kb / 1024)
"""

MAKE_LIST = """
import pathlib, sys
sys.path.insert(0, sys.argv[1])
from balancecoach.storage.store import PracticeStore
import balancecoach.core.records
if sys.argv[2]:
    root = pathlib.Path(sys.argv[2])
    (root / ".index.json").unlink(missing_ok=True)
    assert len(PracticeStore(root).summaries()) == int(sys.argv[3])
"""


def peak_rss(src: Path, root: Path) -> tuple[float, float]:
    """Peak RSS in MB of a fresh process making the cold list, and of one only importing."""
    out = []
    for data in (str(root), ""):
        done = subprocess.run(
            [sys.executable, "-c", MAKE_LIST + PEAK, str(src), data, str(PRACTICES)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            sys.exit(f"scale bench: the memory measurement failed:\n{done.stderr}")
        out.append(float(done.stdout.split()[-1]))
    return out[0], out[1]


def load_text() -> str:
    try:
        return " / ".join(f"{x:.1f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="3 rounds instead of 7")
    ap.add_argument("--rounds", type=int, help="rounds of every measurement (median taken)")
    ap.add_argument("--src", type=Path, default=ROOT / "src", help="folder holding balancecoach")
    args = ap.parse_args()
    rounds = args.rounds or (3 if args.quick else 7)
    src = args.src.resolve()
    sys.path.insert(0, str(src))
    import balancecoach.core.records  # noqa: F401  (pydantic and the models: not timed)
    from balancecoach.storage.store import PracticeStore

    root = ensure_cohort()
    store = PracticeStore(root)
    slugs = store.slugs()
    if len(slugs) != PRACTICES:
        sys.exit(f"scale bench: expected {PRACTICES} practices in {root}, found {len(slugs)}")
    cohort = slugs[:: PRACTICES // COHORT][:COHORT]
    every, some = files_of(root, slugs), files_of(root, cohort)
    size = sum(p.stat().st_size for p in every) / 2**20
    index = root / INDEX

    def cold() -> list:
        index.unlink(missing_ok=True)
        return PracticeStore(root).summaries()

    def warm() -> list:
        return PracticeStore(root).summaries()

    def cohort_list() -> list:
        return PracticeStore(root).summaries(cohort)

    def cohort_cold() -> list:
        index.unlink(missing_ok=True)
        return cohort_list()

    try:
        PracticeStore(root).summaries(cohort[:1])
        subsets = True
    except TypeError:  # an older version without summaries(slugs)
        subsets = False

    print(
        f"scale bench: {PRACTICES} practices × {QUARTERS} checkpoints, {len(every):,} files, "
        f"{size:.1f} MB, in {root.relative_to(ROOT) if root.is_relative_to(ROOT) else root}\n"
        f"code: {src}\n"
        f"one process, {rounds} interleaved rounds; medians, wall clock (CPU time)\n"
        f"load average at start: {load_text()} on {os.cpu_count()} cores"
    )
    t = Timings()
    first = cold()  # warm the file cache and pydantic; not counted
    floor(every)()
    assert all(not r.problems for r in first), "the generated cohort should load cleanly"
    for n in range(rounds):
        # floor and cold list in turn first (ABBA), so a slow stretch does not favour either
        pair = [("floor", floor(every)), ("cold", cold)]
        rows = [t.run(key, fn) for key, fn in (pair if n % 2 == 0 else pair[::-1])]
        again = t.run("warm", warm)
        assert again == rows[1 - n % 2] == first, "the index gave other rows than the files"
        t.run("cohort floor", floor(some))
        if subsets:
            t.run("cohort cold", cohort_cold)
            t.run("cohort warm", cohort_list)
    index.unlink(missing_ok=True)  # leave the cached cohort as it was made

    def ms(key: str) -> str:
        wall, cpu = t.median(key)
        return f"{wall * 1000:7.0f} ms ({cpu * 1000:5.0f})"

    def ratio(a: str, b: str) -> tuple[float, float]:
        (wa, ca), (wb, cb) = t.median(a), t.median(b)
        return wa / wb, ca / cb

    def line(label: str, key: str, against: str | None = None, bar: str = "") -> None:
        text = ""
        if against:
            r = ratio(key, against)
            text = f"{r[0]:5.2f}× ({r[1]:4.2f})"
        print(f"  {label:<44} {ms(key):>21} {text:>15}  {bar}")

    cold_ratio = ratio("cold", "floor")
    speedup = ratio("cold", "warm")
    bar = f"bar ≤ {COLD_VS_FLOOR}×: " + ("met" if cold_ratio[0] <= COLD_VS_FLOOR else "NOT MET")
    print(f"\n  {'':<44} {'median':>21} {'vs floor':>15}")
    line(f"floor: tomllib, all {len(every):,} files", "floor", "floor")
    line("cold list: summaries(), no index", "cold", "floor", bar)
    line("warm list: summaries(), index, no change", "warm", "floor")
    line(f"cohort floor: tomllib, {len(some)} files", "cohort floor", "cohort floor")
    if subsets:
        line(f"cohort of {COHORT}: summaries(slugs), no index", "cohort cold", "cohort floor")
        line(f"cohort of {COHORT}: summaries(slugs), index", "cohort warm", "cohort floor")
    else:
        print("  cohort rows: this version has no summaries(slugs)")
    met = "met" if speedup[0] >= WARM_SPEEDUP else "NOT MET"
    print(
        f"\n  second opening, cold / warm: {speedup[0]:.0f}× ({speedup[1]:.0f}× CPU)"
        f"   bar ≥ {WARM_SPEEDUP:.0f}×: {met}"
    )
    rss, base = peak_rss(src, root)
    met = "met" if rss < PEAK_RSS_MB else "NOT MET"
    print(
        f"  peak RSS, fresh process making the cold list: {rss:.0f} MB "
        f"(imports alone: {base:.0f} MB)   bar < {PEAK_RSS_MB} MB: {met}"
    )
    print(f"  load average at end: {load_text()}")


if __name__ == "__main__":
    main()

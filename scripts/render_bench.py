#!/usr/bin/env python3
"""Time to draw the revisit's progress screen (five charts and the "since last quarter"
summary, built off the event loop) on the demo practice, against drawing the home screen
(the practice list), measured side by side in one run.

    python scripts/render_bench.py [--runs N]

Each figure is the median of N runs, interleaved, inside one process through Textual's
Pilot at 80×24: from pushing the screen until its worker has finished and the screen has
been refreshed. Not a timed test: these machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

TODAY = dt.date(2026, 11, 24)


async def draw_home(root: Path) -> float:
    from balancecoach.tui.app import make_app
    from balancecoach.tui.screens.home import HomeScreen

    app = make_app(root, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        start = time.perf_counter()
        app.push_screen(HomeScreen())
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        took = time.perf_counter() - start
        assert "Harbour" in app.screen.query_one("DataTable").get_row_at(0)[0]
    return took


async def draw_progress(root: Path) -> float:
    from balancecoach.storage.demo import DEMO_SLUG
    from balancecoach.tui.app import make_app
    from balancecoach.tui.revisit import RevisitContext, new_revisit
    from balancecoach.tui.screens.revisit_progress import ProgressScreen

    app = make_app(root, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        practice = app.store.load_practice(DEMO_SLUG)
        checkpoints, _ = app.store.load_checkpoints(DEMO_SLUG)
        revisit = new_revisit(DEMO_SLUG, practice, checkpoints, TODAY)
        revisit.stage = "progress"
        _ = app.content  # loaded once per app either way: not part of drawing the screen
        start = time.perf_counter()
        revisit.context = RevisitContext(
            app.store.load_practice(DEMO_SLUG), app.store.load_checkpoints(DEMO_SLUG)[0]
        )
        app.push_screen(ProgressScreen(revisit))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        took = time.perf_counter() - start
        assert isinstance(app.screen, ProgressScreen)
    return took


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    from balancecoach.storage.demo import install_demo
    from balancecoach.storage.store import PracticeStore

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        install_demo(PracticeStore(root))
        home: list[float] = []
        progress: list[float] = []
        asyncio.run(draw_home(root))  # warm imports for both
        asyncio.run(draw_progress(root))
        for _ in range(args.runs):
            home.append(asyncio.run(draw_home(root)))
            progress.append(asyncio.run(draw_progress(root)))
    h, p = statistics.median(home), statistics.median(progress)
    print(f"{'screen':<34}{'median':>10}{'min':>10}")
    print(f"{'home (practice list)':<34}{h * 1000:>8.0f}ms{min(home) * 1000:>8.0f}ms")
    print(f"{'revisit progress (5 charts)':<34}{p * 1000:>8.0f}ms{min(progress) * 1000:>8.0f}ms")
    print(f"progress / home: {p / h:.2f}× ({args.runs} runs each, interleaved, 80×24)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

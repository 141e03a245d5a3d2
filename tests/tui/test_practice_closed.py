"""A practice screen closed before its files were read: the late result is dropped."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from balancecoach.core.errors import DataError
from balancecoach.storage.demo import install_demo
from balancecoach.storage.store import PracticeStore
from balancecoach.tui.app import make_app
from balancecoach.tui.screens.home import HomeScreen
from balancecoach.tui.screens.practice import PracticeScreen

TODAY = dt.date(2026, 11, 24)


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_result_arriving_after_escape_is_dropped(tmp_path: Path) -> None:
    # Found by the monkey test: Enter on home, then Escape while the practice was being
    # read; the reading thread handed its result to a screen whose widgets were gone and
    # NoMatches ended the app. Here the hand-over is made late on purpose.
    install_demo(PracticeStore(tmp_path))
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        practice = app.screen
        assert isinstance(practice, PracticeScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        practice._show("Harbour Family Dental", "summary")
        practice._problem(DataError("does not load", source="practice.toml"))
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    assert app.return_code in (None, 0)

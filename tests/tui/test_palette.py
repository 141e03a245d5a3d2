"""The command palette: paging keys pressed at any moment never crash the app."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.command import CommandList
from textual.widgets.option_list import Option

from balancecoach.tui.app import make_app
from balancecoach.tui.palette import Palette

TODAY = dt.date(2026, 11, 24)


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_paging_before_the_list_is_laid_out_does_nothing(tmp_path: Path) -> None:
    # Found by the monkey test: Ctrl+P, a search, Ctrl+U, then Page Down in the instant the
    # results arrived raised KeyError inside Textual's option list.
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"zzz")  # matches nothing: the list is hidden
        await settle(app, pilot)
        assert isinstance(app.screen, Palette)
        commands = app.screen.query_one(CommandList)
        assert not commands.scrollable_content_region
        # results arrive; the key comes before the list has been laid out
        commands.add_options([Option("first"), Option("second")])
        commands.highlighted = 0
        await pilot.press("pagedown", "pageup")
        assert commands.highlighted == 0
        await pilot.press("escape")
        await settle(app, pilot)
    assert app.return_code in (None, 0)


async def test_paging_moves_through_a_drawn_list(tmp_path: Path) -> None:
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        commands = app.screen.query_one(CommandList)
        assert commands.option_count > 1
        assert commands.highlighted == 0
        await pilot.press("pagedown")
        assert commands.highlighted > 0
        await pilot.press("pageup")
        assert commands.highlighted == 0


async def test_the_theme_list_is_the_same_palette(tmp_path: Path) -> None:
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.search_themes()
        await settle(app, pilot)
        assert isinstance(app.screen, Palette)

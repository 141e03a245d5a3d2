"""The guards around Textual's races (balancecoach.tui.textual_guards): keys that arrive
before a list is laid out, or as the command palette closes, never crash the app. Each
test here fails without its guard; they were found by the monkey test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from textual.app import App, ComposeResult
from textual.command import CommandList, CommandPalette
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from balancecoach.tui.app import make_app
from balancecoach.tui.textual_guards import install_guards

TODAY = dt.date(2026, 11, 24)


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_paging_the_palette_before_its_list_is_laid_out_does_nothing(
    tmp_path: Path,
) -> None:
    # Ctrl+P, a search, Ctrl+U, then Page Down in the instant the results arrived
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p", *"zzz")  # matches nothing: the list is hidden
        await settle(app, pilot)
        assert isinstance(app.screen, CommandPalette)
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


async def test_paging_still_moves_through_a_drawn_list(tmp_path: Path) -> None:
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


class _HiddenList(App[None]):
    """An option list (as a Select's drop-down is) with a highlight, not laid out yet."""

    CSS = "OptionList { display: none; }"

    def compose(self) -> ComposeResult:
        yield OptionList(*[Option(f"owner {n}") for n in range(5)])


async def test_paging_any_option_list_before_it_is_laid_out_does_nothing() -> None:
    install_guards()
    app = _HiddenList()
    async with app.run_test() as pilot:
        await pilot.pause()
        options = app.query_one(OptionList)
        options.highlighted = 2
        assert not options.scrollable_content_region
        options.action_page_down()
        options.action_page_up()
        assert options.highlighted == 2


async def test_a_closed_palette_starts_no_search(tmp_path: Path) -> None:
    # Enter on a command closes the palette; a key typed at once still reached its input
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        palette.dismiss()
        await settle(app, pilot)
        assert palette._gather_commands("d") is None
        await settle(app, pilot)
    assert app.return_code in (None, 0)


async def test_a_search_ending_on_a_closed_palette_shows_nothing(tmp_path: Path) -> None:
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        commands = palette.query_one(CommandList)
        palette.dismiss()
        await settle(app, pilot)
        assert not palette.query(CommandList)  # its widgets are gone
        # what the search does with its results once it has them
        palette._refresh_command_list(commands, [], True)
        await settle(app, pilot)
    assert app.return_code in (None, 0)

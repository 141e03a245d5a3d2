"""The balancecoach Textual app and the factory every entry point and test uses."""

from __future__ import annotations

import datetime as dt
import sys
import time
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from balancecoach.storage.paths import data_dir
from balancecoach.storage.store import PracticeStore

if TYPE_CHECKING:
    from balancecoach.core.content import Content

Clock = Callable[[], dt.date]


class BalanceCoachApp(App[None]):
    """Doctor and office manager, at one keyboard."""

    # Home's styles load with the app's: home is the first screen, and a stylesheet that
    # arrives with a pushed screen makes Textual parse every stylesheet again.
    CSS_PATH = ["app.tcss", "screens/home.tcss"]
    TITLE = "balancecoach"
    BINDINGS = [
        Binding("f1", "help", "Help", id="help", tooltip="What this screen is for and its keys"),
        Binding("ctrl+q", "quit", "Quit", id="quit", priority=True),
    ]

    def __init__(self, store: PracticeStore, clock: Clock = dt.date.today) -> None:
        from balancecoach.tui.textual_guards import install_guards

        install_guards()
        super().__init__()
        self.store = store
        self.clock = clock
        #: Seconds on a steady clock, for the workshop's countdown (a test sets its own).
        self.ticker: Callable[[], float] = time.monotonic
        #: A workshop file to open once home shows, and whether names start hidden.
        self.start_workshop: tuple[Path, bool] | None = None
        #: Open workshops by file, so leaving and coming back keeps the timer and focus.
        self.workshops: dict[Path, Any] = {}
        self.sub_title = str(store.root)

    @cached_property
    def content(self) -> Content:
        """The question bank and catalogs, loaded on first use (not at start-up)."""
        from balancecoach.storage.catalogs import load_content

        return load_content()

    @cached_property
    def drafts(self):  # -> DraftStore
        from balancecoach.storage.drafts import DraftStore

        return DraftStore(self.store.layout)

    def on_mount(self) -> None:
        from balancecoach.tui.screens.home import HomeScreen

        self.push_screen(HomeScreen())
        if self.start_workshop is not None:
            from balancecoach.tui.workshop import open_workshop

            path, anonymous = self.start_workshop
            open_workshop(self, path, anonymous=anonymous)

    def on_unmount(self) -> None:
        """Drafts are written in the background: the last of them lands before the app ends."""
        drafts = self.__dict__.get("drafts")
        if drafts is not None:
            try:
                drafts.flush(timeout=30)
            except Exception as exc:  # nobody left to tell on screen
                print(f"balancecoach: a draft could not be saved: {exc}", file=sys.stderr)

    def action_help(self) -> None:
        from balancecoach.tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        from balancecoach.tui.screens.home import HomeScreen

        home = next((s for s in self.screen_stack if isinstance(s, HomeScreen)), None)
        if home is not None:
            yield SystemCommand(
                "New practice",
                "Create a practice and start its first visit",
                home.action_new_practice,
            )
            yield SystemCommand(
                "Open demo practice", "Open the bundled demo practice", home.action_open_demo
            )
            yield SystemCommand(
                "Open practice…", "Choose a practice from the list", self.action_go_home
            )
        from balancecoach.tui.screens.practice import PracticeScreen

        practice = next((s for s in self.screen_stack if isinstance(s, PracticeScreen)), None)
        if practice is not None:
            yield SystemCommand(
                "Export report",
                "Write the latest checkpoint's report",
                practice.action_export_report,
            )
            yield SystemCommand(
                "Start visit",
                "Begin (or resume) a visit for this practice",
                practice.action_start_visit,
            )
            yield SystemCommand(
                "New checkpoint",
                "This quarter's checkpoint: last quarter's commitments, figures, pulse, charts",
                practice.action_new_checkpoint,
            )
        yield SystemCommand("Help", "Show help for this screen", self.action_help)

    def action_go_home(self) -> None:
        from balancecoach.tui.screens.home import HomeScreen

        while len(self.screen_stack) > 2 and not isinstance(self.screen, HomeScreen):
            self.pop_screen()


def make_app(data: str | Path | None = None, clock: Clock = dt.date.today) -> BalanceCoachApp:
    """The app on a data directory (the --data-dir flag, $BALANCECOACH_HOME, or the user
    data folder) with a clock, so tests never touch real data or the real date."""
    return BalanceCoachApp(PracticeStore(data_dir(data)), clock=clock)

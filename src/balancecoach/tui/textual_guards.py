"""Guards around races in Textual 8.2.8 (pinned exactly in pyproject.toml) that ended the
app with a traceback when keys came faster than the screen could follow. The monkey test
(tests/tui/test_monkey.py) found them; tests/tui/test_textual_guards.py fails without each
guard. The methods guarded are private to Textual: look at them again when it is upgraded.

- Option lists (the command palette's results, a Select's drop-down): Page Up / Page Down
  in the instant between the list appearing and its being laid out raised KeyError. Until
  the list has been laid out there is no page to move by, so the key does nothing.
- The command palette: a search that was still running when the palette closed (Enter on
  a command, then another key at once) went on to show its results in widgets already
  removed, and raised NoMatches. A closed palette starts no search, and a search that
  ends on a closed palette shows nothing.
"""

from __future__ import annotations

from typing import Any

from textual.command import CommandPalette
from textual.widgets import OptionList

_installed = False


def install_guards() -> None:
    """Put the guards in place; calling it again changes nothing."""
    global _installed
    if _installed:
        return
    _installed = True

    move_page = OptionList._move_page

    def _move_page(self: OptionList, direction: Any) -> None:
        if not self.scrollable_content_region:
            return  # not laid out yet
        move_page(self, direction)

    OptionList._move_page = _move_page  # type: ignore[method-assign]

    gather_commands = CommandPalette._gather_commands

    def _gather_commands(self: CommandPalette, search_value: str) -> Any:
        if not self.is_current:
            return None  # closed: a key that reached it as it closed starts no search
        return gather_commands(self, search_value)

    CommandPalette._gather_commands = _gather_commands  # type: ignore[method-assign]

    refresh_command_list = CommandPalette._refresh_command_list

    def _refresh_command_list(self: CommandPalette, *args: Any, **kwargs: Any) -> None:
        if not self.is_current:
            # closed: end the search without touching the palette's widgets (the busy
            # flag is cleared without its watcher, which would look for them too)
            self.set_reactive(CommandPalette._show_busy, False)
            self._cancel_gather_commands()
            return
        refresh_command_list(self, *args, **kwargs)

    CommandPalette._refresh_command_list = _refresh_command_list  # type: ignore[method-assign]

"""The command palette: Textual's own, with paging made safe while its list is laid out."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.command import CommandList, CommandPalette


class Palette(CommandPalette):
    """Textual's command palette. In textual 8.2.8, Page Up / Page Down raise KeyError when
    results have just arrived and the list has not been laid out yet (its region is still
    empty); here paging then does nothing, and works as before once the list is drawn."""

    BINDINGS: ClassVar = [
        Binding("pagedown", "page(1)", "Next page", show=False),
        Binding("pageup", "page(-1)", "Previous page", show=False),
    ]

    def action_page(self, direction: int) -> None:
        commands = self.query_one(CommandList)
        if not commands.scrollable_content_region:
            return  # not laid out yet: there is no page to move by
        if direction > 0:
            commands.action_page_down()
        else:
            commands.action_page_up()

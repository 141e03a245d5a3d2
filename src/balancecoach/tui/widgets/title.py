"""The title line at the top of every screen, in one widget.

It shows what Textual's Header shows (the title, then the screen's sub-title, or the
app's) without the icon and clock widgets Header is built from: one widget to lay out and
draw when a screen first shows.
"""

from __future__ import annotations

from textual.widgets import Static


class TitleBar(Static):
    """`balancecoach — <where you are>`, centred, kept up to date with the screen's title."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top;
        width: 100%;
        height: 1;
        background: $panel;
        color: $foreground;
        text-wrap: nowrap;
        text-overflow: ellipsis;
        content-align: center middle;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)

    def _show(self) -> None:
        screen, app = self.screen, self.app
        title = screen.title if screen.title is not None else app.title
        sub_title = screen.sub_title if screen.sub_title is not None else app.sub_title
        self.update(app.format_title(title, sub_title))

    def on_mount(self) -> None:
        self._show()
        for node in (self.app, self.screen):
            self.watch(node, "title", self._show, init=False)
            self.watch(node, "sub_title", self._show, init=False)

"""The key bar at the foot of every screen: the keys the screen offers, in one widget.

Textual's Footer makes a widget for every key and builds them again whenever the screen's
bindings are announced as changed (at every focus change and screen switch). Showing a
screen paid for that several times before its first frame. KeyBar draws the same keys as
one line of text: it works out what to show when the bindings change and draws again only
if that differs. A key can be clicked, as in Footer; a disabled key is dimmed.
"""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget


class Key(NamedTuple):
    """One key as shown: what is pressed, how it is written, what it does, and the group
    it is shown in (keys of one group side by side, then the group's name)."""

    key: str
    display: str
    description: str
    enabled: bool
    group: str | None = None


class KeyBar(Widget, can_focus=False):
    """The screen's shown bindings, with the command palette's key at the right end."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        & > .keybar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        & > .keybar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._keys: tuple[Key, ...] = ()
        self._palette: Key | None = None
        #: Where each key was drawn on the last render: (first column, past the last, key).
        self._spans: list[tuple[int, int, Key]] = []

    # --- what is shown -----------------------------------------------------------------------

    @property
    def keys(self) -> tuple[Key, ...]:
        """The keys shown on the left, in order."""
        return self._keys

    @property
    def palette_key(self) -> Key | None:
        """The command palette's key, shown at the right end (None: not offered)."""
        return self._palette

    def _read_bindings(self) -> tuple[tuple[Key, ...], Key | None]:
        app = self.app
        active = self.screen.active_bindings
        keys: list[Key] = []
        actions: set[str] = set()
        for _node, binding, enabled, _tooltip in active.values():
            # Several keys for one action (like Footer, the first stands for them all).
            if not binding.show or binding.action in actions:
                continue
            actions.add(binding.action)
            group = binding.group.description if binding.group is not None else None
            keys.append(
                Key(binding.key, app.get_key_display(binding), binding.description, enabled, group)
            )
        palette = None
        if app.ENABLE_COMMAND_PALETTE:
            entry = active.get(app.COMMAND_PALETTE_BINDING)
            if entry is not None:
                _node, binding, enabled, _tooltip = entry
                palette = Key(
                    binding.key, app.get_key_display(binding), binding.description, enabled
                )
                keys = [k for k in keys if k.key != palette.key]
        return tuple(keys), palette

    def update_keys(self) -> None:
        """Read the bindings again; draw again only when what is shown changes."""
        keys, palette = self._read_bindings()
        if (keys, palette) != (self._keys, self._palette):
            self._keys, self._palette = keys, palette
            self.refresh()

    def _bindings_changed(self, screen: Screen) -> None:
        if self.is_attached and screen is self.screen:
            self.update_keys()

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.update_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    # --- drawing -----------------------------------------------------------------------------

    def _runs(self) -> list[list[Key]]:
        """The keys in the pieces they are drawn in: one key alone, or the neighbouring
        keys of one group together."""
        runs: list[list[Key]] = []
        for key in self._keys:
            if runs and key.group is not None and runs[-1][-1].group == key.group:
                runs[-1].append(key)
            else:
                runs.append([key])
        return runs

    def _piece(self, run: list[Key]) -> tuple[Text, list[tuple[int, int, Key]]]:
        """One piece of the bar, and where each of its keys is in it."""
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        piece = Text(" ")
        spans: list[tuple[int, int, Key]] = []
        for key in run:
            at = piece.cell_len
            piece.append(key.display, key_style if key.enabled else key_style + Style(dim=True))
            if len(run) == 1:
                piece.append(" ")
                description = key.description
                piece.append(
                    f"{description} ",
                    description_style if key.enabled else description_style + Style(dim=True),
                )
            else:
                piece.append(" ")
            spans.append((at, piece.cell_len, key))
        if len(run) > 1:
            piece.append(f"{run[0].group} ", description_style)
        return piece, spans

    def render(self) -> Text:
        width = self.size.width
        line = Text(no_wrap=True, overflow="crop", end="")
        spans: list[tuple[int, int, Key]] = []
        right = self._piece([self._palette]) if self._palette is not None else None
        room = width - (right[0].cell_len + 1 if right is not None else 0)
        for run in self._runs():
            piece, where = self._piece(run)
            if line.cell_len + piece.cell_len > room:
                break  # no half keys: what does not fit is left out
            offset = line.cell_len
            line.append_text(piece)
            spans.extend((offset + a, offset + b, key) for a, b, key in where)
        if right is not None:
            piece, where = right
            line.pad_right(max(0, width - line.cell_len - piece.cell_len))
            offset = line.cell_len
            line.append_text(piece)
            spans.extend((offset + a, offset + b, key) for a, b, key in where)
        self._spans = spans
        return line

    # --- clicking ----------------------------------------------------------------------------

    def key_at(self, x: int) -> Key | None:
        """The key drawn at column x, if any."""
        for start, end, key in self._spans:
            if start <= x < end:
                return key
        return None

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        event.stop()
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()

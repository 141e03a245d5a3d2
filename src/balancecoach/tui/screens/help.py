"""F1: what the current screen is for, and its keys."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Markdown, Static


class HelpScreen(ModalScreen[None]):
    CSS_PATH = "help.tcss"
    BINDINGS = [Binding("escape,f1,q", "dismiss", "Close", id="help.close")]

    def __init__(self, about: Screen) -> None:
        super().__init__()
        self.about = about

    def compose(self) -> ComposeResult:
        text = getattr(self.about, "HELP", None) or "No help is written for this screen yet."
        keys = []
        for binding in self._bindings_of(self.about):
            keys.append(f"| `{self.app.get_key_display(binding)}` | {binding.description} |")
        if keys:
            text += "\n\n### Keys\n\n| key | what it does |\n| --- | --- |\n" + "\n".join(keys)
        text += "\n\n`Ctrl+P` opens the command palette; `F1` this help; `Ctrl+Q` quits."
        with VerticalScroll(id="help-body"):
            yield Markdown(text)
        yield Static("Escape to close", id="help-hint")

    @staticmethod
    def _bindings_of(screen: Screen) -> list[Binding]:
        seen: set[str] = set()
        out: list[Binding] = []
        for binding in screen.BINDINGS:
            wanted = isinstance(binding, Binding) and binding.show and binding.description
            if wanted and binding.key not in seen:
                seen.add(binding.key)
                out.append(binding)
        return out

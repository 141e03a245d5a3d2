"""Step 4 of the quarterly revisit: each partner's "what is working well" and "what could
be improved", side by side."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical
from textual.screen import Screen
from textual.widgets import Label, Static, TextArea

from balancecoach.tui import revisit as flow
from balancecoach.tui.flow import ROLE_TITLES, ROLES
from balancecoach.tui.revisit import Revisit
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

QUESTIONS = (("working", "What is working well"), ("improve", "What could be improved"))


class ReflectionsScreen(Screen[None]):
    CSS_PATH = "revisit_reflections.tcss"
    HELP: ClassVar[str] = """\
## Reflections

Each of you writes, in a sentence or two, **what is working well** and **what could be
improved** this quarter: in the practice, in the numbers, in how the two of you work
together. They are kept in the checkpoint beside your answers, so next quarter you can
read what you said.

Either box may stay empty. Say what you see; you will read each other's when you talk it
through.

- **Tab** / **Shift+Tab** move between the four boxes; **Enter** starts a new line.
- **Ctrl+N** goes on to the progress charts; **Escape** back to the re-assessment.
"""
    BINDINGS: ClassVar = [
        Binding(
            "ctrl+n",
            "continue",
            "Continue",
            id="revisit.reflections.continue",
            tooltip="On to the progress charts",
        ),
        Binding("escape", "back", "Back", id="revisit.reflections.back"),
    ]

    def __init__(self, revisit: Revisit) -> None:
        super().__init__()
        self.revisit = revisit

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(
            "Each of you, a sentence or two: what is working well, and what could be "
            "improved. Tab moves between the boxes.",
            id="reflections-intro",
        )
        with Grid(id="reflections"):
            for role in ROLES:
                with Vertical(classes="reflections-person"):
                    yield Label(f"[b]{ROLE_TITLES[role]}[/b]", classes="reflections-who")
                    for key, question in QUESTIONS:
                        yield Label(question, classes="reflections-question")
                        yield TextArea(
                            self.revisit.reflections.get(role, {}).get(key, ""),
                            id=f"{role}-{key}",
                            classes="reflection",
                            compact=True,
                            highlight_cursor_line=False,
                        )
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = flow.step_line(self.revisit)
        self.query_one(f"#{ROLES[0]}-working", TextArea).focus()

    @on(TextArea.Changed, ".reflection")
    def _typed(self, event: TextArea.Changed) -> None:
        role, _, key = (event.text_area.id or "").partition("-")
        mine = self.revisit.reflections.setdefault(role, {"working": "", "improve": ""})
        if mine.get(key) == event.text_area.text:
            return
        mine[key] = event.text_area.text
        flow.autosave(self.app, self.revisit)

    def action_continue(self) -> None:
        flow.advance(self.app, self.revisit)

    def action_back(self) -> None:
        flow.back_from_reflections(self.app, self.revisit)

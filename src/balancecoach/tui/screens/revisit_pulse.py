"""Step 3 of the quarterly revisit: the pulse re-assessment, the shorter statement set,
answered by the doctor and then the office manager, who does not see the doctor's answers.
The first visit's assessment screens, on the pulse set and the revisit's draft."""

from __future__ import annotations

from typing import ClassVar

from textual.screen import Screen

from balancecoach.core.content import Statement
from balancecoach.tui import revisit as flow
from balancecoach.tui.revisit import Revisit
from balancecoach.tui.screens.assessment import AssessmentScreen, HandOverScreen


class PulseScreen(AssessmentScreen):
    CSS_PATH = "assessment.tcss"
    HELP: ClassVar[str] = """\
## The pulse re-assessment

A shorter set of statements, one for each pole of each dimension, to see how the practice
has moved since last time. Each of you answers on your own: read each statement as what
happens in *this* practice today, and say how far you agree. There are no right answers.

- **1** strongly disagree · **2** disagree · **3** neither · **4** agree · **5** strongly agree
  (or arrows and Enter, or a click).
- **←** / **→** go back and forward; **s** skips a statement.
- **v** shows your answers so far to review and change; finishing happens from there.
- **Escape** leaves; every answer is kept, and **q** on the practice resumes the checkpoint.

The office manager never sees the doctor's answers until you both finish.
"""

    def __init__(self, revisit: Revisit) -> None:
        super().__init__(revisit)  # type: ignore[arg-type]
        self.revisit = revisit

    @property
    def statements(self) -> list[Statement]:
        from balancecoach.core.assessment import statements_for

        return statements_for(self.app.content, self.revisit.item_set)  # type: ignore[arg-type]

    def title_line(self) -> str:
        return flow.step_line(self.revisit)

    def save_draft(self) -> None:
        flow.autosave(self.app, self.revisit)

    def next_screen(self) -> Screen:
        return flow.screen_for(self.revisit)


class PulseHandOverScreen(HandOverScreen):
    CSS_PATH = "assessment.tcss"

    def __init__(self, revisit: Revisit) -> None:
        super().__init__(revisit)  # type: ignore[arg-type]
        self.revisit = revisit

    def action_begin(self) -> None:
        flow.advance(self.app, self.revisit)

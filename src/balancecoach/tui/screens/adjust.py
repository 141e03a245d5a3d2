"""Adjusting the goal and the scoreboard's targets during a quarterly revisit: the first
visit's goal and metrics screens, opened over next quarter's commitments. What changes
takes effect on the day the checkpoint is saved; earlier quarters keep the goal and the
targets they were scored against."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding
from textual.widgets import Input

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.tui import revisit as flow
from balancecoach.tui.screens.goal import GoalScreen, fields_from_goal
from balancecoach.tui.screens.metrics import MetricsScreen


class AdjustGoalScreen(GoalScreen):
    """The goal form, filled with the goal in effect; a changed goal is saved with today's
    date when the checkpoint is saved."""

    HELP: ClassVar[str] = """\
## Adjusting the goal

The boxes start from the goal in effect. Change what has changed (a raise, a new lease, a
different collection rate); the goal and "how this goal was created" update as you type.

When the checkpoint is saved, a goal that differs from the one in effect is added to
`practice.toml` **with today's date**. The goal before it stays in the file: this quarter
and earlier ones keep the goal they were scored against.

- **Ctrl+N** (or the button) keeps this goal and returns to the commitments.
- **Ctrl+R** puts back the goal in effect (nothing changes).
- **Escape** returns to the commitments; what you typed is kept.
"""
    BINDINGS: ClassVar = [
        Binding("ctrl+n", "continue", "Keep goal", id="adjust.goal.keep"),
        Binding("ctrl+r", "undo", "Goal in effect", id="adjust.goal.undo"),
        Binding("escape", "back", "Back", id="adjust.goal.back"),
    ]
    CONTINUE_LABEL = "Keep this goal"
    PART = "adjust the goal"

    def forward(self) -> None:
        flow.autosave(self.app, self.visit)
        self.dismiss()

    def backward(self) -> None:
        flow.autosave(self.app, self.visit)
        self.dismiss()

    def action_undo(self) -> None:
        """Back to the goal in effect: the boxes as they were when first opened."""
        try:
            practice = self.app.store.load_practice(self.visit.slug)
        except (DataError, DataErrors, OSError) as exc:  # say so, change nothing
            self.notify(
                str(exc),
                title="The practice file could not be read",
                severity="error",
                markup=False,
            )
            return
        goal = practice.goal_on(self.app.clock())
        fields = fields_from_goal(goal) if goal is not None else {}
        self.visit.goal_fields = dict(fields)
        for box in self.query(Input):
            key = (box.id or "").removeprefix("goal-")
            box.value = fields.get(key, "")
        self._flush()
        flow.autosave(self.app, self.visit)
        self.notify("The goal in effect is back; nothing will change.", timeout=4)


class AdjustTargetsScreen(MetricsScreen):
    """The scoreboard as it is: change a target or an owner, or the metrics themselves."""

    HELP: ClassVar[str] = """\
## Adjusting the scoreboard

The scoreboard starts as it is in `practice.toml`. Change a **target** (at least, at most,
or a range) or the **owner**, or tick and untick metrics (3 to 7, at least one from each
side).

When the checkpoint is saved, a metric whose target or owner changed is marked as changed
**from today**. This quarter's figures are judged against the targets you had: each
checkpoint keeps the target it was scored against.

- **↑/↓** move through the catalog; **Space** or **Enter** ticks or unticks.
- **Tab** moves to the target and owner.
- **Ctrl+N** keeps this scoreboard and returns to the commitments.
- **Escape** returns to the commitments; your changes are kept.
"""
    BINDINGS: ClassVar = [
        Binding("c,ctrl+n", "continue", "Keep scoreboard", id="adjust.metrics.keep"),
        Binding("escape", "back", "Back", id="adjust.metrics.back"),
    ]
    CONTINUE_LABEL = "Keep this scoreboard"
    PART = "adjust the scoreboard"

    def forward(self) -> None:
        flow.autosave(self.app, self.visit)
        self.dismiss()

    def backward(self) -> None:
        flow.autosave(self.app, self.visit)
        self.dismiss()

"""The end of the quarterly revisit: this quarter's checkpoint written (or updated), and
what is in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.tui import revisit as flow
from balancecoach.tui.late import still_open
from balancecoach.tui.markup import escape
from balancecoach.tui.revisit import Revisit
from balancecoach.tui.screens.plan import OWNER_WORDS
from balancecoach.tui.screens.saved import what_to_do
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

STATUS_STYLE = {"green": "green", "amber": "yellow", "red": "red"}

if TYPE_CHECKING:
    from balancecoach.core.content import Content
    from balancecoach.core.records import Checkpoint
    from balancecoach.core.revisit import Adjustment
    from balancecoach.storage.store import PracticeStore


@dataclass
class SavedCheckpoint:
    path: Path
    checkpoint: Checkpoint
    updated: bool
    #: What was changed in practice.toml (the goal, the scoreboard), if anything.
    adjustment: Adjustment | None = None
    practice_path: Path | None = None


def save_revisit(
    store: PracticeStore, content: Content, revisit: Revisit, today: dt.date
) -> SavedCheckpoint:
    """Write the quarter's checkpoint. The practice and checkpoints are read again first,
    so a checkpoint saved for this quarter meanwhile is updated, not overwritten blindly;
    no other quarter's file is touched."""
    practice = store.load_practice(revisit.slug)
    checkpoints, _problems = store.load_checkpoints(revisit.slug)
    existing = next((c for c in checkpoints if c.quarter == revisit.quarter), None)
    if existing is None and store.layout.checkpoint_file(revisit.slug, revisit.quarter).exists():
        raise DataError(
            "holds this quarter's checkpoint but does not load, so it was not overwritten",
            source=store.layout.checkpoint_file(revisit.slug, revisit.quarter),
            hint="fix the file (balancecoach validate names the problem), then press r",
        )
    # read before anything is written: a goal that does not read stops the save whole
    adjustment = flow.pending_adjustment(content, practice, revisit, today)
    # the quarter is scored against the goal and targets in effect before the adjustment
    checkpoint = flow.build_checkpoint(content, practice, revisit, today, existing)
    path = store.save_checkpoint(revisit.slug, checkpoint)
    practice_path = None
    if adjustment is not None:
        practice_path = store.save_practice(revisit.slug, adjustment.practice)
    return SavedCheckpoint(
        path=path,
        checkpoint=checkpoint,
        updated=existing is not None,
        adjustment=adjustment,
        practice_path=practice_path,
    )


class RevisitSavedScreen(Screen[None]):
    CSS_PATH = "revisit_saved.tcss"
    HELP: ClassVar[str] = """\
## Checkpoint saved

This quarter's checkpoint is written to `checkpoints/<year>-Q<n>.toml` in the practice's
folder: your answers and scores as computed today, the metric figures with their status,
the plan's adherence, your reflections, last quarter's commitments as reviewed, and the
new ones. Earlier quarters' files are not touched.

If saving fails (for example because another balancecoach has the practice open), the
message says what to do; nothing you entered is lost, and **r** tries again.

- **Enter** goes back to the practice; **h** home.
- **Escape** goes back to the commitments (saving again updates this quarter's file).
"""
    BINDINGS: ClassVar = [
        Binding("enter", "practice", "Practice", id="revisit.saved.practice"),
        Binding("h", "home", "Home", id="revisit.saved.home"),
        Binding("r", "retry", "Save again", id="revisit.saved.retry"),
        Binding("escape", "back", "Back", id="revisit.saved.back"),
    ]

    def __init__(self, revisit: Revisit) -> None:
        super().__init__()
        self.revisit = revisit
        self.state: Literal["saving", "saved", "failed"] = "saving"
        self.saved: SavedCheckpoint | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="revisit-saved-body"):
            yield Static("Saving the checkpoint…", id="revisit-saved-title")
            yield Static("", id="revisit-saved-summary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.revisit.practice_name} · {self.revisit.quarter} checkpoint"
        self.query_one("#revisit-saved-body").focus()
        self.save()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.state == "failed"
        if action in ("practice", "home", "back"):
            return self.state != "saving"
        return True

    def _set_state(self, state: Literal["saving", "saved", "failed"]) -> None:
        self.state = state
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="save-checkpoint")
    def save(self) -> None:
        app = self.app
        try:
            saved = save_revisit(app.store, app.content, self.revisit, app.clock())
        except (DataError, DataErrors, OSError, ValueError) as exc:
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self._saved, saved)

    def _saved(self, saved: SavedCheckpoint) -> None:
        # The checkpoint is written: its draft goes even if the screen closed meanwhile
        # (the command palette can go home while it saves).
        flow.discard_draft(self.app, self.revisit)
        verb = "updated" if saved.updated else "saved"
        if not still_open(self):
            self.app.notify(
                f"The {self.revisit.quarter} checkpoint of {self.revisit.practice_name} is {verb}.",
                title="Checkpoint saved",
                markup=False,
            )
            return
        self.saved = saved
        self._set_state("saved")
        self.query_one("#revisit-saved-title", Static).update(
            f"[b]✓ The {escape(self.revisit.quarter)} checkpoint of "
            f"{escape(self.revisit.practice_name)} is {verb}.[/b]"
        )
        self.query_one("#revisit-saved-summary", Static).update(self._summary(saved))

    def _failed(self, exc: Exception) -> None:
        if not still_open(self):
            self.app.notify(
                f"{exc}\n\nNothing you entered is lost: the checkpoint is kept as a draft, "
                "and q on the practice resumes it.",
                title="The checkpoint was not saved",
                severity="error",
                timeout=20,
                markup=False,
            )
            return
        self._set_state("failed")
        advice = what_to_do(exc)
        self.notify(
            f"{exc}\n\n{advice}",
            title="The checkpoint was not saved",
            severity="error",
            timeout=20,
            markup=False,
        )
        title = self.query_one("#revisit-saved-title", Static)
        title.add_class("-failed")
        title.update("[b]The checkpoint was not saved.[/b]")
        self.query_one("#revisit-saved-summary", Static).update(
            f"{escape(exc)}\n\n[b]What to do:[/b] {escape(advice)}\n\n"
            "Nothing you entered is lost: the checkpoint is kept as a draft, and q on the "
            "practice resumes it."
        )

    def _summary(self, saved: SavedCheckpoint) -> RenderableType:
        """What was saved, each list item indented under its heading."""
        from balancecoach.core.format import format_value

        c = saved.checkpoint
        content = self.app.content

        def item(text: Text | str) -> Padding:
            return Padding(text if isinstance(text, Text) else Text(text), (0, 0, 0, 2))

        parts: list[RenderableType] = [Text("The file", style="bold"), item(str(saved.path))]
        if saved.adjustment is not None and saved.practice_path is not None:
            from balancecoach.tui.screens.revisit_commitments import adjustment_line

            parts += [
                Text(""),
                Text("Goal and scoreboard", style="bold"),
                item(
                    adjustment_line(content, saved.adjustment, c.date).removeprefix("On saving: ")
                ),
                item(f"in {saved.practice_path}"),
            ]
        if c.scores is not None and c.scores.quadrant:
            parts += [
                Text(""),
                Text("Where the practice stands", style="bold"),
                item(
                    f"{c.scores.quadrant}: structure {c.scores.structure:.0f}, "
                    f"people {c.scores.people:.0f}"
                ),
            ]
        if c.metric:
            parts += [Text(""), Text("Metrics", style="bold")]
            for m in c.metric:
                defn = content.metrics.by_id.get(m.id)
                line = Text("● ", style=STATUS_STYLE.get(m.status or "", "dim"))
                line.append(defn.name if defn else m.id)
                if m.value is not None and defn is not None:
                    line.append(f"  {format_value(defn.unit, m.value)}")
                if m.status:
                    line.append(f" ({m.status})", style="dim")
                parts.append(item(line))
        parts += [Text(""), Text(f"Commitments for {_next(c.quarter)}", style="bold")]
        for n, commitment in enumerate(c.commitment, start=1):
            line = Text(f"{n}. {commitment.text}")
            due = f", due {commitment.due:%d %b %Y}" if commitment.due else ""
            line.append(f" ({OWNER_WORDS[commitment.owner].lower()}{due})", style="dim")
            parts.append(item(line))
        parts += [
            Text(""),
            Text(
                "Enter: back to the practice · h: home · the next checkpoint opens these "
                "commitments for review",
                style="dim",
            ),
        ]
        return Group(*parts)

    # --- keys ---------------------------------------------------------------------------

    def action_practice(self) -> None:
        from balancecoach.tui.screens.practice import PracticeScreen

        self.app.pop_screen()
        screen = self.app.screen
        if isinstance(screen, PracticeScreen):
            screen.load()

    def action_home(self) -> None:
        self.app.action_go_home()

    def action_retry(self) -> None:
        title = self.query_one("#revisit-saved-title", Static)
        title.remove_class("-failed")
        title.update("Saving the checkpoint…")
        self.query_one("#revisit-saved-summary", Static).update("")
        self._set_state("saving")
        self.save()

    def action_back(self) -> None:
        flow.go_back(self.app, self.revisit, "commitments")


def _next(quarter: str) -> str:
    from balancecoach.core.records import Quarter

    return str(Quarter.parse(quarter).next())

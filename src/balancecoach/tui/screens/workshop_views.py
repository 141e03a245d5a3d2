"""The workshop's other screens: the cohort view (every practice on one quadrant, with its
movement, and a table), the facilitator prompts for the practice in focus, the coach's
notes, and the picker that opens a workshop from home."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.format import signed
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.quadrant import QuadrantChart, QuadrantPoint
from balancecoach.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from balancecoach.core.records import Checkpoint
    from balancecoach.core.workshop import Prompt
    from balancecoach.storage.store import PracticeSummary
    from balancecoach.tui.workshop import WorkshopSession


def movement(row: PracticeSummary) -> str:
    """'−18 → −10 (+8)', or the lean alone when there is nothing to compare with."""
    if row.lean is None:
        return "–"
    if row.prev_lean is None:
        return signed(row.lean)
    return f"{signed(row.prev_lean)} → {signed(row.lean)} ({signed(row.lean - row.prev_lean)})"


def cohort_points(session: WorkshopSession) -> list[QuadrantPoint]:
    """A letter per practice where it stands now, and its lowercase letter where it stood
    at its previous checkpoint (the table beside the chart says which practice is which)."""
    from balancecoach.core.workshop import letter

    points: list[QuadrantPoint] = []
    for p in session.participants:
        row = session.rows.get(p.index)
        if row is None or row.structure is None or row.people is None:
            continue
        mark = letter(p.index)
        if row.prev_structure is not None and row.prev_people is not None:
            points.append(
                QuadrantPoint(mark.lower(), "", row.prev_structure, row.prev_people, "second")
            )
        points.append(QuadrantPoint(mark, "", row.structure, row.people, "first"))
    return points


class CohortScreen(Screen[None]):
    CSS_PATH = "workshop.tcss"
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (110, "-wide")]
    HELP: ClassVar[str] = """\
## The cohort

Every practice of the workshop on one quadrant: its **letter** where it stands at its
latest checkpoint, and the same letter in **lowercase** where it stood at the checkpoint
before. The table gives each practice's lean and how it moved, its quadrant, how closely
the doctor and manager agree, and the metrics in red.

- **a** hides or shows the names (the letters stay).
- **Escape** goes back to the presenter view.
"""
    BINDINGS: ClassVar = [
        Binding("a", "anonymise", "Names", id="cohort.anonymise"),
        Binding("escape", "app.pop_screen", "Back", id="cohort.back"),
    ]

    def __init__(self, session: WorkshopSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="cohort-note")
        with Horizontal(id="cohort-body"):
            yield QuadrantChart([], id="cohort-chart")
            yield DataTable(id="cohort-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.workshop.title} · cohort"
        self.show()
        self.refresh_rows()

    @work(thread=True, exclusive=True, group="cohort-rows")
    def refresh_rows(self) -> None:
        self.session.read_rows()
        self.app.call_from_thread(self.show)

    def show(self) -> None:
        from balancecoach.core.workshop import letter

        s = self.session
        content = self.app.content
        chart = self.query_one(QuadrantChart)
        chart.points = cohort_points(s)
        chart.refresh()
        table = self.query_one(DataTable)
        table.clear(columns=True)  # columns sized afresh: hidden names are shorter
        table.add_columns("", "Practice", "Quarter", "Lean, moved", "Quadrant", "Agree", "In red")
        scored = 0
        for p in s.participants:
            row = s.rows.get(p.index)
            if row is None:
                table.add_row(letter(p.index), s.name(p.index), "…", "", "", "", "")
                continue
            scored += row.structure is not None
            quadrant = row.quadrant or "–"
            if row.prev_quadrant and row.quadrant and row.prev_quadrant != row.quadrant:
                quadrant = f"{row.prev_quadrant} → {row.quadrant}"
            red = [content.metrics.by_id[m].name for m in row.red if m in content.metrics.by_id]
            table.add_row(
                letter(p.index),
                s.name(p.index),
                row.last_quarter or "none yet",
                movement(row),
                quadrant,
                "–" if row.agreement is None else f"{row.agreement:.0f}%",
                ", ".join(red) or "–",
            )
        hidden = " Names are hidden." if s.anonymous else ""
        self.query_one("#cohort-note", Static).update(
            f"{scored} of {len(s.participants)} practices scored. Capital letter: latest "
            f"checkpoint; lowercase: the one before.{hidden}"
        )

    def action_anonymise(self) -> None:
        self.session.anonymous = not self.session.anonymous
        self.show()


class PromptsScreen(Screen[None]):
    CSS_PATH = "workshop.tcss"
    HELP: ClassVar[str] = """\
## Facilitator prompts

Questions for the room about the practice in focus, one at a time: where its doctor and
manager answered furthest apart (at the latest checkpoint both answered), what the
recommendations for where it leans suggest, and last quarter's commitments that were
only partly done or not done.

- **n** / **↓** the next question, **p** / **↑** the one before.
- **Escape** goes back to the presenter view.
"""
    BINDINGS: ClassVar = [
        Binding("n,down", "step(1)", "Next", id="prompts.next"),
        Binding("p,up", "step(-1)", "Previous", id="prompts.previous"),
        Binding("escape", "app.pop_screen", "Back", id="prompts.back"),
    ]
    KIND_WORDS: ClassVar = {
        "divergence": "Where you differ",
        "recommendation": "For where you lean",
        "commitment": "Last quarter's commitment",
    }

    def __init__(self, session: WorkshopSession) -> None:
        super().__init__()
        self.session = session
        self.prompts: list[Prompt] | None = None
        self.at = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="prompts-head")
        with VerticalScroll(id="prompts-body"):
            yield Static("Reading the practice's checkpoints…", id="prompts-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.workshop.title} · prompts"
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        from balancecoach.core.workshop import facilitator_prompts

        p = self.session.in_focus
        checkpoints: list[Checkpoint]
        checkpoints, _problems = p.store.load_checkpoints(p.slug)
        prompts = facilitator_prompts(self.app.content, checkpoints)
        self.app.call_from_thread(self._loaded, prompts)

    def _loaded(self, prompts: list[Prompt]) -> None:
        self.prompts = prompts
        self.show()

    def show(self) -> None:
        s = self.session
        name = s.name(s.focus)
        prompts = self.prompts or []
        head = self.query_one("#prompts-head", Static)
        text = self.query_one("#prompts-text", Static)
        if not prompts:
            head.update(f"{name}: no prompts yet")
            text.update(
                "Prompts come from a checkpoint both the doctor and the manager answered, "
                "and from last quarter's reviewed commitments. This practice has neither "
                "yet: run its assessment first."
            )
            return
        self.at = max(0, min(self.at, len(prompts) - 1))
        prompt = prompts[self.at]
        head.update(f"{name} · question {self.at + 1} of {len(prompts)} · n next, p previous")
        body = Text()
        body.append(self.KIND_WORDS[prompt.kind] + "\n\n", style="bold cyan")
        body.append(prompt.question + "\n\n", style="bold")
        if prompt.detail:
            body.append(prompt.detail, style="dim")
        text.update(body)

    def action_step(self, step: int) -> None:
        if self.prompts:
            self.at = (self.at + step) % len(self.prompts)
            self.show()


class NotesScreen(ModalScreen[None]):
    CSS_PATH = "workshop.tcss"
    HELP: ClassVar[str] = """\
## Coach notes

What the coach noticed about the practice in focus. **Ctrl+S** saves the notes into the
practice's checkpoint for this quarter (created with just the notes if the quarter has
none yet; the quarterly checkpoint keeps them when it is saved later). **Escape** closes
without saving.
"""
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "Save notes", id="notes.save"),
        Binding("escape", "dismiss", "Close", id="notes.close"),
    ]

    def __init__(self, session: WorkshopSession) -> None:
        super().__init__()
        self.session = session
        self.participant = session.in_focus

    def compose(self) -> ComposeResult:
        with Vertical(id="notes-box"):
            yield Static("", id="notes-title")
            yield TextArea("", id="notes-text", soft_wrap=True)
            yield Static("Ctrl+S saves · Escape closes without saving", id="notes-hint")

    def on_mount(self) -> None:
        from balancecoach.core.records import Quarter

        p = self.participant
        quarter = str(Quarter.of(self.app.clock()))
        self.quarter = quarter
        self.query_one("#notes-title", Static).update(
            f"Coach notes · {self.session.name(p.index)} · {quarter}"
        )
        checkpoints, _ = p.store.load_checkpoints(p.slug)
        existing = next((c for c in checkpoints if c.quarter == quarter), None)
        area = self.query_one(TextArea)
        area.text = existing.coach_notes if existing else ""
        area.focus()

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        try:
            path = save_coach_notes(self.participant, text, self.app.clock())
        except (DataError, DataErrors, OSError, ValueError) as exc:
            self.notify(str(exc), title="The notes were not saved", severity="error", timeout=10)
            return
        self.notify(str(path), title="Notes saved", timeout=4)
        self.dismiss()


def save_coach_notes(participant, text: str, today) -> Path:
    """Write `text` as the coach notes of the participant's checkpoint for the quarter of
    `today` (created, holding only the notes, when there is none). No other quarter's
    file is touched."""
    from balancecoach.core.records import Checkpoint, Quarter

    store, slug = participant.store, participant.slug
    quarter = str(Quarter.of(today))
    path = store.layout.checkpoint_file(slug, quarter)
    checkpoints, _problems = store.load_checkpoints(slug)
    existing = next((c for c in checkpoints if c.quarter == quarter), None)
    if existing is None and path.exists():
        raise DataError(
            "holds this quarter's checkpoint but does not load, so the notes were not saved",
            source=path,
            hint="fix the file (balancecoach validate names the problem), then save again",
        )
    data = dict(existing) if existing is not None else {"quarter": quarter, "date": today}
    data["coach_notes"] = text.strip()
    return store.save_checkpoint(slug, Checkpoint.model_validate(data))


class WorkshopPickerScreen(Screen[None]):
    """Home's way into a workshop: the workshop files kept in the data directory, and one
    to make with every practice in it."""

    CSS_PATH = "workshop.tcss"
    HELP: ClassVar[str] = """\
## Workshops

The workshop files kept in the data directory's `workshops/` folder. **Enter** opens the
highlighted one in the presenter view. The last entry makes a new workshop file with every
practice in the data directory and a two-hour agenda; edit it by hand (it is plain TOML,
with comments) or open any file with `balancecoach workshop FILE`.

**Escape** goes back home.
"""
    BINDINGS: ClassVar = [Binding("escape", "app.pop_screen", "Back", id="picker.back")]

    NEW = "\0new"

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield OptionList(id="picker-list")
        yield Static("", id="picker-note")
        yield KeyBar()

    def on_mount(self) -> None:
        from balancecoach.storage.workshops import list_workshops, workshops_folder

        self.sub_title = "workshops"
        options = self.query_one(OptionList)
        for path in list_workshops(self.app.store):
            options.add_option(Option(path.stem, id=str(path)))
        options.add_option(Option("+ New workshop with every practice here", id=self.NEW))
        options.focus()
        self.query_one("#picker-note", Static).update(
            f"Workshop files are kept in {workshops_folder(self.app.store)}"
        )

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        from balancecoach.tui.workshop import open_workshop

        choice = event.option.id or ""
        if choice == self.NEW:
            from balancecoach.storage.workshops import create_workshop

            slugs = self.app.store.slugs()
            if not slugs:
                self.notify("There is no practice here yet.", severity="warning")
                return
            today = self.app.clock()
            try:
                path = create_workshop(self.app.store, f"Workshop {today:%B %Y}", slugs)
            except (DataError, OSError) as exc:
                self.notify(str(exc), title="No workshop file was written", severity="error")
                return
            self.notify(str(path), title="Workshop file written", timeout=6)
        else:
            path = Path(choice)
        self.app.pop_screen()
        open_workshop(self.app, path)

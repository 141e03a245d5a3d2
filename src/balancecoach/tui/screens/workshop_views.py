"""The workshop's other screens: the cohort view (every practice on one quadrant, with its
movement, and a table), the facilitator prompts for the practice in focus, the coach's
notes, and the picker that opens a workshop from home."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from rich.cells import cell_len, set_cell_size
from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.format import signed
from balancecoach.tui.late import still_open
from balancecoach.tui.markup import escape
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.quadrant import QuadrantChart, QuadrantPoint
from balancecoach.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from balancecoach.core.records import Checkpoint
    from balancecoach.core.workshop import Prompt
    from balancecoach.storage.store import PracticeSummary
    from balancecoach.tui.workshop import WorkshopSession


# --- tables that fit their width ---------------------------------------------------------

#: A table cell: its forms, longest first (a column shows all its cells in the same form,
#: the longest that fits them all, else the last cut short), or one drawn for the width.
Cell = tuple[str, ...] | Callable[[int], str]
#: Wider than any column: a cell drawn at this width is drawn whole.
WHOLE = 10_000


def cut(text: str, width: int) -> str:
    """`text`, or as much of it as fits in `width` cells ending in an ellipsis."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    return set_cell_size(text, width - 1).rstrip() + "…"


def forms(*texts: str) -> tuple[str, ...]:
    """A cell with these forms, longest first."""
    return texts


def _form(cell: tuple[str, ...], level: int) -> str:
    return cell[min(level, len(cell) - 1)]


def draw_column(cells: Sequence[Cell], width: int) -> list[str]:
    """A column's cells drawn in `width`: its forms cells all in the longest form that
    fits every one of them (or the shortest, cut), its drawn cells each as fits."""
    levels = max((len(c) for c in cells if isinstance(c, tuple)), default=1)
    level = next(
        (
            n
            for n in range(levels)
            if all(cell_len(_form(c, n)) <= width for c in cells if isinstance(c, tuple))
        ),
        levels - 1,
    )
    return [
        cut(_form(c, level), width) if isinstance(c, tuple) else cut(c(width), width) for c in cells
    ]


def red_cell(names: Sequence[str]) -> Cell:
    """The metrics in red: every name when they fit; else their count and as many names as
    fit ('3: Case acceptance, …'), or as much of them as fits ('3: Case acc…'); else
    the count alone."""

    def draw(width: int) -> str:
        if not names:
            return "–"
        whole = ", ".join(names)
        if cell_len(whole) <= width:
            return whole
        count = f"{len(names)}: "
        for shown in range(len(names) - 1, 0, -1):
            text = f"{count}{', '.join(names[:shown])}, …"
            if cell_len(text) <= width:
                return text
        if width - cell_len(count) >= 5:  # at least four letters of the first name
            return cut(count + whole, width)
        return str(len(names))

    return draw


def fit_rows(
    table: DataTable,
    labels: Sequence[str],
    rows: Sequence[Sequence[Cell]],
    shrink: Sequence[tuple[int, int]],
) -> tuple[list[int], list[list[str]]]:
    """The cells of `rows` drawn to fit the table's width, so it needs no horizontal
    scrollbar, and the width of each column as drawn. Each column is as wide as its widest
    cell (or label); while together they are too wide, the columns in `shrink` (column,
    narrowest) give up width in turn, none below its narrowest or its label. A table not
    laid out yet is drawn whole (it is drawn again when it gets its width: FitTable)."""
    columns = [[row[i] for row in rows] for i in range(len(labels))]
    widths = [
        max(
            [
                cell_len(label),
                *(cell_len(c[0] if isinstance(c, tuple) else c(WHOLE)) for c in cells),
            ]
        )
        for label, cells in zip(labels, columns, strict=True)
    ]
    if table.size.width:
        room = table.scrollable_content_region.width - 2 * table.cell_padding * len(labels)
        for column, narrowest in shrink:
            over = sum(widths) - room
            if over <= 0:
                break
            floor = max(narrowest, cell_len(labels[column]))
            widths[column] = min(widths[column], max(floor, widths[column] - over))
    drawn = [draw_column(cells, width) for cells, width in zip(columns, widths, strict=True)]
    widths = [
        max([cell_len(label), *map(cell_len, column)])
        for label, column in zip(labels, drawn, strict=True)
    ]
    return widths, [[column[r] for column in drawn] for r in range(len(rows))]


class FitTable(DataTable):
    """A DataTable that tells its screen when its width changes, for the screen to draw
    the rows again to fit (fit_rows)."""

    class Resized(Message):
        """The table's width changed."""

        def __init__(self, table: FitTable) -> None:
            super().__init__()
            self.table = table

        @property
        def control(self) -> FitTable:
            return self.table

    _fitted: int = -1

    def on_resize(self, _event: events.Resize) -> None:
        width = self.scrollable_content_region.width
        if width != self._fitted:
            self._fitted = width
            self.post_message(self.Resized(self))

    def fill(
        self,
        labels: Sequence[str],
        rows: Sequence[Sequence[Cell]],
        shrink: Sequence[tuple[int, int]],
        keys: Sequence[str] | None = None,
    ) -> None:
        """Show `rows` under `labels`, drawn to fit (fit_rows). The columns are given their
        widths here: left to DataTable to measure (when idle), a row drawn before that
        was drawn at the labels' widths and kept so in its cache."""
        widths, drawn = fit_rows(self, labels, rows, shrink)
        self.clear(columns=True)
        for label, width in zip(labels, widths, strict=True):
            self.add_column(label, width=width)
        for i, cells in enumerate(drawn):
            self.add_row(*(Text(c, end="") for c in cells), key=keys[i] if keys else None)


def red_names(content, row: PracticeSummary | None) -> list[str]:
    """The names of the row's metrics in red (an id the catalog does not know, as is)."""
    by_id = content.metrics.by_id
    return [by_id[m].name if m in by_id else m for m in (row.red if row else [])]


def movement(row: PracticeSummary) -> str:
    """'−18 → −10 (+8)', or the lean alone when there is nothing to compare with."""
    if row.lean is None:
        return "–"
    if row.prev_lean is None:
        return signed(row.lean)
    return f"{signed(row.prev_lean)} → {signed(row.lean)} ({signed(row.lean - row.prev_lean)})"


def movement_cell(row: PracticeSummary) -> Cell:
    """movement(), or where that does not fit, without where the lean was: '−10 (+8)'."""
    if row.lean is None or row.prev_lean is None:
        return forms(movement(row))
    return forms(movement(row), f"{signed(row.lean)} ({signed(row.lean - row.prev_lean)})")


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
    #: The chart beside the table only where the table still has room for its columns.
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (160, "-wide")]
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
    COLUMNS: ClassVar = ("", "Practice", "Quarter", "Lean, moved", "Quadrant", "Agree", "In red")
    #: What gives up width when the table is too wide: the metrics in red, where a practice
    #: came from, its name and its movement; then the rest of them.
    SHRINK: ClassVar = ((6, 12), (4, 18), (1, 20), (3, 10), (6, 1), (1, 10), (4, 10), (3, 6))

    def __init__(self, session: WorkshopSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="cohort-note")
        with Horizontal(id="cohort-body"):
            yield QuadrantChart([], id="cohort-chart")
            yield FitTable(id="cohort-table", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.workshop.title} · cohort"
        self.show()
        self.refresh_rows()

    @work(thread=True, exclusive=True, group="cohort-rows")
    def refresh_rows(self) -> None:
        self.session.read_rows()
        self.app.call_from_thread(self._rows_read)

    def _rows_read(self) -> None:
        if still_open(self):  # not when Escape closed the view while the rows were read
            self.show()

    def show(self) -> None:
        s = self.session
        chart = self.query_one(QuadrantChart)
        chart.points = cohort_points(s)
        chart.refresh()
        self._show_table()
        scored = sum(row.structure is not None for row in s.rows.values())
        hidden = " Names are hidden." if s.anonymous else ""
        self.query_one("#cohort-note", Static).update(
            f"{scored} of {len(s.participants)} practices scored. Capital letter: latest "
            f"checkpoint; lowercase: the one before.{hidden}"
        )

    @on(FitTable.Resized, "#cohort-table")
    def _show_table(self) -> None:
        from balancecoach.core.workshop import letter

        s = self.session
        content = self.app.content
        rows: list[list[Cell]] = []
        for p in s.participants:
            row = s.rows.get(p.index)
            mark, name = forms(letter(p.index)), forms(s.name(p.index))
            if row is None:
                rows.append([mark, name, forms("…"), *[forms("")] * 4])
                continue
            quadrant = forms(row.quadrant or "–")
            if row.prev_quadrant and row.quadrant and row.prev_quadrant != row.quadrant:
                quadrant = forms(
                    f"{row.prev_quadrant} → {row.quadrant}", f"→ {row.quadrant}", row.quadrant
                )
            rows.append(
                [
                    mark,
                    name,
                    forms(row.last_quarter or "none yet"),
                    movement_cell(row),
                    quadrant,
                    forms("–" if row.agreement is None else f"{row.agreement:.0f}%"),
                    red_cell(red_names(content, row)),
                ]
            )
        self.query_one(FitTable).fill(self.COLUMNS, rows, self.SHRINK)

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
        if still_open(self):  # not when Escape closed the prompts while they were read
            self.show()

    def show(self) -> None:
        s = self.session
        name = s.name(s.focus)
        prompts = self.prompts or []
        head = self.query_one("#prompts-head", Static)
        text = self.query_one("#prompts-text", Static)
        if not prompts:
            head.update(f"{escape(name)}: no prompts yet")
            text.update(
                "Prompts come from a checkpoint both the doctor and the manager answered, "
                "and from last quarter's reviewed commitments. This practice has neither "
                "yet: run its assessment first."
            )
            return
        self.at = max(0, min(self.at, len(prompts) - 1))
        prompt = prompts[self.at]
        head.update(
            f"{escape(name)} · question {self.at + 1} of {len(prompts)} · n next, p previous"
        )
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
            f"Coach notes · {escape(self.session.name(p.index))} · {quarter}"
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
            self.notify(
                str(exc),
                title="The notes were not saved",
                severity="error",
                timeout=10,
                markup=False,
            )
            return
        self.notify(str(path), title="Notes saved", timeout=4, markup=False)
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
    BINDINGS: ClassVar = [
        # priority: the list's own Enter (the same, not shown) would hide it from the key bar
        Binding("enter", "open", "Open", id="picker.open", priority=True),
        Binding("escape", "app.pop_screen", "Back", id="picker.back"),
    ]

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
            options.add_option(Option(Content(path.stem), id=str(path)))
        options.add_option(Option("+ New workshop with every practice here", id=self.NEW))
        options.highlighted = 0  # Enter opens the first at once
        options.focus()
        self.query_one("#picker-note", Static).update(
            f"Workshop files are kept in {escape(workshops_folder(self.app.store))}"
        )

    def action_open(self) -> None:
        self.query_one(OptionList).action_select()

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
                self.notify(
                    str(exc), title="No workshop file was written", severity="error", markup=False
                )
                return
            self.notify(str(path), title="Workshop file written", timeout=6, markup=False)
        else:
            path = Path(choice)
        self.app.pop_screen()
        open_workshop(self.app, path)

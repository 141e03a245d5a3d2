"""The workshop's presenter view: the agenda with the current segment's countdown (an
overrun is shown, never hidden), the next segment, the practices taking part with the one
in focus, and the keys to run the room."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Console, ConsoleOptions, RenderResult
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from balancecoach.core.format import signed
from balancecoach.tui.late import still_open
from balancecoach.tui.markup import escape
from balancecoach.tui.screens.workshop_views import (
    Cell,
    FitTable,
    forms,
    red_cell,
    red_names,
)
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar
from balancecoach.tui.workshop import WorkshopSession, open_flow


class OneLineEach:
    """Lines of (start, middle, end), each drawn on one line at whatever width: a middle
    that does not fit is cut short with an ellipsis, so the start and the end still show
    (the agenda: a segment's number and minutes, its title, and how far it ran over)."""

    def __init__(self, lines: list[tuple[Text, Text, Text]]) -> None:
        self.lines = lines

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        width = options.max_width
        for start, middle, end in self.lines:
            middle = middle.copy()
            middle.truncate(max(0, width - start.cell_len - end.cell_len), overflow="ellipsis")
            line = Text.assemble(start, middle, end, no_wrap=True)
            line.truncate(width, overflow="ellipsis")  # a start and end wider than the line
            yield line


class PresenterScreen(Screen[None]):
    CSS_PATH = "workshop.tcss"
    HELP: ClassVar[str] = """\
## The workshop

The agenda is on the left, the current segment and its countdown on the right, and the
practices taking part below. The segment's flow (assessment, results, goals, metrics, plan
or reflections) opens for the **practice in focus**; each practice keeps its own progress,
so switching between them loses nothing.

- **Space** starts or pauses the countdown. Past the timebox it shows how far over you are.
- **n** / **p** move to the next or previous segment (a running countdown moves with you).
- **↑/↓** in the list (or **]** / **[**) change the practice in focus.
- **Enter** opens the segment's flow for the practice in focus.
- **f** facilitator prompts: the practice's widest doctor–manager differences, the
  recommendations for where it leans and last quarter's unkept commitments.
- **c** the cohort view: every practice on one quadrant, with its movement.
- **o** coach notes for the practice in focus (saved into its checkpoint for this quarter).
- **a** hides or shows the practices' names (letters instead, on every workshop screen).
- **Escape** goes back home; the workshop stays as it is until you come back (**w**).
"""
    #: In the order the key bar shows them, as many as fit (at 80 columns Open, Home, Next,
    #: Prompts, Cohort and Notes). Space is not shown there: the countdown says what it does.
    BINDINGS: ClassVar = [
        Binding("enter", "open_flow", "Open", id="workshop.open", priority=True),
        Binding("escape", "app.pop_screen", "Home", id="workshop.home"),
        Binding("n", "segment(1)", "Next", id="workshop.next"),
        Binding("f", "prompts", "Prompts", id="workshop.prompts"),
        Binding("c", "cohort", "Cohort", id="workshop.cohort"),
        Binding("o", "notes", "Notes", id="workshop.notes"),
        Binding("p", "segment(-1)", "Previous", id="workshop.previous"),
        Binding("a", "anonymise", "Names", id="workshop.anonymise"),
        Binding("space", "toggle_timer", "Start/pause", id="workshop.timer", show=False),
        Binding("right_square_bracket", "focus_practice(1)", "Next practice", show=False),
        Binding("left_square_bracket", "focus_practice(-1)", "Previous practice", show=False),
    ]
    COLUMNS: ClassVar = ("", "Practice", "Quarter", "Quadrant", "Lean", "Red")
    #: What gives up width when the table is too wide (column, narrowest): the metrics in
    #: red, then the practices' names, then the red metrics down to their count.
    SHRINK: ClassVar = ((5, 12), (1, 20), (5, 1), (1, 10), (3, 10))

    def __init__(self, session: WorkshopSession) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="ws-top"):
            yield Static("", id="ws-agenda")
            with Vertical(id="ws-now"):
                yield Static("", id="ws-segment")
                yield Static("", id="ws-clock")
                yield Static("", id="ws-next")
        yield Static("", id="ws-focus")
        yield FitTable(id="ws-practices", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.workshop.title} · workshop"
        self._show_rows()
        self.show()
        self.set_interval(0.5, self._tick)
        self.read_rows()

    def on_screen_resume(self) -> None:
        # a flow that ran meanwhile may have changed a practice: read the rows again
        self.show()
        self.read_rows()

    @work(thread=True, exclusive=True, group="workshop-rows")
    def read_rows(self) -> None:
        self.session.read_rows()
        self.app.call_from_thread(self._rows_read)

    def _rows_read(self) -> None:
        if not still_open(self):  # Escape pressed while the rows were read: they are kept
            return
        self._show_rows()
        self.show()

    # --- drawing ------------------------------------------------------------------------

    def show(self) -> None:
        """Everything but the practice rows (drawn when read)."""
        s = self.session
        agenda = s.agenda
        now = self.app.ticker()
        head = Text.assemble(("Agenda", "bold"), f"  {s.workshop.total_minutes:.0f} min")
        lines = [(head, Text(), Text())]
        for i, seg in enumerate(agenda.segments):
            clock = agenda.clocks[i]
            spent = clock.elapsed(now)
            mark = "▶" if i == agenda.current else ("✓" if spent > 0 else " ")
            over = spent - seg.minutes * 60
            style = "bold" if i == agenda.current else ("dim" if spent > 0 else "")
            lines.append(
                (
                    Text.assemble(
                        (f"{mark} {i + 1}. ", style), (f"{seg.minutes:>3g} min  ", "dim")
                    ),
                    Text(seg.title, style=style),
                    Text(f"  +{over / 60:.0f} min over", style="red")
                    if over > 0 and i != agenda.current
                    else Text(),
                )
            )
        total_over = agenda.total_overrun(now)
        if total_over >= 60:
            overrun = Text(f"Overrun so far: {total_over / 60:.0f} min", style="bold red")
            lines.append((Text(), overrun, Text()))
        self.query_one("#ws-agenda", Static).update(OneLineEach(lines))

        from balancecoach.core.workshop import FLOWS

        seg = agenda.segment
        head = Text()
        head.append(f"{agenda.current + 1}/{len(agenda.segments)}  ", style="dim")
        head.append(seg.title, style="bold")
        head.append(f"\n{seg.minutes:g} minutes · opens {FLOWS[seg.flow]}", style="dim")
        if seg.note:
            head.append(f"\n{seg.note}")
        self.query_one("#ws-segment", Static).update(head)
        nxt = agenda.next_segment
        self.query_one("#ws-next", Static).update(
            f"Next: {escape(nxt.title)} ({nxt.minutes:g} min)" if nxt else "Next: the end"
        )
        p = s.in_focus
        focus = Text()
        focus.append("In focus: ", style="dim")
        focus.append(s.name(p.index), style="bold")
        focus.append(f"  ({p.index + 1} of {len(s.participants)})", style="dim")
        if seg.flow != "none":
            focus.append(" · Enter opens its ", style="dim")
            focus.append(seg.flow)
        self.query_one("#ws-focus", Static).update(focus)
        self._tick()

    def _tick(self) -> None:
        """The countdown: time left, or how far over, and whether it runs."""
        agenda = self.session.agenda
        from balancecoach.core.workshop import clock_text

        left = agenda.remaining(self.app.ticker())
        clock = self.query_one("#ws-clock", Static)
        state = "running · Space pauses" if agenda.running else "paused · Space starts"
        if left >= 0:
            clock.update(Text.assemble((f"{clock_text(left)} left", "bold"), f"  {state}"))
        else:
            clock.update(Text.assemble((f"Over by {clock_text(left)}", "bold red"), f"  {state}"))
        clock.set_class(left < 0, "-over")

    @on(FitTable.Resized, "#ws-practices")
    def _show_rows(self) -> None:
        s = self.session
        content = self.app.content
        rows: list[list[Cell]] = []
        for p in s.participants:
            row = s.rows.get(p.index)
            rows.append(
                [
                    forms("▶" if p.index == s.focus else ""),
                    forms(s.name(p.index)),
                    forms((row.last_quarter or "none yet") if row else "…"),
                    forms((row.quadrant or "–") if row else ""),
                    forms(("–" if row.lean is None else signed(row.lean)) if row else ""),
                    red_cell(red_names(content, row)) if row else forms(""),
                ]
            )
        table = self.query_one(FitTable)
        # Drawing the rows again moves the cursor to the first row and back to the one in
        # focus: those moves are not the user's, and answered (_highlighted) they would
        # move the focus back and forth for ever.
        with self.prevent(DataTable.RowHighlighted):
            keys = [str(p.index) for p in s.participants]
            table.fill(self.COLUMNS, rows, self.SHRINK, keys=keys)
            table.move_cursor(row=s.focus, animate=False)

    # --- keys ---------------------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#ws-practices")
    def _highlighted(self, event: DataTable.RowHighlighted) -> None:
        index = int(event.row_key.value or 0)
        if index != self.session.focus:
            self.session.focus = index
            self._show_rows()
            self.show()

    def action_focus_practice(self, step: int) -> None:
        s = self.session
        s.focus = (s.focus + step) % len(s.participants)
        self._show_rows()
        self.show()

    def action_toggle_timer(self) -> None:
        self.session.agenda.toggle(self.app.ticker())
        self.show()

    def action_segment(self, step: int) -> None:
        if not self.session.agenda.move(step, self.app.ticker()):
            self.notify("That is the end of the agenda." if step > 0 else "That is the start.")
        self.show()

    def action_open_flow(self) -> None:
        open_flow(self.app, self.session, self.session.agenda.segment.flow)

    def action_prompts(self) -> None:
        from balancecoach.tui.screens.workshop_views import PromptsScreen

        self.app.push_screen(PromptsScreen(self.session))

    def action_cohort(self) -> None:
        from balancecoach.tui.screens.workshop_views import CohortScreen

        self.app.push_screen(CohortScreen(self.session))

    def action_notes(self) -> None:
        from balancecoach.tui.screens.workshop_views import NotesScreen

        self.app.push_screen(NotesScreen(self.session))

    def action_anonymise(self) -> None:
        s = self.session
        s.anonymous = not s.anonymous
        self._show_rows()
        self.show()
        self.notify(
            "Names are hidden: practices are letters on every workshop screen."
            if s.anonymous
            else "Names are shown.",
            timeout=3,
        )

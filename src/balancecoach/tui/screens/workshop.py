"""The workshop's presenter view: the agenda with the current segment's countdown (an
overrun is shown, never hidden), the next segment, the practices taking part with the one
in focus, and the keys to run the room."""

from __future__ import annotations

from typing import ClassVar

from rich.markup import escape
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from balancecoach.core.format import signed
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar
from balancecoach.tui.workshop import WorkshopSession, open_flow


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
    BINDINGS: ClassVar = [
        Binding("space", "toggle_timer", "Start/pause", id="workshop.timer"),
        Binding("n", "segment(1)", "Next", id="workshop.next"),
        Binding("p", "segment(-1)", "Previous", id="workshop.previous"),
        Binding("enter", "open_flow", "Open", id="workshop.open", priority=True),
        Binding("f", "prompts", "Prompts", id="workshop.prompts"),
        Binding("c", "cohort", "Cohort", id="workshop.cohort"),
        Binding("o", "notes", "Notes", id="workshop.notes"),
        Binding("a", "anonymise", "Names", id="workshop.anonymise"),
        Binding("right_square_bracket", "focus_practice(1)", "Next practice", show=False),
        Binding("left_square_bracket", "focus_practice(-1)", "Previous practice", show=False),
        Binding("escape", "app.pop_screen", "Home", id="workshop.home"),
    ]

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
        yield DataTable(id="ws-practices", cursor_type="row", zebra_stripes=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.session.workshop.title} · workshop"
        table = self.query_one(DataTable)
        table.add_columns("", "Practice", "Last checkpoint", "Quadrant", "Lean", "Red")
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
        self._show_rows()
        self.show()

    # --- drawing ------------------------------------------------------------------------

    def show(self) -> None:
        """Everything but the practice rows (drawn when read)."""
        s = self.session
        agenda = s.agenda
        now = self.app.ticker()
        lines = Text(no_wrap=True, overflow="ellipsis")  # a line per segment, even narrow
        lines.append("Agenda", style="bold")
        lines.append(f"  {s.workshop.total_minutes:.0f} min\n")
        for i, seg in enumerate(agenda.segments):
            clock = agenda.clocks[i]
            spent = clock.elapsed(now)
            mark = "▶" if i == agenda.current else ("✓" if spent > 0 else " ")
            over = spent - seg.minutes * 60
            style = "bold" if i == agenda.current else ("dim" if spent > 0 else "")
            lines.append(f"{mark} {i + 1}. ", style=style)
            lines.append(f"{seg.minutes:>3g} min  ", style="dim")
            lines.append(seg.title, style=style)
            if over > 0 and i != agenda.current:
                lines.append(f"  +{over / 60:.0f} min over", style="red")
            lines.append("\n")
        total_over = agenda.total_overrun(now)
        if total_over >= 60:
            lines.append(f"Overrun so far: {total_over / 60:.0f} min", style="bold red")
        self.query_one("#ws-agenda", Static).update(lines)

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
        state = "running" if agenda.running else "paused · Space starts"
        if left >= 0:
            clock.update(Text.assemble((f"{clock_text(left)} left", "bold"), f"  {state}"))
        else:
            clock.update(Text.assemble((f"Over by {clock_text(left)}", "bold red"), f"  {state}"))
        clock.set_class(left < 0, "-over")

    def _show_rows(self) -> None:
        s = self.session
        table = self.query_one(DataTable)
        content = self.app.content
        table.clear()
        for p in s.participants:
            row = s.rows.get(p.index)
            red = ", ".join(
                content.metrics.by_id[m].name if m in content.metrics.by_id else m
                for m in (row.red if row else [])
            )
            table.add_row(
                "▶" if p.index == s.focus else "",
                s.name(p.index),
                (row.last_quarter or "none yet") if row else "…",
                (row.quadrant or "–") if row else "",
                ("–" if row.lean is None else signed(row.lean)) if row else "",
                red or ("–" if row else ""),
                key=str(p.index),
            )
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

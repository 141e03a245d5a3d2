"""The assessment: one statement at a time for the doctor, a hand-over, then the same for
the office manager, who never sees the doctor's answers. Every answer is saved as a draft."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, OptionList, Static
from textual.widgets.option_list import Option

from balancecoach.core.content import RATING_WORDS, Statement
from balancecoach.tui.flow import ROLE_TITLES, ROLES, FirstVisit
from balancecoach.tui.journey import advance, autosave, screen_for
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

#: Short names for the progress strip (the full names are in the question bank).
SHORT = {
    "metrics": "Metrics",
    "treatment": "Treatment",
    "financial": "Financial",
    "next_steps": "Next steps",
    "culture": "Culture",
    "partnership": "Partnership",
    "experience": "Experience",
}


def progress_strip(statements: list[Statement], answers: dict[str, int], current: int) -> Text:
    """One block per statement, grouped by dimension: ■ answered, □ not yet, ▣ current."""
    text = Text()
    last_dim = None
    for i, s in enumerate(statements):
        if s.dimension != last_dim and last_dim is not None:
            text.append(" ")
        last_dim = s.dimension
        if i == current:
            text.append("▣", style="bold reverse")
        elif s.id in answers:
            text.append("■", style="green")
        else:
            text.append("□", style="dim")
    return text


class AssessmentScreen(Screen[None]):
    CSS_PATH = "assessment.tcss"
    HELP: ClassVar[str] = """\
## The assessment

Each of you answers on your own. Read each statement as a description of what happens in
*this* practice today, not what should happen, and say how far you agree. There are no
right answers: some statements describe a practice strong on numbers and systems, others
one strong on connection and service, and some are phrased the other way round on purpose.

- **1** strongly disagree · **2** disagree · **3** neither · **4** agree · **5** strongly agree
  (or arrows and Enter, or a click).
- **←** / **→** go back and forward; **s** skips a statement (you can return to it).
- **v** shows your answers so far to review and change; finishing happens from there.
- **Escape** leaves; every answer is already saved, and the visit resumes where you were.

The second person never sees the first person's answers until you both finish.
"""
    BINDINGS: ClassVar = [
        Binding("1", "rate(1)", "1", show=False, id="assess.1"),
        Binding("2", "rate(2)", "2", show=False, id="assess.2"),
        Binding("3", "rate(3)", "3", show=False, id="assess.3"),
        Binding("4", "rate(4)", "4", show=False, id="assess.4"),
        Binding("5", "rate(5)", "5", show=False, id="assess.5"),
        # Priority: the option list would otherwise take ← → for sideways scrolling.
        Binding("left", "move(-1)", "Back", id="assess.back", priority=True),
        Binding("right", "move(1)", "Next", id="assess.next", priority=True),
        Binding("s", "skip", "Skip", id="assess.skip"),
        Binding("v", "review", "Review", id="assess.review"),
        Binding("escape", "leave", "Leave", id="assess.leave"),
    ]

    def __init__(self, visit: FirstVisit) -> None:
        super().__init__()
        self.visit = visit

    @property
    def statements(self) -> list[Statement]:
        return list(self.app.content.questions.statement)

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="assessment"):
            yield Static("", id="who")
            yield Static("", id="strip")
            yield Static("", id="dimension")
            with Center():
                yield Static("", id="statement")
            yield OptionList(
                *[Option(f"{n}  {RATING_WORDS[n].capitalize()}", id=str(n)) for n in range(1, 6)],
                id="choices",
            )
            yield Static("", id="hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = self.title_line()
        self.show()

    # Hooks for another journey's use of this screen (the quarterly pulse re-assessment).

    def title_line(self) -> str:
        return f"{self.visit.practice_name} · first visit"

    def save_draft(self) -> None:
        autosave(self.app, self.visit)

    def next_screen(self) -> Screen:
        return screen_for(self.visit)

    @property
    def index(self) -> int:
        return self.visit.position[self.visit.role]

    def show(self) -> None:
        statements = self.statements
        i = min(self.index, len(statements) - 1)
        self.visit.position[self.visit.role] = i
        s = statements[i]
        mine = self.visit.answers[self.visit.role]
        bank = self.app.content.questions
        self.query_one("#who", Static).update(
            f"[b]{ROLE_TITLES[self.visit.role]}[/b] · statement {i + 1} of {len(statements)}"
            f" · {len(mine)} answered"
        )
        self.query_one("#strip", Static).update(progress_strip(statements, mine, i))
        dim_items = [x for x in statements if x.dimension == s.dimension]
        self.query_one("#dimension", Static).update(
            f"{bank.dimensions[s.dimension].name}  ({dim_items.index(s) + 1} of {len(dim_items)})"
        )
        self.query_one("#statement", Static).update(f"\u201c{s.text}\u201d")
        choices = self.query_one(OptionList)
        current = mine.get(s.id)
        choices.highlighted = (current - 1) if current else 2
        choices.focus()
        self.query_one("#hint", Static).update(
            f"Your answer: [b]{current} {RATING_WORDS[current]}[/b]"
            if current
            else "Press 1–5, or s to skip. ← goes back."
        )

    def action_rate(self, rating: int) -> None:
        s = self.statements[self.index]
        self.visit.answer(s.id, rating)
        self._step(1)

    @on(OptionList.OptionSelected, "#choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.action_rate(int(event.option.id or "3"))

    def action_move(self, step: int) -> None:
        self._step(step)

    def action_skip(self) -> None:
        self._step(1)

    def _step(self, step: int) -> None:
        """Move by `step` statements (saving the draft, position included); past the last
        statement comes the review."""
        last = len(self.statements) - 1
        target = self.index + step
        if target > last:
            self.visit.position[self.visit.role] = last
            self.action_review()  # saves the draft
            return
        self.visit.position[self.visit.role] = max(0, target)
        self.save_draft()
        self.show()

    def action_review(self) -> None:
        self.save_draft()
        self.app.push_screen(ReviewScreen(self.visit, self.statements), self._after_review)

    def _after_review(self, finished: bool | None) -> None:
        if finished:
            self.visit.finish_turn()
            self.save_draft()
            self.app.switch_screen(self.next_screen())
        else:
            self.show()

    def action_leave(self) -> None:
        self.save_draft()
        self.notify(
            "Every answer is saved. Open the practice again to carry on.", title="Assessment paused"
        )
        self.app.pop_screen()


class ReviewScreen(Screen[bool]):
    """The respondent's own answers, to check and change before finishing."""

    CSS_PATH = "assessment.tcss"
    HELP: ClassVar[str] = """\
## Review your answers

Every statement with your answer; a dash means skipped. Highlight one and press **Enter**
to go back and change it. Press **f** to finish your part (skipped statements are fine:
scores use what was answered). **Escape** returns to the statements.
"""
    BINDINGS: ClassVar = [
        Binding("f", "finish", "Finish my part", id="review.finish"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    def __init__(self, visit: FirstVisit, statements: list[Statement] | None = None) -> None:
        super().__init__()
        self.visit = visit
        self._given = statements

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="review"):
            yield Static("", id="review-title")
            yield DataTable(id="review-table", cursor_type="row")
            yield Static("", id="review-detail")
            yield Static(
                "Enter: change the highlighted answer · f: finish my part", id="review-hint"
            )
        yield KeyBar()

    def on_mount(self) -> None:
        mine = self.visit.answers[self.visit.role]
        statements = self._given or list(self.app.content.questions.statement)
        self._statements = statements
        self.sub_title = f"{self.visit.practice_name} · review"
        open_ = sum(1 for s in statements if s.id not in mine)
        self.query_one("#review-title", Static).update(
            f"[b]{ROLE_TITLES[self.visit.role]}[/b]: {len(mine)} answered, {open_} not answered"
            " (you can finish with some left open)"
        )
        table = self.query_one(DataTable)
        table.add_column("#", key="n")
        table.add_column("Answer", key="answer")
        table.add_column("Statement", key="text")
        for n, s in enumerate(statements, start=1):
            rating = mine.get(s.id)
            answer = f"{rating} {RATING_WORDS[rating]}" if rating else "–"
            table.add_row(str(n), Text(answer, end=""), Text(s.text, end=""), key=str(n - 1))
        table.move_cursor(row=self.visit.position[self.visit.role])
        table.focus()

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        s = self._statements[int(event.row_key.value or 0)]
        self.query_one("#review-detail", Static).update(f"\u201c{s.text}\u201d")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.visit.position[self.visit.role] = int(event.row_key.value or 0)
        self.dismiss(False)

    def action_finish(self) -> None:
        if not self.visit.answers[self.visit.role]:
            self.notify("Answer at least one statement before finishing.", severity="warning")
            return
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)


class HandOverScreen(Screen[None]):
    """Between the two respondents: the first one's answers are out of sight."""

    CSS_PATH = "assessment.tcss"
    HELP: ClassVar[str] = """\
## Hand-over

The doctor has finished. The office manager now answers the same statements on their own;
the doctor's answers stay hidden until you have both finished, so that each of you says
what you see rather than what the other said.

Press **Enter** when the office manager is at the keyboard.
"""
    BINDINGS: ClassVar = [
        Binding("enter", "begin", "Begin", id="handover.begin"),
        Binding("escape", "app.pop_screen", "Leave", id="handover.leave"),
    ]

    def __init__(self, visit: FirstVisit) -> None:
        super().__init__()
        self.visit = visit

    def compose(self) -> ComposeResult:
        first, second = ROLE_TITLES[ROLES[0]], ROLE_TITLES[ROLES[1]]
        yield TitleBar()
        with Center(id="handover"):
            yield Static(
                f"[b]Thank you. The {first.lower()}'s part is done.[/b]\n\n"
                f"Please pass the keyboard to the {second.lower()}.\n"
                f"The {first.lower()}'s answers stay hidden until you have both finished.\n\n"
                f"{second}: press [b]Enter[/b] to begin.",
                id="handover-text",
            )
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.visit.practice_name} · hand-over"

    def action_begin(self) -> None:
        advance(self.app, self.visit, self)

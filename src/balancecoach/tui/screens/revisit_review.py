"""Step 1 of the quarterly revisit: last quarter's commitments, each marked done, partly or
not (with a note), and whether each practice of the communication plan was kept."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from balancecoach.tui import revisit as flow
from balancecoach.tui.markup import escape
from balancecoach.tui.revisit import ADHERENCE_MARKS, COMMITMENT_MARKS, Revisit
from balancecoach.tui.screens.plan import CADENCE_WORDS, OWNER_WORDS
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

MARK_STYLE = {
    "done": "bold green",
    "kept": "bold green",
    "partly": "bold yellow",
    "not": "bold red",
}


def mark_box(mark: str) -> Text:
    """'[done  ]', '[partly]', '[ ?    ]' in the mark's colour, 8 cells wide."""
    shown = mark if mark and mark != "open" else " ?"
    return Text(f"[{shown:<6}]", style=MARK_STYLE.get(mark, "dim"))


def _day(iso: str) -> str:
    try:
        day = dt.date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{day.day} {day:%b %Y}"


def _line(mark: str, text: str, detail: str, entry: dict[str, str]) -> Table:
    """A marked line: the mark, then the text (with its owner and any note) wrapping
    under itself rather than under the mark."""
    body = Text(text)
    if detail:
        body.append(f"  ({detail})", style="dim")
    if entry.get("note", "").strip():
        body.append(f"\n{entry['note'].strip()}", style="italic")
    grid = Table.grid(padding=(0, 1))
    grid.add_column(width=8, no_wrap=True)
    grid.add_column(ratio=1)
    grid.add_row(mark_box(mark), body)
    return grid


class ReviewCommitmentsScreen(Screen[None]):
    CSS_PATH = "revisit_review.tcss"
    HELP: ClassVar[str] = """\
## Last quarter

The quarterly checkpoint begins with what you promised each other last time.

**Commitments**: each one you made at the last checkpoint, with its owner and due date.
Mark it **1** done, **2** partly or **3** not done.

**Communication plan**: each habit in your plan (the monthly financial review, the daily
huddle, …). Mark whether it was **1** kept, **2** partly kept or **3** not kept this quarter.

A note says what happened ("missed on surgery days"): press **Tab** (or **n**) to write it
for the highlighted line, **Enter** to come back to the list.

Nothing here is a grade. A promise not kept is a conversation to have: what got in the way,
and is it still the right promise?

- **↑/↓** move; **1 2 3** mark the highlighted line and move on.
- **Ctrl+N** goes on to the quarter's metric figures (lines left unmarked are saved as not
  reviewed).
- **Escape** leaves; everything is kept as a draft and **q** on the practice resumes it.
"""
    BINDINGS: ClassVar = [
        Binding("1", "mark(0)", "Done/kept", id="revisit.review.1"),
        Binding("2", "mark(1)", "Partly", id="revisit.review.2"),
        Binding("3", "mark(2)", "Not", id="revisit.review.3"),
        Binding("n", "note", "Note", id="revisit.review.note", show=False),
        Binding(
            "ctrl+n",
            "continue",
            "Continue",
            id="revisit.review.continue",
            tooltip="On to the quarter's metric figures",
        ),
        Binding("escape", "leave", "Leave", id="revisit.review.leave"),
    ]

    def __init__(self, revisit: Revisit) -> None:
        super().__init__()
        self.revisit = revisit

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="review-intro")
        yield OptionList(id="review-marks")
        with Horizontal(id="review-note-row"):
            yield Label("Note", id="review-note-label")
            yield Input(
                id="review-note",
                placeholder="what happened (optional); Enter returns to the list",
                compact=True,
            )
        yield Static("", id="review-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = flow.step_line(self.revisit)
        r = self.revisit
        since = f"at the {escape(r.previous)} checkpoint" if r.previous else "last time"
        updating = (
            f" [b]{escape(r.quarter)} already has a checkpoint: saving updates it.[/b]"
            if r.updating
            else ""
        )
        self.query_one("#review-intro", Static).update(
            f"What you committed to {since}, and your communication plan. "
            f"Press [b]1[/b] done/kept, [b]2[/b] partly, [b]3[/b] not.{updating}"
        )
        self._fill()
        marks = self.query_one(OptionList)
        first = next((i for i, o in enumerate(marks.options) if not o.disabled), None)
        marks.highlighted = first
        marks.focus()
        self._show_note()
        self._show_status()

    # --- the list ----------------------------------------------------------------------

    def _items(self) -> list[tuple[str, RenderableType]]:
        """(option id, prompt) for every line, with headings as ids starting with '#'."""
        r = self.revisit
        content = self.app.content
        out: list[tuple[str, RenderableType]] = []
        heading = f"Commitments from {r.previous}" if r.previous else "Commitments"
        out.append(("#commitments", Text(heading)))
        if not r.review:
            out.append(("#none", Text("  none were made last time", style="dim")))
        for i, c in enumerate(r.review):
            owner = OWNER_WORDS.get(c.get("owner", ""), c.get("owner", "")).lower()
            detail = f"{owner}, due {_day(c['due'])}" if c.get("due") else owner
            out.append((f"c{i}", _line(c.get("status", "open"), c["text"], detail, c)))
        out.append(("#plan", Text("Communication plan this quarter")))
        plan = {p.practice: p for p in self._plan()}
        if not r.adherence:
            out.append(("#noplan", Text("  the practice has no communication plan", style="dim")))
        for practice_id, entry in r.adherence.items():
            defn = content.practices.by_id.get(practice_id)
            name = defn.name if defn else practice_id
            item = plan.get(practice_id)
            detail = ""
            if item is not None:
                detail = f"{CADENCE_WORDS[item.cadence]}, {OWNER_WORDS[item.owner].lower()}"
            out.append((f"p:{practice_id}", _line(entry.get("kept", ""), name, detail, entry)))
        return out

    def _plan(self):
        return flow.ensure_context(self.app, self.revisit).practice.plan

    def _fill(self) -> None:
        marks = self.query_one(OptionList)
        options = []
        for key, prompt in self._items():
            if key.startswith("#"):
                style = "" if key in ("#none", "#noplan") else "bold"
                options.append(
                    Option(Text(prompt.plain, style=style or prompt.style), disabled=True)
                )
            else:
                options.append(Option(prompt, id=key))
        marks.set_options(options)

    def _entry(self, key: str | None) -> dict[str, str] | None:
        if key is None:
            return None
        if key.startswith("c"):
            return self.revisit.review[int(key[1:])]
        if key.startswith("p:"):
            return self.revisit.adherence.get(key[2:])
        return None

    @property
    def _key(self) -> str | None:
        option = self.query_one(OptionList).highlighted_option
        return option.id if option is not None else None

    def _refresh_line(self, key: str) -> None:
        prompt = dict(self._items())[key]
        self.query_one(OptionList).replace_option_prompt(key, prompt)

    def _show_note(self) -> None:
        entry = self._entry(self._key)
        box = self.query_one("#review-note", Input)
        with self.prevent(Input.Changed):
            box.value = entry.get("note", "") if entry is not None else ""
        box.disabled = entry is None

    def _show_status(self) -> None:
        r = self.revisit
        total = len(r.review) + len(r.adherence)
        missing = r.marks_missing()
        text = f"{total - missing} of {total} marked"
        if missing:
            text += " · Ctrl+N goes on anyway (unmarked lines are saved as not reviewed)"
        else:
            text += " ✓ · Ctrl+N: on to the quarter's metric figures"
        self.query_one("#review-status", Static).update(text)

    # --- keys and events ----------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#review-marks")
    def _highlighted(self) -> None:
        self._show_note()

    def action_mark(self, which: int) -> None:
        key = self._key
        entry = self._entry(key)
        if key is None or entry is None:
            return
        if key.startswith("c"):
            entry["status"] = COMMITMENT_MARKS[which]
        else:
            entry["kept"] = ADHERENCE_MARKS[which]
        flow.autosave(self.app, self.revisit)
        self._refresh_line(key)
        self._show_status()
        marks = self.query_one(OptionList)
        marks.action_cursor_down()

    @on(OptionList.OptionSelected, "#review-marks")
    def _selected(self) -> None:
        self.action_note()

    def action_note(self) -> None:
        box = self.query_one("#review-note", Input)
        if not box.disabled:
            box.focus()

    @on(Input.Changed, "#review-note")
    def _note_typed(self, event: Input.Changed) -> None:
        entry = self._entry(self._key)
        if entry is None:
            return
        entry["note"] = event.value
        flow.autosave(self.app, self.revisit)
        key = self._key
        if key is not None:
            self._refresh_line(key)

    @on(Input.Submitted, "#review-note")
    def _note_done(self) -> None:
        self.query_one(OptionList).focus()

    def action_continue(self) -> None:
        flow.advance(self.app, self.revisit)

    def action_leave(self) -> None:
        if self.focused is self.query_one("#review-note"):
            self.query_one(OptionList).focus()
            return
        flow.autosave(self.app, self.revisit)
        self.notify(
            "Everything is kept. Press q on the practice to carry on.",
            title="Checkpoint paused",
        )
        self.app.pop_screen()

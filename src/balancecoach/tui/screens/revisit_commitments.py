"""Step 6 of the quarterly revisit: three to seven commitments for next quarter, each with
one owner and a due date; then the checkpoint is saved."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Select, Static

from balancecoach.core.errors import DataError
from balancecoach.tui import revisit as flow
from balancecoach.tui.revisit import MAX_COMMITMENTS, MIN_COMMITMENTS, Revisit, parse_due
from balancecoach.tui.screens.metrics import OWNERS
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from balancecoach.core.content import Content
    from balancecoach.core.revisit import Adjustment


def adjustment_line(content: Content, adjustment: Adjustment | None, today: dt.date) -> str:
    """'New goal from 2026-11-24: collection goal $960,000 · targets changed: Case
    acceptance' or the keys that would change them."""
    if adjustment is None:
        return "Goal and targets stay as they are · Ctrl+G adjusts the goal, Ctrl+T the targets."
    from balancecoach.core.format import money
    from balancecoach.core.goals import derive_goal

    parts = []
    if adjustment.goal is not None:
        d = derive_goal(adjustment.goal)
        parts.append(
            f"a new goal from {today.isoformat()} (collection goal "
            f"{money(d.collection_goal)}, production {money(d.production_goal)})"
        )
    if adjustment.changed_metrics:
        names = [
            content.metrics.by_id[m].name if m in content.metrics.by_id else m
            for m in adjustment.changed_metrics
        ]
        parts.append("scoreboard changed from today: " + ", ".join(names))
    return "On saving: " + "; ".join(parts) + ". Earlier quarters keep theirs."


def commitments_problem(rows: list[dict[str, str]]) -> tuple[str, int | None, str] | None:
    """(box, row to fix or None, why) when the commitments cannot be saved yet, else
    None; the box is "text" or "due"."""
    written = [i for i, c in enumerate(rows) if c.get("text", "").strip()]
    for i in written:
        try:
            parse_due(rows[i].get("due", ""))
        except ValueError as exc:
            return "due", i, f"Commitment {i + 1}: {exc}"
        if len(rows[i]["text"].strip()) > 500:
            return "text", i, f"Commitment {i + 1} is longer than 500 characters: shorten it"
    if len(written) < MIN_COMMITMENTS:
        empty = next((i for i, c in enumerate(rows) if not c.get("text", "").strip()), None)
        return (
            "text",
            empty,
            (
                f"Write at least {MIN_COMMITMENTS} commitments ({len(written)} so far): small, "
                "concrete, each with one owner."
            ),
        )
    if len(written) > MAX_COMMITMENTS:
        return (
            "text",
            None,
            f"At most {MAX_COMMITMENTS} commitments: keep the ones that matter most.",
        )
    return None


class CommitmentsScreen(Screen[None]):
    CSS_PATH = "revisit_commitments.tcss"
    HELP: ClassVar[str] = """\
## Next quarter's commitments

Three to seven things you will do before the next checkpoint. Each is one concrete action
("Walk through the monthly one-pager together on the first Tuesday"), with **one owner**
(doctor, office manager, both, or the team) and a **due date** (2027-03-31; it starts at
the end of next quarter). Next quarter's checkpoint begins by asking whether each was done.

- **Tab** moves from the text to its owner (Enter opens the list) and due date, then on to
  the next commitment.
- **Ctrl+O** adds a commitment (up to seven); **Ctrl+R** removes the one you are in.
- **Ctrl+L** copies in last quarter's commitments that were not done.
- **Ctrl+G** adjusts the annual goal, **Ctrl+T** the scoreboard's targets and owners. A
  change takes effect from the day the checkpoint is saved; this quarter and earlier ones
  keep the goal and targets they were scored against.
- **Ctrl+S** saves the checkpoint; **Escape** goes back to the progress charts.
"""
    BINDINGS: ClassVar = [
        Binding("ctrl+s", "save", "Save", id="revisit.commitments.save"),
        # Ctrl+A and Ctrl+D belong to the text boxes (start of line, delete).
        Binding("ctrl+o", "add", "Add", id="revisit.commitments.add"),
        Binding("ctrl+r", "remove", "Remove", id="revisit.commitments.remove"),
        Binding("ctrl+l", "carry", "Carry over", id="revisit.commitments.carry"),
        Binding("ctrl+g", "adjust_goal", "Goal", id="revisit.commitments.goal"),
        Binding("ctrl+t", "adjust_targets", "Targets", id="revisit.commitments.targets"),
        Binding("escape", "back", "Back", id="revisit.commitments.back"),
    ]

    def __init__(self, revisit: Revisit) -> None:
        super().__init__()
        self.revisit = revisit
        self._generation = 0

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="commitments-intro")
        with Horizontal(id="commitments-head"):
            yield Label("#", classes="commit-n")
            yield Label("Commitment", classes="commit-text-head")
            yield Label("Owner", classes="commit-owner-head")
            yield Label("Due", classes="commit-due-head")
        yield VerticalScroll(id="commitments-rows")
        yield Static("", id="commitments-adjusted")
        yield Static("", id="commitments-status")
        yield KeyBar()

    async def on_mount(self) -> None:
        self.sub_title = flow.step_line(self.revisit)
        from balancecoach.core.records import Quarter

        nxt = Quarter.parse(self.revisit.quarter).next()
        self.query_one("#commitments-intro", Static).update(
            f"For {nxt}: {MIN_COMMITMENTS} to {MAX_COMMITMENTS} concrete commitments, each with "
            "one owner and a due date. Ctrl+S saves the checkpoint."
        )
        if not self.revisit.commitments:
            self.revisit.commitments = [self._blank() for _ in range(MIN_COMMITMENTS)]
            flow.autosave(self.app, self.revisit)
        await self._rebuild(focus=0)
        self._show_adjustment()

    def _blank(self) -> dict[str, str]:
        return {"text": "", "owner": "both", "due": flow.default_due(self.revisit.quarter)}

    async def _rebuild(self, focus: int | None = None) -> None:
        """Lay out a row per commitment (ids carry a generation, so old rows never clash)."""
        self._generation += 1
        g = self._generation
        rows = self.query_one("#commitments-rows", VerticalScroll)
        await rows.remove_children()
        widgets = []
        for i, c in enumerate(self.revisit.commitments):
            row = Horizontal(
                Label(f"{i + 1}.", classes="commit-n"),
                Input(
                    c.get("text", ""),
                    id=f"text-{g}-{i}",
                    classes="commit-text",
                    placeholder="what will be done",
                    compact=True,
                ),
                Select(
                    [(label, value) for value, label in OWNERS],
                    value=c.get("owner") or "both",
                    allow_blank=False,
                    compact=True,
                    id=f"owner-{g}-{i}",
                    classes="commit-owner",
                ),
                Input(
                    c.get("due", ""),
                    id=f"due-{g}-{i}",
                    classes="commit-due",
                    placeholder="YYYY-MM-DD",
                    compact=True,
                ),
                classes="commit-row",
            )
            widgets.append(row)
        await rows.mount_all(widgets)
        if focus is not None and self.revisit.commitments:
            focus = min(focus, len(self.revisit.commitments) - 1)
            self.query_one(f"#text-{g}-{focus}", Input).focus()
        self._show_status()

    def _row_of(self, widget_id: str | None) -> tuple[str, int] | None:
        """('text' | 'owner' | 'due', row) for a box of the current rows."""
        parts = (widget_id or "").split("-")
        if len(parts) != 3 or parts[1] != str(self._generation):
            return None
        return parts[0], int(parts[2])

    def _focused_row(self) -> int | None:
        focused = self.focused
        found = self._row_of(focused.id if focused is not None else None)
        return found[1] if found else None

    def _show_status(self) -> None:
        problem = commitments_problem(self.revisit.commitments)
        written = sum(1 for c in self.revisit.commitments if c.get("text", "").strip())
        status = self.query_one("#commitments-status", Static)
        status.set_class(problem is not None, "-problem")
        if problem is not None:
            status.update(Content(problem[2]))  # it may quote a due date as typed
        else:
            status.update(f"{written} commitments ✓ · Ctrl+S saves the checkpoint")

    # --- typing -------------------------------------------------------------------------

    @on(Input.Changed, ".commit-text, .commit-due")
    def _typed(self, event: Input.Changed) -> None:
        found = self._row_of(event.input.id)
        if found is None:
            return
        what, i = found
        if self.revisit.commitments[i].get(what) == event.value:
            return
        self.revisit.commitments[i][what] = event.value
        flow.autosave(self.app, self.revisit)
        self._show_status()

    @on(Select.Changed, ".commit-owner")
    def _owner(self, event: Select.Changed) -> None:
        found = self._row_of(event.select.id)
        if found is None or event.value == Select.NULL:
            return
        i = found[1]
        if self.revisit.commitments[i].get("owner") != event.value:
            self.revisit.commitments[i]["owner"] = str(event.value)
            flow.autosave(self.app, self.revisit)

    @on(Input.Submitted, ".commit-text, .commit-due")
    def _next_box(self) -> None:
        self.focus_next()

    # --- keys ---------------------------------------------------------------------------

    async def action_add(self) -> None:
        if len(self.revisit.commitments) >= MAX_COMMITMENTS:
            self.notify(f"At most {MAX_COMMITMENTS} commitments.", severity="warning")
            return
        self.revisit.commitments.append(self._blank())
        flow.autosave(self.app, self.revisit)
        await self._rebuild(focus=len(self.revisit.commitments) - 1)

    async def action_remove(self) -> None:
        i = self._focused_row()
        if i is None:
            self.notify("Move into the commitment to remove first.", severity="warning")
            return
        del self.revisit.commitments[i]
        if not self.revisit.commitments:
            self.revisit.commitments.append(self._blank())
        flow.autosave(self.app, self.revisit)
        await self._rebuild(focus=i)

    async def action_carry(self) -> None:
        """Copy last quarter's commitments that were not done into empty rows (or new
        ones), so an unfinished promise can be made again on purpose."""
        have = {c.get("text", "").strip() for c in self.revisit.commitments}
        unfinished = [
            c
            for c in self.revisit.review
            if c.get("status") in ("partly", "not", "open") and c["text"].strip() not in have
        ]
        if not unfinished:
            self.notify("Every commitment from last quarter was done (or is already here).")
            return
        rows = self.revisit.commitments
        added = 0
        for c in unfinished:
            empty = next((r for r in rows if not r.get("text", "").strip()), None)
            if empty is None:
                if len(rows) >= MAX_COMMITMENTS:
                    break
                empty = self._blank()
                rows.append(empty)
            empty.update(text=c["text"], owner=c.get("owner") or "both")
            added += 1
        flow.autosave(self.app, self.revisit)
        await self._rebuild(focus=0)
        self.notify(f"{added} unfinished commitment{'s' if added != 1 else ''} copied in.")

    def action_save(self) -> None:
        problem = commitments_problem(self.revisit.commitments)
        if problem is not None:
            box, row, reason = problem
            if row is not None:
                self.query_one(f"#{box}-{self._generation}-{row}", Input).focus()
            self.notify(reason, title="Not yet", severity="warning", markup=False)
            return
        try:
            self._adjustment()
        except DataError as exc:
            self.notify(str(exc), title="Not yet", severity="warning", timeout=8, markup=False)
            return
        # rows left empty are not commitments
        self.revisit.commitments = [c for c in self.revisit.commitments if c["text"].strip()]
        flow.advance(self.app, self.revisit)

    def action_back(self) -> None:
        flow.go_back(self.app, self.revisit, "progress")

    # --- the goal and targets ---------------------------------------------------------

    def action_adjust_goal(self) -> None:
        from balancecoach.tui.screens.adjust import AdjustGoalScreen

        self._open(AdjustGoalScreen(self.revisit))  # type: ignore[arg-type]

    def action_adjust_targets(self) -> None:
        from balancecoach.tui.screens.adjust import AdjustTargetsScreen

        self._open(AdjustTargetsScreen(self.revisit))  # type: ignore[arg-type]

    def _open(self, screen: Screen[None]) -> None:
        context = flow.ensure_context(self.app, self.revisit)
        flow.start_adjusting(self.revisit, context.practice, self.app.clock())
        flow.autosave(self.app, self.revisit)
        self.app.push_screen(screen, lambda _result: self._show_adjustment())

    def _adjustment(self):
        context = flow.ensure_context(self.app, self.revisit)
        return flow.pending_adjustment(
            self.app.content, context.practice, self.revisit, self.app.clock()
        )

    def _show_adjustment(self) -> None:
        """One line on what saving will change in the goal and targets."""
        line = self.query_one("#commitments-adjusted", Static)
        try:
            adjustment = self._adjustment()
        except DataError as exc:
            line.update(Content(f"Goal and targets: {exc.message}. {exc.hint}."))
            line.add_class("-problem")
            return
        line.remove_class("-problem")
        # plain text: a metric the catalog does not know is named by its id, as written
        line.update(Content(adjustment_line(self.app.content, adjustment, self.app.clock())))

"""The communication plan: the habits doctor and manager commit to, each with an owner and
a cadence, the ones that strengthen what the practice leans away from listed first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Label, OptionList, Select, Static

from balancecoach.tui import journey
from balancecoach.tui.flow import FirstVisit
from balancecoach.tui.screens.metrics import (
    OWNERS,
    ChoiceList,
    Lean,
    position_text,
    practice_lean,
    visit_result,
)
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from balancecoach.core.content import Content, PracticeDefinition

CADENCES: tuple[tuple[str, str], ...] = (
    ("Every visit", "every_visit"),
    ("Daily", "daily"),
    ("Weekly", "weekly"),
    ("Monthly", "monthly"),
    ("Quarterly", "quarterly"),
    ("Yearly", "yearly"),
)
CADENCE_WORDS = {value: label.lower() for label, value in CADENCES}
OWNER_WORDS = dict(OWNERS)

#: For each lean, which `strengthens` values come first (recommended), in order.
FIRST: dict[Lean, tuple[str, ...]] = {
    "production": ("people", "both"),
    "patient": ("structure", "both"),
    "balanced": ("both",),
}
STRENGTHENS = {
    "people": "people: empathy, service, connection",
    "structure": "structure: clarity, numbers, goals, systems",
    "both": "both structure and people",
}
WHY: dict[Lean, dict[str, str]] = {
    "production": {
        "people": "Adds the connection a production-leaning practice has less of.",
        "both": "Keeps the numbers tied to the patients behind them.",
    },
    "patient": {
        "structure": "Adds the clarity a patient-leaning practice has less of.",
        "both": "Gives the care you already give a structure to rely on.",
    },
    "balanced": {"both": "Keeps structure and people together, as they are now."},
}


def ordered_practices(
    content: Content, lean: Lean
) -> tuple[list[PracticeDefinition], list[PracticeDefinition]]:
    """(recommended, the rest): recommended ones strengthen what the practice leans away
    from, in the order of `FIRST`, then catalog order."""
    first = FIRST[lean]
    catalog = list(content.practices.practice)
    recommended = sorted(
        (p for p in catalog if p.strengthens in first),
        key=lambda p: first.index(p.strengthens),
    )
    rest = [p for p in catalog if p.strengthens not in first]
    return recommended, rest


class PlanScreen(Screen[None]):
    """Choose the communication practices, each with an owner and a cadence."""

    CSS_PATH = "plan.tcss"
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (120, "-wide")]
    HELP: ClassVar[str] = """\
## The communication plan

Numbers only help when doctor and manager talk about them the same way, regularly. Choose
the habits you commit to: a monthly financial review, the annual goal meeting, a daily
huddle, treatment and cost conversations, a next step for every patient, written service
principles, and more.

Those listed first (★) strengthen what your practice leans away from: a production-leaning
practice gets the habits that build empathy and connection first; a patient-leaning one
those that build clarity and structure.

Each chosen habit has **one owner** and a **cadence** (suggested by the catalog; change
them to fit). Every quarterly checkpoint asks whether each was kept.

- **↑/↓** move through the catalog; **Space** or **Enter** ticks or unticks.
- **Tab** moves to the owner and cadence of the highlighted habit.
- **c** (or Ctrl+N) saves the visit; at least one habit is needed.
- **Escape** goes back to the metrics; your choices are kept.
"""
    BINDINGS: ClassVar = [
        Binding(
            "c,ctrl+n",
            "continue",
            "Save the visit",
            id="plan.continue",
            tooltip="Keep this plan and save the goal, scoreboard, plan and checkpoint",
        ),
        Binding(
            "escape",
            "back",
            "Back to metrics",
            id="plan.back",
            tooltip="Back to the metrics; your choices are kept",
        ),
    ]

    def __init__(self, visit: FirstVisit) -> None:
        super().__init__()
        self.visit = visit
        self._set_aside: dict[str, dict[str, Any]] = {}
        self._shown: str | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="plan-lean")
        with Horizontal(id="plan-body"):
            yield ChoiceList(id="plan-list")
            with Vertical(id="plan-detail"):
                yield Static("", id="plan-title")
                yield Static("", id="plan-why")
                with Vertical(id="plan-editor"):
                    with Horizontal(classes="edit-row"):
                        yield Label("Owner", classes="edit-label")
                        yield Select(
                            [(label, value) for value, label in OWNERS],
                            allow_blank=False,
                            compact=True,
                            id="plan-owner",
                        )
                    with Horizontal(classes="edit-row"):
                        yield Label("Cadence", classes="edit-label")
                        yield Select(CADENCES, allow_blank=False, compact=True, id="plan-cadence")
                yield Static("", id="plan-untick-hint")
                with VerticalScroll(id="plan-about-scroll"):
                    yield Static("", id="plan-about")
        with Horizontal(id="plan-bar"):
            yield Static("", id="plan-status")
            yield Button("Save the visit", id="plan-continue", variant="primary", compact=True)
            yield Button("Back", id="plan-back-button", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.visit.practice_name} · the communication plan"
        content = self.app.content
        result = visit_result(content, self.visit)
        self.lean = practice_lean(result)
        known = content.practices.by_id
        self.visit.plan = [p for p in self.visit.plan if p.get("practice") in known]
        recommended, rest = ordered_practices(content, self.lean)
        self.recommended = {p.id for p in recommended}

        def label(p: PracticeDefinition) -> Text:
            star = "★ " if p.id in self.recommended else "  "
            return Text.assemble((star, "yellow"), p.name)

        first_heading = (
            "Recommended for your practice" if self.lean != "balanced" else "Both sides together"
        )
        picker = self.query_one(ChoiceList)
        picker.set_choices(
            [
                (first_heading, [(p.id, label(p)) for p in recommended]),
                ("More from the catalog", [(p.id, label(p)) for p in rest]),
            ],
            self.chosen_ids,
        )
        picker.focus()
        lean_words = {
            "production": "so habits that build connection come first",
            "patient": "so habits that build structure come first",
            "balanced": "so habits that serve both come first",
        }[self.lean]
        self.query_one("#plan-lean", Static).update(
            f"Your practice is {position_text(result)}, {lean_words}."
        )
        self._show_status()
        self._show_detail(picker.highlighted_value)

    @property
    def chosen_ids(self) -> list[str]:
        return [p["practice"] for p in self.visit.plan]

    def _choice(self, practice_id: str | None) -> dict[str, Any] | None:
        return next((p for p in self.visit.plan if p["practice"] == practice_id), None)

    def _show_status(self) -> None:
        n = len(self.visit.plan)
        status = self.query_one("#plan-status", Static)
        status.set_class(n == 0, "-problem")
        if n == 0:
            status.update("Nothing chosen yet: choose at least one habit.")
        else:
            status.update(f"{n} habit{'s' if n != 1 else ''} chosen ✓")

    def _show_detail(self, practice_id: str | None) -> None:
        self._shown = practice_id
        if practice_id is None:
            return
        p = self.app.content.practices.by_id[practice_id]
        choice = self._choice(practice_id)
        self.query_one("#plan-title", Static).update(
            f"[b]{p.name}[/b] · suggested: {CADENCE_WORDS[p.cadence]}, "
            f"{OWNER_WORDS[p.owner].lower()}"
        )
        why = self.query_one("#plan-why", Static)
        reason = WHY[self.lean].get(p.strengthens) if p.id in self.recommended else None
        why.update(f"★ {reason}" if reason else "")
        why.display = bool(reason)
        self.query_one("#plan-editor").display = choice is not None
        hint = self.query_one("#plan-untick-hint", Static)
        hint.display = choice is None
        hint.update("Not in the plan. Space or Enter adds it.")
        if choice is not None:
            with self.prevent(Select.Changed):
                self.query_one("#plan-owner", Select).value = choice["owner"]
                self.query_one("#plan-cadence", Select).value = choice["cadence"]
        about = Text()
        about.append(p.description + "\n\n")
        about.append("Strengthens  ", style="bold")
        about.append(STRENGTHENS[p.strengthens] + "\n")
        about.append("From         ", style="bold")
        about.append(f"\u201c{p.theme}\u201d ({p.source})", style="dim")
        self.query_one("#plan-about", Static).update(about)
        self.query_one("#plan-about-scroll").scroll_home(animate=False)

    @on(OptionList.OptionHighlighted, "#plan-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and event.option.id != self._shown:
            self._show_detail(event.option.id)

    @on(ChoiceList.Toggled, "#plan-list")
    def _toggled(self, event: ChoiceList.Toggled) -> None:
        self.toggle(event.value)

    def toggle(self, practice_id: str) -> None:
        picker = self.query_one(ChoiceList)
        choice = self._choice(practice_id)
        if choice is not None:
            self.visit.plan.remove(choice)
            self._set_aside[practice_id] = choice
            picker.set_ticked(practice_id, False)
        else:
            p = self.app.content.practices.by_id[practice_id]
            new = self._set_aside.pop(practice_id, None) or {
                "practice": p.id,
                "owner": p.owner,
                "cadence": p.cadence,
            }
            self.visit.plan.append(new)
            order = {p.id: i for i, p in enumerate(self.app.content.practices.practice)}
            self.visit.plan.sort(key=lambda item: order.get(item["practice"], 99))
            picker.set_ticked(practice_id, True)
        journey.autosave(self.app, self.visit)
        self._show_status()
        self._show_detail(practice_id)

    @on(Select.Changed, "#plan-owner, #plan-cadence")
    def _edited(self, event: Select.Changed) -> None:
        choice = self._choice(self._shown)
        if choice is None or event.value == Select.BLANK:
            return
        key = "owner" if event.select.id == "plan-owner" else "cadence"
        if choice[key] == event.value:
            return
        choice[key] = str(event.value)
        journey.autosave(self.app, self.visit)

    def action_continue(self) -> None:
        if not self.visit.plan:
            self.notify(
                "Choose at least one habit for the plan: highlight it and press Space.",
                title="Not yet",
                severity="warning",
            )
            return
        journey.advance(self.app, self.visit, self)

    def action_back(self) -> None:
        journey.go_back(self.app, self.visit, "metrics")

    @on(Button.Pressed, "#plan-continue")
    def _continue_pressed(self) -> None:
        self.action_continue()

    @on(Button.Pressed, "#plan-back-button")
    def _back_pressed(self) -> None:
        self.action_back()

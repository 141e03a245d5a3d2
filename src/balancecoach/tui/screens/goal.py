"""Goal derivation: what the practice has to pay for, turned into a collection and
production goal that is worked out rather than guessed, with every step shown."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from pydantic import ValidationError
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.timer import Timer
from textual.validation import ValidationResult, Validator
from textual.widgets import Button, Input, Label, Static

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.format import count, money, percent
from balancecoach.tui import journey
from balancecoach.tui.flow import FirstVisit
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    import datetime as dt

    from balancecoach.core.goals import GoalDerivation, GoalInputs

#: The largest amount a field accepts (the goal model's own ceiling).
MONEY_CEILING = 1e12
_MONEY = re.compile(r"^\$?(\d[\d,]*(?:\.\d+)?|\.\d+)([km])?$")
_NUMBER = re.compile(r"^(\d+(?:\.\d+)?|\.\d+)$")
_PERCENT = re.compile(r"^(\d+(?:\.\d*)?|\.\d+)%?$")


def parse_money(text: str) -> float | None:
    """An amount typed as 310000, 310,000, $310,000, 310k or 1.5M; None when blank.

    Raises ValueError with a message for a person."""
    raw = text.strip().lower().replace(" ", "").replace("\u00a0", "")
    if not raw:
        return None
    if raw.startswith(("-", "−", "$-", "$−")):
        raise ValueError("Cannot be negative.")
    m = _MONEY.match(raw)
    if not m:
        raise ValueError("Not an amount: type 310000, 310,000, $310,000 or 310k.")
    value = float(m.group(1).replace(",", ""))
    value *= {"k": 1e3, "m": 1e6}.get(m.group(2) or "", 1)
    if value > MONEY_CEILING:
        raise ValueError("Too large: amounts are per year, in dollars.")
    return value


def parse_percent(text: str) -> float | None:
    """A rate typed as 97, 97% or 0.97, as a fraction (0.97); None when blank."""
    raw = text.strip().replace(" ", "")
    if not raw:
        return None
    m = _PERCENT.match(raw)
    if not m:
        raise ValueError("Type a percentage such as 97 or 97%.")
    value = float(m.group(1))
    if "." in m.group(1) and value <= 1 and not raw.endswith("%"):
        value *= 100  # typed as a fraction: 0.97
    if not 0 < value <= 100:
        raise ValueError("A percentage above 0 and at most 100, e.g. 97.")
    return value / 100


def _whole(low: int, high: int, what: str) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        raw = text.strip().replace(",", "")
        if not raw:
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            raise ValueError(f"A whole number of {what} from {low} to {high}.")
        return int(raw)

    return parse


def _hours(text: str) -> float | None:
    raw = text.strip().lower().removesuffix("h").strip()
    if not raw:
        return None
    if not _NUMBER.match(raw) or not 0 < float(raw) <= 24:
        raise ValueError("Hours a day, above 0 and at most 24, e.g. 8 or 7.5.")
    return float(raw)


@dataclass(frozen=True)
class GoalField:
    """One box of the goal form: where it goes in the goal inputs and how it is read."""

    key: str
    label: str
    path: tuple[str, ...]
    parse: Callable[[str], float | None]
    placeholder: str = ""
    kind: str = "money"


def _money(key: str, label: str, path: tuple[str, ...], example: str = "") -> GoalField:
    return GoalField(key, label, path, parse_money, example)


#: The form, section by section (section title, fields).
SECTIONS: tuple[tuple[str, tuple[GoalField, ...]], ...] = (
    (
        "Overhead a year (owner pay excluded)",
        (
            _money("payroll", "Payroll", ("overhead", "payroll"), "e.g. 310k"),
            _money("rent", "Rent or mortgage", ("overhead", "rent"), "e.g. 72,000"),
            _money("supplies", "Supplies", ("overhead", "supplies")),
            _money("lab", "Lab", ("overhead", "lab")),
            _money("equipment_loans", "Equipment and loans", ("overhead", "equipment_loans")),
            _money("marketing", "Marketing", ("overhead", "marketing")),
            _money("other", "Other overhead", ("overhead", "other")),
        ),
    ),
    (
        "Pay, debt and profit a year",
        (
            _money("doctor_compensation", "Doctor compensation", ("doctor_compensation",)),
            _money("debt_service", "Debt service", ("debt_service",)),
            _money("profit", "Profit or reinvestment", ("profit",)),
        ),
    ),
    (
        "From collections to production",
        (
            GoalField(
                "collection_rate",
                "Collection rate (%)",
                ("collection_rate",),
                parse_percent,
                "e.g. 97",
                kind="percent",
            ),
        ),
    ),
    (
        "Calendar (for daily and hourly goals)",
        (
            GoalField(
                "working_days",
                "Working days a year",
                ("calendar", "working_days"),
                _whole(1, 366, "days"),
                "e.g. 190",
                kind="count",
            ),
            GoalField(
                "hours",
                "Clinical hours a day",
                ("calendar", "clinical_hours_per_day"),
                _hours,
                "e.g. 8",
                kind="hours",
            ),
            GoalField(
                "providers",
                "Producing providers",
                ("providers",),
                _whole(1, 100, "providers"),
                "e.g. 2",
                kind="count",
            ),
        ),
    ),
    (
        "Last year (for the realism check)",
        (
            _money("last_production", "Production", ("last_year", "production")),
            _money("last_collections", "Collections", ("last_year", "collections")),
        ),
    ),
)
FIELDS: dict[str, GoalField] = {f.key: f for _, fields in SECTIONS for f in fields}
_BY_PATH = {f.path: f.key for f in FIELDS.values()}


@dataclass
class GoalReading:
    """The form read as goal inputs: the derivation, or why there is none."""

    inputs: GoalInputs | None = None
    derivation: GoalDerivation | None = None
    #: field key → what is wrong with what was typed there
    errors: dict[str, str] = field(default_factory=dict)
    #: what is missing or wrong that no single field owns
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.derivation is not None


def read_goal_fields(fields: Mapping[str, str], effective: dt.date | None = None) -> GoalReading:
    """Parse the form as typed and derive the goal; every problem is tied to its field."""
    from balancecoach.core.goals import GoalInputs, derive_goal

    reading = GoalReading()
    data: dict[str, object] = {"effective": effective}
    for f in FIELDS.values():
        try:
            value = f.parse(fields.get(f.key, ""))
        except ValueError as exc:
            reading.errors[f.key] = str(exc)
            continue
        if value is None:
            continue
        target: dict[str, object] = data
        for part in f.path[:-1]:
            target = target.setdefault(part, {})  # type: ignore[assignment]
        target[f.path[-1]] = value
    money_keys = [f.key for f in FIELDS.values() if f.kind == "money" and f.path[0] != "last_year"]
    if not any(fields.get(k, "").strip() for k in money_keys):
        reading.problems.append("enter the overhead and pay the goal is built from")
    if "collection_rate" not in data and "collection_rate" not in reading.errors:
        reading.problems.append("enter the collection rate (e.g. 97)")
    if reading.errors or reading.problems:
        return reading
    try:
        reading.inputs = GoalInputs.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            message = str(err["msg"]).removeprefix("Value error, ")
            key = _BY_PATH.get(tuple(str(p) for p in err["loc"]))
            if key is not None:
                reading.errors.setdefault(key, message[:1].upper() + message[1:] + ".")
            elif "add up to nothing" in message:
                reading.problems.append("the overhead and pay add up to nothing")
            else:
                reading.problems.append(message)
        return reading
    reading.derivation = derive_goal(reading.inputs)
    return reading


def fields_from_goal(goal: GoalInputs) -> dict[str, str]:
    """A saved goal as the form's boxes, typed the way a person would (310000, 97)."""
    data = goal.model_dump(exclude_none=True)
    if "collection_rate" not in data and "adjustment_rate" in data:
        data["collection_rate"] = 1 - data["adjustment_rate"]
    out: dict[str, str] = {}
    for f in FIELDS.values():
        value: object = data
        for part in f.path:
            value = value.get(part) if isinstance(value, dict) else None
        if f.key == "working_days" and value is None and goal.calendar is not None:
            value = goal.calendar.days  # given as weeks × days a week
        if not isinstance(value, int | float) or (f.kind == "money" and not value):
            continue
        number = float(value) * 100 if f.kind == "percent" else float(value)
        number = round(number, 6)
        out[f.key] = f"{number:.0f}" if number.is_integer() else f"{number:g}"
    return out


def interpreted(f: GoalField, value: float) -> str:
    """What a field was read as, shown beside it (so 310k visibly means $310,000)."""
    if f.kind == "money":
        return f"= {money(value)}"
    if f.kind == "percent":
        return f"= {percent(value * 100, 1).replace('.0%', '%')}"
    return ""


class FieldValidator(Validator):
    """Marks the box invalid with the same reason the goal reading gives."""

    def __init__(self, goal_field: GoalField) -> None:
        super().__init__()
        self.goal_field = goal_field

    def validate(self, value: str) -> ValidationResult:
        try:
            self.goal_field.parse(value)
        except ValueError as exc:
            return self.failure(str(exc))
        return self.success()


def explanation_table(d: GoalDerivation) -> Table:
    """'How this goal was created', one line per step, with the sum or division behind it."""
    table = Table(box=None, show_header=False, pad_edge=False, expand=True, padding=(0, 1))
    table.add_column("figure", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("how", ratio=1, style="dim", overflow="fold")
    headline = {"Annual collection goal", "Annual production goal"}
    for line in d.lines:
        style = "bold" if line.label in headline else ""
        table.add_row(Text(line.label, style=style), Text(line.value, style=style), line.how)
    return table


def checks_text(d: GoalDerivation) -> Text:
    marks = {"ok": ("✓ ", "green"), "caution": ("! ", "yellow"), "warning": ("✗ ", "bold red")}
    text = Text()
    for i, check in enumerate(d.checks):
        mark, style = marks[check.level]
        if i:
            text.append("\n")
        text.append(mark, style=style)
        text.append(check.text)
    return text


def headline(d: GoalDerivation) -> str:
    line = (
        f"Collection goal [b]{money(d.collection_goal)}[/b] a year · "
        f"production goal [b]{money(d.production_goal)}[/b]"
    )
    if d.daily_production is not None:
        line += f" · {money(d.daily_production)} a day"
    return line


class GoalScreen(Screen[None]):
    """Derive the annual goal from what the practice has to pay for."""

    CSS_PATH = "goal.tcss"
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (120, "-wide")]
    HELP: ClassVar[str] = """\
## The annual goal

A collection goal is not a number someone guesses: it is what the practice has to bring in
to pay for what it has decided to pay for.

- **Collection goal** = overhead (payroll, rent or mortgage, supplies, lab, equipment and
  loans, marketing, other) + doctor compensation + debt service + profit or reinvestment.
- **Production goal** = collection goal ÷ collection rate (97 means 97% of production is
  collected).
- **Break-even** = fixed costs ÷ (1 − the share of costs that rises with the work).
- With working days and clinical hours, the goal is also shown a day and an hour.
- The **realism check** compares overhead with about 60% of collections, and the goal with
  last year's production and collections.

Amounts are a year, typed any of these ways: `310000`, `310,000`, `$310,000`, `310k`.
Leave a category blank when it does not apply. A box with a problem says what is wrong
beside it. The explanation ("how this goal was created") updates as you type and is saved
with the goal.

Working days are commonly 185–195 a year; without them no daily or hourly goal is shown.

- **Tab** / **Enter** move to the next box.
- **F2** jumps to the explanation and back (on a narrow terminal it sits below the form).
- **Ctrl+N** (or the Continue button) goes on to choosing the metrics; it is refused until
  the boxes give a goal.
- **Escape** goes back to the results; everything typed here is kept.
"""
    BINDINGS: ClassVar = [
        Binding(
            "ctrl+n",
            "continue",
            "Continue",
            id="goal.continue",
            tooltip="Keep this goal and choose the metrics",
        ),
        Binding(
            "f2",
            "explanation",
            "Explanation",
            id="goal.explanation",
            tooltip="Jump between the boxes and how the goal was worked out",
        ),
        Binding(
            "escape",
            "back",
            "Back to results",
            id="goal.back",
            tooltip="Back to the results; what you typed is kept",
        ),
    ]
    #: Seconds of quiet typing before the goal is derived again and the draft saved.
    DEBOUNCE = 0.2
    CONTINUE_LABEL = "Continue: metrics"
    PART = "the annual goal"

    def __init__(self, visit: FirstVisit) -> None:
        super().__init__()
        self.visit = visit
        self.reading = GoalReading()
        self._timer: Timer | None = None
        self._dirty = False
        self._last_box: Input | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="goal-headline")
        with VerticalScroll(id="goal-body", can_focus=False):
            with VerticalScroll(id="goal-form", can_focus=False):
                for title, fields in SECTIONS:
                    yield Static(title, classes="section")
                    for f in fields:
                        with Horizontal(classes="field", id=f"row-{f.key}"):
                            yield Label(f.label, classes="field-label")
                            yield Input(
                                value=self.visit.goal_fields.get(f.key, ""),
                                placeholder=f.placeholder,
                                id=f"goal-{f.key}",
                                validators=[FieldValidator(f)],
                                valid_empty=True,
                                compact=True,
                                select_on_focus=False,
                            )
                            yield Static("", id=f"note-{f.key}", classes="note")
                with Horizontal(id="goal-buttons"):
                    yield Button(self.CONTINUE_LABEL, id="goal-continue", variant="primary")
                    yield Button("Back", id="goal-back-button")
            with VerticalScroll(id="goal-explain"):
                yield Static("How this goal was created", classes="section")
                yield Static("", id="goal-lines")
                yield Static("Realism check", classes="section", id="goal-checks-title")
                yield Static("", id="goal-checks")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.visit.practice_name} · {self.PART}"
        self._prefill()
        self._derive()
        first = next((f for f in FIELDS if not self.visit.goal_fields.get(f)), "payroll")
        self.query_one(f"#goal-{first}", Input).focus()
        self.query_one("#goal-form").scroll_home(animate=False)

    def _prefill(self) -> None:
        """Calendar and providers from practice.toml, for boxes not yet typed in."""
        try:
            practice = self.app.store.load_practice(self.visit.slug)
        except (DataError, DataErrors, OSError) as exc:
            self.notify(
                f"{exc}\nType the calendar and providers by hand.",
                title="The practice file could not be read",
                severity="warning",
                timeout=8,
                markup=False,
            )
            return
        known: dict[str, str] = {"providers": str(practice.practice.providers)}
        cal = practice.calendar
        if cal is not None:
            if cal.days is not None:
                known["working_days"] = count(round(cal.days))
            if cal.clinical_hours_per_day is not None:
                known["hours"] = f"{cal.clinical_hours_per_day:g}"
        changed = False
        for key, value in known.items():
            if key not in self.visit.goal_fields:
                self.visit.goal_fields[key] = value
                self.query_one(f"#goal-{key}", Input).value = value
                changed = True
        if changed:
            journey.autosave(self.app, self.visit)

    # --- typing -----------------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        key = (event.input.id or "").removeprefix("goal-")
        if key not in FIELDS or self.visit.goal_fields.get(key, "") == event.value:
            return
        self.visit.goal_fields[key] = event.value
        self._dirty = True
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.DEBOUNCE, self._settle)

    def _settle(self) -> None:
        self._timer = None
        self._derive()
        if self._dirty:
            self._dirty = False
            journey.autosave(self.app, self.visit)

    def _flush(self) -> None:
        """Derive now, without waiting for the pause in typing."""
        if self._timer is not None:
            self._timer.stop()
        self._settle()

    def on_unmount(self) -> None:
        if self._timer is not None:
            self._timer.stop()
        if self._dirty:
            journey.autosave(self.app, self.visit)

    @on(Input.Submitted)
    def _next_box(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        index = inputs.index(event.input)
        if index + 1 < len(inputs):
            inputs[index + 1].focus()
        else:
            self.query_one("#goal-continue", Button).focus()

    # --- the derivation ---------------------------------------------------------------

    def _derive(self) -> None:
        self.reading = reading = read_goal_fields(self.visit.goal_fields, self.app.clock())
        values = self._values()
        for key, f in FIELDS.items():
            note = self.query_one(f"#note-{key}", Static)
            error = reading.errors.get(key)
            note.set_class(error is not None, "-error")
            if error is not None:
                note.update(error)
            elif key in values and f.kind in ("money", "percent"):
                note.update(interpreted(f, values[key]))
            else:
                note.update("")
        head = self.query_one("#goal-headline", Static)
        lines = self.query_one("#goal-lines", Static)
        checks = self.query_one("#goal-checks", Static)
        d = reading.derivation
        head.set_class(d is None, "-missing")
        if d is None:
            reasons = self._reasons()
            head.update(f"No goal yet: {reasons}.")
            lines.update(
                "The goal and every step of how it was worked out appear here once the "
                f"boxes give one. To do: {reasons}."
            )
            checks.update("")
            self.query_one("#goal-checks-title").display = False
            return
        head.update(headline(d))
        lines.update(explanation_table(d))
        checks.update(checks_text(d))
        self.query_one("#goal-checks-title").display = True

    def _values(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for key, f in FIELDS.items():
            try:
                value = f.parse(self.visit.goal_fields.get(key, ""))
            except ValueError:
                continue
            if value is not None:
                out[key] = value
        return out

    def _reasons(self) -> str:
        reading = self.reading
        parts = list(reading.problems)
        if reading.errors:
            names = [FIELDS[k].label for k in FIELDS if k in reading.errors]
            parts.insert(0, "correct " + ", ".join(names))
        return "; ".join(parts) or "fill in the boxes"

    def action_explanation(self) -> None:
        explain = self.query_one("#goal-explain", VerticalScroll)
        if explain.has_focus:
            target = self._last_box or self.query_one("#goal-payroll", Input)
            target.focus()
            return
        if isinstance(self.focused, Input):
            self._last_box = self.focused
        explain.focus()
        self.query_one("#goal-body").scroll_to_widget(explain, top=True, animate=False)

    # --- leaving ----------------------------------------------------------------------

    def action_continue(self) -> None:
        self._flush()
        if not self.reading.ok:
            bad = next((k for k in FIELDS if k in self.reading.errors), None)
            if bad is None and not self.visit.goal_fields.get("collection_rate", "").strip():
                bad = "collection_rate"
            if bad is not None:
                self.query_one(f"#goal-{bad}", Input).focus()
            self.notify(
                f"These boxes do not give a goal yet: {self._reasons()}.",
                title="Not yet",
                severity="warning",
            )
            return
        self.forward()

    def action_back(self) -> None:
        self._flush()
        self.backward()

    def forward(self) -> None:
        """Where a goal that reads leads: on to the metrics."""
        journey.advance(self.app, self.visit, self)

    def backward(self) -> None:
        journey.go_back(self.app, self.visit, "results")

    @on(Button.Pressed, "#goal-continue")
    def _continue_pressed(self) -> None:
        self.action_continue()

    @on(Button.Pressed, "#goal-back-button")
    def _back_pressed(self) -> None:
        self.action_back()

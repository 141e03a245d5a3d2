"""Metric selection: a short, balanced scoreboard (3–7 metrics, both sides), each with a
target, one owner, and what the target means in patients."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Button, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from balancecoach.core.format import format_value, signed
from balancecoach.tui import journey
from balancecoach.tui.flow import FirstVisit, score_visit
from balancecoach.tui.screens.goal import parse_money, read_goal_fields
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from balancecoach.core.assessment import AssessmentResult
    from balancecoach.core.content import Content, MetricDefinition
    from balancecoach.core.goals import GoalDerivation

Lean = Literal["production", "patient", "balanced"]
MIN_METRICS, MAX_METRICS = 3, 7
SIDES = {"patient": "Patient side", "production": "Production side"}
OWNERS: tuple[tuple[str, str], ...] = (
    ("doctor", "Doctor"),
    ("manager", "Office manager"),
    ("both", "Both"),
    ("team", "Team"),
)
KINDS: tuple[tuple[str, str], ...] = (
    ("at least", "at_least"),
    ("at most", "at_most"),
    ("a range", "range"),
)


# --- where the practice leans -------------------------------------------------------------


def visit_result(content: Content, visit: FirstVisit) -> AssessmentResult | None:
    """Both respondents' answers scored together; None when nobody answered."""
    return score_visit(content, visit)[0]


def practice_lean(result: AssessmentResult | None) -> Lean:
    """Which way the practice leans: its quadrant, or a lean of 20 points or more."""
    from balancecoach.core.scoring import LEAN_GAP, Quadrant

    if result is None:
        return "balanced"
    team = result.team
    if team.quadrant == Quadrant.PRODUCTION:
        return "production"
    if team.quadrant == Quadrant.PATIENT:
        return "patient"
    if team.lean is not None and team.lean >= LEAN_GAP:
        return "production"
    if team.lean is not None and team.lean <= -LEAN_GAP:
        return "patient"
    return "balanced"


def position_text(result: AssessmentResult | None) -> str:
    """'production-leaning (structure 78, people 52, lean +26)'."""
    if result is None or result.team.structure is None or result.team.people is None:
        return "not scored yet (no answers)"
    t = result.team
    quadrant = t.quadrant.value if t.quadrant else "unplaced"
    return (
        f"{quadrant} (structure {t.structure:.0f}, people {t.people:.0f}, "
        f"lean {signed(t.lean or 0)})"
    )


# --- the recommended scoreboard ------------------------------------------------------------

#: For each lean, the recommended metrics and one line on why each is there.
RECOMMENDED: dict[Lean, tuple[tuple[str, str], ...]] = {
    "production": (
        ("case_acceptance", "Shows production as patients who said yes to the care they need."),
        ("pre_appointment", "Care that continues: each patient leaves with a next visit."),
        ("patient_retention", "Trust kept: the patients who chose to come back."),
        ("collection_rate", "The goal assumes this rate; one production number is enough."),
        ("production_per_hour", "Ties the hourly goal to the chair, not to pressure."),
    ),
    "patient": (
        ("collection_rate", "Care given should be care paid for: the goal depends on it."),
        ("overhead", "Keeps costs under the ~60% line the goal is built on."),
        ("chair_utilisation", "An empty chair hour is a patient who was not seen."),
        ("case_acceptance", "Your strength, counted: patients who moved forward with care."),
        ("pre_appointment", "Next visits booked, so care does not drift."),
    ),
    "balanced": (
        ("case_acceptance", "Patients who moved forward with care."),
        ("pre_appointment", "Care that continues: each patient leaves with a next visit."),
        ("collection_rate", "Care given is care paid for: the goal depends on it."),
        ("overhead", "Keeps costs under the ~60% line the goal is built on."),
    ),
}

LEAN_REASON: dict[Lean, str] = {
    "production": "so the set has more patient-side numbers",
    "patient": "so the set has more production-side numbers",
    "balanced": "so the set keeps both sides equally in view",
}

#: Who usually owns a metric; otherwise the partner it speaks to.
DEFAULT_OWNER = {
    "case_acceptance": "doctor",
    "pre_appointment": "manager",
    "patient_retention": "manager",
    "referral_share": "manager",
    "nps": "manager",
    "chair_utilisation": "manager",
}

#: Example quarter figures for the people view of a target (practice totals, no patients).
SAMPLE_INPUTS: dict[str, dict[str, float]] = {
    "case_acceptance": {"accepted": 25, "presented": 50},
    "patient_retention": {"returned": 800, "active_last_year": 1000},
    "pre_appointment": {"booked": 80, "hygiene_visits": 100},
    "unscheduled_treatment": {
        "age_0_3": 40000,
        "age_3_6": 30000,
        "age_6_12": 30000,
        "age_over_12": 50000,
        "annual_production": 1000000,
    },
    "referral_share": {"referred": 20, "new_patients": 60},
    "nps": {"promoters": 60, "passives": 25, "detractors": 15},
    "chair_utilisation": {"hours_used": 350, "hours_available": 500},
    "collection_rate": {"collections": 240000, "net_production": 250000},
    "overhead": {"expenses": 160000, "collections": 250000},
    "new_patients": {"new_patients": 45, "months": 3, "dentists": 1},
    "production_per_hour": {"production": 240000, "clinical_hours": 400},
    "hygiene_share": {"hygiene_production": 70000, "total_production": 250000},
}


def recommended(content: Content, lean: Lean) -> list[tuple[str, str]]:
    """The recommended set for a lean, as (metric id, why), skipping any not in the catalog."""
    known = content.metrics.by_id
    return [(mid, why) for mid, why in RECOMMENDED[lean] if mid in known]


def _band(metric: MetricDefinition, label: str):
    return next((b for b in metric.bands if b.label == label), None)


def default_target(metric: MetricDefinition, kind: str | None = None) -> dict[str, Any]:
    """A target at the edge of the metric's "strong" band (the kind follows `better`)."""
    kind = kind or {"higher": "at_least", "lower": "at_most", "within": "range"}[metric.better]
    strong = _band(metric, "strong")
    low = strong.min if strong and strong.min is not None else None
    high = strong.max if strong and strong.max is not None else None
    edge = low if metric.better != "lower" else high
    if edge is None:
        edge = low if low is not None else high if high is not None else 0.0
    if kind != "range":
        if metric.better == "within":
            edge = (low if kind == "at_least" else high) or edge
        return {"kind": kind, "value": edge}
    if low is None:
        low = 0.0
    if high is None:
        ceiling = 100.0 if metric.unit in ("percent", "score") else low * 1.5
        high = max(low, ceiling)
    return {"kind": "range", "low": low, "high": high}


def goal_targets(derivation: GoalDerivation | None) -> dict[str, dict[str, Any]]:
    """Targets the goal itself implies: the collection rate it assumes and the production
    an hour it needs. Empty without a goal."""
    if derivation is None:
        return {}
    out: dict[str, dict[str, Any]] = {
        "collection_rate": {"kind": "at_least", "value": round(derivation.collection_rate * 100, 1)}
    }
    if derivation.per_hour_production is not None:
        hourly = float(math.ceil(derivation.per_hour_production))
        out["production_per_hour"] = {"kind": "at_least", "value": hourly}
    return out


def default_owner(metric: MetricDefinition) -> str:
    if metric.id in DEFAULT_OWNER:
        return DEFAULT_OWNER[metric.id]
    return {"clinical": "doctor", "business": "manager"}.get(metric.speaks_to, "both")


def parse_target_value(metric: MetricDefinition, text: str) -> float:
    """A target value typed in the metric's unit (70, 70%, $800, 800/h, −10); raises
    ValueError with the reason."""
    raw = text.strip().replace("−", "-")
    if not raw:
        raise ValueError("Enter a value.")
    if metric.unit in ("currency", "currency_per_hour"):
        value = parse_money(raw.lower().removesuffix("/h").removesuffix("an hour").strip())
        if value is None:
            raise ValueError("Enter an amount.")
        return value
    cleaned = raw.removesuffix("%").strip().replace(",", "")
    try:
        value = float(cleaned)
    except ValueError:
        example = default_target(metric)
        example_value = example.get("value", example.get("low", 50))
        raise ValueError(f"Type a number, such as {plain(example_value)}.") from None
    if metric.unit == "percent" and not 0 <= value <= 100:
        raise ValueError("A percentage from 0 to 100.")
    if metric.unit == "score" and not -100 <= value <= 100:
        raise ValueError("A score from −100 to 100.")
    if metric.unit == "count" and value < 0:
        raise ValueError("Cannot be negative.")
    return value


def plain(value: float) -> str:
    """A value as a person would type it back: 70, 937.5."""
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.0f}"


def target_of(choice: dict[str, Any]):
    from balancecoach.core.metrics import MetricTarget

    return MetricTarget.model_validate(choice["target"])


def people_lines(metric: MetricDefinition, target: dict[str, Any]) -> list[str]:
    """What a target means in people, on the example quarter's figures."""
    from balancecoach.core.metrics import people_view_for_target

    sample = SAMPLE_INPUTS.get(metric.id)
    if sample is None:
        sample = {i.name: 100.0 for i in metric.inputs}
    values = [target["low"], target["high"]] if target["kind"] == "range" else [target["value"]]
    lines = []
    for value in values:
        text = people_view_for_target(metric, value, sample)
        if text is not None:
            lines.append(text)
    return lines


def balance_problem(content: Content, ids: Sequence[str]) -> str | None:
    """Why a set of metrics cannot be the scoreboard yet, or None when it can."""
    n = len(ids)
    if n < MIN_METRICS:
        return f"choose at least {MIN_METRICS} metrics ({n} chosen)"
    if n > MAX_METRICS:
        return f"choose at most {MAX_METRICS} metrics ({n} chosen)"
    sides = {content.metrics.by_id[i].side for i in ids if i in content.metrics.by_id}
    for side, name in (("patient", "patient"), ("production", "production")):
        if side not in sides:
            return f"add at least one {name}-side metric, so the scoreboard shows both sides"
    return None


# --- a list of choices under headings ------------------------------------------------------


class ChoiceList(OptionList):
    """Choices under headings, each ticked or not: Space or Enter ticks and unticks."""

    BINDINGS: ClassVar = [Binding("space", "toggle", "Tick", show=False)]

    class Toggled(Message):
        """The person asked to tick or untick `value` (the screen decides)."""

        def __init__(self, choice_list: ChoiceList, value: str) -> None:
            super().__init__()
            self.choice_list = choice_list
            self.value = value

        @property
        def control(self) -> ChoiceList:
            return self.choice_list

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._labels: dict[str, Text] = {}
        self.ticked: set[str] = set()

    def set_choices(
        self, groups: Iterable[tuple[str, Sequence[tuple[str, Text]]]], ticked: Iterable[str]
    ) -> None:
        self.ticked = set(ticked)
        options: list[Option] = []
        for heading, items in groups:
            if not items:
                continue
            options.append(Option(Text(heading), disabled=True))
            for value, label in items:
                self._labels[value] = label
                options.append(Option(self._prompt(value), id=value))
        self.set_options(options)
        self.action_first()

    def _prompt(self, value: str) -> Text:
        on = value in self.ticked
        box = Text("[x] " if on else "[ ] ", style="bold green" if on else "dim")
        return box + self._labels[value]

    def set_ticked(self, value: str, ticked: bool) -> None:
        if ticked:
            self.ticked.add(value)
        else:
            self.ticked.discard(value)
        self.replace_option_prompt(value, self._prompt(value))

    @property
    def highlighted_value(self) -> str | None:
        option = self.highlighted_option
        return option.id if option is not None else None

    def highlight(self, value: str) -> None:
        self.highlighted = self.get_option_index(value)

    def action_toggle(self) -> None:
        value = self.highlighted_value
        if value is not None:
            self.post_message(self.Toggled(self, value))

    def _on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:
            self.post_message(self.Toggled(self, event.option.id))


# --- the screen ------------------------------------------------------------------------------


class MetricsScreen(Screen[None]):
    """Choose the scoreboard: 3–7 metrics from both sides, each with a target and owner."""

    CSS_PATH = "metrics.tcss"
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (120, "-wide")]
    HELP: ClassVar[str] = """\
## The scoreboard

Choose **3 to 7 metrics**, with **at least one from each side**: the *production side*
(the business's health) and the *patient side* (patients served and their experience).
Production is the scoreboard of patients served: every number stands for people.

The ★ metrics are recommended for where your practice leans: a production-leaning practice
gets more patient-side numbers, a patient-leaning one more production-side numbers. They
are ticked for you the first time; change them freely, and **r** ticks them again.

For each chosen metric, set a **target** (at least, at most, or a range; it starts at the
edge of the "strong" band, or for the collection rate and production an hour at what your
goal assumes) and **one owner**. Beside it you see what the target means in
people, on example figures, e.g. "70% = 35 of 50 patients moved forward with care".

- **↑/↓** move through the catalog; the highlighted metric's definition, formula, bands
  and where the bands come from are shown beside it.
- **Space** or **Enter** ticks or unticks it.
- **Tab** moves to its target and owner.
- **c** (or Ctrl+N) goes on to the communication plan; it is refused, with the reason,
  until the set is balanced.
- **Escape** goes back to the goal; your choices are kept.
"""
    BINDINGS: ClassVar = [
        Binding(
            "r",
            "recommended",
            "Recommended set",
            id="metrics.recommended",
            tooltip="Tick the ★ recommended metrics (untick the others)",
        ),
        Binding(
            "c,ctrl+n",
            "continue",
            "Continue",
            id="metrics.continue",
            tooltip="Keep this scoreboard and choose the communication plan",
        ),
        Binding(
            "escape",
            "back",
            "Back to goal",
            id="metrics.back",
            tooltip="Back to the goal; your choices are kept",
        ),
    ]

    CONTINUE_LABEL = "Continue"
    PART = "the scoreboard"

    def __init__(self, visit: FirstVisit) -> None:
        super().__init__()
        self.visit = visit
        #: Text typed in the target boxes, by metric, kept even while it does not read.
        self._typed: dict[str, dict[str, str]] = {}
        #: Metrics whose typed target does not read, and why.
        self._bad: dict[str, str] = {}
        #: Targets and owners of metrics unticked here, restored if ticked again.
        self._set_aside: dict[str, dict[str, Any]] = {}
        self._shown: str | None = None
        #: Targets the goal implies (collection rate, production an hour), by metric.
        self.from_goal: dict[str, dict[str, Any]] = {}

    # --- building ---------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static("", id="metrics-lean")
        with Horizontal(id="metrics-body"):
            yield ChoiceList(id="metric-list")
            with Vertical(id="metric-detail"):
                yield Static("", id="metric-title")
                yield Static("", id="metric-why")
                with Vertical(id="metric-editor"):
                    with Horizontal(classes="edit-row"):
                        yield Label("Target", classes="edit-label")
                        yield Select(KINDS, allow_blank=False, compact=True, id="target-kind")
                    with Horizontal(classes="edit-row", id="value-row"):
                        yield Label("", classes="edit-label", id="value-label")
                        yield Input(id="target-value", compact=True)
                        yield Label(" to ", id="range-to")
                        yield Input(id="target-high", compact=True)
                    yield Static("", id="target-note")
                    with Horizontal(classes="edit-row"):
                        yield Label("Owner", classes="edit-label")
                        yield Select(
                            [(label, value) for value, label in OWNERS],
                            allow_blank=False,
                            compact=True,
                            id="owner",
                        )
                    yield Static("", id="people-view")
                yield Static("", id="metric-untick-hint")
                with VerticalScroll(id="metric-about-scroll"):
                    yield Static("", id="metric-about")
        with Horizontal(id="metrics-bar"):
            yield Static("", id="metrics-status")
            yield Button(
                self.CONTINUE_LABEL, id="metrics-continue", variant="primary", compact=True
            )
            yield Button("Back", id="metrics-back-button", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.visit.practice_name} · {self.PART}"
        content = self.app.content
        self.result = visit_result(content, self.visit)
        self.lean = practice_lean(self.result)
        self.why = dict(recommended(content, self.lean))
        goal = read_goal_fields(self.visit.goal_fields, self.app.clock()).derivation
        self.from_goal = goal_targets(goal)
        known = content.metrics.by_id
        # drop choices of metrics no longer in the catalog
        self.visit.metrics = [m for m in self.visit.metrics if m.get("id") in known]
        fresh = not self.visit.metrics
        if fresh:
            self.visit.metrics = [self._new_choice(mid) for mid in self.why]
            self._order()
        groups = []
        for side, heading in SIDES.items():
            items = [
                (m.id, Text.assemble(("★ " if m.id in self.why else "  ", "yellow"), m.name))
                for m in content.metrics.metric
                if m.side == side
            ]
            groups.append((heading, items))
        picker = self.query_one(ChoiceList)
        picker.set_choices(groups, self.chosen_ids)
        first = self.chosen_ids[0] if self.chosen_ids else None
        if first:
            picker.highlight(first)
        picker.focus()
        self.query_one("#metrics-lean", Static).update(
            f"Your practice is {position_text(self.result)}: ★ marks the recommended set, "
            f"{LEAN_REASON[self.lean]}."
        )
        self._show_status()
        self._show_detail(picker.highlighted_value)
        if fresh:
            journey.autosave(self.app, self.visit)

    @property
    def chosen_ids(self) -> list[str]:
        return [m["id"] for m in self.visit.metrics]

    def _choice(self, metric_id: str) -> dict[str, Any] | None:
        return next((m for m in self.visit.metrics if m["id"] == metric_id), None)

    def _new_choice(self, metric_id: str) -> dict[str, Any]:
        if metric_id in self._set_aside:
            return self._set_aside.pop(metric_id)
        metric = self.app.content.metrics.by_id[metric_id]
        target = dict(self.from_goal.get(metric_id) or default_target(metric))
        return {"id": metric_id, "owner": default_owner(metric), "target": target}

    def _order(self) -> None:
        """Keep the choices in catalog order, so the saved scoreboard reads the same way."""
        order = {m.id: i for i, m in enumerate(self.app.content.metrics.metric)}
        self.visit.metrics.sort(key=lambda m: order.get(m["id"], 99))

    # --- the status line and the detail pane ------------------------------------------

    def _show_status(self) -> None:
        content = self.app.content
        ids = self.chosen_ids
        sides = [content.metrics.by_id[i].side for i in ids]
        counts = f"{sides.count('patient')} patient, {sides.count('production')} production"

        problem = balance_problem(content, ids)
        status = self.query_one("#metrics-status", Static)
        if problem is None and self._bad:
            name = content.metrics.by_id[next(iter(self._bad))].name
            problem = f"fix the target of {name}"
        status.set_class(problem is not None, "-problem")
        if problem:
            status.update(f"{len(ids)} chosen ({counts}): {problem}.")
        else:
            status.update(f"{len(ids)} chosen: {counts} ✓")

    def _show_detail(self, metric_id: str | None) -> None:
        self._shown = metric_id
        if metric_id is None:
            return
        metric = self.app.content.metrics.by_id[metric_id]
        choice = self._choice(metric_id)
        speaks = {"clinical": "the doctor", "business": "the manager", "both": "both of you"}
        self.query_one("#metric-title", Static).update(
            f"[b]{metric.name}[/b] · {metric.side} side · speaks mostly to "
            f"{speaks[metric.speaks_to]}"
        )
        why = self.query_one("#metric-why", Static)
        why.update(f"★ {self.why[metric_id]}" if metric_id in self.why else "")
        why.display = metric_id in self.why
        editor = self.query_one("#metric-editor")
        editor.display = choice is not None
        hint = self.query_one("#metric-untick-hint", Static)
        hint.display = choice is None
        hint.update("Not on the scoreboard. Space or Enter adds it.")
        if choice is not None:
            self._load_editor(metric, choice)
        self.query_one("#metric-about", Static).update(self._about(metric))
        self.query_one("#metric-about-scroll").scroll_home(animate=False)

    def _about(self, metric: MetricDefinition) -> Text:
        def band(b) -> str:
            if b.min is None:
                return f"{b.label} under {format_value(metric.unit, b.max)}"
            if b.max is None:
                return f"{b.label} {format_value(metric.unit, b.min)} or more"
            return (
                f"{b.label} {format_value(metric.unit, b.min)}–{format_value(metric.unit, b.max)}"
            )

        better = {"higher": "higher is better", "lower": "lower is better"}.get(
            metric.better, "best within a range"
        )
        text = Text()
        text.append(metric.definition + "\n\n")
        text.append("Formula  ", style="bold")
        text.append(f"{metric.formula}  ({better})\n")
        text.append("Bands    ", style="bold")
        text.append("; ".join(band(b) for b in metric.bands) + "\n")
        text.append("Source   ", style="bold")
        text.append(metric.bands_source, style="dim")
        return text

    def _load_editor(self, metric: MetricDefinition, choice: dict[str, Any]) -> None:
        target = choice["target"]
        typed = self._typed.get(metric.id)
        kind = typed["kind"] if typed else target["kind"]
        if typed:
            first, second = typed["first"], typed["second"]
        elif kind == "range":
            first, second = plain(target["low"]), plain(target["high"])
        else:
            first, second = plain(target["value"]), ""
        with self.prevent(Input.Changed, Select.Changed):
            self.query_one("#target-kind", Select).value = kind
            self.query_one("#target-value", Input).value = first
            self.query_one("#target-high", Input).value = second
            self.query_one("#owner", Select).value = choice["owner"]
        self._show_kind(kind)
        self._show_target(metric)

    def _show_kind(self, kind: str) -> None:
        ranged = kind == "range"
        self.query_one("#value-label", Label).update("From" if ranged else "Value")
        self.query_one("#range-to").display = ranged
        self.query_one("#target-high").display = ranged

    def _show_target(self, metric: MetricDefinition) -> None:
        note = self.query_one("#target-note", Static)
        people = self.query_one("#people-view", Static)
        problem = self._bad.get(metric.id)
        note.set_class(problem is not None, "-error")
        choice = self._choice(metric.id)
        if problem is not None or choice is None:
            note.update(problem or "")
            people.update("")
            return
        target = target_of(choice)
        band = ""
        if target.kind != "range" and target.value is not None:
            # a target at a band's upper edge is met inside that band
            edge = target.value - 1e-9 if target.kind == "at_most" else target.value
            band = f": the {metric.band_for(edge).label} band"
        implied = self.from_goal.get(metric.id)
        if implied is not None and target_of({"target": implied}) == target:
            band += " (from your goal)"
        elif implied is not None:
            band += f"; your goal assumes {target_of({'target': implied}).describe(metric.unit)}"
        note.update(f"{target.describe(metric.unit)}{band}")
        lines = people_lines(metric, choice["target"])
        people.update(
            "In people, on an example quarter:\n" + "\n".join(f"  {line}" for line in lines)
            if lines
            else ""
        )

    # --- events -------------------------------------------------------------------------

    @on(OptionList.OptionHighlighted, "#metric-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and event.option.id != self._shown:
            self._show_detail(event.option.id)

    @on(ChoiceList.Toggled, "#metric-list")
    def _toggled(self, event: ChoiceList.Toggled) -> None:
        self.toggle(event.value)

    def toggle(self, metric_id: str) -> None:
        """Tick or untick a metric (refused beyond seven)."""
        picker = self.query_one(ChoiceList)
        choice = self._choice(metric_id)
        if choice is not None:
            self.visit.metrics.remove(choice)
            self._set_aside[metric_id] = choice
            self._bad.pop(metric_id, None)
            self._typed.pop(metric_id, None)
            picker.set_ticked(metric_id, False)
        else:
            if len(self.visit.metrics) >= MAX_METRICS:
                self.notify(
                    f"A scoreboard has at most {MAX_METRICS} metrics: untick one first.",
                    severity="warning",
                )
                return
            self.visit.metrics.append(self._new_choice(metric_id))
            self._order()
            picker.set_ticked(metric_id, True)
        journey.autosave(self.app, self.visit)
        self._show_status()
        self._show_detail(metric_id)

    def action_recommended(self) -> None:
        picker = self.query_one(ChoiceList)
        keep = {m["id"]: m for m in self.visit.metrics}
        self.visit.metrics = [keep.get(mid) or self._new_choice(mid) for mid in self.why]
        self._order()
        for mid in list(self._bad):
            if mid not in self.why:
                self._bad.pop(mid)
                self._typed.pop(mid, None)
        for value in list(picker.ticked | set(self.why)):
            picker.set_ticked(value, value in self.why)
        journey.autosave(self.app, self.visit)
        self._show_status()
        self._show_detail(picker.highlighted_value)
        self.notify("The recommended set is ticked.", timeout=3)

    @on(Select.Changed, "#target-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        metric_id = self._shown
        choice = self._choice(metric_id) if metric_id else None
        if choice is None or event.value == Select.BLANK:
            return
        kind = str(event.value)
        if kind == choice["target"]["kind"] and metric_id not in self._typed:
            return
        metric = self.app.content.metrics.by_id[choice["id"]]
        choice["target"] = default_target(metric, kind)
        self._typed.pop(choice["id"], None)
        self._bad.pop(choice["id"], None)
        journey.autosave(self.app, self.visit)
        self._load_editor(metric, choice)
        self._show_status()

    @on(Input.Changed, "#target-value, #target-high")
    def _value_typed(self, event: Input.Changed) -> None:
        metric_id = self._shown
        choice = self._choice(metric_id) if metric_id else None
        if choice is None:
            return
        metric = self.app.content.metrics.by_id[choice["id"]]
        kind = str(self.query_one("#target-kind", Select).value)
        first = self.query_one("#target-value", Input).value
        second = self.query_one("#target-high", Input).value
        self._typed[metric.id] = {"kind": kind, "first": first, "second": second}
        try:
            if kind == "range":
                low = parse_target_value(metric, first)
                high = parse_target_value(metric, second)
                if low > high:
                    raise ValueError("The range runs from the lower value to the higher.")
                target = {"kind": "range", "low": low, "high": high}
            else:
                target = {"kind": kind, "value": parse_target_value(metric, first)}
        except ValueError as exc:
            self._bad[metric.id] = str(exc)
        else:
            self._bad.pop(metric.id, None)
            if target != choice["target"]:
                choice["target"] = target
                journey.autosave(self.app, self.visit)
        self._show_target(metric)
        self._show_status()

    @on(Select.Changed, "#owner")
    def _owner_changed(self, event: Select.Changed) -> None:
        metric_id = self._shown
        choice = self._choice(metric_id) if metric_id else None
        if choice is None or event.value == Select.BLANK or event.value == choice["owner"]:
            return
        choice["owner"] = str(event.value)
        journey.autosave(self.app, self.visit)
        self._show_target(self.app.content.metrics.by_id[choice["id"]])

    # --- leaving -------------------------------------------------------------------------

    def action_continue(self) -> None:
        content = self.app.content
        problem = balance_problem(content, self.chosen_ids)
        if problem is not None:
            self.notify(f"Not yet: {problem}.", title="The scoreboard", severity="warning")
            return
        if self._bad:
            metric_id, reason = next(iter(self._bad.items()))
            name = content.metrics.by_id[metric_id].name
            self.query_one(ChoiceList).highlight(metric_id)
            self._show_detail(metric_id)
            self.query_one("#target-value", Input).focus()
            self.notify(
                f"The target of {name} needs fixing: {reason}",
                title="Not yet",
                severity="warning",
            )
            return
        self.forward()

    def action_back(self) -> None:
        self.backward()

    def forward(self) -> None:
        """Where a balanced scoreboard leads: on to the plan."""
        journey.advance(self.app, self.visit, self)

    def backward(self) -> None:
        journey.go_back(self.app, self.visit, "goal")

    @on(Button.Pressed, "#metrics-continue")
    def _continue_pressed(self) -> None:
        self.action_continue()

    @on(Button.Pressed, "#metrics-back-button")
    def _back_pressed(self) -> None:
        self.action_back()

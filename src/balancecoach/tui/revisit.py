"""The quarterly revisit's state and its moves between screens: kept apart from the
screens so it is saved as a draft (kind "checkpoint") after every change, resumed, and
tested without a terminal.

The stages, in order: last quarter's commitments and the plan's adherence ("review"), the
quarter's metric actuals ("actuals"), the pulse re-assessment of both respondents
("assessment", with a "handover" between them), "reflections", "progress" (charts and
what changed), next quarter's "commitments", then "saved".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.tui.flow import ROLES, TwoRespondents

# Saving and removing the draft work as for the first visit (the kind comes from the state).
from balancecoach.tui.journey import autosave as autosave
from balancecoach.tui.journey import discard_draft as discard_draft

if TYPE_CHECKING:
    from textual.screen import Screen

    from balancecoach.core.content import Content
    from balancecoach.core.records import Checkpoint, Practice
    from balancecoach.core.revisit import Adjustment
    from balancecoach.tui.app import BalanceCoachApp

Stage = Literal[
    "review",
    "actuals",
    "assessment",
    "handover",
    "reflections",
    "progress",
    "commitments",
    "saved",
]
STAGES: tuple[Stage, ...] = (
    "review",
    "actuals",
    "assessment",
    "handover",
    "reflections",
    "progress",
    "commitments",
    "saved",
)
#: The stages a person sees as steps (the hand-over belongs to the re-assessment).
STEPS: tuple[tuple[Stage, str], ...] = (
    ("review", "Last quarter"),
    ("actuals", "Metrics"),
    ("assessment", "Pulse"),
    ("reflections", "Reflections"),
    ("progress", "Progress"),
    ("commitments", "Next quarter"),
)
DRAFT_KIND = "checkpoint"
MIN_COMMITMENTS, MAX_COMMITMENTS = 3, 7
COMMITMENT_MARKS = ("done", "partly", "not")
ADHERENCE_MARKS = ("kept", "partly", "not")


@dataclass
class RevisitContext:
    """What the revisit reads once: the practice and its checkpoints, oldest first."""

    practice: Practice
    checkpoints: list[Checkpoint]

    def previous(self, quarter: str) -> Checkpoint | None:
        from balancecoach.core.revisit import previous_checkpoint

        return previous_checkpoint(self.checkpoints, quarter)

    def existing(self, quarter: str) -> Checkpoint | None:
        from balancecoach.core.revisit import checkpoint_for

        return checkpoint_for(self.checkpoints, quarter)


@dataclass
class Revisit(TwoRespondents):
    """Where the doctor and manager are in a quarter's revisit, and what they entered.
    Every value is plain text, numbers or lists of them, so it can be saved as TOML."""

    slug: str
    practice_name: str
    quarter: str
    #: The checkpoint whose commitments are reviewed ("" when there is none before).
    previous: str = ""
    #: A checkpoint for this quarter existed when the revisit began: saving updates it.
    updating: bool = False
    item_set: str = "pulse"
    stage: Stage = "review"
    turn: int = 0
    answers: dict[str, dict[str, int]] = field(default_factory=lambda: {r: {} for r in ROLES})
    position: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROLES, 0))
    #: Last quarter's commitments: text, owner, due ("" or ISO date), status, note.
    review: list[dict[str, str]] = field(default_factory=list)
    #: The plan's practices by id: {"kept": "" | kept | partly | not, "note": ...}.
    adherence: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Raw metric inputs exactly as typed, by metric id and input name.
    metric_fields: dict[str, dict[str, str]] = field(default_factory=dict)
    #: Production and collections as typed.
    financial_fields: dict[str, str] = field(default_factory=dict)
    #: Each respondent's "working" and "improve" reflections.
    reflections: dict[str, dict[str, str]] = field(
        default_factory=lambda: {r: {"working": "", "improve": ""} for r in ROLES}
    )
    #: Next quarter's commitments: text, owner, due as typed.
    commitments: list[dict[str, str]] = field(default_factory=list)
    #: The goal form as typed when the goal is adjusted (empty: not opened). It starts
    #: from the goal in effect; only a goal that differs from it is saved, effective today.
    goal_fields: dict[str, str] = field(default_factory=dict)
    #: The scoreboard as adjusted: {"id", "owner", "target"} (empty: not opened).
    metrics: list[dict[str, Any]] = field(default_factory=list)
    #: The practice and its checkpoints as read when the revisit began (not in the draft).
    context: RevisitContext | None = field(default=None, repr=False, compare=False)

    draft_kind = DRAFT_KIND
    after_both = "reflections"

    def to_draft(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "practice_name": self.practice_name,
            "quarter": self.quarter,
            "previous": self.previous,
            "updating": self.updating,
            "item_set": self.item_set,
            "stage": self.stage,
            "turn": self.turn,
            "answers": {r: dict(a) for r, a in self.answers.items()},
            "position": dict(self.position),
            "review": [dict(c) for c in self.review],
            "adherence": {k: dict(v) for k, v in self.adherence.items()},
            "metric_fields": {k: dict(v) for k, v in self.metric_fields.items()},
            "financial_fields": dict(self.financial_fields),
            "reflections": {r: dict(v) for r, v in self.reflections.items()},
            "commitments": [dict(c) for c in self.commitments],
            "goal_fields": dict(self.goal_fields),
            "metrics": [dict(m) for m in self.metrics],
        }

    @classmethod
    def from_draft(cls, data: dict[str, Any]) -> Revisit:
        """Rebuild from a draft; anything malformed raises ValueError naming it."""

        def texts(value: Any) -> dict[str, str]:
            return {str(k): str(v) for k, v in dict(value).items()}

        try:
            r = cls(
                slug=str(data["slug"]),
                practice_name=str(data["practice_name"]),
                quarter=str(data["quarter"]),
            )
            r.previous = str(data.get("previous", ""))
            r.updating = bool(data.get("updating", False))
            r.item_set = str(data.get("item_set", "pulse"))
            r.stage = data.get("stage", "review")
            r.turn = int(data.get("turn", 0))
            for role in ROLES:
                r.answers[role] = {
                    str(k): int(v) for k, v in data.get("answers", {}).get(role, {}).items()
                }
                r.position[role] = int(data.get("position", {}).get(role, 0))
                r.reflections[role] = {
                    "working": "",
                    "improve": "",
                    **texts(data.get("reflections", {}).get(role, {})),
                }
            r.review = [texts(c) for c in data.get("review", [])]
            r.adherence = {str(k): texts(v) for k, v in data.get("adherence", {}).items()}
            r.metric_fields = {str(k): texts(v) for k, v in data.get("metric_fields", {}).items()}
            r.financial_fields = texts(data.get("financial_fields", {}))
            r.commitments = [texts(c) for c in data.get("commitments", [])]
            r.goal_fields = texts(data.get("goal_fields", {}))
            r.metrics = [dict(m) for m in data.get("metrics", [])]
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"the saved draft is damaged ({exc})") from None
        if r.stage not in STAGES or r.turn not in (0, 1) or r.item_set not in ("full", "pulse"):
            raise ValueError("the saved draft is damaged (stage)")
        return r

    # --- what was entered, read -----------------------------------------------------

    def marks_missing(self) -> int:
        """Commitments and plan practices not marked yet."""
        open_ = sum(1 for c in self.review if c.get("status", "open") == "open")
        return open_ + sum(1 for a in self.adherence.values() if not a.get("kept"))


def new_revisit(
    slug: str,
    practice: Practice,
    checkpoints: list[Checkpoint],
    today: dt.date,
) -> Revisit:
    """A revisit for the quarter of `today`: last quarter's commitments to review, the plan
    to mark, and, when this quarter already has a checkpoint, everything in it filled in
    so that saving updates it rather than starting over."""
    from balancecoach.core.records import Quarter
    from balancecoach.core.revisit import checkpoint_for, previous_checkpoint

    quarter = str(Quarter.of(today))
    previous = previous_checkpoint(checkpoints, quarter)
    existing = checkpoint_for(checkpoints, quarter)
    r = Revisit(
        slug=slug,
        practice_name=practice.practice.name,
        quarter=quarter,
        previous=previous.quarter if previous else "",
        updating=existing is not None,
    )
    reviewed = {c.text: c for c in existing.review} if existing else {}
    for c in previous.commitment if previous else []:
        seen = reviewed.get(c.text)
        r.review.append(
            {
                "text": c.text,
                "owner": c.owner,
                "due": c.due.isoformat() if c.due else "",
                "status": seen.status if seen else "open",
                "note": seen.note if seen else "",
            }
        )
    kept = {a.practice: a for a in existing.adherence} if existing else {}
    for item in practice.plan:
        was = kept.get(item.practice)
        r.adherence[item.practice] = {
            "kept": was.kept if was else "",
            "note": was.note if was else "",
        }
    if existing is None:
        return r
    if any(person.answers for person in existing.respondent):
        # answers already given this quarter keep their statement set (a first visit's
        # full assessment is not cut down to the pulse)
        r.item_set = existing.item_set
    for person in existing.respondent:
        if person.role in r.answers:
            r.answers[person.role] = dict(person.answers)
            r.reflections[person.role] = {"working": person.working, "improve": person.improve}
    for m in existing.metric:
        r.metric_fields[m.id] = {k: plain(v) for k, v in m.inputs.items()}
    if existing.financials is not None:
        for name in ("production", "collections"):
            value = getattr(existing.financials, name)
            if value is not None:
                r.financial_fields[name] = plain(value)
    r.commitments = [
        {"text": c.text, "owner": c.owner, "due": c.due.isoformat() if c.due else ""}
        for c in existing.commitment
    ]
    return r


def plain(value: float) -> str:
    """A figure as a person would type it back: 83, 241500, 12.5."""
    return f"{value:.0f}" if float(value).is_integer() else f"{value:g}"


def default_due(quarter: str) -> str:
    """Next quarter's commitments are due, unless said otherwise, at its end."""
    from balancecoach.core.records import Quarter

    return Quarter.parse(quarter).next().end.isoformat()


# --- reading what was typed ------------------------------------------------------------


def read_figure(unit: str, text: str) -> float | None:
    """A raw metric input or amount as typed (83, 1,250, $241,500, 241.5k); None when
    blank. Raises ValueError with a message for a person."""
    from balancecoach.storage.csv_import import parse_number
    from balancecoach.tui.screens.goal import parse_money

    if not text.strip():
        return None
    if unit == "currency":
        value = parse_money(text)
        assert value is not None
        return value
    value = parse_number(text)
    if value < 0:
        raise ValueError("Cannot be negative.")
    return value


def metric_reading(
    content: Content, metric_id: str, fields: dict[str, str]
) -> tuple[dict[str, float] | None, str | None]:
    """(inputs, None) when every input reads and computes, (None, None) when all are blank,
    or (None, the reason) otherwise."""
    from balancecoach.core.metrics import compute

    metric = content.metrics.by_id[metric_id]
    values: dict[str, float] = {}
    for spec in metric.inputs:
        try:
            value = read_figure(spec.unit, fields.get(spec.name, ""))
        except ValueError as exc:
            return None, f"{spec.label}: {exc}"
        if value is not None:
            values[spec.name] = value
    if not values:
        return None, None
    missing = [s.label for s in metric.inputs if s.name not in values]
    if missing:
        return None, f"also needs {', '.join(missing)}"
    try:
        compute(metric, values, "this quarter")
    except DataError as exc:
        return None, exc.message
    return values, None


def parse_due(text: str) -> dt.date | None:
    """A due date typed as 2027-03-31 (or blank); ValueError with a message otherwise."""
    raw = text.strip()
    if not raw:
        return None
    try:
        return dt.date.fromisoformat(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a date: write it like 2027-03-31") from None


def build_checkpoint(
    content: Content,
    practice: Practice,
    revisit: Revisit,
    today: dt.date,
    existing: Checkpoint | None = None,
) -> Checkpoint:
    """The checkpoint the revisit would save now. Entries that do not read are left out
    (the screens refuse to go on while they do not read)."""
    from balancecoach.core.records import Adherence, Financials
    from balancecoach.core.revisit import revisit_checkpoint

    inputs: dict[str, dict[str, float]] = {}
    for metric_id, fields in revisit.metric_fields.items():
        if metric_id not in content.metrics.by_id:
            continue
        values, _problem = metric_reading(content, metric_id, fields)
        if values is not None:
            inputs[metric_id] = values
    money: dict[str, float] = {}
    for name in ("production", "collections"):
        try:
            value = read_figure("currency", revisit.financial_fields.get(name, ""))
        except ValueError:
            value = None
        if value is not None:
            money[name] = value
    adherence = [
        Adherence(practice=p, kept=a["kept"], note=a.get("note", ""))  # type: ignore[arg-type]
        for p, a in revisit.adherence.items()
        if a.get("kept") in ADHERENCE_MARKS
    ]
    review = [_commitment(c, c.get("status", "open"), c.get("note", "")) for c in revisit.review]
    new = []
    for c in revisit.commitments:
        if c.get("text", "").strip():
            new.append(_commitment(c, "open", ""))
    return revisit_checkpoint(
        content,
        practice,
        revisit.quarter,
        today,
        item_set=revisit.item_set,  # type: ignore[arg-type]
        answers=revisit.answers,
        reflections={
            role: (v.get("working", ""), v.get("improve", ""))
            for role, v in revisit.reflections.items()
        },
        metric_inputs=inputs,
        adherence=adherence,
        review=review,
        commitments=new,
        financials=Financials(**money) if money else None,
        existing=existing,
    )


def _commitment(c: dict[str, str], status: str, note: str):
    from balancecoach.core.records import Commitment

    try:
        due = parse_due(c.get("due", ""))
    except ValueError:
        due = None
    return Commitment(
        text=c["text"],
        owner=c.get("owner") or "both",  # type: ignore[arg-type]
        due=due,
        status=status,  # type: ignore[arg-type]
        note=note,
    )


# --- adjusting the goal and targets ---------------------------------------------------------


def start_adjusting(revisit: Revisit, practice: Practice, today: dt.date) -> None:
    """Fill the goal form and the scoreboard from what is in effect, the first time either
    is opened during this revisit (later, what was typed stays)."""
    from balancecoach.tui.screens.goal import fields_from_goal

    if not revisit.goal_fields:
        goal = practice.goal_on(today)
        revisit.goal_fields = fields_from_goal(goal) if goal is not None else {}
    if not revisit.metrics:
        revisit.metrics = [
            {"id": m.id, "owner": m.owner, "target": m.target.model_dump(exclude_none=True)}
            for m in practice.metric
        ]


def pending_adjustment(
    content: Content, practice: Practice, revisit: Revisit, today: dt.date
) -> Adjustment | None:
    """What saving would change in practice.toml (None: nothing). Raises DataError when the
    adjusted goal does not read or the adjusted scoreboard is not balanced."""
    from balancecoach.core.metrics import MetricTarget
    from balancecoach.core.records import MetricChoice
    from balancecoach.core.revisit import adjust_practice
    from balancecoach.tui.screens.goal import read_goal_fields
    from balancecoach.tui.screens.metrics import balance_problem

    goal = None
    if revisit.goal_fields:
        reading = read_goal_fields(revisit.goal_fields, today)
        if reading.inputs is None:
            problems = [f"{k}: {v}" for k, v in reading.errors.items()] + reading.problems
            raise DataError(
                "the adjusted goal does not give a goal (" + "; ".join(problems) + ")",
                source="goal",
                hint="Ctrl+G on the commitments screen to correct it (Ctrl+R there keeps "
                "the goal you had)",
            )
        goal = reading.inputs
    metrics = None
    if revisit.metrics:
        problem = balance_problem(content, [m["id"] for m in revisit.metrics])
        if problem is not None:
            raise DataError(
                f"the adjusted scoreboard is not balanced: {problem}",
                source="scoreboard",
                hint="Ctrl+T on the commitments screen to adjust it",
            )
        metrics = [
            MetricChoice(
                id=m["id"], owner=m["owner"], target=MetricTarget.model_validate(m["target"])
            )
            for m in revisit.metrics
        ]
    return adjust_practice(practice, today, goal=goal, metrics=metrics)


# --- moving between the screens ----------------------------------------------------------


def ensure_context(app: BalanceCoachApp, revisit: Revisit) -> RevisitContext:
    """The revisit's practice and checkpoints, read now if they were not yet."""
    if revisit.context is None:
        practice = app.store.load_practice(revisit.slug)
        checkpoints, _problems = app.store.load_checkpoints(revisit.slug)
        revisit.context = RevisitContext(practice, checkpoints)
    return revisit.context


def screen_for(revisit: Revisit) -> Screen:
    """The screen that shows the revisit's current stage."""
    stage = revisit.stage
    if stage == "review":
        from balancecoach.tui.screens.revisit_review import ReviewCommitmentsScreen

        return ReviewCommitmentsScreen(revisit)
    if stage == "actuals":
        from balancecoach.tui.screens.revisit_actuals import ActualsScreen

        return ActualsScreen(revisit)
    if stage == "assessment":
        from balancecoach.tui.screens.revisit_pulse import PulseScreen

        return PulseScreen(revisit)
    if stage == "handover":
        from balancecoach.tui.screens.revisit_pulse import PulseHandOverScreen

        return PulseHandOverScreen(revisit)
    if stage == "reflections":
        from balancecoach.tui.screens.revisit_reflections import ReflectionsScreen

        return ReflectionsScreen(revisit)
    if stage == "progress":
        from balancecoach.tui.screens.revisit_progress import ProgressScreen

        return ProgressScreen(revisit)
    if stage == "commitments":
        from balancecoach.tui.screens.revisit_commitments import CommitmentsScreen

        return CommitmentsScreen(revisit)
    from balancecoach.tui.screens.revisit_saved import RevisitSavedScreen

    return RevisitSavedScreen(revisit)


def advance(app: BalanceCoachApp, revisit: Revisit) -> None:
    """Move to the next stage: save the draft, then replace the current screen."""
    if revisit.stage == "handover":
        revisit.stage = "assessment"  # the second respondent's turn
    elif revisit.stage == "actuals":
        revisit.stage = "assessment"
        revisit.turn = 0
    else:
        revisit.stage = STAGES[STAGES.index(revisit.stage) + 1]
    autosave(app, revisit)
    app.switch_screen(screen_for(revisit))


def go_back(app: BalanceCoachApp, revisit: Revisit, stage: Stage) -> None:
    """Return to an earlier stage, keeping everything entered so far."""
    revisit.stage = stage
    autosave(app, revisit)
    app.switch_screen(screen_for(revisit))


def back_from_reflections(app: BalanceCoachApp, revisit: Revisit) -> None:
    """Back into the re-assessment, with the office manager's part open again."""
    revisit.turn = 1
    go_back(app, revisit, "assessment")


def step_line(revisit: Revisit) -> str:
    """'2026-Q4 checkpoint · 3/6 Pulse · Harbour Family Dental' for the sub-title."""
    stage = "assessment" if revisit.stage == "handover" else revisit.stage
    names = [s for s, _ in STEPS]
    if stage not in names:
        return f"{revisit.practice_name} · {revisit.quarter} checkpoint"
    n = names.index(stage)
    # the step first: a long practice name is what gets cut at 80 columns
    step = f"{n + 1}/{len(STEPS)} {STEPS[n][1]}"
    return f"{revisit.quarter} checkpoint · {step} · {revisit.practice_name}"


def start_revisit(
    app: BalanceCoachApp, slug: str, *, at: Stage | None = None, name: str | None = None
) -> None:
    """Begin (or, when a draft exists for this practice and quarter, resume) the revisit;
    with `at`, at that stage unless it is already past it. `name` is what the screens call
    the practice (its own name by default). Reading the practice happens here, on the
    event loop: it is one small folder."""
    try:
        practice = app.store.load_practice(slug)
    except (DataError, DataErrors) as exc:
        app.notify(
            str(exc), title="The practice file does not load", severity="error", markup=False
        )
        return
    checkpoints, _problems = app.store.load_checkpoints(slug)
    if not checkpoints:
        app.notify(
            "This practice has no checkpoint yet: its first visit (a) makes the first one.",
            title="Nothing to revisit yet",
            severity="warning",
        )
        return
    today = app.clock()
    revisit: Revisit | None = None
    try:
        data = app.drafts.load(DRAFT_KIND, slug)
    except (DataError, DataErrors) as exc:
        app.notify(
            f"{exc}\nA new checkpoint starts; the damaged draft was left where it is.",
            title="The saved draft could not be read",
            severity="warning",
            timeout=10,
            markup=False,
        )
        data = None
    if data is not None:
        try:
            revisit = Revisit.from_draft(data)
        except ValueError as exc:
            app.notify(f"{exc}; a new checkpoint starts.", severity="warning", markup=False)
        else:
            from balancecoach.core.records import Quarter

            if revisit.quarter != str(Quarter.of(today)):
                app.notify(
                    f"This unfinished checkpoint is for {revisit.quarter} (it is now "
                    f"{Quarter.of(today)}); saving it completes {revisit.quarter}.",
                    title="Draft resumed",
                    severity="warning",
                    timeout=10,
                    markup=False,
                )
            else:
                app.notify("Picking up where you left off.", title="Draft resumed")
            revisit.context = RevisitContext(practice, checkpoints)
    if revisit is None:
        revisit = new_revisit(slug, practice, checkpoints, today)
        revisit.context = RevisitContext(practice, checkpoints)
        if revisit.updating:
            app.notify(
                f"{revisit.quarter} already has a checkpoint: what it holds is filled in, and "
                "saving updates it. Earlier quarters are not touched.",
                title=f"Updating {revisit.quarter}",
                timeout=10,
            )
    revisit.practice_name = name or practice.practice.name
    if at is not None and STAGES.index(revisit.stage) < STAGES.index(at):
        revisit.stage = at
        if at == "assessment":
            revisit.turn = 0
    autosave(app, revisit)
    app.push_screen(screen_for(revisit))

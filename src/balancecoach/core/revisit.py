"""The quarterly revisit: the quarter's checkpoint built from what the doctor and manager
entered, and what changed since the checkpoint before it (lean and quadrant movement,
metrics that changed status, commitments kept, plan adherence). Pure: nothing here reads,
writes or draws."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from balancecoach.core.assessment import AnswersFile, ItemSet, RespondentAnswers, assess
from balancecoach.core.content import Content
from balancecoach.core.format import format_value, signed
from balancecoach.core.goals import GoalInputs
from balancecoach.core.records import (
    Adherence,
    Checkpoint,
    Commitment,
    Financials,
    Goal,
    MetricActual,
    MetricChoice,
    PlanItem,
    Practice,
    Quarter,
    Respondent,
)
from balancecoach.core.snapshots import metric_actual, practice_scores, respondents

#: How the statuses rank, worst first: a move up this list is a change for the better.
STATUS_RANK = {"red": 0, "amber": 1, "green": 2}
#: A lean that moves by less than this many points is "about the same".
STEADY_LEAN = 5.0

Direction = Literal["better", "worse", "new", "dropped", "same"]


# --- building the checkpoint -------------------------------------------------------------


def previous_checkpoint(checkpoints: Sequence[Checkpoint], quarter: str) -> Checkpoint | None:
    """The latest checkpoint of a quarter before `quarter` (the one whose commitments this
    quarter reviews), or None."""
    earlier = [c for c in checkpoints if c.quarter < quarter]
    return max(earlier, key=lambda c: c.quarter) if earlier else None


def checkpoint_for(checkpoints: Sequence[Checkpoint], quarter: str) -> Checkpoint | None:
    return next((c for c in checkpoints if c.quarter == quarter), None)


def revisit_checkpoint(
    content: Content,
    practice: Practice,
    quarter: str,
    today: dt.date,
    *,
    item_set: ItemSet = "pulse",
    answers: Mapping[str, Mapping[str, int]] | None = None,
    reflections: Mapping[str, tuple[str, str]] | None = None,
    metric_inputs: Mapping[str, Mapping[str, float]] | None = None,
    adherence: Sequence[Adherence] = (),
    review: Sequence[Commitment] = (),
    commitments: Sequence[Commitment] = (),
    financials: Financials | None = None,
    existing: Checkpoint | None = None,
) -> Checkpoint:
    """The quarter's checkpoint from the revisit's entries, with scores, metric values and
    statuses computed now (and kept as computed: later changes never re-score it).

    With `existing` (a checkpoint already saved for this quarter) the entries replace what
    the revisit covers and anything else in it (coach notes, metrics not on the scoreboard)
    is kept. Answers to statements no longer in the question bank are set aside; a metric
    whose inputs do not compute raises DataError naming it.
    """
    answers = answers or {}
    reflections = reflections or {}
    metric_inputs = metric_inputs or {}
    known = content.questions.by_id
    roles = list(dict.fromkeys([*answers, *reflections]))
    clean = {role: {s: r for s, r in answers.get(role, {}).items() if s in known} for role in roles}

    data = dict(existing) if existing is not None else {}
    data.update(quarter=str(Quarter.parse(quarter)), date=today, item_set=item_set)
    goal = practice.goal_on(today)
    scored_against = existing.goal_effective if existing is not None else None
    if scored_against is not None and any(g.effective == scored_against for g in practice.goal):
        # updating the quarter: it stays scored against the goal it was first saved with,
        # even when a goal adjusted at that revisit has taken effect since
        data["goal_effective"] = scored_against
    else:
        data["goal_effective"] = goal.effective if goal is not None else None

    answered = [RespondentAnswers(role=r, answers=clean[r]) for r in roles if clean[r]]
    scored: dict[str, Respondent] = {}
    if answered:
        result = assess(content, AnswersFile(item_set=item_set, respondent=answered))
        for r in respondents(result, clean, reflections):
            scored[r.role] = r
        data["scores"] = practice_scores(result)
    else:
        data["scores"] = None
    people = []
    for role in roles:
        if role in scored:
            people.append(scored[role])
        else:
            working, improve = reflections.get(role, ("", ""))
            if working.strip() or improve.strip():
                people.append(Respondent(role=role, working=working, improve=improve))
    data["respondent"] = people

    targets = {m.id: m.target for m in practice.metric}
    order = [m.id for m in practice.metric] + [m for m in metric_inputs if m not in targets]
    actuals: list[MetricActual] = []
    for metric_id in order:
        raw = metric_inputs.get(metric_id)
        defn = content.metrics.by_id.get(metric_id)
        if raw is None or defn is None:
            continue
        actuals.append(metric_actual(defn, raw, targets.get(metric_id), f"{quarter} metrics"))
    entered = {a.id for a in actuals}
    kept = [m for m in (existing.metric if existing else []) if m.id not in entered]
    data["metric"] = actuals + [m for m in kept if m.id not in targets]

    data["adherence"] = list(adherence)
    data["review"] = list(review)
    data["commitment"] = list(commitments)
    has_money = financials is not None and (
        financials.production is not None or financials.collections is not None
    )
    data["financials"] = financials if has_money else None
    return Checkpoint.model_validate(data)


# --- adjusting the goal and targets during a revisit ------------------------------------


@dataclass(frozen=True)
class Adjustment:
    """What a revisit changed in practice.toml: the practice as it should now be saved,
    the new goal (None when the goal stayed) and the metrics whose target or owner
    changed (ids, in scoreboard order)."""

    practice: Practice
    goal: Goal | None
    changed_metrics: tuple[str, ...]


def adjust_practice(
    practice: Practice,
    today: dt.date,
    *,
    goal: GoalInputs | None = None,
    metrics: Sequence[MetricChoice] | None = None,
) -> Adjustment | None:
    """The practice with a revisit's adjustments, or None when nothing changed.

    A goal that differs from the one in effect today is added with `today` as its
    effective date (replacing one that already took effect today); earlier goals stay, so
    earlier quarters keep the goal they were scored against. A metric whose target or
    owner changed gets `since = today`; an unchanged one keeps its date. Fields the goal
    form does not show (variable cost share, say) carry over from the goal before."""
    current = practice.goal_on(today)
    new_goal: Goal | None = None
    if goal is not None:
        fields = goal.model_dump(exclude={"effective"}, exclude_none=True)
        before = current.model_dump(exclude={"effective"}, exclude_none=True) if current else None
        if before is not None and "adjustment_rate" in before and "collection_rate" in fields:
            before["collection_rate"] = round(1 - before.pop("adjustment_rate"), 10)
        if before is None or _differs(before, fields):
            carried = {
                k: v
                for k, v in (before or {}).items()
                if k in ("variable_cost_share",) and k not in fields
            }
            old_cal, new_cal = (before or {}).get("calendar"), fields.get("calendar")
            if old_cal and new_cal and _days(old_cal) == _days(new_cal):
                # the same working days: keep them as the practice wrote them (weeks ×
                # days a week), with the hours as now typed
                hours = {"clinical_hours_per_day": new_cal.get("clinical_hours_per_day")}
                days = {k: v for k, v in old_cal.items() if k != "clinical_hours_per_day"}
                fields["calendar"] = {**days, **{k: v for k, v in hours.items() if v}}
            new_goal = Goal.model_validate({**carried, **fields, "effective": today})
    changed: list[str] = []
    board = list(practice.metric)
    if metrics is not None:
        was = {m.id: m for m in practice.metric}
        board = []
        for m in metrics:
            old = was.get(m.id)
            same = old is not None and old.target == m.target and old.owner == m.owner
            if same:
                board.append(old)  # type: ignore[arg-type]
            else:
                board.append(m.model_copy(update={"since": today}))
                changed.append(m.id)
        if [m.id for m in board] != [m.id for m in practice.metric]:
            changed.extend(i for i in was if i not in {m.id for m in board})
    if new_goal is None and not changed:
        return None
    goals = list(practice.goal)
    if new_goal is not None:
        goals = sorted([g for g in goals if g.effective != today] + [new_goal], key=_effective)
    updated = Practice.model_validate({**dict(practice), "goal": goals, "metric": board})
    return Adjustment(practice=updated, goal=new_goal, changed_metrics=tuple(changed))


def _effective(goal: Goal) -> dt.date:
    return goal.effective


def _days(calendar: Mapping[str, float]) -> float | None:
    """Working days a year, however the calendar gives them."""
    if calendar.get("working_days"):
        return round(float(calendar["working_days"]), 6)
    if calendar.get("weeks") and calendar.get("days_per_week"):
        return round(float(calendar["weeks"]) * float(calendar["days_per_week"]), 6)
    return None


def _differs(before: Mapping[str, object], after: Mapping[str, object]) -> bool:
    """Whether two goals' inputs differ, ignoring what the form cannot show and how the
    working days are written."""

    def comparable(goal: Mapping[str, object]) -> dict[str, object]:
        out = {k: v for k, v in goal.items() if k != "variable_cost_share"}
        cal = out.pop("calendar", None)
        if isinstance(cal, Mapping):
            out["days"] = _days(cal)
            out["hours"] = cal.get("clinical_hours_per_day")
        return out

    return _plain(comparable(before)) != _plain(comparable(after))


def _plain(value: object) -> object:
    """Inputs compared as numbers: 310000 and 310000.0 are the same amount, and an
    overhead table left at zero is the same as none."""
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items() if v not in (None, 0, 0.0)}
    if isinstance(value, int | float):
        return round(float(value), 6)
    return value


# --- what changed since the checkpoint before --------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where one person (or the practice) stood: pole scores, lean and quadrant."""

    structure: float | None
    people: float | None
    lean: float | None
    quadrant: str | None


@dataclass(frozen=True)
class Movement:
    """How one position moved between two checkpoints."""

    who: str  # "practice", or a respondent's role
    before: Position | None
    after: Position | None

    @property
    def lean_change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        if self.before.lean is None or self.after.lean is None:
            return None
        return self.after.lean - self.before.lean

    @property
    def quadrant_changed(self) -> bool:
        return (
            self.before is not None
            and self.after is not None
            and self.before.quadrant != self.after.quadrant
        )


@dataclass(frozen=True)
class StatusChange:
    """One metric's status and value at the two checkpoints."""

    metric: str
    before_status: str | None
    after_status: str | None
    before_value: float | None
    after_value: float | None

    @property
    def direction(self) -> Direction:
        if self.before_value is None and self.after_value is not None:
            return "new"
        if self.after_value is None:
            return "dropped"
        b = STATUS_RANK.get(self.before_status or "")
        a = STATUS_RANK.get(self.after_status or "")
        if a is None or b is None or a == b:
            return "same"
        return "better" if a > b else "worse"


@dataclass(frozen=True)
class Tally:
    """How many were done (or kept), partly, not, and not marked yet."""

    done: int = 0
    partly: int = 0
    not_done: int = 0
    unmarked: int = 0

    @property
    def total(self) -> int:
        return self.done + self.partly + self.not_done + self.unmarked

    @property
    def marked(self) -> int:
        return self.done + self.partly + self.not_done


@dataclass(frozen=True)
class QuarterChange:
    """What changed between the previous checkpoint and this quarter's."""

    quarter: str
    previous: str | None
    movements: list[Movement] = field(default_factory=list)
    metrics: list[StatusChange] = field(default_factory=list)
    commitments: Tally = Tally()
    adherence: Tally = Tally()
    item_sets: tuple[str | None, str] = (None, "pulse")

    @property
    def practice(self) -> Movement | None:
        return next((m for m in self.movements if m.who == "practice"), None)

    def changed_status(self) -> list[StatusChange]:
        return [m for m in self.metrics if m.direction in ("better", "worse")]


def _position(scores) -> Position | None:
    if scores is None or (scores.structure is None and scores.people is None):
        return None
    return Position(scores.structure, scores.people, scores.lean, scores.quadrant)


def commitment_tally(review: Sequence[Commitment]) -> Tally:
    """Last quarter's commitments by their status at this checkpoint."""
    statuses = [c.status for c in review]
    return Tally(
        done=statuses.count("done"),
        partly=statuses.count("partly"),
        not_done=statuses.count("not"),
        unmarked=statuses.count("open"),
    )


def adherence_tally(adherence: Sequence[Adherence], plan: Sequence[PlanItem] = ()) -> Tally:
    """The plan's communication practices by whether they were kept; practices in the plan
    with no entry count as not marked."""
    kept = [a.kept for a in adherence]
    marked = {a.practice for a in adherence}
    return Tally(
        done=kept.count("kept"),
        partly=kept.count("partly"),
        not_done=kept.count("not"),
        unmarked=sum(1 for p in plan if p.practice not in marked),
    )


def since_last(
    previous: Checkpoint | None, current: Checkpoint, plan: Sequence[PlanItem] = ()
) -> QuarterChange:
    """Lean and quadrant movement (the practice's and each person's), metrics whose status
    changed, last quarter's commitments kept and the plan's adherence."""
    movements = [
        Movement(
            "practice",
            _position(previous.scores) if previous else None,
            _position(current.scores),
        )
    ]
    before_people = {r.role: r for r in previous.respondent} if previous else {}
    for r in current.respondent:
        was = before_people.get(r.role)
        movements.append(
            Movement(r.role, _position(was.scores) if was else None, _position(r.scores))
        )
    before_metrics = {m.id: m for m in previous.metric} if previous else {}
    metrics = []
    for m in current.metric:
        was = before_metrics.get(m.id)
        metrics.append(
            StatusChange(
                m.id,
                was.status if was else None,
                m.status,
                was.value if was else None,
                m.value,
            )
        )
    return QuarterChange(
        quarter=current.quarter,
        previous=previous.quarter if previous else None,
        movements=movements,
        metrics=metrics,
        commitments=commitment_tally(current.review),
        adherence=adherence_tally(current.adherence, plan),
        item_sets=(previous.item_set if previous else None, current.item_set),
    )


# --- the same, in words ------------------------------------------------------------------

WHO = {"practice": "The practice", "doctor": "The doctor", "manager": "The office manager"}


def _lean_words(move: Movement) -> str:
    after = move.after
    assert after is not None
    lean = "unscored" if after.lean is None else signed(after.lean)
    where = after.quadrant or "unplaced"
    if move.before is None:
        return f"{WHO.get(move.who, move.who)}: {where}, lean {lean} (nothing to compare with)"
    was = move.before.quadrant or "unplaced"
    quadrant = f"{was} → {where}" if move.quadrant_changed else f"still {where}"
    change = move.lean_change
    if change is None or move.before.lean is None:
        return f"{WHO.get(move.who, move.who)}: {quadrant}; lean {lean}"
    moved = f"lean {lean} (was {signed(move.before.lean)})"
    if abs(round(change)) < STEADY_LEAN:
        moved += ", about the same"
    else:
        toward = "production" if change > 0 else "patients"
        moved += f", {abs(change):.0f} points toward {toward}"
    return f"{WHO.get(move.who, move.who)}: {quadrant}; {moved}"


def change_lines(change: QuarterChange, content: Content) -> dict[str, list[str]]:
    """The summary as plain sentences under three headings: position, metrics, promises."""
    out: dict[str, list[str]] = {"position": [], "metrics": [], "promises": []}
    for move in change.movements:
        if move.after is not None:
            out["position"].append(_lean_words(move))
    if not out["position"]:
        out["position"].append("No answers this quarter, so there is no new position.")
    if change.item_sets[0] == "full" and change.item_sets[1] == "pulse":
        out["position"].append(
            "Last time was the full assessment and this is the shorter pulse set, so small "
            "moves may come from the different statements."
        )

    changed = 0
    for m in change.metrics:
        defn = content.metrics.by_id.get(m.metric)
        name = defn.name if defn else m.metric
        unit = defn.unit if defn else "count"

        def value(v: float | None, unit: str = unit) -> str:
            return "–" if v is None else format_value(unit, v)

        if m.direction == "new":
            out["metrics"].append(
                f"{name}: {value(m.after_value)} ({m.after_status or 'no target'}), first recorded"
            )
        elif m.direction in ("better", "worse"):
            changed += 1
            out["metrics"].append(
                f"{name}: {m.before_status} → {m.after_status} "
                f"({value(m.before_value)} → {value(m.after_value)}), {m.direction}"
            )
        else:
            status = m.after_status or "no target"
            out["metrics"].append(
                f"{name}: still {status} ({value(m.before_value)} → {value(m.after_value)})"
            )
    if not change.metrics:
        out["metrics"].append("No metric actuals were entered this quarter.")
    else:
        out["metrics"].insert(
            0,
            f"{changed} of {len(change.metrics)} metrics changed status"
            + (f" since {change.previous}" if change.previous else ""),
        )

    c = change.commitments
    if c.total:
        line = f"Commitments from {change.previous or 'last quarter'}: {c.done} of {c.total} done"
        if c.partly:
            line += f", {c.partly} partly"
        if c.not_done:
            line += f", {c.not_done} not done"
        if c.unmarked:
            line += f", {c.unmarked} not marked"
        out["promises"].append(line)
    else:
        out["promises"].append("There were no commitments from last quarter to review.")
    a = change.adherence
    if a.total:
        line = f"Communication plan: {a.done} of {a.total} practices kept"
        if a.partly:
            line += f", {a.partly} partly"
        if a.not_done:
            line += f", {a.not_done} not kept"
        if a.unmarked:
            line += f", {a.unmarked} not marked"
        out["promises"].append(line)
    return out

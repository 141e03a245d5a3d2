"""The data behind the progress charts, built from a practice and its checkpoints.

Each series is plain data (quarter labels, values, units) that charts/ draws and
`balancecoach chart --format json` prints. A series that cannot show a trend yet (no
checkpoint, or only one) says why in `empty_reason`, so a view can explain instead of
drawing a broken plot.

Scores are the ones saved with each checkpoint ("as computed then"); a quarter's goal is the
goal in effect on the first day of that quarter, so changing a goal never moves the bars of
earlier quarters.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.goals import derive_goal
from balancecoach.core.records import Quarter

if TYPE_CHECKING:
    from balancecoach.core.content import Content, MetricDefinition
    from balancecoach.core.metrics import MetricTarget
    from balancecoach.core.records import Checkpoint, Practice

Kind = Literal["lean", "quadrant", "metric", "dimensions", "financials"]
KINDS: tuple[Kind, ...] = ("lean", "quadrant", "metric", "dimensions", "financials")

#: How each respondent is named on the charts; the practice position is their average.
ROLE_LABELS = {"doctor": "Doctor", "manager": "Office manager", "practice": "Practice"}
_ROLE_ORDER = {"doctor": 0, "manager": 1}

#: Short unit words for metric values, used on axes and legends.
UNIT_LABELS = {
    "percent": "%",
    "currency": "$",
    "currency_per_hour": "$/h",
    "hours": "hours",
    "score": "−100 to +100",
    "count": "count",
}

NO_CHECKPOINTS = "No checkpoints yet: the trend appears once two quarters are saved."
ONE_CHECKPOINT = "Only one checkpoint so far: the trend appears after the next one."


class Series(BaseModel):
    """What every chart series shares: its kind, a title, the quarter labels along its
    axis, the unit, and why it cannot be drawn yet (None when it can)."""

    model_config = ConfigDict(frozen=True)

    kind: Kind
    title: str
    labels: list[str]
    unit: str
    empty_reason: str | None = None
    #: Something worth saying under a chart that can be drawn ("the path appears …").
    note: str | None = None

    @property
    def empty(self) -> bool:
        return self.empty_reason is not None

    def to_json(self) -> dict[str, Any]:
        """The series as JSON-ready data (dicts, lists, strings, numbers and null)."""
        return self.model_dump(mode="json")


def quarter_index(label: str) -> int:
    """A quarter as a count of quarters (2026-Q1 → 8104), so gaps between checkpoints keep
    their width on a time axis."""
    q = Quarter.parse(label)
    return q.year * 4 + q.number - 1


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role[:1].upper() + role[1:])


def _in_order(checkpoints: Iterable[Checkpoint]) -> list[Checkpoint]:
    """Checkpoints oldest first, one per quarter (the last one given wins)."""
    by_quarter = {c.quarter: c for c in checkpoints}
    return [by_quarter[q] for q in sorted(by_quarter, key=quarter_index)]


def _roles(checkpoints: Sequence[Checkpoint]) -> list[str]:
    seen: dict[str, None] = {}
    for cp in checkpoints:
        for r in cp.respondent:
            seen.setdefault(r.role, None)
    return sorted(seen, key=lambda role: (_ROLE_ORDER.get(role, 2), role))


def _trend_reason(
    points: int, checkpoints: int, what: str | None = None, quarter: str | None = None
) -> str | None:
    """Why a trend cannot be drawn yet, or None when it has two points or more."""
    if points >= 2:
        return None
    if checkpoints == 0:
        return NO_CHECKPOINTS
    if checkpoints == 1 or what is None:
        return ONE_CHECKPOINT
    if points == 0:
        return f"No {what} entered yet: the trend appears once two quarters have them."
    what = what[:1].upper() + what[1:]
    return (
        f"{what} entered for one quarter so far ({quarter}): the trend appears after the next one."
    )


# --- lean trajectory --------------------------------------------------------------------


class Trajectory(BaseModel):
    """One person's (or the practice's) scores per quarter, aligned with the labels; None
    where that quarter has no score for them."""

    model_config = ConfigDict(frozen=True)

    who: str
    label: str
    structure: list[float | None]
    people: list[float | None]
    lean: list[float | None]
    quadrant: list[str | None]


class LeanSeries(Series):
    """Structure, people and lean per quarter for the practice and each respondent."""

    kind: Literal["lean"] = "lean"
    unit: str = "points: structure and people 0–100, lean −100 (patient) to +100 (production)"
    #: The practice first, then the doctor and the manager.
    trajectories: list[Trajectory]

    def trajectory(self, who: str) -> Trajectory | None:
        return next((t for t in self.trajectories if t.who == who), None)


def lean_series(checkpoints: Iterable[Checkpoint]) -> LeanSeries:
    cps = [c for c in _in_order(checkpoints) if c.scores is not None or c.respondent]
    labels = [c.quarter for c in cps]
    practice = [c.scores for c in cps]
    trajectories = [
        Trajectory(
            who="practice",
            label=role_label("practice"),
            structure=[s.structure if s else None for s in practice],
            people=[s.people if s else None for s in practice],
            lean=[s.lean if s else None for s in practice],
            quadrant=[s.quadrant if s else None for s in practice],
        )
    ]
    for role in _roles(cps):
        scores = [
            next((r.scores for r in c.respondent if r.role == role and r.scores), None) for c in cps
        ]
        trajectories.append(
            Trajectory(
                who=role,
                label=role_label(role),
                structure=[s.structure if s else None for s in scores],
                people=[s.people if s else None for s in scores],
                lean=[s.lean if s else None for s in scores],
                quadrant=[s.quadrant if s else None for s in scores],
            )
        )
    points = sum(1 for i in range(len(labels)) if any(t.lean[i] is not None for t in trajectories))
    return LeanSeries(
        title="Lean by quarter",
        labels=labels,
        trajectories=trajectories,
        empty_reason=_trend_reason(points, len(labels)),
    )


# --- quadrant path ----------------------------------------------------------------------


class QuadrantPoint(BaseModel):
    model_config = ConfigDict(frozen=True)

    quarter: str
    structure: float
    people: float
    quadrant: str | None = None


class QuadrantPath(BaseModel):
    """Where one person (or the practice) stood each quarter, oldest first."""

    model_config = ConfigDict(frozen=True)

    who: str
    label: str
    points: list[QuadrantPoint]


class QuadrantSeries(Series):
    """Structure (across) and people (up) per quarter: the path each one took."""

    kind: Literal["quadrant"] = "quadrant"
    unit: str = "points 0–100: structure across, people up"
    #: A score at or above this is high; the lines at it split the four quadrants.
    high: float
    #: The doctor, the manager, then the practice average.
    paths: list[QuadrantPath]


def quadrant_series(checkpoints: Iterable[Checkpoint]) -> QuadrantSeries:
    from balancecoach.core.scoring import HIGH

    lean = lean_series(checkpoints)
    order = [t for t in lean.trajectories if t.who != "practice"] + lean.trajectories[:1]
    paths = []
    for t in order:
        points = [
            QuadrantPoint(quarter=q, structure=s, people=p, quadrant=quad)
            for q, s, p, quad in zip(lean.labels, t.structure, t.people, t.quadrant, strict=True)
            if s is not None and p is not None
        ]
        if points:
            paths.append(QuadrantPath(who=t.who, label=t.label, points=points))
    quarters = sorted({p.quarter for path in paths for p in path.points}, key=quarter_index)
    empty = NO_CHECKPOINTS.replace("the trend", "the positions") if not quarters else None
    note = None
    if len(quarters) == 1:
        note = "Only one checkpoint so far: the path appears after the next one."
    title = "Where you stand"
    if quarters:
        title += f", {quarters[0]}" + (f" → {quarters[-1]}" if len(quarters) > 1 else "")
    return QuadrantSeries(
        title=title, labels=quarters, paths=paths, high=HIGH, empty_reason=empty, note=note
    )


# --- metric trends ----------------------------------------------------------------------


class MetricTrend(Series):
    """One scoreboard metric per quarter, against its target and with its status."""

    kind: Literal["metric"] = "metric"
    metric_id: str
    name: str
    #: The catalog's unit (percent, currency_per_hour, score, …); `unit` is its short word.
    value_unit: str
    side: str | None = None
    owner: str | None = None
    better: Literal["higher", "lower", "within"] | None = None
    values: list[float | None]
    #: The target in effect at each quarter: a floor, a ceiling or both (a range).
    target_low: list[float | None]
    target_high: list[float | None]
    status: list[Literal["green", "amber", "red"] | None]
    #: The current target in words ("≥ 65%"), or None without a target.
    target_text: str | None = None


def _target_bounds(target: MetricTarget | None) -> tuple[float | None, float | None]:
    if target is None:
        return None, None
    if target.kind == "range":
        return target.low, target.high
    if target.kind == "at_least":
        return target.value, None
    return None, target.value


def _value(actual: Any, definition: MetricDefinition | None) -> float | None:
    if actual.value is not None:
        return actual.value
    if definition is None:
        return None
    from balancecoach.core.metrics import compute

    try:
        return compute(definition, actual.inputs, actual.id).value
    except (DataError, DataErrors):
        return None


def metric_ids(practice: Practice, checkpoints: Iterable[Checkpoint]) -> list[str]:
    """The practice's scoreboard, then any other metric its checkpoints hold actuals for."""
    ids = [m.id for m in practice.metric]
    for cp in checkpoints:
        ids += [a.id for a in cp.metric if a.id not in ids]
    return ids


def metric_trend(
    content: Content, practice: Practice, checkpoints: Iterable[Checkpoint], metric_id: str
) -> MetricTrend:

    cps = _in_order(checkpoints)
    definition = content.metrics.by_id.get(metric_id)
    choice = next((m for m in practice.metric if m.id == metric_id), None)
    value_unit = definition.unit if definition else "count"
    name = definition.name if definition else metric_id
    labels: list[str] = []
    values: list[float | None] = []
    lows: list[float | None] = []
    highs: list[float | None] = []
    statuses: list[Any] = []
    for cp in cps:
        actual = next((a for a in cp.metric if a.id == metric_id), None)
        if actual is None:
            continue
        value = _value(actual, definition)
        target = actual.target or (choice.target if choice else None)
        status = actual.status
        if status is None and target is not None and value is not None:
            status = target.status(value)
        low, high = _target_bounds(target)
        labels.append(cp.quarter)
        values.append(value)
        lows.append(low)
        highs.append(high)
        statuses.append(status)
    known = [(q, v) for q, v in zip(labels, values, strict=True) if v is not None]
    current = choice.target if choice else None
    if current is None and labels:
        last = next((a for a in cps[-1].metric if a.id == metric_id), None)
        current = last.target if last else None
    unit = UNIT_LABELS.get(value_unit, value_unit)
    return MetricTrend(
        title=f"{name} by quarter",
        labels=labels,
        unit=unit,
        metric_id=metric_id,
        name=name,
        value_unit=value_unit,
        side=definition.side if definition else None,
        owner=choice.owner if choice else None,
        better=definition.better if definition else None,
        values=values,
        target_low=lows,
        target_high=highs,
        status=statuses,
        target_text=current.describe(value_unit) if current else None,
        empty_reason=_trend_reason(
            len(known), len(cps), f"actuals for {name}", known[0][0] if known else None
        ),
    )


def metric_series(
    content: Content,
    practice: Practice,
    checkpoints: Iterable[Checkpoint],
    metric_id: str | None = None,
) -> list[MetricTrend]:
    """A trend for each metric on the scoreboard (or just `metric_id`), in scoreboard order.
    A DataError names the metrics there are when `metric_id` is none of them."""
    cps = _in_order(checkpoints)
    ids = metric_ids(practice, cps)
    if metric_id is not None:
        wanted = _find_metric(content, ids, metric_id)
        return [metric_trend(content, practice, cps, wanted)]
    selected = [m.id for m in practice.metric] or ids
    return [metric_trend(content, practice, cps, i) for i in selected]


def _find_metric(content: Content, ids: Sequence[str], text: str) -> str:
    wanted = text.strip()
    folded = wanted.casefold().replace(" ", "_")
    for metric_id in ids:
        definition = content.metrics.by_id.get(metric_id)
        names = {metric_id.casefold()}
        if definition is not None:
            names.add(definition.name.casefold().replace(" ", "_"))
        if folded in names:
            return metric_id
    have = ", ".join(ids) if ids else "none yet"
    raise DataError(
        f"{text!r} is not on this practice's scoreboard",
        field="--metric",
        hint=f"metrics with a trend: {have}",
    )


# --- doctor vs manager per dimension ----------------------------------------------------


class DimensionBar(BaseModel):
    model_config = ConfigDict(frozen=True)

    dimension: str
    name: str
    #: A name short enough for an axis ("Next steps").
    short: str
    structure: float | None
    people: float | None


class RespondentDimensions(BaseModel):
    model_config = ConfigDict(frozen=True)

    who: str
    label: str
    dimensions: list[DimensionBar]


class DimensionSeries(Series):
    """Structure and people per dimension for each respondent, at one checkpoint. The
    labels are the dimensions' short names; `quarter` is the checkpoint's quarter."""

    kind: Literal["dimensions"] = "dimensions"
    unit: str = "points 0–100"
    quarter: str | None = None
    respondents: list[RespondentDimensions]


def short_name(dimension_id: str) -> str:
    """``next_steps`` → ``Next steps``: the dimension ids are short and readable."""
    text = dimension_id.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def dimension_series(content: Content, checkpoints: Iterable[Checkpoint]) -> DimensionSeries:
    """The latest checkpoint that has scores by dimension, doctor and manager side by side."""
    cps = _in_order(checkpoints)
    bank = content.questions
    chosen = next(
        (c for c in reversed(cps) if any(r.scores and r.scores.dimensions for r in c.respondent)),
        None,
    )
    if chosen is None:
        reason = (
            "No checkpoint yet: the comparison by dimension appears after the first one."
            if not cps
            else "No checkpoint has scores by dimension yet."
        )
        return DimensionSeries(
            title="Doctor and manager by dimension",
            labels=[short_name(d.id) for d in bank.dimension],
            respondents=[],
            empty_reason=reason,
        )
    people = sorted(
        (r for r in chosen.respondent if r.scores and r.scores.dimensions),
        key=lambda r: (_ROLE_ORDER.get(r.role, 2), r.role),
    )
    known = [d.id for d in bank.dimension]
    extra = sorted({k for r in people for k in r.scores.dimensions} - set(known))  # type: ignore[union-attr]
    order = known + extra
    respondents = []
    for r in people:
        dims = r.scores.dimensions  # type: ignore[union-attr]
        bars = []
        for dim in order:
            score = dims.get(dim)
            d = bank.dimensions.get(dim)
            bars.append(
                DimensionBar(
                    dimension=dim,
                    name=d.name if d else dim,
                    short=short_name(dim),
                    structure=score.structure if score else None,
                    people=score.people if score else None,
                )
            )
        respondents.append(
            RespondentDimensions(who=r.role, label=role_label(r.role), dimensions=bars)
        )
    shown = [
        i
        for i, _ in enumerate(order)
        if any(
            b.dimensions[i].structure is not None or b.dimensions[i].people is not None
            for b in respondents
        )
    ]
    respondents = [
        RespondentDimensions(who=r.who, label=r.label, dimensions=[r.dimensions[i] for i in shown])
        for r in respondents
    ]
    names = " and ".join(r.label.lower() if r.who != "doctor" else r.label for r in respondents)
    note = None
    if len(respondents) == 1:
        note = f"Only the {respondents[0].label.lower()} answered at {chosen.quarter}."
    return DimensionSeries(
        title=f"{names[:1].upper() + names[1:]} by dimension, {chosen.quarter}",
        labels=[short_name(order[i]) for i in shown],
        quarter=chosen.quarter,
        respondents=respondents,
        note=note,
    )


# --- production and collections against the goal ---------------------------------------


class FinancialSeries(Series):
    """Production and collections per quarter, each against a quarter of the annual goal in
    effect on the quarter's first day. Only quarters with figures entered are listed."""

    kind: Literal["financials"] = "financials"
    currency: str = "$"
    production: list[float | None]
    collections: list[float | None]
    production_goal: list[float | None]
    collection_goal: list[float | None]
    #: The date the goal used for each quarter took effect (None: no goal then).
    goal_effective: list[str | None]


def financial_series(practice: Practice, checkpoints: Iterable[Checkpoint]) -> FinancialSeries:
    labels: list[str] = []
    production: list[float | None] = []
    collections: list[float | None] = []
    production_goal: list[float | None] = []
    collection_goal: list[float | None] = []
    effective: list[str | None] = []
    cps = _in_order(checkpoints)
    for cp in cps:
        fin = cp.financials
        if fin is None or (fin.production is None and fin.collections is None):
            continue
        goal = practice.goal_on(cp.period.start)
        derived = derive_goal(goal) if goal is not None else None
        labels.append(cp.quarter)
        production.append(fin.production)
        collections.append(fin.collections)
        production_goal.append(derived.production_goal / 4 if derived else None)
        collection_goal.append(derived.collection_goal / 4 if derived else None)
        effective.append(goal.effective.isoformat() if goal else None)
    symbol = practice.practice.currency
    return FinancialSeries(
        title="Production and collections against the goal, per quarter",
        labels=labels,
        unit=f"{symbol} per quarter",
        currency=symbol,
        production=production,
        collections=collections,
        production_goal=production_goal,
        collection_goal=collection_goal,
        goal_effective=effective,
        empty_reason=_trend_reason(
            len(labels), len(cps), "production and collections", labels[0] if labels else None
        ),
    )


# --- everything at once -----------------------------------------------------------------


class Progress(BaseModel):
    """Every chart series of a practice, for a progress view or a report."""

    model_config = ConfigDict(frozen=True)

    lean: LeanSeries
    quadrant: QuadrantSeries
    metrics: list[MetricTrend]
    dimensions: DimensionSeries
    financials: FinancialSeries

    def to_json(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def progress(content: Content, practice: Practice, checkpoints: Iterable[Checkpoint]) -> Progress:
    cps = _in_order(checkpoints)
    return Progress(
        lean=lean_series(cps),
        quadrant=quadrant_series(cps),
        metrics=metric_series(content, practice, cps),
        dimensions=dimension_series(content, cps),
        financials=financial_series(practice, cps),
    )


def series_for(
    kind: str,
    content: Content,
    practice: Practice,
    checkpoints: Iterable[Checkpoint],
    metric_id: str | None = None,
) -> list[Series]:
    """The series behind one kind of chart (several for `metric`, one for the others)."""
    cps = _in_order(checkpoints)
    if kind == "lean":
        return [lean_series(cps)]
    if kind == "quadrant":
        return [quadrant_series(cps)]
    if kind == "metric":
        return list(metric_series(content, practice, cps, metric_id))
    if kind == "dimensions":
        return [dimension_series(content, cps)]
    if kind == "financials":
        return [financial_series(practice, cps)]
    raise DataError(
        f"there is no {kind!r} chart", field="KIND", hint=f"choose one of {', '.join(KINDS)}"
    )

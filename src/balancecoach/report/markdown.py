"""The quarterly one-page summary: what goes in it (`gather`, shared with report/html.py)
and its Markdown rendering.

Scores are shown as they were saved with the checkpoint ("as computed then"). The
doctor–manager comparison is worked out again from the saved answers with the question
bank, since the checkpoint keeps the answers rather than the comparison.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from balancecoach.core.content import RATING_WORDS
from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.format import format_value, money, percent, signed

if TYPE_CHECKING:
    from balancecoach.core.content import Content
    from balancecoach.core.records import Checkpoint, Practice

#: How many conversation prompts the one-page summary shows.
TOP_PROMPTS = 3
#: How many quarters the trend line and the trend charts show.
TREND_QUARTERS = 8
#: The trend charts' size in the reports: a terminal's width, which a printed page holds.
CHART_WIDTH = 80
CHART_HEIGHT = 22
METRIC_CHART_HEIGHT = 14

FOOTER = "Made with balancecoach from practice totals only; nothing about any single patient."
DEMO_NOTE = "Demo practice: made-up figures that show what balancecoach keeps each quarter."


@dataclass
class Position:
    label: str
    structure: float | None
    people: float | None
    lean: float | None
    quadrant: str | None


@dataclass
class DimensionGap:
    name: str
    a: tuple[float | None, float | None]  # structure, people of respondent a
    b: tuple[float | None, float | None]
    lean_gap: float | None  # lean a − lean b


@dataclass
class Prompt:
    rank: int
    dimension: str
    text: str
    rating_a: int
    rating_b: int
    question: str


@dataclass
class MetricRow:
    name: str
    side: str
    owner: str
    value: str
    target: str
    status: str
    people_view: str
    at_target: str = ""


@dataclass
class PlanRow:
    name: str
    owner: str
    cadence: str
    kept: str
    note: str


@dataclass
class CommitmentRow:
    text: str
    owner: str
    due: str
    status: str
    note: str


@dataclass
class TrendChart:
    """A trend chart of the report: its series (core/series.py) and the height to draw it."""

    series: Any
    height: int = CHART_HEIGHT


@dataclass
class QuarterReport:
    name: str
    slug: str
    demo: bool
    quarter: str
    date: str
    item_set: str
    asked: int
    positions: list[Position]
    split: str = ""
    role_a: str = ""
    role_b: str = ""
    agreement: float | None = None
    previous_agreement: float | None = None
    shared: int = 0
    gaps: list[DimensionGap] = field(default_factory=list)
    prompts: list[Prompt] = field(default_factory=list)
    culture: list[tuple[str, str]] = field(default_factory=list)
    goal_effective: str = ""
    goal_figures: list[tuple[str, str]] = field(default_factory=list)
    goal_explanation: str = ""
    metrics: list[MetricRow] = field(default_factory=list)
    adherence: list[PlanRow] = field(default_factory=list)
    adherence_summary: str = ""
    reflections: list[tuple[str, str, str]] = field(default_factory=list)
    review: list[CommitmentRow] = field(default_factory=list)
    commitments: list[CommitmentRow] = field(default_factory=list)
    next_quarter: str = ""
    trend: list[tuple[str, str]] = field(default_factory=list)
    charts: list[TrendChart] = field(default_factory=list)
    coach_notes: str = ""
    problems: list[str] = field(default_factory=list)


def _n(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _lean(value: float | None) -> str:
    return "–" if value is None else signed(value)


def _who(role: str) -> str:
    return role[:1].upper() + role[1:]


def pick_checkpoint(checkpoints: Sequence[Checkpoint], quarter: str | None) -> Checkpoint:
    """The checkpoint for `quarter` (default: the latest); a DataError naming the ones there
    are when it is missing."""
    from balancecoach.core.records import Quarter

    if not checkpoints:
        raise DataError(
            "this practice has no checkpoints yet",
            hint="save a first checkpoint, then run the report again",
        )
    if quarter is None:
        return checkpoints[-1]
    try:
        wanted = str(Quarter.parse(quarter.strip().upper()))
    except ValueError as exc:
        raise DataError(str(exc), field="--quarter") from None
    for cp in checkpoints:
        if cp.quarter == wanted:
            return cp
    have = ", ".join(c.quarter for c in checkpoints)
    raise DataError(f"there is no checkpoint for {wanted}", field="--quarter", hint=f"have: {have}")


def _order(checkpoint: Checkpoint) -> list:
    rank = {"doctor": 0, "manager": 1}
    return sorted(checkpoint.respondent, key=lambda r: rank.get(r.role, 2))


def _comparison(content: Content, checkpoint: Checkpoint, report: QuarterReport) -> None:
    from balancecoach.core.assessment import statements_for
    from balancecoach.core.scoring import compare, score_respondent

    bank = content.questions
    people = _order(checkpoint)
    asked = statements_for(content, checkpoint.item_set)
    scored = []
    for r in people:
        known = {sid: v for sid, v in r.answers.items() if sid in bank.by_id}
        if len(known) < len(r.answers):
            report.problems.append(
                f"{len(r.answers) - len(known)} of the {r.role}'s answers name statements "
                "no longer in the question bank and were left out of the comparison"
            )
        score = score_respondent(bank, content.recommendations, r.role, known, asked=asked)
        scored.append((score, known))
        if score.culture:
            report.culture.append((r.role, score.culture.text))
    if len(scored) != 2:
        return
    (a, answers_a), (b, answers_b) = scored
    cmp_ = compare(bank, a, answers_a, b, answers_b, top=TOP_PROMPTS)
    report.role_a, report.role_b = cmp_.role_a, cmp_.role_b
    report.shared = cmp_.shared
    if report.agreement is None:
        report.agreement = cmp_.agreement
    for d in cmp_.dimensions:
        pa, pb = a.dimensions[d.dimension], b.dimensions[d.dimension]
        report.gaps.append(
            DimensionGap(
                name=bank.dimensions[d.dimension].name,
                a=(pa.structure, pa.people),
                b=(pb.structure, pb.people),
                lean_gap=d.lean,
            )
        )
    report.prompts = [
        Prompt(
            rank=p.rank,
            dimension=bank.dimensions[p.dimension].name,
            text=p.text,
            rating_a=p.rating_a,
            rating_b=p.rating_b,
            question=p.question,
        )
        for p in cmp_.prompts
    ]


def _goal(practice: Practice, checkpoint: Checkpoint, report: QuarterReport) -> None:
    from balancecoach.core.goals import derive_goal

    goal = None
    if checkpoint.goal_effective is not None:
        goal = next((g for g in practice.goal if g.effective == checkpoint.goal_effective), None)
    if goal is None:
        goal = practice.goal_on(checkpoint.period.end)
    if goal is None:
        return
    symbol = practice.practice.currency
    d = derive_goal(goal)
    report.goal_effective = goal.effective.isoformat()
    figures = [
        ("Annual collection goal", money(d.collection_goal, symbol=symbol)),
        ("Annual production goal", money(d.production_goal, symbol=symbol)),
        ("Quarterly production goal (÷ 4)", money(d.production_goal / 4, symbol=symbol)),
    ]
    if d.daily_production is not None:
        figures.append(("Daily production goal", money(d.daily_production, symbol=symbol)))
    if d.per_hour_production is not None:
        figures.append(
            (
                "Production per clinical hour",
                money(d.per_hour_production, cents=True, symbol=symbol) + "/h",
            )
        )
    fin = checkpoint.financials
    if fin and fin.production is not None:
        share = fin.production / (d.production_goal / 4) * 100
        figures.append(
            (
                "This quarter's production",
                f"{money(fin.production, symbol=symbol)} ({percent(share)} of the quarterly goal)",
            )
        )
    if fin and fin.collections is not None:
        share = fin.collections / (d.collection_goal / 4) * 100
        figures.append(
            (
                "This quarter's collections",
                f"{money(fin.collections, symbol=symbol)} ({percent(share)} of the quarterly goal)",
            )
        )
    report.goal_figures = figures
    report.goal_explanation = d.explanation()


def _metrics(content: Content, practice: Practice, checkpoint: Checkpoint) -> list[MetricRow]:
    from balancecoach.core.metrics import compute, people_view, people_view_for_target
    from balancecoach.report.export import target_words

    owners = {m.id: m.owner for m in practice.metric}
    rows = []
    for actual in checkpoint.metric:
        definition = content.metrics.by_id.get(actual.id)
        unit = definition.unit if definition else "count"
        computed = None
        if definition is not None:
            try:
                computed = compute(definition, actual.inputs, actual.id)
            except (DataError, DataErrors):
                computed = None
        value = actual.value if actual.value is not None else (computed and computed.value)
        status = actual.status
        if status is None and actual.target is not None and value is not None:
            status = actual.target.status(value)
        at_target = ""
        if definition and computed and actual.target and status != "green":
            aim = actual.target.value if actual.target.kind != "range" else actual.target.low
            if aim is not None:
                at_target = people_view_for_target(definition, aim, computed.inputs) or ""
        rows.append(
            MetricRow(
                name=definition.name if definition else actual.id,
                side=definition.side if definition else "",
                owner=owners.get(actual.id, ""),
                value="–" if value is None else format_value(unit, value),
                target=target_words(actual.target, unit) if actual.target else "–",
                status=status or "–",
                people_view=people_view(definition, computed) if definition and computed else "",
                at_target=at_target,
            )
        )
    return rows


def _adherence(content: Content, practice: Practice, checkpoint: Checkpoint) -> list[PlanRow]:
    plan = {p.practice: p for p in practice.plan}
    rows = []
    for a in checkpoint.adherence:
        item = plan.get(a.practice)
        known = content.practices.by_id.get(a.practice)
        rows.append(
            PlanRow(
                name=known.name if known else a.practice,
                owner=item.owner if item else "",
                cadence=(item.cadence if item else known.cadence if known else "").replace(
                    "_", " "
                ),
                kept=a.kept,
                note=a.note,
            )
        )
    return rows


def _commitments(items: Sequence) -> list[CommitmentRow]:
    return [
        CommitmentRow(
            text=c.text,
            owner=c.owner,
            due=c.due.isoformat() if c.due else "",
            status=c.status,
            note=c.note,
        )
        for c in items
    ]


def gather(
    content: Content,
    slug: str,
    practice: Practice,
    checkpoints: Sequence[Checkpoint],
    quarter: str | None = None,
) -> QuarterReport:
    """Everything the one-page summary of a quarter shows."""
    from balancecoach.core.assessment import statements_for

    cp = pick_checkpoint(checkpoints, quarter)
    index = next(i for i, c in enumerate(checkpoints) if c is cp)
    previous = checkpoints[index - 1] if index else None
    positions = [
        Position(
            _who(r.role),
            r.scores.structure if r.scores else None,
            r.scores.people if r.scores else None,
            r.scores.lean if r.scores else None,
            r.scores.quadrant if r.scores else None,
        )
        for r in _order(cp)
    ]
    if cp.scores is not None:
        s = cp.scores
        positions.append(Position("Practice", s.structure, s.people, s.lean, s.quadrant))
    report = QuarterReport(
        name=practice.practice.name,
        slug=slug,
        demo=practice.practice.demo,
        quarter=cp.quarter,
        date=cp.date.isoformat(),
        item_set=cp.item_set,
        asked=len(statements_for(content, cp.item_set)),
        positions=positions,
        agreement=cp.scores.agreement if cp.scores else None,
        previous_agreement=previous.scores.agreement if previous and previous.scores else None,
        coach_notes=cp.coach_notes,
    )
    quadrants = {p.quadrant for p in positions[:-1] if p.quadrant}
    if len(quadrants) > 1 and cp.scores is not None:
        report.split = (
            "The practice average hides a difference: "
            + ", ".join(f"the {r.role} is {r.scores.quadrant}" for r in _order(cp) if r.scores)
            + "."
        )
    _comparison(content, cp, report)
    _goal(practice, cp, report)
    report.metrics = _metrics(content, practice, cp)
    report.adherence = _adherence(content, practice, cp)
    if report.adherence:
        total = len(report.adherence)
        kept, partly = (sum(1 for a in report.adherence if a.kept == k) for k in ("kept", "partly"))
        parts = [f"{kept} of {total} practices kept this quarter"]
        if partly:
            parts.append(f"{partly} partly")
        if total - kept - partly:
            parts.append(f"{total - kept - partly} not")
        report.adherence_summary = ", ".join(parts) + "."
    report.reflections = [
        (_who(r.role), r.working, r.improve) for r in _order(cp) if r.working or r.improve
    ]
    report.review = _commitments(cp.review)
    report.commitments = _commitments(cp.commitment)
    report.next_quarter = str(cp.period.next())
    window = checkpoints[max(0, index + 1 - TREND_QUARTERS) : index + 1]
    report.trend = [(c.quarter, _lean(c.scores.lean) if c.scores else "–") for c in window]
    report.charts = _trend_charts(content, practice, window)
    return report


def _trend_charts(
    content: Content, practice: Practice, window: Sequence[Checkpoint]
) -> list[TrendChart]:
    from balancecoach.core.series import financial_series, lean_series, metric_series

    return [
        TrendChart(lean_series(window)),
        TrendChart(financial_series(practice, window)),
        *(
            TrendChart(m, METRIC_CHART_HEIGHT)
            for m in metric_series(content, practice, window)
            if m.labels  # a metric never entered has no trend to show
        ),
    ]


def drawn_charts(report: QuarterReport) -> list[tuple[str, str | None]]:
    """Each trend chart as (title, plain text), or (title, None) when it cannot be drawn
    yet; the reason is then the series' `empty_reason`. Empty when no chart can be drawn."""
    drawable = [c for c in report.charts if not c.series.empty]
    if not drawable:
        return []
    from balancecoach.charts import chart

    return [
        (c.series.title, None if c.series.empty else chart(c.series, CHART_WIDTH, c.height))
        for c in report.charts
    ]


def no_trend_words(report: QuarterReport) -> str:
    """What the trends section says when no chart can be drawn yet."""
    first = next((c.series.empty_reason for c in report.charts if c.series.empty_reason), None)
    return first or "No trend to show yet."


# --- Markdown -------------------------------------------------------------------------

_MD_SPECIAL = str.maketrans({c: "\\" + c for c in "\\`*_[]<>|#"})


def md(text: str) -> str:
    """Text safe to place in Markdown: special characters escaped, one line."""
    return " ".join(str(text).split()).translate(_MD_SPECIAL)


def _row(cells: Sequence[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> list[str]:
    marks = [("---:" if (align[i : i + 1] == "r") else "---") for i in range(len(header))]
    return [_row([md(h) for h in header]), _row(marks), *(_row(r) for r in rows)]


def render(report: QuarterReport) -> str:
    r = report
    out = [f"# {md(r.name)} — {r.quarter}", ""]
    if r.demo:
        out += [f"*{md(DEMO_NOTE)}*", ""]
    set_words = "full assessment" if r.item_set == "full" else "quarterly pulse"
    meta = f"Checkpoint of {r.date} · {set_words} ({r.asked} statements)"
    if r.goal_effective:
        meta += f" · goal in effect from {r.goal_effective}"
    out += [meta, ""]

    out += ["## Where the practice stands", ""]
    out += _table(
        ("", "Structure", "People", "Lean", "Quadrant"),
        [
            (
                f"**{md(p.label)}**" if p.label == "Practice" else md(p.label),
                _n(p.structure),
                _n(p.people),
                _lean(p.lean),
                md(p.quadrant or "–"),
            )
            for p in r.positions
        ],
        align="lrrrl",
    )
    out.append("")
    out.append(
        "Structure: clarity, numbers, goals, systems. People: empathy, service, connection. "
        "Lean = structure − people (+ production-leaning, − patient-leaning)."
    )
    if r.split:
        out += ["", md(r.split)]
    if r.agreement is not None:
        line = f"Agreement between {md(r.role_a or 'the two')} and {md(r.role_b or 'partners')}: "
        line += f"**{percent(r.agreement)}**"
        if r.shared:
            line += f" over {r.shared} shared answers"
        if r.previous_agreement is not None:
            line += f" (last quarter {percent(r.previous_agreement)})"
        out += ["", line + "."]
    for role, text in r.culture:
        out += ["", f"Culture reading ({md(role)}): {md(text)}"]
    if r.trend:
        out += ["", "Practice lean by quarter: " + ", ".join(f"{q} {v}" for q, v in r.trend)]
    out.append("")

    if r.gaps:
        a, b = _who(r.role_a), _who(r.role_b)
        out += [f"## Where the {md(r.role_a)} and {md(r.role_b)} differ", ""]
        out += _table(
            ("Dimension", f"{a}: structure / people", f"{b}: structure / people", "Lean gap"),
            [
                (
                    md(g.name),
                    f"{_n(g.a[0])} / {_n(g.a[1])}",
                    f"{_n(g.b[0])} / {_n(g.b[1])}",
                    _lean(g.lean_gap),
                )
                for g in r.gaps
            ],
            align="lrrr",
        )
        out += ["", f"Lean gap = {md(r.role_a)}'s lean − {md(r.role_b)}'s lean, per dimension.", ""]
        if r.prompts:
            out += ["### Start the conversation here", ""]
            for p in r.prompts:
                out.append(
                    f"{p.rank}. “{md(p.text)}” ({md(p.dimension)}): {md(r.role_a)} "
                    f"{p.rating_a} ({RATING_WORDS[p.rating_a]}), {md(r.role_b)} "
                    f"{p.rating_b} ({RATING_WORDS[p.rating_b]}).  "
                )
                out.append(f"   Ask: {md(p.question)}")
            out.append("")
        else:
            out += ["No statement is two or more rating steps apart this quarter.", ""]

    out += ["## The goal in effect", ""]
    if r.goal_figures:
        out += [f"- {md(label)}: {md(value)}" for label, value in r.goal_figures]
        out += ["", "```", r.goal_explanation.replace("```", "'''"), "```", ""]
    else:
        out += ["No goal was in effect for this quarter.", ""]

    out += ["## Scoreboard", ""]
    if r.metrics:
        out += _table(
            ("Metric", "Owner", "This quarter", "Target", "Status", "In people"),
            [
                (
                    md(m.name),
                    md(m.owner or "–"),
                    md(m.value),
                    md(m.target),
                    f"**{md(m.status)}**" if m.status == "red" else md(m.status),
                    md(m.people_view) + (f" (at target: {md(m.at_target)})" if m.at_target else ""),
                )
                for m in r.metrics
            ],
            align="llrlll",
        )
        out.append("")
    else:
        out += ["No metric actuals were entered for this quarter.", ""]

    out += ["## Trends", ""]
    drawn = drawn_charts(r)
    if not drawn:
        out += [md(no_trend_words(r)), ""]
    for (title, text), chart_data in zip(drawn, r.charts, strict=False):
        if text is None:
            out += [f"*{md(title)}*: {md(chart_data.series.empty_reason or '')}", ""]
        else:
            out += ["```text", text, "```", ""]

    out += ["## Communication plan", ""]
    if r.adherence:
        out += [md(r.adherence_summary), ""]
        out += _table(
            ("Practice", "Owner", "Cadence", "Kept", "Note"),
            [(md(a.name), md(a.owner), md(a.cadence), md(a.kept), md(a.note)) for a in r.adherence],
        )
        out.append("")
    else:
        out += ["No plan adherence was recorded for this quarter.", ""]

    if r.reflections:
        out += ["## What is working, what to improve", ""]
        for who, working, improve in r.reflections:
            out.append(f"- **{md(who)}**")
            out.append(f"  - What is working: {md(working or '–')}")
            out.append(f"  - What to improve: {md(improve or '–')}")
        out.append("")

    out += ["## Last quarter's commitments", ""]
    if r.review:
        out += _table(
            ("Commitment", "Owner", "Due", "Status", "Note"),
            [(md(c.text), md(c.owner), c.due, md(c.status), md(c.note)) for c in r.review],
        )
        out.append("")
    else:
        out += ["None to review: this is the first checkpoint.", ""]

    out += [f"## Commitments for {r.next_quarter}", ""]
    if r.commitments:
        out += _table(
            ("Commitment", "Owner", "Due"),
            [(md(c.text), md(c.owner), c.due or "–") for c in r.commitments],
        )
        out.append("")
    else:
        out += ["No commitments were set for the coming quarter.", ""]

    if r.coach_notes.strip():
        out += ["## Coach's notes", "", md(r.coach_notes), ""]
    for problem in r.problems:
        out += [f"Note: {md(problem)}", ""]
    out += ["---", "", f"*{md(FOOTER)}*", ""]
    return "\n".join(out)

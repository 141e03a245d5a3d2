"""Scoring an assessment: pole scores, lean, quadrant, culture reading, recommendations,
and the comparison of two respondents.

By hand: each answer 1–5 becomes 0, 25, 50, 75 or 100 (a reverse-keyed statement is
flipped first, so 5 becomes 0). A pole score is the average of those numbers over the
answered statements keyed to that pole. Lean = structure − people.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum
from statistics import fmean

from pydantic import BaseModel, ConfigDict, Field, computed_field

from balancecoach.core.content import Pole, QuestionBank, RecommendationBook, Statement
from balancecoach.core.errors import DataError

#: A pole score at or above this is "high" for the quadrant and culture reading.
HIGH = 60.0
#: A dimension whose lean is at least this far from zero gets a recommendation.
LEAN_GAP = 20.0
#: Answers this far apart (in rating steps) become conversation prompts.
PROMPT_MIN_STEPS = 2


class Quadrant(StrEnum):
    INTEGRATED = "integrated"
    PRODUCTION = "production-leaning"
    PATIENT = "patient-leaning"
    DRIFTING = "drifting"


class Culture(StrEnum):
    ALIGNMENT = "alignment"
    FEAR = "fear"
    UNCERTAINTY = "uncertainty"


CULTURE_TEXT = {
    Culture.ALIGNMENT: "Connects numbers to patient outcomes, which creates alignment.",
    Culture.FEAR: "Leans on numbers without the people behind them, which risks fear.",
    Culture.UNCERTAINTY: "Keeps away from the numbers, which creates uncertainty.",
}


class Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


def item_score(statement: Statement, rating: int) -> float:
    """0–100 toward the statement's pole: (rating − 1) × 25, flipped when reverse-keyed."""
    steps = (5 - rating) if statement.reverse else (rating - 1)
    return steps * 25.0


def check_answers(
    bank: QuestionBank, answers: Mapping[str, object], source: str = "answers"
) -> dict[str, int]:
    """Validate a mapping of statement id → rating; raise DataError naming the bad entry."""
    clean: dict[str, int] = {}
    for sid, rating in answers.items():
        if sid not in bank.by_id:
            raise DataError(
                f"unknown statement id {sid!r}",
                source=source,
                field=sid,
                hint="use an id from `balancecoach catalog questions`",
            )
        if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
            raise DataError(
                f"rating must be a whole number from 1 to 5, got {rating!r}",
                source=source,
                field=sid,
                hint="1 = strongly disagree … 5 = strongly agree; leave a statement out to skip it",
            )
        clean[sid] = rating
    return clean


class PoleScores(Frozen):
    structure: float | None
    people: float | None
    answered: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def lean(self) -> float | None:
        if self.structure is None or self.people is None:
            return None
        return self.structure - self.people

    @computed_field  # type: ignore[prop-decorator]
    @property
    def quadrant(self) -> Quadrant | None:
        if self.structure is None or self.people is None:
            return None
        return quadrant(self.structure, self.people)


def quadrant(structure: float, people: float) -> Quadrant:
    s_high, p_high = structure >= HIGH, people >= HIGH
    if s_high and p_high:
        return Quadrant.INTEGRATED
    if s_high:
        return Quadrant.PRODUCTION
    if p_high:
        return Quadrant.PATIENT
    return Quadrant.DRIFTING


def pole_scores(scored: Iterable[tuple[Statement, float]]) -> PoleScores:
    by_pole: dict[Pole, list[float]] = {Pole.STRUCTURE: [], Pole.PEOPLE: []}
    for statement, value in scored:
        by_pole[statement.pole].append(value)
    return PoleScores(
        structure=fmean(by_pole[Pole.STRUCTURE]) if by_pole[Pole.STRUCTURE] else None,
        people=fmean(by_pole[Pole.PEOPLE]) if by_pole[Pole.PEOPLE] else None,
        answered=len(by_pole[Pole.STRUCTURE]) + len(by_pole[Pole.PEOPLE]),
    )


class Trigger(Frozen):
    """An answer that caused a recommendation."""

    statement_id: str
    text: str
    rating: int
    score: float


class RecommendationResult(Frozen):
    dimension: str
    strengthen: Pole
    title: str
    action: str
    reason: str
    triggers: list[Trigger]


class CultureReading(Frozen):
    kind: Culture
    text: str
    evidence: str


class RespondentScore(Frozen):
    role: str
    overall: PoleScores
    dimensions: dict[str, PoleScores]
    answered: int
    asked: int
    culture: CultureReading | None
    recommendations: list[RecommendationResult]

    @computed_field  # type: ignore[prop-decorator]
    @property
    def coverage(self) -> float:
        """Share of the asked statements that were answered (0–1)."""
        return self.answered / self.asked if self.asked else 0.0


def culture_reading(overall: PoleScores, metrics_dim: PoleScores | None) -> CultureReading | None:
    """The first seed's reading, taken from the 'metrics with meaning' answers when present."""
    basis, label = overall, "all answers"
    if metrics_dim is not None and metrics_dim.lean is not None:
        basis, label = metrics_dim, "the metrics-with-meaning answers"
    if basis.structure is None or basis.people is None:
        return None
    if basis.structure >= HIGH and basis.people >= HIGH:
        kind = Culture.ALIGNMENT
    elif basis.structure >= HIGH:
        kind = Culture.FEAR
    else:
        kind = Culture.UNCERTAINTY
    evidence = (
        f"structure {basis.structure:.0f}, people {basis.people:.0f} on {label} "
        f"(high is {HIGH:.0f} or more)"
    )
    return CultureReading(kind=kind, text=CULTURE_TEXT[kind], evidence=evidence)


def _recommend(
    bank: QuestionBank,
    book: RecommendationBook,
    dims: Mapping[str, PoleScores],
    scored: Mapping[str, tuple[Statement, int, float]],
    overall_lean: float | None,
) -> list[RecommendationResult]:
    results: list[tuple[tuple[int, float, str], RecommendationResult]] = []
    for dim_id, ps in dims.items():
        if ps.structure is None or ps.people is None:
            continue
        lean = ps.structure - ps.people
        if lean >= LEAN_GAP:
            target = Pole.PEOPLE
            reason = f"structure {ps.structure:.0f} is {lean:.0f} points above people"
        elif lean <= -LEAN_GAP:
            target = Pole.STRUCTURE
            reason = f"people {ps.people:.0f} is {-lean:.0f} points above structure"
        elif ps.structure < HIGH and ps.people < HIGH:
            target = Pole.STRUCTURE if ps.structure <= ps.people else Pole.PEOPLE
            reason = f"both poles are low (structure {ps.structure:.0f}, people {ps.people:.0f})"
        else:
            continue
        rec = book.find(dim_id, target)
        if rec is None:
            continue
        triggers = [
            Trigger(statement_id=s.id, text=s.text, rating=r, score=v)
            for s, r, v in scored.values()
            if s.dimension == dim_id
            and ((s.pole == target and v <= 50) or (s.pole != target and v >= 75))
        ]
        triggers.sort(key=lambda t: (bank.by_id[t.statement_id].pole != target, t.statement_id))
        name = bank.dimensions[dim_id].name
        result = RecommendationResult(
            dimension=dim_id,
            strengthen=target,
            title=rec.title,
            action=rec.action,
            reason=f"{name}: {reason}",
            triggers=triggers,
        )
        # Those that follow the practice's overall lean come first, then the widest gaps.
        follows = overall_lean is not None and (
            (overall_lean > 0 and target is Pole.PEOPLE)
            or (overall_lean < 0 and target is Pole.STRUCTURE)
        )
        results.append(((0 if follows else 1, -abs(lean), dim_id), result))
    results.sort(key=lambda pair: pair[0])
    return [r for _, r in results]


def score_respondent(
    bank: QuestionBank,
    book: RecommendationBook,
    role: str,
    answers: Mapping[str, int],
    asked: Sequence[Statement] | None = None,
) -> RespondentScore:
    """Score one respondent on the statements asked (all of the bank unless given)."""
    answers = check_answers(bank, answers)
    asked = list(bank.statement if asked is None else asked)
    scored = {
        s.id: (s, answers[s.id], item_score(s, answers[s.id])) for s in asked if s.id in answers
    }
    pairs = [(s, v) for s, _, v in scored.values()]
    dims = {
        d.id: pole_scores((s, v) for s, v in pairs if s.dimension == d.id)
        for d in bank.dimension
        if any(s.dimension == d.id for s in asked)
    }
    overall = pole_scores(pairs)
    return RespondentScore(
        role=role,
        overall=overall,
        dimensions=dims,
        answered=len(scored),
        asked=len(asked),
        culture=culture_reading(overall, dims.get("metrics")),
        recommendations=_recommend(bank, book, dims, scored, overall.lean),
    )


class ItemDivergence(Frozen):
    statement_id: str
    dimension: str
    rating_a: int
    rating_b: int
    #: Difference of the pole-aligned item scores, a − b, in points (−100…100).
    difference: float


class DimensionDivergence(Frozen):
    dimension: str
    structure: float | None
    people: float | None
    lean: float | None


class ConversationPrompt(Frozen):
    rank: int
    statement_id: str
    dimension: str
    text: str
    rating_a: int
    rating_b: int
    question: str


class Comparison(Frozen):
    """How respondent a's answers differ from respondent b's (signs are a − b)."""

    role_a: str
    role_b: str
    items: list[ItemDivergence]
    dimensions: list[DimensionDivergence]
    #: 100 when every shared answer matches, 0 when every one is four steps apart.
    agreement: float | None
    shared: int
    prompts: list[ConversationPrompt] = Field(default_factory=list)


def _sub(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def compare(
    bank: QuestionBank,
    a: RespondentScore,
    answers_a: Mapping[str, int],
    b: RespondentScore,
    answers_b: Mapping[str, int],
    top: int = 5,
) -> Comparison:
    """Per-item and per-dimension divergence, agreement, and ranked conversation prompts."""
    items = [
        ItemDivergence(
            statement_id=s.id,
            dimension=s.dimension,
            rating_a=answers_a[s.id],
            rating_b=answers_b[s.id],
            difference=item_score(s, answers_a[s.id]) - item_score(s, answers_b[s.id]),
        )
        for s in bank.statement
        if s.id in answers_a and s.id in answers_b
    ]
    dims = [
        DimensionDivergence(
            dimension=d,
            structure=_sub(a.dimensions[d].structure, b.dimensions[d].structure),
            people=_sub(a.dimensions[d].people, b.dimensions[d].people),
            lean=_sub(a.dimensions[d].lean, b.dimensions[d].lean),
        )
        for d in a.dimensions
        if d in b.dimensions
    ]
    agreement = 100.0 - fmean(abs(i.rating_a - i.rating_b) for i in items) * 25.0 if items else None
    dim_gap = {d.dimension: abs(d.lean or 0.0) for d in dims}
    order = {s.id: n for n, s in enumerate(bank.statement)}
    wide = [i for i in items if abs(i.rating_a - i.rating_b) >= PROMPT_MIN_STEPS]
    wide.sort(
        key=lambda i: (-abs(i.difference), -dim_gap.get(i.dimension, 0.0), order[i.statement_id])
    )
    prompts = [
        ConversationPrompt(
            rank=n,
            statement_id=i.statement_id,
            dimension=i.dimension,
            text=bank.by_id[i.statement_id].text,
            rating_a=i.rating_a,
            rating_b=i.rating_b,
            question=bank.by_id[i.statement_id].prompt,
        )
        for n, i in enumerate(wide[:top], start=1)
    ]
    return Comparison(
        role_a=a.role,
        role_b=b.role,
        items=items,
        dimensions=dims,
        agreement=agreement,
        shared=len(items),
        prompts=prompts,
    )


def team_scores(scores: Sequence[RespondentScore]) -> PoleScores:
    """The practice's position: the average of its respondents' overall pole scores."""
    s = [x.overall.structure for x in scores if x.overall.structure is not None]
    p = [x.overall.people for x in scores if x.overall.people is not None]
    return PoleScores(
        structure=fmean(s) if s else None,
        people=fmean(p) if p else None,
        answered=sum(x.answered for x in scores),
    )

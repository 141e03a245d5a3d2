"""Turning computed results into the records a checkpoint keeps ("as computed then")."""

from __future__ import annotations

from collections.abc import Mapping

from balancecoach.core.assessment import AssessmentResult
from balancecoach.core.content import MetricDefinition
from balancecoach.core.metrics import MetricTarget, compute
from balancecoach.core.records import (
    DimensionScore,
    MetricActual,
    PracticeScores,
    Respondent,
    ScoreSnapshot,
)
from balancecoach.core.scoring import RespondentScore


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 1)


def score_snapshot(score: RespondentScore) -> ScoreSnapshot:
    o = score.overall
    return ScoreSnapshot(
        structure=_r(o.structure),
        people=_r(o.people),
        lean=_r(o.lean),
        quadrant=o.quadrant.value if o.quadrant else None,
        answered=score.answered,
        asked=score.asked,
        dimensions={
            d: DimensionScore(structure=_r(ps.structure), people=_r(ps.people))
            for d, ps in score.dimensions.items()
        },
    )


def respondents(
    result: AssessmentResult,
    answers: Mapping[str, Mapping[str, int]],
    reflections: Mapping[str, tuple[str, str]] | None = None,
) -> list[Respondent]:
    """Respondent records with their answers, scores and (working, improve) reflections."""
    reflections = reflections or {}
    return [
        Respondent(
            role=s.role,
            answers=dict(answers[s.role]),
            scores=score_snapshot(s),
            working=reflections.get(s.role, ("", ""))[0],
            improve=reflections.get(s.role, ("", ""))[1],
        )
        for s in result.respondents
    ]


def practice_scores(result: AssessmentResult) -> PracticeScores:
    team = result.team
    agreement = result.comparison.agreement if result.comparison else None
    return PracticeScores(
        structure=_r(team.structure),
        people=_r(team.people),
        lean=_r(team.lean),
        quadrant=team.quadrant.value if team.quadrant else None,
        agreement=_r(agreement),
    )


def metric_actual(
    metric: MetricDefinition,
    raw: Mapping[str, object],
    target: MetricTarget | None,
    source: str = "metric inputs",
) -> MetricActual:
    """A quarter's metric from its raw inputs, with value and status as computed now."""
    value = compute(metric, raw, source)
    return MetricActual(
        id=metric.id,
        inputs=value.inputs,
        value=round(value.value, 2),
        target=target,
        status=target.status(value.value) if target else None,
    )

"""An assessment as a whole: one or two respondents' answers, scored and compared."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from balancecoach.core.content import Content, Statement
from balancecoach.core.errors import FieldProblem
from balancecoach.core.scoring import (
    Comparison,
    PoleScores,
    RespondentScore,
    compare,
    score_respondent,
    team_scores,
)

ItemSet = Literal["full", "pulse"]
Role = Annotated[str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True)]
Rating = Annotated[int, Field(ge=1, le=5, strict=True)]


class RespondentAnswers(BaseModel):
    """One person's ratings, statement id → 1..5; statements left out were skipped."""

    model_config = ConfigDict(extra="forbid")

    role: Role
    answers: dict[str, Rating] = Field(default_factory=dict)


class AnswersFile(BaseModel):
    """The answers file read by `balancecoach score` (see examples/answers.toml)."""

    model_config = ConfigDict(extra="forbid")

    schema_version: Literal[1] = 1
    item_set: ItemSet = "full"
    respondent: list[RespondentAnswers] = Field(min_length=1, max_length=2)

    @model_validator(mode="after")
    def _distinct_roles(self) -> AnswersFile:
        if len(self.respondent) == 2 and self.respondent[0].role == self.respondent[1].role:
            raise FieldProblem("two respondents need different roles", "respondent", 1, "role")
        return self


class AssessmentResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    item_set: ItemSet
    respondents: list[RespondentScore]
    comparison: Comparison | None
    team: PoleScores


def statements_for(content: Content, item_set: ItemSet) -> list[Statement]:
    bank = content.questions
    return bank.pulse() if item_set == "pulse" else list(bank.statement)


def assess(content: Content, answers: AnswersFile) -> AssessmentResult:
    """Score every respondent and, with two, compare them."""
    asked = statements_for(content, answers.item_set)
    scores = [
        score_respondent(content.questions, content.recommendations, r.role, r.answers, asked=asked)
        for r in answers.respondent
    ]
    comparison = None
    if len(scores) == 2:
        a, b = answers.respondent
        comparison = compare(content.questions, scores[0], a.answers, scores[1], b.answers)
    return AssessmentResult(
        item_set=answers.item_set,
        respondents=scores,
        comparison=comparison,
        team=team_scores(scores),
    )

"""The first-visit journey's state, kept apart from the screens so it can be saved as a
draft after every change, resumed, and tested without a terminal."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from balancecoach.core.assessment import AssessmentResult
    from balancecoach.core.content import Content

Stage = Literal["assessment", "handover", "results", "goal", "metrics", "plan", "saved"]
ROLES: tuple[str, str] = ("doctor", "manager")
ROLE_TITLES = {"doctor": "Doctor", "manager": "Office manager"}
DRAFT_KIND = "assessment"


class TwoRespondents:
    """Answers by two people in turn (the doctor, then the office manager). Subclasses are
    dataclasses with `turn`, `answers` and `draft_kind`."""

    turn: int
    answers: dict[str, dict[str, int]]
    stage: str
    draft_kind: str
    #: The stage that follows once both have answered.
    after_both: str

    @property
    def role(self) -> str:
        return ROLES[self.turn]

    def answer(self, statement_id: str, rating: int | None) -> None:
        """Record (or with None, clear) the current respondent's rating."""
        mine = self.answers[self.role]
        if rating is None:
            mine.pop(statement_id, None)
        else:
            if not 1 <= rating <= 5:
                raise ValueError(f"a rating is 1 to 5, got {rating}")
            mine[statement_id] = rating

    def finish_turn(self) -> None:
        """The current respondent is done: hand over, or move on once both have answered."""
        if self.turn == 0:
            self.turn = 1
            self.stage = "handover"
        else:
            self.stage = self.after_both


@dataclass
class FirstVisit(TwoRespondents):
    """Where the doctor and manager are in their first visit, and what they entered."""

    slug: str
    practice_name: str
    stage: Stage = "assessment"
    #: Whose turn it is in the assessment (index into ROLES).
    turn: int = 0
    answers: dict[str, dict[str, int]] = field(default_factory=lambda: {r: {} for r in ROLES})
    #: The statement each respondent is on, by position in the question bank.
    position: dict[str, int] = field(default_factory=lambda: dict.fromkeys(ROLES, 0))
    #: Goal form fields exactly as typed (validated when derived).
    goal_fields: dict[str, str] = field(default_factory=dict)
    #: Chosen metrics: {"id", "owner", "target": {...}}.
    metrics: list[dict[str, Any]] = field(default_factory=list)
    #: Chosen practices: {"practice", "owner", "cadence"}.
    plan: list[dict[str, Any]] = field(default_factory=list)

    draft_kind = DRAFT_KIND
    after_both = "results"

    def to_draft(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "practice_name": self.practice_name,
            "stage": self.stage,
            "turn": self.turn,
            "answers": {r: dict(a) for r, a in self.answers.items()},
            "position": dict(self.position),
            "goal_fields": dict(self.goal_fields),
            "metrics": list(self.metrics),
            "plan": list(self.plan),
        }

    @classmethod
    def from_draft(cls, data: dict[str, Any]) -> FirstVisit:
        """Rebuild from a draft; anything malformed raises ValueError with the field."""
        try:
            visit = cls(slug=str(data["slug"]), practice_name=str(data["practice_name"]))
            visit.stage = data.get("stage", "assessment")
            visit.turn = int(data.get("turn", 0))
            for role in ROLES:
                visit.answers[role] = {
                    str(k): int(v) for k, v in data.get("answers", {}).get(role, {}).items()
                }
                visit.position[role] = int(data.get("position", {}).get(role, 0))
            visit.goal_fields = {str(k): str(v) for k, v in data.get("goal_fields", {}).items()}
            visit.metrics = list(data.get("metrics", []))
            visit.plan = list(data.get("plan", []))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(f"the saved draft is damaged ({exc})") from None
        if visit.stage not in (
            "assessment",
            "handover",
            "results",
            "goal",
            "metrics",
            "plan",
            "saved",
        ) or visit.turn not in (0, 1):
            raise ValueError("the saved draft is damaged (stage)")
        return visit


def score_visit(content: Content, visit: FirstVisit) -> tuple[AssessmentResult | None, int]:
    """Score both respondents' answers (a respondent with none is left out). Answers to
    statements no longer in the question bank are set aside; returns how many were."""
    from balancecoach.core.assessment import AnswersFile, RespondentAnswers, assess

    known = content.questions.by_id
    respondents = []
    dropped = 0
    for role in ROLES:
        answers = {sid: r for sid, r in visit.answers.get(role, {}).items() if sid in known}
        dropped += len(visit.answers.get(role, {})) - len(answers)
        if answers:
            respondents.append(RespondentAnswers(role=role, answers=answers))
    if not respondents:
        return None, dropped
    return assess(content, AnswersFile(item_set="full", respondent=respondents)), dropped

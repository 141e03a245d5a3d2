"""Shared set-up for the results screen's tests: a first visit where the doctor leans
toward production and the office manager toward patients, and an app that shows it."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from rich.console import Console
from textual.screen import Screen
from textual.widgets import Static

from balancecoach.core.assessment import AnswersFile, AssessmentResult, RespondentAnswers, assess
from balancecoach.core.content import Content
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.store import PracticeStore
from balancecoach.tui.app import BalanceCoachApp
from balancecoach.tui.flow import FirstVisit

TODAY = dt.date(2026, 11, 24)
#: The office manager skipped this statement.
SKIPPED = "EXP-S2"


#: Ratings in question-bank order, one group per dimension (MET, TRT, FIN, NXT, CUL, PAR,
#: EXP; in each S1 S2 S3 P1 P2 P3); "-" is a skipped statement.
DOCTOR = "441115 432113 532135 343314 342325 443221 334334"
MANAGER = "334442 214541 215542 233332 223533 235345 2-2333"


def answers_from(content: Content, ratings: str) -> dict[str, int]:
    digits = ratings.replace(" ", "")
    statements = content.questions.statement
    assert len(digits) == len(statements)
    return {s.id: int(d) for s, d in zip(statements, digits, strict=True) if d != "-"}


def make_visit(content: Content) -> FirstVisit:
    """Doctor production-leaning, office manager patient-leaning, both finished."""
    visit = FirstVisit(slug="harbour", practice_name="Harbour Family Dental", stage="results")
    visit.answers["doctor"] = answers_from(content, DOCTOR)
    visit.answers["manager"] = answers_from(content, MANAGER)
    return visit


def expected_result(content: Content, visit: FirstVisit) -> AssessmentResult:
    return assess(
        content,
        AnswersFile(
            respondent=[
                RespondentAnswers(role=role, answers=answers)
                for role, answers in visit.answers.items()
                if answers
            ]
        ),
    )


class PracticeStandIn(Screen[None]):
    """Where Escape leads back to (the practice screen in the real app)."""


class GoalStandIn(Screen[None]):
    """What the goal stage shows in these tests."""


def make_app(tmp_path: Path) -> BalanceCoachApp:
    return BalanceCoachApp(PracticeStore(tmp_path / "data"), clock=lambda: TODAY)


def static_text(widget: Static) -> str:
    """What a Static shows, as plain text (wrapped to its width)."""
    content = widget.content
    if isinstance(content, str):
        return content
    console = Console(width=max(widget.size.width, 40), file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


def all_text(screen: Screen) -> str:
    """Every Static on the screen, shown or scrolled out of view."""
    return "\n".join(static_text(w) for w in screen.query(Static))


def content() -> Content:
    return load_content()

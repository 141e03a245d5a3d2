"""Shared set-up for the goal, metrics, plan and saved screens' tests: a practice on disk,
a first visit whose assessment is finished, and ways to read what a screen shows."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from rich.console import Console
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Static

from balancecoach.core.content import Content
from balancecoach.core.records import Practice
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.store import PracticeStore
from balancecoach.tui.app import BalanceCoachApp
from balancecoach.tui.flow import FirstVisit
from balancecoach.tui.screens.metrics import ChoiceList

TODAY = dt.date(2026, 11, 24)
PRACTICE_NAME = "Harbour Family Dental"

#: The goal form filled in the ways people type money (the README's example practice).
GOAL_FIELDS = {
    "payroll": "310k",
    "rent": "$72,000",
    "supplies": "62,000",
    "lab": "48000",
    "equipment_loans": "36k",
    "marketing": "18000",
    "other": "44000",
    "doctor_compensation": "240,000",
    "debt_service": "30000",
    "profit": "50000",
    "collection_rate": "97",
    "working_days": "190",
    "hours": "8",
    "providers": "2",
    "last_production": "900000",
    "last_collections": "868000",
}
BALANCED_METRICS = [
    {"id": "case_acceptance", "owner": "doctor", "target": {"kind": "at_least", "value": 70.0}},
    {"id": "pre_appointment", "owner": "manager", "target": {"kind": "at_least", "value": 90.0}},
    {"id": "collection_rate", "owner": "manager", "target": {"kind": "at_least", "value": 98.0}},
]
PLAN = [
    {"practice": "monthly_financial_review", "owner": "both", "cadence": "monthly"},
    {"practice": "daily_huddle", "owner": "manager", "cadence": "daily"},
]


def content() -> Content:
    return load_content()


def ratings(content: Content, structure: int, people: int) -> dict[str, int]:
    """Answers that agree `structure` (1–5) with every structure statement and `people`
    with every people statement, reverse-keyed ones answered the other way round."""
    out = {}
    for s in content.questions.statement:
        want = structure if s.pole == "structure" else people
        out[s.id] = 6 - want if s.reverse else want
    return out


def make_store(root: Path) -> tuple[PracticeStore, str]:
    """A data directory with one practice (two providers, a 190-day calendar)."""
    store = PracticeStore(root)
    slug = store.create_practice(
        Practice.model_validate(
            {
                "practice": {"name": PRACTICE_NAME, "providers": 2, "created": TODAY},
                "calendar": {"working_days": 190, "clinical_hours_per_day": 8},
            }
        )
    )
    return store, slug


def make_app(store: PracticeStore) -> BalanceCoachApp:
    return BalanceCoachApp(store, clock=lambda: TODAY)


def make_visit(
    content: Content, slug: str, stage: str = "goal", lean: str = "production"
) -> FirstVisit:
    """A first visit past the results. Production-leaning: both partners agree with the
    structure statements and not with the people ones; patient-leaning the other way."""
    visit = FirstVisit(slug=slug, practice_name=PRACTICE_NAME, stage=stage)  # type: ignore[arg-type]
    if lean == "production":
        visit.answers = {"doctor": ratings(content, 5, 2), "manager": ratings(content, 4, 2)}
    elif lean == "patient":
        visit.answers = {"doctor": ratings(content, 2, 5), "manager": ratings(content, 2, 4)}
    else:
        visit.answers = {"doctor": ratings(content, 4, 4), "manager": ratings(content, 4, 4)}
    return visit


def static_text(widget: Static) -> str:
    """What a Static shows, as plain text (wrapped to its width)."""
    shown = widget.content
    if isinstance(shown, str):
        return shown
    console = Console(width=max(widget.size.width, 60), file=io.StringIO(), record=True)
    console.print(shown)
    return console.export_text()


def text_of(screen: Screen, selector: str) -> str:
    return static_text(screen.query_one(selector, Static))


def all_text(screen: Screen) -> str:
    """Every Static on the screen, shown or scrolled out of view."""
    return "\n".join(static_text(w) for w in screen.query(Static))


def notices(pilot: Pilot) -> list[str]:
    return [n.message for n in pilot.app._notifications]


async def highlight(pilot: Pilot, value: str) -> None:
    """Move a ChoiceList's highlight to `value` with the arrow keys."""
    picker = pilot.app.screen.query_one(ChoiceList)
    picker.focus()
    await pilot.press("home")
    for _ in range(picker.option_count):
        if picker.highlighted_value == value:
            return
        await pilot.press("down")
    raise AssertionError(f"{value} is not in the list")


async def freeze(pilot: Pilot) -> None:
    """Stop cursors blinking so a snapshot does not depend on the moment it was taken."""
    from textual.widgets import Input

    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()

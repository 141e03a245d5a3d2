"""Snapshots of a new user's way in: home (with the demo installed on first run), the demo
practice, a new practice's form, the assessment, its review, the hand-over and F1 help.

Each test starts the whole app on an empty data directory and moves with keys, as a person
would. The data directory is the relative path `data` (the header shows it), so the
snapshots are the same on every machine and every day.

Update serially, and look at the report before accepting:
``python -m pytest tests/tui/test_snapshots_journey.py --snapshot-update -p no:xdist``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from plan_support import freeze
from textual.pilot import Pilot
from textual.widgets import Input

from balancecoach.storage.store import PracticeStore
from balancecoach.tui.app import BalanceCoachApp
from balancecoach.tui.screens.assessment import (
    AssessmentScreen,
    HandOverScreen,
    ReviewScreen,
)
from balancecoach.tui.screens.help import HelpScreen
from balancecoach.tui.screens.home import HomeScreen
from balancecoach.tui.screens.new_practice import NewPracticeScreen
from balancecoach.tui.screens.practice import PracticeScreen

TODAY = dt.date(2026, 11, 24)
SMALL, LARGE = (80, 24), (160, 50)
PRACTICE_NAME = "Harbour Family Dental"

RunBefore = Callable[[Pilot], Awaitable[None]]


@pytest.fixture
def journey_app(tmp_path, monkeypatch) -> BalanceCoachApp:
    """The whole app on an empty data directory called `data`, with a fixed date."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BALANCECOACH_HOME", raising=False)
    return BalanceCoachApp(PracticeStore(Path("data")), clock=lambda: TODAY)


async def settle(pilot: Pilot) -> None:
    """Let every worker (demo install, loading, saving) finish and the screen redraw."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await freeze(pilot)


async def home_ready(pilot: Pilot) -> None:
    await settle(pilot)
    assert isinstance(pilot.app.screen, HomeScreen)
    assert pilot.app.store.slugs(), "the demo practice was not installed"


async def type_into(pilot: Pilot, field_id: str, text: str) -> None:
    box = pilot.app.screen.query_one(f"#{field_id}", Input)
    box.focus()
    box.value = ""
    await pilot.pause()
    await pilot.press(*text)
    await pilot.pause()


async def new_practice_form(pilot: Pilot) -> None:
    await home_ready(pilot)
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NewPracticeScreen)


async def first_statement(pilot: Pilot) -> None:
    """Create a practice from the form; its first visit opens on statement 1."""
    await new_practice_form(pilot)
    await type_into(pilot, "field-name", PRACTICE_NAME)
    await type_into(pilot, "field-providers", "2")
    await type_into(pilot, "field-working_days", "190")
    await type_into(pilot, "field-hours", "8")
    await pilot.press("ctrl+s")
    await settle(pilot)
    await settle(pilot)  # the save's worker hands over to the first visit
    assert isinstance(pilot.app.screen, AssessmentScreen)


async def three_answered(pilot: Pilot) -> None:
    await first_statement(pilot)
    for rating in "425":
        await pilot.press(rating)
        await pilot.pause()
    await settle(pilot)


async def reviewing(pilot: Pilot) -> None:
    await three_answered(pilot)
    await pilot.press("v")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)


async def handed_over(pilot: Pilot) -> None:
    await reviewing(pilot)
    await pilot.press("f")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HandOverScreen)


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_home(snap_compare, journey_app, size) -> None:
    assert snap_compare(journey_app, terminal_size=size, run_before=home_ready)


def test_demo_practice(snap_compare, journey_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await home_ready(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(pilot.app.screen, PracticeScreen)

    assert snap_compare(journey_app, terminal_size=SMALL, run_before=run_before)


def test_new_practice_empty(snap_compare, journey_app) -> None:
    assert snap_compare(journey_app, terminal_size=SMALL, run_before=new_practice_form)


def test_new_practice_invalid_providers(snap_compare, journey_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await new_practice_form(pilot)
        await type_into(pilot, "field-name", PRACTICE_NAME)
        await type_into(pilot, "field-providers", "0")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(pilot.app.screen, NewPracticeScreen)
        assert pilot.app.screen.query_one("#field-providers", Input).has_focus

    assert snap_compare(journey_app, terminal_size=SMALL, run_before=run_before)


def test_assessment_first_statement(snap_compare, journey_app) -> None:
    assert snap_compare(journey_app, terminal_size=SMALL, run_before=first_statement)


def test_assessment_three_answered(snap_compare, journey_app) -> None:
    assert snap_compare(journey_app, terminal_size=SMALL, run_before=three_answered)


def test_review(snap_compare, journey_app) -> None:
    assert snap_compare(journey_app, terminal_size=SMALL, run_before=reviewing)


def test_hand_over(snap_compare, journey_app) -> None:
    assert snap_compare(journey_app, terminal_size=SMALL, run_before=handed_over)


def test_help_over_home(snap_compare, journey_app) -> None:
    async def run_before(pilot: Pilot) -> None:
        await home_ready(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)

    assert snap_compare(journey_app, terminal_size=SMALL, run_before=run_before)

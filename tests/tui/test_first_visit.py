"""The whole first visit, by keyboard only, from the home screen to the saved files; and
an assessment left half-way that resumes with every answer."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

from balancecoach.storage.catalogs import load_content
from balancecoach.tui.app import make_app
from balancecoach.tui.screens.assessment import AssessmentScreen, HandOverScreen, ReviewScreen
from balancecoach.tui.screens.goal import GoalScreen
from balancecoach.tui.screens.home import HomeScreen
from balancecoach.tui.screens.metrics import MetricsScreen
from balancecoach.tui.screens.new_practice import NewPracticeScreen
from balancecoach.tui.screens.plan import PlanScreen
from balancecoach.tui.screens.results import ResultsScreen
from balancecoach.tui.screens.saved import SavedScreen

TODAY = dt.date(2026, 11, 24)
STATEMENTS = load_content().questions.statement


def toward(pole: str) -> list[str]:
    """Keys that answer every statement firmly toward `pole` (reverse-keyed ones flipped)."""
    return ["5" if (s.pole == pole) != s.reverse else "1" for s in STATEMENTS]


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_first_visit_by_keyboard_writes_the_practice_and_checkpoint(tmp_path: Path) -> None:
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewPracticeScreen)
        await pilot.press(*"Lakeside Dental", "enter", "backspace", "2", "enter")
        await pilot.press(*"190", "enter", "8", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)

        doctor = toward("structure")
        doctor[5] = "s"  # the doctor skips one statement
        await pilot.press(*doctor)
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, HandOverScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AssessmentScreen)
        assert app.screen.visit.role == "manager"
        await pilot.press(*toward("people"), "f")
        await settle(app, pilot)
        assert isinstance(app.screen, ResultsScreen)

        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, GoalScreen)
        # payroll, rent, supplies, lab, equipment and loans, marketing, other, doctor pay,
        # debt service, profit, collection rate (calendar and providers come prefilled)
        for value in ("310k", "72k", "62k", "48k", "36k", "18k", "44k", "240k", "30k", "50k"):
            await pilot.press(*value, "enter")
        await pilot.press("9", "7")
        await pilot.pause(0.4)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, MetricsScreen)
        await pilot.press("c")  # the recommended, balanced set
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("space", "c")
        await settle(app, pilot)
        assert isinstance(app.screen, SavedScreen)

    folder = tmp_path / "practices" / "lakeside-dental"
    practice = tomllib.loads((folder / "practice.toml").read_text(encoding="utf-8"))
    assert practice["practice"]["name"] == "Lakeside Dental"
    assert practice["practice"]["providers"] == 2
    assert practice["calendar"] == {"working_days": 190, "clinical_hours_per_day": 8}
    (goal,) = practice["goal"]
    assert goal["effective"] == TODAY
    assert goal["overhead"]["payroll"] == 310_000
    assert goal["doctor_compensation"] == 240_000
    assert goal["collection_rate"] == 0.97
    sides = {m["id"]: load_content().metrics.by_id[m["id"]].side for m in practice["metric"]}
    assert 3 <= len(sides) <= 7
    assert set(sides.values()) == {"production", "patient"}
    assert all(m["owner"] and m["target"]["kind"] for m in practice["metric"])
    assert len(practice["plan"]) == 1

    checkpoint = tomllib.loads((folder / "checkpoints" / "2026-Q4.toml").read_text("utf-8"))
    assert checkpoint["quarter"] == "2026-Q4"
    assert checkpoint["date"] == TODAY
    doctor_r, manager_r = checkpoint["respondent"]
    assert (doctor_r["role"], manager_r["role"]) == ("doctor", "manager")
    assert len(doctor_r["answers"]) == len(STATEMENTS) - 1
    assert STATEMENTS[5].id not in doctor_r["answers"]
    assert len(manager_r["answers"]) == len(STATEMENTS)
    assert doctor_r["scores"]["lean"] == 100
    assert manager_r["scores"]["lean"] == -100
    assert doctor_r["scores"]["quadrant"] == "production-leaning"
    assert checkpoint["scores"]["agreement"] == 0
    assert not list((tmp_path / "drafts").glob("*.toml")), "the finished draft is removed"


async def test_quitting_mid_assessment_resumes_every_answer(tmp_path: Path) -> None:
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")  # the demo practice, installed on first run
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, AssessmentScreen)
        await pilot.press("4", "2", "s", "5", "1")
        await pilot.press("ctrl+q")

    again = make_app(tmp_path, clock=lambda: TODAY)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(again, pilot)
        await pilot.press("r")
        await settle(again, pilot)
        screen = again.screen
        assert isinstance(screen, AssessmentScreen)
        ids = [s.id for s in STATEMENTS]
        assert screen.visit.answers["doctor"] == {ids[0]: 4, ids[1]: 2, ids[3]: 5, ids[4]: 1}
        assert screen.visit.position["doctor"] == 5
        assert screen.visit.role == "doctor"
        # the practice is called by its name, not its folder's
        assert screen.visit.practice_name == "Harbour Family Dental (demo)"
        assert screen.sub_title.startswith("Harbour Family Dental (demo) · ")


async def test_export_report_from_the_practice_screen(tmp_path: Path) -> None:
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("d")  # the demo practice
        await settle(app, pilot)
        await pilot.press("e")
        await settle(app, pilot)
    md = tmp_path / "reports" / "harbour-family-dental-demo-2025-Q4.md"
    assert md.read_text(encoding="utf-8").startswith("# Harbour Family Dental (demo) — 2025-Q4")
    assert md.with_suffix(".html").read_text(encoding="utf-8").lstrip().startswith("<!")

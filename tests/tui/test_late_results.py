"""A result that a worker hands back after its screen has closed is dropped: never shown in
widgets that are gone (which raised NoMatches and ended the app: found by the monkey test on
the practice screen), never acted on as if the screen were still there; and whatever the
worker wrote stays written.

Each test holds the screen's worker at a gate, closes the screen the way a person does,
and opens the gate in the instant Textual is removing the screen: its widgets already gone,
the screen itself still attached. That instant is where the monkey test caught it, and
where checking `is_attached` alone is not enough. The removal waits there until the worker
has handed its result over, so the hand-over lands in it every time."""

from __future__ import annotations

import asyncio
import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from plan_support import BALANCED_METRICS, GOAL_FIELDS, PLAN, make_store, make_visit
from textual.screen import Screen
from textual.widgets import DataTable

from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.locks import PracticeLock
from balancecoach.storage.store import PracticeStore
from balancecoach.tui import journey
from balancecoach.tui.app import BalanceCoachApp, make_app
from balancecoach.tui.revisit import DRAFT_KIND, start_revisit
from balancecoach.tui.screens import revisit_progress, revisit_saved, saved
from balancecoach.tui.screens.assessment import AssessmentScreen
from balancecoach.tui.screens.help import HelpScreen
from balancecoach.tui.screens.home import HomeScreen
from balancecoach.tui.screens.new_practice import NewPracticeScreen
from balancecoach.tui.screens.practice import PracticeScreen
from balancecoach.tui.screens.revisit_actuals import ActualsScreen
from balancecoach.tui.screens.revisit_progress import ProgressScreen
from balancecoach.tui.screens.revisit_reflections import ReflectionsScreen
from balancecoach.tui.screens.revisit_review import ReviewCommitmentsScreen
from balancecoach.tui.screens.revisit_saved import RevisitSavedScreen
from balancecoach.tui.screens.saved import SavedScreen

TODAY = dt.date(2026, 11, 24)
SIZE = (80, 24)


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def until(app, pilot, check: Callable[[], bool]) -> None:
    """Wait for `check`: a worker whose screen has closed is cancelled, so waiting for the
    workers does not wait for its thread, which goes on all the same."""
    for _ in range(500):
        if check():
            break
        await pilot.pause(0.01)
    await settle(app, pilot)


class Gate:
    """Holds a worker thread inside `fn` until the gate opens."""

    def __init__(self) -> None:
        self.open = threading.Event()

    def hold(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        def held(*args: Any, **kwargs: Any) -> Any:
            assert self.open.wait(10), "the gate was never opened"
            return fn(*args, **kwargs)

        return held


@pytest.fixture
def opened_in_removal(monkeypatch) -> Callable[[type[Screen], Gate], list[tuple[int, bool]]]:
    """Open `gate` in the instant a screen of `kind` is being removed, and keep the removal
    there until the screen's workers are done. Returns what the screen looked like then:
    (widgets left, attached), one pair a removal."""

    def install(kind: type[Screen], gate: Gate) -> list[tuple[int, bool]]:
        seen: list[tuple[int, bool]] = []

        async def on_unmount(self: Screen) -> None:
            seen.append((len(self.children), self.is_attached))
            gate.open.set()
            mine = [w for w in self.app.workers if w.node is self]
            for _ in range(2000):
                if all(w.is_finished for w in mine):
                    break
                await asyncio.sleep(0.005)

        monkeypatch.setattr(kind, "on_unmount", on_unmount, raising=False)
        return seen

    return install


def demo_app(root: Path) -> BalanceCoachApp:
    install_demo(PracticeStore(root))
    return make_app(root, clock=lambda: TODAY)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


# --- reading --------------------------------------------------------------------------------


async def test_practice_read_landing_as_escape_removes_the_screen(
    tmp_path, monkeypatch, opened_in_removal
) -> None:
    from balancecoach.tui.screens import practice

    gate = Gate()
    monkeypatch.setattr(practice, "describe", gate.hold(practice.describe))
    seen = opened_in_removal(PracticeScreen, gate)
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
    assert seen == [(0, True)]  # widgets gone, screen still attached: the hand-over then
    assert app.return_code in (None, 0)


async def test_progress_charts_landing_as_escape_goes_back(
    tmp_path, monkeypatch, opened_in_removal
) -> None:
    gate = Gate()
    monkeypatch.setattr(
        revisit_progress, "build_progress", gate.hold(revisit_progress.build_progress)
    )
    seen = opened_in_removal(ProgressScreen, gate)
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        start_revisit(app, DEMO_SLUG, at="progress")
        await pilot.pause()
        assert isinstance(app.screen, ProgressScreen)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ReflectionsScreen)
    assert seen == [(0, True)]
    assert app.return_code in (None, 0)


async def test_csv_figures_landing_as_escape_goes_back_fill_nothing_in(
    tmp_path, monkeypatch, opened_in_removal
) -> None:
    from balancecoach.storage import csv_import

    gate = Gate()
    monkeypatch.setattr(csv_import, "read_csv_actuals", gate.hold(csv_import.read_csv_actuals))
    seen = opened_in_removal(ActualsScreen, gate)
    figures = tmp_path / "figures.csv"
    figures.write_text(
        "metric,input,value\ncase_acceptance,accepted,31\ncase_acceptance,presented,50\n",
        encoding="utf-8",
    )
    app = demo_app(tmp_path / "data")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        start_revisit(app, DEMO_SLUG, at="actuals")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ActualsScreen)
        await pilot.press("ctrl+o")
        await pilot.press(*str(figures))
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewCommitmentsScreen)
        assert screen.revisit.metric_fields == {}  # left before it was read: not filled in
    assert seen == [(0, True)]
    assert app.return_code in (None, 0)


# --- saving ---------------------------------------------------------------------------------


def finished_visit(slug: str):
    visit = make_visit(load_content(), slug, "saved")
    visit.goal_fields.update(GOAL_FIELDS)
    visit.metrics = [dict(m) for m in BALANCED_METRICS]
    visit.plan = [dict(p) for p in PLAN]
    return visit


async def test_a_visit_saved_after_going_home_is_written_and_its_draft_removed(
    tmp_path, monkeypatch, opened_in_removal
) -> None:
    gate = Gate()
    monkeypatch.setattr(saved, "save_visit", gate.hold(saved.save_visit))
    seen = opened_in_removal(SavedScreen, gate)
    store, slug = make_store(tmp_path)
    app = BalanceCoachApp(store, clock=lambda: TODAY)
    visit = finished_visit(slug)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        journey.autosave(app, visit)
        app.push_screen(SavedScreen(visit))
        await pilot.pause()
        assert isinstance(app.screen, SavedScreen)
        app.action_go_home()  # what the command palette's "Open practice…" does
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert "The first visit of Harbour Family Dental is saved." in notices(app)
        assert app.drafts.load("assessment", slug) is None
    assert seen == [(0, True)]
    assert app.return_code in (None, 0)
    assert "[[goal]]" in store.layout.practice_file(slug).read_text(encoding="utf-8")
    assert store.layout.checkpoint_file(slug, "2026-Q4").exists()


async def test_a_visit_saved_once_its_screen_is_gone_still_removes_its_draft(
    tmp_path, monkeypatch
) -> None:
    gate = Gate()
    monkeypatch.setattr(saved, "save_visit", gate.hold(saved.save_visit))
    store, slug = make_store(tmp_path)
    app = BalanceCoachApp(store, clock=lambda: TODAY)
    visit = finished_visit(slug)
    done = "The first visit of Harbour Family Dental is saved."
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        journey.autosave(app, visit)
        screen = SavedScreen(visit)
        app.push_screen(screen)
        await pilot.pause()
        app.action_go_home()
        await until(app, pilot, lambda: not screen.is_attached)
        gate.open.set()  # the save ends after the screen is gone altogether
        await until(app, pilot, lambda: done in notices(app))
        assert done in notices(app)
        assert isinstance(app.screen, HomeScreen)
        assert app.drafts.load("assessment", slug) is None  # not resumed as unfinished
    assert app.return_code in (None, 0)
    assert store.layout.checkpoint_file(slug, "2026-Q4").exists()


async def test_a_visit_that_fails_to_save_after_going_home_says_so_and_keeps_its_draft(
    tmp_path, monkeypatch, opened_in_removal
) -> None:
    gate = Gate()
    monkeypatch.setattr(saved, "save_visit", gate.hold(saved.save_visit))
    seen = opened_in_removal(SavedScreen, gate)
    store, slug = make_store(tmp_path)
    app = BalanceCoachApp(store, clock=lambda: TODAY)
    visit = finished_visit(slug)
    other = PracticeLock(store.layout, slug)
    other.acquire()  # another balancecoach has the practice open: the save fails
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            journey.autosave(app, visit)
            app.push_screen(SavedScreen(visit))
            await pilot.pause()
            app.action_go_home()
            await settle(app, pilot)
            assert isinstance(app.screen, HomeScreen)
            [failed] = [n for n in app._notifications if n.title == "The visit was not saved"]
            assert "kept as a draft" in failed.message
            assert app.drafts.load("assessment", slug) is not None
    finally:
        other.release()
    assert seen == [(0, True)]
    assert app.return_code in (None, 0)


async def test_a_checkpoint_saved_after_going_home_is_written(
    tmp_path, monkeypatch, opened_in_removal
) -> None:
    gate = Gate()
    monkeypatch.setattr(revisit_saved, "save_revisit", gate.hold(revisit_saved.save_revisit))
    seen = opened_in_removal(RevisitSavedScreen, gate)
    app = demo_app(tmp_path)
    checkpoint = app.store.layout.checkpoint_file(DEMO_SLUG, "2026-Q4")
    assert not checkpoint.exists()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        start_revisit(app, DEMO_SLUG, at="saved")
        await pilot.pause()
        assert isinstance(app.screen, RevisitSavedScreen)
        app.action_go_home()
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert any("checkpoint of" in n and "is saved" in n for n in notices(app))
        assert app.drafts.load(DRAFT_KIND, DEMO_SLUG) is None
    assert seen == [(0, True)]
    assert app.return_code in (None, 0)
    assert checkpoint.exists()


# --- creating a practice ----------------------------------------------------------------------


async def new_practice_held(app, pilot, monkeypatch, name: str) -> Gate:
    """Home, n, a name, Ctrl+S: the practice is being written, held at the gate."""
    gate = Gate()
    monkeypatch.setattr(PracticeStore, "create_practice", gate.hold(PracticeStore.create_practice))
    await settle(app, pilot)
    await pilot.press("n")
    await pilot.pause()
    assert isinstance(app.screen, NewPracticeScreen)
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in name])
    await pilot.press("ctrl+s")
    await pilot.pause()
    return gate


async def test_a_practice_created_as_escape_removes_the_form_stays_home_and_is_listed(
    tmp_path, monkeypatch, opened_in_removal
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        gate = await new_practice_held(app, pilot, monkeypatch, "Late Dental")
        seen = opened_in_removal(NewPracticeScreen, gate)
        await pilot.press("escape")
        await settle(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)  # not popped, no visit started over it
        assert len(app.screen_stack) == 2
        assert "late-dental" in app.store.slugs()  # created all the same
        assert "late-dental" in [k.value for k in home.query_one(DataTable).rows]
        assert any(n.startswith("Late Dental is created") for n in notices(app))
    assert seen == [(0, True)]
    assert app.return_code in (None, 0)


async def test_a_practice_created_under_help_starts_its_visit_with_nothing_left_behind(
    tmp_path, monkeypatch
) -> None:
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        gate = await new_practice_held(app, pilot, monkeypatch, "Late Dental")
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        gate.open.set()
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert [type(s) for s in app.screen_stack[1:]] == [HomeScreen, AssessmentScreen]
    assert app.return_code in (None, 0)


async def test_a_second_ctrl_s_while_the_practice_is_written_creates_it_once(
    tmp_path, monkeypatch
) -> None:
    app = demo_app(tmp_path)
    calls: list[str] = []
    create = PracticeStore.create_practice

    def counted(store, practice, *args, **kwargs):
        calls.append(practice.practice.name)
        return create(store, practice, *args, **kwargs)

    monkeypatch.setattr(PracticeStore, "create_practice", counted)
    async with app.run_test(size=SIZE) as pilot:
        gate = await new_practice_held(app, pilot, monkeypatch, "Twice Dental")
        await pilot.press("ctrl+s")  # again, while the first is held at the gate
        await pilot.pause()
        gate.open.set()
        await settle(app, pilot)
        assert calls == ["Twice Dental"]
        assert [s for s in app.store.slugs() if s.startswith("twice")] == ["twice-dental"]
        assert app.screen.visit.practice_name == "Twice Dental"  # its first visit began


async def test_charts_drawn_for_an_older_window_size_do_not_replace_newer_ones(
    tmp_path, monkeypatch
) -> None:
    """A resize starts a new drawing; the one already under way, if it finishes last, is
    not shown over it."""
    sizes: list[tuple[int, int]] = []
    build = revisit_progress.build_progress

    def recorded(content, revisit, context, today, size):
        sizes.append(size)
        return build(content, revisit, context, today, size)

    monkeypatch.setattr(revisit_progress, "build_progress", recorded)
    app = demo_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        start_revisit(app, DEMO_SLUG, at="progress")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, ProgressScreen) and screen.progress is not None
        current, first = screen.progress, sizes[0]
        stale = build(app.content, screen.revisit, screen.revisit.context, app.clock(), (40, 18))
        screen._show(stale, (40, 18))  # arrives late, for a size the window does not have
        assert screen.progress is current
        screen._show(stale, first)  # for the size it has: shown
        assert screen.progress is stale

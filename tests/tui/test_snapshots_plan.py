"""Snapshots of the goal, metrics, plan and saved screens at 80×24.

Update with `pytest tests/tui/test_snapshots_plan.py --snapshot-update` (serially), and
look at the report before accepting them."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from plan_support import (
    BALANCED_METRICS,
    GOAL_FIELDS,
    PLAN,
    content,
    freeze,
    highlight,
    make_app,
    make_store,
    make_visit,
)

from balancecoach.tui import journey
from balancecoach.tui.screens.goal import GoalScreen
from balancecoach.tui.screens.metrics import MetricsScreen
from balancecoach.tui.screens.plan import PlanScreen
from balancecoach.tui.screens.saved import SavedScreen

SIZE = (80, 24)


@pytest.fixture
def snapshot_plan_store(tmp_path, monkeypatch):
    """A practice under a relative data directory, so the paths the saved screen shows are
    the same on every machine."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("BALANCECOACH_HOME", raising=False)
    if importlib.util.find_spec("balancecoach.storage.drafts") is None:
        monkeypatch.setattr(journey, "autosave", lambda app, visit: None)
        monkeypatch.setattr(journey, "discard_draft", lambda app, visit: None)
    return make_store(Path("data"))


def test_goal_screen(snap_compare, snapshot_plan_store) -> None:
    store, slug = snapshot_plan_store
    visit = make_visit(content(), slug, "goal")
    visit.goal_fields.update(GOAL_FIELDS)
    visit.goal_fields["marketing"] = "18,000 a year"  # shows a field's problem

    async def run_before(pilot) -> None:
        await pilot.app.push_screen(GoalScreen(visit))
        await freeze(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=run_before)


def test_goal_screen_explanation(snap_compare, snapshot_plan_store) -> None:
    store, slug = snapshot_plan_store
    visit = make_visit(content(), slug, "goal")
    visit.goal_fields.update(GOAL_FIELDS)

    async def run_before(pilot) -> None:
        await pilot.app.push_screen(GoalScreen(visit))
        await freeze(pilot)
        await pilot.press("f2")
        await pilot.pause()

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=run_before)


def test_metrics_screen(snap_compare, snapshot_plan_store) -> None:
    store, slug = snapshot_plan_store
    visit = make_visit(content(), slug, "metrics")

    async def run_before(pilot) -> None:
        await pilot.app.push_screen(MetricsScreen(visit))
        await pilot.pause()
        await highlight(pilot, "case_acceptance")
        await freeze(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=run_before)


def test_plan_screen(snap_compare, snapshot_plan_store) -> None:
    store, slug = snapshot_plan_store
    visit = make_visit(content(), slug, "plan")
    visit.metrics = [dict(m) for m in BALANCED_METRICS]
    visit.plan = [{"practice": "patient_story_at_huddle", "owner": "team", "cadence": "weekly"}]

    async def run_before(pilot) -> None:
        await pilot.app.push_screen(PlanScreen(visit))
        await pilot.pause()
        await highlight(pilot, "patient_story_at_huddle")
        await freeze(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=run_before)


def test_saved_screen(snap_compare, snapshot_plan_store) -> None:
    store, slug = snapshot_plan_store
    visit = make_visit(content(), slug, "saved")
    visit.goal_fields.update(GOAL_FIELDS)
    visit.metrics = [dict(m) for m in BALANCED_METRICS]
    visit.plan = [dict(p) for p in PLAN]

    async def run_before(pilot) -> None:
        await pilot.app.push_screen(SavedScreen(visit))
        await pilot.pause()
        await pilot.app.workers.wait_for_complete()
        await freeze(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=run_before)

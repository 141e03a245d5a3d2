"""Snapshots of the revisit's progress screen (the summary and a chart) at 80×24 and
160×50, on the demo practice with a 2026-Q4 revisit filled in.

Update serially, and look at the report before accepting:
``python -m pytest tests/tui/test_snapshots_revisit.py --snapshot-update``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from textual.pilot import Pilot

from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.store import PracticeStore
from balancecoach.tui.app import BalanceCoachApp
from balancecoach.tui.revisit import Revisit, RevisitContext, new_revisit
from balancecoach.tui.screens.revisit_progress import ProgressScreen

TODAY = dt.date(2026, 11, 24)
SMALL, LARGE = (80, 24), (160, 50)


def filled_revisit(store: PracticeStore) -> Revisit:
    """The demo's 2026-Q4 revisit with every step filled in (one metric slipped to amber)."""
    practice = store.load_practice(DEMO_SLUG)
    checkpoints, _ = store.load_checkpoints(DEMO_SLUG)
    r = new_revisit(DEMO_SLUG, practice, checkpoints, TODAY)
    r.context = RevisitContext(practice, checkpoints)
    for c, status in zip(r.review, ("done", "partly", "not"), strict=True):
        c["status"] = status
    marks = ("kept", "kept", "partly", "kept", "not", "kept")
    for practice_id, kept in zip(r.adherence, marks, strict=True):
        r.adherence[practice_id]["kept"] = kept
    r.metric_fields = {
        "case_acceptance": {"accepted": "31", "presented": "50"},
        "pre_appointment": {"booked": "800", "hygiene_visits": "900"},
        "patient_retention": {"returned": "1900", "active_last_year": "2300"},
        "nps": {"promoters": "50", "passives": "20", "detractors": "10"},
        "production_per_hour": {"production": "280000", "clinical_hours": "360"},
    }
    r.financial_fields = {"production": "280000", "collections": "271000"}
    pulse = load_content().questions.pulse()
    r.answers = {
        "doctor": {s.id: 4 for s in pulse},
        "manager": {s.id: (5 if i % 2 == 0 else 3) for i, s in enumerate(pulse)},
    }
    r.stage = "progress"
    return r


@pytest.fixture
def progress_app(tmp_path, monkeypatch):
    """The app on a relative data directory holding the demo, without its home screen."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(BalanceCoachApp, "on_mount", lambda self: None)
    store = PracticeStore(Path("data"))
    install_demo(store)
    return BalanceCoachApp(store, clock=lambda: TODAY), filled_revisit(store)


def show(revisit: Revisit, *keys: str):
    async def run_before(pilot: Pilot) -> None:
        await pilot.app.push_screen(ProgressScreen(revisit))
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()

    return run_before


@pytest.mark.parametrize(
    ("size", "keys"),
    [
        pytest.param(SMALL, (), id="small-summary"),
        pytest.param(SMALL, ("2",), id="small-lean"),
        pytest.param(LARGE, (), id="large-summary"),
        pytest.param(LARGE, ("3",), id="large-quadrant"),
    ],
)
def test_progress_snapshot(snap_compare, progress_app, size, keys) -> None:
    app, revisit = progress_app
    assert snap_compare(app, terminal_size=size, run_before=show(revisit, *keys))

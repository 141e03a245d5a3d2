"""Snapshots of the results screen at 80×24 and 160×50, one per section and the drill-down.

Update serially, and look at the report before accepting:
``python -m pytest tests/tui/test_snapshots_results.py --snapshot-update``."""

from __future__ import annotations

import pytest
from results_support import content, make_app, make_visit
from textual.pilot import Pilot

from balancecoach.tui.app import BalanceCoachApp
from balancecoach.tui.screens.results import ResultsScreen

SMALL, LARGE = (80, 24), (160, 50)


@pytest.fixture
def results_snapshot_app(tmp_path, monkeypatch) -> BalanceCoachApp:
    """The app without its home screen; the results screen is pushed by `show`."""
    monkeypatch.setattr(BalanceCoachApp, "on_mount", lambda self: None)
    return make_app(tmp_path)


def show(*keys: str):
    async def run_before(pilot: Pilot) -> None:
        await pilot.app.push_screen(ResultsScreen(make_visit(content())))
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()

    return run_before


@pytest.mark.parametrize(
    ("size", "keys"),
    [
        pytest.param(SMALL, (), id="small-overview"),
        pytest.param(SMALL, ("2",), id="small-dimensions"),
        pytest.param(SMALL, ("3",), id="small-prompts"),
        pytest.param(SMALL, ("4",), id="small-recommendations"),
        pytest.param(SMALL, ("m",), id="small-manager-answers"),
        pytest.param(LARGE, (), id="large-overview"),
        pytest.param(LARGE, ("2",), id="large-dimensions"),
        pytest.param(LARGE, ("4",), id="large-recommendations"),
    ],
)
def test_results_snapshot(snap_compare, results_snapshot_app, size, keys) -> None:
    assert snap_compare(results_snapshot_app, terminal_size=size, run_before=show(*keys))

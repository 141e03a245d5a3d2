"""The first visit's results screen, driven with Pilot at 80×24 (and wider where it matters)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import pytest
from results_support import (
    SKIPPED,
    GoalStandIn,
    PracticeStandIn,
    all_text,
    content,
    expected_result,
    make_app,
    make_visit,
    static_text,
)
from textual.pilot import Pilot
from textual.widgets import DataTable, Static, TabbedContent

from balancecoach.core.content import RATING_WORDS
from balancecoach.core.format import signed
from balancecoach.tui import journey
from balancecoach.tui.app import BalanceCoachApp
from balancecoach.tui.flow import FirstVisit
from balancecoach.tui.screens.results import AnswersScreen, ResultsScreen
from balancecoach.tui.widgets.quadrant import QuadrantChart


@dataclass
class ResultsHarness:
    app: BalanceCoachApp
    pilot: Pilot
    visit: FirstVisit
    saved: list[str]

    @property
    def screen(self) -> ResultsScreen:
        screen = self.app.screen
        assert isinstance(screen, ResultsScreen)
        return screen


@pytest.fixture
def results_visit() -> FirstVisit:
    return make_visit(content())


@pytest.fixture
def results_open(tmp_path, monkeypatch) -> Callable[..., AsyncIterator[ResultsHarness]]:
    """Open the results screen on a bare app (no home screen), above a stand-in for the
    practice screen; drafts are recorded instead of written, and the goal stage shows a
    stand-in screen."""
    saved: list[str] = []
    monkeypatch.setattr(BalanceCoachApp, "on_mount", lambda self: None)
    monkeypatch.setattr(journey, "autosave", lambda app, visit: saved.append(visit.stage))
    monkeypatch.setattr(
        journey,
        "screen_for",
        lambda visit: GoalStandIn() if visit.stage == "goal" else ResultsScreen(visit),
    )

    from contextlib import asynccontextmanager

    @asynccontextmanager
    async def open_results(visit: FirstVisit, size: tuple[int, int] = (80, 24)):
        app = make_app(tmp_path)
        async with app.run_test(size=size) as pilot:
            await app.push_screen(PracticeStandIn())
            await app.push_screen(ResultsScreen(visit))
            await pilot.pause()
            for _ in range(100):  # the positions are drawn after the first refresh
                if str(app.screen.query_one("#positions", Static).content):
                    break
                await pilot.pause(0.02)
            yield ResultsHarness(app, pilot, visit, saved)

    return open_results


async def test_both_leans_appear_with_sign_and_quadrant(results_open, results_visit) -> None:
    result = expected_result(content(), results_visit)
    doctor, manager = result.respondents
    async with results_open(results_visit) as h:
        text = static_text(h.screen.query_one("#positions", Static))
    assert f"lean {signed(doctor.overall.lean)}, production-leaning" in text
    assert f"lean {signed(manager.overall.lean)}, patient-leaning" in text
    assert signed(doctor.overall.lean).startswith("+")
    assert signed(manager.overall.lean).startswith("−")
    assert "Doctor" in text and "Office manager" in text and "Practice average" in text


async def test_quadrant_places_both_respondents_and_the_average(
    results_open, results_visit
) -> None:
    async with results_open(results_visit) as h:
        chart = h.screen.query_one(QuadrantChart)
        lines = chart.render().plain.splitlines()
        width = chart.content_size.width
    assert all(len(line) <= width for line in lines)
    plot = "\n".join(lines[1:-3])
    for marker in ("D", "M", "◆"):
        assert plot.count(marker) == 1, marker
    line_row = next(n for n, line in enumerate(lines) if "┼" in line)
    line_col = lines[line_row].index("┼")
    d_row = next(n for n, line in enumerate(lines) if "D" in line and "│" in line)
    m_row = next(n for n, line in enumerate(lines) if "M" in line and "│" in line)
    # Doctor: structure high, people low (lower right); manager: the other way round.
    assert d_row > line_row and lines[d_row].index("D") > line_col
    assert m_row < line_row and lines[m_row].index("M") < line_col


async def test_no_long_floats_anywhere(results_open, results_visit) -> None:
    import re

    async with results_open(results_visit) as h:
        text = all_text(h.screen)
        table = h.screen.query_one("#dimension-table", DataTable)
        cells = [str(table.get_cell_at((r, c))) for r in range(table.row_count) for c in range(8)]
    assert not re.search(r"\d\.\d", text)
    assert not any(re.search(r"\d\.\d", cell) for cell in cells)


async def test_dimension_table_side_by_side_with_the_widest_marked(
    results_open, results_visit
) -> None:
    result = expected_result(content(), results_visit)
    gaps = sorted(result.comparison.dimensions, key=lambda d: -abs(d.lean or 0))
    async with results_open(results_visit) as h:
        await h.pilot.press("2")
        assert h.screen.query_one(TabbedContent).active == "dimensions"
        table = h.screen.query_one("#dimension-table", DataTable)
        assert table.row_count == 8  # seven dimensions and the overall row
        widest = str(table.get_cell(gaps[0].dimension, "difference"))
        metrics_doctor = str(table.get_cell("metrics", "0-s"))
        overall = str(table.get_cell("overall", "difference"))
        note = static_text(h.screen.query_one("#dimension-gaps", Static))
    assert widest.endswith("◀") and widest.startswith("+")
    doc_metrics = result.respondents[0].dimensions["metrics"].structure
    assert metrics_doctor == f"{doc_metrics:.0f}"
    assert not overall.endswith("◀")
    bank = content().questions
    assert f"{bank.dimensions[gaps[0].dimension].name}: {abs(gaps[0].lean):.0f} points apart" in (
        note.replace("\n", " ")
    )


async def test_culture_reading_for_each(results_open, results_visit) -> None:
    result = expected_result(content(), results_visit)
    async with results_open(results_visit) as h:
        cultures = [static_text(w) for w in h.screen.query(".culture").results(Static)]
    assert len(cultures) == 2
    for text, r in zip(cultures, result.respondents, strict=True):
        flat = " ".join(text.split())
        assert r.culture is not None
        assert r.culture.text in flat
        assert r.culture.evidence in flat


async def test_top_prompt_shows_statement_ratings_and_question(results_open, results_visit) -> None:
    top = expected_result(content(), results_visit).comparison.prompts[0]
    async with results_open(results_visit) as h:
        await h.pilot.press("3")
        first = h.screen.query(".prompt").first()
        text = " ".join(static_text(w) for w in first.query(Static))
        screenshot = h.app.export_screenshot()
    assert text.startswith(f"1. \u201c{top.text}\u201d")
    assert f"Doctor: {RATING_WORDS[top.rating_a]} ({top.rating_a})" in text
    assert f"Office manager: {RATING_WORDS[top.rating_b]} ({top.rating_b})" in text
    assert f"Ask: {top.question}" in text
    assert "1. \u201cWhen a patient hesitates over cost" in screenshot.replace("&#160;", " ")


async def test_recommendations_name_their_triggers(results_open, results_visit) -> None:
    result = expected_result(content(), results_visit)
    async with results_open(results_visit) as h:
        await h.pilot.press("4")
        await h.pilot.pause()
        boxes = list(h.screen.query(".recommendation"))
        texts = [" ".join(static_text(w) for w in box.query(Static)) for box in boxes]
    recs = [rec for r in result.respondents for rec in r.recommendations]
    assert len(texts) == len(recs) > 0
    for text, rec in zip(texts, recs, strict=True):
        flat = " ".join(text.split())
        assert rec.title in flat
        for t in rec.triggers:
            assert t.statement_id in flat
            assert f"{RATING_WORDS[t.rating]} ({t.rating})" in flat
            assert " ".join(t.text.split()) in flat


async def test_drill_down_lists_answers_in_words_and_escape_closes(
    results_open, results_visit
) -> None:
    bank = content().questions
    async with results_open(results_visit) as h:
        await h.pilot.press("m")
        modal = h.app.screen
        assert isinstance(modal, AnswersScreen)
        text = all_text(modal)
        await h.pilot.press("escape")
        assert isinstance(h.app.screen, ResultsScreen)
        await h.pilot.press("d")
        doctor_text = all_text(h.app.screen)
        await h.pilot.press("escape")
        assert isinstance(h.app.screen, ResultsScreen)
    flat = " ".join(text.split())
    assert "Office manager's answers: 41 answered, 1 skipped" in flat
    assert f"{SKIPPED} skipped" in flat
    first = bank.statement[0]
    rating = results_visit.answers["manager"][first.id]
    assert f"{first.id} {RATING_WORDS[rating]} ({rating})" in flat
    assert "Doctor's answers: 42 answered, 0 skipped" in " ".join(doctor_text.split())


async def test_c_continues_to_the_goal_and_saves(results_open, results_visit) -> None:
    async with results_open(results_visit) as h:
        await h.pilot.press("c")
        await h.pilot.pause()
        assert isinstance(h.app.screen, GoalStandIn)
    assert results_visit.stage == "goal"
    assert h.saved == ["goal"]


async def test_continue_button_continues_too(results_open, results_visit) -> None:
    async with results_open(results_visit) as h:
        await h.pilot.click("#continue")
        await h.pilot.pause()
        assert isinstance(h.app.screen, GoalStandIn)
    assert results_visit.stage == "goal"


async def test_escape_goes_back_to_the_practice(results_open, results_visit) -> None:
    async with results_open(results_visit) as h:
        await h.pilot.press("escape")
        assert isinstance(h.app.screen, PracticeStandIn)
    assert results_visit.stage == "results"


async def test_section_keys_switch_tabs(results_open, results_visit) -> None:
    async with results_open(results_visit) as h:
        tabs = h.screen.query_one(TabbedContent)
        for key, pane in (
            ("2", "dimensions"),
            ("3", "prompts"),
            ("4", "recommendations"),
            ("1", "overview"),
        ):
            await h.pilot.press(key)
            assert tabs.active == pane
            assert h.app.focused is not None and h.app.focused.id == f"{pane}-scroll"


@pytest.mark.parametrize("size", [(80, 24), (160, 50)])
async def test_nothing_is_cut_off_sideways(results_open, results_visit, size) -> None:
    async with results_open(results_visit, size=size) as h:
        for key in "1234":
            await h.pilot.press(key)
            await h.pilot.pause()
            pane = h.screen.query_one(f"#{h.screen.query_one(TabbedContent).active}-scroll")
            assert pane.max_scroll_x == 0, key
            for widget in pane.query(Static):
                if widget.display and widget.region.width:
                    assert widget.region.right <= size[0], widget
            if key == "2":
                table = h.screen.query_one("#dimension-table", DataTable)
                assert 0 < table.virtual_size.width <= table.size.width
                assert table.region.right <= size[0]
        assert h.screen.has_class("-wide") == (size[0] >= 120)


async def test_one_respondent_only(results_open) -> None:
    visit = make_visit(content())
    visit.answers["manager"] = {}
    async with results_open(visit) as h:
        text = all_text(h.screen)
    assert "Only the doctor answered" in text
    assert "they appear once both of you have answered" in " ".join(text.split())


async def test_answers_to_statements_no_longer_asked_are_left_out(results_open) -> None:
    visit = make_visit(content())
    visit.answers["doctor"]["OLD-S9"] = 4
    async with results_open(visit) as h:
        notices = [n.message for n in h.app._notifications]
        text = static_text(h.screen.query_one("#positions", Static))
    assert any("1 answer to statements that are no longer" in m for m in notices)
    assert "42 of 42 answered" in text


def test_every_binding_has_an_id_a_description_and_help() -> None:
    for screen in (ResultsScreen, AnswersScreen):
        for binding in screen.BINDINGS:
            assert binding.id and binding.description and binding.show, binding
        assert "##" in screen.HELP
    keys = {b.key for b in ResultsScreen.BINDINGS}
    assert {"c", "d", "m", "escape", "1", "2", "3", "4"} <= keys


@pytest.mark.parametrize(
    ("quadrant", "said"),
    [
        ("integrated", "an integrated"),
        ("drifting", "a drifting"),
        ("production-leaning", "a production-leaning"),
        ("patient-leaning", "a patient-leaning"),
    ],
)
def test_a_quadrant_takes_its_article(quadrant: str, said: str) -> None:
    from balancecoach.tui.screens.results import _a

    assert _a(quadrant) == said

"""The coach's workshop through Pilot: the agenda's countdown and segments on a fake
clock, names hidden on every workshop screen, coach notes in the right practice's file,
and the presenter reached from home."""

from __future__ import annotations

import datetime as dt
import importlib.util
import re
import shutil
import sys
import tomllib
from html import unescape
from pathlib import Path

import pytest
from textual.widgets import DataTable

from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.store import PracticeStore
from balancecoach.storage.workshops import create_workshop
from balancecoach.tui.app import make_app
from balancecoach.tui.screens.practice import PracticeScreen
from balancecoach.tui.screens.workshop import PresenterScreen
from balancecoach.tui.screens.workshop_views import (
    CohortScreen,
    NotesScreen,
    PromptsScreen,
    WorkshopPickerScreen,
    red_cell,
)
from balancecoach.tui.widgets.footer import KeyBar

TODAY = dt.date(2026, 11, 24)
SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"
NAMES = ("Harbour Family Dental", "Lakeside Smiles", "Northgate Dental Care")


class FakeTicker:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def cohort(root: Path) -> tuple[PracticeStore, Path]:
    """The demo practice and two copies of it under other names, and a workshop file."""
    store = PracticeStore(root)
    install_demo(store)
    source = store.layout.practice_dir(DEMO_SLUG)
    for name in NAMES[1:]:
        slug = name.lower().replace(" ", "-")
        shutil.copytree(source, store.layout.practices / slug)
        file = store.layout.practice_file(slug)
        file.write_text(
            file.read_text(encoding="utf-8").replace("Harbour Family Dental", name),
            encoding="utf-8",
        )
    return store, create_workshop(store, "Spring cohort", store.slugs())


def screen_text(app) -> str:
    """Every character on the screen, as one string (from the SVG screenshot)."""
    svg = app.export_screenshot()
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return unescape("".join(texts)).replace("\xa0", " ")


async def start(app, pilot, path: Path) -> PresenterScreen:
    app.push_screen(WorkshopPickerScreen())
    await pilot.pause()
    from balancecoach.tui.workshop import open_workshop

    app.pop_screen()
    open_workshop(app, path)
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, PresenterScreen)
    return app.screen


async def test_countdown_overrun_and_segments_on_a_fake_clock(tmp_path: Path) -> None:
    _store, path = cohort(tmp_path)
    ticker = FakeTicker()
    app = make_app(tmp_path, clock=lambda: TODAY)
    app.ticker = ticker
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(app, pilot, path)
        agenda = screen.session.agenda
        assert "10:00 left" in screen_text(app) and "paused" in screen_text(app)
        ticker.now += 300  # paused: time does not count
        screen._tick()
        assert "10:00 left" in screen_text(app)
        await pilot.press("space")
        ticker.now += 9 * 60 + 30
        screen._tick()
        await pilot.pause()
        assert "00:30 left" in screen_text(app) and "running" in screen_text(app)
        ticker.now += 90
        screen._tick()
        await pilot.pause()
        text = screen_text(app)
        assert "Over by 01:00" in text, "an overrun is shown, not hidden"
        assert screen.query_one("#ws-clock").has_class("-over")
        await pilot.press("n")
        assert agenda.current == 1 and agenda.running, "the countdown moves with you"
        ticker.now += 60
        screen._tick()
        await pilot.pause()
        text = screen_text(app)
        assert "24:00 left" in text
        assert "+1 min over" in text  # the first segment's overrun stays in the agenda
        await pilot.press("space")
        ticker.now += 600
        screen._tick()
        await pilot.pause()
        assert "24:00 left" in screen_text(app)
        await pilot.press("p")
        assert agenda.current == 0 and not agenda.running
        assert "Over by 01:00" in screen_text(app)
        for _ in range(10):
            await pilot.press("n")
        assert agenda.current == len(agenda.segments) - 1


async def test_hidden_names_stay_hidden_on_every_workshop_screen(tmp_path: Path) -> None:
    _store, path = cohort(tmp_path)
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot, path)
        assert all(n.split()[0] in screen_text(app) for n in NAMES)  # shown at first
        await pilot.press("a")
        await pilot.pause()
        seen = []

        async def check(what: str) -> None:
            await app.workers.wait_for_complete()
            await pilot.pause()
            text = screen_text(app)
            for name in NAMES:
                assert name.split()[0] not in text, f"{name} shows on {what}"
            assert "Practice A" in text or "A " in text
            seen.append(what)

        await check("the presenter view")
        for key, kind in (("c", CohortScreen), ("f", PromptsScreen), ("o", NotesScreen)):
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, kind)
            await check(kind.__name__)
            await pilot.press("escape")
            await pilot.pause()
        for _ in range(2):  # to the results segment: it opens the practice in focus
            await pilot.press("n")
        await pilot.press("]")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        await check("the practice opened from the workshop")
        assert "Practice B" in screen_text(app)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PresenterScreen)
        await check("the presenter view, back again")
        await pilot.press("a")
        await pilot.pause()
        assert "Lakeside" in screen_text(app)
    assert len(seen) == 6


async def test_notes_land_in_the_focused_practices_checkpoint_for_this_quarter(
    tmp_path: Path,
) -> None:
    store, path = cohort(tmp_path)
    before = {p: p.read_bytes() for p in sorted(tmp_path.rglob("*.toml"))}
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot, path)
        await pilot.press("]")  # the second practice
        slug = screen.session.in_focus.slug
        assert slug == "lakeside-smiles"
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        await pilot.press(*"Agreed on the huddle".replace(" ", "|").split("|")[0])
        for word in ["", "on", "the", "huddle"][1:]:
            await pilot.press("space", *word)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PresenterScreen)
    written = store.layout.checkpoint_file(slug, "2026-Q4")
    data = tomllib.loads(written.read_text(encoding="utf-8"))
    assert data["coach_notes"] == "Agreed on the huddle"
    assert data["quarter"] == "2026-Q4"
    after = {p: p.read_bytes() for p in sorted(tmp_path.rglob("*.toml"))}
    assert set(after) - set(before) == {written}, "only that practice's quarter file is new"
    for p, data_before in before.items():
        if "workshops" not in p.parts:
            assert after[p] == data_before, f"{p} changed"


async def test_home_w_makes_and_opens_a_workshop(tmp_path: Path) -> None:
    cohort(tmp_path)
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WorkshopPickerScreen)
        await pilot.press("end", "enter")  # the last entry: a new workshop with every practice
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PresenterScreen)
        assert len(app.screen.session.participants) == 3
        made = app.screen.session.path
        await pilot.press("space", "escape")
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        options = app.screen.query_one("#picker-list")
        listed = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert str(made) in listed
        options.highlighted = listed.index(str(made))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PresenterScreen)
        assert app.screen.session.agenda.running, "coming back keeps the workshop as it was"


async def test_results_that_come_back_after_escape_are_dropped(tmp_path: Path) -> None:
    """A worker's result that reaches its screen after Escape closed it (the rows, the
    prompts) is not shown, and the app carries on; what was read stays read."""
    from balancecoach.tui.screens.home import HomeScreen

    _store, path = cohort(tmp_path)
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        presenter = await start(app, pilot, path)
        closed = []
        for key in ("c", "f"):
            await pilot.press(key)
            await app.workers.wait_for_complete()
            await pilot.pause()
            closed.append(app.screen)
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        cohort_view, prompts = closed
        assert isinstance(cohort_view, CohortScreen) and isinstance(prompts, PromptsScreen)
        presenter._rows_read()  # as call_from_thread would, once the screens are gone
        cohort_view._rows_read()
        prompts._loaded(prompts.prompts or [])
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert len(presenter.session.rows) == 3


def readme_workshop(root: Path):
    """The README screenshots' workshop in `root`: the demo practice and four more with
    metrics in red and long names (scripts/screenshots.py makes them). Returns the
    script's module and the workshop file."""
    shots = sys.modules.get("screenshots")
    if shots is None:
        spec = importlib.util.spec_from_file_location("screenshots", SCRIPT)
        assert spec is not None and spec.loader is not None
        shots = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = shots
        spec.loader.exec_module(shots)
    store = PracticeStore(root)
    shots.prepare(store)
    return shots, shots.workshop_file(store)


def key_bar(app) -> str:
    """The key bar's line as drawn."""
    return str(app.screen.query_one(KeyBar).render())


def fits(table) -> bool:
    """The table's columns fit its width: no horizontal scrollbar."""
    return (
        not table.show_horizontal_scrollbar
        and table.virtual_size.width <= table.scrollable_content_region.width
    )


@pytest.mark.parametrize("size", [(80, 24), (100, 30), (120, 40)])
async def test_presenter_and_cohort_fit_the_width(tmp_path: Path, size) -> None:
    shots, path = readme_workshop(tmp_path)
    app = make_app(tmp_path, clock=lambda: shots.TODAY)
    async with app.run_test(size=size) as pilot:
        screen = await start(app, pilot, path)
        segments = screen.session.agenda.segments
        agenda = screen.query_one("#ws-agenda")
        assert agenda.size.height == 1 + len(segments), "a line per segment, and the total"
        table = screen.query_one("#ws-practices", DataTable)
        assert fits(table)
        assert any("3: " in str(cell) for cell in table.get_column_at(5)), "red cut to fit"
        bar = key_bar(app)
        for key in ("⏎ Open", "esc Home", "n Next", "f Prompts", "c Cohort", "o Notes"):
            assert key in bar, f"{key} is not on the key bar at {size}"
        for anonymous in (False, True):
            await pilot.press("c")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, CohortScreen)
            if anonymous:
                await pilot.press("a")
                await pilot.pause()
            cohort_table = app.screen.query_one("#cohort-table", DataTable)
            assert cohort_table.row_count == len(screen.session.participants)
            assert fits(cohort_table), f"the cohort table at {size}, names hidden: {anonymous}"
            assert "esc Back" in key_bar(app)
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("a")  # names shown again
        await pilot.pause()
        assert fits(table)


async def test_the_cohort_table_follows_a_change_of_width(tmp_path: Path) -> None:
    shots, path = readme_workshop(tmp_path)
    app = make_app(tmp_path, clock=lambda: shots.TODAY)
    async with app.run_test(size=(200, 40)) as pilot:
        screen = await start(app, pilot, path)
        await pilot.press("c")
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#cohort-table", DataTable)
        wide = [str(c) for c in table.get_column_at(4)]
        assert "patient-leaning → integrated" in wide
        assert fits(table)
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        assert fits(table)
        assert "→ integrated" in [str(c) for c in table.get_column_at(4)]
        await pilot.press("escape")
        await pilot.pause()
        assert fits(screen.query_one("#ws-practices", DataTable))


def test_every_workshop_key_is_in_its_screens_help() -> None:
    words = {
        "space": "Space",
        "enter": "Enter",
        "escape": "Escape",
        "right_square_bracket": "]",
        "left_square_bracket": "[",
        "down": "↓",
        "up": "↑",
        "ctrl+s": "Ctrl+S",
    }
    screens = (PresenterScreen, CohortScreen, PromptsScreen, NotesScreen, WorkshopPickerScreen)
    for screen in screens:
        for binding in screen.BINDINGS:
            for key in binding.key.split(","):
                word = words.get(key, key)
                assert f"**{word}**" in screen.HELP, f"{screen.__name__}: {key}"


@pytest.mark.parametrize(
    ("names", "width", "drawn"),
    [
        (["Case acceptance", "NPS"], 40, "Case acceptance, NPS"),
        (["Case acceptance", "NPS", "Overhead"], 26, "3: Case acceptance, NPS, …"),
        (["Case acceptance", "NPS", "Overhead"], 25, "3: Case acceptance, …"),
        (["Case acceptance", "NPS", "Overhead"], 24, "3: Case acceptance, …"),
        (["Case acceptance", "NPS", "Overhead"], 12, "3: Case acc…"),
        (["Case acceptance", "NPS", "Overhead"], 6, "3"),
        ([], 3, "–"),
    ],
)
def test_the_metrics_in_red_are_cut_to_their_width(names, width, drawn) -> None:
    assert red_cell(names)(width) == drawn


async def test_the_focus_moves_once_and_stays(tmp_path: Path) -> None:
    """Redrawing the rows moves the table's cursor: that is not taken for the user moving
    it (which once sent the focus back and forth for ever)."""
    _store, path = cohort(tmp_path)
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await start(app, pilot, path)
        session = screen.session
        table = screen.query_one("#ws-practices", DataTable)
        for key, focus in (("]", 1), ("]", 2), ("[", 1), ("down", 2), ("up", 1)):
            await pilot.press(key)
            for _ in range(3):
                await pilot.pause()
            assert session.focus == focus, key
            assert table.cursor_row == focus
            assert str(table.get_row_at(focus)[0]) == "▶"


async def test_the_picker_opens_the_first_workshop_on_enter(tmp_path: Path) -> None:
    _store, path = cohort(tmp_path)
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, WorkshopPickerScreen)
        bar = key_bar(app)
        assert "⏎ Open" in bar and "esc Back" in bar
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PresenterScreen)
        assert app.screen.session.path == path.resolve()


async def test_brackets_in_names_titles_and_paths_show_as_written(tmp_path: Path) -> None:
    """A practice name, a segment title and a data directory with brackets in them are
    shown as written on every workshop screen, never read as markup (which ended the app)."""
    root = tmp_path / "data [North] [/"
    store, path = cohort(root)
    file = store.layout.practice_file("lakeside-smiles")
    file.write_text(
        file.read_text(encoding="utf-8").replace("Lakeside Smiles", "Lakeside [/] Smiles [b]"),
        encoding="utf-8",
    )
    text = path.read_text(encoding="utf-8")
    second = re.findall(r'^title = "(.*)"$', text, flags=re.M)[2]  # the second segment's
    path.write_text(text.replace(f'"{second}"', '"Wrap [North] [/"', 1), encoding="utf-8")
    app = make_app(root, clock=lambda: TODAY)
    async with app.run_test(size=(120, 40)) as pilot:
        await start(app, pilot, path)
        assert "Next: Wrap [North] [/" in screen_text(app)
        assert "Lakeside [/] Smiles [b]" in screen_text(app)
        await pilot.press("]")  # Lakeside in focus
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PromptsScreen)
        assert "Lakeside [/] Smiles [b]" in screen_text(app)
        await pilot.press("escape", "o")
        await pilot.pause()
        assert isinstance(app.screen, NotesScreen)
        assert "Coach notes · Lakeside [/] Smiles [b]" in screen_text(app)
        await pilot.press("escape", "escape")
        await pilot.pause()
        app.push_screen(WorkshopPickerScreen())
        await pilot.pause()
        # the path may wrap: compare without the spaces and line ends
        squeezed = "".join(screen_text(app).split())
        assert "".join(f"Workshop files are kept in {root}".split()) in squeezed

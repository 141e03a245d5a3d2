"""The coach's workshop through Pilot: the agenda's countdown and segments on a fake
clock, names hidden on every workshop screen, coach notes in the right practice's file,
and the presenter reached from home."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tomllib
from html import unescape
from pathlib import Path

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
)

TODAY = dt.date(2026, 11, 24)
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

"""Text from the user or their files is shown as written, never read as markup.

Textual reads `[...]` in a str given to Static, Label, notify, an option's prompt or a
DataTable cell as markup: "Smile [/] Dental" ended the app with a MarkupError ("auto
closing tag ('[/]') has nothing to close") and "Dr [b]Lee" was shown bold with its
brackets eaten. Here a practice whose name, scoreboard, plan, notes, commitments and
reflections, and even the data directory's path, hold such brackets is walked through
home, the practice, a first visit, a quarterly revisit and the creation of a practice
whose typed name has brackets. Pilot raises, at the end of `run_test`, any exception the
app ended with; each test also checks the bracketed text is on screen as written.
Notifications are drawn (`run_test` leaves them out unless asked), since a toast is
markup too.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
import tomlkit
from rich.console import Console
from textual.content import Content
from textual.widgets import DataTable, Input, Static
from textual.widgets._toast import Toast

from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import demo_source
from balancecoach.tui.app import make_app
from balancecoach.tui.screens.assessment import AssessmentScreen, HandOverScreen, ReviewScreen
from balancecoach.tui.screens.goal import GoalScreen
from balancecoach.tui.screens.home import HomeScreen
from balancecoach.tui.screens.metrics import MetricsScreen
from balancecoach.tui.screens.new_practice import NewPracticeScreen
from balancecoach.tui.screens.plan import PlanScreen
from balancecoach.tui.screens.practice import PracticeScreen
from balancecoach.tui.screens.results import AnswersScreen, ResultsScreen
from balancecoach.tui.screens.revisit_actuals import ActualsScreen
from balancecoach.tui.screens.revisit_commitments import CommitmentsScreen
from balancecoach.tui.screens.revisit_progress import ProgressScreen
from balancecoach.tui.screens.revisit_pulse import PulseHandOverScreen, PulseScreen
from balancecoach.tui.screens.revisit_reflections import ReflectionsScreen
from balancecoach.tui.screens.revisit_review import ReviewCommitmentsScreen
from balancecoach.tui.screens.revisit_saved import RevisitSavedScreen
from balancecoach.tui.screens.saved import SavedScreen
from balancecoach.tui.widgets.title import TitleBar

TODAY = dt.date(2026, 11, 24)
STATEMENTS = load_content().questions.statement
PULSE = load_content().questions.pulse()

#: An auto-closing tag with nothing to close (a MarkupError), a style, an action, and a
#: capitalised word in brackets (which Rich's escape leaves alone and Textual eats).
BAD, BOLD, CLICK, WORD = "[/]", "[b]x[/b]", "[@click=app.quit]q[/]", "[North]"
TRICKY = f"{BAD} {BOLD} {CLICK} {WORD}"
NAME = f"Smile {TRICKY} Dental"
METRIC_ID = f"own {BAD} {BOLD}"
PRACTICE_ID = f"own {BAD} huddle {BOLD}"
SLUG = "smile-dental"


# --- the data directory -------------------------------------------------------------------


def _demo(name: str) -> tomlkit.TOMLDocument:
    return tomlkit.parse((demo_source() / name).read_text(encoding="utf-8"))


def write_practice(root: Path) -> None:
    """The demo practice, renamed, with a metric and a plan practice of its own and brackets
    in every text a person writes; one checkpoint file that does not load."""
    folder = root / "practices" / SLUG
    (folder / "checkpoints").mkdir(parents=True)

    practice = _demo("practice.toml")
    practice["practice"]["name"] = NAME
    practice["practice"]["demo"] = False
    for item in practice["plan"]:
        item["note"] = f"note {TRICKY}"
    practice["metric"].append(
        {"id": METRIC_ID, "owner": "both", "target": {"kind": "at_least", "value": 1}}
    )
    practice["plan"].append(
        {"practice": PRACTICE_ID, "owner": "both", "cadence": "weekly", "note": TRICKY}
    )
    (folder / "practice.toml").write_text(tomlkit.dumps(practice), encoding="utf-8")

    for quarter in ("2025-Q3", "2025-Q4"):
        checkpoint = _demo(f"checkpoints/{quarter}.toml")
        checkpoint["coach_notes"] = f"coach {TRICKY}"
        for person in checkpoint["respondent"]:
            person["working"] = f"working {TRICKY}"
            person["improve"] = f"improve {TRICKY}"
        for entry in checkpoint["adherence"]:
            entry["note"] = f"kept {TRICKY}"
        checkpoint["adherence"].append({"practice": PRACTICE_ID, "kept": "partly", "note": BOLD})
        for kind in ("review", "commitment"):
            for n, entry in enumerate(checkpoint[kind], start=1):
                entry["text"] = f"{kind} {n} {TRICKY}"
                entry["note"] = f"{kind} note {TRICKY}"
                if kind == "commitment":
                    entry["status"] = "open"
        (folder / "checkpoints" / f"{quarter}.toml").write_text(
            tomlkit.dumps(checkpoint), encoding="utf-8"
        )
    # a file that does not load: its message quotes what it holds
    (folder / "checkpoints" / "2024-Q1.toml").write_text(
        f'schema_version = 1\nquarter = "{BAD} {BOLD}"\ndate = 2024-03-30\n', encoding="utf-8"
    )


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A data directory whose own path holds brackets (its "[/b]" makes a folder too)."""
    path = tmp_path / f"data {BAD} {BOLD}"
    path.mkdir(parents=True)
    return path


@pytest.fixture
def practice_root(root: Path) -> Path:
    write_practice(root)
    return root


# --- reading the screen -------------------------------------------------------------------


def plain(widget: Static) -> str:
    """What a Static (or a toast, or the title bar) shows, as plain text."""
    visual = widget.visual
    if isinstance(visual, Content):
        return visual.plain
    console = Console(width=400, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


def shown(screen, selector: str) -> str:
    return plain(screen.query_one(selector, Static))


def title(app) -> str:
    return plain(app.screen.query_one(TitleBar))


def toasts(app) -> str:
    """Every notification on screen, drawn."""
    return "\n".join(str(toast.render()) for toast in app.screen.query(Toast))


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def toward(pole: str) -> list[str]:
    return ["5" if (s.pole == pole) != s.reverse else "1" for s in STATEMENTS]


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def open_practice(app, pilot) -> PracticeScreen:
    await settle(app, pilot)
    assert isinstance(app.screen, HomeScreen)
    await pilot.press("enter")  # the only practice
    await settle(app, pilot)
    assert isinstance(app.screen, PracticeScreen)
    return app.screen


# --- the tests ----------------------------------------------------------------------------


async def test_home_and_the_practice_show_brackets_as_written(practice_root: Path) -> None:
    app = make_app(practice_root, clock=lambda: TODAY)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        assert home.query_one(DataTable).get_row_at(0)[0].plain == NAME
        assert str(practice_root) in shown(home, "#home-status")

        screen = await open_practice(app, pilot)
        # the file that does not load is named in a notification, path and all
        assert str(practice_root) in toasts(app)
        assert f"{BAD} {BOLD}" in toasts(app)
        assert shown(screen, "#practice-name") == NAME
        summary = shown(screen, "#practice-summary")
        assert f"{METRIC_ID}: ≥ 1, owner both" in summary
        assert f"{PRACTICE_ID}: weekly, owner both" in summary
        assert f"got '{BAD} {BOLD}'" in summary  # the problem, quoted from the file
        assert str(practice_root) in title(app)

        await pilot.press("e")  # the report: its paths are in the data directory
        await settle(app, pilot)
        assert str(practice_root / "reports" / f"{SLUG}-2025-Q4") in toasts(app)
        assert app.is_running


async def test_a_first_visit_shows_brackets_as_written(practice_root: Path) -> None:
    app = make_app(practice_root, clock=lambda: TODAY)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await open_practice(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert NAME in title(app)

        await pilot.press(*toward("structure"))
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, HandOverScreen)
        assert NAME in title(app)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*toward("people"), "f")
        await settle(app, pilot)

        assert isinstance(app.screen, ResultsScreen)
        assert NAME in title(app)
        for key in ("2", "3", "4", "1"):
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, AnswersScreen)
        await pilot.press("escape", "c")
        await settle(app, pilot)

        assert isinstance(app.screen, GoalScreen)
        assert NAME in title(app)
        for value in ("310k", "72k", "62k", "48k", "36k", "18k", "44k", "240k", "30k", "50k"):
            await pilot.press(*value, "enter")
        await pilot.press("9", "7")
        await pilot.pause(0.4)
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        assert isinstance(app.screen, MetricsScreen)
        assert NAME in title(app)
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, PlanScreen)
        assert NAME in title(app)
        await pilot.press("space", "c")
        await settle(app, pilot)

        assert isinstance(app.screen, SavedScreen)
        assert app.screen.state == "saved"
        assert NAME in title(app)
        assert shown(app.screen, "#saved-title") == f"✓ The first visit of {NAME} is saved."
        summary = shown(app.screen, "#saved-summary")
        assert str(practice_root / "practices" / SLUG / "practice.toml") in summary
        assert f"--data-dir '{practice_root}'" in summary
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, HomeScreen)
        assert app.is_running


async def test_a_revisit_shows_brackets_as_written(practice_root: Path) -> None:
    bad_csv = practice_root / f"figures {BAD} {WORD}.csv"  # "[/]" makes a folder "figures ["
    bad_csv.parent.mkdir(parents=True, exist_ok=True)
    bad_csv.write_text(f"quarter,metric,input,value\n2026-Q4,nps,promoters,{BOLD}\n", "utf-8")
    good_csv = practice_root / f"figures {BOLD}.csv"
    good_csv.parent.mkdir(parents=True, exist_ok=True)
    good_csv.write_text(
        f"metric,input,value,{WORD} {BAD}\ncase_acceptance,accepted,31,x\n"
        "case_acceptance,presented,50,x\n",
        encoding="utf-8",
    )
    app = make_app(practice_root, clock=lambda: TODAY)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await open_practice(app, pilot)
        await pilot.press("q")
        await settle(app, pilot)

        # last quarter's commitments and the plan, with a note typed with brackets
        assert isinstance(app.screen, ReviewCommitmentsScreen)
        assert NAME in title(app)
        await pilot.press("tab")
        await type_text(pilot, f"typed {TRICKY}")
        await pilot.press("enter", "1", *["2"] * 9)
        assert app.screen.revisit.review[0]["note"] == f"typed {TRICKY}"
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        # the quarter's figures: a figure typed with brackets, and two CSV files
        assert isinstance(app.screen, ActualsScreen)
        assert NAME in title(app)
        await type_text(pilot, BAD)
        assert f"'{BAD}' is not a number" in shown(app.screen, "#result-case_acceptance")
        assert f"'{BAD}' is not a number" in shown(app.screen, "#actuals-status")
        await pilot.press("ctrl+n")  # refused, with the reason
        await pilot.pause()
        assert isinstance(app.screen, ActualsScreen)
        assert f"'{BAD}' is not a number" in toasts(app)
        await pilot.press(*["backspace"] * len(BAD))

        box = app.screen.query_one("#csv-path", Input)
        for path in (bad_csv, good_csv):
            box.value = str(path)
            box.focus()
            await pilot.press("enter")
            await settle(app, pilot)
            report = shown(app.screen, "#csv-report")
            assert str(path) in report
            if path == bad_csv:
                assert f"'{BOLD}' is not a number" in report
        assert f"Columns not used: {WORD} {BAD}." in report
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        # the pulse, then reflections typed with brackets
        assert isinstance(app.screen, PulseScreen)
        await pilot.press(*["4"] * len(PULSE), "f")
        await pilot.pause()
        assert isinstance(app.screen, PulseHandOverScreen)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(*["3"] * len(PULSE), "f")
        await settle(app, pilot)
        assert isinstance(app.screen, ReflectionsScreen)
        await type_text(pilot, TRICKY)
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        assert isinstance(app.screen, ProgressScreen)
        assert NAME in title(app)
        for key in ("2", "3", "4", "5", "6", "1"):
            await pilot.press(key)
            await pilot.pause()
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        # next quarter's commitments: a due date typed with brackets is refused, with why
        assert isinstance(app.screen, CommitmentsScreen)
        screen = app.screen
        g = screen._generation
        for i in range(3):
            screen.query_one(f"#text-{g}-{i}", Input).value = f"next {i} {TRICKY}"
        screen.query_one(f"#due-{g}-0", Input).value = BAD
        await pilot.pause()
        assert f"'{BAD}' is not a date" in shown(screen, "#commitments-status")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CommitmentsScreen)
        assert f"'{BAD}' is not a date" in toasts(app)
        screen.query_one(f"#due-{g}-0", Input).value = "2027-03-31"
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)

        assert isinstance(app.screen, RevisitSavedScreen)
        assert app.screen.state == "saved"
        assert shown(app.screen, "#revisit-saved-title") == (
            f"✓ The 2026-Q4 checkpoint of {NAME} is saved."
        )
        summary = shown(app.screen, "#revisit-saved-summary")
        assert f"next 0 {TRICKY}" in summary
        assert str(practice_root) in summary
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PracticeScreen)
        assert shown(app.screen, "#practice-name") == NAME
        assert app.is_running


async def test_a_new_practice_typed_with_brackets(root: Path) -> None:
    app = make_app(root, clock=lambda: TODAY)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)  # the demo is installed on the first run
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, NewPracticeScreen)
        await type_text(pilot, NAME)
        await pilot.press("enter", "backspace", "2", "ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert NAME in title(app)
        await pilot.press("4", "escape")  # leave: every answer is kept as a draft
        await settle(app, pilot)

        home = app.screen
        assert isinstance(home, HomeScreen)
        names = [home.query_one(DataTable).get_row_at(i)[0].plain for i in range(2)]
        assert NAME in names
        assert f"An unfinished assessment for {NAME} was saved" in shown(home, "#drafts")
        await pilot.press("r")  # resume it
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert app.is_running


async def test_damaged_drafts_are_named_as_written(practice_root: Path) -> None:
    drafts = practice_root / "drafts"
    drafts.mkdir()
    for kind in ("assessment", "checkpoint"):
        (drafts / f"{kind}-{SLUG}.toml").write_text(
            f'schema_version = 1\nkind = "{BAD} {BOLD}"\npractice = "{SLUG}"\n', encoding="utf-8"
        )
    app = make_app(practice_root, clock=lambda: TODAY)
    async with app.run_test(size=(100, 30), notifications=True) as pilot:
        await settle(app, pilot)
        assert f"An unfinished assessment for {NAME} could not be read." in shown(
            app.screen, "#drafts"
        )
        await open_practice(app, pilot)
        await pilot.press("a")  # the damaged draft is left, and a new visit starts
        await settle(app, pilot)
        assert isinstance(app.screen, AssessmentScreen)
        assert f"says '{BAD} {BOLD}'" in toasts(app)
        assert str(drafts) in toasts(app)
        await pilot.press("escape")
        await settle(app, pilot)
        app.clear_notifications()
        await pilot.press("q")
        await settle(app, pilot)
        assert isinstance(app.screen, ReviewCommitmentsScreen)
        assert f"says '{BAD} {BOLD}'" in toasts(app)
        assert app.is_running

#!/usr/bin/env python3
"""The README's screenshots, taken from the real app.

    .venv/bin/python scripts/screenshots.py              # write every shot
    .venv/bin/python scripts/screenshots.py home goal    # only these
    .venv/bin/python scripts/screenshots.py --check      # reach every screen, write nothing
    .venv/bin/python scripts/screenshots.py --list       # the shots, one a line

Each shot starts the app (`make_app`) on a fresh temporary data directory holding a copy of
the demo practice and one new practice, with the date fixed at TODAY, moves to one screen
and writes it as `docs/screenshots/<name>.svg`. The data directory is the relative path
`balancecoach-data`, so the header reads the same on every machine: running the script
twice writes byte-identical files.

The workshop shots add four synthetic practices, labelled demo, written by
`scripts/make_demo.py` from fixed seeds, and open `examples/workshop.toml` naming all five
with a steady clock that only the script moves, so the countdown reads the same every time.

A new screen for the README is one entry more in SHOTS: a name, its caption, the screen
class it must reach, and the moves that reach it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import dataclasses
import datetime as dt
import importlib.util
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing

from textual.pilot import Pilot  # noqa: E402
from textual.widgets import Input  # noqa: E402

from balancecoach.core.content import Statement  # noqa: E402
from balancecoach.core.records import Practice, Quarter  # noqa: E402
from balancecoach.storage.catalogs import load_content  # noqa: E402
from balancecoach.storage.demo import DEMO_SLUG, install_demo  # noqa: E402
from balancecoach.storage.store import PracticeStore  # noqa: E402
from balancecoach.storage.workshops import practice_entries, workshops_folder  # noqa: E402
from balancecoach.tui import journey  # noqa: E402
from balancecoach.tui import revisit as revisit_flow  # noqa: E402
from balancecoach.tui.app import BalanceCoachApp, make_app  # noqa: E402
from balancecoach.tui.flow import FirstVisit  # noqa: E402
from balancecoach.tui.screens.workshop import PresenterScreen  # noqa: E402
from balancecoach.tui.workshop import open_workshop  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
SIZE = (100, 30)
#: The date every shot sees: early in the quarter after the demo's last checkpoint.
TODAY = dt.date(2026, 2, 10)
DATA = "balancecoach-data"
NEW_PRACTICE = "Northside Dental"

Reach = Callable[[Pilot], Awaitable[None]]


@dataclass(frozen=True)
class Shot:
    """One screenshot: the file name (without .svg), the README's caption, the class of the
    screen it shows, and the moves from the home screen that reach it."""

    name: str
    caption: str
    screen: str
    reach: Reach


# --- the practices the shots show -------------------------------------------------------


def prepare(store: PracticeStore) -> str:
    """The demo practice and a new one (no checkpoint yet); returns the new one's slug."""
    install_demo(store)
    return store.create_practice(
        Practice.model_validate(
            {
                "practice": {"name": NEW_PRACTICE, "providers": 2, "created": TODAY},
                "calendar": {"working_days": 190, "clinical_hours_per_day": 8},
            }
        )
    )


def ratings(statements: Iterable[Statement], pattern: dict[str, Sequence[int]]) -> dict[str, int]:
    """Answers that agree with each pole's statements to the degree the pattern gives,
    cycling through it (reverse-keyed statements answered the other way round, as a
    person who means the same thing would)."""
    out: dict[str, int] = {}
    seen = {"structure": 0, "people": 0}
    for statement in statements:
        cycle = pattern[statement.pole]
        want = cycle[seen[statement.pole] % len(cycle)]
        seen[statement.pole] += 1
        out[statement.id] = 6 - want if statement.reverse else want
    return out


#: The doctor leans toward production, the office manager toward patients.
DOCTOR = {"structure": (5, 4, 4, 5, 3), "people": (2, 3, 2, 4)}
MANAGER = {"structure": (3, 2, 3, 4), "people": (4, 5, 4, 5, 3)}
#: A quarter later, on the pulse statements, both are closer to the middle.
DOCTOR_PULSE = {"structure": (5, 4), "people": (4, 4, 3)}
MANAGER_PULSE = {"structure": (4, 4, 3), "people": (5, 4)}

#: The goal form as a manager might type it (the figures of examples/goal.toml).
GOAL_FIELDS = {
    "payroll": "310k",
    "rent": "$72,000",
    "supplies": "62,000",
    "lab": "48000",
    "equipment_loans": "36000",
    "marketing": "18000",
    "other": "44000",
    "doctor_compensation": "240,000",
    "debt_service": "30000",
    "profit": "50000",
    "collection_rate": "97",
    "working_days": "192",
    "hours": "8",
    "providers": "2",
    "last_production": "900000",
    "last_collections": "868000",
}
METRICS = [
    {"id": "case_acceptance", "owner": "doctor", "target": {"kind": "at_least", "value": 70.0}},
    {"id": "pre_appointment", "owner": "manager", "target": {"kind": "at_least", "value": 90.0}},
    {"id": "collection_rate", "owner": "manager", "target": {"kind": "at_least", "value": 98.0}},
    {"id": "patient_retention", "owner": "both", "target": {"kind": "at_least", "value": 85.0}},
]
PLAN = [
    {"practice": "quarterly_partnership_checkpoint", "owner": "both", "cadence": "quarterly"},
    {"practice": "daily_huddle", "owner": "manager", "cadence": "daily"},
    {"practice": "monthly_financial_review", "owner": "both", "cadence": "monthly"},
]

#: The quarter's raw figures for the demo's scoreboard.
DEMO_FIGURES = {
    "case_acceptance": {"accepted": "30", "presented": "50"},
    "pre_appointment": {"booked": "812", "hygiene_visits": "900"},
    "patient_retention": {"returned": "1950", "active_last_year": "2300"},
    "nps": {"promoters": "52", "passives": "20", "detractors": "8"},
    "production_per_hour": {"production": "262000", "clinical_hours": "384"},
}


def first_visit(app: BalanceCoachApp, stage: str) -> FirstVisit:
    """The new practice's first visit at `stage`, with everything before it filled in."""
    content = app.content
    slug = next(s for s in app.store.slugs() if s != DEMO_SLUG)
    visit = FirstVisit(slug=slug, practice_name=NEW_PRACTICE, stage=stage)  # type: ignore[arg-type]
    if stage == "assessment":
        doctor = ratings(content.questions.statement, DOCTOR)
        first = [s.id for s in content.questions.statement][:5]
        visit.answers["doctor"] = {k: doctor[k] for k in first}
        visit.position["doctor"] = len(first)
        return visit
    visit.turn = 1
    statements = content.questions.statement
    visit.answers = {
        "doctor": ratings(statements, DOCTOR),
        "manager": ratings(statements, MANAGER),
    }
    if stage in ("goal", "metrics", "plan"):
        visit.goal_fields = dict(GOAL_FIELDS)
    if stage == "plan":
        visit.metrics = [dict(m, target=dict(m["target"])) for m in METRICS]
        visit.plan = [dict(p) for p in PLAN]
    return visit


def demo_revisit(app: BalanceCoachApp, stage: str) -> revisit_flow.Revisit:
    """The demo's revisit for TODAY's quarter, filled in up to `stage`."""
    store = app.store
    practice = store.load_practice(DEMO_SLUG)
    checkpoints, _problems = store.load_checkpoints(DEMO_SLUG)
    r = revisit_flow.new_revisit(DEMO_SLUG, practice, checkpoints, TODAY)
    r.context = revisit_flow.RevisitContext(practice, checkpoints)
    marks = ("done", "partly", "not")
    for i, commitment in enumerate(r.review):
        commitment["status"] = marks[i % len(marks)]
    kept = ("kept", "kept", "partly", "kept", "not", "kept")
    for i, entry in enumerate(r.adherence.values()):
        entry["kept"] = kept[i % len(kept)]
    scoreboard = [m.id for m in practice.metric]
    missing = [m for m in scoreboard if m not in DEMO_FIGURES]
    if missing:
        raise SystemExit(
            f"screenshots: the demo's scoreboard has {', '.join(missing)}, which DEMO_FIGURES "
            "in scripts/screenshots.py has no figures for; add them there"
        )
    r.metric_fields = {m: dict(DEMO_FIGURES[m]) for m in scoreboard}
    r.financial_fields = {"production": "262000", "collections": "254000"}
    if stage in ("progress", "commitments"):
        pulse = app.content.questions.pulse()
        r.answers = {
            "doctor": ratings(pulse, DOCTOR_PULSE),
            "manager": ratings(pulse, MANAGER_PULSE),
        }
        r.turn = 1
        r.reflections = {
            "doctor": {"working": "Morning huddles start on time.", "improve": ""},
            "manager": {"working": "Fewer gaps in the hygiene book.", "improve": ""},
        }
    r.stage = stage  # type: ignore[assignment]
    return r


#: The workshop's other practices: (make_demo.py cohort story, name). The stories are chosen
#: to stand in four different quadrants, one pair of partners far apart.
WORKSHOP_COHORT = (
    (10, "Lakeside Smiles (demo)"),
    (2, "Bayview Family Dentistry (demo)"),
    (3, "Northgate Dental Care (demo)"),
    (5, "Riverside Dental (demo)"),
)
WORKSHOP_EXAMPLE = ROOT / "examples" / "workshop.toml"
#: (key, seconds on the workshop clock after it): the room ran two minutes over on the
#: welcome, kept to the pulse's twenty and is seven and a half minutes into the third part.
WORKSHOP_PACE = (("space", 12 * 60), ("n", 20 * 60), ("n", 7 * 60 + 30))


def make_demo():  # -> the scripts/make_demo.py module, loaded once
    if "make_demo" in sys.modules:
        return sys.modules["make_demo"]
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def workshop_file(store: PracticeStore) -> Path:
    """The other practices written into the data directory, and examples/workshop.toml
    naming the demo and them, dated TODAY, in its workshops/ folder."""
    import tomlkit

    generator = make_demo()
    last = Quarter.of(TODAY).previous()  # the demo's last checkpoint is of this quarter too
    slugs = [DEMO_SLUG]
    for index, name in WORKSHOP_COHORT:
        story = dataclasses.replace(generator.cohort_story(index, 8, last), name=name)
        slugs.append(generator.write(story, load_content(), store.root))
    doc = tomlkit.parse(WORKSHOP_EXAMPLE.read_text(encoding="utf-8"))
    doc["date"] = TODAY
    doc["practice"] = practice_entries(slugs)
    path = workshops_folder(store) / WORKSHOP_EXAMPLE.name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(tomlkit.dumps(doc), encoding="utf-8")
    return path


class WorkshopClock:
    """The workshop's countdown clock (the app's `ticker`), moved only by the script."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


# --- moves ------------------------------------------------------------------------------


async def settle(pilot: Pilot) -> None:
    """Let workers (loading, drawing charts) finish and the screen redraw; stop cursors
    blinking so a shot does not depend on the moment it was taken."""
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
    for box in app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def home(pilot: Pilot) -> None:
    await settle(pilot)


async def demo_practice(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("d")
    await settle(pilot)


def visit_at(stage: str, *keys: str) -> Reach:
    async def reach(pilot: Pilot) -> None:
        await settle(pilot)
        app = pilot.app
        await app.push_screen(journey.screen_for(first_visit(app, stage)))
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return reach


def revisit_at(stage: str, *keys: str) -> Reach:
    async def reach(pilot: Pilot) -> None:
        await settle(pilot)
        app = pilot.app
        await app.push_screen(revisit_flow.screen_for(demo_revisit(app, stage)))
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return reach


def workshop_at(*keys: str, anonymous: bool = False) -> Reach:
    """The presenter view of the workshop, WORKSHOP_PACE into the agenda, then `keys`."""

    async def reach(pilot: Pilot) -> None:
        await settle(pilot)
        app = pilot.app
        clock = WorkshopClock()
        app.ticker = clock
        open_workshop(app, workshop_file(app.store), anonymous=anonymous)
        await settle(pilot)
        presenter = app.screen
        if not isinstance(presenter, PresenterScreen):
            return  # the workshop did not open: take() names the screen reached instead
        for key, seconds in WORKSHOP_PACE:
            await pilot.press(key)
            clock.now += seconds
        presenter.show()  # redraw the countdown now, not at its next half-second tick
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return reach


SHOTS: tuple[Shot, ...] = (
    Shot("home", "Home: the practices in the data directory", "HomeScreen", home),
    Shot("practice", "The demo practice at a glance", "PracticeScreen", demo_practice),
    Shot(
        "assessment",
        "The doctor's assessment, one statement at a time",
        "AssessmentScreen",
        visit_at("assessment"),
    ),
    Shot(
        "results",
        "Results: both partners on the quadrant",
        "ResultsScreen",
        visit_at("results"),
    ),
    Shot(
        "results-prompts",
        "Results: the statements rated furthest apart, as conversation prompts",
        "ResultsScreen",
        visit_at("results", "3"),
    ),
    Shot("goal", "The goal, derived as you type", "GoalScreen", visit_at("goal")),
    Shot(
        "goal-explanation",
        "How this goal was created",
        "GoalScreen",
        visit_at("goal", "f2"),
    ),
    Shot(
        "metrics",
        "A balanced scoreboard, with targets and owners",
        "MetricsScreen",
        visit_at("metrics"),
    ),
    Shot("plan", "The communication plan", "PlanScreen", visit_at("plan")),
    Shot(
        "revisit-actuals",
        "Quarterly revisit: the quarter's figures",
        "ActualsScreen",
        revisit_at("actuals"),
    ),
    Shot(
        "revisit-progress",
        "Quarterly revisit: what changed since the last checkpoint",
        "ProgressScreen",
        revisit_at("progress"),
    ),
    Shot(
        "revisit-lean",
        "Quarterly revisit: the lean chart, this quarter included",
        "ProgressScreen",
        revisit_at("progress", "2"),
    ),
    Shot(
        "workshop",
        "Workshop: the presenter view, the third part under way",
        "PresenterScreen",
        workshop_at(),
    ),
    Shot(
        "workshop-prompts",
        "Workshop: a facilitator prompt for the practice in focus",
        "PromptsScreen",
        workshop_at("f"),
    ),
    Shot(
        "workshop-cohort",
        "Workshop: the cohort view, names hidden",
        "CohortScreen",
        workshop_at("c", anonymous=True),
    ),
)


# --- taking them ------------------------------------------------------------------------


@contextlib.contextmanager
def scratch() -> Iterator[Path]:
    """A temporary working directory (restored afterwards), so the data directory's
    relative path is the same for every shot on every machine."""
    before = Path.cwd()
    saved_home = os.environ.pop("BALANCECOACH_HOME", None)
    with tempfile.TemporaryDirectory(prefix="balancecoach-shots-") as tmp:
        os.chdir(tmp)
        try:
            yield Path(tmp)
        finally:
            os.chdir(before)
            if saved_home is not None:
                os.environ["BALANCECOACH_HOME"] = saved_home


async def take(shot: Shot, size: tuple[int, int] = SIZE, export: bool = True) -> str:
    """Run the app on fresh data, reach the shot's screen, and return its SVG (or "" when
    not exporting). Raises AssertionError when the screen reached is not the one the shot
    expects."""
    with scratch():
        app = make_app(DATA, clock=lambda: TODAY)
        prepare(app.store)
        async with app.run_test(size=size) as pilot:
            await shot.reach(pilot)
            reached = type(app.screen).__name__
            if reached != shot.screen:
                raise AssertionError(f"shot {shot.name!r} reached {reached}, not {shot.screen}")
            return app.export_screenshot() if export else ""


def path_of(shot: Shot, out: Path = OUT) -> Path:
    return out / f"{shot.name}.svg"


def select(names: Sequence[str]) -> list[Shot]:
    by_name = {s.name: s for s in SHOTS}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise SystemExit(
            f"screenshots: no shot named {', '.join(unknown)}; the shots are {', '.join(by_name)}"
        )
    return [by_name[n] for n in names] if names else list(SHOTS)


def run(shots: Sequence[Shot], out: Path | None) -> list[tuple[Shot, str, float]]:
    """Take each shot; write it under `out` unless out is None. Returns (shot, svg, s)."""
    load_content()  # once, before the clock starts
    done = []
    for shot in shots:
        start = time.perf_counter()
        svg = asyncio.run(take(shot, export=out is not None))
        if out is not None:
            out.mkdir(parents=True, exist_ok=True)
            path_of(shot, out).write_text(svg, encoding="utf-8")
        done.append((shot, svg, time.perf_counter() - start))
    return done


def shown(path: Path) -> str:
    """A path as short as it reads: relative to the checkout when inside it."""
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", metavar="SHOT", help="only these shots")
    parser.add_argument("--check", action="store_true", help="reach each screen; write nothing")
    parser.add_argument("--list", action="store_true", help="list the shots and exit")
    parser.add_argument("--out", type=Path, default=OUT, help=f"folder (default {OUT})")
    args = parser.parse_args(argv)
    if os.environ.get("PYTHONHASHSEED") != "0":
        # plotext orders a chart's tick labels through a set of strings, so where the x
        # labels land depends on the hash seed: fix it, or two runs draw two charts.
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        argv = sys.argv[1:] if argv is None else list(argv)
        return subprocess.call([sys.executable, str(Path(__file__).resolve()), *argv], env=env)
    if args.list:
        for shot in SHOTS:
            print(f"{shot.name:18} {shot.screen:18} {shot.caption}")
        return 0
    shots = select(args.names)
    try:
        done = run(shots, None if args.check else args.out)
    except AssertionError as exc:
        print(f"screenshots: {exc}", file=sys.stderr)
        return 1
    for shot, _svg, seconds in done:
        where = "reached" if args.check else shown(path_of(shot, args.out))
        print(f"{shot.name:18} {seconds:5.2f} s  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

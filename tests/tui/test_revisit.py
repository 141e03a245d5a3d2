"""The quarterly revisit on a copy of the demo practice, by keyboard only: last quarter's
commitments and plan, the quarter's figures (typed, and from a CSV file), the pulse
re-assessment, reflections, progress and new commitments, then the saved checkpoint and
every earlier file unchanged byte for byte. Also: resuming a half-done revisit, and
updating a quarter that already has a checkpoint."""

from __future__ import annotations

import datetime as dt
import io
import tomllib
from pathlib import Path

from rich.console import Console
from rich.text import Text
from textual.widgets import Input, Static

from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.store import PracticeStore
from balancecoach.tui.app import make_app
from balancecoach.tui.screens.assessment import ReviewScreen
from balancecoach.tui.screens.practice import PracticeScreen
from balancecoach.tui.screens.revisit_actuals import ActualsScreen
from balancecoach.tui.screens.revisit_commitments import CommitmentsScreen
from balancecoach.tui.screens.revisit_progress import ProgressScreen
from balancecoach.tui.screens.revisit_pulse import PulseHandOverScreen, PulseScreen
from balancecoach.tui.screens.revisit_reflections import ReflectionsScreen
from balancecoach.tui.screens.revisit_review import ReviewCommitmentsScreen
from balancecoach.tui.screens.revisit_saved import RevisitSavedScreen

TODAY = dt.date(2026, 11, 24)
PULSE = load_content().questions.pulse()


async def settle(app, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def demo_store(root: Path) -> tuple[PracticeStore, dict[Path, bytes]]:
    """The demo practice installed under `root`, and every file of it as it is now."""
    store = PracticeStore(root)
    install_demo(store)
    folder = store.layout.practice_dir(DEMO_SLUG)
    return store, {p: p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


async def open_revisit(app, pilot) -> None:
    await settle(app, pilot)
    await pilot.press("d")  # the demo practice
    await settle(app, pilot)
    assert isinstance(app.screen, PracticeScreen)
    await pilot.press("q")
    await settle(app, pilot)


def shown(screen, selector: str) -> str:
    """What a Static shows, as plain text on one long line per line."""
    content = screen.query_one(selector, Static).content
    if isinstance(content, str):
        return Text.from_markup(content).plain
    console = Console(width=200, file=io.StringIO(), record=True)
    console.print(content)
    return console.export_text()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[{" ": "space"}.get(ch, ch) for ch in text])


async def test_revisit_by_keyboard_writes_the_quarter_and_leaves_the_past_alone(
    tmp_path: Path,
) -> None:
    _store, before = demo_store(tmp_path)
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_revisit(app, pilot)

        # 1. last quarter's commitments (three in the demo's 2025-Q4), then the plan (six)
        assert isinstance(app.screen, ReviewCommitmentsScreen)
        await pilot.press("1", "2", "tab")
        await type_text(pilot, "Ran out of time")
        await pilot.press("enter", "3")
        await pilot.press("1", "1", "2", "1", "3", "1")
        assert "9 of 9 marked" in shown(app.screen, "#review-status")
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        # 2. the quarter's figures, each metric's value and status shown as it is typed
        assert isinstance(app.screen, ActualsScreen)
        for figure in ("31", "50"):  # case acceptance: 62%, amber against at least 65%
            await type_text(pilot, figure)
            await pilot.press("enter")
        assert "62% = 31 of 50 patients" in shown(app.screen, "#result-case_acceptance")
        assert "amber" in shown(app.screen, "#result-case_acceptance")
        for figure in ("800", "900", "1,900", "2,300", "50", "20", "10", "$280,000", "360"):
            await type_text(pilot, figure)
            await pilot.press("enter")
        for figure in ("280k", "271,000"):
            await type_text(pilot, figure)
            await pilot.press("enter")
        assert "5 of 5 metrics entered" in shown(app.screen, "#actuals-status")
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        # 3. the pulse set: the doctor, a hand-over, then the office manager
        assert isinstance(app.screen, PulseScreen)
        assert len(app.screen.statements) == len(PULSE) == 14
        await pilot.press(*["4"] * len(PULSE))
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PulseHandOverScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PulseScreen)
        assert app.screen.revisit.role == "manager"
        assert app.screen.revisit.position["manager"] == 0  # starts afresh, sees nothing
        await pilot.press(*["5", "3"] * (len(PULSE) // 2), "f")
        await settle(app, pilot)

        # 4. reflections
        assert isinstance(app.screen, ReflectionsScreen)
        await type_text(pilot, "Huddles are short")
        await pilot.press("tab")
        await type_text(pilot, "Case acceptance")
        await pilot.press("tab")
        await type_text(pilot, "The team knows the numbers")
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        # 5. progress: what changed since 2025-Q4
        assert isinstance(app.screen, ProgressScreen)
        summary = shown(app.screen, "#show-summary")
        assert "2026-Q4, since 2025-Q4" in summary
        assert "Case acceptance: green → amber" in summary
        assert "1 of 5 metrics changed status" in summary
        assert "Commitments from 2025-Q4: 1 of 3 done, 1 partly, 1 not done" in summary
        assert "Communication plan: 4 of 6 practices kept, 1 partly, 1 not kept" in summary
        await pilot.press("ctrl+n")
        await settle(app, pilot)

        # 6. next quarter's commitments, then save
        assert isinstance(app.screen, CommitmentsScreen)
        await type_text(pilot, "Walk through the one-pager together")
        await pilot.press("tab", "enter", "up", "up", "enter")  # owner: doctor
        await pilot.press("tab", "tab")  # keep the due date, on to the next commitment
        await type_text(pilot, "Call every patient after a long procedure")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, CommitmentsScreen), "two are not enough"
        await pilot.press("ctrl+l")  # carry over the two unfinished ones from 2025-Q4
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RevisitSavedScreen)
        assert app.screen.state == "saved"
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, PracticeScreen)
        assert "2026-Q4" in shown(app.screen, "#practice-summary")

    folder = tmp_path / "practices" / DEMO_SLUG
    for path, data in before.items():
        assert path.read_bytes() == data, f"{path.name} changed"
    new = folder / "checkpoints" / "2026-Q4.toml"
    assert set(folder.rglob("*.toml")) == set(before) | {new}
    saved = tomllib.loads(new.read_text(encoding="utf-8"))
    assert saved["quarter"] == "2026-Q4"
    assert saved["date"] == TODAY
    assert saved["item_set"] == "pulse"
    assert saved["goal_effective"] == dt.date(2025, 1, 1)

    doctor, manager = saved["respondent"]
    assert doctor["role"] == "doctor" and manager["role"] == "manager"
    assert doctor["answers"] == {s.id: 4 for s in PULSE}
    assert manager["answers"] == {s.id: (5 if i % 2 == 0 else 3) for i, s in enumerate(PULSE)}
    assert doctor["scores"]["asked"] == 14 and doctor["scores"]["answered"] == 14
    assert doctor["working"] == "Huddles are short"
    assert doctor["improve"] == "Case acceptance"
    assert manager["working"] == "The team knows the numbers"
    assert manager.get("improve", "") == ""
    assert saved["scores"]["quadrant"]
    assert 0 <= saved["scores"]["agreement"] <= 100

    metrics = {m["id"]: m for m in saved["metric"]}
    assert list(metrics) == [
        "case_acceptance",
        "pre_appointment",
        "patient_retention",
        "nps",
        "production_per_hour",
    ]
    assert metrics["case_acceptance"]["inputs"] == {"accepted": 31, "presented": 50}
    assert metrics["case_acceptance"]["value"] == 62
    assert metrics["case_acceptance"]["status"] == "amber"
    assert metrics["case_acceptance"]["target"] == {"kind": "at_least", "value": 65}
    assert metrics["patient_retention"]["inputs"] == {"returned": 1900, "active_last_year": 2300}
    assert metrics["nps"]["value"] == 50
    assert metrics["production_per_hour"]["inputs"]["production"] == 280_000
    assert saved["financials"] == {"production": 280_000, "collections": 271_000}

    assert [a["kept"] for a in saved["adherence"]] == [
        "kept",
        "kept",
        "partly",
        "kept",
        "not",
        "kept",
    ]
    assert saved["adherence"][0]["practice"] == "monthly_financial_review"
    review = saved["review"]
    assert [c["status"] for c in review] == ["done", "partly", "not"]
    assert review[0]["text"] == "Hold the 2026 goal meeting in the first week of January"
    assert review[2]["note"] == "Ran out of time"
    assert review[0]["due"] == dt.date(2026, 1, 8)

    commitments = saved["commitment"]
    assert [c["text"] for c in commitments] == [
        "Walk through the one-pager together",
        "Call every patient after a long procedure",
        "Keep a quarterly checkpoint in the calendar for every quarter of 2026",
        "Add referral share to the scoreboard and agree a target for it",
    ]
    assert commitments[0]["owner"] == "doctor"
    assert commitments[1]["owner"] == "both"
    assert commitments[3]["owner"] == "manager"
    assert all(c["due"] == dt.date(2027, 3, 31) for c in commitments)
    assert all(c["status"] == "open" for c in commitments)
    assert not list((tmp_path / "drafts").glob("*.toml")), "the finished draft is removed"


async def test_leaving_mid_revisit_resumes_everything(tmp_path: Path) -> None:
    demo_store(tmp_path)
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_revisit(app, pilot)
        await pilot.press("1", "3", "ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ActualsScreen)
        await type_text(pilot, "31")
        await pilot.press("enter")
        await type_text(pilot, "50")
        await pilot.press("ctrl+q")

    again = make_app(tmp_path, clock=lambda: TODAY)
    async with again.run_test(size=(80, 24)) as pilot:
        await open_revisit(again, pilot)
        screen = again.screen
        assert isinstance(screen, ActualsScreen)
        r = screen.revisit
        assert [c["status"] for c in r.review] == ["done", "not", "open"]
        assert r.metric_fields["case_acceptance"] == {"accepted": "31", "presented": "50"}
        assert screen.query_one("#fig-case_acceptance--presented", Input).value == "50"
        assert "cannot be computed" not in shown(screen, "#result-case_acceptance")
        assert "62% = 31 of 50" in shown(screen, "#result-case_acceptance")  # shown as typed
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(again.screen, ReviewCommitmentsScreen)
        assert "2 of 9 marked" in shown(again.screen, "#review-status")


async def test_a_quarter_with_a_checkpoint_is_updated_not_overwritten(tmp_path: Path) -> None:
    store, _ = demo_store(tmp_path)
    checkpoints = tmp_path / "practices" / DEMO_SLUG / "checkpoints"
    (checkpoints / "2026-Q4.toml").write_text(
        'schema_version = 1\nquarter = "2026-Q4"\ndate = 2026-10-15\n'
        'coach_notes = "Workshop in October."  # from the coach\n\n'
        "[[metric]]\n"
        'id = "referral_share"\n'
        "inputs = {referred = 12, new_patients = 60}\n"
        "value = 20\n",
        encoding="utf-8",
    )
    earlier = {p: p.read_bytes() for p in checkpoints.glob("2025-*.toml")}
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_revisit(app, pilot)
        assert isinstance(app.screen, ReviewCommitmentsScreen)
        assert app.screen.revisit.updating
        assert any("already has a checkpoint" in n.message for n in app._notifications)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        await type_text(pilot, "40")
        await pilot.press("enter")
        await type_text(pilot, "50")
        await pilot.press("ctrl+n")  # the other metrics stay blank
        await settle(app, pilot)
        assert isinstance(app.screen, PulseScreen)
        await pilot.press("v", "f")  # nothing answered: finishing is refused
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        for _role in ("doctor", "manager"):
            await pilot.press(*["3"] * len(PULSE))
            await pilot.pause()
            await pilot.press("f")
            await pilot.pause()
            if isinstance(app.screen, PulseHandOverScreen):
                await pilot.press("enter")
                await pilot.pause()
        await settle(app, pilot)
        assert isinstance(app.screen, ReflectionsScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ProgressScreen)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        for text in ("One", "Two", "Three"):
            await type_text(pilot, text)
            await pilot.press("tab", "tab", "tab")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RevisitSavedScreen)
        assert "is updated" in shown(app.screen, "#revisit-saved-title")

    for path, data in earlier.items():
        assert path.read_bytes() == data
    text = (checkpoints / "2026-Q4.toml").read_text(encoding="utf-8")
    assert 'coach_notes = "Workshop in October."  # from the coach' in text
    saved = tomllib.loads(text)
    assert saved["date"] == TODAY
    assert [m["id"] for m in saved["metric"]] == ["case_acceptance", "referral_share"]
    assert saved["metric"][0]["value"] == 80 and saved["metric"][0]["status"] == "green"
    assert [c["text"] for c in saved["commitment"]] == ["One", "Two", "Three"]
    assert [c["status"] for c in saved["review"]] == ["open", "open", "open"]
    assert store.load_checkpoints(DEMO_SLUG)[1] == []


async def test_figures_from_a_csv_file_and_its_row_report(tmp_path: Path) -> None:
    demo_store(tmp_path)
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "quarter,metric,input,value\n"
        "2026-Q4,nps,promoters,50\n"
        "2026-Q4,nps,passives,twenty\n"
        "2026-Q4,nps,detractors,10\n"
        "2026-Q3,case_acceptance,accepted,31\n",
        encoding="utf-8",
    )
    good = tmp_path / "good.csv"
    good.write_text(
        "metric,input,value\n"
        "Case acceptance,accepted,31\n"
        "case_acceptance,presented,50\n"
        "referral_share,referred,12\n"
        "referral_share,new_patients,60\n",
        encoding="utf-8",
    )
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_revisit(app, pilot)
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, ActualsScreen)
        await pilot.press("ctrl+o")
        await type_text(pilot, str(bad))
        await pilot.press("enter")
        await settle(app, pilot)
        report = shown(app.screen, "#csv-report")
        assert f"{bad}:3: passives: 'twenty' is not a number" in report
        assert f"{bad}:5: " in report and "2026-Q3" in report
        assert "2 of 4 rows rejected; nothing was filled in." in report
        assert app.screen.revisit.metric_fields == {}

        await pilot.press(*["backspace"] * len(str(bad)))
        await type_text(pilot, str(good))
        await pilot.press("enter")
        await settle(app, pilot)
        report = shown(app.screen, "#csv-report")
        assert "filled in Case acceptance." in report
        assert "left out: Referral share of new patients." in report
        assert app.screen.revisit.metric_fields["case_acceptance"] == {
            "accepted": "31",
            "presented": "50",
        }
        assert "62% = 31 of 50 patients" in shown(app.screen, "#result-case_acceptance")

        await pilot.press("ctrl+u")
        await type_text(pilot, str(tmp_path / "missing.csv"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert "missing.csv" in shown(app.screen, "#csv-report")
        assert "Nothing was filled in." in shown(app.screen, "#csv-report")


async def test_a_practice_without_a_checkpoint_has_nothing_to_revisit(tmp_path: Path) -> None:
    from balancecoach.core.records import Practice

    store = PracticeStore(tmp_path)
    slug = store.create_practice(Practice.model_validate({"practice": {"name": "New Dental"}}))
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(PracticeScreen(slug))
        await settle(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, PracticeScreen)
        assert any("no checkpoint yet" in n.message for n in app._notifications)


async def test_adjusting_goal_and_target_dates_them_and_leaves_the_past_scored_as_it_was(
    tmp_path: Path,
) -> None:
    from textual.widgets import Select

    from balancecoach.tui import revisit as flow
    from balancecoach.tui.screens.adjust import AdjustGoalScreen, AdjustTargetsScreen

    _store, before = demo_store(tmp_path)
    folder = tmp_path / "practices" / DEMO_SLUG
    practice_file = folder / "practice.toml"
    app = make_app(tmp_path, clock=lambda: TODAY)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_revisit(app, pilot)
        revisit = app.screen.revisit
        # straight to the last step with one metric's figures entered
        revisit.metric_fields["case_acceptance"] = {"accepted": "31", "presented": "50"}
        flow.go_back(app, revisit, "commitments")
        await settle(app, pilot)
        assert isinstance(app.screen, CommitmentsScreen)
        assert "stay as they are" in shown(app.screen, "#commitments-adjusted")

        await pilot.press("ctrl+g")
        await settle(app, pilot)
        assert isinstance(app.screen, AdjustGoalScreen)
        payroll = app.screen.query_one("#goal-payroll", Input)
        assert payroll.value == "312000"  # the goal in effect, filled in
        payroll.focus()
        payroll.value = "330k"
        await pilot.pause(0.3)
        assert revisit.goal_fields["payroll"] == "330k"
        await pilot.press("ctrl+n")
        await settle(app, pilot)
        assert isinstance(app.screen, CommitmentsScreen)
        line = shown(app.screen, "#commitments-adjusted")
        assert "a new goal from 2026-11-24" in line

        await pilot.press("ctrl+t")
        await settle(app, pilot)
        assert isinstance(app.screen, AdjustTargetsScreen)
        app.screen.query_one("#metric-list").highlight("case_acceptance")
        await pilot.pause()
        assert app.screen.query_one("#target-kind", Select).value == "at_least"
        app.screen.query_one("#target-value", Input).value = "70"
        await pilot.pause()
        await pilot.press("escape")  # back keeps the change
        await settle(app, pilot)
        line = shown(app.screen, "#commitments-adjusted")
        assert "scoreboard changed from today: Case acceptance" in line

        for i, text in enumerate(("Review the new goal", "Coach case presentation", "Huddle")):
            app.screen.query_one(f"#text-{app.screen._generation}-{i}", Input).value = text
        await pilot.pause()
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, RevisitSavedScreen)
        assert app.screen.state == "saved"
        assert "a new goal from 2026-11-24" in shown(app.screen, "#revisit-saved-summary")

    # earlier checkpoints untouched byte for byte; practice.toml rewritten, comments kept
    for path, data in before.items():
        if path != practice_file:
            assert path.read_bytes() == data, f"{path.name} changed"
    text = practice_file.read_text(encoding="utf-8")
    assert before[practice_file].decode().splitlines()[:3] == text.splitlines()[:3]
    practice = tomllib.loads(text)
    goals = practice["goal"]
    assert [g["effective"] for g in goals] == [
        dt.date(2024, 1, 1),
        dt.date(2025, 1, 1),
        TODAY,
    ]
    assert goals[1]["overhead"]["payroll"] == 312_000  # the goal before stays as it was
    assert goals[2]["overhead"]["payroll"] == 330_000
    assert {k: v for k, v in goals[2].items() if k not in ("effective", "overhead")} == {
        k: v for k, v in goals[1].items() if k not in ("effective", "overhead")
    }
    board = {m["id"]: m for m in practice["metric"]}
    assert board["case_acceptance"]["target"] == {"kind": "at_least", "value": 70}
    assert board["case_acceptance"]["since"] == TODAY
    old_board = {m["id"]: m for m in tomllib.loads(before[practice_file].decode())["metric"]}
    for metric_id, m in board.items():
        if metric_id != "case_acceptance":
            assert m == old_board[metric_id], f"{metric_id} changed"

    # this quarter is scored against the goal and target in effect before the adjustment
    saved = tomllib.loads((folder / "checkpoints" / "2026-Q4.toml").read_text(encoding="utf-8"))
    assert saved["goal_effective"] == dt.date(2025, 1, 1)
    actual = next(m for m in saved["metric"] if m["id"] == "case_acceptance")
    assert actual["target"] == {"kind": "at_least", "value": 65}
    assert actual["status"] == "amber"

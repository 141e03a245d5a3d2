"""The last four screens of the first visit, driven with keys: the goal derived live as it
is typed, a balanced scoreboard, the communication plan, and the save."""

from __future__ import annotations

import importlib.util
import tomllib

import pytest
from plan_support import (
    BALANCED_METRICS,
    GOAL_FIELDS,
    PLAN,
    TODAY,
    all_text,
    content,
    highlight,
    make_app,
    make_store,
    make_visit,
    notices,
    text_of,
)
from textual.screen import Screen
from textual.widgets import Input, Select

from balancecoach.storage.locks import PracticeLock
from balancecoach.tui import journey
from balancecoach.tui.screens.goal import (
    GoalScreen,
    parse_money,
    parse_percent,
    read_goal_fields,
)
from balancecoach.tui.screens.home import HomeScreen
from balancecoach.tui.screens.metrics import (
    ChoiceList,
    MetricsScreen,
    balance_problem,
    default_target,
    goal_targets,
    people_lines,
    practice_lean,
    recommended,
    visit_result,
)
from balancecoach.tui.screens.plan import PlanScreen, ordered_practices
from balancecoach.tui.screens.saved import SavedScreen, save_visit

SIZE = (80, 24)


@pytest.fixture
def plan_store(tmp_path, monkeypatch):
    """A data directory with one practice; drafts are real when the draft store exists."""
    if importlib.util.find_spec("balancecoach.storage.drafts") is None:
        monkeypatch.setattr(journey, "autosave", lambda app, visit: None)
        monkeypatch.setattr(journey, "discard_draft", lambda app, visit: None)
    return make_store(tmp_path / "data")


@pytest.fixture
def plan_content():
    return content()


class StandIn(Screen[None]):
    """Where Escape leads in these tests (the screen before, owned by another module)."""

    def __init__(self, stage: str) -> None:
        super().__init__()
        self.stage = stage


@pytest.fixture
def stand_in_earlier(monkeypatch):
    """Escape from the goal screen leads to the results screen; stand in for it."""
    real = journey.screen_for

    def screen_for(visit):
        if visit.stage in ("assessment", "handover", "results"):
            return StandIn(visit.stage)
        return real(visit)

    monkeypatch.setattr(journey, "screen_for", screen_for)


# --- reading what is typed -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("310000", 310000),
        ("310,000", 310000),
        ("$310,000", 310000),
        ("310k", 310000),
        ("310K", 310000),
        (" $1.5M ", 1_500_000),
        ("72000.50", 72000.5),
        ("", None),
    ],
)
def test_money_is_read_the_ways_people_type_it(typed, value) -> None:
    assert parse_money(typed) == value


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("12abc", "Not an amount"),
        ("-5000", "negative"),
        ("$", "Not an amount"),
        ("5e20", "Not an amount"),
        ("9999999999999", "Too large"),
    ],
)
def test_a_bad_amount_says_why(typed, reason) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_money(typed)


@pytest.mark.parametrize(("typed", "rate"), [("97", 0.97), ("97%", 0.97), ("0.97", 0.97)])
def test_collection_rate_is_a_percentage(typed, rate) -> None:
    assert parse_percent(typed) == pytest.approx(rate)


def test_reading_the_form_ties_each_problem_to_its_field() -> None:
    reading = read_goal_fields({"payroll": "lots", "working_days": "400", "collection_rate": "0"})
    assert set(reading.errors) == {"payroll", "working_days", "collection_rate"}
    assert reading.derivation is None
    reading = read_goal_fields({"payroll": "1,000,000"})
    assert reading.problems == ["enter the collection rate (e.g. 97)"]
    reading = read_goal_fields({"collection_rate": "95"})
    assert reading.problems == ["enter the overhead and pay the goal is built from"]


def test_the_readme_example_derives_as_the_goal_command_does() -> None:
    reading = read_goal_fields(GOAL_FIELDS, TODAY)
    assert reading.derivation is not None
    assert reading.derivation.collection_goal == 910_000
    assert reading.inputs is not None and reading.inputs.overhead.payroll == 310_000
    assert reading.inputs.calendar is not None and reading.inputs.calendar.working_days == 190


# --- the goal screen -----------------------------------------------------------------------


async def test_goal_derives_live_as_it_is_typed(plan_store, plan_content) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "goal")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(GoalScreen(visit))
        await pilot.pause()
        screen = app.screen
        # calendar and providers come from practice.toml
        assert screen.query_one("#goal-working_days", Input).value == "190"
        assert screen.query_one("#goal-hours", Input).value == "8"
        assert screen.query_one("#goal-providers", Input).value == "2"
        assert "No goal yet" in text_of(screen, "#goal-headline")
        # the first empty box has the focus: payroll
        assert screen.focused is screen.query_one("#goal-payroll", Input)
        await pilot.press(*"1000000")
        for _ in range(10):  # Enter moves on box by box, down to the collection rate
            await pilot.press("enter")
        assert screen.focused is screen.query_one("#goal-collection_rate", Input)
        await pilot.press("9", "5")
        await pilot.pause(0.4)
        headline = text_of(screen, "#goal-headline")
        assert "$1,000,000" in headline
        assert "$1,052,632" in headline  # the consultants' worked figure: $1M ÷ 0.95
        explanation = text_of(screen, "#goal-lines")
        assert "Annual production goal" in explanation
        assert "$1,052,632" in explanation
        assert "÷ 190 working days" in explanation
        assert "Overhead is" in text_of(screen, "#goal-checks")
        assert text_of(screen, "#note-payroll") == "= $1,000,000"
        assert visit.goal_fields["payroll"] == "1000000"
        assert visit.goal_fields["collection_rate"] == "95"


async def test_goal_accepts_money_typed_with_symbols_and_k(plan_store, plan_content) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "goal")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(GoalScreen(visit))
        await pilot.pause()
        await pilot.press(*"$310,000", "enter", *"72k")
        await pilot.pause(0.4)
        assert text_of(app.screen, "#note-payroll") == "= $310,000"
        assert text_of(app.screen, "#note-rent") == "= $72,000"


async def test_a_bad_value_is_marked_with_its_reason_and_continue_refused(
    plan_store, plan_content
) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "goal")
    visit.goal_fields.update(GOAL_FIELDS)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(GoalScreen(visit))
        await pilot.pause()
        screen = app.screen
        assert "$910,000" in text_of(screen, "#goal-headline")
        rent = screen.query_one("#goal-rent", Input)
        rent.focus()
        await pilot.press("end", "x", "y")
        await pilot.pause(0.4)
        assert "Not an amount" in text_of(screen, "#note-rent")
        assert screen.query_one("#note-rent").has_class("-error")
        assert rent.has_class("-invalid")
        assert "correct Rent or mortgage" in text_of(screen, "#goal-headline")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is screen and visit.stage == "goal"
        assert any("do not give a goal" in n for n in notices(pilot))
        # an empty collection rate is named too
        await pilot.press("backspace", "backspace")
        screen.query_one("#goal-collection_rate", Input).value = ""
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is screen
        assert screen.focused is screen.query_one("#goal-collection_rate", Input)
        assert "collection rate" in text_of(screen, "#goal-headline")


async def test_goal_continues_to_metrics_and_escape_keeps_the_input(
    plan_store, plan_content, stand_in_earlier
) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "goal")
    visit.goal_fields.update(GOAL_FIELDS)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(GoalScreen(visit))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, StandIn) and app.screen.stage == "results"
        assert visit.goal_fields == GOAL_FIELDS
        journey.advance(app, visit, app.screen)  # the results screen's continue
        await pilot.pause()
        assert isinstance(app.screen, GoalScreen)
        assert app.screen.query_one("#goal-payroll", Input).value == "310k"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, MetricsScreen)
        assert visit.stage == "metrics"


async def test_goal_form_and_explanation_sit_side_by_side_when_wide(
    plan_store, plan_content
) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "goal")
    visit.goal_fields.update(GOAL_FIELDS)
    async with app.run_test(size=(130, 30)) as pilot:
        await app.push_screen(GoalScreen(visit))
        await pilot.pause()
        form = app.screen.query_one("#goal-form")
        explain = app.screen.query_one("#goal-explain")
        assert app.screen.has_class("-wide")
        assert explain.region.x > form.region.x
        assert explain.region.y == form.region.y
    app = make_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(GoalScreen(visit))
        await pilot.pause()
        form = app.screen.query_one("#goal-form")
        explain = app.screen.query_one("#goal-explain")
        assert app.screen.has_class("-narrow")
        assert explain.virtual_region.y > form.virtual_region.y  # stacked, below the form
        await pilot.press("f2")  # jumps to the explanation
        await pilot.pause()
        assert app.screen.focused is explain
        assert explain.region.y < 24


# --- the metrics screen --------------------------------------------------------------------


def test_recommended_sets_lean_the_other_way(plan_content) -> None:
    by_id = plan_content.metrics.by_id
    for lean, more in (("production", "patient"), ("patient", "production")):
        ids = [mid for mid, _ in recommended(plan_content, lean)]
        sides = [by_id[i].side for i in ids]
        assert sides.count(more) > len(ids) - sides.count(more)
        assert balance_problem(plan_content, ids) is None
    ids = [mid for mid, _ in recommended(plan_content, "balanced")]
    assert balance_problem(plan_content, ids) is None
    assert all(why for _, why in recommended(plan_content, "production"))


def test_the_lean_comes_from_both_partners_answers(plan_content) -> None:
    for lean in ("production", "patient"):
        visit = make_visit(plan_content, "x", lean=lean)
        assert practice_lean(visit_result(plan_content, visit)) == lean
    empty = make_visit(plan_content, "x")
    empty.answers = {"doctor": {}, "manager": {}}
    assert practice_lean(visit_result(plan_content, empty)) == "balanced"


def test_balance_rules(plan_content) -> None:
    assert "at least 3" in balance_problem(plan_content, ["case_acceptance", "overhead"])
    one_sided = ["case_acceptance", "pre_appointment", "nps"]
    assert "production-side" in balance_problem(plan_content, one_sided)
    assert "patient-side" in balance_problem(
        plan_content, ["overhead", "collection_rate", "chair_utilisation"]
    )
    assert "at most 7" in balance_problem(plan_content, [m.id for m in plan_content.metrics.metric])
    assert balance_problem(plan_content, ["case_acceptance", "nps", "overhead"]) is None


def test_targets_start_at_the_strong_band_and_read_as_people(plan_content) -> None:
    case = plan_content.metrics.by_id["case_acceptance"]
    assert default_target(case) == {"kind": "at_least", "value": 70.0}
    overhead = plan_content.metrics.by_id["overhead"]
    assert default_target(overhead) == {"kind": "at_most", "value": 60.0}
    hygiene = plan_content.metrics.by_id["hygiene_share"]
    assert default_target(hygiene) == {"kind": "range", "low": 25.0, "high": 35.0}
    assert people_lines(case, {"kind": "at_least", "value": 70}) == [
        "70% = 35 of 50 patients moved forward with care"
    ]
    for metric in plan_content.metrics.metric:  # every metric has a people view at its target
        assert people_lines(metric, default_target(metric)), metric.id


def test_the_goal_sets_the_targets_it_depends_on() -> None:
    derivation = read_goal_fields(GOAL_FIELDS, TODAY).derivation
    targets = goal_targets(derivation)
    assert targets["collection_rate"] == {"kind": "at_least", "value": 97.0}
    # $938,144 over 190 days × 8 h = $617.20 an hour, rounded up to whole dollars
    assert targets["production_per_hour"] == {"kind": "at_least", "value": 618.0}
    assert goal_targets(None) == {}


async def test_metrics_recommended_set_is_ticked_with_reasons(plan_store, plan_content) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "metrics", lean="production")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(MetricsScreen(visit))
        await pilot.pause()
        screen = app.screen
        ids = [m["id"] for m in visit.metrics]
        assert set(ids) == {m for m, _ in recommended(plan_content, "production")}
        assert set(screen.query_one(ChoiceList).ticked) == set(ids)
        by_id = plan_content.metrics.by_id
        assert [by_id[i].side for i in ids].count("patient") == 3
        assert "production-leaning" in text_of(screen, "#metrics-lean")
        assert "more patient-side" in text_of(screen, "#metrics-lean")
        await highlight(pilot, "case_acceptance")
        assert "★" in text_of(screen, "#metric-why")
        assert "accepted / presented" in text_of(screen, "#metric-about")
        assert "Source" in text_of(screen, "#metric-about")
        assert "70% = 35 of 50 patients moved forward with care" in text_of(screen, "#people-view")
        assert "✓" in text_of(screen, "#metrics-status")


async def test_metrics_take_their_targets_from_the_goal(plan_store, plan_content) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "metrics", lean="production")
    visit.goal_fields.update(GOAL_FIELDS)
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(MetricsScreen(visit))
        await pilot.pause()
        targets = {m["id"]: m["target"] for m in visit.metrics}
        assert targets["collection_rate"] == {"kind": "at_least", "value": 97.0}
        assert targets["production_per_hour"] == {"kind": "at_least", "value": 618.0}
        await highlight(pilot, "production_per_hour")
        assert "(from your goal)" in text_of(app.screen, "#target-note")
        await pilot.press("tab", "tab", "ctrl+u", *"$700")
        await pilot.pause()
        assert "your goal assumes ≥ $618.00/h" in text_of(app.screen, "#target-note")
        hourly = next(m for m in visit.metrics if m["id"] == "production_per_hour")
        assert hourly["target"] == {"kind": "at_least", "value": 700.0}


async def test_metrics_refuses_two_and_one_sided_and_accepts_a_balanced_three(
    plan_store, plan_content
) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "metrics")
    visit.metrics = [
        {"id": "case_acceptance", "owner": "doctor", "target": {"kind": "at_least", "value": 70}},
        {"id": "pre_appointment", "owner": "manager", "target": {"kind": "at_least", "value": 90}},
    ]
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(MetricsScreen(visit))
        await pilot.pause()
        screen = app.screen
        assert "at least 3" in text_of(screen, "#metrics-status")
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen and visit.stage == "metrics"
        assert any("at least 3" in n for n in notices(pilot))
        # a third from the same side: still refused
        await highlight(pilot, "nps")
        await pilot.press("space")
        assert [m["id"] for m in visit.metrics] == ["case_acceptance", "pre_appointment", "nps"]
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen
        assert any("production-side" in n for n in notices(pilot))
        # swap it for a production-side one: accepted
        await pilot.press("enter")  # unticks nps
        await highlight(pilot, "collection_rate")
        await pilot.press("space")
        assert {m["id"] for m in visit.metrics} == {
            "case_acceptance",
            "pre_appointment",
            "collection_rate",
        }
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert visit.stage == "plan"


async def test_metric_target_and_owner_are_set_from_the_keyboard(plan_store, plan_content) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "metrics")
    visit.metrics = [dict(m, target=dict(m["target"])) for m in BALANCED_METRICS]
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(MetricsScreen(visit))
        await pilot.pause()
        screen = app.screen
        await highlight(pilot, "case_acceptance")
        await pilot.press("tab", "tab")  # past the kind, to the value
        assert screen.focused is screen.query_one("#target-value", Input)
        await pilot.press("ctrl+u", "8", "0")
        await pilot.pause()
        case = next(m for m in visit.metrics if m["id"] == "case_acceptance")
        assert case["target"] == {"kind": "at_least", "value": 80.0}
        assert "80% = 40 of 50 patients" in text_of(screen, "#people-view")
        # a value that does not read: marked, and continue refused with the reason
        await pilot.press("ctrl+u", "l", "o", "t", "s")
        await pilot.pause()
        assert "Type a number" in text_of(screen, "#target-note")
        assert case["target"]["value"] == 80.0  # the last good target is kept
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen is screen
        assert any("Case acceptance" in n for n in notices(pilot))
        await pilot.press("ctrl+u", "7", "5")
        await pilot.pause()
        # owner: to the owner box, open it, pick the next one down
        await pilot.press("tab")
        owner = screen.query_one("#owner", Select)
        assert screen.focused is owner
        await pilot.press("enter", "down", "enter")
        await pilot.pause()
        assert case["owner"] == "manager"
        # the kind: a range shows a second box
        screen.query_one(ChoiceList).focus()
        await highlight(pilot, "case_acceptance")
        await pilot.press("tab")
        await pilot.press("enter", "down", "down", "enter")
        await pilot.pause()
        assert case["target"]["kind"] == "range"
        assert screen.query_one("#target-high", Input).display
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)


async def test_metrics_escape_goes_back_to_the_goal_keeping_choices(
    plan_store, plan_content
) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "metrics")
    visit.goal_fields.update(GOAL_FIELDS)
    visit.metrics = [dict(m) for m in BALANCED_METRICS]
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(MetricsScreen(visit))
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, GoalScreen) and visit.stage == "goal"
        assert [m["id"] for m in visit.metrics] == [m["id"] for m in BALANCED_METRICS]
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, MetricsScreen)
        assert [m["id"] for m in visit.metrics] == [m["id"] for m in BALANCED_METRICS]


# --- the plan screen -----------------------------------------------------------------------


def test_plan_puts_what_the_lean_needs_first(plan_content) -> None:
    first, rest = ordered_practices(plan_content, "production")
    assert [p.strengthens for p in first][:1] == ["people"]
    assert {p.strengthens for p in first} == {"people", "both"}
    assert {p.strengthens for p in rest} == {"structure"}
    first, rest = ordered_practices(plan_content, "patient")
    assert [p.strengthens for p in first][:1] == ["structure"]
    assert {p.strengthens for p in rest} == {"people"}


async def test_plan_needs_one_item_and_keeps_owner_and_cadence(plan_store, plan_content) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "plan", lean="patient")
    visit.goal_fields.update(GOAL_FIELDS)
    visit.metrics = [dict(m) for m in BALANCED_METRICS]
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(PlanScreen(visit))
        await pilot.pause()
        screen = app.screen
        picker = screen.query_one(ChoiceList)
        first = plan_content.practices.by_id[picker.highlighted_value]
        assert first.strengthens == "structure"  # patient-leaning: structure first
        assert "Nothing chosen" in text_of(screen, "#plan-status")
        await pilot.press("c")
        await pilot.pause()
        assert app.screen is screen and visit.stage == "plan"
        assert any("at least one" in n for n in notices(pilot))
        await highlight(pilot, "daily_huddle")
        await pilot.press("space")
        assert visit.plan == [{"practice": "daily_huddle", "owner": "manager", "cadence": "daily"}]
        await pilot.press("tab")
        assert screen.focused is screen.query_one("#plan-owner", Select)
        await pilot.press("enter", "down", "enter")  # manager → both
        await pilot.press("tab", "enter", "down", "down", "enter")  # daily → monthly
        await pilot.pause()
        assert visit.plan == [{"practice": "daily_huddle", "owner": "both", "cadence": "monthly"}]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, MetricsScreen) and visit.stage == "metrics"
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        assert visit.plan == [{"practice": "daily_huddle", "owner": "both", "cadence": "monthly"}]
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, SavedScreen)
        await app.workers.wait_for_complete()


# --- the save ------------------------------------------------------------------------------


def _finished_visit(plan_content, slug):
    visit = make_visit(plan_content, slug, "saved")
    visit.goal_fields.update(GOAL_FIELDS)
    visit.metrics = [dict(m) for m in BALANCED_METRICS]
    visit.plan = [dict(p) for p in PLAN]
    return visit


async def test_saved_writes_practice_and_checkpoint(plan_store, plan_content) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = _finished_visit(plan_content, slug)
    journey_saved = []
    async with app.run_test(size=SIZE) as pilot:
        journey.autosave(app, visit)
        await app.push_screen(SavedScreen(visit))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert screen.state == "saved", all_text(screen)
        summary = text_of(screen, "#saved-summary")
        practice_file = store.layout.practice_file(slug)
        checkpoint_file = store.layout.checkpoint_file(slug, "2026-Q4")
        assert str(practice_file) in summary
        assert str(checkpoint_file) in summary
        assert "production-leaning" in summary
        assert "$910,000" in summary
        assert "Case acceptance: ≥ 70%, owner doctor" in summary
        assert "Daily huddle: daily, owner office manager" in summary
        assert f"report {slug} --format md" in summary
        journey_saved.append(app.drafts.load("assessment", slug))
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)

    assert journey_saved == [None]  # the finished visit's draft is gone
    practice = tomllib.loads(practice_file.read_text())
    [goal] = practice["goal"]
    assert goal["effective"] == TODAY
    assert goal["overhead"]["payroll"] == 310000
    assert goal["overhead"]["rent"] == 72000
    assert goal["collection_rate"] == pytest.approx(0.97)
    assert goal["calendar"]["working_days"] == 190
    assert [m["id"] for m in practice["metric"]] == [m["id"] for m in BALANCED_METRICS]
    assert practice["metric"][0]["target"] == {"kind": "at_least", "value": 70}
    assert practice["metric"][0]["owner"] == "doctor"
    assert [(p["practice"], p["owner"], p["cadence"]) for p in practice["plan"]] == [
        (p["practice"], p["owner"], p["cadence"]) for p in PLAN
    ]
    assert practice["practice"]["name"] == "Harbour Family Dental"  # profile kept

    checkpoint = tomllib.loads(checkpoint_file.read_text())
    assert checkpoint["quarter"] == "2026-Q4"
    assert checkpoint["date"] == TODAY
    assert checkpoint["item_set"] == "full"
    assert checkpoint["goal_effective"] == TODAY
    roles = {r["role"]: r for r in checkpoint["respondent"]}
    assert set(roles) == {"doctor", "manager"}
    assert roles["doctor"]["answers"] == visit.answers["doctor"]
    assert roles["manager"]["answers"] == visit.answers["manager"]
    assert roles["doctor"]["scores"]["quadrant"] == "production-leaning"
    assert checkpoint["scores"]["quadrant"] == "production-leaning"
    assert checkpoint["scores"]["lean"] > 0
    assert "agreement" in checkpoint["scores"]


def test_saving_again_the_same_day_replaces_that_days_save(plan_store, plan_content) -> None:
    store, slug = plan_store
    visit = _finished_visit(plan_content, slug)
    save_visit(store, plan_content, visit, TODAY)
    visit.goal_fields["profit"] = "60000"
    visit.plan = visit.plan[:1]
    saved = save_visit(store, plan_content, visit, TODAY)
    practice = store.load_practice(slug)
    assert len(practice.goal) == 1 and practice.goal[0].profit == 60000
    assert [p.practice for p in practice.plan] == ["monthly_financial_review"]
    assert saved.checkpoint_path.name == "2026-Q4.toml"


async def test_a_locked_practice_is_reported_and_saved_on_retry(plan_store, plan_content) -> None:
    store, slug = plan_store
    app = make_app(store)
    visit = _finished_visit(plan_content, slug)
    before = store.layout.practice_file(slug).read_text()
    other = PracticeLock(store.layout, slug)
    other.acquire()  # another balancecoach has the practice open
    try:
        async with app.run_test(size=SIZE) as pilot:
            await app.push_screen(SavedScreen(visit))
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            screen = app.screen
            assert screen.state == "failed"
            assert "not saved" in text_of(screen, "#saved-title")
            assert "Another balancecoach has this practice open" in text_of(
                screen, "#saved-summary"
            )
            assert any("press r" in n for n in notices(pilot))
            assert store.layout.practice_file(slug).read_text() == before
            assert app.is_running
            other.release()
            await pilot.press("r")
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert screen.state == "saved"
    finally:
        other.release()
    assert "[[goal]]" in store.layout.practice_file(slug).read_text()


async def test_the_whole_second_half_by_keyboard(plan_store, plan_content) -> None:
    """Goal, metrics (the recommended set), plan (one habit), saved: keys only."""
    store, slug = plan_store
    app = make_app(store)
    visit = make_visit(plan_content, slug, "goal")
    async with app.run_test(size=SIZE) as pilot:
        await app.push_screen(GoalScreen(visit))
        await pilot.pause()
        await pilot.press(*"310k", "enter", *"72k", "enter")
        for _ in range(5):
            await pilot.press("enter")
        await pilot.press(*"240k", "enter", "enter", *"50k", "enter", "9", "7")
        await pilot.pause(0.4)
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, MetricsScreen)
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, PlanScreen)
        await pilot.press("space", "c")
        await pilot.pause()
        assert isinstance(app.screen, SavedScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.state == "saved"
        await pilot.press("q")
        await pilot.pause()
    practice = store.load_practice(slug)
    assert practice.goal[0].overhead.payroll == 310000
    assert practice.goal[0].doctor_compensation == 240000
    assert len(practice.metric) == 5 and len(practice.plan) == 1

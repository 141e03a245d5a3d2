"""The revisit's state without a terminal: the draft round trip, a damaged draft, what is
filled in when the quarter already has a checkpoint, and reading what was typed."""

from __future__ import annotations

import datetime as dt

import pytest

from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.store import PracticeStore
from balancecoach.tui.revisit import (
    Revisit,
    build_checkpoint,
    default_due,
    metric_reading,
    new_revisit,
    parse_due,
    read_figure,
    step_line,
)

CONTENT = load_content()
TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def demo(tmp_path):
    store = PracticeStore(tmp_path)
    install_demo(store)
    practice = store.load_practice(DEMO_SLUG)
    checkpoints, problems = store.load_checkpoints(DEMO_SLUG)
    assert not problems
    return store, practice, checkpoints


def test_a_new_revisit_reviews_the_latest_commitments_and_the_plan(demo) -> None:
    _store, practice, checkpoints = demo
    r = new_revisit(DEMO_SLUG, practice, checkpoints, TODAY)
    assert (r.quarter, r.previous, r.updating, r.item_set) == ("2026-Q4", "2025-Q4", False, "pulse")
    assert [c["status"] for c in r.review] == ["open"] * 3
    assert r.review[0]["due"] == "2026-01-08"
    assert list(r.adherence) == [p.practice for p in practice.plan]
    assert r.marks_missing() == 3 + len(practice.plan)
    assert r.commitments == [] and r.metric_fields == {}


def test_the_draft_round_trip_keeps_everything(demo) -> None:
    _store, practice, checkpoints = demo
    r = new_revisit(DEMO_SLUG, practice, checkpoints, TODAY)
    r.stage, r.turn = "handover", 1
    r.answers["doctor"] = {"MET-S1": 4}
    r.position["doctor"] = 13
    r.review[1].update(status="partly", note="most weeks")
    r.adherence["daily_huddle"]["kept"] = "kept"
    r.metric_fields["nps"] = {"promoters": "50", "passives": "2x"}
    r.financial_fields["production"] = "280k"
    r.reflections["manager"]["improve"] = "More time"
    r.commitments = [{"text": "Walk through it", "owner": "doctor", "due": "2027-03-31"}]
    again = Revisit.from_draft(r.to_draft())
    assert again.to_draft() == r.to_draft()
    assert again.context is None  # read afresh, never kept in the draft


@pytest.mark.parametrize(
    "damage",
    [
        {"stage": "nowhere"},
        {"turn": 3},
        {"item_set": "long"},
        {"answers": {"doctor": {"MET-S1": "four"}}},
        {"quarter": None, "slug": None},
    ],
)
def test_a_damaged_draft_says_so(damage) -> None:
    data = Revisit(slug="x", practice_name="X", quarter="2026-Q4").to_draft()
    data.update(damage)
    if data.get("slug") is None:
        del data["slug"]
    with pytest.raises(ValueError, match="damaged"):
        Revisit.from_draft(data)


def test_a_quarter_with_a_checkpoint_is_opened_for_updating(demo) -> None:
    store, practice, checkpoints = demo
    first = new_revisit(DEMO_SLUG, practice, checkpoints, TODAY)
    first.review[0]["status"] = "done"
    first.adherence["daily_huddle"] = {"kept": "partly", "note": "not Fridays"}
    first.answers["doctor"] = {s.id: 4 for s in CONTENT.questions.pulse()}
    first.metric_fields["case_acceptance"] = {"accepted": "31", "presented": "50"}
    first.financial_fields = {"production": "280,000"}
    first.reflections["doctor"]["working"] = "Huddles"
    first.commitments = [{"text": "One", "owner": "doctor", "due": "2027-02-01"}]
    store.save_checkpoint(DEMO_SLUG, build_checkpoint(CONTENT, practice, first, TODAY))

    checkpoints, _ = store.load_checkpoints(DEMO_SLUG)
    again = new_revisit(DEMO_SLUG, practice, checkpoints, TODAY)
    assert again.updating and again.previous == "2025-Q4"
    assert again.review[0]["status"] == "done" and again.review[1]["status"] == "open"
    assert again.adherence["daily_huddle"] == {"kept": "partly", "note": "not Fridays"}
    assert again.answers["doctor"] == first.answers["doctor"]
    assert again.metric_fields == {"case_acceptance": {"accepted": "31", "presented": "50"}}
    assert again.financial_fields == {"production": "280000"}
    assert again.reflections["doctor"]["working"] == "Huddles"
    assert again.commitments == [{"text": "One", "owner": "doctor", "due": "2027-02-01"}]


def test_reading_figures() -> None:
    assert read_figure("count", "1,900") == 1900
    assert read_figure("currency", "$280,000") == 280000
    assert read_figure("currency", "280k") == 280000
    assert read_figure("hours", " ") is None
    with pytest.raises(ValueError):
        read_figure("count", "-3")
    with pytest.raises(ValueError, match="percentage"):
        read_figure("count", "62%")


def test_metric_reading() -> None:
    assert metric_reading(CONTENT, "case_acceptance", {}) == (None, None)
    values, problem = metric_reading(
        CONTENT, "case_acceptance", {"accepted": "31", "presented": "50"}
    )
    assert values == {"accepted": 31, "presented": 50} and problem is None
    _, problem = metric_reading(CONTENT, "case_acceptance", {"accepted": "31"})
    assert problem == "also needs Treatment plans presented"
    _, problem = metric_reading(CONTENT, "case_acceptance", {"accepted": "3x", "presented": "5"})
    assert problem.startswith("Treatment plans accepted: ")
    _, problem = metric_reading(CONTENT, "case_acceptance", {"accepted": "0", "presented": "0"})
    assert "divisor" in problem


def test_due_dates_and_step_line() -> None:
    assert default_due("2026-Q4") == "2027-03-31"
    assert parse_due("2027-03-31") == dt.date(2027, 3, 31)
    assert parse_due("") is None
    with pytest.raises(ValueError, match="2027-03-31"):
        parse_due("31/03/2027")
    r = Revisit(slug="x", practice_name="Lakeside", quarter="2026-Q4", stage="handover")
    assert step_line(r) == "2026-Q4 checkpoint · 3/6 Pulse · Lakeside"

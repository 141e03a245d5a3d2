"""The quarterly revisit's core: building the quarter's checkpoint, and what changed since
the checkpoint before it (lean and quadrant movement, metric statuses, commitments kept,
plan adherence)."""

from __future__ import annotations

import datetime as dt

import pytest

from balancecoach.core.errors import DataError
from balancecoach.core.records import (
    Adherence,
    Checkpoint,
    Commitment,
    Financials,
    MetricActual,
    Practice,
    PracticeScores,
    Respondent,
    ScoreSnapshot,
)
from balancecoach.core.revisit import (
    Movement,
    Position,
    StatusChange,
    Tally,
    adherence_tally,
    change_lines,
    checkpoint_for,
    commitment_tally,
    previous_checkpoint,
    revisit_checkpoint,
    since_last,
)
from balancecoach.storage.catalogs import load_content

CONTENT = load_content()
PULSE = CONTENT.questions.pulse()
TODAY = dt.date(2026, 11, 24)


def practice() -> Practice:
    return Practice.model_validate(
        {
            "practice": {"name": "Lakeside Dental", "providers": 1},
            "goal": [
                {
                    "effective": dt.date(2026, 1, 1),
                    "overhead": {"payroll": 300000},
                    "doctor_compensation": 200000,
                    "debt_service": 0,
                    "profit": 50000,
                    "collection_rate": 0.97,
                }
            ],
            "metric": [
                {
                    "id": "case_acceptance",
                    "owner": "doctor",
                    "target": {"kind": "at_least", "value": 65},
                },
                {"id": "nps", "owner": "manager", "target": {"kind": "at_least", "value": 45}},
            ],
            "plan": [
                {"practice": "daily_huddle", "owner": "manager", "cadence": "daily"},
                {"practice": "monthly_financial_review", "owner": "both", "cadence": "monthly"},
            ],
        }
    )


def scores(structure: float, people: float, quadrant: str) -> PracticeScores:
    return PracticeScores(
        structure=structure, people=people, lean=structure - people, quadrant=quadrant
    )


def checkpoint(quarter: str, **fields) -> Checkpoint:
    from balancecoach.core.records import Quarter

    return Checkpoint.model_validate(
        {"quarter": quarter, "date": Quarter.parse(quarter).end, **fields}
    )


def actual(metric: str, value: float, status: str) -> MetricActual:
    return MetricActual(id=metric, inputs={"x": 1}, value=value, status=status)


# --- choosing the checkpoints -------------------------------------------------------------


def test_previous_checkpoint_is_the_latest_before_the_quarter() -> None:
    cps = [checkpoint(q) for q in ("2025-Q2", "2026-Q4", "2025-Q4", "2026-Q1")]
    assert previous_checkpoint(cps, "2026-Q4").quarter == "2026-Q1"
    assert previous_checkpoint(cps, "2026-Q1").quarter == "2025-Q4"
    assert previous_checkpoint(cps, "2025-Q2") is None
    assert checkpoint_for(cps, "2026-Q4").quarter == "2026-Q4"
    assert checkpoint_for(cps, "2026-Q3") is None


# --- tallies ------------------------------------------------------------------------------


def test_commitment_tally_counts_each_status() -> None:
    review = [
        Commitment(text="a", owner="doctor", status="done"),
        Commitment(text="b", owner="doctor", status="done"),
        Commitment(text="c", owner="manager", status="partly"),
        Commitment(text="d", owner="both", status="not"),
        Commitment(text="e", owner="team"),
    ]
    tally = commitment_tally(review)
    assert tally == Tally(done=2, partly=1, not_done=1, unmarked=1)
    assert tally.total == 5 and tally.marked == 4
    assert commitment_tally([]) == Tally()


def test_adherence_tally_counts_plan_practices_left_unmarked() -> None:
    plan = practice().plan
    tally = adherence_tally([Adherence(practice="daily_huddle", kept="partly")], plan)
    assert tally == Tally(partly=1, unmarked=1)
    both = [
        Adherence(practice="daily_huddle", kept="kept"),
        Adherence(practice="monthly_financial_review", kept="not"),
    ]
    assert adherence_tally(both, plan) == Tally(done=1, not_done=1)


# --- movement -----------------------------------------------------------------------------


def test_status_change_directions() -> None:
    assert StatusChange("m", "green", "amber", 70, 62).direction == "worse"
    assert StatusChange("m", "red", "green", 40, 70).direction == "better"
    assert StatusChange("m", "amber", "amber", 60, 61).direction == "same"
    assert StatusChange("m", None, "green", None, 70).direction == "new"
    assert StatusChange("m", None, None, 50, 55).direction == "same"


def test_movement_lean_change_and_quadrant() -> None:
    before = Position(80, 50, 30, "production-leaning")
    after = Position(75, 70, 5, "integrated")
    move = Movement("practice", before, after)
    assert move.lean_change == pytest.approx(-25)
    assert move.quadrant_changed
    assert Movement("doctor", None, after).lean_change is None
    assert not Movement("doctor", None, after).quadrant_changed


def test_since_last_compares_positions_metrics_and_promises() -> None:
    previous = checkpoint(
        "2026-Q3",
        scores=scores(80, 50, "production-leaning"),
        respondent=[
            Respondent(
                role="doctor",
                scores=ScoreSnapshot(
                    structure=85, people=45, lean=40, quadrant="production-leaning"
                ),
            )
        ],
        metric=[actual("case_acceptance", 70, "green"), actual("nps", 30, "red")],
    )
    current = checkpoint(
        "2026-Q4",
        item_set="pulse",
        scores=scores(75, 70, "integrated"),
        respondent=[
            Respondent(
                role="doctor",
                scores=ScoreSnapshot(structure=75, people=65, lean=10, quadrant="integrated"),
            ),
            Respondent(
                role="manager",
                scores=ScoreSnapshot(structure=70, people=75, lean=-5, quadrant="integrated"),
            ),
        ],
        metric=[
            actual("case_acceptance", 62, "amber"),
            actual("nps", 50, "green"),
            actual("pre_appointment", 90, "green"),
        ],
        review=[
            Commitment(text="a", owner="doctor", status="done"),
            Commitment(text="b", owner="manager", status="not"),
        ],
        adherence=[Adherence(practice="daily_huddle", kept="kept")],
    )
    change = since_last(previous, current, practice().plan)
    assert change.previous == "2026-Q3" and change.quarter == "2026-Q4"
    assert [m.who for m in change.movements] == ["practice", "doctor", "manager"]
    assert change.practice.lean_change == pytest.approx(-25)
    assert change.practice.quadrant_changed
    doctor, manager = change.movements[1:]
    assert doctor.lean_change == pytest.approx(-30)
    assert manager.before is None  # the manager did not answer last time
    directions = {m.metric: m.direction for m in change.metrics}
    assert directions == {"case_acceptance": "worse", "nps": "better", "pre_appointment": "new"}
    assert [m.metric for m in change.changed_status()] == ["case_acceptance", "nps"]
    assert change.commitments == Tally(done=1, not_done=1)
    assert change.adherence == Tally(done=1, unmarked=1)

    words = change_lines(change, CONTENT)
    assert words["position"][0] == (
        "The practice: production-leaning → integrated; lean +5 (was +30), 25 points toward "
        "patients"
    )
    assert words["position"][2].startswith("The office manager: integrated, lean −5")
    assert words["metrics"][0] == "2 of 3 metrics changed status since 2026-Q3"
    assert "Case acceptance: green → amber (70% → 62%), worse" in words["metrics"]
    assert "Net Promoter Score (patients): red → green (+30 → +50), better" in words["metrics"]
    assert any(line.endswith("first recorded") for line in words["metrics"])
    assert words["promises"] == [
        "Commitments from 2026-Q3: 1 of 2 done, 1 not done",
        "Communication plan: 1 of 2 practices kept, 1 not marked",
    ]


def test_small_lean_moves_read_as_about_the_same() -> None:
    previous = checkpoint("2026-Q3", scores=scores(70, 68, "integrated"))
    current = checkpoint("2026-Q4", scores=scores(71, 66, "integrated"))
    words = change_lines(since_last(previous, current), CONTENT)
    assert words["position"][0] == (
        "The practice: still integrated; lean +5 (was +2), about the same"
    )


def test_since_last_without_a_previous_checkpoint() -> None:
    current = checkpoint("2026-Q4", scores=scores(70, 68, "integrated"))
    change = since_last(None, current)
    assert change.previous is None
    assert change.practice.before is None
    words = change_lines(change, CONTENT)
    assert "nothing to compare with" in words["position"][0]
    assert words["metrics"] == ["No metric actuals were entered this quarter."]
    assert words["promises"] == ["There were no commitments from last quarter to review."]


def test_full_then_pulse_is_flagged() -> None:
    previous = checkpoint("2026-Q3", scores=scores(70, 68, "integrated"))
    current = checkpoint("2026-Q4", item_set="pulse", scores=scores(70, 68, "integrated"))
    words = change_lines(since_last(previous, current), CONTENT)
    assert any("pulse set" in line for line in words["position"])


# --- building the checkpoint --------------------------------------------------------------


def test_revisit_checkpoint_scores_the_pulse_and_computes_metrics() -> None:
    answers = {
        "doctor": {s.id: 4 for s in PULSE},
        "manager": {s.id: 2 for s in PULSE},
    }
    cp = revisit_checkpoint(
        CONTENT,
        practice(),
        "2026-Q4",
        TODAY,
        answers=answers,
        reflections={"doctor": ("Huddles", "Numbers"), "manager": ("", "More time")},
        metric_inputs={
            "nps": {"promoters": 50, "passives": 20, "detractors": 10},
            "case_acceptance": {"accepted": 31, "presented": 50},
        },
        adherence=[Adherence(practice="daily_huddle", kept="kept")],
        review=[Commitment(text="a", owner="doctor", status="done")],
        commitments=[Commitment(text="b", owner="manager", due=dt.date(2027, 3, 31))],
        financials=Financials(production=280000, collections=271000),
    )
    assert cp.quarter == "2026-Q4" and cp.date == TODAY and cp.item_set == "pulse"
    assert cp.goal_effective == dt.date(2026, 1, 1)
    doctor, manager = cp.respondent
    assert (doctor.role, manager.role) == ("doctor", "manager")
    assert doctor.scores.asked == len(PULSE) == 14
    assert (doctor.working, doctor.improve) == ("Huddles", "Numbers")
    assert manager.improve == "More time"
    assert cp.scores is not None and cp.scores.agreement == 50
    # in the scoreboard's order, with the practice's targets
    assert [m.id for m in cp.metric] == ["case_acceptance", "nps"]
    assert cp.metric[0].value == 62 and cp.metric[0].status == "amber"
    assert cp.metric[1].value == 50 and cp.metric[1].status == "green"
    assert cp.financials == Financials(production=280000, collections=271000)
    assert cp.review[0].status == "done" and cp.commitment[0].status == "open"


def test_revisit_checkpoint_keeps_what_it_does_not_cover() -> None:
    existing = checkpoint(
        "2026-Q4",
        coach_notes="Talked about the front desk.",
        metric=[
            MetricActual(
                id="referral_share", inputs={"referred": 10, "new_patients": 40}, value=25
            ),
            MetricActual(
                id="nps", inputs={"promoters": 1, "passives": 1, "detractors": 1}, value=0
            ),
        ],
    )
    cp = revisit_checkpoint(
        CONTENT,
        practice(),
        "2026-Q4",
        TODAY,
        metric_inputs={"nps": {"promoters": 50, "passives": 20, "detractors": 10}},
        existing=existing,
    )
    assert cp.coach_notes == "Talked about the front desk."
    assert [m.id for m in cp.metric] == ["nps", "referral_share"]
    assert cp.metric[0].value == 50
    assert cp.scores is None and cp.respondent == []
    assert cp.financials is None


def test_revisit_checkpoint_sets_aside_unknown_statements_and_keeps_reflections_alone() -> None:
    cp = revisit_checkpoint(
        CONTENT,
        practice(),
        "2026-Q4",
        TODAY,
        answers={"doctor": {"NOT-A-STATEMENT": 3}, "manager": {}},
        reflections={"doctor": ("", ""), "manager": ("It works", "")},
    )
    assert [r.role for r in cp.respondent] == ["manager"]
    assert cp.respondent[0].answers == {} and cp.respondent[0].working == "It works"
    assert cp.scores is None


def test_revisit_checkpoint_refuses_a_metric_that_does_not_compute() -> None:
    with pytest.raises(DataError, match="divisor"):
        revisit_checkpoint(
            CONTENT,
            practice(),
            "2026-Q4",
            TODAY,
            metric_inputs={"case_acceptance": {"accepted": 0, "presented": 0}},
        )


def test_revisit_checkpoint_without_a_goal_in_effect() -> None:
    early = dt.date(2025, 11, 24)
    cp = revisit_checkpoint(CONTENT, practice(), "2025-Q4", early)
    assert cp.goal_effective is None

"""The chart series as data: values, quarter labels, units and empty states, from the demo
practice and from small practices built here with 0, 1 and 2 checkpoints."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest

from balancecoach.core import series as S
from balancecoach.core.errors import DataError
from balancecoach.core.goals import derive_goal
from balancecoach.core.records import Checkpoint, Practice, Quarter
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.store import PracticeStore

CONTENT = load_content()
QUARTERS = [f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[Practice, list[Checkpoint]]:
    store = PracticeStore(tmp_path_factory.mktemp("data"))
    install_demo(store)
    checkpoints, problems = store.load_checkpoints(DEMO_SLUG)
    assert problems == []
    return store.load_practice(DEMO_SLUG), checkpoints


# --- building small practices -----------------------------------------------------------


def goal(effective: dt.date, payroll: float = 300_000, rate: float = 0.95) -> dict[str, Any]:
    return {
        "effective": effective,
        "overhead": {"payroll": payroll, "rent": 60_000},
        "doctor_compensation": 200_000,
        "profit": 40_000,
        "collection_rate": rate,
    }


def make_practice(goals: list[dict[str, Any]] | None = None, **extra: Any) -> Practice:
    return Practice.model_validate(
        {
            "practice": {"name": "Small Dental"},
            "goal": goals if goals is not None else [goal(dt.date(2026, 1, 1))],
            "metric": [
                {
                    "id": "case_acceptance",
                    "owner": "doctor",
                    "target": {"kind": "at_least", "value": 60},
                },
                {"id": "overhead", "owner": "manager", "target": {"kind": "at_most", "value": 60}},
            ],
            **extra,
        }
    )


def scores(structure: float, people: float, dims: dict[str, tuple[float, float]] | None = None):
    lean = round(structure - people, 1)
    quadrant = (
        "integrated"
        if structure >= 60 and people >= 60
        else "production-leaning"
        if structure >= 60
        else "patient-leaning"
        if people >= 60
        else "drifting"
    )
    out: dict[str, Any] = {
        "structure": structure,
        "people": people,
        "lean": lean,
        "quadrant": quadrant,
    }
    if dims:
        out["dimensions"] = {k: {"structure": s, "people": p} for k, (s, p) in dims.items()}
    return out


def checkpoint(
    quarter: str,
    doctor: tuple[float, float] | None = (80, 40),
    manager: tuple[float, float] | None = (50, 80),
    metrics: list[dict[str, Any]] | None = None,
    financials: dict[str, float] | None = None,
    dims: bool = True,
) -> Checkpoint:
    q = Quarter.parse(quarter)
    respondents = []
    for role, pair in (("doctor", doctor), ("manager", manager)):
        if pair is None:
            continue
        d = {"metrics": (pair[0], pair[1]), "next_steps": (pair[1], pair[0])} if dims else None
        respondents.append({"role": role, "scores": scores(*pair, d)})
    pairs = [p for p in (doctor, manager) if p is not None]
    data: dict[str, Any] = {
        "quarter": quarter,
        "date": q.end,
        "respondent": respondents,
        "metric": metrics or [],
    }
    if pairs:
        s = sum(p[0] for p in pairs) / len(pairs)
        p = sum(p[1] for p in pairs) / len(pairs)
        data["scores"] = {k: v for k, v in scores(s, p).items() if k != "dimensions"}
    if financials is not None:
        data["financials"] = financials
    return Checkpoint.model_validate(data)


def acceptance(accepted: int, presented: int, **extra: Any) -> dict[str, Any]:
    return {
        "id": "case_acceptance",
        "inputs": {"accepted": accepted, "presented": presented},
        **extra,
    }


# --- the demo ---------------------------------------------------------------------------


def test_lean_series_of_the_demo(demo) -> None:
    _, cps = demo
    lean = S.lean_series(cps)
    assert lean.kind == "lean" and lean.empty_reason is None
    assert lean.labels == QUARTERS
    assert [t.who for t in lean.trajectories] == ["practice", "doctor", "manager"]
    practice = lean.trajectory("practice")
    assert practice is not None
    assert practice.lean == [17.3, 21.4, 16.1, 13.7, 14.3, 3.6, 7.1, -0.6]
    assert practice.quadrant[0] == "production-leaning" and practice.quadrant[-1] == "integrated"
    doctor, manager = lean.trajectory("doctor"), lean.trajectory("manager")
    assert doctor and manager
    assert (doctor.structure[0], doctor.people[0], doctor.lean[0]) == (89.3, 25.0, 64.3)
    assert manager.lean[-1] == -3.6 and manager.label == "Office manager"
    assert "−100" in lean.unit and "0–100" in lean.unit


def test_quadrant_series_of_the_demo_is_each_persons_path(demo) -> None:
    _, cps = demo
    quad = S.quadrant_series(cps)
    assert quad.empty_reason is None and quad.note is None
    assert quad.high == 60
    assert [p.who for p in quad.paths] == ["doctor", "manager", "practice"]
    assert all([pt.quarter for pt in p.points] == QUARTERS for p in quad.paths)
    first = quad.paths[1].points[0]
    assert (first.structure, first.people, first.quadrant) == (52.4, 82.1, "patient-leaning")
    assert quad.title == "Where you stand, 2024-Q1 → 2025-Q4"


def test_metric_series_of_the_demo_follow_the_scoreboard(demo) -> None:
    practice, cps = demo
    trends = S.metric_series(CONTENT, practice, cps)
    assert [t.metric_id for t in trends] == [m.id for m in practice.metric]
    acc = trends[0]
    assert acc.labels == QUARTERS and acc.empty_reason is None
    assert acc.values == [52.03, 55.38, 54.21, 60.33, 63.31, 60.66, 65.62, 68.6]
    assert acc.status == ["red", "red", "red", "amber", "amber", "amber", "green", "green"]
    assert acc.target_low == [65] * 8 and acc.target_high == [None] * 8
    assert (acc.unit, acc.value_unit, acc.target_text) == ("%", "percent", "≥ 65%")
    assert (acc.name, acc.owner, acc.side, acc.better) == (
        "Case acceptance",
        "doctor",
        "patient",
        "higher",
    )
    per_hour = next(t for t in trends if t.metric_id == "production_per_hour")
    assert per_hour.unit == "$/h" and per_hour.values[-1] == 754.17
    (nps,) = S.metric_series(CONTENT, practice, cps, "Net Promoter Score (patients)")
    assert nps.metric_id == "nps" and nps.target_text == "≥ +45"


def test_dimension_series_of_the_demo_is_the_latest_checkpoint(demo) -> None:
    _, cps = demo
    dims = S.dimension_series(CONTENT, cps)
    assert dims.empty_reason is None and dims.quarter == "2025-Q4"
    assert dims.labels == [
        "Metrics",
        "Treatment",
        "Financial",
        "Next steps",
        "Culture",
        "Partnership",
        "Experience",
    ]
    doctor, manager = dims.respondents
    assert (doctor.who, manager.who) == ("doctor", "manager")
    first = doctor.dimensions[0]
    assert (first.dimension, first.name, first.structure, first.people) == (
        "metrics",
        "Metrics with meaning",
        83.3,
        75.0,
    )
    assert manager.dimensions[2].people == 91.7  # financial
    assert dims.title == "Doctor and office manager by dimension, 2025-Q4"


def test_financial_series_of_the_demo_use_the_goal_of_each_year(demo) -> None:
    practice, cps = demo
    fin = S.financial_series(practice, cps)
    assert fin.labels == QUARTERS and fin.empty_reason is None
    assert fin.production[0] == 228_000 and fin.collections[-1] == 263_898
    g2024, g2025 = (derive_goal(g) for g in practice.goal)
    assert fin.production_goal[:4] == [g2024.production_goal / 4] * 4
    assert fin.production_goal[4:] == [g2025.production_goal / 4] * 4
    assert fin.collection_goal[0] == 918_000 / 4 and fin.collection_goal[-1] == 947_000 / 4
    assert fin.goal_effective == ["2024-01-01"] * 4 + ["2025-01-01"] * 4
    assert fin.unit == "$ per quarter" and fin.currency == "$"


def test_every_series_of_the_demo_is_json(demo) -> None:
    practice, cps = demo
    progress = S.progress(CONTENT, practice, cps)
    data = json.loads(json.dumps(progress.to_json()))
    assert set(data) == {"lean", "quadrant", "metrics", "dimensions", "financials"}
    for kind in S.KINDS:
        for one in S.series_for(kind, CONTENT, practice, cps):
            dumped = one.to_json()
            assert json.loads(json.dumps(dumped)) == dumped
            assert dumped["kind"] == kind and dumped["unit"] and dumped["title"]
            assert dumped["empty_reason"] is None


# --- empty states ----------------------------------------------------------------------


def test_no_checkpoints_every_series_says_why() -> None:
    practice = make_practice()
    lean = S.lean_series([])
    assert lean.labels == [] and lean.empty and lean.empty_reason == S.NO_CHECKPOINTS
    assert S.quadrant_series([]).empty_reason and S.quadrant_series([]).paths == []
    trends = S.metric_series(CONTENT, practice, [])
    assert [t.metric_id for t in trends] == ["case_acceptance", "overhead"]
    assert all(t.empty_reason == S.NO_CHECKPOINTS and t.values == [] for t in trends)
    dims = S.dimension_series(CONTENT, [])
    assert dims.respondents == [] and "No checkpoint yet" in (dims.empty_reason or "")
    fin = S.financial_series(practice, [])
    assert fin.empty_reason == S.NO_CHECKPOINTS and fin.labels == []


def test_one_checkpoint_has_no_trend_yet() -> None:
    practice = make_practice()
    cps = [
        checkpoint(
            "2026-Q1",
            metrics=[acceptance(30, 50)],
            financials={"production": 200_000, "collections": 190_000},
        )
    ]
    message = "Only one checkpoint so far: the trend appears after the next one."
    assert message == S.ONE_CHECKPOINT
    assert S.lean_series(cps).empty_reason == message
    assert S.lean_series(cps).labels == ["2026-Q1"]
    assert S.financial_series(practice, cps).empty_reason == message
    assert all(t.empty_reason == message for t in S.metric_series(CONTENT, practice, cps))
    # one position is still worth showing; the path comes later
    quad = S.quadrant_series(cps)
    assert quad.empty_reason is None and quad.note and "path" in quad.note
    assert quad.title == "Where you stand, 2026-Q1"
    assert S.dimension_series(CONTENT, cps).empty_reason is None


def test_two_checkpoints_make_a_trend() -> None:
    practice = make_practice()
    cps = [
        checkpoint("2026-Q1", doctor=(80, 40), manager=(50, 80), metrics=[acceptance(30, 50)]),
        checkpoint("2026-Q2", doctor=(70, 60), manager=(60, 70), metrics=[acceptance(40, 50)]),
    ]
    lean = S.lean_series(cps)
    assert lean.empty_reason is None and lean.labels == ["2026-Q1", "2026-Q2"]
    assert lean.trajectory("doctor").lean == [40, 10]  # type: ignore[union-attr]
    assert lean.trajectory("practice").structure == [65, 65]  # type: ignore[union-attr]
    acc, overhead = S.metric_series(CONTENT, practice, cps)
    # value computed from the inputs, status against the practice's target
    assert acc.values == [60, 80] and acc.status == ["green", "green"]
    assert acc.target_low == [60, 60] and acc.empty_reason is None
    assert overhead.labels == [] and overhead.empty_reason and "Overhead" in overhead.empty_reason
    fin = S.financial_series(practice, cps)
    assert "No production and collections entered yet" in (fin.empty_reason or "")


def test_a_metric_entered_once_among_several_checkpoints() -> None:
    practice = make_practice()
    cps = [
        checkpoint("2026-Q1"),
        checkpoint("2026-Q2", metrics=[acceptance(20, 50, status="red")]),
    ]
    acc = S.metric_series(CONTENT, practice, cps, "case_acceptance")[0]
    assert acc.labels == ["2026-Q2"] and acc.status == ["red"]
    assert acc.empty_reason == (
        "Actuals for Case acceptance entered for one quarter so far (2026-Q2): "
        "the trend appears after the next one."
    )


# --- details ---------------------------------------------------------------------------


def test_goal_changing_mid_way_uses_the_goal_in_effect_for_each_quarter() -> None:
    goals = [
        goal(dt.date(2026, 1, 1), payroll=300_000),
        goal(dt.date(2026, 5, 15), payroll=340_000),  # in the middle of Q2
        goal(dt.date(2026, 10, 1), payroll=380_000, rate=0.9),  # on the first day of Q4
    ]
    practice = make_practice(goals)
    money = {"production": 250_000, "collections": 240_000}
    cps = [checkpoint(q, financials=money) for q in ("2026-Q1", "2026-Q2", "2026-Q3", "2026-Q4")]
    fin = S.financial_series(practice, cps)
    a, b, c = (derive_goal(practice.goal[i]) for i in range(3))
    assert fin.goal_effective == ["2026-01-01", "2026-01-01", "2026-05-15", "2026-10-01"]
    assert fin.production_goal == [
        a.production_goal / 4,
        a.production_goal / 4,  # the May goal was not yet in effect on 1 April
        b.production_goal / 4,
        c.production_goal / 4,
    ]
    assert fin.collection_goal[3] == c.collection_goal / 4
    assert c.production_goal == pytest.approx(c.collection_goal / 0.9)


def test_a_quarter_before_any_goal_has_no_goal() -> None:
    practice = make_practice([goal(dt.date(2026, 4, 1))])
    cps = [
        checkpoint("2026-Q1", financials={"production": 1}),
        checkpoint("2026-Q2", financials={"collections": 2}),
    ]
    fin = S.financial_series(practice, cps)
    assert fin.production_goal[0] is None and fin.goal_effective == [None, "2026-04-01"]
    assert fin.production == [1, None] and fin.collections == [None, 2]


def test_quarters_without_financials_are_left_out() -> None:
    practice = make_practice()
    cps = [
        checkpoint("2026-Q1", financials={"production": 100_000, "collections": 95_000}),
        checkpoint("2026-Q2"),
        checkpoint("2026-Q3", financials={}),
        checkpoint("2026-Q4", financials={"production": 120_000, "collections": 110_000}),
    ]
    fin = S.financial_series(practice, cps)
    assert fin.labels == ["2026-Q1", "2026-Q4"] and fin.empty_reason is None


def test_checkpoints_are_put_in_order_and_gaps_kept() -> None:
    cps = [checkpoint("2027-Q1"), checkpoint("2026-Q2"), checkpoint("2026-Q3")]
    lean = S.lean_series(cps)
    assert lean.labels == ["2026-Q2", "2026-Q3", "2027-Q1"]
    assert [S.quarter_index(q) for q in lean.labels] == [8105, 8106, 8108]


def test_range_targets_and_targets_that_change() -> None:
    practice = make_practice(
        metric=[
            {
                "id": "hygiene_share",
                "owner": "manager",
                "target": {"kind": "range", "low": 25, "high": 35},
            }
        ]
    )

    def share(value: float, target: dict[str, Any] | None) -> dict[str, Any]:
        actual = {
            "id": "hygiene_share",
            "inputs": {"hygiene_production": value, "total_production": 100},
        }
        if target:
            actual["target"] = target
        return actual

    cps = [
        checkpoint("2026-Q1", metrics=[share(20, {"kind": "range", "low": 20, "high": 30})]),
        checkpoint("2026-Q2", metrics=[share(40, None)]),
    ]
    (trend,) = S.metric_series(CONTENT, practice, cps)
    assert trend.target_low == [20, 25] and trend.target_high == [30, 35]
    assert trend.status == ["green", "red"]  # 40 misses 35 by more than 10%
    assert trend.target_text == "25%–35%"


def test_a_metric_no_longer_on_the_scoreboard_can_still_be_asked_for() -> None:
    practice = make_practice()
    cps = [
        checkpoint(
            "2026-Q1",
            metrics=[{"id": "nps", "inputs": {"promoters": 6, "passives": 2, "detractors": 2}}],
        ),
        checkpoint(
            "2026-Q2",
            metrics=[{"id": "nps", "inputs": {"promoters": 7, "passives": 2, "detractors": 1}}],
        ),
    ]
    assert [t.metric_id for t in S.metric_series(CONTENT, practice, cps)] == [
        "case_acceptance",
        "overhead",
    ]
    (nps,) = S.metric_series(CONTENT, practice, cps, "nps")
    assert nps.values == [40, 60] and nps.status == [None, None] and nps.owner is None
    with pytest.raises(DataError) as caught:
        S.metric_series(CONTENT, practice, cps, "chair time")
    assert "case_acceptance, overhead, nps" in str(caught.value)


def test_one_respondent_only() -> None:
    cps = [checkpoint("2026-Q1", manager=None), checkpoint("2026-Q2", manager=None)]
    lean = S.lean_series(cps)
    assert [t.who for t in lean.trajectories] == ["practice", "doctor"]
    dims = S.dimension_series(CONTENT, cps)
    assert [r.who for r in dims.respondents] == ["doctor"]
    assert dims.labels == ["Metrics", "Next steps"]  # only the dimensions with scores
    assert dims.note == "Only the doctor answered at 2026-Q2."
    assert dims.title == "Doctor by dimension, 2026-Q2"


def test_a_checkpoint_without_scores_by_dimension_falls_back_to_an_earlier_one() -> None:
    cps = [checkpoint("2026-Q1"), checkpoint("2026-Q2", dims=False)]
    assert S.dimension_series(CONTENT, cps).quarter == "2026-Q1"
    only = S.dimension_series(CONTENT, [checkpoint("2026-Q2", dims=False)])
    assert only.empty_reason == "No checkpoint has scores by dimension yet."


def test_unknown_kind_is_a_data_error() -> None:
    with pytest.raises(DataError, match="no 'pie' chart"):
        S.series_for("pie", CONTENT, make_practice(), [])

"""Practices and checkpoints for the storage tests (also imported by the crash worker)."""

from __future__ import annotations

import datetime as dt

from balancecoach.core.records import (
    Checkpoint,
    Commitment,
    Goal,
    MetricActual,
    MetricChoice,
    PlanItem,
    Practice,
    PracticeScores,
    Profile,
    Respondent,
)

SLUG = "smile-dental"


def practice(providers: int = 2, payroll: float = 310_000, note: str = "") -> Practice:
    return Practice(
        practice=Profile(name="Smile Dental", providers=providers, created=dt.date(2025, 1, 6)),
        goal=[
            Goal(
                effective=dt.date(2025, 1, 1),
                overhead={"payroll": payroll, "rent": 72_000, "supplies": 62_000},
                doctor_compensation=240_000,
                collection_rate=0.97,
            )
        ],
        metric=[
            MetricChoice(
                id="case_acceptance",
                owner="doctor",
                target={"kind": "at_least", "value": 60},
            ),
            MetricChoice(id="overhead", owner="manager", target={"kind": "at_most", "value": 60}),
        ],
        plan=[PlanItem(practice="daily_huddle", owner="team", cadence="daily", note=note)],
    )


def checkpoint(quarter: str = "2025-Q1", answer: int = 4, status: str = "open") -> Checkpoint:
    return Checkpoint(
        quarter=quarter,
        date=dt.date(2025, 3, 28),
        respondent=[
            Respondent(role="doctor", answers={"MET-S1": answer, "MET-P1": 2}, working="huddles"),
            Respondent(role="manager", answers={"MET-S1": 2, "MET-P1": 5}),
        ],
        scores=PracticeScores(structure=62.5, people=48.0, lean=14.5, quadrant="drifting"),
        metric=[
            MetricActual(
                id="case_acceptance",
                inputs={"accepted": 31, "presented": 50},
                value=62.0,
                status="green",
            )
        ],
        commitment=[Commitment(text="Review collections monthly", owner="both", status=status)],
    )

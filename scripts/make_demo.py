#!/usr/bin/env python3
"""Generate the bundled demo practice, or a cohort of synthetic practices.

    python scripts/make_demo.py                        # demo/practices/harbour-family-dental-demo
    python scripts/make_demo.py --out DIR              # the same demo, under DIR/practices/
    python scripts/make_demo.py --cohort 500 --out DIR [--quarters 12] [--jobs N]

Everything is deterministic (fixed seeds, fixed dates): running it twice writes
byte-identical files. Answers are generated, then scored by the app's own code
(`core.assessment.assess` and `core.snapshots`); metric values and statuses are computed
from raw practice totals by `core.metrics`. Files are written through `PracticeStore`, so
they carry the same headers and layout as the ones the app saves. Only practice totals
appear: nothing about any single patient.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing

from balancecoach.core.assessment import (  # noqa: E402
    AnswersFile,
    RespondentAnswers,
    assess,
    statements_for,
)
from balancecoach.core.content import Content  # noqa: E402
from balancecoach.core.goals import Calendar, LastYear, Overhead  # noqa: E402
from balancecoach.core.metrics import MetricTarget  # noqa: E402
from balancecoach.core.records import (  # noqa: E402
    Adherence,
    Checkpoint,
    Commitment,
    Financials,
    Goal,
    MetricChoice,
    PlanItem,
    Practice,
    Profile,
    Quarter,
)
from balancecoach.core.snapshots import metric_actual, practice_scores, respondents  # noqa: E402
from balancecoach.storage.catalogs import load_content  # noqa: E402
from balancecoach.storage.store import PracticeStore  # noqa: E402

DEMO_NAME = "Harbour Family Dental (demo)"
DEMO_SEED = 20250108
COHORT_SEED = 7_300_000
ROLES = ("doctor", "manager")
WEEKS, DAYS_PER_WEEK, HOURS_PER_DAY = 48, 4, 8
QUARTER_HOURS = WEEKS * DAYS_PER_WEEK * HOURS_PER_DAY / 4


# --- the shape of a practice's story -----------------------------------------------------


@dataclass
class Level:
    """Where a respondent starts and ends: structure and people, 0–100."""

    start: tuple[float, float]
    end: tuple[float, float]
    #: Above 1, change comes slowly at first and faster once habits take hold.
    ease: float = 1.0

    def at(self, progress: float, wobble: float = 0.0) -> tuple[float, float]:
        s0, p0 = self.start
        s1, p1 = self.end
        # A wobble pulls back toward the start for a quarter (a slow summer, a bad month).
        k = max(0.0, min(1.0, progress - wobble)) ** self.ease
        return s0 + (s1 - s0) * k, p0 + (p1 - p0) * k


@dataclass
class MetricPlan:
    id: str
    owner: str
    target: MetricTarget
    values: list[float]  # the figure each quarter; raw totals are built to match it
    size: float = 1.0  # practice size, for the totals behind a rate


@dataclass
class CommitmentPlan:
    text: str
    owner: str
    due: dt.date
    review: str  # how it went, recorded at the next checkpoint: done, partly or not
    note: str = ""


@dataclass
class Story:
    name: str
    seed: int
    first: Quarter
    quarters: int
    created: dt.date
    providers: int
    goals: list[Goal]
    levels: dict[str, Level]
    wobble: list[float]
    metrics: list[MetricPlan]
    plan: list[PlanItem]
    adherence: list[dict[str, tuple[str, str]]]  # per quarter: practice → (kept, note)
    reflections: list[dict[str, tuple[str, str]]]  # per quarter: role → (working, improve)
    commitments: list[list[CommitmentPlan]]
    production: list[float]
    collection_rate: list[float]
    clinical_hours: list[float]
    shared_sd: float = 10.0
    noise_sd: float = 6.0
    skip_rate: float = 0.0
    coach_notes: list[str] = field(default_factory=list)

    def quarter(self, t: int) -> Quarter:
        q = self.first
        for _ in range(t):
            q = q.next()
        return q


def item_set_for(t: int, quarter: Quarter) -> str:
    """The first checkpoint and every Q4 use the full set; the others the pulse."""
    return "full" if t == 0 or quarter.number == 4 else "pulse"


# --- raw totals behind a metric's figure --------------------------------------------------


def _split(total: int, share: float) -> int:
    return max(0, min(total, round(total * share / 100)))


def raw_inputs(
    metric_id: str, value: float, rng: random.Random, size: float, ctx: dict[str, float]
) -> dict[str, float]:
    """Practice totals for a quarter that give (close to) `value` for the metric."""
    if metric_id == "case_acceptance":
        presented = round(rng.randint(105, 140) * size)
        return {"accepted": _split(presented, value), "presented": presented}
    if metric_id == "patient_retention":
        active = round(rng.randint(2250, 2450) * size)
        return {"returned": _split(active, value), "active_last_year": active}
    if metric_id == "pre_appointment":
        visits = round(rng.randint(840, 950) * size)
        return {"booked": _split(visits, value), "hygiene_visits": visits}
    if metric_id == "referral_share":
        new = round(rng.randint(45, 80) * size)
        return {"referred": _split(new, value), "new_patients": new}
    if metric_id == "nps":
        n = round(rng.randint(60, 95) * size)
        passives = round(n * rng.uniform(0.2, 0.3))
        promoters = max(0, min(n - passives, round((n - passives + value * n / 100) / 2)))
        return {
            "promoters": promoters,
            "passives": passives,
            "detractors": n - passives - promoters,
        }
    if metric_id == "chair_utilisation":
        available = round(rng.randint(900, 1100) * size)
        return {"hours_used": _split(available, value), "hours_available": available}
    if metric_id == "collection_rate":
        return {
            "collections": round(ctx["collections"]),
            "net_production": round(ctx["production"]),
        }
    if metric_id == "overhead":
        return {
            "expenses": round(ctx["collections"] * value / 100),
            "collections": ctx["collections"],
        }
    if metric_id == "new_patients":
        dentists = max(1, round(size))
        return {"new_patients": round(value * 3 * dentists), "months": 3, "dentists": dentists}
    if metric_id == "production_per_hour":
        return {"production": round(ctx["production"]), "clinical_hours": ctx["clinical_hours"]}
    if metric_id == "hygiene_share":
        total = round(ctx["production"])
        return {"hygiene_production": round(total * value / 100), "total_production": total}
    if metric_id == "unscheduled_treatment":
        annual = round(ctx["production"] * 4)
        backlog = annual * value / 100
        shares = (0.35, 0.25, 0.22, 0.18)
        ages = ("age_0_3", "age_3_6", "age_6_12", "age_over_12")
        return {**{a: round(backlog * s) for a, s in zip(ages, shares, strict=True)}} | {
            "annual_production": annual
        }
    raise ValueError(f"no generator for metric {metric_id!r}")


# --- building the records ------------------------------------------------------------------


def build(story: Story, content: Content) -> tuple[Practice, list[Checkpoint]]:
    """The practice file and its checkpoints, scored by the app's own code."""
    rng = random.Random(story.seed)
    bank = content.questions
    practice = Practice(
        practice=Profile(
            name=story.name, demo=True, providers=story.providers, created=story.created
        ),
        goal=story.goals,
        metric=[
            MetricChoice(id=m.id, owner=m.owner, target=m.target, since=story.created)
            for m in story.metrics
        ],
        plan=story.plan,
    )
    # How each statement reads in this practice, the same for both partners: their answers
    # differ by where each of them stands, plus a little personal noise.
    shared = {s.id: rng.gauss(0, story.shared_sd) for s in bank.statement}
    checkpoints: list[Checkpoint] = []
    last = max(story.quarters - 1, 1)
    for t in range(story.quarters):
        quarter = story.quarter(t)
        item_set = item_set_for(t, quarter)
        asked = statements_for(content, item_set)  # type: ignore[arg-type]
        answers: dict[str, dict[str, int]] = {}
        for role in ROLES:
            structure, people = story.levels[role].at(t / last, story.wobble[t])
            mine: dict[str, int] = {}
            for s in asked:
                noise = rng.gauss(0, story.noise_sd)
                if story.skip_rate and rng.random() < story.skip_rate:
                    continue
                base = structure if s.pole == "structure" else people
                steps = round(max(0.0, min(100.0, base + shared[s.id] + noise)) / 25)
                mine[s.id] = 5 - steps if s.reverse else steps + 1
            answers[role] = mine
        result = assess(
            content,
            AnswersFile(
                item_set=item_set,  # type: ignore[arg-type]
                respondent=[RespondentAnswers(role=r, answers=answers[r]) for r in ROLES],
            ),
        )
        production = story.production[t]
        collections = round(production * story.collection_rate[t])
        ctx = {
            "production": production,
            "collections": collections,
            "clinical_hours": story.clinical_hours[t],
        }
        actuals = []
        for m in story.metrics:
            definition = content.metrics.by_id[m.id]
            raw = raw_inputs(m.id, m.values[t], rng, m.size, ctx)
            actuals.append(metric_actual(definition, raw, m.target, f"{quarter} {m.id}"))
        goal = practice.goal_on(quarter.start)
        review = []
        if t > 0:
            review = [
                Commitment(text=c.text, owner=c.owner, due=c.due, status=c.review, note=c.note)
                for c in story.commitments[t - 1]
            ]
        checkpoints.append(
            Checkpoint(
                quarter=str(quarter),
                date=quarter.end - dt.timedelta(days=2 + t % 3),
                item_set=item_set,  # type: ignore[arg-type]
                goal_effective=goal.effective if goal else None,
                respondent=respondents(result, answers, story.reflections[t]),
                scores=practice_scores(result),
                financials=Financials(production=production, collections=collections),
                metric=actuals,
                adherence=[
                    Adherence(practice=pid, kept=kept, note=note)  # type: ignore[arg-type]
                    for pid, (kept, note) in story.adherence[t].items()
                ],
                review=review,
                commitment=[
                    Commitment(text=c.text, owner=c.owner, due=c.due) for c in story.commitments[t]
                ],
                coach_notes=story.coach_notes[t] if t < len(story.coach_notes) else "",
            )
        )
    return practice, checkpoints


def write(story: Story, content: Content, out: Path) -> str:
    """Write one practice under out/practices/<slug>, replacing an earlier generation."""
    practice, checkpoints = build(story, content)
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".generate-", dir=out))
    try:
        store = PracticeStore(staging)
        slug = store.create_practice(practice)
        for checkpoint in checkpoints:
            store.save_checkpoint(slug, checkpoint)
        target = out / "practices" / slug
        if target.exists():
            shutil.rmtree(target)
        target.parent.mkdir(parents=True, exist_ok=True)
        (staging / "practices" / slug).rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return slug


# --- the demo: Harbour Family Dental --------------------------------------------------------


def _goal(
    effective: dt.date,
    payroll: float,
    rent: float,
    supplies: float,
    lab: float,
    marketing: float,
    other: float,
    doctor_compensation: float,
    profit: float,
    collection_rate: float,
    last_year: tuple[float, float],
    equipment_loans: float = 34000,
    debt_service: float = 30000,
    providers: int = 2,
) -> Goal:
    return Goal(
        effective=effective,
        overhead=Overhead(
            payroll=payroll,
            rent=rent,
            supplies=supplies,
            lab=lab,
            equipment_loans=equipment_loans,
            marketing=marketing,
            other=other,
        ),
        doctor_compensation=doctor_compensation,
        debt_service=debt_service,
        profit=profit,
        collection_rate=collection_rate,
        providers=providers,
        calendar=Calendar(
            weeks=WEEKS, days_per_week=DAYS_PER_WEEK, clinical_hours_per_day=HOURS_PER_DAY
        ),
        last_year=LastYear(production=last_year[0], collections=last_year[1]),
    )


DEMO_PRODUCTION = [228000, 241500, 226800, 252300, 244800, 258900, 246300, 271500]
DEMO_COLLECTION_RATE = [0.954, 0.958, 0.961, 0.963, 0.967, 0.969, 0.968, 0.972]
DEMO_HOURS = [376, 384, 368, 360, 376, 384, 368, 360]

DEMO_PLAN = [
    PlanItem(
        practice="monthly_financial_review",
        owner="manager",
        cadence="monthly",
        note="First Tuesday of the month, 45 minutes, with the one-page summary.",
    ),
    PlanItem(
        practice="annual_goal_meeting",
        owner="both",
        cadence="yearly",
        note="In the first two weeks of January, from last year's actual figures.",
    ),
    PlanItem(practice="quarterly_partnership_checkpoint", owner="both", cadence="quarterly"),
    PlanItem(practice="daily_huddle", owner="manager", cadence="daily", note="8:00, ten minutes."),
    PlanItem(practice="treatment_conversation_steps", owner="doctor", cadence="every_visit"),
    PlanItem(
        practice="patient_story_at_huddle",
        owner="team",
        cadence="weekly",
        note="Monday huddle; told without names.",
    ),
]

# (practice id → kept per quarter); the yearly goal meeting is recorded in the first quarter.
_K = {"k": "kept", "p": "partly", "n": "not"}
DEMO_ADHERENCE_GRID = {
    "monthly_financial_review": "ppkpkkkk",
    "annual_goal_meeting": "k...k...",
    "quarterly_partnership_checkpoint": "kkpkkkkk",
    "daily_huddle": "kkpkkkkk",
    "treatment_conversation_steps": "nppkpkkk",
    "patient_story_at_huddle": "nnpkpkkk",
}
DEMO_ADHERENCE_NOTES = {
    (0, "monthly_financial_review"): "Held in February only; March was skipped.",
    (0, "treatment_conversation_steps"): "Not started yet.",
    (0, "patient_story_at_huddle"): "Not started yet.",
    (1, "monthly_financial_review"): "Two of three; the summary was built during the meeting.",
    (2, "quarterly_partnership_checkpoint"): "Held three weeks late.",
    (2, "daily_huddle"): "Dropped on the busiest summer days.",
    (3, "monthly_financial_review"): "December was skipped.",
    (4, "annual_goal_meeting"): "Goal for the year agreed together, line by line.",
    (4, "patient_story_at_huddle"): "Lapsed in February, restarted in March.",
}

DEMO_REFLECTIONS: list[dict[str, tuple[str, str]]] = [
    {
        "doctor": (
            "We know our production numbers every day and the schedule is full.",
            "Too many treatment plans stall after the patient says they will think about it.",
        ),
        "manager": (
            "The team is kind with patients and the front desk knows most families by name.",
            "The goal reaches the team as a number with no reason behind it, and the morning "
            "talk about numbers makes people tense.",
        ),
    },
    {
        "doctor": (
            "Working out the goal line by line showed me where the money actually goes.",
            "I still jump to the dollar figure at the huddle before anyone says what it means "
            "for patients.",
        ),
        "manager": (
            "The monthly review happened twice this quarter and we both came out of it calmer.",
            "I need to bring the one-page summary to the meeting, not build it during it.",
        ),
    },
    {
        "doctor": (
            "Asking patients what matters to them before I present treatment has made the "
            "conversations shorter, not longer.",
            "Summer was slow and I felt the old pressure come back; I should have told the "
            "manager directly.",
        ),
        "manager": (
            "The patient story at the Monday huddle is the first time the team asked for more "
            "numbers.",
            "Hygiene checkout is still rushed on busy days, so the next visit does not always "
            "get booked.",
        ),
    },
    {
        "doctor": (
            "Case acceptance is up and I feel less like I am selling.",
            "We should work out next year's goal together instead of me bringing a finished "
            "figure.",
        ),
        "manager": (
            "The team can say what our case acceptance number means in patients.",
            "We skipped the December review; we need a date in the calendar that does not move.",
        ),
    },
    {
        "doctor": (
            "We set this year's goal together from last year's actual figures, and it felt fair.",
            "I want the hygiene team to feel part of the scoreboard, not only the front desk.",
        ),
        "manager": (
            "Every hygiene patient now leaves with a booked visit or a dated call on the list.",
            "Patient feedback is still mostly in my head; we should ask patients in writing "
            "each quarter.",
        ),
    },
    {
        "doctor": (
            "The monthly reviews are routine now, and I look forward to them.",
            "Cost conversations still sometimes happen at the chair, before the written estimate.",
        ),
        "manager": (
            "Our patient survey shows more promoters than a year ago.",
            "I still hesitate to bring bad news about the month; I want to say it the week it "
            "happens.",
        ),
    },
    {
        "doctor": (
            "The huddle talks about patients first and numbers second, and the numbers held "
            "up anyway.",
            "The summer dip came again, smaller this time; we could plan August recalls earlier.",
        ),
        "manager": (
            "The doctor asks for my view before changing the schedule, and the team notices.",
            "New team members need the service principles written down, not only shown.",
        ),
    },
    {
        "doctor": (
            "We read the same numbers the same way now, and we disagree in the room instead "
            "of after it.",
            "Keep the quarterly checkpoint even when the quarter went well.",
        ),
        "manager": (
            "Case acceptance, retention and pre-appointments all moved, and the team knows why.",
            "Put next year's goal meeting in the calendar now, with the breakdown ready a week "
            "before.",
        ),
    },
]


def _c(text: str, owner: str, due: str, review: str, note: str = "") -> CommitmentPlan:
    return CommitmentPlan(text, owner, dt.date.fromisoformat(due), review, note)


DEMO_COMMITMENTS: list[list[CommitmentPlan]] = [
    [
        _c(
            "Walk through how this year's collection goal was worked out, line by line",
            "both",
            "2024-04-30",
            "done",
            "Took an hour; the first time we both saw every line.",
        ),
        _c(
            "Bring a one-page summary of the month's numbers to each monthly review",
            "manager",
            "2024-06-30",
            "partly",
            "Ready for one review of three.",
        ),
        _c(
            "Ask what matters most to the patient before presenting any treatment plan",
            "doctor",
            "2024-06-30",
            "partly",
            "Most days, not on the busiest ones.",
        ),
    ],
    [
        _c(
            "Start a weekly patient story at the Monday huddle, told without names",
            "team",
            "2024-07-31",
            "done",
        ),
        _c(
            "Call patients with treatment diagnosed in the last 3 months but not booked",
            "manager",
            "2024-09-30",
            "partly",
            "About half of the list.",
        ),
        _c(
            "Tell the manager in the same week when the month worries me",
            "doctor",
            "2024-09-30",
            "not",
            "Kept it to myself in August.",
        ),
    ],
    [
        _c(
            "Book the next hygiene visit before checkout, or put a dated call on the list",
            "team",
            "2024-12-31",
            "partly",
            "Done on most days; slipped in the week before the holidays.",
        ),
        _c(
            "Put the monthly review on a fixed day: first Tuesday, 8:00",
            "manager",
            "2024-10-07",
            "done",
        ),
        _c(
            "Bring this year's actual figures to the annual goal meeting",
            "manager",
            "2024-12-15",
            "done",
        ),
    ],
    [
        _c(
            "Hold the annual goal meeting and agree the 2025 goal together",
            "both",
            "2025-01-15",
            "done",
        ),
        _c(
            "Show the team the scoreboard once a month, each number in patient terms",
            "manager",
            "2025-03-31",
            "done",
        ),
        _c(
            "Give every patient with a treatment plan a written summary in order of priority",
            "doctor",
            "2025-03-31",
            "partly",
            "The template is ready; used for about two thirds of plans.",
        ),
    ],
    [
        _c(
            "Ask patients to rate their visit each quarter and compare with our own rating",
            "manager",
            "2025-06-30",
            "done",
        ),
        _c(
            "Give every cost estimate in writing before treatment begins",
            "manager",
            "2025-06-30",
            "partly",
            "Same-day treatment still gets a spoken estimate.",
        ),
        _c(
            "Ask the manager's view before changing the schedule",
            "doctor",
            "2025-06-30",
            "done",
        ),
    ],
    [
        _c(
            "Write down five service principles and go over one each week",
            "manager",
            "2025-09-30",
            "partly",
            "Three of the five are written.",
        ),
        _c(
            "Plan August hygiene recalls in June so the summer stays full",
            "team",
            "2025-07-15",
            "done",
        ),
        _c(
            "Bring worrying news about the month to the doctor in the same week",
            "manager",
            "2025-09-30",
            "done",
        ),
    ],
    [
        _c(
            "Finish the written service principles and teach them to every new team member",
            "manager",
            "2025-11-30",
            "done",
        ),
        _c(
            "Call patients the evening after a longer procedure",
            "doctor",
            "2025-12-31",
            "partly",
            "Most evenings; missed on surgery days that ran late.",
        ),
        _c(
            "Prepare the 2026 goal breakdown a week before the annual meeting",
            "both",
            "2025-12-15",
            "done",
        ),
    ],
    [
        _c(
            "Hold the 2026 goal meeting in the first week of January",
            "both",
            "2026-01-08",
            "done",
        ),
        _c(
            "Keep a quarterly checkpoint in the calendar for every quarter of 2026",
            "both",
            "2026-03-31",
            "done",
        ),
        _c(
            "Add referral share to the scoreboard and agree a target for it",
            "manager",
            "2026-03-31",
            "done",
        ),
    ],
]


def demo_story() -> Story:
    first_year = (sum(DEMO_PRODUCTION[:4]), 0.0)
    collected = sum(
        round(p * r) for p, r in zip(DEMO_PRODUCTION[:4], DEMO_COLLECTION_RATE[:4], strict=True)
    )
    first_year = (first_year[0], float(collected))
    goals = [
        _goal(
            dt.date(2024, 1, 1),
            payroll=300000,
            rent=72000,
            supplies=58000,
            lab=46000,
            marketing=18000,
            other=40000,
            doctor_compensation=260000,
            profit=60000,
            collection_rate=0.96,
            last_year=(930000, 889000),
        ),
        _goal(
            dt.date(2025, 1, 1),
            payroll=312000,
            rent=74000,
            supplies=60000,
            lab=48000,
            marketing=14000,
            other=40000,
            doctor_compensation=265000,
            profit=70000,
            collection_rate=0.97,
            last_year=first_year,
        ),
    ]
    metrics = [
        MetricPlan(
            "case_acceptance",
            "doctor",
            MetricTarget(kind="at_least", value=65),
            [52, 55, 54, 60, 63, 61, 66, 69],
        ),
        MetricPlan(
            "pre_appointment",
            "team",
            MetricTarget(kind="at_least", value=85),
            [74, 76, 75, 81, 84, 86, 85, 89],
        ),
        MetricPlan(
            "patient_retention",
            "manager",
            MetricTarget(kind="at_least", value=82),
            [76, 77, 77, 79, 80, 82, 82, 84],
        ),
        MetricPlan(
            "nps",
            "manager",
            MetricTarget(kind="at_least", value=45),
            [28, 31, 35, 33, 41, 46, 44, 52],
        ),
        MetricPlan(
            "production_per_hour",
            "doctor",
            MetricTarget(kind="at_least", value=630),
            [p / h for p, h in zip(DEMO_PRODUCTION, DEMO_HOURS, strict=True)],
        ),
    ]
    adherence = [
        {
            pid: (_K[grid[t]], DEMO_ADHERENCE_NOTES.get((t, pid), ""))
            for pid, grid in DEMO_ADHERENCE_GRID.items()
            if grid[t] != "."
        }
        for t in range(8)
    ]
    return Story(
        name=DEMO_NAME,
        seed=DEMO_SEED,
        first=Quarter("2024-Q1"),
        quarters=8,
        created=dt.date(2024, 1, 8),
        providers=2,
        goals=goals,
        levels={
            # The doctor starts strongly production-leaning, the manager patient-leaning.
            "doctor": Level(start=(86, 26), end=(80, 76), ease=1.5),
            "manager": Level(start=(52, 80), end=(76, 80), ease=1.5),
        },
        wobble=[0, 0, 0.12, 0, 0, 0, 0.08, 0],
        metrics=metrics,
        plan=DEMO_PLAN,
        adherence=adherence,
        reflections=DEMO_REFLECTIONS,
        commitments=DEMO_COMMITMENTS,
        production=[float(p) for p in DEMO_PRODUCTION],
        collection_rate=DEMO_COLLECTION_RATE,
        clinical_hours=[float(h) for h in DEMO_HOURS],
        shared_sd=9.0,
        noise_sd=6.0,
    )


# --- a cohort of synthetic practices ----------------------------------------------------------

#: (doctor start, doctor end, manager start, manager end), each (structure, people).
ARCHETYPES: dict[str, tuple[tuple[float, float], ...]] = {
    "production-to-integrated": ((86, 30), (78, 74), (55, 78), (74, 78)),
    "patient-to-integrated": ((45, 84), (72, 80), (40, 86), (74, 82)),
    "production-stays": ((84, 34), (82, 40), (72, 48), (75, 50)),
    "patient-stays": ((42, 82), (46, 84), (38, 86), (44, 84)),
    "drifting-recovers": ((44, 42), (70, 68), (40, 48), (68, 72)),
    "integrated-steady": ((76, 74), (78, 76), (72, 80), (74, 80)),
    "partners-pull-apart": ((70, 60), (88, 36), (62, 70), (44, 86)),
    "drifting-stays": ((46, 44), (50, 46), (42, 50), (46, 52)),
}

#: metric id → (owner choices, target, (worst, best) figure over the story)
COHORT_METRICS: dict[str, tuple[tuple[str, ...], MetricTarget, tuple[float, float]]] = {
    "case_acceptance": (("doctor",), MetricTarget(kind="at_least", value=65), (42, 72)),
    "patient_retention": (("manager",), MetricTarget(kind="at_least", value=82), (70, 87)),
    "pre_appointment": (("team", "manager"), MetricTarget(kind="at_least", value=85), (66, 92)),
    "referral_share": (("manager",), MetricTarget(kind="at_least", value=40), (22, 52)),
    "nps": (("manager", "team"), MetricTarget(kind="at_least", value=40), (12, 60)),
    "unscheduled_treatment": (("doctor",), MetricTarget(kind="at_most", value=25), (48, 18)),
    "chair_utilisation": (("manager",), MetricTarget(kind="at_least", value=75), (58, 86)),
    "collection_rate": (("manager",), MetricTarget(kind="at_least", value=98), (93, 99)),
    "overhead": (("manager", "doctor"), MetricTarget(kind="at_most", value=62), (74, 58)),
    "new_patients": (("manager",), MetricTarget(kind="at_least", value=15), (8, 24)),
    "production_per_hour": (("doctor",), MetricTarget(kind="at_least", value=600), (480, 760)),
    "hygiene_share": (
        ("doctor", "team"),
        MetricTarget(kind="range", low=25, high=35),
        (21, 30),
    ),
}

COHORT_WORKING = [
    "The monthly review happens on a fixed day now.",
    "The team knows what this quarter's numbers mean for patients.",
    "Patients are asked what matters to them before we present treatment.",
    "Every hygiene patient leaves with a next step.",
    "We talk about worrying months in the same week.",
    "The huddle starts with the day's patients, not the day's total.",
    "The written estimates have cut down on surprised patients at checkout.",
    "We worked out the goal together and both of us can explain it.",
    "The front desk fixes small problems without waiting for the doctor.",
    "The schedule is full and the chairs are busy.",
]
COHORT_IMPROVE = [
    "We skip the monthly review when the month is busy.",
    "The goal still reaches the team as a number with no reason behind it.",
    "Treatment plans stall after the patient says they will think about it.",
    "Cost conversations happen too late, at the chair.",
    "We avoid talking about the numbers when they are bad.",
    "The huddle is all numbers and the team goes quiet.",
    "Unscheduled treatment piles up with nobody working through it.",
    "Patient feedback is never written down.",
    "New team members learn the service routine by watching, not from anything written.",
    "We agree in the meeting and do things differently afterwards.",
]
COHORT_COMMITMENTS: list[tuple[str, str]] = [
    ("Hold the monthly financial review on a fixed day", "manager"),
    ("Bring a one-page summary of the month to each review", "manager"),
    ("Walk through how the collection goal was worked out, line by line", "both"),
    ("Ask what matters most to the patient before presenting treatment", "doctor"),
    ("Give every cost estimate in writing before treatment begins", "manager"),
    ("Book the next hygiene visit before checkout, or put a dated call on the list", "team"),
    ("Work through the unscheduled treatment list every week, newest first", "manager"),
    ("Start a weekly patient story at the huddle, told without names", "team"),
    ("Ask patients to rate their visit each quarter", "manager"),
    ("Tell the other partner in the same week when the month worries you", "both"),
    ("Show the team the scoreboard once a month in patient terms", "manager"),
    ("Write down the practice's service principles", "manager"),
    ("Call patients the evening after a longer procedure", "doctor"),
    ("Ask the manager's view before changing the schedule", "doctor"),
]


def _jitter(point: tuple[float, float], rng: random.Random, sd: float = 4.0) -> tuple[float, float]:
    return (
        max(5.0, min(95.0, point[0] + rng.gauss(0, sd))),
        max(5.0, min(95.0, point[1] + rng.gauss(0, sd))),
    )


def _curve(
    worst: float, best: float, start: float, end: float, n: int, rng: random.Random, spread: float
) -> list[float]:
    """A metric's figures: from `start` to `end` (0 = worst, 1 = best) with a wobble."""
    out = []
    for t in range(n):
        k = start + (end - start) * (t / max(n - 1, 1)) + rng.gauss(0, 0.06)
        out.append(worst + (best - worst) * max(-0.2, min(1.2, k)) + rng.gauss(0, spread))
    return out


#: The cohort ends with the last finished quarter before the demo's date (2026-11).
COHORT_LAST = Quarter("2026-Q3")


def cohort_story(index: int, quarters: int, end: Quarter = COHORT_LAST) -> Story:
    rng = random.Random(COHORT_SEED + index)
    first = end
    for _ in range(quarters - 1):
        first = first.previous()
    kind = rng.choice(sorted(ARCHETYPES))
    d0, d1, m0, m1 = ARCHETYPES[kind]
    improving = kind.endswith(("integrated", "recovers"))
    quality = (
        (rng.uniform(0.0, 0.35), rng.uniform(0.6, 1.0))
        if improving
        else (
            rng.uniform(0.1, 0.6),
            rng.uniform(0.1, 0.7),
        )
    )
    size = rng.uniform(0.5, 2.0)
    providers = rng.randint(1, 4)
    base = 900_000 * size
    growth = rng.uniform(-0.01, 0.025)  # a quarter
    season = (0.97, 1.02, 0.95, 1.06)
    production = [
        round(
            base
            / 4
            * (1 + growth * t)
            * season[(first.number - 1 + t) % 4]
            * rng.uniform(0.97, 1.03),
            -2,
        )
        for t in range(quarters)
    ]
    hours = [QUARTER_HOURS - rng.choice((0, 8, 16, 24)) for _ in range(quarters)]
    rate0 = rng.uniform(0.93, 0.97)
    collection_rate = [min(0.995, rate0 + 0.004 * t * quality[1]) for t in range(quarters)]

    # 3 to 7 metrics with at least one from each side.
    patient = [
        "case_acceptance",
        "patient_retention",
        "pre_appointment",
        "referral_share",
        "nps",
        "unscheduled_treatment",
    ]
    business = [
        "chair_utilisation",
        "collection_rate",
        "overhead",
        "new_patients",
        "production_per_hour",
        "hygiene_share",
    ]
    n_metrics = rng.randint(3, 7)
    chosen = [rng.choice(patient), rng.choice(business)]
    rest = [m for m in patient + business if m not in chosen]
    chosen += rng.sample(rest, n_metrics - 2)
    order = list(COHORT_METRICS)
    chosen.sort(key=order.index)
    metrics = []
    for mid in chosen:
        owners, target, (worst, best) = COHORT_METRICS[mid]
        if mid == "collection_rate":
            values = [r * 100 for r in collection_rate]
        elif mid == "production_per_hour":
            values = [p / h for p, h in zip(production, hours, strict=True)]
        else:
            spread = abs(best - worst) * 0.03
            values = _curve(worst, best, quality[0], quality[1], quarters, rng, spread)
        metrics.append(MetricPlan(mid, rng.choice(owners), target, values, size=size))

    years = sorted({first.year + (first.number - 1 + t) // 4 for t in range(quarters)})
    goals = []
    last = (round(base * 0.97, -3), round(base * 0.97 * rate0, -3))
    for n, year in enumerate(years):
        grow = 1 + 0.03 * n
        goals.append(
            _goal(
                dt.date(year, 1, 1),
                payroll=round(base * 0.30 * grow, -3),
                rent=round(base * 0.075, -3),
                supplies=round(base * 0.06 * grow, -3),
                lab=round(base * 0.05 * grow, -3),
                marketing=round(base * 0.02, -3),
                other=round(base * 0.04, -3),
                equipment_loans=round(base * 0.035, -3),
                debt_service=round(base * 0.03, -3),
                doctor_compensation=round(base * 0.26 * grow, -3),
                profit=round(base * 0.05 * grow, -3),
                collection_rate=round(min(0.99, rate0 + 0.01 * n), 3),
                providers=providers,
                last_year=last,
            )
        )
        in_year = [
            (p, round(p * r))
            for t, (p, r) in enumerate(zip(production, collection_rate, strict=True))
            if first.year + (first.number - 1 + t) // 4 == year
        ]
        if in_year:
            last = (float(sum(p for p, _ in in_year)), float(sum(c for _, c in in_year)))

    catalog = [
        "monthly_financial_review",
        "annual_goal_meeting",
        "quarterly_partnership_checkpoint",
        "daily_huddle",
        "treatment_conversation_steps",
        "financial_conversation_before_treatment",
        "next_step_every_patient",
        "unscheduled_treatment_follow_up",
        "service_principles_review",
        "patient_story_at_huddle",
        "patient_feedback_review",
        "team_numbers_meeting",
    ]
    content = load_content()
    picked = sorted(rng.sample(catalog, rng.randint(5, 6)), key=catalog.index)
    plan = [
        PlanItem(
            practice=pid,
            owner=content.practices.by_id[pid].owner,
            cadence=content.practices.by_id[pid].cadence,
        )
        for pid in picked
    ]
    keep0, keep1 = (0.35, 0.9) if improving else (rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.8))
    adherence = []
    for t in range(quarters):
        q = first
        for _ in range(t):
            q = q.next()
        p = keep0 + (keep1 - keep0) * t / max(quarters - 1, 1)
        row: dict[str, tuple[str, str]] = {}
        for item in plan:
            if item.cadence == "yearly" and q.number != 1:
                continue
            r = rng.random()
            row[item.practice] = ("kept" if r < p else "partly" if r < p + 0.2 else "not", "")
        adherence.append(row)

    reflections = [
        {role: (rng.choice(COHORT_WORKING), rng.choice(COHORT_IMPROVE)) for role in ROLES}
        for _ in range(quarters)
    ]
    commitments = []
    for t in range(quarters):
        q = first
        for _ in range(t):
            q = q.next()
        due = q.next().end
        p = keep0 + (keep1 - keep0) * t / max(quarters - 1, 1)
        batch = []
        for text, owner in rng.sample(COHORT_COMMITMENTS, rng.randint(2, 4)):
            r = rng.random()
            review = "done" if r < p else "partly" if r < p + 0.2 else "not"
            batch.append(CommitmentPlan(text, owner, due, review))
        commitments.append(batch)

    return Story(
        name=f"Practice {index:04d} (demo)",
        seed=COHORT_SEED + 1_000_000 + index,
        first=first,
        quarters=quarters,
        created=first.start + dt.timedelta(days=7),
        providers=providers,
        goals=goals,
        levels={
            "doctor": Level(_jitter(d0, rng), _jitter(d1, rng)),
            "manager": Level(_jitter(m0, rng), _jitter(m1, rng)),
        },
        wobble=[rng.choice((0.0, 0.0, 0.0, 0.1)) for _ in range(quarters)],
        metrics=metrics,
        plan=plan,
        adherence=adherence,
        reflections=reflections,
        commitments=commitments,
        production=[float(p) for p in production],
        collection_rate=collection_rate,
        clinical_hours=hours,
        shared_sd=rng.uniform(6, 12),
        noise_sd=rng.uniform(4, 8),
        skip_rate=rng.choice((0.0, 0.0, 0.02)),
    )


# --- command line ------------------------------------------------------------------------------


def generate_demo(out: Path = ROOT / "demo") -> Path:
    """Write the demo practice under out/practices/ and return its folder."""
    slug = write(demo_story(), load_content(), out)
    return out / "practices" / slug


def _write_cohort_practice(job: tuple[int, int, Path]) -> str:
    index, quarters, out = job
    return write(cohort_story(index, quarters), load_content(), out)


def generate_cohort(out: Path, count: int, quarters: int = 12, jobs: int = 1) -> list[str]:
    """Write practices 1..count; each depends only on its own number, so the files are
    the same whatever the number of worker processes."""
    work = [(i, quarters, out) for i in range(1, count + 1)]
    if jobs <= 1 or count < 2:
        return [_write_cohort_practice(job) for job in work]
    from concurrent.futures import ProcessPoolExecutor

    out.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_write_cohort_practice, work, chunksize=8))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="data directory to write into (default: demo/)"
    )
    parser.add_argument("--cohort", type=int, metavar="N", help="generate N synthetic practices")
    parser.add_argument("--quarters", type=int, default=12, help="checkpoints per cohort practice")
    parser.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        help="worker processes for a cohort (default: one per CPU); the files do not depend on it",
    )
    args = parser.parse_args(argv)
    if args.cohort is not None:
        if args.out is None:
            parser.error("--cohort needs --out DIR")
        if not 1 <= args.cohort <= 9999 or not 1 <= args.quarters <= 80:
            parser.error("--cohort takes 1 to 9999 practices and --quarters 1 to 80")
        start = time.perf_counter()
        slugs = generate_cohort(args.out, args.cohort, args.quarters, args.jobs)
        took = time.perf_counter() - start
        print(
            f"wrote {len(slugs)} practices × {args.quarters} checkpoints to "
            f"{args.out / 'practices'} in {took:.1f} s"
        )
        return 0
    folder = generate_demo(args.out or ROOT / "demo")
    print(f"wrote {folder}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

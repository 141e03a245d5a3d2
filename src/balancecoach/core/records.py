"""What a practice keeps on disk: its profile, goals, scoreboard and plan (practice.toml)
and one checkpoint per quarter (checkpoints/<YYYY>-Q<n>.toml). Pure models; reading and
writing the files is storage's job.

Only practice aggregates live here: no field asks for anything about a single patient.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from balancecoach.core.content import Cadence, Owner
from balancecoach.core.errors import FieldProblem
from balancecoach.core.goals import Calendar, GoalInputs
from balancecoach.core.metrics import MetricTarget

#: The schema version this code writes. Older files are migrated in memory on load.
PRACTICE_SCHEMA = 2
CHECKPOINT_SCHEMA = 1

#: A name as people write it: no control characters (they would hide in folder names and
#: terminal output).
Name = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=120, strip_whitespace=True, pattern=r"^[^\x00-\x1f\x7f]*$"
    ),
]
Note = Annotated[str, StringConstraints(max_length=4000)]
Count = Annotated[int, Field(ge=0, le=1_000_000)]
Score = Annotated[float, Field(ge=0, le=100, allow_inf_nan=False)]
LeanValue = Annotated[float, Field(ge=-100, le=100, allow_inf_nan=False)]
MoneyValue = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]
Status = Literal["green", "amber", "red"]
Kept = Literal["kept", "partly", "not"]
CommitmentStatus = Literal["open", "done", "partly", "not"]

_QUARTER = re.compile(r"^(\d{4})-Q(\d)$")


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Quarter(str):
    """A calendar quarter such as ``2026-Q3``."""

    __slots__ = ()

    @classmethod
    def parse(cls, text: str) -> Quarter:
        m = _QUARTER.match(text.strip())
        if not m:
            raise ValueError(f"a quarter is written like 2026-Q3, got {text!r}")
        year, q = int(m.group(1)), int(m.group(2))
        if not 1 <= q <= 4:
            raise ValueError(f"a year has quarters 1 to 4, got Q{q}")
        if not 1990 <= year <= 2200:
            raise ValueError(f"year {year} is out of range")
        return cls(f"{year}-Q{q}")

    @classmethod
    def of(cls, day: dt.date) -> Quarter:
        return cls(f"{day.year}-Q{(day.month - 1) // 3 + 1}")

    @property
    def year(self) -> int:
        return int(self[:4])

    @property
    def number(self) -> int:
        return int(self[-1])

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 3 * (self.number - 1) + 1, 1)

    @property
    def end(self) -> dt.date:
        nxt = self.next()
        return nxt.start - dt.timedelta(days=1)

    def next(self) -> Quarter:
        y, q = (self.year + 1, 1) if self.number == 4 else (self.year, self.number + 1)
        return Quarter(f"{y}-Q{q}")

    def previous(self) -> Quarter:
        y, q = (self.year - 1, 4) if self.number == 1 else (self.year, self.number - 1)
        return Quarter(f"{y}-Q{q}")


QuarterText = Annotated[str, StringConstraints(pattern=r"^\d{4}-Q\d$")]


def _check_quarter(value: str) -> str:
    return str(Quarter.parse(value))


# --- practice.toml ---------------------------------------------------------------------


class Profile(Record):
    name: Name
    demo: bool = False
    providers: Annotated[int, Field(ge=1, le=100)] = 1
    created: dt.date | None = None
    currency: Annotated[str, StringConstraints(min_length=1, max_length=4)] = "$"


class Goal(GoalInputs):
    """A goal's inputs with the date it took effect. Past quarters keep their goal."""

    effective: dt.date  # type: ignore[assignment]


class MetricChoice(Record):
    """A metric on the practice's scoreboard, with its target and single owner."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    owner: Owner
    target: MetricTarget
    since: dt.date | None = None


class PlanItem(Record):
    """A communication practice the doctor and manager committed to."""

    practice: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    owner: Owner
    cadence: Cadence
    note: Note = ""


class Practice(Record):
    """Everything in practice.toml."""

    schema_version: Literal[2] = PRACTICE_SCHEMA
    practice: Profile
    #: The working-days calendar; without it no per-day or per-hour goal is shown.
    calendar: Calendar | None = None
    goal: list[Goal] = Field(default_factory=list)
    metric: list[MetricChoice] = Field(default_factory=list, max_length=7)
    plan: list[PlanItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> Practice:
        seen: set[dt.date] = set()
        for i, g in enumerate(self.goal):
            if g.effective in seen:
                raise FieldProblem(
                    f"two goals take effect on {g.effective.isoformat()}", "goal", i, "effective"
                )
            seen.add(g.effective)
        ids: set[str] = set()
        for i, m in enumerate(self.metric):
            if m.id in ids:
                raise FieldProblem(f"metric {m.id!r} is chosen twice", "metric", i, "id")
            ids.add(m.id)
        return self

    def goal_on(self, day: dt.date) -> Goal | None:
        """The goal in effect on a day: the latest one that took effect on or before it."""
        current = [g for g in self.goal if g.effective <= day]
        return max(current, key=lambda g: g.effective) if current else None


# --- checkpoints/<YYYY>-Q<n>.toml -------------------------------------------------------


class DimensionScore(Record):
    structure: Score | None = None
    people: Score | None = None


class ScoreSnapshot(Record):
    """Scores as computed when the checkpoint was saved (never recomputed later)."""

    structure: Score | None = None
    people: Score | None = None
    lean: LeanValue | None = None
    quadrant: Literal["integrated", "production-leaning", "patient-leaning", "drifting"] | None = (
        None
    )
    answered: Count = 0
    asked: Count = 0
    dimensions: dict[str, DimensionScore] = Field(default_factory=dict)


class Respondent(Record):
    role: Annotated[str, StringConstraints(min_length=1, max_length=40, strip_whitespace=True)]
    answers: dict[str, Annotated[int, Field(ge=1, le=5, strict=True)]] = Field(default_factory=dict)
    scores: ScoreSnapshot | None = None
    working: Note = ""
    improve: Note = ""


class PracticeScores(Record):
    structure: Score | None = None
    people: Score | None = None
    lean: LeanValue | None = None
    quadrant: Literal["integrated", "production-leaning", "patient-leaning", "drifting"] | None = (
        None
    )
    agreement: Score | None = None


class MetricActual(Record):
    """One metric for the quarter: the raw inputs, and the value and status computed then."""

    id: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    inputs: dict[str, Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]]
    value: Annotated[float, Field(allow_inf_nan=False)] | None = None
    target: MetricTarget | None = None
    status: Status | None = None


class Adherence(Record):
    practice: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    kept: Kept
    note: Note = ""


class Commitment(Record):
    text: Annotated[str, StringConstraints(min_length=1, max_length=500, strip_whitespace=True)]
    owner: Owner
    due: dt.date | None = None
    status: CommitmentStatus = "open"
    note: Note = ""


class Financials(Record):
    """The quarter's production and collections, when entered."""

    production: MoneyValue | None = None
    collections: MoneyValue | None = None


class Checkpoint(Record):
    """Everything in one quarter's checkpoint file."""

    schema_version: Literal[1] = CHECKPOINT_SCHEMA
    quarter: QuarterText
    date: dt.date
    item_set: Literal["full", "pulse"] = "full"
    goal_effective: dt.date | None = None
    respondent: list[Respondent] = Field(default_factory=list, max_length=2)
    scores: PracticeScores | None = None
    financials: Financials | None = None
    metric: list[MetricActual] = Field(default_factory=list)
    adherence: list[Adherence] = Field(default_factory=list)
    #: Last quarter's commitments, as reviewed at this checkpoint.
    review: list[Commitment] = Field(default_factory=list)
    #: Commitments for the coming quarter.
    commitment: list[Commitment] = Field(default_factory=list)
    coach_notes: Note = ""

    @field_validator("quarter")
    @classmethod
    def _quarter(cls, value: str) -> str:
        return _check_quarter(value)

    @model_validator(mode="after")
    def _consistent(self) -> Checkpoint:
        q = Quarter(self.quarter)
        if len(self.respondent) == 2 and self.respondent[0].role == self.respondent[1].role:
            raise FieldProblem("two respondents need different roles", "respondent", 1, "role")
        if not q.start - dt.timedelta(days=31) <= self.date <= q.end + dt.timedelta(days=92):
            raise FieldProblem(
                f"{self.date.isoformat()} is not near {self.quarter} "
                f"({q.start.isoformat()} to {q.end.isoformat()})",
                "date",
            )
        ids: set[str] = set()
        for i, m in enumerate(self.metric):
            if m.id in ids:
                raise FieldProblem(f"metric {m.id!r} appears twice", "metric", i, "id")
            ids.add(m.id)
        return self

    @property
    def period(self) -> Quarter:
        return Quarter(self.quarter)


def migrate_practice(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older practice.toml up to the current schema, in memory.

    Version 1 kept one goal as a single ``[goal]`` table with no effective date; version 2
    keeps ``[[goal]]`` entries, each with the date it took effect, so a changed goal never
    re-scores past quarters. The old goal takes effect on the practice's created date (or
    2000-01-01 when that is unknown, so every past quarter keeps it).
    """
    version = data.get("schema_version", 1)
    if version == 1:
        data = dict(data)
        goal = data.get("goal")
        if isinstance(goal, dict):
            goal = dict(goal)
            profile = data.get("practice") if isinstance(data.get("practice"), dict) else {}
            created = profile.get("created") if profile else None
            goal.setdefault("effective", created or dt.date(2000, 1, 1))
            data["goal"] = [goal]
        data["schema_version"] = 2
    return data

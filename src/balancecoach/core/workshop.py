"""A coach's workshop for one or several practices: the workshop file's model
(workshop.toml), the agenda's timer, the facilitator's discussion prompts and the letters
that stand for practices when names are hidden. Pure: nothing here reads, writes or draws.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from balancecoach.core.content import Content
from balancecoach.core.errors import FieldProblem
from balancecoach.core.records import Checkpoint

if TYPE_CHECKING:
    from balancecoach.core.assessment import AssessmentResult

#: What a segment opens for the practice in focus.
Flow = Literal["assessment", "results", "goals", "metrics", "plan", "reflections", "none"]
FLOWS: dict[str, str] = {
    "assessment": "the assessment (first visit) or the pulse (quarterly checkpoint)",
    "results": "where the practice stands and the doctor–manager differences",
    "goals": "the annual goal, worked out from overhead and pay",
    "metrics": "the scoreboard: metrics, targets and owners",
    "plan": "the communication plan",
    "reflections": "the quarter's reflections (the quarterly checkpoint)",
    "none": "nothing: a talk, a break or a discussion",
}

Title = Annotated[
    str,
    StringConstraints(
        min_length=1, max_length=120, strip_whitespace=True, pattern=r"^[^\x00-\x1f\x7f]*$"
    ),
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkshopPractice(_Strict):
    """A practice taking part: by its folder name in the data directory (`slug`), or by
    the path of its folder (`path`, relative to the workshop file)."""

    slug: Annotated[str, StringConstraints(min_length=1, max_length=120)] | None = None
    path: Annotated[str, StringConstraints(min_length=1, max_length=1000)] | None = None

    @model_validator(mode="before")
    @classmethod
    def _named(cls, data: object) -> object:
        # said before any other problem: `name = "Smile Dental"` is a practice not named at all
        if isinstance(data, dict) and data.get("slug") is None and data.get("path") is None:
            others = ", ".join(sorted(str(k) for k in data))
            raise ValueError(
                "give slug (the practice's folder name in the data directory, as "
                "`balancecoach practices` lists it) or path (its folder, relative to this file)"
                + (f", not {others}" if others else "")
            )
        return data

    @model_validator(mode="after")
    def _one(self) -> WorkshopPractice:
        if self.slug is not None and self.path is not None:
            raise ValueError("give slug (a practice in the data directory) or path, not both")
        if self.slug is not None and (
            "/" in self.slug or "\\" in self.slug or self.slug.startswith(".") or "\0" in self.slug
        ):
            raise ValueError(
                f"slug {self.slug!r} is not a practice folder name: use path for a folder elsewhere"
            )
        if self.path is not None and "\0" in self.path:
            raise ValueError("path holds a NUL character")
        return self

    @property
    def key(self) -> str:
        return self.slug if self.slug is not None else PurePosixPath(self.path or "").as_posix()


class Segment(_Strict):
    """One part of the agenda: a title, a timebox and the flow it opens."""

    title: Title
    minutes: Annotated[float, Field(gt=0, le=480, allow_inf_nan=False)]
    flow: Flow = "none"
    #: What the coach wants to say or ask; shown under the segment.
    note: Annotated[str, StringConstraints(max_length=2000)] = ""


class Workshop(_Strict):
    """Everything in workshop.toml."""

    title: Title
    date: dt.date | None = None
    practice: list[WorkshopPractice] = Field(min_length=1, max_length=1000)
    segment: list[Segment] = Field(min_length=1, max_length=100)

    @field_validator("practice", "segment", mode="before")
    @classmethod
    def _blocks(cls, value: object, info: ValidationInfo) -> object:
        if isinstance(value, dict):  # [practice] written for [[practice]]
            name = info.field_name
            raise ValueError(
                f"write each {name} as a [[{name}]] block, with double brackets "
                f"(a single [{name}] is one table, not a list)"
            )
        return value

    @model_validator(mode="after")
    def _distinct(self) -> Workshop:
        seen: set[str] = set()
        for i, p in enumerate(self.practice):
            if p.key in seen:
                raise FieldProblem(f"{p.key!r} takes part twice", "practice", i)
            seen.add(p.key)
        return self

    @property
    def total_minutes(self) -> float:
        return sum(s.minutes for s in self.segment)


def letter(index: int) -> str:
    """The anonymous name of the practice at `index`: A … Z, then AA, AB …"""
    letters = string.ascii_uppercase
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = letters[rest] + out
    return out


def anonymous_name(index: int) -> str:
    return f"Practice {letter(index)}"


# --- the agenda's timer ----------------------------------------------------------------


@dataclass
class SegmentClock:
    """Time spent on one segment: it runs between start and pause, any number of times."""

    spent: float = 0.0
    started_at: float | None = None

    @property
    def running(self) -> bool:
        return self.started_at is not None

    def elapsed(self, now: float) -> float:
        return self.spent + (now - self.started_at if self.started_at is not None else 0.0)

    def start(self, now: float) -> None:
        if self.started_at is None:
            self.started_at = now

    def pause(self, now: float) -> None:
        if self.started_at is not None:
            self.spent += now - self.started_at
            self.started_at = None


@dataclass
class Agenda:
    """Where the workshop is in its agenda: the current segment and the time spent on
    each. Time comes from a clock given to each call (seconds, monotonic), so a test can
    drive it."""

    segments: Sequence[Segment]
    current: int = 0
    clocks: list[SegmentClock] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.clocks:
            self.clocks = [SegmentClock() for _ in self.segments]

    @property
    def segment(self) -> Segment:
        return self.segments[self.current]

    @property
    def next_segment(self) -> Segment | None:
        return self.segments[self.current + 1] if self.current + 1 < len(self.segments) else None

    @property
    def running(self) -> bool:
        return self.clocks[self.current].running

    def toggle(self, now: float) -> None:
        """Start the current segment's countdown, or pause it."""
        clock = self.clocks[self.current]
        if clock.running:
            clock.pause(now)
        else:
            clock.start(now)

    def move(self, step: int, now: float) -> bool:
        """Go to the next (+1) or previous (−1) segment. A running countdown moves with
        you: the segment left is paused, the one reached starts. False at either end."""
        target = self.current + step
        if not 0 <= target < len(self.segments):
            return False
        was_running = self.running
        self.clocks[self.current].pause(now)
        self.current = target
        if was_running:
            self.clocks[target].start(now)
        return True

    def remaining(self, now: float) -> float:
        """Seconds left in the current segment's timebox; negative once it overruns."""
        return self.segment.minutes * 60 - self.clocks[self.current].elapsed(now)

    def total_overrun(self, now: float) -> float:
        """Seconds the agenda has overrun so far, counting every segment's overrun."""
        return sum(
            max(0.0, c.elapsed(now) - s.minutes * 60)
            for s, c in zip(self.segments, self.clocks, strict=True)
        )


def clock_text(seconds: float) -> str:
    """12:05, or 1:02:05 past an hour; the sign is for the caller to say in words."""
    whole = int(abs(seconds) + 0.999) if seconds < 0 else int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


# --- the facilitator's prompts ------------------------------------------------------------


@dataclass(frozen=True)
class Prompt:
    """One discussion question for the coach to put to the room."""

    kind: Literal["divergence", "recommendation", "commitment"]
    question: str
    detail: str = ""


def facilitator_prompts(
    content: Content, checkpoints: Sequence[Checkpoint], limit: int = 5
) -> list[Prompt]:
    """For a practice: its doctor's and manager's widest differences, the recommendations
    for where it leans, and last quarter's commitments that were not done, as questions.
    Built from the latest checkpoint that both answered (and the latest one's review)."""
    from balancecoach.core.assessment import AnswersFile, RespondentAnswers, assess

    ordered = sorted(checkpoints, key=lambda c: c.quarter)
    prompts: list[Prompt] = []
    both = [c for c in ordered if sum(1 for r in c.respondent if r.answers) == 2]
    if both:
        latest = both[-1]
        known = content.questions.by_id
        people = [
            RespondentAnswers(
                role=r.role, answers={s: v for s, v in r.answers.items() if s in known}
            )
            for r in latest.respondent
            if r.answers
        ]
        if all(p.answers for p in people):
            result = assess(content, AnswersFile(item_set=latest.item_set, respondent=people))
            if result.comparison is not None:
                a, b = result.comparison.role_a, result.comparison.role_b
                apart = [i for i in result.comparison.items if i.rating_a != i.rating_b]
                apart.sort(key=lambda i: (-abs(i.difference), i.statement_id))
                for item in apart[:limit]:
                    statement = known[item.statement_id]
                    prompts.append(
                        Prompt(
                            "divergence",
                            statement.prompt,
                            f"{latest.quarter}: “{statement.text}” — {a} {item.rating_a}, "
                            f"{b} {item.rating_b} (1 disagree … 5 agree)",
                        )
                    )
            prompts += _lean_prompts(content, result, limit)
    if ordered:
        last = ordered[-1]
        for c in last.review:
            if c.status in ("partly", "not"):
                done = "partly done" if c.status == "partly" else "not done"
                prompts.append(
                    Prompt(
                        "commitment",
                        f"“{c.text}” was {done}: what got in the way, and what would make "
                        "it happen next quarter?",
                        f"owner: {c.owner}" + (f" · note: {c.note}" if c.note else ""),
                    )
                )
    return prompts


def _lean_prompts(content: Content, result: AssessmentResult, limit: int) -> list[Prompt]:
    """The recommendations the answers triggered; when none did (a practice in balance),
    those for the weaker side of the dimensions furthest from even."""
    out: list[Prompt] = []
    seen: set[tuple[str, str]] = set()
    for person in result.respondents:
        for rec in person.recommendations:
            if (rec.dimension, rec.strengthen) not in seen:
                seen.add((rec.dimension, rec.strengthen))
                out.append(Prompt("recommendation", f"{rec.title}: {rec.action}", rec.reason))
    if out:
        return out[:limit]
    gaps = []
    for dim_id in content.questions.dimensions:
        poles = [p.dimensions[dim_id] for p in result.respondents if dim_id in p.dimensions]
        structure = [x.structure for x in poles if x.structure is not None]
        people = [x.people for x in poles if x.people is not None]
        if structure and people:
            s, p = sum(structure) / len(structure), sum(people) / len(people)
            gaps.append((-abs(s - p), dim_id, s, p))
    for _gap, dim_id, s, p in sorted(gaps)[:2]:
        weaker = "people" if s > p else "structure"
        rec = content.recommendations.find(dim_id, weaker)  # type: ignore[arg-type]
        if rec is None:
            continue
        name = content.questions.dimensions[dim_id].name
        out.append(
            Prompt(
                "recommendation",
                f"{rec.title}: {rec.action}",
                f"{name}: structure {s:.0f}, people {p:.0f}; nothing is "
                f"out of balance, and {weaker} is the side to keep an eye on",
            )
        )
    return out

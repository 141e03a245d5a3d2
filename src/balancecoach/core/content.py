"""The coaching content: question bank, recommendations, metric and practice catalogs.

These models validate the TOML files shipped in ``assessments/``; cross-checks (duplicate
ids, unknown dimensions, band order, formula names) live here so a bad edit fails on load.
"""

from __future__ import annotations

import string
from enum import StrEnum
from functools import cached_property
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from balancecoach.core.errors import FieldProblem
from balancecoach.core.formula import Formula, FormulaError

Identifier = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_-]*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, strip_whitespace=True)]
SeedSource = Literal[
    "production-vs-patient-focus",
    "doctor-manager-partnership",
    "five-star-service-and-production",
]

#: The rating scale every statement is answered on.
RATING_WORDS = {
    1: "strongly disagree",
    2: "disagree",
    3: "neither",
    4: "agree",
    5: "strongly agree",
}


class Pole(StrEnum):
    """The two orientations every statement is keyed to."""

    STRUCTURE = "structure"
    PEOPLE = "people"

    @property
    def other(self) -> Pole:
        return Pole.PEOPLE if self is Pole.STRUCTURE else Pole.STRUCTURE


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dimension(Strict):
    id: Identifier
    name: Text
    description: Text


class Statement(Strict):
    """One rated statement (1 strongly disagree … 5 strongly agree)."""

    id: Identifier
    dimension: Identifier
    pole: Pole
    reverse: bool = False
    text: Text
    theme: Text
    source: SeedSource
    pulse: bool = False
    prompt: Text


class Recommendation(Strict):
    dimension: Identifier
    strengthen: Pole
    title: Text
    action: Text
    source: SeedSource


def _unique(ids: list[str], table: str, field: str = "id") -> None:
    seen: set[str] = set()
    for i, value in enumerate(ids):
        if value in seen:
            raise FieldProblem(f"duplicate {field} {value!r}", table, i, field)
        seen.add(value)


class QuestionBank(Strict):
    schema_version: Literal[1] = 1
    dimension: list[Dimension] = Field(min_length=1)
    statement: list[Statement] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> QuestionBank:
        _unique([d.id for d in self.dimension], "dimension")
        _unique([s.id for s in self.statement], "statement")
        known = {d.id for d in self.dimension}
        for i, s in enumerate(self.statement):
            if s.dimension not in known:
                raise FieldProblem(
                    f"({s.id}) unknown dimension {s.dimension!r}; "
                    f"expected one of {', '.join(sorted(known))}",
                    "statement",
                    i,
                    "dimension",
                )
        for n, d in enumerate(self.dimension):
            poles = {s.pole for s in self.statement if s.dimension == d.id}
            if poles != set(Pole):
                raise FieldProblem(
                    f"({d.id}) needs statements keyed to both poles "
                    f"(has {', '.join(sorted(poles)) or 'none'})",
                    "dimension",
                    n,
                )
        return self

    @cached_property
    def by_id(self) -> dict[str, Statement]:
        return {s.id: s for s in self.statement}

    @cached_property
    def dimensions(self) -> dict[str, Dimension]:
        return {d.id: d for d in self.dimension}

    def pulse(self) -> list[Statement]:
        """The shorter quarterly re-assessment set."""
        return [s for s in self.statement if s.pulse]


class RecommendationBook(Strict):
    schema_version: Literal[1] = 1
    recommendation: list[Recommendation] = Field(min_length=1)

    def find(self, dimension: str, strengthen: Pole) -> Recommendation | None:
        for r in self.recommendation:
            if r.dimension == dimension and r.strengthen == strengthen:
                return r
        return None


MetricUnit = Literal["percent", "currency", "count", "currency_per_hour", "score"]
InputUnit = Literal["count", "currency", "hours", "percent", "score"]
BandLabel = Literal["low", "typical", "strong", "high"]

_BAND_ORDER: dict[str, tuple[str, ...]] = {
    "higher": ("low", "typical", "strong"),
    "lower": ("strong", "typical", "low"),
    "within": ("low", "strong", "high"),
}


class MetricInput(Strict):
    name: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
    label: Text
    unit: InputUnit
    #: Another input this one counts a part of, so it can never be larger (accepted plans
    #: are some of the plans presented).
    at_most: str | None = None


class Band(Strict):
    label: BandLabel
    min: float | None = None
    max: float | None = None

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value < self.max)


class MetricDefinition(Strict):
    """A catalog metric: how it is computed from raw inputs and how to read the result."""

    id: Identifier
    name: Text
    definition: Text
    speaks_to: Literal["clinical", "business", "both"]
    side: Literal["production", "patient"]
    unit: MetricUnit
    better: Literal["higher", "lower", "within"]
    formula: Text
    bands_source: Text
    people_view: Text
    inputs: list[MetricInput] = Field(min_length=1)
    bands: list[Band] = Field(min_length=2)

    @model_validator(mode="after")
    def _consistent(self) -> MetricDefinition:
        names = [i.name for i in self.inputs]
        _unique(names, "inputs", "name")
        for n, spec in enumerate(self.inputs):
            if spec.at_most is not None and spec.at_most not in set(names) - {spec.name}:
                raise FieldProblem("must name another input of this metric", "inputs", n, "at_most")
        try:
            used = Formula(self.formula).names
        except FormulaError as exc:
            raise FieldProblem(str(exc), "formula") from None
        if unknown := used - set(names):
            raise FieldProblem(
                f"uses {', '.join(sorted(unknown))}, which are not among the inputs", "formula"
            )
        fields = {f for _, f, _, _ in string.Formatter().parse(self.people_view) if f}
        if unknown := fields - set(names) - {"value"}:
            raise FieldProblem(
                f"placeholders {', '.join(sorted(unknown))} are not inputs or value",
                "people_view",
            )
        order = _BAND_ORDER[self.better]
        labels = tuple(b.label for b in self.bands)
        if labels != order[: len(labels)]:
            raise FieldProblem(
                f"for better = {self.better!r} the bands must run {', '.join(order)} "
                f"from the lowest value up (found {', '.join(labels)})",
                "bands",
            )
        if self.bands[0].min is not None:
            raise FieldProblem("the first band has only max", "bands", 0, "min")
        if self.bands[-1].max is not None:
            raise FieldProblem("the last band has only min", "bands", len(self.bands) - 1, "max")
        for i, (a, b) in enumerate(zip(self.bands, self.bands[1:], strict=False), start=1):
            if a.max is None or b.min is None or a.max != b.min:
                raise FieldProblem(
                    "must equal the previous band's max (bands are contiguous)", "bands", i, "min"
                )
            if b.max is not None and b.max <= b.min:
                raise FieldProblem("must be above min (band out of order)", "bands", i, "max")
        return self

    @cached_property
    def compiled(self) -> Formula:
        return Formula(self.formula)

    def band_for(self, value: float) -> Band:
        for band in self.bands:
            if band.contains(value):
                return band
        return self.bands[-1]


class MetricCatalog(Strict):
    schema_version: Literal[1] = 1
    metric: list[MetricDefinition] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> MetricCatalog:
        _unique([m.id for m in self.metric], "metric")
        return self

    @cached_property
    def by_id(self) -> dict[str, MetricDefinition]:
        return {m.id: m for m in self.metric}


Cadence = Literal["daily", "weekly", "monthly", "quarterly", "yearly", "every_visit"]
Owner = Literal["doctor", "manager", "both", "team"]


class PracticeDefinition(Strict):
    """A communication practice from the catalog (e.g. the monthly financial review)."""

    id: Identifier
    name: Text
    description: Text
    cadence: Cadence
    owner: Owner
    strengthens: Literal["structure", "people", "both"]
    theme: Text
    source: SeedSource


class PracticeCatalog(Strict):
    schema_version: Literal[1] = 1
    practice: list[PracticeDefinition] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> PracticeCatalog:
        _unique([p.id for p in self.practice], "practice")
        return self

    @cached_property
    def by_id(self) -> dict[str, PracticeDefinition]:
        return {p.id: p for p in self.practice}


class Content(BaseModel):
    """Everything in ``assessments/``, validated together."""

    model_config = ConfigDict(frozen=True)

    questions: QuestionBank
    recommendations: RecommendationBook
    metrics: MetricCatalog
    practices: PracticeCatalog

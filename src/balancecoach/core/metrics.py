"""Computing catalog metrics from raw inputs, judging them against targets, and the
people view that turns a rate back into the patients behind it."""

from __future__ import annotations

import math
import string
from collections.abc import Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from balancecoach.core.content import MetricDefinition
from balancecoach.core.errors import DataError
from balancecoach.core.format import format_value
from balancecoach.core.formula import UndefinedResult

#: A miss within this share of the target (10%) is amber rather than red.
AMBER_SHARE = 0.10

Status = Literal["green", "amber", "red"]
Number = Annotated[float, Field(allow_inf_nan=False)]


class MetricTarget(BaseModel):
    """What the practice aims for: at least, at most, or within a range."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["at_least", "at_most", "range"]
    value: Number | None = None
    low: Number | None = None
    high: Number | None = None

    @model_validator(mode="after")
    def _shape(self) -> MetricTarget:
        if self.kind == "range":
            if self.low is None or self.high is None:
                raise ValueError("a range target needs low and high")
            if self.low > self.high:
                raise ValueError("a range target needs low ≤ high")
        elif self.value is None:
            raise ValueError(f"an {self.kind} target needs a value")
        return self

    def describe(self, unit: str) -> str:
        if self.kind == "range":
            assert self.low is not None and self.high is not None
            return f"{format_value(unit, self.low)}–{format_value(unit, self.high)}"
        assert self.value is not None
        sign = "≥" if self.kind == "at_least" else "≤"
        return f"{sign} {format_value(unit, self.value)}"

    def status(self, value: float) -> Status:
        """Green when met; amber when missed by no more than 10% of the target; else red."""
        if self.kind == "range":
            assert self.low is not None and self.high is not None
            if self.low <= value <= self.high:
                return "green"
            bound = self.low if value < self.low else self.high
        else:
            assert self.value is not None
            bound = self.value
            met = value >= bound if self.kind == "at_least" else value <= bound
            if met:
                return "green"
        margin = AMBER_SHARE * abs(bound) if bound else AMBER_SHARE
        return "amber" if abs(value - bound) <= margin else "red"


class MetricValue(BaseModel):
    """A metric computed for one quarter, with the raw inputs it came from."""

    model_config = ConfigDict(frozen=True)

    metric_id: str
    inputs: dict[str, float]
    value: float
    band: str

    def formatted(self, metric: MetricDefinition) -> str:
        return format_value(metric.unit, self.value)


def check_inputs(
    metric: MetricDefinition, raw: Mapping[str, object], source: str = "metric inputs"
) -> dict[str, float]:
    """Validate raw inputs for a metric: all present, numbers, not negative, not huge."""
    clean: dict[str, float] = {}
    known = {i.name: i for i in metric.inputs}
    for name in raw:
        if name not in known:
            raise DataError(
                f"{metric.name} has no input {name!r}",
                source=source,
                field=f"{metric.id}.{name}",
                hint=f"its inputs are {', '.join(known)}",
            )
    for name, spec in known.items():
        field = f"{metric.id}.{name}"
        if name not in raw:
            raise DataError(f"missing input {name!r} ({spec.label})", source=source, field=field)
        value = raw[name]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise DataError(
                f"{spec.label} must be a number, got {value!r}", source=source, field=field
            )
        if not math.isfinite(value) or abs(value) > 1e12:
            raise DataError(
                f"{spec.label} is not a usable number: {value!r}", source=source, field=field
            )
        if value < 0:
            raise DataError(
                f"{spec.label} cannot be negative, got {value!r}", source=source, field=field
            )
        if spec.unit == "count" and not float(value).is_integer():
            raise DataError(
                f"{spec.label} is a count and must be a whole number, got {value!r}",
                source=source,
                field=field,
            )
        clean[name] = float(value)
    for name, spec in known.items():
        whole = known.get(spec.at_most or "")
        if whole is not None and clean[name] > clean[whole.name]:
            part, total = (format_value(s.unit, clean[s.name]) for s in (spec, whole))
            raise DataError(
                f"{spec.label} ({part}) cannot be more than {whole.label.lower()} ({total}): "
                "the first is a part of the second",
                source=source,
                field=f"{metric.id}.{name}",
                hint="check both figures are for the same period and counted the same way",
            )
    return clean


def compute(
    metric: MetricDefinition, raw: Mapping[str, object], source: str = "metric inputs"
) -> MetricValue:
    """Compute a metric from its raw inputs; a zero denominator is a clear error."""
    inputs = check_inputs(metric, raw, source)
    try:
        value = metric.compiled.evaluate(inputs)
    except UndefinedResult:
        raise DataError(
            f"{metric.name} cannot be computed: a divisor in {metric.formula!r} is 0",
            source=source,
            field=metric.id,
            hint="enter the quarter's figures, or leave the metric out for this quarter",
        ) from None
    return MetricValue(
        metric_id=metric.id, inputs=inputs, value=value, band=metric.band_for(value).label
    )


def people_view(metric: MetricDefinition, result: MetricValue) -> str:
    """'62% = 31 of 50 patients moved forward with care'."""
    units = {i.name: i.unit for i in metric.inputs}
    fields = {name: format_value(units[name], v) for name, v in result.inputs.items()}
    return metric.people_view.format(value=format_value(metric.unit, result.value), **fields)


def solve_input(
    metric: MetricDefinition, target: float, inputs: Mapping[str, float], solve_for: str
) -> float | None:
    """The value of one input that brings the metric to `target`, the others held fixed.

    Searches by bisection, so it works for any formula that moves one way as the input
    grows (all catalog formulas do). Counts are rounded up to whole patients. None when
    no value in reach gives the target.
    """
    known = dict(inputs)

    def f(x: float) -> float | None:
        known[solve_for] = x
        try:
            return metric.compiled.evaluate(known)
        except (UndefinedResult, KeyError):
            return None

    lo, hi = 0.0, max(1.0, abs(inputs.get(solve_for, 0.0)) * 2)
    f_lo = f(lo)
    if f_lo is None:
        lo = 1e-9
        f_lo = f(lo)
    f_hi = f(hi)
    while f_hi is not None and f_lo is not None and hi < 1e12:
        if (f_lo - target) * (f_hi - target) <= 0:
            break
        hi *= 2
        f_hi = f(hi)
    else:
        return None
    if f_lo is None or f_hi is None or (f_lo - target) * (f_hi - target) > 0:
        return None
    rising = f_hi >= f_lo
    for _ in range(200):
        mid = (lo + hi) / 2
        value = f(mid)
        if value is None:
            return None
        if (value >= target) == rising:
            hi = mid
        else:
            lo = mid
    x = hi if rising else lo
    unit = next(i.unit for i in metric.inputs if i.name == solve_for)
    if unit != "count":
        return x
    whole = float(math.ceil(x - 1e-9)) if rising else float(math.floor(x + 1e-9))
    reached = f(whole)
    if reached is None or (reached < target - 1e-9 if rising else reached > target + 1e-9):
        return None
    return whole


def people_view_for_target(
    metric: MetricDefinition, target: float, inputs: Mapping[str, float]
) -> str | None:
    """The people view of a target: what the target would mean with this quarter's inputs.

    The first placeholder input of the template is solved for; None when it cannot be.
    """
    names = [f for _, f, _, _ in string.Formatter().parse(metric.people_view) if f]
    solve_for = next((n for n in names if n != "value"), None)
    if solve_for is None:
        return None
    needed = solve_input(metric, target, inputs, solve_for)
    if needed is None:
        return None
    filled = {**inputs, solve_for: needed}
    try:
        value = metric.compiled.evaluate(filled)
    except UndefinedResult:
        return None
    result = MetricValue(
        metric_id=metric.id, inputs=filled, value=value, band=metric.band_for(value).label
    )
    return people_view(metric, result)

"""Goal derivation: the annual collection and production goal, built from its parts.

Collection goal = overhead + doctor compensation + debt service + profit/reinvestment.
Production goal = collection goal ÷ collection rate (or ÷ (1 − adjustment rate)).
Break-even collections = fixed costs ÷ (1 − variable-cost share).
Per month ÷ 12; per day ÷ working days; per clinical hour ÷ clinical hours a year;
per provider ÷ providers. No per-day or per-hour figure is given without a calendar.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from balancecoach.core.errors import FieldProblem
from balancecoach.core.format import money, percent

Money = Annotated[float, Field(ge=0, le=1e12, allow_inf_nan=False)]

#: Overhead categories treated as variable (they rise and fall with the work done).
VARIABLE_CATEGORIES = ("supplies", "lab")
#: Overhead above this share of collections (owner pay excluded) is flagged.
OVERHEAD_BAND = 60.0
#: Growth over last year's production above these is flagged (a rule of thumb of ours).
GROWTH_STRETCH = 10.0
GROWTH_WARNING = 25.0


class Inputs(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Overhead(Inputs):
    """Annual practice expenses by category, owner pay excluded."""

    payroll: Money = 0
    rent: Money = 0
    supplies: Money = 0
    lab: Money = 0
    equipment_loans: Money = 0
    marketing: Money = 0
    other: Money = 0

    @property
    def total(self) -> float:
        return sum(self.model_dump().values())


OVERHEAD_LABELS = {
    "payroll": "Payroll",
    "rent": "Rent or mortgage",
    "supplies": "Supplies",
    "lab": "Lab",
    "equipment_loans": "Equipment and loans",
    "marketing": "Marketing",
    "other": "Other overhead",
}


class Calendar(Inputs):
    """When the practice works. Give working_days, or weeks and days_per_week."""

    working_days: Annotated[int, Field(gt=0, le=366)] | None = None
    weeks: Annotated[float, Field(gt=0, le=53)] | None = None
    days_per_week: Annotated[float, Field(gt=0, le=7)] | None = None
    clinical_hours_per_day: Annotated[float, Field(gt=0, le=24)] | None = None

    @model_validator(mode="after")
    def _days(self) -> Calendar:
        if self.working_days is None and (self.weeks is None) != (self.days_per_week is None):
            raise ValueError("give weeks and days_per_week together, or working_days")
        return self

    @property
    def days(self) -> float | None:
        if self.working_days is not None:
            return float(self.working_days)
        if self.weeks is not None and self.days_per_week is not None:
            return self.weeks * self.days_per_week
        return None

    @property
    def clinical_hours(self) -> float | None:
        days = self.days
        if days is None or self.clinical_hours_per_day is None:
            return None
        return days * self.clinical_hours_per_day


class LastYear(Inputs):
    production: Money | None = None
    collections: Money | None = None


class GoalInputs(Inputs):
    """Everything the goal is derived from. Money is per year."""

    effective: dt.date | None = None
    overhead: Overhead = Overhead()
    doctor_compensation: Money = 0
    debt_service: Money = 0
    profit: Money = 0
    collection_rate: Annotated[float, Field(gt=0, le=1)] | None = None
    adjustment_rate: Annotated[float, Field(ge=0, lt=1)] | None = None
    variable_cost_share: Annotated[float, Field(ge=0, lt=1)] | None = None
    providers: Annotated[int, Field(ge=1, le=100)] | None = None
    calendar: Calendar | None = None
    last_year: LastYear | None = None

    @model_validator(mode="after")
    def _rates(self) -> GoalInputs:
        # FieldProblem names the field in file messages; the message is unchanged
        if self.collection_rate is not None and self.adjustment_rate is not None:
            raise FieldProblem(
                "give collection_rate or adjustment_rate, not both", "adjustment_rate"
            )
        if self.collection_rate is None and self.adjustment_rate is None:
            raise FieldProblem(
                "give collection_rate (e.g. 0.95) or adjustment_rate (e.g. 0.05) "
                "to turn the collection goal into a production goal",
                "collection_rate",
            )
        total = self.overhead.total + self.doctor_compensation + self.debt_service + self.profit
        if total <= 0:
            raise FieldProblem(
                "the goal's parts add up to nothing: enter overhead and pay", "overhead"
            )
        return self


class Line(BaseModel):
    """One line of 'how this goal was created'."""

    model_config = ConfigDict(frozen=True)

    label: str
    value: str
    how: str = ""


class Check(BaseModel):
    model_config = ConfigDict(frozen=True)

    level: Literal["ok", "caution", "warning"]
    text: str


class GoalDerivation(BaseModel):
    """The derived goal with every intermediate figure and its explanation."""

    model_config = ConfigDict(frozen=True)

    inputs: GoalInputs
    overhead_total: float
    collection_goal: float
    production_goal: float
    collection_rate: float
    fixed_costs: float
    variable_cost_share: float
    variable_share_estimated: bool
    break_even: float
    working_days: float | None
    clinical_hours: float | None
    overhead_share: float
    growth: float | None
    lines: list[Line]
    checks: list[Check]

    @property
    def monthly_collection(self) -> float:
        return self.collection_goal / 12

    @property
    def monthly_production(self) -> float:
        return self.production_goal / 12

    @property
    def daily_production(self) -> float | None:
        return self.production_goal / self.working_days if self.working_days else None

    @property
    def daily_collection(self) -> float | None:
        return self.collection_goal / self.working_days if self.working_days else None

    @property
    def per_hour_production(self) -> float | None:
        return self.production_goal / self.clinical_hours if self.clinical_hours else None

    @property
    def per_provider_production(self) -> float | None:
        providers = self.inputs.providers
        return self.production_goal / providers if providers else None

    def explanation(self) -> str:
        """'How this goal was created', as plain text a person can check with a calculator."""
        width = max(len(line.label) for line in self.lines)
        out = ["How this goal was created"]
        if self.inputs.effective:
            out[0] += f" (in effect from {self.inputs.effective.isoformat()})"
        out.append("")
        for line in self.lines:
            row = f"  {line.label:<{width}}  {line.value:>14}"
            if line.how:
                row += f"   {line.how}"
            out.append(row.rstrip())
        if self.checks:
            out += ["", "Realism check"]
            mark = {"ok": "ok     ", "caution": "caution", "warning": "WARNING"}
            out += [f"  {mark[c.level]}  {c.text}" for c in self.checks]
        return "\n".join(out)


def derive_goal(inputs: GoalInputs) -> GoalDerivation:
    """Derive the collection and production goals and explain each step."""
    oh = inputs.overhead
    lines: list[Line] = []
    for key, label in OVERHEAD_LABELS.items():
        value = getattr(oh, key)
        if value:
            lines.append(Line(label=label, value=money(value)))
    overhead_total = oh.total
    lines.append(Line(label="Overhead", value=money(overhead_total), how="sum of the above"))
    parts = [
        ("Doctor compensation", inputs.doctor_compensation),
        ("Debt service", inputs.debt_service),
        ("Profit or reinvestment", inputs.profit),
    ]
    lines += [Line(label=label, value=money(v)) for label, v in parts if v]
    collection_goal = overhead_total + sum(v for _, v in parts)
    lines.append(
        Line(
            label="Annual collection goal",
            value=money(collection_goal),
            how="overhead + doctor compensation + debt service + profit",
        )
    )
    if inputs.collection_rate is not None:
        rate = inputs.collection_rate
        how = f"collection goal ÷ collection rate {percent(rate * 100, 1)}"
    else:
        assert inputs.adjustment_rate is not None
        rate = 1 - inputs.adjustment_rate
        how = f"collection goal ÷ (1 − adjustment rate {percent(inputs.adjustment_rate * 100, 1)})"
    production_goal = collection_goal / rate
    lines.append(Line(label="Annual production goal", value=money(production_goal), how=how))
    lines.append(
        Line(label="Monthly collection goal", value=money(collection_goal / 12), how="÷ 12")
    )
    lines.append(
        Line(label="Monthly production goal", value=money(production_goal / 12), how="÷ 12")
    )

    variable = sum(getattr(oh, k) for k in VARIABLE_CATEGORIES)
    fixed_costs = overhead_total - variable + inputs.debt_service
    if inputs.variable_cost_share is not None:
        share, estimated = inputs.variable_cost_share, False
        share_how = "as entered"
    else:
        share, estimated = min(variable / collection_goal, 0.99), True
        share_how = "supplies + lab ÷ collection goal"
    break_even = fixed_costs / (1 - share)
    lines.append(
        Line(
            label="Fixed costs",
            value=money(fixed_costs),
            how="overhead without supplies and lab, + debt service",
        )
    )
    lines.append(Line(label="Variable-cost share", value=percent(share * 100, 1), how=share_how))
    lines.append(
        Line(
            label="Break-even collections",
            value=money(break_even),
            how=f"fixed costs ÷ (1 − {share:.2f}), before the doctor is paid",
        )
    )

    cal = inputs.calendar
    days = cal.days if cal else None
    hours = cal.clinical_hours if cal else None
    if inputs.providers:
        lines.append(
            Line(
                label="Production per provider",
                value=money(production_goal / inputs.providers),
                how=f"÷ {inputs.providers} providers",
            )
        )
    if days:
        lines.append(
            Line(
                label="Daily production goal",
                value=money(production_goal / days),
                how=f"÷ {days:g} working days",
            )
        )
        if inputs.providers and inputs.providers > 1:
            lines.append(
                Line(
                    label="Daily production per provider",
                    value=money(production_goal / days / inputs.providers),
                    how=f"÷ {days:g} days ÷ {inputs.providers} providers",
                )
            )
    if hours and cal and days:
        per_day = cal.clinical_hours_per_day
        lines.append(
            Line(
                label="Production per clinical hour",
                value=money(production_goal / hours, cents=True),
                how=f"÷ {hours:g} clinical hours ({days:g} days × {per_day:g} h)",
            )
        )
    if not days:
        lines.append(
            Line(
                label="Per day and per hour",
                value="not shown",
                how="enter the working-days calendar to see daily and hourly goals",
            )
        )

    checks: list[Check] = []
    overhead_share = overhead_total / collection_goal * 100
    checks.append(
        Check(
            level="ok" if overhead_share <= OVERHEAD_BAND else "caution",
            text=(
                f"Overhead is {percent(overhead_share)} of the collection goal "
                f"(a healthy practice keeps it at or under about {OVERHEAD_BAND:.0f}%)."
            ),
        )
    )
    growth = None
    last = inputs.last_year
    if last and last.production:
        growth = (production_goal / last.production - 1) * 100
        if growth <= GROWTH_STRETCH:
            level, note = "ok", "within reach of last year"
        elif growth <= GROWTH_WARNING:
            level, note = "caution", "a stretch: agree what will change to get there"
        else:
            level, note = "warning", "far above last year: check the inputs or plan the growth"
        checks.append(
            Check(
                level=level,
                text=(
                    f"The production goal is {growth:+.1f}% against last year's "
                    f"{money(last.production)}: {note}."
                ),
            )
        )
    if last and last.collections and last.production:
        actual_rate = last.collections / last.production
        if actual_rate < rate - 0.02:
            checks.append(
                Check(
                    level="caution",
                    text=(
                        f"Last year the practice collected {percent(actual_rate * 100, 1)} of "
                        f"production; the goal assumes {percent(rate * 100, 1)}."
                    ),
                )
            )
    elif last and last.collections:
        change = (collection_goal / last.collections - 1) * 100
        checks.append(
            Check(
                level="ok" if change <= GROWTH_STRETCH else "caution",
                text=f"The collection goal is {change:+.1f}% against last year's collections.",
            )
        )

    return GoalDerivation(
        inputs=inputs,
        overhead_total=overhead_total,
        collection_goal=collection_goal,
        production_goal=production_goal,
        collection_rate=rate,
        fixed_costs=fixed_costs,
        variable_cost_share=share,
        variable_share_estimated=estimated,
        break_even=break_even,
        working_days=days,
        clinical_hours=hours,
        overhead_share=overhead_share,
        growth=growth,
        lines=lines,
        checks=checks,
    )

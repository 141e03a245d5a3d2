from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from balancecoach.core.goals import Calendar, GoalInputs, LastYear, Overhead, derive_goal


def inputs(**kw) -> GoalInputs:
    base = {"overhead": {"payroll": 500_000}, "collection_rate": 0.95}
    base.update(kw)
    return GoalInputs.model_validate(base)


def test_collection_goal_is_the_sum_of_its_parts() -> None:
    d = derive_goal(
        inputs(
            overhead={"payroll": 300_000, "rent": 60_000, "supplies": 40_000, "lab": 30_000},
            doctor_compensation=250_000,
            debt_service=20_000,
            profit=50_000,
        )
    )
    assert d.overhead_total == 430_000
    assert d.collection_goal == 750_000


def test_worked_production_goal_from_collection_rate() -> None:
    # $1,000,000 ÷ 0.95 = $1,052,632 (PRODUCT.md worked figure)
    d = derive_goal(inputs(overhead={"payroll": 1_000_000}, collection_rate=0.95))
    assert round(d.production_goal) == 1_052_632
    assert "$1,052,632" in d.explanation()


def test_adjustment_rate_gives_the_same_goal_as_its_collection_rate() -> None:
    a = derive_goal(inputs(collection_rate=None, adjustment_rate=0.05))
    b = derive_goal(inputs(collection_rate=0.95))
    assert a.production_goal == pytest.approx(b.production_goal)
    assert "adjustment rate 5.0%" in a.explanation()


def test_worked_break_even() -> None:
    # $725,000 fixed ÷ 0.84 = $863,095 (PRODUCT.md worked figure)
    d = derive_goal(inputs(overhead={"payroll": 725_000}, variable_cost_share=0.16))
    assert d.fixed_costs == 725_000
    assert round(d.break_even) == 863_095
    assert not d.variable_share_estimated


def test_worked_per_clinical_hour() -> None:
    # $1.5M over 50 weeks × 4 days × 8 h = $937.50/h (PRODUCT.md worked figure)
    d = derive_goal(
        inputs(
            overhead={"payroll": 1_500_000},
            collection_rate=1.0,
            calendar={"weeks": 50, "days_per_week": 4, "clinical_hours_per_day": 8},
        )
    )
    assert d.clinical_hours == 1600
    assert d.per_hour_production == pytest.approx(937.50)
    assert "$937.50" in d.explanation()
    assert d.daily_production == pytest.approx(7500)


def test_no_daily_or_hourly_figure_without_a_calendar() -> None:
    d = derive_goal(inputs())
    assert d.daily_production is None
    assert d.per_hour_production is None
    text = d.explanation()
    assert "Daily production goal" not in text
    assert "per clinical hour" not in text
    assert "enter the working-days calendar" in text


def test_days_without_hours_gives_daily_but_not_hourly() -> None:
    d = derive_goal(inputs(calendar={"working_days": 190}))
    assert d.daily_production == pytest.approx(d.production_goal / 190)
    assert d.per_hour_production is None


def test_monthly_and_per_provider() -> None:
    d = derive_goal(inputs(overhead={"payroll": 1_200_000}, collection_rate=1.0, providers=3))
    assert d.monthly_collection == 100_000
    assert d.per_provider_production == 400_000


def test_variable_share_is_estimated_from_supplies_and_lab() -> None:
    d = derive_goal(inputs(overhead={"payroll": 800_000, "supplies": 120_000, "lab": 80_000}))
    assert d.variable_share_estimated
    assert d.variable_cost_share == pytest.approx(200_000 / 1_000_000)
    assert d.fixed_costs == 800_000
    assert d.break_even == pytest.approx(1_000_000)


def test_realism_check_flags_overhead_above_band_and_large_growth() -> None:
    d = derive_goal(
        inputs(
            overhead={"payroll": 700_000},
            doctor_compensation=300_000,
            collection_rate=1.0,
            last_year={"production": 700_000},
        )
    )
    levels = {c.level for c in d.checks}
    assert d.overhead_share == pytest.approx(70.0)
    assert "caution" in levels  # overhead 70% > 60%
    assert d.growth == pytest.approx((1_000_000 / 700_000 - 1) * 100)
    assert any(c.level == "warning" and "+42.9%" in c.text for c in d.checks)


def test_realism_ok_when_close_to_last_year() -> None:
    d = derive_goal(
        inputs(
            overhead={"payroll": 500_000},
            doctor_compensation=500_000,
            collection_rate=1.0,
            last_year=LastYear(production=980_000),
        )
    )
    assert [c.level for c in d.checks] == ["ok", "ok"]


def test_effective_date_is_carried_into_the_explanation() -> None:
    d = derive_goal(inputs(effective="2027-01-01"))
    assert "in effect from 2027-01-01" in d.explanation()


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"overhead": {"payroll": -1}}, "greater than or equal to 0"),
        ({"collection_rate": 0}, "greater than 0"),
        ({"collection_rate": 1.2}, "less than or equal to 1"),
        ({"collection_rate": None}, "give collection_rate"),
        ({"adjustment_rate": 0.05}, "not both"),
        ({"calendar": {"working_days": 0}}, "greater than 0"),
        ({"calendar": {"weeks": 48}}, "weeks and days_per_week together"),
        ({"overhead": {}, "collection_rate": 0.9}, "add up to nothing"),
        ({"overhead": {"payrol": 5}}, "Extra inputs"),
        ({"doctor_compensation": float("nan")}, "finite"),
    ],
)
def test_invalid_inputs_are_rejected_with_a_reason(change: dict, fragment: str) -> None:
    with pytest.raises(ValidationError) as exc:
        inputs(**change)
    assert fragment in str(exc.value)


money = st.floats(min_value=0, max_value=5e6, allow_nan=False)


@given(
    base=money,
    extra=st.floats(min_value=1, max_value=1e6),
    rate=st.floats(min_value=0.5, max_value=1.0),
)
def test_production_goal_grows_with_overhead(base: float, extra: float, rate: float) -> None:
    low = derive_goal(inputs(overhead={"payroll": base + 1}, collection_rate=rate))
    high = derive_goal(inputs(overhead={"payroll": base + 1 + extra}, collection_rate=rate))
    assert high.production_goal > low.production_goal
    assert high.collection_goal - low.collection_goal == pytest.approx(extra)


@given(
    parts=st.lists(money, min_size=4, max_size=4),
    rate=st.floats(min_value=0.01, max_value=1.0),
)
def test_production_is_never_below_collections(parts: list[float], rate: float) -> None:
    oh, comp, debt, profit = parts
    data = inputs(
        overhead=Overhead(payroll=oh + 1),
        doctor_compensation=comp,
        debt_service=debt,
        profit=profit,
        collection_rate=rate,
        calendar=Calendar(working_days=190, clinical_hours_per_day=7),
    )
    d = derive_goal(data)
    assert d.production_goal >= d.collection_goal
    assert d.collection_goal == pytest.approx(oh + 1 + comp + debt + profit)
    assert d.daily_production * 190 == pytest.approx(d.production_goal)
    assert d.per_hour_production * 190 * 7 == pytest.approx(d.production_goal)
    assert d.break_even >= d.fixed_costs

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from balancecoach.core.content import MetricDefinition
from balancecoach.core.errors import DataError
from balancecoach.core.metrics import (
    MetricTarget,
    compute,
    format_value,
    people_view,
    people_view_for_target,
    solve_input,
)

CASE = MetricDefinition.model_validate(
    {
        "id": "case_acceptance",
        "name": "Case acceptance",
        "definition": "Share of presented treatment plans that patients accepted.",
        "speaks_to": "both",
        "side": "patient",
        "unit": "percent",
        "better": "higher",
        "formula": "accepted / presented * 100",
        "bands_source": "test",
        "people_view": "{value} = {accepted} of {presented} patients moved forward with care",
        "inputs": [
            {"name": "accepted", "label": "Plans accepted", "unit": "count"},
            {"name": "presented", "label": "Plans presented", "unit": "count"},
        ],
        "bands": [
            {"label": "low", "max": 40},
            {"label": "typical", "min": 40, "max": 70},
            {"label": "strong", "min": 70},
        ],
    }
)


def test_people_view_reads_as_patients() -> None:
    result = compute(CASE, {"accepted": 31, "presented": 50})
    assert result.value == 62.0
    assert result.band == "typical"
    assert people_view(CASE, result) == "62% = 31 of 50 patients moved forward with care"


def test_bands_are_found_at_their_edges() -> None:
    assert compute(CASE, {"accepted": 40, "presented": 100}).band == "typical"
    assert compute(CASE, {"accepted": 39, "presented": 100}).band == "low"
    assert compute(CASE, {"accepted": 70, "presented": 100}).band == "strong"


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        ({"accepted": 3}, "missing input 'presented'"),
        ({"accepted": -1, "presented": 5}, "cannot be negative"),
        ({"accepted": "a", "presented": 5}, "must be a number"),
        ({"accepted": 1.5, "presented": 5}, "whole number"),
        ({"accepted": True, "presented": 5}, "must be a number"),
        ({"accepted": float("inf"), "presented": 5}, "not a usable number"),
        ({"accepted": 1, "presented": 5, "declined": 4}, "has no input 'declined'"),
        ({"accepted": 0, "presented": 0}, "cannot be computed"),
    ],
)
def test_bad_inputs_name_the_field(raw: dict, fragment: str) -> None:
    with pytest.raises(DataError) as exc:
        compute(CASE, raw, source="q3.csv")
    assert fragment in str(exc.value)
    assert str(exc.value).startswith("q3.csv: case_acceptance")


@pytest.mark.parametrize(
    ("target", "value", "status"),
    [
        (MetricTarget(kind="at_least", value=60), 60, "green"),
        (MetricTarget(kind="at_least", value=60), 55, "amber"),
        (MetricTarget(kind="at_least", value=60), 53.9, "red"),
        (MetricTarget(kind="at_most", value=60), 59, "green"),
        (MetricTarget(kind="at_most", value=60), 66, "amber"),
        (MetricTarget(kind="at_most", value=60), 67, "red"),
        (MetricTarget(kind="range", low=25, high=35), 30, "green"),
        (MetricTarget(kind="range", low=25, high=35), 23, "amber"),
        (MetricTarget(kind="range", low=25, high=35), 40, "red"),
        (MetricTarget(kind="at_least", value=0), -0.05, "amber"),
    ],
)
def test_status_against_target(target: MetricTarget, value: float, status: str) -> None:
    assert target.status(value) == status


def test_target_shapes_are_checked() -> None:
    with pytest.raises(ValidationError, match="needs low and high"):
        MetricTarget(kind="range", low=1)
    with pytest.raises(ValidationError, match="low ≤ high"):
        MetricTarget(kind="range", low=5, high=1)
    with pytest.raises(ValidationError, match="needs a value"):
        MetricTarget(kind="at_least")


def test_target_description_uses_the_unit() -> None:
    assert MetricTarget(kind="at_least", value=70).describe("percent") == "≥ 70%"
    assert MetricTarget(kind="range", low=25, high=35).describe("percent") == "25%–35%"
    assert MetricTarget(kind="at_least", value=937.5).describe("currency_per_hour") == "≥ $937.50/h"


def test_people_view_for_a_target_solves_for_patients() -> None:
    text = people_view_for_target(CASE, 70, {"accepted": 31, "presented": 50})
    assert text == "70% = 35 of 50 patients moved forward with care"


def test_format_value_units() -> None:
    assert format_value("currency", 1250.4) == "$1,250"
    assert format_value("score", 38) == "+38"
    assert format_value("score", -12) == "−12"
    assert format_value("count", 14) == "14"


@given(
    presented=st.integers(min_value=1, max_value=10_000),
    share=st.floats(min_value=0, max_value=1),
)
def test_people_view_counts_agree_with_the_rate(presented: int, share: float) -> None:
    accepted = round(presented * share)
    result = compute(CASE, {"accepted": accepted, "presented": presented})
    text = people_view(CASE, result)
    shown_pct, rest = text.split("% = ")
    shown_accepted, rest = rest.split(" of ")
    shown_presented = rest.split(" ")[0]
    assert int(shown_accepted.replace(",", "")) == accepted
    assert int(shown_presented.replace(",", "")) == presented
    assert int(shown_pct) == round(accepted / presented * 100)


@given(
    presented=st.integers(min_value=1, max_value=5000),
    target=st.floats(min_value=0, max_value=100),
)
def test_solved_count_is_the_fewest_patients_that_meet_the_target(
    presented: int, target: float
) -> None:
    needed = solve_input(CASE, target, {"accepted": 0, "presented": presented}, "accepted")
    assert needed is not None
    assert needed / presented * 100 >= target - 1e-9
    assert needed == 0 or (needed - 1) / presented * 100 < target


def test_people_view_for_target_on_a_formula_that_is_not_a_straight_line() -> None:
    nps = MetricDefinition.model_validate(
        {
            "id": "nps",
            "name": "NPS",
            "definition": "Promoters minus detractors.",
            "speaks_to": "both",
            "side": "patient",
            "unit": "score",
            "better": "higher",
            "formula": "(promoters - detractors) / (promoters + passives + detractors) * 100",
            "bands_source": "test",
            "people_view": "NPS {value}: {promoters} promoters, {detractors} detractors",
            "inputs": [
                {"name": "promoters", "label": "Promoters", "unit": "count"},
                {"name": "passives", "label": "Passives", "unit": "count"},
                {"name": "detractors", "label": "Detractors", "unit": "count"},
            ],
            "bands": [
                {"label": "low", "max": 0},
                {"label": "typical", "min": 0, "max": 50},
                {"label": "strong", "min": 50},
            ],
        }
    )
    base = {"promoters": 20, "passives": 10, "detractors": 10}
    text = people_view_for_target(nps, 50, base)
    # (p − 10) / (p + 20) ≥ 0.5  ⇒  p ≥ 40
    assert text == "NPS +50: 40 promoters, 10 detractors"
    assert people_view_for_target(nps, 100, base) is None  # unreachable with detractors

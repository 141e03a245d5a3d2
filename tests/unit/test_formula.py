from __future__ import annotations

import pytest

from balancecoach.core.formula import Formula, FormulaError, UndefinedResult


def test_evaluates_arithmetic_over_names() -> None:
    f = Formula("(a - b) / (a + b + c) * 100")
    assert f.names == {"a", "b", "c"}
    assert f.evaluate({"a": 6, "b": 2, "c": 2}) == 40.0


def test_unary_minus_and_constants() -> None:
    assert Formula("-a + 2.5").evaluate({"a": 1}) == 1.5


@pytest.mark.parametrize(
    "text",
    ["__import__('os')", "a ** 2", "a if b else c", "a.b", "a[0]", "f(a)", "'x'", "a //", "True"],
)
def test_rejects_anything_but_plain_arithmetic(text: str) -> None:
    with pytest.raises(FormulaError):
        Formula(text).names  # noqa: B018


def test_zero_divisor_is_undefined_not_a_crash() -> None:
    with pytest.raises(UndefinedResult):
        Formula("a / b").evaluate({"a": 1, "b": 0})


def test_missing_name_is_reported() -> None:
    with pytest.raises(KeyError, match="b"):
        Formula("a / b").evaluate({"a": 1})

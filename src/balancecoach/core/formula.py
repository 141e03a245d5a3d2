"""Metric formulas: small arithmetic expressions over named inputs, parsed safely (no eval)."""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

_BINARY = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


class FormulaError(ValueError):
    """The formula text is not plain arithmetic over input names."""


class UndefinedResult(ArithmeticError):
    """The formula cannot be computed for these inputs (a zero denominator)."""


@dataclass(frozen=True)
class Formula:
    """An arithmetic expression such as ``accepted / presented * 100``."""

    text: str

    @cached_property
    def _tree(self) -> ast.expr:
        try:
            tree = ast.parse(self.text, mode="eval").body
        except SyntaxError as exc:
            raise FormulaError(f"formula {self.text!r} is not valid arithmetic") from exc
        for node in ast.walk(tree):
            if isinstance(node, ast.BinOp) and type(node.op) in _BINARY:
                continue
            if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                continue
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                continue
            if isinstance(node, ast.Constant) and type(node.value) in (int, float):
                continue
            if isinstance(node, ast.operator | ast.unaryop | ast.expr_context):
                continue
            raise FormulaError(
                f"formula {self.text!r} may use only input names, numbers, + - * / and brackets"
            )
        return tree

    @cached_property
    def names(self) -> frozenset[str]:
        """The input names the formula reads."""
        return frozenset(n.id for n in ast.walk(self._tree) if isinstance(n, ast.Name))

    def evaluate(self, values: Mapping[str, float]) -> float:
        missing = self.names - values.keys()
        if missing:
            raise KeyError(", ".join(sorted(missing)))
        return float(_eval(self._tree, values))


def _eval(node: ast.expr, values: Mapping[str, float]) -> float:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return values[node.id]
    if isinstance(node, ast.UnaryOp):
        return -_eval(node.operand, values)
    assert isinstance(node, ast.BinOp)
    left, right = _eval(node.left, values), _eval(node.right, values)
    if isinstance(node.op, ast.Div) and right == 0:
        raise UndefinedResult("division by zero")
    return _BINARY[type(node.op)](left, right)

"""A practice's history as one tidy table, for a spreadsheet or pandas.

One row per quarter × metric on the scoreboard that quarter (a quarter with no metrics
still gets one row, with the metric columns empty). Every row repeats its quarter's scores
(practice and per respondent), so filtering or pivoting never needs a join:

    df = pandas.read_csv("export.csv")
    df.pivot(index="quarter", columns="metric_id", values="value")
    df.drop_duplicates("quarter")[["quarter", "lean", "quadrant", "agreement"]]

Columns (in this order; role and input columns depend on the practice):

    practice, practice_name, quarter, date, item_set, goal_effective,
    structure, people, lean, quadrant, agreement        practice scores, as computed then
    <role>_structure, <role>_people, <role>_lean, <role>_quadrant     per respondent
    production, collections                             the quarter's financials
    metric_id, metric_name, side, owner, value, unit,
    target, target_kind, target_low, target_high, status, band, people_view
    input:<name>, …                                     the raw totals the value came from

Numbers are plain (no thousands separators or units); empty means not recorded. Values
and statuses are the ones saved with the checkpoint. The JSON form has the same rows, with
the raw totals as an ``inputs`` object instead of ``input:`` columns.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.format import format_value

if TYPE_CHECKING:
    from balancecoach.core.content import Content, MetricDefinition
    from balancecoach.core.metrics import MetricTarget
    from balancecoach.core.records import Checkpoint, Practice

BASE_COLUMNS = (
    "practice",
    "practice_name",
    "quarter",
    "date",
    "item_set",
    "goal_effective",
    "structure",
    "people",
    "lean",
    "quadrant",
    "agreement",
)
ROLE_FIELDS = ("structure", "people", "lean", "quadrant")
FINANCIAL_COLUMNS = ("production", "collections")
METRIC_COLUMNS = (
    "metric_id",
    "metric_name",
    "side",
    "owner",
    "value",
    "unit",
    "target",
    "target_kind",
    "target_low",
    "target_high",
    "status",
    "band",
    "people_view",
)
INPUT_PREFIX = "input:"
_ROLE_ORDER = {"doctor": 0, "manager": 1}


def target_words(target: MetricTarget, unit: str) -> str:
    """'at least 65%', 'at most 25%', '25% to 35%'."""
    if target.kind == "range":
        assert target.low is not None and target.high is not None
        return f"{format_value(unit, target.low)} to {format_value(unit, target.high)}"
    assert target.value is not None
    word = "at least" if target.kind == "at_least" else "at most"
    return f"{word} {format_value(unit, target.value)}"


def _target_bounds(target: MetricTarget | None) -> tuple[float | None, float | None]:
    if target is None:
        return None, None
    if target.kind == "range":
        return target.low, target.high
    if target.kind == "at_least":
        return target.value, None
    return None, target.value


def roles_of(checkpoints: Sequence[Checkpoint]) -> list[str]:
    roles = {r.role for c in checkpoints for r in c.respondent}
    return sorted(roles, key=lambda r: (_ROLE_ORDER.get(r, 2), r))


def _metric_fields(
    content: Content, practice: Practice, actual: Any
) -> tuple[dict[str, Any], dict[str, float]]:
    from balancecoach.core.metrics import compute, people_view

    definition: MetricDefinition | None = content.metrics.by_id.get(actual.id)
    owners = {m.id: m.owner for m in practice.metric}
    value = actual.value
    band = view = None
    if definition is not None:
        try:
            computed = compute(definition, actual.inputs, actual.id)
        except (DataError, DataErrors):
            computed = None  # inputs edited by hand into something unusable: leave blank
        if computed is not None:
            if value is None:
                value = round(computed.value, 2)
            view = people_view(definition, computed)
        if value is not None:
            band = definition.band_for(value).label
    unit = definition.unit if definition else None
    target = actual.target
    status = actual.status
    if status is None and target is not None and value is not None:
        status = target.status(value)
    low, high = _target_bounds(target)
    fields = {
        "metric_id": actual.id,
        "metric_name": definition.name if definition else actual.id,
        "side": definition.side if definition else None,
        "owner": owners.get(actual.id),
        "value": value,
        "unit": unit,
        "target": target_words(target, unit or "count") if target else None,
        "target_kind": target.kind if target else None,
        "target_low": low,
        "target_high": high,
        "status": status,
        "band": band,
        "people_view": view,
    }
    return fields, dict(actual.inputs)


def table(
    content: Content, slug: str, practice: Practice, checkpoints: Sequence[Checkpoint]
) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows (inputs kept as an ``inputs`` dict on each row)."""
    roles = roles_of(checkpoints)
    role_columns = [f"{role}_{f}" for role in roles for f in ROLE_FIELDS]
    input_names: list[str] = []
    rows: list[dict[str, Any]] = []
    for cp in checkpoints:
        scores = cp.scores
        base: dict[str, Any] = {
            "practice": slug,
            "practice_name": practice.practice.name,
            "quarter": cp.quarter,
            "date": cp.date.isoformat(),
            "item_set": cp.item_set,
            "goal_effective": cp.goal_effective.isoformat() if cp.goal_effective else None,
            "structure": scores.structure if scores else None,
            "people": scores.people if scores else None,
            "lean": scores.lean if scores else None,
            "quadrant": scores.quadrant if scores else None,
            "agreement": scores.agreement if scores else None,
        }
        by_role = {r.role: r.scores for r in cp.respondent}
        for role in roles:
            snap = by_role.get(role)
            for f in ROLE_FIELDS:
                base[f"{role}_{f}"] = getattr(snap, f) if snap is not None else None
        fin = cp.financials
        base["production"] = fin.production if fin else None
        base["collections"] = fin.collections if fin else None
        if not cp.metric:
            rows.append({**base, **dict.fromkeys(METRIC_COLUMNS), "inputs": {}})
            continue
        for actual in cp.metric:
            fields, inputs = _metric_fields(content, practice, actual)
            for name in inputs:
                if name not in input_names:
                    input_names.append(name)
            rows.append({**base, **fields, "inputs": inputs})
    columns = [
        *BASE_COLUMNS,
        *role_columns,
        *FINANCIAL_COLUMNS,
        *METRIC_COLUMNS,
        *(INPUT_PREFIX + n for n in input_names),
    ]
    return columns, rows


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    return str(value)


def to_csv(columns: Sequence[str], rows: Sequence[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        inputs = row.get("inputs", {})
        writer.writerow(
            [
                _cell(inputs.get(c[len(INPUT_PREFIX) :]) if c.startswith(INPUT_PREFIX) else row[c])
                for c in columns
            ]
        )
    return out.getvalue()


def to_json(
    slug: str, practice: Practice, columns: Sequence[str], rows: Sequence[dict[str, Any]]
) -> dict[str, Any]:
    keys = [c for c in columns if not c.startswith(INPUT_PREFIX)] + ["inputs"]
    return {
        "practice": {
            "slug": slug,
            "name": practice.practice.name,
            "demo": practice.practice.demo,
            "currency": practice.practice.currency,
        },
        "rows": [_plain({k: row.get(k) for k in keys}) for row in rows],
    }


def _plain(value: Any) -> Any:
    """Whole-number floats as integers (123, not 123.0), all the way down."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value

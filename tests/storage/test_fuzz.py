"""Fuzzing the loaders: whatever bytes or TOML a file holds, loading it either succeeds or
raises DataError / DataErrors naming the file — never any other exception.

Each test counts the examples it tried and prints the count (see it with `pytest -rP`).
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomlkit
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.records import (
    Checkpoint,
    Commitment,
    Goal,
    MetricActual,
    MetricChoice,
    PlanItem,
    Practice,
    PracticeScores,
    Profile,
    Respondent,
)
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.csv_import import read_csv_actuals
from balancecoach.storage.inputs import load_answers, load_goal_inputs
from balancecoach.storage.store import dump, load_checkpoint_file, load_practice_file

ROOT = Path(__file__).resolve().parents[2]
CONTENT = load_content()
TODAY = dt.date(2026, 11, 24)

FUZZ = settings(
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
    database=None,
)


# --- samples of every kind of file, valid -------------------------------------------------


def _practice() -> Practice:
    return Practice(
        practice=Profile(name="Fuzz Dental", providers=2, created=dt.date(2025, 1, 6)),
        goal=[
            Goal(
                effective=dt.date(2025, 1, 1),
                overhead={"payroll": 310_000, "rent": 72_000},
                doctor_compensation=240_000,
                collection_rate=0.97,
                calendar={"weeks": 48, "days_per_week": 4, "clinical_hours_per_day": 8},
            )
        ],
        metric=[
            MetricChoice(
                id="case_acceptance", owner="doctor", target={"kind": "at_least", "value": 60}
            ),
            MetricChoice(
                id="hygiene_share", owner="manager", target={"kind": "range", "low": 25, "high": 35}
            ),
        ],
        plan=[PlanItem(practice="daily_huddle", owner="team", cadence="daily")],
    )


def _checkpoint() -> Checkpoint:
    return Checkpoint(
        quarter="2025-Q3",
        date=dt.date(2025, 9, 28),
        respondent=[
            Respondent(role="doctor", answers={"MET-S1": 4, "MET-P1": 2}),
            Respondent(role="manager", answers={"MET-S1": 2}),
        ],
        scores=PracticeScores(structure=62.5, people=48.0, lean=14.5, quadrant="drifting"),
        metric=[
            MetricActual(
                id="case_acceptance",
                inputs={"accepted": 31, "presented": 50},
                value=62.0,
                target={"kind": "at_least", "value": 60},
                status="green",
            )
        ],
        commitment=[Commitment(text="Review collections monthly", owner="both")],
    )


def _toml(data: dict[str, Any]) -> str:
    return tomlkit.dumps(data)


PRACTICE_DATA = dump(_practice())
CHECKPOINT_DATA = dump(_checkpoint())
ANSWERS_TEXT = (ROOT / "examples" / "answers.toml").read_text(encoding="utf-8")
GOAL_TEXT = (ROOT / "examples" / "goal.toml").read_text(encoding="utf-8")
CSV_TEXT = (
    "quarter,metric,input,value\n"
    "2025-Q3,case_acceptance,accepted,31\n"
    "2025-Q3,case_acceptance,presented,50\n"
    '2025-Q3,collection_rate,collections,"241,500"\n'
    "2025-Q3,collection_rate,net_production,248000\n"
)
SAMPLES = {
    "practice": _toml(PRACTICE_DATA),
    "checkpoint": _toml(CHECKPOINT_DATA),
    "answers": ANSWERS_TEXT,
    "goal": GOAL_TEXT,
    "csv": CSV_TEXT,
}

LOADERS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "practice": ("practice.toml", load_practice_file),
    "checkpoint": ("2025-Q3.toml", load_checkpoint_file),
    "answers": ("answers.toml", lambda p: load_answers(p, CONTENT)),
    "goal": ("goal.toml", load_goal_inputs),
    "csv": ("actuals.csv", lambda p: _read_csv(p)),
}


def _read_csv(path: Path, quarter: str | None = None) -> object:
    result = read_csv_actuals(path, CONTENT.metrics, quarter=quarter, today=TODAY)
    for rejection in result.rejected:
        assert rejection.line >= 1 and rejection.reasons
    return result


def test_the_samples_are_valid(tmp_path: Path) -> None:
    """The mutation tests start from files that load."""
    for kind, (name, load) in LOADERS.items():
        path = tmp_path / name
        path.write_text(SAMPLES[kind], encoding="utf-8")
        result = load(path)
        if kind == "csv":
            assert result.ok and len(result.metrics) == 2  # type: ignore[attr-defined]


def _check(folder: Path, kind: str, raw: bytes) -> None:
    """Load `raw` as a file of `kind`: success, or DataError(s) naming the file."""
    name, load = LOADERS[kind]
    path = folder / name
    path.write_bytes(raw)
    try:
        load(path)
    except DataError as exc:
        assert str(path) in str(exc), (kind, str(exc))
    except DataErrors as exc:
        assert exc.errors
        for error in exc.errors:
            assert str(path) in str(error), (kind, str(error))


def _report(name: str, counts: dict[str, int], record_property: Any) -> None:
    total = sum(counts.values())
    record_property("fuzz_examples", total)
    print(f"fuzz {name}: {total} examples ({', '.join(f'{k} {v}' for k, v in counts.items())})")


# --- 1. random bytes ---------------------------------------------------------------------


def test_random_bytes(tmp_path: Path, record_property: Any) -> None:
    counts = dict.fromkeys(LOADERS, 0)

    @settings(FUZZ, max_examples=150)
    @given(raw=st.one_of(st.binary(max_size=400), st.text(max_size=400).map(str.encode)))
    def check(raw: bytes) -> None:
        for kind in LOADERS:
            _check(tmp_path, kind, raw)
            counts[kind] += 1

    check()
    _report("random bytes", counts, record_property)


# --- 2. valid files with random edits ----------------------------------------------------

_SNIPPETS = [
    b"",
    b"\n",
    b"=",
    b'"',
    b"[",
    b"]]",
    b"[[metric]]\n",
    b"{",
    b"-1",
    b"1e999",
    b"nan",
    b"2026-Q5",
    b"\xff",
    b"\x00",
    b"\xef\xbb\xbf",
    b"\r\n",
    b",",
    b";",
    b"\t",
    b"x = 1\n",
    b"[[respondent]]\nrole = 'doctor'\n",
    b"quarter = '2025-Q3'\n",
    b"[" * 300,
    b"\nz = " + b"[" * 3000 + b"\n",
    b"\nz = " + b"{a=" * 1500 + b"\n",
]


@st.composite
def _edited(draw: st.DrawFn, kind: str) -> bytes:
    raw = bytearray(SAMPLES[kind].encode("utf-8"))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(raw)))
        length = draw(st.integers(0, 12))
        insert = draw(st.one_of(st.sampled_from(_SNIPPETS), st.binary(max_size=8)))
        raw[at : at + length] = insert
    return bytes(raw)


@pytest.mark.parametrize("kind", list(LOADERS))
def test_edited_valid_files(kind: str, tmp_path: Path, record_property: Any) -> None:
    counts = {kind: 0}

    @settings(FUZZ, max_examples=200)
    @given(raw=_edited(kind))
    def check(raw: bytes) -> None:
        _check(tmp_path, kind, raw)
        counts[kind] += 1

    check()
    _report(f"edited {kind}", counts, record_property)


# --- 3. valid TOML of the wrong shape ----------------------------------------------------

_FIELD_NAMES = sorted(
    {
        *PRACTICE_DATA,
        *CHECKPOINT_DATA,
        "practice",
        "name",
        "demo",
        "providers",
        "created",
        "currency",
        "goal",
        "effective",
        "overhead",
        "payroll",
        "collection_rate",
        "adjustment_rate",
        "calendar",
        "weeks",
        "working_days",
        "metric",
        "id",
        "owner",
        "target",
        "kind",
        "value",
        "low",
        "high",
        "plan",
        "cadence",
        "quarter",
        "date",
        "respondent",
        "role",
        "answers",
        "scores",
        "dimensions",
        "inputs",
        "accepted",
        "presented",
        "status",
        "adherence",
        "kept",
        "commitment",
        "review",
        "schema_version",
        "item_set",
        "MET-S1",
    }
)
_WORDS = [
    "2025-Q3",
    "2026-Q5",
    "2025-q3",
    "doctor",
    "manager",
    "team",
    "both",
    "at_least",
    "range",
    "at_most",
    "case_acceptance",
    "daily_huddle",
    "daily",
    "green",
    "kept",
    "open",
    "full",
    "pulse",
    "",
    " ",
]

_scalars = st.one_of(
    st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.sampled_from([0, 1, 2, 5, -1, 7, 100, 10**12 + 1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.sampled_from(_WORDS),
    st.text(max_size=12),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    st.datetimes(
        min_value=dt.datetime(1, 1, 2),
        max_value=dt.datetime(9999, 12, 30),
        timezones=st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=-5))]),
    ),
    st.times(),
)
_keys = st.one_of(
    st.sampled_from(_FIELD_NAMES),
    st.text(alphabet=string.ascii_letters + "_-. 1", min_size=1, max_size=8),
)
_values = st.recursive(
    _scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(_keys, inner, max_size=5),
        st.lists(st.dictionaries(_keys, inner, max_size=4), min_size=1, max_size=3),
    ),
    max_leaves=12,
)
_documents = st.dictionaries(_keys, _values, max_size=8)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


@st.composite
def _reshaped(draw: st.DrawFn, base: dict[str, Any]) -> dict[str, Any]:
    """A valid document with a few parts replaced, removed or added."""
    import copy

    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = [p for p in _paths(doc) if p]
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = doc
        for part in path[:-1]:
            parent = parent[part]
        last = path[-1]
        action = draw(st.sampled_from(["replace", "remove", "add"]))
        if action == "replace":
            parent[last] = draw(_values)
        elif action == "remove":
            del parent[last]
        elif isinstance(parent, dict):
            parent[draw(_keys)] = draw(_values)
        else:
            parent.append(draw(_values))
    return doc


def _dumps(doc: dict[str, Any]) -> bytes | None:
    try:
        return tomlkit.dumps(doc).encode("utf-8", "surrogatepass")
    except Exception:  # tomlkit cannot write every shape (e.g. some mixed lists)
        return None


TOML_KINDS = ["practice", "checkpoint", "answers", "goal"]


def test_random_documents(tmp_path: Path, record_property: Any) -> None:
    """Any TOML document at all, fed to every loader."""
    counts = dict.fromkeys(TOML_KINDS, 0)

    @settings(FUZZ, max_examples=150)
    @given(doc=_documents)
    def check(doc: dict[str, Any]) -> None:
        raw = _dumps(doc)
        assume(raw is not None)
        for kind in TOML_KINDS:
            _check(tmp_path, kind, raw)
            counts[kind] += 1

    check()
    _report("random TOML documents", counts, record_property)


@pytest.mark.parametrize("kind", TOML_KINDS)
def test_reshaped_documents(kind: str, tmp_path: Path, record_property: Any) -> None:
    """A valid file of each kind with parts replaced by values of the wrong type or
    range, removed, or joined by unknown keys."""
    base = {
        "practice": PRACTICE_DATA,
        "checkpoint": CHECKPOINT_DATA,
        "answers": tomlkit.parse(ANSWERS_TEXT).unwrap(),
        "goal": tomlkit.parse(GOAL_TEXT).unwrap(),
    }[kind]
    counts = {kind: 0}

    @settings(FUZZ, max_examples=100)
    @given(doc=_reshaped(base))
    def check(doc: dict[str, Any]) -> None:
        raw = _dumps(doc)
        assume(raw is not None)
        _check(tmp_path, kind, raw)
        counts[kind] += 1

    check()
    _report(f"reshaped {kind}", counts, record_property)


# --- 4. CSV files that are nearly right --------------------------------------------------

_CELLS = [
    "2025-Q3",
    "2025 Q2",
    "Q1 2025",
    "2026-Q5",
    "2027-Q1",
    "case_acceptance",
    "Case acceptance",
    "nps",
    "new_patients",
    "accepted",
    "presented",
    "promoters",
    "numerator",
    "denominator",
    "value",
    "31",
    "0",
    "-4",
    "1,250",
    "$248,000.00",
    "2.5",
    "62%",
    "1e9",
    "(12)",
    "",
    " ",
    '"',
    "\ufeff",
    "sep=;",
]
_HEADERS = [
    ["quarter", "metric", "input", "value"],
    ["metric", "input", "value"],
    ["quarter", "metric", "accepted", "presented", "numerator", "denominator", "value"],
    ["Quarter", "Metric", "promoters", "passives", "detractors"],
    ["quarter", "metric", "input", "value", "value"],
    ["x"],
]


@st.composite
def _csv_text(draw: st.DrawFn) -> bytes:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    header = draw(st.sampled_from(_HEADERS))
    cell = st.one_of(st.sampled_from(_CELLS), st.text(max_size=6))
    rows = draw(st.lists(st.lists(cell, max_size=len(header) + 2), max_size=8))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def quote(c: str) -> str:
        if any(ch in c for ch in (delimiter, '"', "\n", "\r")) or draw(st.booleans()):
            return '"' + c.replace('"', '""') + '"'
        return c

    lines = [delimiter.join(header)] + [delimiter.join(quote(c) for c in row) for row in rows]
    text = newline.join(lines)
    prefix = draw(st.sampled_from(["", "\ufeff", "sep=;" + newline]))
    return (prefix + text).encode("utf-8", "surrogatepass")


def test_csv_importer(tmp_path: Path, record_property: Any) -> None:
    counts = {"csv": 0, "with --quarter": 0}
    path = tmp_path / "actuals.csv"

    @settings(FUZZ, max_examples=300)
    @given(raw=st.one_of(_csv_text(), _edited("csv")), quarter=st.sampled_from([None, "2025-Q3"]))
    def check(raw: bytes, quarter: str | None) -> None:
        path.write_bytes(raw)
        try:
            _read_csv(path, quarter)
        except DataError as exc:
            assert str(path) in str(exc) or exc.source in ("--map", "--quarter"), str(exc)
        counts["with --quarter" if quarter else "csv"] += 1

    check()
    _report("csv importer", counts, record_property)

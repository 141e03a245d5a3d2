"""The shipped content loads, meets the brief, and a bad edit is reported precisely."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pytest

from balancecoach.core.content import Pole
from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.metrics import compute, people_view
from balancecoach.storage.catalogs import content_dir, load_content, load_content_from

SEEDS = {
    "production-vs-patient-focus",
    "doctor-manager-partnership",
    "five-star-service-and-production",
}


@pytest.fixture(scope="module")
def content():
    return load_content()


def test_question_bank_meets_the_brief(content) -> None:
    bank = content.questions
    assert len(bank.statement) >= 35
    assert len(bank.dimension) == 7
    for dim in bank.dimension:
        items = [s for s in bank.statement if s.dimension == dim.id]
        assert {s.pole for s in items} == set(Pole), dim.id
    reverse = [s for s in bank.statement if s.reverse]
    assert {s.pole for s in reverse} == set(Pole)
    assert 10 <= len(bank.pulse()) <= 14
    assert {s.dimension for s in bank.pulse()} == set(bank.dimensions)
    assert {s.source for s in bank.statement} == SEEDS


def test_statements_are_one_behaviour_in_plain_words(content) -> None:
    for s in content.questions.statement:
        assert len(s.text) <= 140, s.id
        assert not re.search(r"\b(and|or) (we|our|the doctor|the team)\b", s.text), s.id


def test_every_dimension_has_a_recommendation_for_each_pole(content) -> None:
    pairs = {(r.dimension, r.strengthen) for r in content.recommendations.recommendation}
    assert pairs == {(d, p) for d in content.questions.dimensions for p in Pole}


def test_metric_catalog_meets_the_brief(content) -> None:
    metrics = content.metrics.by_id
    assert len(metrics) >= 12
    for wanted in (
        "case_acceptance",
        "patient_retention",
        "chair_utilisation",
        "pre_appointment",
        "collection_rate",
        "overhead",
        "new_patients",
        "production_per_hour",
        "hygiene_share",
        "unscheduled_treatment",
        "referral_share",
        "nps",
    ):
        assert wanted in metrics
    sides = Counter(m.side for m in metrics.values())
    assert sides["production"] >= 3 and sides["patient"] >= 3
    assert {m.speaks_to for m in metrics.values()} == {"clinical", "business", "both"}


def test_every_metric_computes_and_reads_as_people(content) -> None:
    for m in content.metrics.metric:
        raw = {i.name: 10 if i.unit == "count" else 1000 for i in m.inputs}
        first = m.inputs[0].name
        raw[first] = 4 if m.inputs[0].unit == "count" else 400
        result = compute(m, raw)
        text = people_view(m, result)
        assert "{" not in text and text.strip(), m.id


def test_practice_catalog_meets_the_brief(content) -> None:
    practices = content.practices.practice
    assert len(practices) >= 10
    strengthens = Counter(p.strengthens for p in practices)
    assert strengthens["people"] >= 3 and strengthens["structure"] >= 3
    assert {p.source for p in practices} <= SEEDS


def test_content_comes_from_the_package_or_checkout() -> None:
    assert (content_dir() / "questions.toml").is_file()


# --- bad edits -------------------------------------------------------------------------


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    target = tmp_path / "assessments"
    shutil.copytree(content_dir(), target)
    return target


def _edit(path: Path, old: str, new: str, count: int = 1) -> int:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    line = text[: text.index(old)].count("\n") + 1
    path.write_text(text.replace(old, new, count), encoding="utf-8")
    return line


def _error(directory: Path) -> str:
    with pytest.raises((DataError, DataErrors)) as exc:
        load_content_from(directory)
    return str(exc.value)


def test_unknown_dimension_names_file_entry_field_and_line(copy: Path) -> None:
    line = _edit(copy / "questions.toml", 'dimension = "treatment"', 'dimension = "treatmnt"')
    msg = _error(copy)
    assert f"questions.toml:{line}: statement[" in msg
    assert ".dimension: (" in msg
    assert "unknown dimension 'treatmnt'" in msg


def test_duplicate_id(copy: Path) -> None:
    line = _edit(copy / "questions.toml", 'id = "MET-S2"', 'id = "MET-S1"')
    msg = _error(copy)
    assert f"questions.toml:{line}: statement[1].id: (MET-S1) duplicate id 'MET-S1'" in msg


def test_missing_field(copy: Path) -> None:
    path = copy / "practices.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r'\ncadence = "[a-z_]+"', "", text, count=1), encoding="utf-8")
    msg = _error(copy)
    assert "practices.toml:" in msg
    assert "practice[0].cadence: (" in msg
    assert "is required but missing" in msg


def test_wrong_pole_value(copy: Path) -> None:
    line = _edit(copy / "questions.toml", 'pole = "people"', 'pole = "warmth"')
    msg = _error(copy)
    assert f"questions.toml:{line}: statement[" in msg
    assert "'structure' or 'people'" in msg


def test_band_out_of_order(copy: Path) -> None:
    path = copy / "metrics.toml"
    text = path.read_text(encoding="utf-8")
    first_typical = text.index('label = "typical"')
    head, tail = text[:first_typical], text[first_typical:]
    tail = re.sub(r"max = [0-9.]+", "max = 1", tail, count=1)
    path.write_text(head + tail, encoding="utf-8")
    msg = _error(copy)
    assert "metrics.toml:" in msg
    assert "metric[0].bands[1]" in msg
    assert "(case_acceptance)" in msg


def test_formula_with_unknown_name(copy: Path) -> None:
    _edit(
        copy / "metrics.toml",
        'formula = "accepted / presented * 100"',
        'formula = "accepted / offered * 100"',
    )
    msg = _error(copy)
    assert "metric[0].formula: (case_acceptance) uses offered" in msg


def test_syntax_error_names_the_line(copy: Path) -> None:
    line = _edit(copy / "practices.toml", 'cadence = "monthly"', 'cadence = monthly"')
    msg = _error(copy)
    assert f"practices.toml:{line}: is not valid TOML" in msg


def test_unknown_field(copy: Path) -> None:
    _edit(copy / "metrics.toml", 'unit = "percent"', 'unit = "percent"\ncolour = "red"')
    msg = _error(copy)
    assert "metric[0].colour: (case_acceptance) is not a known field" in msg


def test_recommendation_for_unknown_dimension(copy: Path) -> None:
    _edit(copy / "recommendations.toml", 'dimension = "metrics"', 'dimension = "numbers"')
    msg = _error(copy)
    assert "recommendations.toml:" in msg
    assert "recommendation[0].dimension" in msg

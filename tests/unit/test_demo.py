"""The demo practice: generated deterministically by scripts/make_demo.py, scored by the
app's own code, telling the story it is meant to tell, and installed once, never over a
copy that is already there."""

from __future__ import annotations

import importlib.util
import itertools
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest

from balancecoach.core.assessment import AnswersFile, RespondentAnswers, assess
from balancecoach.core.records import Quarter
from balancecoach.core.snapshots import practice_scores, score_snapshot
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, demo_dir, install_demo, is_installed
from balancecoach.storage.store import PracticeStore

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "demo" / "practices" / DEMO_SLUG


@pytest.fixture(scope="module")
def make_demo() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["make_demo"] = module
    spec.loader.exec_module(module)
    return module


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


@pytest.fixture(scope="module")
def generated(make_demo: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo.generate_demo(tmp_path_factory.mktemp("demo-a"))


def test_generating_twice_gives_the_same_bytes(
    make_demo: ModuleType, generated: Path, tmp_path: Path
) -> None:
    again = make_demo.generate_demo(tmp_path)
    assert files_of(generated) == files_of(again)
    assert len(files_of(again)) == 9  # practice.toml and eight checkpoints


def test_the_committed_demo_is_what_the_generator_writes(generated: Path) -> None:
    # If this fails, the generator or the writer changed: run `python scripts/make_demo.py`.
    assert files_of(COMMITTED) == files_of(generated)


def test_no_stray_files_are_left_behind(generated: Path) -> None:
    names = [p.name for p in generated.parent.parent.rglob("*")]
    assert not [n for n in names if n.startswith(".")], names


@pytest.fixture(scope="module")
def demo() -> tuple[PracticeStore, object, list]:
    store = PracticeStore(ROOT / "demo")
    practice = store.load_practice(DEMO_SLUG)
    checkpoints, problems = store.load_checkpoints(DEMO_SLUG)
    assert problems == []
    return store, practice, checkpoints


def test_every_demo_file_loads_through_the_store(demo) -> None:
    store, practice, checkpoints = demo
    assert store.slugs() == [DEMO_SLUG]
    assert practice.practice.demo is True
    assert "demo" in practice.practice.name.lower()
    assert [c.quarter for c in checkpoints] == [
        f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)
    ]
    (row,) = store.summaries()
    assert row.problems == [] and row.checkpoints == 8 and row.last_quarter == "2025-Q4"


def test_the_practice_file_has_what_the_brief_asks_for(demo) -> None:
    _store, practice, _checkpoints = demo
    content = load_content()
    assert practice.practice.providers == 2
    assert [g.effective.isoformat() for g in practice.goal] == ["2024-01-01", "2025-01-01"]
    assert all(g.calendar and g.calendar.clinical_hours for g in practice.goal)
    assert practice.goal_on(Quarter("2024-Q4").start).effective.year == 2024
    assert practice.goal_on(Quarter("2025-Q1").start).effective.year == 2025
    assert len(practice.metric) == 5
    sides = {content.metrics.by_id[m.id].side for m in practice.metric}
    assert sides == {"production", "patient"}
    assert 5 <= len(practice.plan) <= 6
    assert all(p.practice in content.practices.by_id for p in practice.plan)


def test_item_sets_alternate_full_and_pulse(demo) -> None:
    _store, _practice, checkpoints = demo
    bank = load_content().questions
    pulse = {s.id for s in bank.pulse()}
    for i, cp in enumerate(checkpoints):
        expected = "full" if i == 0 or cp.period.number == 4 else "pulse"
        assert cp.item_set == expected, cp.quarter
        for r in cp.respondent:
            if expected == "pulse":
                assert set(r.answers) <= pulse
            else:
                assert len(r.answers) == len(bank.statement)


def test_scores_are_what_the_scoring_code_gives(demo) -> None:
    _store, _practice, checkpoints = demo
    content = load_content()
    for cp in checkpoints:
        answers = AnswersFile(
            item_set=cp.item_set,
            respondent=[RespondentAnswers(role=r.role, answers=r.answers) for r in cp.respondent],
        )
        result = assess(content, answers)
        assert practice_scores(result) == cp.scores, cp.quarter
        for snap, r in zip(result.respondents, cp.respondent, strict=True):
            assert score_snapshot(snap) == r.scores


def test_the_story_holds(demo) -> None:
    _store, _practice, checkpoints = demo
    first, last = checkpoints[0], checkpoints[-1]
    assert first.scores.quadrant == "production-leaning"
    assert first.scores.lean > last.scores.lean
    assert last.scores.quadrant == "integrated" or abs(last.scores.lean) < abs(first.scores.lean)
    assert last.scores.agreement > first.scores.agreement
    doctor0, manager0 = first.respondent
    assert doctor0.role == "doctor" and doctor0.scores.lean > 30
    assert manager0.role == "manager" and manager0.scores.lean < -10
    # the two converge
    gap = [abs(c.respondent[0].scores.lean - c.respondent[1].scores.lean) for c in checkpoints]
    assert gap[-1] < gap[0] / 3

    def value(cp, metric):
        return next(m.value for m in cp.metric if m.id == metric)

    for metric in ("case_acceptance", "pre_appointment", "patient_retention", "nps"):
        series = [value(c, metric) for c in checkpoints]
        assert series[-1] > series[0], metric
    # with a realistic wobble: not every quarter is better than the one before
    acceptance = [value(c, "case_acceptance") for c in checkpoints]
    assert any(b < a for a, b in itertools.pairwise(acceptance))

    def kept_share(cp):
        return sum(a.kept == "kept" for a in cp.adherence) / len(cp.adherence)

    assert kept_share(last) > kept_share(first)


def test_each_quarter_has_commitments_reflections_and_financials(demo) -> None:
    _store, _practice, checkpoints = demo
    for i, cp in enumerate(checkpoints):
        assert cp.commitment and all(c.owner and c.due for c in cp.commitment)
        assert all(r.working and r.improve for r in cp.respondent)
        assert cp.financials.production and cp.financials.collections
        if i == 0:
            assert cp.review == []
        else:
            assert [c.text for c in cp.review] == [c.text for c in checkpoints[i - 1].commitment]
            assert {c.status for c in cp.review} <= {"done", "partly", "not"}
    statuses = {c.status for cp in checkpoints for c in cp.review}
    assert statuses == {"done", "partly", "not"}


def test_install_copies_once_and_never_overwrites(tmp_path: Path) -> None:
    store = PracticeStore(tmp_path / "data")
    assert not is_installed(store)
    assert install_demo(store) == DEMO_SLUG
    copy = store.layout.practice_dir(DEMO_SLUG)
    assert files_of(copy) == files_of(COMMITTED)
    assert store.summaries()[0].checkpoints == 8

    edited = copy / "practice.toml"
    edited.write_text(edited.read_text(encoding="utf-8") + "# my note\n", encoding="utf-8")
    (copy / "checkpoints" / "2025-Q4.toml").unlink()
    assert install_demo(store) == DEMO_SLUG
    assert edited.read_text(encoding="utf-8").endswith("# my note\n")
    assert not (copy / "checkpoints" / "2025-Q4.toml").exists()
    left = sorted(p.name for p in (tmp_path / "data").iterdir())
    assert left == [".index.json", "practices"]  # the list's cache, and no staging left


def test_install_never_writes_into_the_shipped_demo(tmp_path: Path) -> None:
    before = files_of(demo_dir())
    assert install_demo(PracticeStore(demo_dir())) == DEMO_SLUG
    assert files_of(demo_dir()) == before


def test_the_wheel_ships_the_demo() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    include = config["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include["demo"] == "balancecoach/demo"
    assert demo_dir() == ROOT / "demo" or (demo_dir() / "practices" / DEMO_SLUG).is_dir()


def test_a_cohort_is_deterministic_varied_and_loads(make_demo: ModuleType, tmp_path: Path) -> None:
    a = make_demo.generate_cohort(tmp_path / "a", 6, quarters=5)
    b = make_demo.generate_cohort(tmp_path / "b", 6, quarters=5, jobs=2)
    assert a == b == [f"practice-{i:04d}-demo" for i in range(1, 7)]
    assert files_of(tmp_path / "a") == files_of(tmp_path / "b")
    store = PracticeStore(tmp_path / "a")
    content = load_content()
    leans = set()
    for row in store.summaries():
        assert row.problems == [] and row.checkpoints == 5
        assert row.name.startswith("Practice ") and row.name.endswith("(demo)")
        practice = store.load_practice(row.slug)
        assert 3 <= len(practice.metric) <= 7
        assert {content.metrics.by_id[m.id].side for m in practice.metric} == {
            "production",
            "patient",
        }
        leans.add(row.quadrant)
    assert len(leans) > 1

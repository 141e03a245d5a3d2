"""Practice rows as the home list and the cohort view read them: the latest scores, the
movement since the checkpoint before, the metrics in red, a subset of practices, and the
index noticing every changed, removed or added checkpoint."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from store_samples import checkpoint, practice

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.records import Checkpoint, MetricActual, PracticeScores, Quarter
from balancecoach.storage import store as store_module
from balancecoach.storage.demo import install_demo
from balancecoach.storage.index import INDEX_FILE
from balancecoach.storage.store import PracticeStore, PracticeSummary


def _at(quarter: str) -> Checkpoint:
    """The sample checkpoint, dated at the end of `quarter`."""
    return checkpoint().model_copy(update={"quarter": quarter, "date": Quarter(quarter).end})


def _scored(quarter: str, structure: float, people: float, quadrant: str, agreement=None):
    cp = _at(quarter)
    cp.scores = PracticeScores(
        structure=structure,
        people=people,
        lean=structure - people,
        quadrant=quadrant,
        agreement=agreement,
    )
    return cp


def _named(store: PracticeStore, name: str) -> str:
    p = practice()
    p.practice.name = name
    return store.create_practice(p)


@pytest.fixture
def store(tmp_path: Path) -> PracticeStore:
    s = PracticeStore(tmp_path)
    slug = _named(s, "North Dental")
    s.save_checkpoint(slug, _scored("2025-Q1", 40, 70, "patient-leaning", 80))
    s.save_checkpoint(slug, _scored("2025-Q2", 55, 60, "drifting", 85))
    last = _scored("2025-Q3", 72, 68, "integrated", 91.5)
    last.metric = [
        MetricActual(id="case_acceptance", inputs={"a": 1}, value=40, status="red"),
        MetricActual(id="overhead", inputs={"b": 2}, value=58, status="green"),
        MetricActual(id="hygiene_reappointment", inputs={"c": 3}, value=70, status="red"),
        MetricActual(id="new_patients", inputs={"d": 4}, value=20, status="amber"),
        MetricActual(id="no_status", inputs={"e": 5}),
    ]
    s.save_checkpoint(slug, last)
    return s


def _row(store: PracticeStore, slug: str = "north-dental") -> PracticeSummary:
    (row,) = store.summaries([slug])
    return row


def test_latest_scores_previous_scores_and_red_metrics(store) -> None:
    row = _row(store)
    assert (row.last_quarter, row.checkpoints, row.problems) == ("2025-Q3", 3, [])
    assert (row.structure, row.people, row.lean) == (72, 68, 4)
    assert (row.quadrant, row.agreement) == ("integrated", 91.5)
    assert row.prev_quarter == "2025-Q2"
    assert (row.prev_structure, row.prev_people, row.prev_lean) == (55, 60, -5)
    assert row.prev_quadrant == "drifting"
    assert row.red == ["case_acceptance", "hygiene_reappointment"]


def test_previous_skips_a_checkpoint_without_scores(store) -> None:
    unscored = _at("2025-Q2")
    unscored.scores = None
    store.save_checkpoint("north-dental", unscored)
    row = _row(store)
    assert row.prev_quarter == "2025-Q1"
    assert (row.prev_structure, row.prev_people, row.prev_lean) == (40, 70, -30)
    assert row.prev_quadrant == "patient-leaning"


def test_no_previous_when_no_earlier_checkpoint_has_scores(tmp_path: Path) -> None:
    store = PracticeStore(tmp_path)
    slug = _named(store, "Solo Dental")
    first = _at("2025-Q1")
    first.scores = None
    store.save_checkpoint(slug, first)
    store.save_checkpoint(slug, _scored("2025-Q2", 50, 50, "drifting"))
    row = _row(store, slug)
    assert row.last_quarter == "2025-Q2" and row.lean == 0 and row.agreement is None
    assert row.prev_quarter is None and row.prev_lean is None and row.prev_quadrant is None
    assert row.red == []


def test_latest_without_scores_keeps_previous_for_movement(store) -> None:
    unscored = _at("2025-Q4")
    unscored.scores = None
    unscored.metric = []
    store.save_checkpoint("north-dental", unscored)
    row = _row(store)
    assert row.last_quarter == "2025-Q4"
    assert row.lean is None and row.structure is None and row.quadrant is None
    assert row.prev_quarter == "2025-Q3" and row.prev_lean == 4
    assert row.red == []


def test_cached_rows_keep_every_field(store) -> None:
    fresh = store.summaries()
    assert (store.root / INDEX_FILE).exists()
    again = store.summaries()
    assert again == fresh  # dataclass equality: every field, problems included
    assert again[0].red == ["case_acceptance", "hygiene_reappointment"]


def test_a_subset_in_the_order_asked(store, monkeypatch) -> None:
    for name in ("South Dental", "East Dental", "West Dental"):
        slug = _named(store, name)
        store.save_checkpoint(slug, checkpoint("2025-Q1"))
    everyone = store.summaries()
    assert [r.slug for r in everyone] == sorted(r.slug for r in everyone)
    reads: list[str] = []
    real = store_module.PracticeStore.summary
    monkeypatch.setattr(
        store_module.PracticeStore, "summary", lambda self, s: reads.append(s) or real(self, s)
    )
    rows = store.summaries(["west-dental", "north-dental", "west-dental"])
    assert [r.slug for r in rows] == ["west-dental", "north-dental"]
    assert reads == []  # from the index
    store.save_checkpoint("east-dental", _at("2025-Q2"))
    assert [r.last_quarter for r in store.summaries(iter(["east-dental"]))] == ["2025-Q2"]
    assert reads == ["east-dental"]
    # the subset kept the other cached rows: the full list reads nothing again
    assert len(store.summaries()) == 4 and reads == ["east-dental"]


def test_a_subset_naming_a_missing_or_odd_practice_shows_a_problem(store) -> None:
    gone, odd, here = store.summaries(["no-such-practice", "../elsewhere", "north-dental"])
    assert gone.problems and "not found" in str(gone.problems[0])
    assert "practice.toml" in str(gone.problems[0])
    assert odd.problems and "not a practice folder name" in str(odd.problems[0])
    assert here.problems == [] and here.last_quarter == "2025-Q3"
    assert [r.slug for r in store.summaries()] == ["north-dental"]


def test_a_folder_whose_name_is_not_a_slug_is_listed_with_a_problem(store) -> None:
    folder = store.layout.practices / "Hand Made"
    folder.mkdir()
    (folder / "practice.toml").write_text('[practice]\nname = "Hand Made"\n', encoding="utf-8")
    rows = {r.slug: r for r in store.summaries()}
    assert set(rows) == {"Hand Made", "north-dental"}
    assert "not a practice folder name" in str(rows["Hand Made"].problems[0])


def _stamp_later(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000))


def test_changed_deleted_and_added_checkpoints_are_noticed(store) -> None:
    store.summaries()
    latest = store.layout.checkpoint_file("north-dental", "2025-Q3")
    latest.write_text(latest.read_text(encoding="utf-8").replace("91.5", "77.5"), "utf-8")
    _stamp_later(latest)  # same size: only the time tells
    assert _row(store).agreement == 77.5

    latest.unlink()
    row = _row(store)
    assert (row.last_quarter, row.checkpoints, row.agreement) == ("2025-Q2", 2, 85)
    assert row.prev_quarter == "2025-Q1" and row.red == []

    store.save_checkpoint("north-dental", _scored("2026-Q1", 60, 80, "patient-leaning"))
    row = _row(store)
    assert (row.last_quarter, row.checkpoints, row.prev_quarter) == ("2026-Q1", 3, "2025-Q2")
    assert [r.last_quarter for r in store.summaries()] == ["2026-Q1"]


def test_a_broken_checkpoint_is_a_problem_in_the_list_every_time(store) -> None:
    store.summaries()
    middle = store.layout.checkpoint_file("north-dental", "2025-Q2")
    middle.write_text(
        middle.read_text(encoding="utf-8").replace("people = 60", 'people = "sixty"'), "utf-8"
    )
    _stamp_later(middle)
    bad = store.layout.checkpoint_file("north-dental", "2025-Q4")
    bad.write_text('quarter = "2025-Q4"\ndate = 2025-12-20\n[scores\n', encoding="utf-8")
    for row in (_row(store), store.summaries()[0]):  # read afresh, then from the index
        problems = sorted(str(p) for p in row.problems)
        assert len(problems) == 2, problems
        assert "2025-Q2.toml:" in problems[0] and "scores.people" in problems[0]
        assert "2025-Q4.toml:3" in problems[1] and "not valid TOML" in problems[1]
        assert row.last_quarter == "2025-Q3" and row.checkpoints == 2
        assert row.prev_quarter == "2025-Q1"  # the broken one in between is not used


def _full_way(store: PracticeStore, slug: str) -> list[str]:
    """The problems the practice's files give when read the full way, as when it is opened."""
    found: list[str] = []
    try:
        store.load_practice(slug)
    except DataError as exc:
        found.append(str(exc))
    except DataErrors as exc:
        found += [str(e) for e in exc.errors]
    found += [str(p) for p in store.load_checkpoints(slug)[1]]
    return found


BROKEN = {
    "2024-Q1.toml": b"\xff\xfe not UTF-8",
    "2024-Q2.toml": b'quarter = "2024-Q2"\ndate = 2024-06-20\n[scores\n',
    "2024-Q3.toml": b'quarter = "2024-Q3"\ndate = 2024-09-20\n\n[scores]\npeople = "sixty"\n',
    "2024-Q4.toml": b'quarter = "2024-Q4"\ndate = 1999-01-01\ncolour = 3\n[scores]\nlean = 500\n',
    "2025-Q4.toml": b'quarter = "2025-Q3"\ndate = 2025-09-20\n',
    "notes.toml": b'quarter = "2025-Q1"\ndate = 2025-03-20\n',
    "deep.toml": b"x = " + b"[" * 2000 + b"]" * 2000 + b"\n",
}


def test_the_list_gives_the_same_problems_as_opening_the_practice(store) -> None:
    folder = store.layout.checkpoints_dir("north-dental")
    for name, data in BROKEN.items():
        (folder / name).write_bytes(data)
    (folder / "2026-Q1.toml").mkdir()
    practice = store.layout.practice_file("north-dental")
    practice.write_text(
        practice.read_text(encoding="utf-8").replace("providers = 2", "providers = 0")
    )
    row = _row(store)
    assert [str(p) for p in row.problems] == _full_way(store, "north-dental")
    assert len(row.problems) >= len(BROKEN) + 2  # one file may have several problems
    assert any("practice.toml:" in str(p) and "providers" in str(p) for p in row.problems)
    assert any("is named 2025-Q4.toml" in str(p) for p in row.problems)
    assert any("2026-Q1.toml: is a folder" in str(p) for p in row.problems)
    # the three good checkpoints still make the row; the name falls back to the folder's
    assert (row.checkpoints, row.last_quarter, row.prev_quarter) == (3, "2025-Q3", "2025-Q2")
    assert row.name == "north-dental"
    cached = _row(store)
    assert [str(p) for p in cached.problems] == [str(p) for p in row.problems]


def test_rows_match_the_checkpoints_as_the_practice_screen_loads_them(tmp_path: Path) -> None:
    store = PracticeStore(tmp_path)
    slug = install_demo(store)
    checkpoints, _ = store.load_checkpoints(slug)
    # end the story at the latest quarter with a metric in red
    end = max(i for i, c in enumerate(checkpoints) if any(m.status == "red" for m in c.metric))
    for later in checkpoints[end + 1 :]:
        store.layout.checkpoint_file(slug, later.quarter).unlink()
    (row,) = store.summaries()
    checkpoints, problems = store.load_checkpoints(slug)
    last, before = checkpoints[-1], checkpoints[-2]
    assert row.red and last.quarter == checkpoints[end].quarter
    assert problems == [] and row.problems == [] and row.checkpoints == len(checkpoints)
    assert row.name == store.load_practice(slug).practice.name and row.demo
    assert (row.last_quarter, row.prev_quarter) == (last.quarter, before.quarter)
    assert row.agreement == last.scores.agreement and row.structure == last.scores.structure
    assert row.prev_lean == before.scores.lean and row.prev_people == before.scores.people
    assert row.red == [m.id for m in last.metric if m.status == "red"]

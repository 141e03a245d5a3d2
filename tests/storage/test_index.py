"""The cached practice list: a second opening reads no unchanged file, a changed file is
noticed, and the cache can be deleted or damaged without losing anything."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from store_samples import checkpoint, practice

from balancecoach.storage import store as store_module
from balancecoach.storage.index import INDEX_FILE, INDEX_VERSION
from balancecoach.storage.store import PracticeStore


@pytest.fixture
def store(tmp_path: Path) -> PracticeStore:
    s = PracticeStore(tmp_path)
    for name in ("North Dental", "South Dental"):
        p = practice()
        p.practice.name = name
        slug = s.create_practice(p)
        s.save_checkpoint(slug, checkpoint("2025-Q1"))
    return s


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    reads: list[str] = []
    real = store_module.PracticeStore.summary

    def counting(self, slug):
        reads.append(slug)
        return real(self, slug)

    monkeypatch.setattr(store_module.PracticeStore, "summary", counting)
    return reads


def test_second_listing_reads_nothing_unchanged(store, monkeypatch) -> None:
    first = store.summaries()
    reads = _count_reads(monkeypatch)
    again = store.summaries()
    assert reads == []
    assert [(r.slug, r.name, r.last_quarter, r.checkpoints) for r in again] == [
        (r.slug, r.name, r.last_quarter, r.checkpoints) for r in first
    ]


def test_a_changed_or_new_file_is_read_again(store, monkeypatch) -> None:
    store.summaries()
    reads = _count_reads(monkeypatch)
    store.save_checkpoint("north-dental", checkpoint("2025-Q2"))
    rows = {r.slug: r for r in store.summaries()}
    assert reads == ["north-dental"]
    assert rows["north-dental"].last_quarter == "2025-Q2"
    assert rows["south-dental"].last_quarter == "2025-Q1"


def test_a_file_edited_by_hand_to_be_bad_shows_its_problem(store) -> None:
    store.summaries()
    path = store.layout.practice_file("south-dental")
    path.write_text(path.read_text(encoding="utf-8") + "\nbroken = [\n", encoding="utf-8")
    rows = {r.slug: r for r in store.summaries()}
    assert rows["south-dental"].problems
    assert "not valid TOML" in str(rows["south-dental"].problems[0])
    again = {r.slug: r for r in store.summaries()}  # and the cached row keeps the problem
    assert str(again["south-dental"].problems[0]) == str(rows["south-dental"].problems[0])


def test_same_size_edit_with_new_mtime_is_noticed(store) -> None:
    store.summaries()
    path = store.layout.checkpoint_file("north-dental", "2025-Q1")
    text = path.read_text(encoding="utf-8")
    stat = path.stat()
    path.write_text(text.replace("answer", "answer"), encoding="utf-8")
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    removed_practice = store.layout.practice_dir("south-dental")
    for f in sorted(removed_practice.rglob("*"), reverse=True):
        f.unlink() if f.is_file() else f.rmdir()
    removed_practice.rmdir()
    assert [r.slug for r in store.summaries()] == ["north-dental"]


@pytest.mark.parametrize(
    "damage",
    [
        "",
        "{not json",
        '{"version": 999}',
        json.dumps(
            {"version": INDEX_VERSION, "practices": {"north-dental": {"files": 3, "row": 4}}}
        ),
        json.dumps({"version": INDEX_VERSION, "practices": []}),
    ],
)
def test_deleting_or_damaging_the_index_loses_nothing(store, damage: str) -> None:
    before = [(r.slug, r.name, r.last_quarter) for r in store.summaries()]
    index = store.root / INDEX_FILE
    if damage:
        index.write_text(damage, encoding="utf-8")
    else:
        index.unlink()
    assert [(r.slug, r.name, r.last_quarter) for r in store.summaries()] == before
    assert index.exists()

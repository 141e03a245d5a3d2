"""Drafts: unfinished work is saved after every change, resumed, listed, and removed only
when it is finished or discarded; a damaged draft is reported and kept."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from balancecoach.core.errors import DataError
from balancecoach.storage.drafts import DRAFT_SCHEMA, DraftStore
from balancecoach.storage.paths import Layout

ZONE = dt.timezone(dt.timedelta(hours=-5))


class Clock:
    """A clock that moves a minute every time it is read."""

    def __init__(self) -> None:
        self.now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=ZONE)

    def __call__(self) -> dt.datetime:
        self.now += dt.timedelta(minutes=1)
        return self.now


@pytest.fixture
def drafts(tmp_path: Path) -> DraftStore:
    return DraftStore(Layout(tmp_path), clock=Clock())


def test_a_saved_draft_loads_back(drafts: DraftStore) -> None:
    data = {
        "respondent": "doctor",
        "item_set": "full",
        "answers": {"MET-S1": 4, "MET-P1": 2},
        "skipped": ["CUL-S2"],
        "position": 7,
        "note": 'line one\nline "two"',
    }
    path = drafts.save("assessment", "smile-dental", data)
    assert path == drafts.layout.root / "drafts" / "assessment-smile-dental.toml"
    assert drafts.load("assessment", "smile-dental") == data
    saved = tomllib.loads(path.read_text(encoding="utf-8"))
    assert saved["schema_version"] == DRAFT_SCHEMA
    assert saved["kind"] == "assessment" and saved["practice"] == "smile-dental"
    assert saved["saved_at"] == dt.datetime(2026, 3, 2, 9, 1, tzinfo=ZONE)
    assert path.read_text(encoding="utf-8").startswith("# balancecoach draft")


def test_there_is_no_draft_until_one_is_saved(drafts: DraftStore) -> None:
    assert drafts.load("goal", "smile-dental") is None
    assert drafts.list() == []
    assert drafts.discard("goal", "smile-dental") is False


def test_a_save_after_every_change_keeps_the_latest(drafts: DraftStore) -> None:
    answers: dict[str, int] = {}
    for n, statement in enumerate(["MET-S1", "MET-P1", "TRT-S1", "TRT-P1"], start=1):
        answers[statement] = n
        drafts.save("assessment", "smile-dental", {"answers": answers})
    assert drafts.load("assessment", "smile-dental") == {
        "answers": {"MET-S1": 1, "MET-P1": 2, "TRT-S1": 3, "TRT-P1": 4}
    }
    [info] = drafts.list()
    assert info.saved_at == dt.datetime(2026, 3, 2, 9, 4, tzinfo=ZONE)
    folder = drafts.layout.root / "drafts"
    assert [p.name for p in folder.iterdir()] == ["assessment-smile-dental.toml"]  # no temps


def test_goal_inputs_half_typed_survive_with_dates_and_without_blanks(drafts: DraftStore) -> None:
    drafts.save(
        "goal",
        "smile-dental",
        {"effective": dt.date(2027, 1, 1), "overhead": {"payroll": 310000, "rent": None}},
    )
    assert drafts.load("goal", "smile-dental") == {
        "effective": dt.date(2027, 1, 1),
        "overhead": {"payroll": 310000},  # a field not typed yet is left out
    }


def test_list_shows_every_draft_newest_first(drafts: DraftStore) -> None:
    drafts.save("assessment", "smile-dental", {"answers": {"MET-S1": 4}})
    drafts.save("goal", "old-town", {"profit": 50000})
    drafts.save("checkpoint", "smile-dental", {"quarter": "2026-Q1"})
    rows = drafts.list()
    assert [(d.kind, d.slug) for d in rows] == [
        ("checkpoint", "smile-dental"),
        ("goal", "old-town"),
        ("assessment", "smile-dental"),
    ]
    assert all(d.problem is None and d.path.is_file() for d in rows)


def test_discard_after_finishing(drafts: DraftStore) -> None:
    drafts.save("assessment", "smile-dental", {"answers": {"MET-S1": 4}})
    drafts.save("assessment", "old-town", {"answers": {"MET-S1": 2}})
    assert drafts.discard("assessment", "smile-dental") is True
    assert drafts.load("assessment", "smile-dental") is None
    assert [(d.kind, d.slug) for d in drafts.list()] == [("assessment", "old-town")]


@pytest.mark.parametrize(
    ("damage", "field", "line"),
    [
        ("answers = {MET-S1 = 4\n", None, 1),
        ("\xff", None, 1),
        ('schema_version = 9\nkind = "assessment"\n', "schema_version", 1),
        ('schema_version = 1\nkind = "goal"\npractice = "smile-dental"\n', "kind", 2),
        (
            'schema_version = 1\nkind = "assessment"\npractice = "smile-dental"\n'
            "saved_at = 2026-03-02\n",
            "saved_at",
            4,
        ),
    ],
    ids=["syntax", "not text", "newer format", "wrong kind", "no time"],
)
def test_a_damaged_draft_is_reported_and_kept(
    drafts: DraftStore, damage: str, field: str | None, line: int | None
) -> None:
    path = drafts.folder / "assessment-smile-dental.toml"
    path.parent.mkdir(parents=True)
    raw = damage.encode("latin-1") if damage == "\xff" else damage.encode("utf-8")
    path.write_bytes(raw)
    with pytest.raises(DataError) as caught:
        drafts.load("assessment", "smile-dental")
    assert caught.value.source == path
    assert (caught.value.field, caught.value.line) == (field, line)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == raw  # never deleted or rewritten behind the person's back
    [info] = drafts.list()
    assert info.problem is not None and info.saved_at is None and info.path == path
    assert path.read_bytes() == raw
    drafts.discard("assessment", "smile-dental")  # only when the person says so
    assert not path.exists()


@pytest.mark.parametrize(
    ("kind", "slug", "message"),
    [
        ("survey", "smile-dental", "not a kind of draft"),
        ("goal", "../../etc", "not a practice folder name"),
        ("goal", "Smile Dental", "not a practice folder name"),
        ("goal", "", "not a practice folder name"),
    ],
)
def test_kind_and_practice_are_checked(
    drafts: DraftStore, kind: str, slug: str, message: str
) -> None:
    with pytest.raises(DataError, match=message):
        drafts.save(kind, slug, {"x": 1})
    with pytest.raises(DataError, match=message):
        drafts.load(kind, slug)
    assert not drafts.folder.exists()


def test_files_that_are_not_drafts_are_not_listed(drafts: DraftStore) -> None:
    drafts.save("goal", "smile-dental", {"profit": 1})
    for name in [".goal-smile-dental.toml.x1y2.tmp", "notes.toml", "survey-smile-dental.toml"]:
        (drafts.folder / name).write_text("whatever", encoding="utf-8")
    assert [(d.kind, d.slug) for d in drafts.list()] == [("goal", "smile-dental")]


def test_a_value_toml_cannot_hold_is_a_clear_error(drafts: DraftStore) -> None:
    with pytest.raises(DataError, match="cannot be saved"):
        drafts.save("goal", "smile-dental", {"when": object()})
    assert drafts.load("goal", "smile-dental") is None


def test_drafts_live_in_the_data_directory_of_a_store(tmp_path: Path) -> None:
    from balancecoach.storage.store import PracticeStore

    drafts = DraftStore(PracticeStore(tmp_path))
    path = drafts.save("goal", "smile-dental", {"profit": 50000})
    assert path.parent == tmp_path / "drafts"
    assert drafts.load("goal", "smile-dental") == {"profit": 50000}


# --- saving in the background ------------------------------------------------------------------


class Gate:
    """Holds the background writer inside its first write until opened, so a test can line
    up saves behind it."""

    def __init__(self, drafts: DraftStore) -> None:
        import threading

        self.entered = threading.Event()
        self.open = threading.Event()
        self.written: list[dict] = []
        write = drafts._write

        def gated(path, kind, slug, saved_at, data):
            self.entered.set()
            assert self.open.wait(10), "the gate was never opened"
            self.written.append(data)
            write(path, kind, slug, saved_at, data)

        drafts._write = gated  # type: ignore[method-assign]


def test_save_soon_writes_in_the_background_and_load_waits_for_it(drafts: DraftStore) -> None:
    gate = Gate(drafts)
    answers = {"s1": 4}
    drafts.save_soon("assessment", "smile-dental", {"answers": answers})
    assert gate.entered.wait(10)
    answers["s2"] = 5  # a change after the call is not in the draft: it was copied
    assert not drafts.flush(timeout=0.05), "the write is held at the gate"
    gate.open.set()
    assert drafts.load("assessment", "smile-dental") == {"answers": {"s1": 4}}


def test_saves_waiting_behind_a_write_keep_only_the_latest(drafts: DraftStore) -> None:
    gate = Gate(drafts)
    drafts.save_soon("assessment", "smile-dental", {"answers": {"s1": 1}})
    assert gate.entered.wait(10)
    for n in range(2, 6):
        drafts.save_soon("assessment", "smile-dental", {"answers": {"s1": n}})
    drafts.save_soon("goal", "smile-dental", {"fields": {"payroll": "1"}})
    gate.open.set()
    assert drafts.flush(timeout=10)
    # The first write, then only the newest of the four waiting, then the goal draft.
    assert gate.written == [
        {"answers": {"s1": 1}},
        {"answers": {"s1": 5}},
        {"fields": {"payroll": "1"}},
    ]
    assert drafts.load("assessment", "smile-dental") == {"answers": {"s1": 5}}


def test_discard_after_save_soon_leaves_no_draft_behind(drafts: DraftStore) -> None:
    gate = Gate(drafts)
    drafts.save_soon("assessment", "smile-dental", {"answers": {"s1": 1}})
    assert gate.entered.wait(10)
    drafts.save_soon("assessment", "smile-dental", {"answers": {"s1": 2}})
    gate.open.set()
    assert drafts.discard("assessment", "smile-dental") is True
    assert drafts.flush(timeout=10)
    assert drafts.load("assessment", "smile-dental") is None
    assert drafts.list() == []


def test_a_background_write_that_fails_is_reported(drafts: DraftStore, tmp_path: Path) -> None:
    reported: list[Exception] = []
    # The drafts folder cannot be made: a file is in its place.
    (tmp_path / "drafts").write_text("not a folder", encoding="utf-8")
    drafts.save_soon("assessment", "smile-dental", {"answers": {"s1": 1}}, reported.append)
    assert drafts.flush(timeout=10)
    assert len(reported) == 1 and isinstance(reported[0], DataError)
    assert "could not be saved" in str(reported[0])
    # Without someone to tell, the next flush raises it.
    drafts.save_soon("assessment", "smile-dental", {"answers": {"s1": 1}})
    with pytest.raises(DataError, match="could not be saved"):
        drafts.flush(timeout=10)
    assert drafts.flush(timeout=10), "a failure is raised once"


def test_a_value_toml_cannot_hold_is_refused_at_once(drafts: DraftStore) -> None:
    with pytest.raises(DataError, match="cannot be saved"):
        drafts.save("assessment", "smile-dental", {"answers": {"s1": object()}})

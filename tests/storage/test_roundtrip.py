"""Hand-written TOML survives the app's rewrites: comments, spacing and key order stay on
every line whose value did not change; what is saved loads back equal; a file that does
not load is never overwritten; an old practice.toml is migrated on its next save."""

from __future__ import annotations

import datetime as dt
import tempfile
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.records import Checkpoint, Practice, Quarter
from balancecoach.storage.store import PracticeStore

PRACTICE_TOML = """\
# Smile Dental -- kept by hand by Dr. Lee and Maria (office manager).
schema_version = 2   # do not change

[practice]
# the name on the door
name    =   "Smile Dental"     # as on the sign
created = 2025-01-06
providers = 2

# goals, newest last
[[goal]]
collection_rate = 0.97        # what we really collect
effective = 2025-01-01
doctor_compensation = 240_000
  [goal.overhead]
  payroll = 310000   # incl. hygienists
  rent    = 72000

[[metric]]
owner = "doctor"        # key order differs from the app's
id = "case_acceptance"
target = { kind = "at_least", value = 60 }   # agreed in January

[[metric]]
id = "overhead"
owner = "manager"
target = {kind="at_most",value=60}

[[plan]]
practice = "daily_huddle"
owner    = "team"
cadence  = "daily"
# the end: nothing below this line
"""

CHECKPOINT_TOML = """\
# First checkpoint, typed in at the January workshop.
schema_version = 1
quarter = "2025-Q1"      # the quarter
date    = 2025-03-28

[[respondent]]
role = "doctor"
  [respondent.answers]
  MET-S1 = 4    # "we review collections every month"
  MET-P1 = 2

[[respondent]]
role = "manager"
answers = { MET-S1 = 2, MET-P1 = 5 }

# practice totals only
[[metric]]
id = "case_acceptance"
inputs = { accepted = 31, presented = 50 }
value = 62

[[commitment]]
text = "Review collections monthly"   # Maria prepares the page
owner = "both"
status = "open"
# trailing comment
"""

OLD_PRACTICE_TOML = """\
# Written by hand in 2024, before goals had dates.
schema_version = 1

[practice]
name = "Old Town Dental"   # keep me
created = 2024-07-01

# the goal we agreed on
[goal]
collection_rate = 0.95   # about right
doctor_compensation = 250000
[goal.overhead]
payroll = 100000

[[plan]]
practice = "daily_huddle"   # every morning
owner = "team"
cadence = "daily"
"""


def write(store: PracticeStore, text: str, quarter: str | None = None) -> Path:
    path = (
        store.layout.checkpoint_file("smile", quarter)
        if quarter
        else store.layout.practice_file("smile")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    old, new = before.splitlines(), after.splitlines()
    assert len(old) == len(new), f"lines were added or removed:\n{after}"
    return [(a, b) for a, b in zip(old, new, strict=True) if a != b]


@pytest.fixture
def store(tmp_path: Path) -> PracticeStore:
    return PracticeStore(tmp_path)


# --- comments survive -------------------------------------------------------------------


def test_changing_one_value_keeps_every_other_line(store: PracticeStore) -> None:
    path = write(store, PRACTICE_TOML)
    practice = store.load_practice("smile")
    profile = practice.practice.model_copy(update={"providers": 3})
    store.save_practice("smile", practice.model_copy(update={"practice": profile}))
    assert changed_lines(PRACTICE_TOML, path.read_text()) == [("providers = 2", "providers = 3")]
    assert store.load_practice("smile").practice.providers == 3


def test_changing_an_inline_target_keeps_its_spacing_and_comment(store: PracticeStore) -> None:
    path = write(store, PRACTICE_TOML)
    practice = store.load_practice("smile")
    first = practice.metric[0]
    target = first.target.model_copy(update={"value": 65})
    metrics = [first.model_copy(update={"target": target}), practice.metric[1]]
    store.save_practice("smile", practice.model_copy(update={"metric": metrics}))
    assert changed_lines(PRACTICE_TOML, path.read_text()) == [
        (
            'target = { kind = "at_least", value = 60 }   # agreed in January',
            'target = { kind = "at_least", value = 65 }   # agreed in January',
        )
    ]


def test_saving_unchanged_is_byte_for_byte_identical(store: PracticeStore) -> None:
    path = write(store, PRACTICE_TOML)
    store.save_practice("smile", store.load_practice("smile"))
    assert path.read_text() == PRACTICE_TOML
    cp_path = write(store, CHECKPOINT_TOML, "2025-Q1")
    store.save_checkpoint("smile", store.load_checkpoints("smile")[0][0])
    assert cp_path.read_text() == CHECKPOINT_TOML


def test_checkpoint_change_keeps_comments_and_inline_tables(store: PracticeStore) -> None:
    path = write(store, CHECKPOINT_TOML, "2025-Q1")
    [checkpoint], problems = store.load_checkpoints("smile")
    assert problems == []
    doctor = checkpoint.respondent[0]
    doctor = doctor.model_copy(update={"answers": {**doctor.answers, "MET-S1": 5}})
    done = checkpoint.commitment[0].model_copy(update={"status": "done"})
    store.save_checkpoint(
        "smile",
        checkpoint.model_copy(
            update={"respondent": [doctor, checkpoint.respondent[1]], "commitment": [done]}
        ),
    )
    assert changed_lines(CHECKPOINT_TOML, path.read_text()) == [
        (
            '  MET-S1 = 4    # "we review collections every month"',
            '  MET-S1 = 5    # "we review collections every month"',
        ),
        ('status = "open"', 'status = "done"'),
    ]


def test_a_new_key_goes_after_the_tables_last_value(store: PracticeStore) -> None:
    """Not below the comment that introduces the next table, and defaults are not added."""
    path = write(store, PRACTICE_TOML)
    practice = store.load_practice("smile")
    profile = practice.practice.model_copy(update={"currency": "€"})
    plan = [practice.plan[0].model_copy(update={"note": "five minutes, standing"})]
    store.save_practice("smile", practice.model_copy(update={"practice": profile, "plan": plan}))
    text = path.read_text()
    assert 'providers = 2\ncurrency = "€"\n\n# goals, newest last\n[[goal]]' in text
    assert text.endswith('note = "five minutes, standing"\n# the end: nothing below this line\n')
    assert "demo" not in text and "debt_service" not in text  # defaults the person left out


def test_a_removed_entry_takes_its_comment_with_it(store: PracticeStore) -> None:
    path = write(store, PRACTICE_TOML)
    practice = store.load_practice("smile")
    store.save_practice("smile", practice.model_copy(update={"metric": practice.metric[1:]}))
    text = path.read_text()
    assert "agreed in January" not in text
    assert 'id = "overhead"\nowner = "manager"\ntarget = {kind="at_most",value=60}' in text
    assert [m.id for m in store.load_practice("smile").metric] == ["overhead"]


def test_a_new_entry_is_set_apart_by_blank_lines(store: PracticeStore) -> None:
    path = write(store, PRACTICE_TOML)
    practice = store.load_practice("smile")
    later = practice.goal[0].model_copy(update={"effective": dt.date(2026, 1, 1), "profit": 1})
    store.save_practice("smile", practice.model_copy(update={"goal": [practice.goal[0], later]}))
    text = path.read_text()
    assert "  rent    = 72000\n\n[[goal]]\neffective = 2026-01-01\n" in text
    assert "\nother = 0\n\n[[metric]]\n" in text
    assert store.load_practice("smile").goal_on(dt.date(2026, 2, 1)).profit == 1


# --- a file that does not load is never overwritten -------------------------------------


@pytest.mark.parametrize(
    ("broken", "line"),
    [
        (PRACTICE_TOML.replace("providers = 2", "providers = = 2"), 8),
        (PRACTICE_TOML.replace("providers = 2", "providers = 0"), 8),
        (PRACTICE_TOML.replace("created =", "creatd ="), 7),
    ],
    ids=["syntax error", "out of range", "misspelt key"],
)
def test_save_over_a_broken_practice_file_is_refused(
    store: PracticeStore, broken: str, line: int
) -> None:
    path = write(store, broken)
    before = path.read_bytes()
    with pytest.raises(DataError) as caught:
        store.save_practice("smile", Practice.model_validate(tomllib.loads(PRACTICE_TOML)))
    assert caught.value.source == path
    assert caught.value.line == line
    assert str(path) in str(caught.value)
    assert "nothing was saved" in str(caught.value) or "not changed" in str(caught.value)
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["practice.toml"]  # no lock, no temp


def test_save_over_a_broken_checkpoint_is_refused_in_a_session(store: PracticeStore) -> None:
    write(store, PRACTICE_TOML)
    path = write(store, CHECKPOINT_TOML.replace("MET-P1 = 5", "MET-P1 = 6"), "2025-Q1")
    before = path.read_bytes()
    with store.open("smile") as session:
        checkpoints, problems = session.load_checkpoints()
        assert checkpoints == []
        assert problems[0].source == path and problems[0].field == "respondent[1].answers.MET-P1"
        good = Checkpoint.model_validate(tomllib.loads(CHECKPOINT_TOML))
        with pytest.raises((DataError, DataErrors)) as caught:
            session.save_checkpoint(good)
    assert str(path) in str(caught.value)
    assert path.read_bytes() == before


# --- schema migration -------------------------------------------------------------------


def test_a_version_1_practice_is_migrated_on_its_next_save(store: PracticeStore) -> None:
    path = write(store, OLD_PRACTICE_TOML)
    practice = store.load_practice("smile")
    assert practice.schema_version == 2
    assert [g.effective for g in practice.goal] == [dt.date(2024, 7, 1)]  # the created date
    store.save_practice("smile", practice)
    text = path.read_text()
    data = tomllib.loads(text)
    assert data["schema_version"] == 2
    assert data["goal"] == [
        {
            "collection_rate": 0.95,
            "doctor_compensation": 250000,
            "effective": dt.date(2024, 7, 1),
            "overhead": {"payroll": 100000},
        }
    ]
    # the old [goal] became the first [[goal]] where it stood, its comments with it
    expected = OLD_PRACTICE_TOML.replace("schema_version = 1", "schema_version = 2")
    expected = expected.replace("[goal]", "[[goal]]")
    added = [line for line in text.splitlines() if line not in expected.splitlines()]
    assert added == ["effective = 2024-07-01"]
    assert [line for line in text.splitlines() if line not in added] == expected.splitlines()
    assert store.load_practice("smile") == practice


def test_a_version_1_practice_without_a_version_line_is_migrated(store: PracticeStore) -> None:
    path = write(store, OLD_PRACTICE_TOML.replace("schema_version = 1\n", ""))
    store.save_practice("smile", store.load_practice("smile"))
    text = path.read_text()
    assert tomllib.loads(text)["schema_version"] == 2
    assert "# the goal we agreed on\n[[goal]]" in text
    assert 'name = "Old Town Dental"   # keep me' in text


# --- load(save(x)) == x -----------------------------------------------------------------

text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40)
# Names have no control characters (the model refuses them); notes and texts may.
name = (
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=40)
    .map(str.strip)
    .filter(bool)
)
day = st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31))
money = st.one_of(st.integers(0, 10**9), st.floats(0, 1e9, allow_nan=False))
share = st.floats(0, 0.99, allow_nan=False)
score = st.one_of(st.none(), st.floats(0, 100, allow_nan=False))
owner = st.sampled_from(["doctor", "manager", "both", "team"])
ident = st.text("abcdefghijklmnopqrstuvwxyz_-0123456789", min_size=1, max_size=12)
key = st.one_of(ident, st.text(min_size=1, max_size=6))  # some keys need quoting in TOML


@st.composite
def targets(draw) -> dict:
    kind = draw(st.sampled_from(["at_least", "at_most", "range"]))
    a, b = sorted(draw(st.lists(money, min_size=2, max_size=2)))
    return {"kind": kind, "low": a, "high": b} if kind == "range" else {"kind": kind, "value": a}


@st.composite
def goals(draw) -> list[dict]:
    out = []
    for effective in draw(st.lists(day, max_size=3, unique=True)):
        goal = {
            "effective": effective,
            "overhead": {"payroll": draw(st.integers(1, 10**7)), "other": draw(money)},
            "doctor_compensation": draw(money),
        }
        if draw(st.booleans()):
            goal["collection_rate"] = 1 - draw(share)  # in (0, 1]
        else:
            goal["adjustment_rate"] = draw(share)  # in [0, 1)
        if draw(st.booleans()):
            goal["calendar"] = {"working_days": draw(st.integers(1, 366))}
        out.append(goal)
    return out


@st.composite
def practices(draw) -> Practice:
    metric_ids = draw(st.lists(ident, max_size=7, unique=True))
    return Practice.model_validate(
        {
            "practice": {
                "name": draw(name),
                "demo": draw(st.booleans()),
                "providers": draw(st.integers(1, 100)),
                "created": draw(st.none() | day),
                "currency": draw(st.sampled_from(["$", "€", "£", "CHF"])),
            },
            "goal": draw(goals()),
            "metric": [
                {"id": i, "owner": draw(owner), "target": draw(targets())} for i in metric_ids
            ],
            "plan": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "practice": ident,
                            "owner": owner,
                            "cadence": st.sampled_from(["daily", "monthly", "every_visit"]),
                            "note": text,
                        }
                    ),
                    max_size=3,
                )
            ),
        }
    )


@st.composite
def checkpoints(draw) -> Checkpoint:
    quarter = Quarter.of(draw(st.dates(dt.date(2001, 1, 1), dt.date(2099, 12, 31))))
    roles = draw(st.lists(st.sampled_from(["doctor", "manager", "coach"]), max_size=2, unique=True))
    answers = st.dictionaries(key, st.integers(1, 5), max_size=6)
    commitment = st.fixed_dictionaries(
        {"text": name.map(lambda s: s[:500]), "owner": owner},
        optional={
            "due": day,
            "status": st.sampled_from(["open", "done", "partly", "not"]),
            "note": text,
        },
    )
    return Checkpoint.model_validate(
        {
            "quarter": str(quarter),
            "date": quarter.start + dt.timedelta(days=draw(st.integers(0, 120))),
            "item_set": draw(st.sampled_from(["full", "pulse"])),
            "respondent": [
                {
                    "role": role,
                    "answers": draw(answers),
                    "working": draw(text),
                    "scores": draw(
                        st.none()
                        | st.fixed_dictionaries(
                            {
                                "structure": score,
                                "lean": st.floats(-100, 100, allow_nan=False),
                                "dimensions": st.dictionaries(
                                    key, st.fixed_dictionaries({"people": score}), max_size=3
                                ),
                            }
                        )
                    ),
                }
                for role in roles
            ],
            "scores": draw(st.none() | st.fixed_dictionaries({"people": score})),
            "metric": [
                {
                    "id": i,
                    "inputs": draw(st.dictionaries(ident, money, max_size=3)),
                    "value": draw(st.none() | st.floats(-1e6, 1e6, allow_nan=False)),
                    "target": draw(st.none() | targets()),
                }
                for i in draw(st.lists(ident, max_size=3, unique=True))
            ],
            "review": draw(st.lists(commitment, max_size=2)),
            "commitment": draw(st.lists(commitment, max_size=3)),
            "coach_notes": draw(text),
        }
    )


ROUND_TRIP = settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(first=practices(), second=practices())
def test_practice_round_trip(first: Practice, second: Practice) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = PracticeStore(Path(folder))
        store.save_practice("p", first)
        assert store.load_practice("p") == first
        store.save_practice("p", second)  # edits the first file in place
        assert store.load_practice("p") == second


@ROUND_TRIP
@given(first=checkpoints(), second=checkpoints())
def test_checkpoint_round_trip(first: Checkpoint, second: Checkpoint) -> None:
    second = second.model_copy(update={"quarter": first.quarter, "date": first.date})
    with tempfile.TemporaryDirectory() as folder:
        store = PracticeStore(Path(folder))
        store.save_checkpoint("p", first)
        assert store.load_checkpoints("p") == ([first], [])
        store.save_checkpoint("p", second)
        assert store.load_checkpoints("p") == ([second], [])


@ROUND_TRIP
@given(practice=practices(), checkpoint=checkpoints())
def test_any_record_saved_over_a_hand_written_file_loads_back(
    practice: Practice, checkpoint: Checkpoint
) -> None:
    checkpoint = checkpoint.model_copy(update={"quarter": "2025-Q1", "date": dt.date(2025, 3, 28)})
    with tempfile.TemporaryDirectory() as folder:
        store = PracticeStore(Path(folder))
        write(store, PRACTICE_TOML)
        write(store, CHECKPOINT_TOML, "2025-Q1")
        store.save_practice("smile", practice)
        store.save_checkpoint("smile", checkpoint)
        assert store.load_practice("smile") == practice
        assert store.load_checkpoints("smile") == ([checkpoint], [])

"""The workshop model (core/workshop.py): letters for hidden names, the agenda's timer,
the workshop file's rules, and the facilitator's prompts drawn from a practice's own
checkpoints."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.workshop import (
    Agenda,
    Segment,
    Workshop,
    WorkshopPractice,
    anonymous_name,
    clock_text,
    facilitator_prompts,
    letter,
)
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, demo_dir
from balancecoach.storage.store import PracticeStore
from balancecoach.storage.workshops import load_workshop

# --- letters --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("index", "expected"),
    [(0, "A"), (1, "B"), (25, "Z"), (26, "AA"), (27, "AB"), (51, "AZ"), (701, "ZZ"), (702, "AAA")],
)
def test_letters_run_like_spreadsheet_columns(index: int, expected: str) -> None:
    assert letter(index) == expected


def test_letters_are_distinct_and_the_anonymous_name_uses_them() -> None:
    letters = [letter(i) for i in range(1000)]
    assert len(set(letters)) == 1000
    assert anonymous_name(2) == "Practice C"


# --- the agenda's timer -----------------------------------------------------------------


def _agenda() -> Agenda:
    return Agenda([Segment(title="Welcome", minutes=10), Segment(title="Results", minutes=5)])


def test_the_countdown_runs_only_while_started() -> None:
    agenda = _agenda()
    assert not agenda.running
    assert agenda.remaining(50.0) == 600
    agenda.toggle(0.0)  # start
    assert agenda.running
    assert agenda.remaining(100.0) == 500
    agenda.toggle(100.0)  # pause
    assert not agenda.running
    assert agenda.remaining(400.0) == 500
    agenda.toggle(400.0)  # start again: the time spent so far is kept
    assert agenda.remaining(450.0) == 450


def test_moving_on_keeps_a_running_countdown_running() -> None:
    agenda = _agenda()
    agenda.toggle(0.0)
    assert agenda.next_segment is not None and agenda.next_segment.title == "Results"
    assert agenda.move(+1, 120.0)
    assert agenda.current == 1 and agenda.running
    assert agenda.next_segment is None
    assert agenda.remaining(180.0) == 300 - 60
    assert agenda.clocks[0].elapsed(10_000.0) == 120  # the segment left was paused
    assert not agenda.move(+1, 180.0)  # no segment after the last
    assert agenda.current == 1
    assert agenda.move(-1, 180.0)
    assert agenda.current == 0 and agenda.running
    assert agenda.remaining(200.0) == 600 - 120 - 20
    assert not agenda.move(-1, 200.0)


def test_moving_on_while_paused_stays_paused() -> None:
    agenda = _agenda()
    assert agenda.move(+1, 0.0)
    assert not agenda.running
    assert agenda.remaining(1000.0) == 300


def test_an_overrun_is_negative_time_left_and_adds_up() -> None:
    agenda = _agenda()
    agenda.toggle(0.0)
    assert agenda.total_overrun(600.0) == 0
    assert agenda.remaining(690.0) == -90  # 1:30 over the first segment's 10 minutes
    assert agenda.total_overrun(690.0) == 90
    agenda.move(+1, 690.0)
    assert agenda.remaining(1000.0) == 300 - 310
    assert agenda.total_overrun(1000.0) == 90 + 10


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [
        (0, "00:00"),
        (59.9, "00:59"),
        (65, "01:05"),
        (600, "10:00"),
        (3725, "1:02:05"),
        (-0.5, "00:01"),  # an overrun counts up from the first part of a second
        (-61, "01:01"),
        (-3600, "1:00:00"),
    ],
)
def test_clock_text(seconds: float, expected: str) -> None:
    assert clock_text(seconds) == expected


# --- the workshop file ------------------------------------------------------------------


def test_a_practice_is_named_by_slug_or_by_path() -> None:
    assert WorkshopPractice(slug="smile-dental").key == "smile-dental"
    assert WorkshopPractice(path="../other/practices/x").key == "../other/practices/x"


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({}, "give slug"),
        ({"slug": "a", "path": "b"}, "not both"),
        ({"slug": "other/practice"}, "use path"),
        ({"slug": "..\\up"}, "use path"),
        ({"slug": ".hidden"}, "use path"),
        ({"path": "a\0b"}, "NUL"),
        ({"slug": ""}, "at least 1 character"),
    ],
)
def test_a_practice_entry_that_is_not_valid_says_why(fields: dict, words: str) -> None:
    with pytest.raises(ValidationError) as info:
        WorkshopPractice(**fields)
    assert words in str(info.value)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "workshop.toml"
    path.write_text(text, encoding="utf-8")
    return path


AGENDA = '\n[[segment]]\ntitle = "Talk"\nminutes = 15\n'


def test_a_practice_named_twice_is_rejected_with_its_index_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        'title = "Cohort"\n\n[[practice]]\nslug = "a"\n\n[[practice]]\npath = "x"\n\n'
        '[[practice]]\nslug = "a"\n' + AGENDA,
    )
    with pytest.raises((DataError, DataErrors)) as info:
        load_workshop(path)
    text = str(info.value)
    assert f"{path}:9: practice[2]" in text
    assert "'a' takes part twice" in text


def test_a_workshop_needs_a_practice_and_a_segment(tmp_path: Path) -> None:
    with pytest.raises((DataError, DataErrors)) as info:
        load_workshop(_write(tmp_path, 'title = "Cohort"\npractice = []\n' + AGENDA))
    assert "practice" in str(info.value)
    with pytest.raises((DataError, DataErrors)) as info:
        load_workshop(_write(tmp_path, 'title = "Cohort"\n[[practice]]\nslug = "a"\n'))
    assert "segment" in str(info.value)


def test_a_segment_needs_a_known_flow_and_a_positive_time_box(tmp_path: Path) -> None:
    head = 'title = "Cohort"\n[[practice]]\nslug = "a"\n[[segment]]\ntitle = "Talk"\n'
    with pytest.raises((DataError, DataErrors)) as info:
        load_workshop(_write(tmp_path, head + 'minutes = 10\nflow = "lunch"\n'))
    assert "segment[0].flow" in str(info.value)
    with pytest.raises((DataError, DataErrors)) as info:
        load_workshop(_write(tmp_path, head + "minutes = 0\n"))
    assert "segment[0].minutes" in str(info.value)
    workshop = load_workshop(_write(tmp_path, head + "minutes = 7.5\n"))
    assert isinstance(workshop, Workshop)
    assert workshop.total_minutes == 7.5
    assert workshop.segment[0].flow == "none"


# --- the facilitator's prompts ----------------------------------------------------------


@pytest.fixture(scope="module")
def demo_history():
    checkpoints, problems = PracticeStore(demo_dir()).load_checkpoints(DEMO_SLUG)
    assert not problems
    return checkpoints


def test_divergence_prompts_quote_both_ratings_from_the_latest_shared_checkpoint(
    demo_history,
) -> None:
    content = load_content()
    prompts = facilitator_prompts(content, demo_history)
    divergences = [p for p in prompts if p.kind == "divergence"]
    assert divergences, "the demo's doctor and manager differ on some statements"
    latest = [c for c in demo_history if sum(1 for r in c.respondent if r.answers) == 2][-1]
    by_role = {r.role: r.answers for r in latest.respondent}
    by_text = {s.text: s.id for s in content.questions.statement}
    distance = {
        s: abs(by_role["doctor"][s] - by_role["manager"][s])
        for s in by_role["doctor"]
        if s in by_role["manager"]
    }
    quoted_ids = []
    for prompt in divergences:
        assert prompt.question
        quoted = prompt.detail.split("“", 1)[1].split("”", 1)[0]
        statement = by_text[quoted]
        quoted_ids.append(statement)
        doctor, manager = by_role["doctor"][statement], by_role["manager"][statement]
        assert prompt.detail.startswith(latest.quarter)
        assert f"doctor {doctor}, manager {manager}" in prompt.detail
        assert doctor != manager
    assert len(divergences) <= 5
    # the widest differences: no statement left out is further apart than one quoted
    left_out = [d for s, d in distance.items() if s not in quoted_ids]
    assert min(distance[s] for s in quoted_ids) >= max(left_out, default=0)


def test_recommendations_become_prompts_once_each(demo_history) -> None:
    prompts = facilitator_prompts(load_content(), demo_history)
    recommendations = [p for p in prompts if p.kind == "recommendation"]
    assert recommendations
    assert len({p.question for p in recommendations}) == len(recommendations)
    assert all(p.detail for p in recommendations), "each says which answers triggered it"


def test_unfinished_commitments_become_questions(demo_history) -> None:
    latest = demo_history[-1]
    review = list(latest.review)
    assert any(c.status == "partly" for c in review)
    # one more commitment, not done, to see that case too
    review.append(review[0].model_copy(update={"text": "Start the huddle", "status": "not"}))
    history = [*demo_history[:-1], latest.model_copy(update={"review": review})]
    prompts = [p for p in facilitator_prompts(load_content(), history) if p.kind == "commitment"]
    unfinished = [c for c in review if c.status in ("partly", "not")]
    assert len(prompts) == len(unfinished)
    for commitment, prompt in zip(unfinished, prompts, strict=True):
        done = "partly done" if commitment.status == "partly" else "not done"
        assert prompt.question.startswith(f"“{commitment.text}” was {done}:")
        assert f"owner: {commitment.owner}" in prompt.detail
        if commitment.note:
            assert commitment.note in prompt.detail


def test_no_checkpoint_no_prompts() -> None:
    assert facilitator_prompts(load_content(), []) == []

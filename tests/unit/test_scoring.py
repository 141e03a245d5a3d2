from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from balancecoach.core.content import Pole, QuestionBank, RecommendationBook
from balancecoach.core.errors import DataError
from balancecoach.core.scoring import (
    Culture,
    Quadrant,
    compare,
    item_score,
    quadrant,
    score_respondent,
)

DIMS = ("metrics", "treatment")


def _statement(dim: str, pole: str, n: int, reverse: bool) -> dict:
    return {
        "id": f"{dim[:3].upper()}-{pole[0].upper()}{n}",
        "dimension": dim,
        "pole": pole,
        "reverse": reverse,
        "text": f"{dim} {pole} statement {n}",
        "theme": "test",
        "source": "production-vs-patient-focus",
        "pulse": n == 1,
        "prompt": f"Talk about {dim} {pole} {n}",
    }


BANK = QuestionBank.model_validate(
    {
        "dimension": [{"id": d, "name": d.title(), "description": d} for d in DIMS],
        "statement": [
            _statement(d, pole, n, reverse=(n == 3))
            for d in DIMS
            for pole in ("structure", "people")
            for n in (1, 2, 3)
        ],
    }
)
BOOK = RecommendationBook.model_validate(
    {
        "recommendation": [
            {
                "dimension": d,
                "strengthen": pole,
                "title": f"Strengthen {pole} in {d}",
                "action": "Do a thing.",
                "source": "production-vs-patient-focus",
            }
            for d in DIMS
            for pole in ("structure", "people")
        ]
    }
)
IDS = [s.id for s in BANK.statement]


def toward(pole_high: Pole) -> dict[str, int]:
    """Answers that push fully toward one pole and fully away from the other."""
    out = {}
    for s in BANK.statement:
        toward_pole = s.pole == pole_high
        agree = toward_pole != s.reverse
        out[s.id] = 5 if agree else 1
    return out


def test_item_score_and_reverse_keying() -> None:
    s = BANK.by_id["MET-S1"]
    r = BANK.by_id["MET-S3"]
    assert [item_score(s, v) for v in range(1, 6)] == [0, 25, 50, 75, 100]
    assert [item_score(r, v) for v in range(1, 6)] == [100, 75, 50, 25, 0]


def test_all_structure_gives_plus_100_and_mirror_minus_100() -> None:
    prod = score_respondent(BANK, BOOK, "doctor", toward(Pole.STRUCTURE))
    pat = score_respondent(BANK, BOOK, "manager", toward(Pole.PEOPLE))
    assert prod.overall.lean == 100
    assert prod.overall.quadrant is Quadrant.PRODUCTION
    assert pat.overall.lean == -100
    assert pat.overall.quadrant is Quadrant.PATIENT
    assert prod.culture.kind is Culture.FEAR
    assert pat.culture.kind is Culture.UNCERTAINTY


def test_agreeing_with_everything_does_not_produce_a_pole() -> None:
    s = score_respondent(BANK, BOOK, "doctor", dict.fromkeys(IDS, 5))
    # Reverse-keyed statements pull the score back: 2 of 3 items at 100, 1 at 0 per pole.
    assert s.overall.structure == pytest.approx(200 / 3)
    assert s.overall.lean == 0


def test_recommendations_follow_the_lean_and_name_their_triggers() -> None:
    prod = score_respondent(BANK, BOOK, "doctor", toward(Pole.STRUCTURE))
    assert prod.recommendations
    assert {r.strengthen for r in prod.recommendations} == {Pole.PEOPLE}
    first = prod.recommendations[0]
    triggered = {t.statement_id for t in first.triggers}
    assert "MET-P1" in triggered or "TRE-P1" in triggered
    assert all(t.rating in (1, 5) for t in first.triggers)
    pat = score_respondent(BANK, BOOK, "manager", toward(Pole.PEOPLE))
    assert {r.strengthen for r in pat.recommendations} == {Pole.STRUCTURE}


def test_integrated_practice_gets_alignment_and_no_recommendation() -> None:
    answers = {s.id: (1 if s.reverse else 5) for s in BANK.statement}
    s = score_respondent(BANK, BOOK, "doctor", answers)
    assert s.overall.quadrant is Quadrant.INTEGRATED
    assert s.culture.kind is Culture.ALIGNMENT
    assert s.recommendations == []


def test_drifting_dimension_gets_a_recommendation() -> None:
    answers = dict.fromkeys(IDS, 3)
    s = score_respondent(BANK, BOOK, "doctor", answers)
    assert s.overall.quadrant is Quadrant.DRIFTING
    assert len(s.recommendations) == len(DIMS)
    assert all("both poles are low" in r.reason for r in s.recommendations)


def test_partial_answers_are_scored_on_what_was_answered() -> None:
    s = score_respondent(BANK, BOOK, "doctor", {"MET-S1": 5, "MET-P1": 1})
    assert s.answered == 2
    assert s.coverage == pytest.approx(2 / 12)
    assert s.overall.lean == 100
    assert s.dimensions["treatment"].structure is None
    assert s.dimensions["treatment"].lean is None


def test_no_answers_gives_no_position() -> None:
    s = score_respondent(BANK, BOOK, "doctor", {})
    assert s.overall.quadrant is None
    assert s.culture is None
    assert s.coverage == 0


def test_pulse_subset_counts_only_pulse_statements() -> None:
    s = score_respondent(BANK, BOOK, "doctor", {"MET-S1": 4}, asked=BANK.pulse())
    assert s.asked == 4
    assert s.answered == 1


@pytest.mark.parametrize(
    ("bad", "fragment"),
    [
        ({"NOPE": 3}, "unknown statement"),
        ({"MET-S1": 6}, "1 to 5"),
        ({"MET-S1": 2.5}, "1 to 5"),
        ({"MET-S1": True}, "1 to 5"),
    ],
)
def test_bad_answers_are_rejected(bad: dict, fragment: str) -> None:
    with pytest.raises(DataError, match=fragment):
        score_respondent(BANK, BOOK, "doctor", bad)


def test_quadrant_thresholds() -> None:
    assert quadrant(60, 60) is Quadrant.INTEGRATED
    assert quadrant(60, 59.9) is Quadrant.PRODUCTION
    assert quadrant(10, 90) is Quadrant.PATIENT
    assert quadrant(59, 59) is Quadrant.DRIFTING


def test_comparison_ranks_the_widest_differences_as_prompts() -> None:
    a_answers = toward(Pole.STRUCTURE)
    b_answers = dict(a_answers, **{"MET-S1": 1, "TRE-P2": 3})
    a = score_respondent(BANK, BOOK, "doctor", a_answers)
    b = score_respondent(BANK, BOOK, "manager", b_answers)
    c = compare(BANK, a, a_answers, b, b_answers)
    assert c.shared == len(IDS)
    assert [p.statement_id for p in c.prompts] == ["MET-S1", "TRE-P2"]
    assert c.prompts[0].rating_a == 5 and c.prompts[0].rating_b == 1
    assert c.prompts[0].question == "Talk about metrics structure 1"
    assert c.agreement == pytest.approx(100 - (4 + 2) / 12 * 25)
    met = next(d for d in c.dimensions if d.dimension == "metrics")
    assert met.structure == pytest.approx(100 / 3)


ratings = st.dictionaries(st.sampled_from(IDS), st.integers(1, 5))


@given(ratings)
def test_scores_stay_in_bounds(answers: dict[str, int]) -> None:
    s = score_respondent(BANK, BOOK, "doctor", answers)
    for ps in [s.overall, *s.dimensions.values()]:
        for v in (ps.structure, ps.people):
            assert v is None or 0 <= v <= 100
        assert ps.lean is None or -100 <= ps.lean <= 100
    assert 0 <= s.coverage <= 1
    assert s.answered == len(answers)


@given(ratings, ratings)
def test_swapping_respondents_mirrors_every_divergence(a: dict, b: dict) -> None:
    sa = score_respondent(BANK, BOOK, "doctor", a)
    sb = score_respondent(BANK, BOOK, "manager", b)
    ab = compare(BANK, sa, a, sb, b)
    ba = compare(BANK, sb, b, sa, a)
    assert [i.difference for i in ab.items] == [-i.difference for i in ba.items]
    for x, y in zip(ab.dimensions, ba.dimensions, strict=True):
        for f in ("structure", "people", "lean"):
            vx, vy = getattr(x, f), getattr(y, f)
            assert (vx is None and vy is None) or vx == pytest.approx(-vy)
    assert ab.agreement == ba.agreement
    assert [p.statement_id for p in ab.prompts] == [p.statement_id for p in ba.prompts]
    assert ab.agreement is None or 0 <= ab.agreement <= 100


@given(ratings)
def test_identical_answers_agree_fully(a: dict) -> None:
    s = score_respondent(BANK, BOOK, "doctor", a)
    c = compare(BANK, s, a, s, a)
    assert c.prompts == []
    assert c.agreement in (None, 100)

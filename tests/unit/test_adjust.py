"""Adjusting the goal and the scoreboard during a revisit: what changes in practice.toml
and what stays, as data (core/revisit.py adjust_practice)."""

from __future__ import annotations

import datetime as dt

from balancecoach.core.goals import GoalInputs
from balancecoach.core.metrics import MetricTarget
from balancecoach.core.records import Practice
from balancecoach.core.revisit import adjust_practice, revisit_checkpoint
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, demo_dir
from balancecoach.storage.store import PracticeStore
from balancecoach.tui.screens.goal import fields_from_goal, read_goal_fields

TODAY = dt.date(2026, 11, 24)


def demo() -> Practice:
    return PracticeStore(demo_dir()).load_practice(DEMO_SLUG)


def as_typed(practice: Practice, **changes: str) -> GoalInputs:
    """The goal in effect, through the goal form, with some boxes retyped."""
    goal = practice.goal_on(TODAY)
    assert goal is not None
    reading = read_goal_fields({**fields_from_goal(goal), **changes}, TODAY)
    assert reading.inputs is not None, reading
    return reading.inputs


def test_the_goal_in_effect_read_back_through_the_form_changes_nothing() -> None:
    practice = demo()
    assert adjust_practice(practice, TODAY, goal=as_typed(practice)) is None
    board = [m.model_copy(update={"since": None}) for m in practice.metric]
    assert adjust_practice(practice, TODAY, metrics=board) is None


def test_a_changed_goal_is_added_with_todays_date_and_the_earlier_ones_stay() -> None:
    practice = demo()
    adjusted = adjust_practice(practice, TODAY, goal=as_typed(practice, payroll="330k"))
    assert adjusted is not None and adjusted.goal is not None
    assert [g.effective for g in adjusted.practice.goal] == [
        *[g.effective for g in practice.goal],
        TODAY,
    ]
    assert adjusted.practice.goal[:-1] == practice.goal
    new, old = adjusted.practice.goal[-1], practice.goal_on(TODAY)
    assert new.overhead.payroll == 330_000
    assert new.calendar == old.calendar  # weeks × days a week kept as written
    assert new.collection_rate == old.collection_rate
    assert adjusted.practice.goal_on(dt.date(2025, 6, 30)) == old
    assert adjusted.changed_metrics == ()


def test_adjusting_twice_on_one_day_replaces_that_days_goal() -> None:
    practice = demo()
    first = adjust_practice(practice, TODAY, goal=as_typed(practice, payroll="330k"))
    assert first is not None
    second = adjust_practice(first.practice, TODAY, goal=as_typed(practice, payroll="340k"))
    assert second is not None
    assert len(second.practice.goal) == len(practice.goal) + 1
    assert second.practice.goal_on(TODAY).overhead.payroll == 340_000


def test_changed_working_days_replace_the_weeks_and_days_a_week() -> None:
    practice = demo()
    adjusted = adjust_practice(practice, TODAY, goal=as_typed(practice, working_days="200"))
    assert adjusted is not None
    calendar = adjusted.practice.goal[-1].calendar
    assert calendar.working_days == 200 and calendar.weeks is None


def test_a_changed_target_is_dated_today_and_the_rest_of_the_scoreboard_is_untouched() -> None:
    practice = demo()
    board = list(practice.metric)
    board[0] = board[0].model_copy(
        update={"target": MetricTarget(kind="at_least", value=99), "since": None}
    )
    adjusted = adjust_practice(practice, TODAY, metrics=board)
    assert adjusted is not None and adjusted.goal is None
    assert adjusted.changed_metrics == (board[0].id,)
    assert adjusted.practice.metric[0].since == TODAY
    assert adjusted.practice.metric[1:] == practice.metric[1:]
    assert adjusted.practice.goal == practice.goal


def test_a_dropped_metric_counts_as_a_change() -> None:
    practice = demo()
    adjusted = adjust_practice(practice, TODAY, metrics=list(practice.metric[:-1]))
    assert adjusted is not None
    assert adjusted.changed_metrics == (practice.metric[-1].id,)
    assert [m.id for m in adjusted.practice.metric] == [m.id for m in practice.metric[:-1]]


def test_updating_a_quarter_keeps_the_goal_it_was_first_scored_against() -> None:
    content = load_content()
    practice = demo()
    first = revisit_checkpoint(content, practice, "2026-Q4", TODAY)
    assert first.goal_effective == dt.date(2025, 1, 1)
    adjusted = adjust_practice(practice, TODAY, goal=as_typed(practice, payroll="330k"))
    assert adjusted is not None
    later = TODAY + dt.timedelta(days=3)
    again = revisit_checkpoint(content, adjusted.practice, "2026-Q4", later, existing=first)
    assert again.goal_effective == dt.date(2025, 1, 1)
    fresh = revisit_checkpoint(content, adjusted.practice, "2026-Q4", later)
    assert fresh.goal_effective == TODAY

"""find_line: the line a field path points at in TOML text, so a message can name it. A
key belongs to the table whose header is the nearest above it: a top-level key is only
looked for above the first header, a table's key only inside that table (not in the next
table, nor in a sub-table of its own)."""

from __future__ import annotations

import tomllib

import pytest

from balancecoach.storage.toml_read import find_line

WORKSHOP = """\
schema_version = 1
# the workshop's own keys come first
date = 2026-11-24

[[segment]]  # the first segment
title = "Welcome"
minutes = 10

[[segment]]
title = "Scores"
target.kind = "at_least"
target.value = 70

[segment.notes]
minutes = 5
"""


def test_the_text_is_toml() -> None:
    assert tomllib.loads(WORKSHOP)["segment"][1]["target"] == {"kind": "at_least", "value": 70}


@pytest.mark.parametrize(
    ("loc", "line"),
    [
        (("schema_version",), 1),
        (("date",), 3),
        # a top-level title is missing: a segment's title is not it
        (("title",), None),
        (("segment",), 5),
        (("segment", 0), 5),
        (("segment", 0, "title"), 6),
        (("segment", 1, "title"), 10),
        (("segment", 0, "minutes"), 7),
        # the second segment has no minutes of its own: its sub-table's are not them
        (("segment", 1, "minutes"), 9),
        (("segment", 1, "notes"), 14),
        (("segment", 1, "notes", "minutes"), 15),
        # the first segment has no notes: the second one's are not its
        (("segment", 0, "notes", "minutes"), 5),
        # dotted keys: the longest name that is set, else the first key below it
        (("segment", 1, "target"), 11),
        (("segment", 1, "target", "kind"), 11),
        (("segment", 1, "target", "value"), 12),
        (("segment", 1, "target", "high"), 11),
        # an index past the headers there are: the first one (best effort)
        (("segment", 5, "title"), 6),
    ],
)
def test_each_key_is_looked_for_in_its_own_table(loc, line) -> None:
    assert find_line(WORKSHOP, loc) == line


def test_a_top_level_key_below_a_header_belongs_to_that_table() -> None:
    text = 'schema_version = 1\n\n[practice]\nname = "A"\ntitle = "B"\n'
    assert find_line(text, ("title",)) is None
    assert find_line(text, ("practice", "title")) == 5


def test_a_table_key_is_not_taken_from_the_next_table_or_a_sub_table() -> None:
    text = (
        "[practice]\n"  # 1
        "providers = 2\n"  # 2
        "[practice.calendar]\n"  # 3
        'name = "not the practice name"\n'  # 4
        "[other]\n"  # 5
        'name = "nor this"\n'  # 6
    )
    assert tomllib.loads(text)["practice"]["calendar"]["name"]
    assert find_line(text, ("practice", "name")) == 1  # missing: the table's header
    assert find_line(text, ("practice", "providers")) == 2
    assert find_line(text, ("practice", "calendar", "name")) == 4
    assert find_line(text, ("other", "name")) == 6


def test_arrays_of_tables_nested_in_arrays_of_tables() -> None:
    text = (
        "[[respondent]]\n"  # 1
        'role = "doctor"\n'  # 2
        "[respondent.answers]\n"  # 3
        "s01 = 3\n"  # 4
        "[[respondent]]\n"  # 5
        'role = "manager"\n'  # 6
        "[respondent.answers]\n"  # 7
        "s02 = 4\n"  # 8
    )
    assert tomllib.loads(text)["respondent"][1]["answers"] == {"s02": 4}
    assert find_line(text, ("respondent", 0, "answers", "s01")) == 4
    assert find_line(text, ("respondent", 1, "answers", "s02")) == 8
    assert find_line(text, ("respondent", 1, "answers", "s01")) == 7
    assert find_line(text, ("respondent", 1, "role")) == 6


def test_inline_tables_and_arrays_point_at_their_key() -> None:
    text = (
        'target = {kind = "at_least", value = 70}\n'  # 1
        "grid = [\n"  # 2
        "  [1, 2],\n"  # 3
        "  [3, 4]\n"  # 4
        "]\n"  # 5
        'title = "after an array whose lines start with ["\n'  # 6
        "[table]\n"  # 7
    )
    assert tomllib.loads(text)["grid"] == [[1, 2], [3, 4]]
    assert find_line(text, ("target", "value")) == 1
    assert find_line(text, ("grid", 1, 0)) == 2
    assert find_line(text, ("title",)) == 6


def test_quoted_keys_and_names_that_only_start_alike() -> None:
    text = (
        'titles = "not the title"\n'  # 1
        '"title" = "T"\n'  # 2
        "'date' = 2026-11-24\n"  # 3
        "[metrics]\n"  # 4
        'id = "not the metric"\n'  # 5
        "[[metric]]\n"  # 6
        'id = "m"\n'  # 7
    )
    assert tomllib.loads(text)["title"] == "T"
    assert find_line(text, ("title",)) == 2
    assert find_line(text, ("date",)) == 3
    assert find_line(text, ("metric", 0, "id")) == 7
    assert find_line(text, ("metrics", "id")) == 5


def test_nothing_to_find() -> None:
    assert find_line("", ("title",)) is None
    assert find_line("[a]\nx = 1\n", ("b", "x")) is None

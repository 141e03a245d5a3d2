"""The text-drawn quadrant chart: where points land, what it says, and that it fits."""

from __future__ import annotations

import pytest

from balancecoach.tui.widgets.quadrant import (
    LeanRow,
    QuadrantPoint,
    draw_lean_strips,
    draw_quadrant,
)


def plot_of(lines: list[str]) -> tuple[int, int]:
    """The row and column of the line crossing (the ┼ where both scores reach 60)."""
    row = next(n for n, line in enumerate(lines) if "┼" in line)
    return row, lines[row].index("┼")


def where(lines: list[str], marker: str) -> tuple[int, int]:
    """Row and column of a marker inside the frame (not in the legend)."""
    hits = [
        (n, line.index(marker, 5))
        for n, line in enumerate(lines)
        if marker in line[5:] and "│" in line
    ]
    assert len(hits) == 1, (marker, hits)
    return hits[0]


@pytest.mark.parametrize(
    ("structure", "people", "right", "above"),
    [
        (80, 20, True, False),  # production-leaning
        (20, 80, False, True),  # patient-leaning
        (80, 80, True, True),  # integrated
        (20, 20, False, False),  # drifting
        (60, 60, True, True),  # 60 is high on both axes
        (59.9, 59.9, False, False),
        (0, 0, False, False),
        (100, 100, True, True),
    ],
)
def test_a_point_lands_in_its_quadrant(structure, people, right, above) -> None:
    lines = draw_quadrant([QuadrantPoint("X", "x", structure, people)], 44, 16).plain.splitlines()
    line_row, line_col = plot_of(lines)
    row, col = where(lines, "X")
    assert (col > line_col) is right
    assert (row < line_row) is above


@pytest.mark.parametrize("size", [(30, 12), (44, 16), (90, 26), (150, 40)])
def test_it_fits_the_size_it_is_given(size) -> None:
    width, height = size
    points = [
        QuadrantPoint("D", "Doctor", 68, 20),
        QuadrantPoint("M", "Office manager", 29, 74, "second"),
        QuadrantPoint("◆", "Practice average", 48, 47, "average"),
    ]
    lines = draw_quadrant(points, width, height).plain.splitlines()
    assert len(lines) <= height
    assert all(len(line) <= width for line in lines)
    legend = " ".join(lines[-2:])
    assert "D Doctor" in legend and "◆ Practice average" in legend


def test_the_four_regions_are_named_and_markers_never_hide_a_name() -> None:
    points = [
        QuadrantPoint("D", "Doctor", 100, 0),  # the corner where "production-leaning" sits
        QuadrantPoint("M", "Office manager", 0, 100),
    ]
    text = draw_quadrant(points, 60, 20).plain
    for name in ("integrated", "patient-leaning", "drifting"):
        assert name in text
    assert "production-leaning" in text or ("production-" in text and "leaning" in text)
    assert "D" in text and "M" in text


def test_points_in_the_same_cell_both_show() -> None:
    points = [QuadrantPoint("D", "Doctor", 70, 30), QuadrantPoint("M", "Manager", 70, 30)]
    lines = draw_quadrant(points, 44, 16).plain.splitlines()
    d_row, d_col = where(lines, "D")
    m_row, m_col = where(lines, "M")
    assert d_row == m_row and abs(d_col - m_col) == 1


def test_the_scale_marks_0_60_and_100() -> None:
    lines = draw_quadrant([], 44, 16).plain.splitlines()
    bottom = next(n for n, line in enumerate(lines) if "└" in line)
    scale = lines[bottom + 1]
    assert scale.split()[0] == "0" and "60" in scale and scale.rstrip().endswith("100")
    assert "structure" in scale
    assert lines[0].startswith("people")


def test_lean_strips_put_each_lean_on_its_side_of_zero() -> None:
    rows = [
        LeanRow("Metrics", (("D", 83, "first"), ("M", -33, "second"))),
        LeanRow("Overall", (("D", 0, "first"), ("M", 0, "second"))),
    ]
    lines = draw_lean_strips(rows, 60).plain.splitlines()
    assert len(lines) == 4 and all(len(line) <= 60 for line in lines)
    assert lines[0].strip().startswith("◀ patient") and lines[0].endswith("production ▶")
    zero = lines[1].index("┼")
    metrics = lines[1]
    assert metrics.index("M") < zero < metrics.index("D")
    overall = lines[2]
    assert "D" in overall and "M" in overall  # same lean: both still show
    assert lines[3].split() == ["−100", "0", "+100"]
    assert lines[3].index("0", lines[3].index("−100") + 4) == zero


def test_a_missing_lean_draws_no_marker() -> None:
    lines = draw_lean_strips([LeanRow("Culture", (("D", None, "first"),))], 40).plain
    assert "D" not in lines.splitlines()[1]

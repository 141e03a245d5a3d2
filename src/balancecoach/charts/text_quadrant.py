"""A quadrant drawn with plain characters: structure across, people up, both 0–100, with
the lines where a score becomes high (core/scoring.py HIGH). Each point is a short marker
(a letter or two), so several practices fit on one chart; it needs no terminal library
and goes into Markdown, HTML or a text file as it is."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from balancecoach.core.scoring import HIGH, Quadrant

#: Columns before the frame, for the people scale ("100 ").
_LEFT = 4
#: The smallest plot (inside the frame) that still shows four regions.
MIN_PLOT = (21, 7)


@dataclass(frozen=True)
class Marker:
    """One position: the text drawn there and its structure and people scores."""

    text: str
    structure: float
    people: float


def _region_cells(total: int) -> tuple[int, int]:
    """Split `total` cells (one of them the line) in proportion to HIGH on 0–100."""
    low = max(1, round((total - 1) * HIGH / 100.0))
    return low, max(1, total - 1 - low)


def _cell(low_cells: int, high_cells: int, value: float) -> int:
    """The cell (0-based, from the low end) of a 0–100 value: the low part, one cell of
    line, then the high part."""
    value = max(0.0, min(100.0, value))
    if value < HIGH:
        return min(low_cells - 1, int(value / HIGH * low_cells))
    return low_cells + 1 + min(high_cells - 1, int((value - HIGH) / (100.0 - HIGH) * high_cells))


def _label_lines(text: str, width: int) -> list[str]:
    """A region's name on one line, or broken after its hyphen when it is too long."""
    if len(text) + 2 <= width or "-" not in text:
        return [text]
    head, tail = text.split("-", 1)
    return [head + "-", tail]


def draw_text_quadrant(markers: Sequence[Marker], width: int = 64, height: int = 21) -> str:
    """The chart as lines of text, `width` × `height` characters at most (or its minimum
    size when smaller): the people axis name, the framed plot, the structure scale.

    Markers are placed in the order given; one whose cells are taken moves sideways to the
    nearest free place in its row, so earlier markers keep their exact position."""
    plot_w = max(MIN_PLOT[0], width - _LEFT - 2)
    plot_h = max(MIN_PLOT[1], height - 4)
    left_w, right_w = _region_cells(plot_w)
    low_h, high_h = _region_cells(plot_h)
    line_col, line_row = left_w, high_h
    grid = [[" "] * plot_w for _ in range(plot_h)]
    for row in range(plot_h):
        grid[row][line_col] = "│"
    for col in range(plot_w):
        grid[line_row][col] = "┼" if col == line_col else "─"

    taken: set[tuple[int, int]] = set()
    placed: list[tuple[int, int, str]] = []
    for marker in markers:
        text = marker.text or "?"
        row = plot_h - 1 - _cell(low_h, high_h, marker.people)
        want = _cell(left_w, right_w, marker.structure)
        col = _free_column(row, want, len(text), plot_w, line_col, taken)
        for i in range(len(text)):
            taken.add((row, col + i))
        placed.append((row, col, text))

    top_rows, bottom_rows = line_row, plot_h - line_row - 1
    regions = (
        (Quadrant.PATIENT, True, 0, left_w, False),
        (Quadrant.INTEGRATED, True, line_col + 1, right_w, True),
        (Quadrant.DRIFTING, False, 0, left_w, False),
        (Quadrant.PRODUCTION, False, line_col + 1, right_w, True),
    )
    for quadrant, top, left, room, align_right in regions:
        lines = _label_lines(str(quadrant), room)
        if len(lines) > (top_rows if top else bottom_rows) or max(map(len, lines)) > room - 2:
            continue  # no room for the name: the scale still says where the region is
        outer = 0 if top else plot_h - len(lines)
        inner = line_row - len(lines) if top else line_row + 1
        for first in (outer, inner):
            spots = [
                (first + n, left + room - 1 - len(line) if align_right else left + 1, line)
                for n, line in enumerate(lines)
            ]
            # a marker in the way, or right beside the name, would read as part of it
            if any((r, c + i) in taken for r, c, line in spots for i in range(-1, len(line) + 1)):
                continue
            for r, c, line in spots:
                grid[r][c : c + len(line)] = list(line)
            break

    for row, col, text in placed:
        for i, char in enumerate(text):
            if 0 <= col + i < plot_w:
                grid[row][col + i] = char

    out = ["people"]
    out.append(
        f"{'100':>{_LEFT - 1}} ┌" + "─" * line_col + "┬" + "─" * (plot_w - line_col - 1) + "┐"
    )
    for row in range(plot_h):
        if row == line_row:
            label, left, right = f"{HIGH:.0f}", "├", "┤"
        else:
            label, left, right = "", "│", "│"
        out.append(f"{label:>{_LEFT - 1}} {left}{''.join(grid[row])}{right}")
    out.append(f"{'0':>{_LEFT - 1}} └" + "─" * line_col + "┴" + "─" * (plot_w - line_col - 1) + "┘")
    scale = [" "] * (_LEFT + plot_w + 2)

    def write(at: int, value: str) -> None:
        for i, char in enumerate(value):
            if 0 <= at + i < len(scale):
                scale[at + i] = char

    write(_LEFT, "0")
    write(_LEFT + line_col, f"{HIGH:.0f}")
    write(_LEFT + plot_w - 1, "100")
    name = "structure"
    if left_w >= len(name) + 6:
        write(_LEFT + 1 + (left_w - len(name)) // 2, name)
    out.append("".join(scale))
    return "\n".join(line.rstrip() for line in out)


def _free_column(
    row: int, want: int, size: int, plot_w: int, line_col: int, taken: set[tuple[int, int]]
) -> int:
    """The column nearest `want` where `size` cells of `row` are free and off the line,
    with a free cell either side so two markers never run together (without that space
    when the row is crowded); `want` itself, overlapping, when the row is full."""
    for gap in (1, 0):
        for shift in range(plot_w):
            for col in (want + shift, want - shift) if shift else (want,):
                if col < 0 or col + size > plot_w or line_col in range(col, col + size):
                    continue
                if all((row, c) not in taken for c in range(col - gap, col + size + gap)):
                    return col
    return max(0, min(want, plot_w - size))

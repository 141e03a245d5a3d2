"""A quadrant chart drawn with text: structure across, people up, both 0–100, with the
lines where a score becomes high. It redraws to whatever size it is given."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from balancecoach.core.scoring import HIGH, Quadrant

#: Rows and columns the chart needs around its plot area (axis labels, frame, legend).
_LEFT = 4  # "100 " before the frame
_MIN_PLOT = (11, 5)  # narrowest and shortest plot that still shows four regions


@dataclass(frozen=True)
class QuadrantPoint:
    """One position on the chart: a one-character marker and what it stands for."""

    marker: str
    label: str
    structure: float
    people: float
    #: Which of the chart's component styles draws it: "first", "second" or "average".
    kind: str = "first"


def _split(low_cells: int, high_cells: int, value: float) -> int:
    """The cell (0-based, from the low end) of a 0–100 value on an axis whose low part
    (below HIGH) has ``low_cells`` cells, then one cell of line, then ``high_cells``."""
    value = max(0.0, min(100.0, value))
    if value < HIGH:
        return min(low_cells - 1, int(value / HIGH * low_cells))
    return low_cells + 1 + min(high_cells - 1, int((value - HIGH) / (100.0 - HIGH) * high_cells))


def _region_cells(total: int) -> tuple[int, int]:
    """Split ``total`` plot cells (including the one for the line) in proportion to
    HIGH, so the line sits where 60 sits on a 0–100 scale."""
    low = max(1, round((total - 1) * HIGH / 100.0))
    high = max(1, total - 1 - low)
    return low, high


def _label_lines(text: str, width: int) -> list[str]:
    """A region's name, broken at its hyphen when it does not fit on one line."""
    if len(text) <= width:
        return [text]
    if "-" in text:
        head, tail = text.split("-", 1)
        return [(head + "-")[:width], tail[:width]]
    return [text[:width]]


class QuadrantChart(Widget):
    """Structure (across) against people (up), with a marker per point and a legend."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "quadrant--frame",
        "quadrant--axis",
        "quadrant--label",
        "quadrant--first",
        "quadrant--second",
        "quadrant--average",
    }

    def __init__(
        self,
        points: Sequence[QuadrantPoint],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.points = list(points)

    def render(self) -> Text:
        width, height = self.content_size
        return draw_quadrant(
            self.points,
            width,
            height,
            styles={name: self._style(name) for name in self.COMPONENT_CLASSES},
        )

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True, default=Style())


def draw_quadrant(
    points: Sequence[QuadrantPoint],
    width: int,
    height: int,
    styles: dict[str, Style] | None = None,
) -> Text:
    """The chart as text, ``width`` × ``height`` cells (or its minimum size if smaller).

    Rows, top to bottom: the people axis name, the frame with the plot, the structure
    scale, the legend."""
    styles = styles or {}

    def style(name: str) -> Style:
        return styles.get(f"quadrant--{name}", Style())

    plot_w = max(_MIN_PLOT[0], width - _LEFT - 2)
    legend = _legend_lines(points, max(width, plot_w + _LEFT + 2))
    plot_h = max(_MIN_PLOT[1], height - 4 - len(legend))
    left_w, right_w = _region_cells(plot_w)
    low_h, high_h = _region_cells(plot_h)
    line_col = left_w  # plot column of the vertical line
    line_row = high_h  # plot row (from the top) of the horizontal line

    # A grid of (character, style name) for the plot, frame included.
    grid_w, grid_h = plot_w + 2, plot_h + 2
    cells: list[list[tuple[str, str]]] = [[(" ", "")] * grid_w for _ in range(grid_h)]

    def put(row: int, col: int, char: str, kind: str) -> None:
        cells[row + 1][col + 1] = (char, kind)

    for col in range(-1, plot_w + 1):
        for row, (left, mid, right) in (
            (-1, ("┌", "┬", "┐")),
            (plot_h, ("└", "┴", "┘")),
            (line_row, ("├", "┼", "┤")),
        ):
            if col == -1:
                char = left
            elif col == plot_w:
                char = right
            elif col == line_col:
                char = mid
            else:
                char = "─"
            put(row, col, char, "frame")
    for row in range(plot_h):
        if row == line_row:
            continue
        put(row, -1, "│", "frame")
        put(row, line_col, "│", "frame")
        put(row, plot_w, "│", "frame")

    # Where the markers go; later ones move aside when a cell is already taken.
    placed: list[tuple[int, int, QuadrantPoint]] = []
    taken: set[tuple[int, int]] = set()
    for point in points:
        col = _split(left_w, right_w, point.structure)
        row = plot_h - 1 - _split(low_h, high_h, point.people)
        for shift in (0, 1, -1, 2, -2, 3, -3):
            c = col + shift
            if 0 <= c < plot_w and (row, c) not in taken and c != line_col:
                col = c
                break
        taken.add((row, col))
        placed.append((row, col, point))

    # Region names in the outer corners, or the inner ones when a marker is in the way.
    top_rows, bottom_rows = line_row, plot_h - line_row - 1
    regions = (
        (Quadrant.PATIENT, True, 0, left_w, False),
        (Quadrant.INTEGRATED, True, line_col + 1, right_w, True),
        (Quadrant.DRIFTING, False, 0, left_w, False),
        (Quadrant.PRODUCTION, False, line_col + 1, right_w, True),
    )
    for quadrant, top, left, room, align_right in regions:
        lines = _label_lines(str(quadrant), max(1, room - 2))
        rows_in_region = top_rows if top else bottom_rows
        if len(lines) > rows_in_region:
            continue
        first_row = 0 if top else line_row + 1
        outer = first_row if top else plot_h - len(lines)
        inner = line_row - len(lines) if top else line_row + 1
        for start_row in (outer, inner):
            spots = []
            for n, line in enumerate(lines):
                start = left + room - 1 - len(line) if align_right else left + 1
                spots.append((start_row + n, start, line))
            blocked = any(
                (row, start + i) in taken for row, start, line in spots for i in range(len(line))
            )
            if blocked:
                continue
            for row, start, line in spots:
                for i, char in enumerate(line):
                    put(row, start + i, char, "label")
            break

    for row, col, point in placed:
        put(row, col, point.marker, point.kind)

    text = Text(no_wrap=True, overflow="crop")
    text.append("people", style("axis"))
    text.append("\n")
    for r, line in enumerate(cells):
        plot_row = r - 1
        if plot_row == -1:
            label = "100"
        elif plot_row == line_row:
            label = f"{HIGH:.0f}"
        elif plot_row == plot_h:
            label = "0"
        else:
            label = ""
        text.append(f"{label:>{_LEFT - 1}} ", style("axis"))
        for char, kind in line:
            text.append(char, style(kind) if kind else Style())
        text.append("\n")

    # The structure scale under the frame: 0, 60 and 100 under their columns, and the
    # axis name in the middle of the (wider) low part when it fits.
    scale = [" "] * (grid_w + _LEFT)

    def write(at: int, value: str) -> None:
        for i, char in enumerate(value):
            if 0 <= at + i < len(scale):
                scale[at + i] = char

    write(_LEFT, "0")
    write(_LEFT + line_col + 1 - 1, f"{HIGH:.0f}")
    write(_LEFT + grid_w - 3, "100")
    name = "structure"
    if left_w >= len(name) + 6:
        write(_LEFT + 1 + (left_w - len(name)) // 2, name)
    text.append("".join(scale).rstrip(), style("axis"))

    for line in legend:
        text.append("\n")
        for n, point in enumerate(line):
            if n:
                text.append("  ")
            text.append(point.marker, style(point.kind))
            text.append(f" {point.label}")
    return text


def _legend_lines(points: Sequence[QuadrantPoint], width: int) -> list[list[QuadrantPoint]]:
    """The legend's entries, as many to a line as fit in ``width``."""
    lines: list[list[QuadrantPoint]] = []
    used = 0
    for point in points:
        if not point.label:
            continue  # a point the legend need not name (a table beside it does)
        size = len(point.marker) + 1 + len(point.label)
        if lines and used + 2 + size <= width:
            lines[-1].append(point)
            used += 2 + size
        else:
            lines.append([point])
            used = size
    return lines


@dataclass(frozen=True)
class LeanRow:
    """One line of a lean strip chart: a name and each respondent's lean (−100…+100)."""

    label: str
    leans: tuple[tuple[str, float | None, str], ...]  # (marker, lean, kind)


class LeanStrips(Widget):
    """Each dimension's lean on a line from −100 (patient-leaning) to +100
    (production-leaning), one marker per respondent, so the gaps are visible at a glance."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "quadrant--frame",
        "quadrant--axis",
        "quadrant--first",
        "quadrant--second",
        "quadrant--average",
    }

    def __init__(
        self,
        rows: Sequence[LeanRow],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.rows = list(rows)

    def render(self) -> Text:
        styles = {
            name: self.get_component_rich_style(name, partial=True, default=Style())
            for name in self.COMPONENT_CLASSES
        }
        return draw_lean_strips(self.rows, self.content_size.width, styles)


def draw_lean_strips(
    rows: Sequence[LeanRow], width: int, styles: dict[str, Style] | None = None
) -> Text:
    """The strips as text: a heading line, one line per row, and the −100/0/+100 scale."""
    styles = styles or {}

    def style(name: str) -> Style:
        return styles.get(f"quadrant--{name}", Style())

    label_w = max((len(r.label) for r in rows), default=0) + 1
    strip_w = max(21, width - label_w)
    if strip_w % 2 == 0:  # an odd width puts 0 on a cell of its own
        strip_w -= 1
    middle = strip_w // 2

    def col(lean: float) -> int:
        return round((max(-100.0, min(100.0, lean)) + 100.0) / 200.0 * (strip_w - 1))

    text = Text(no_wrap=True, overflow="crop")
    left, right = "◀ patient", "production ▶"
    head = left + " " * max(1, strip_w - len(left) - len(right)) + right
    text.append(" " * label_w + head, style("axis"))
    for row in rows:
        cells: list[tuple[str, str]] = [("─", "frame")] * strip_w
        cells[middle] = ("┼", "frame")
        taken: set[int] = set()
        for marker, lean, kind in row.leans:
            if lean is None:
                continue
            at = col(lean)
            for shift in (0, 1, -1, 2, -2):
                if 0 <= at + shift < strip_w and at + shift not in taken:
                    at += shift
                    break
            taken.add(at)
            cells[at] = (marker, kind)
        text.append("\n")
        text.append(f"{row.label:<{label_w}}")
        for char, kind in cells:
            text.append(char, style(kind))
    scale = [" "] * strip_w
    for value, at in (("−100", 0), ("0", middle), ("+100", strip_w - 4)):
        for i, char in enumerate(value):
            scale[at + i] = char
    text.append("\n" + " " * label_w + "".join(scale), style("axis"))
    return text

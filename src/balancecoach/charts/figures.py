"""Terminal figures of the progress series, drawn with plotext and returned as text.

Every function takes a series from core/series.py and a size, and returns the figure as a
string no wider than `width` and no taller than `height`: a title, the plot with quarter
labels along the x axis and units on the y axis, and a legend line under it. Without
`color` the text is plain (for files, reports and tests); with it, ANSI colours are kept
for a terminal. A series that cannot be drawn yet gives its reason instead of a plot.

plotext keeps one global figure, so drawing is serialised with a lock: a view may build its
charts in a worker thread.
"""

from __future__ import annotations

import math
import textwrap
import threading
from collections.abc import Callable, Sequence

import plotext as plt

from balancecoach.charts import DEFAULT_HEIGHT, DEFAULT_WIDTH, MIN_HEIGHT, MIN_WIDTH
from balancecoach.core.format import money, signed
from balancecoach.core.series import (
    DimensionSeries,
    FinancialSeries,
    LeanSeries,
    MetricTrend,
    QuadrantSeries,
    Series,
    quarter_index,
)

#: Marker and colour of each person; the practice average is ◆ as on the results screen.
MARKERS = {"doctor": "D", "manager": "M", "practice": "◆"}
EARLIER = {"doctor": "d", "manager": "m", "practice": "◇"}
COLORS = {"doctor": "cyan", "manager": "orange", "practice": "magenta"}
BAR_MARKERS = ("█", "▒", "░")
#: A metric point's marker and colour by its status against the target.
STATUS_MARKERS = {"green": "●", "amber": "▲", "red": "×"}
STATUS_WORDS = {"green": "on target", "amber": "close (within 10%)", "red": "off target"}
STATUS_COLORS = {"green": "green", "amber": "orange", "red": "red"}
TARGET_MARKER = "─"

_LOCK = threading.Lock()
#: Columns a quarter label needs on the x axis: "2026-Q3" and a gap plotext accepts.
_LABEL_COLUMNS = 9


# --- plumbing -----------------------------------------------------------------------------


def _start(width: int, height: int) -> None:
    plt.main()  # back to the whole figure, whatever the last chart left active
    plt.clear_figure()
    plt.limitsize(False, False)
    plt.plotsize(width, height)
    plt.theme("clear")


def _finish(color: bool) -> list[str]:
    text = plt.build()
    if not color:
        text = plt.uncolorize(text)
    return [line.rstrip() for line in text.splitlines()]


def _paint(text: str, color: str | None, enabled: bool) -> str:
    return plt.colorize(text, color) if enabled and color else text


def _center(lines: Sequence[str], width: int) -> list[str]:
    return [line.center(width).rstrip() for line in lines]


def _legend(entries: Sequence[tuple[str, str, str | None]], width: int, color: bool) -> list[str]:
    """The legend under a plot: "● on target   ▲ close …", wrapped to the width."""
    lines: list[str] = []
    plain_line, line = "", ""
    for marker, words, hue in entries:
        plain = f"{marker} {words}"
        if plain_line and len(plain_line) + 3 + len(plain) > width:
            lines.append(line)
            plain_line, line = "", ""
        if len(plain) > width:  # an entry longer than a line: wrap it under its marker
            parts = textwrap.wrap(words, width - 2) or [""]
            lines.append(_paint(marker, hue, color) + " " + parts[0])
            lines += ["  " + part for part in parts[1:]]
            continue
        sep = "   " if plain_line else ""
        plain_line += sep + plain
        line += sep + _paint(marker, hue, color) + " " + words
    if line:
        lines.append(line)
    return lines


def _fit(width: int, *titles: str) -> str:
    """The first title that fits the width (the last one, cut, when none does)."""
    for title in titles:
        if len(title) <= width - 2:
            return title
    return titles[-1][: max(width - 2, 1)]


def _wrap(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width) or [""]


def _too_small(series: Series, width: int, height: int) -> str | None:
    if width >= MIN_WIDTH and height >= MIN_HEIGHT:
        return None
    words = f"{series.title}: needs at least {MIN_WIDTH}×{MIN_HEIGHT} characters to draw."
    return "\n".join(_wrap(words, max(width, 10))[: max(height, 1)])


def empty_state(series: Series, width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT) -> str:
    """What stands in for a chart that cannot be drawn yet: its title and the reason."""
    width = max(width, 10)
    lines = [*_wrap(series.title, width), "", *_wrap(series.empty_reason or "", width)]
    return "\n".join(lines[: max(height, 1)])


Drawing = tuple[list[str], list[str]]  # the figure's lines, the quarter labels it should show


def _guarded(draw: Callable[[int], Drawing], height: int) -> str:
    """Draw under the lock. plotext leaves out an x label that would touch its neighbour,
    so when one is missing the figure is drawn again with fewer labels."""
    with _LOCK:
        for sparser in range(4):
            lines, names = draw(sparser)
            text = "\n".join(lines)
            if all(name in text for name in names):
                break
    return "\n".join(lines[:height])


# --- axes ---------------------------------------------------------------------------------


def _nice_step(span: float, count: int) -> float:
    raw = span / max(count, 1)
    if raw <= 0:
        return 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    for m in (1, 2, 2.5, 5, 10):
        if m * magnitude >= raw:
            return m * magnitude
    return 10 * magnitude


def _value_axis(
    values: Sequence[float],
    rows: int,
    floor: float | None = None,
    ceiling: float | None = None,
    keep: Sequence[float] = (),
) -> tuple[float, float, list[float]]:
    """Round limits and ticks around `values` (and `keep`), within floor and ceiling."""
    points = [*values, *keep]
    lo, hi = min(points), max(points)
    if hi - lo < 1e-9:
        pad = abs(hi) * 0.1 or 5.0
        lo, hi = lo - pad, hi + pad
    step = _nice_step(hi - lo, max(2, min(5, rows // 3)))
    lo = math.floor(lo / step) * step
    hi = math.ceil(hi / step) * step
    if floor is not None:
        lo = max(lo, floor)
    if ceiling is not None:
        hi = min(hi, ceiling)
    first = math.ceil(lo / step) * step
    ticks = []
    t = first
    while t <= hi + step * 1e-6:
        ticks.append(round(t, 6))
        t += step
    return lo, hi, ticks


def _quarter_axis(
    labels: Sequence[str], width: int, label_width: int = 6, sparser: int = 0
) -> tuple[list[int], list[int], list[str]]:
    """x positions of the quarters (gaps kept), and the ticks that fit: every quarter when
    there is room, else every second or third, always ending with the latest.
    `label_width` is the width of the y axis labels, which the plot area loses."""
    base = quarter_index(labels[0])
    xs = [quarter_index(q) - base + 1 for q in labels]
    spacing = max(width - label_width - 2, 10) / xs[-1]  # columns per quarter
    stride = max(1, math.ceil(_LABEL_COLUMNS / spacing)) + sparser
    ticks = [x for x in xs if (xs[-1] - x) % stride == 0]
    names = [labels[xs.index(x)] for x in ticks]
    return xs, ticks, names


def _line(
    xs: Sequence[int], ys: Sequence[float | None], marker: str, hue: str | None, color: bool
) -> None:
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
    if not pairs:
        return
    px, py = zip(*pairs, strict=True)
    kwargs = {"color": hue} if color and hue else {}
    plt.plot(list(px), list(py), marker=marker, **kwargs)


def _marked(
    xs: Sequence[int], ys: Sequence[float | None], marker: str, hue: str | None, color: bool
) -> None:
    """A thin dotted line through the points, each point drawn with its marker."""
    _line(xs, ys, "·", hue, color)
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if y is not None]
    _points([x for x, _ in pairs], [y for _, y in pairs], marker, hue, color)


def _points(xs: Sequence[float], ys: Sequence[float], marker: str, hue: str | None, color: bool):
    if not xs:
        return
    kwargs = {"color": hue} if color and hue else {}
    plt.scatter(list(xs), list(ys), marker=marker, **kwargs)


def _x_axis(xs: Sequence[int], ticks: Sequence[int], names: Sequence[str]) -> None:
    plt.xlim(0.5, xs[-1] + 0.5)
    plt.xticks(list(ticks), list(names))


def _y_axis(lo: float, hi: float, ticks: Sequence[float], fmt: Callable[[float], str]) -> None:
    plt.ylim(lo, hi)
    plt.yticks(list(ticks), [fmt(t) for t in ticks])


def _points_fmt(value: float) -> str:
    return f"{value:.0f}"


def _lean_fmt(value: float) -> str:
    return signed(value)


# --- lean trajectory ----------------------------------------------------------------------


def lean_chart(
    series: LeanSeries,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    color: bool = False,
) -> str:
    """Two panels over the same quarters: the practice's structure and people above, and
    the lean of the doctor, the manager and the practice below."""
    if series.empty:
        return empty_state(series, width, height)
    if small := _too_small(series, width, height):
        return small
    practice = series.trajectory("practice")
    people = [t for t in series.trajectories if t.who != "practice"]
    leans = [*people, *([practice] if practice else [])]
    legend = [
        ("S", "structure", "blue"),
        ("P", "people (practice)", "green"),
        *(
            (MARKERS.get(t.who, t.who[:1].upper()), f"{t.who} lean", COLORS.get(t.who))
            for t in leans
        ),
    ]
    legend_lines = _legend(legend, width, color)

    def draw(sparser: int) -> Drawing:
        plot_height = height - len(legend_lines)
        top = plot_height // 2
        xs, ticks, names = _quarter_axis(series.labels, width, 4, sparser)
        _start(width, plot_height)
        plt.subplots(2, 1)
        plt.subplot(1, 1)
        plt.plotsize(width, top)
        plt.title(_fit(width, "Practice structure and people (0–100)", "Structure and people"))
        scores = [
            v
            for v in [
                *(practice.structure if practice else []),
                *(practice.people if practice else []),
            ]
            if v is not None
        ]
        lo, hi, yt = _value_axis(scores or [50.0], top - 4, 0, 100)
        if practice:
            _marked(xs, practice.structure, "S", "blue", color)
            _marked(xs, practice.people, "P", "green", color)
        _x_axis(xs, ticks, names)
        _y_axis(lo, hi, yt, _points_fmt)
        plt.subplot(2, 1)
        plt.plotsize(width, plot_height - top)
        plt.title(
            _fit(
                width,
                "Lean = structure − people (+ production-leaning, − patient-leaning)",
                "Lean = structure − people",
                "Lean",
            )
        )
        values = [v for t in leans for v in t.lean if v is not None]
        lo, hi, yt = _value_axis(values, plot_height - top - 4, -100, 100, keep=(0.0,))
        plt.hline(0)
        for t in leans:
            _marked(xs, t.lean, MARKERS.get(t.who, t.who[:1].upper()), COLORS.get(t.who), color)
        _x_axis(xs, ticks, names)
        _y_axis(lo, hi, yt, _lean_fmt)
        return [*_finish(color), *legend_lines], names

    return _guarded(draw, height)


# --- quadrant -----------------------------------------------------------------------------


def quadrant_chart(
    series: QuadrantSeries,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    color: bool = False,
) -> str:
    """Structure across, people up, split at the "high" line into the four quadrants; each
    person's path across the quarters, the latest position in capitals."""
    if series.empty:
        return empty_state(series, width, height)
    if small := _too_small(series, width, height):
        return small
    latest = series.labels[-1]
    legend = []
    for path in series.paths:
        last = path.points[-1]
        words = f"{path.label.lower()} {last.structure:.0f}/{last.people:.0f}"
        if last.quarter == latest:
            legend.append(
                (MARKERS.get(path.who, path.who[:1].upper()), words, COLORS.get(path.who))
            )
        else:  # not at the latest checkpoint: where they were last
            marker = EARLIER.get(path.who, path.who[:1].lower())
            legend.append((marker, f"{words} in {last.quarter}", COLORS.get(path.who)))
    if len(series.labels) > 1:
        legend.append(("·", f"path from {series.labels[0]}, small letters earlier", None))
    legend_lines = _legend(legend, width, color)
    if series.note:
        legend_lines += _wrap(series.note, width)

    def draw(sparser: int) -> Drawing:
        _start(width, height - len(legend_lines))
        plt.title(_fit(width, f"{series.title}: structure across, people up", series.title))
        high = series.high
        plt.xlim(0, 100)
        plt.ylim(0, 100)
        ticks = [0, 20, 40, 60, 80, 100]
        plt.xticks(ticks, [str(t) for t in ticks])
        plt.yticks(ticks, [str(t) for t in ticks])
        plt.vline(high)
        plt.hline(high)
        for words, x, y in (
            ("patient-leaning", high / 2, 96),
            ("integrated", (high + 100) / 2, 96),
            ("drifting", high / 2, 4),
            ("production-leaning", (high + 100) / 2, 4),
        ):
            plt.text(words, x=x, y=y, alignment="center")
        # Paths first, then earlier positions, then the latest on top of everything (the
        # practice average under the two people it averages).
        for path in series.paths:
            hue = COLORS.get(path.who)
            if len(path.points) > 1:
                kwargs = {"color": hue} if color and hue else {}
                xs = [p.structure for p in path.points]
                plt.plot(xs, [p.people for p in path.points], marker="·", **kwargs)
        for path in series.paths:
            earlier = [p for p in path.points if p.quarter != latest]
            _points(
                [p.structure for p in earlier],
                [p.people for p in earlier],
                EARLIER.get(path.who, path.who[:1].lower()),
                COLORS.get(path.who),
                color,
            )
        for path in sorted(series.paths, key=lambda p: p.who != "practice"):
            now = [p for p in path.points if p.quarter == latest]
            _points(
                [p.structure for p in now],
                [p.people for p in now],
                MARKERS.get(path.who, path.who[:1].upper()),
                COLORS.get(path.who),
                color,
            )
        return [*_finish(color), *legend_lines], []

    return _guarded(draw, height)


# --- metric trend -------------------------------------------------------------------------


def _metric_fmt(unit: str) -> Callable[[float], str]:
    def fmt(value: float) -> str:
        if unit == "percent":
            return f"{value:g}%"
        if unit == "currency_per_hour":
            return money(value) + "/h"
        if unit == "currency":
            return _money_short(value)
        if unit == "score":
            return signed(value, 0)
        return f"{value:g}"

    return fmt


def metric_chart(
    series: MetricTrend,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    color: bool = False,
) -> str:
    """One metric per quarter against its target line (two lines for a range), each point
    marked by its status: ● on target, ▲ close, × off target."""
    if series.empty:
        return empty_state(series, width, height)
    if small := _too_small(series, width, height):
        return small
    present = [s for s in ("green", "amber", "red") if s in series.status]
    legend = [(STATUS_MARKERS[s], STATUS_WORDS[s], STATUS_COLORS[s]) for s in present]
    has_target = any(v is not None for v in (*series.target_low, *series.target_high))
    if has_target:
        legend.append((TARGET_MARKER, f"target {series.target_text or ''}".strip(), None))
    legend_lines = _legend(legend, width, color)
    if series.unit == "count":
        named = series.name
    elif series.name.endswith(")"):
        named = f"{series.name}, {series.unit}"
    else:
        named = f"{series.name} ({series.unit})"
    target = f"{named}, target {series.target_text}" if series.target_text else named
    title = _fit(width, target, named, series.name)

    def draw(sparser: int) -> Drawing:
        plot_height = height - len(legend_lines)
        _start(width, plot_height)
        plt.title(title)
        values = [v for v in series.values if v is not None]
        targets = [v for v in (*series.target_low, *series.target_high) if v is not None]
        floor = 0.0 if series.value_unit not in ("score",) and min(values) >= 0 else None
        ceiling = 100.0 if series.value_unit == "percent" and max(values) <= 100 else None
        lo, hi, yt = _value_axis(values, plot_height - 4, floor, ceiling, keep=targets)
        fmt = _metric_fmt(series.value_unit)
        label_width = max(len(fmt(t)) for t in yt) if yt else 6
        xs, ticks, names = _quarter_axis(series.labels, width, label_width, sparser)
        for bound in (series.target_low, series.target_high):
            _line(xs, bound, TARGET_MARKER, None, color)
        _line(xs, series.values, "·", None, color)
        for status in ("green", "amber", "red"):
            chosen = [
                (x, v)
                for x, v, s in zip(xs, series.values, series.status, strict=True)
                if v is not None and s == status
            ]
            _points(
                [x for x, _ in chosen],
                [v for _, v in chosen],
                STATUS_MARKERS[status],
                STATUS_COLORS[status],
                color,
            )
        unknown = [
            (x, v)
            for x, v, s in zip(xs, series.values, series.status, strict=True)
            if v is not None and s is None
        ]
        _points([x for x, _ in unknown], [v for _, v in unknown], "○", None, color)
        _x_axis(xs, ticks, names)
        _y_axis(lo, hi, yt, fmt)
        return [*_finish(color), *legend_lines], names

    return _guarded(draw, height)


def metric_charts(
    series: Sequence[MetricTrend],
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    color: bool = False,
) -> str:
    """Several metric charts, one under the other with a blank line between."""
    return "\n\n".join(metric_chart(s, width, height, color) for s in series)


# --- doctor vs manager by dimension ---------------------------------------------------------


def dimensions_chart(
    series: DimensionSeries,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    color: bool = False,
) -> str:
    """Per dimension, one bar per respondent: people to the left of 0, structure to the
    right, so each bar's balance (its lean) shows at a glance."""
    if series.empty:
        return empty_state(series, width, height)
    if small := _too_small(series, width, height):
        return small
    people = series.respondents
    n = len(series.labels)
    k = len(people)
    keys = [
        (BAR_MARKERS[i % len(BAR_MARKERS)], r.label.lower(), COLORS.get(r.who))
        for i, r in enumerate(people)
    ]
    title = f"By dimension, {series.quarter}" if series.quarter else series.title
    scale = "people ← 0 → structure"
    plain = f"{title}:  " + "   ".join(f"{m} {w}" for m, w, _ in keys) + f"   {scale}"
    if len(plain) <= width:
        painted = "   ".join(f"{_paint(m, hue, color)} {w}" for m, w, hue in keys)
        head = [" " * ((width - len(plain)) // 2) + f"{title}:  {painted}   {scale}"]
    else:
        head = _center(_wrap(title, width), width) + _legend(
            [*keys, ("←", "people · structure →", None)], width, color
        )
    notes = _wrap(series.note, width) if series.note else []
    rows = height - len(head) - len(notes) - 3  # frame above and below, tick labels
    if rows >= n * (k + 1) - 1:
        step = k + 1
    elif rows >= n * k:
        step = k
    else:
        return "\n".join(
            _wrap(f"{series.title}: needs {n * k + len(head) + 3} lines to draw.", width)
        )
    used = n * step - (step - k)

    def draw(sparser: int) -> Drawing:
        _start(width, height - len(head) - len(notes))
        top = rows
        plt.ylim(1, rows)
        plt.xlim(-100, 100)
        plt.vline(0)
        label_y: list[float] = []
        offset = (rows - used) // 2
        for i in range(n):
            first = top - offset - i * step
            label_y.append(first)
            for j, r in enumerate(people):
                bar = r.dimensions[i]
                y = first - j
                s = bar.structure if bar.structure is not None else 0.0
                p = bar.people if bar.people is not None else 0.0
                marker = BAR_MARKERS[j % len(BAR_MARKERS)]
                hue = COLORS.get(r.who)
                kwargs = {"color": hue} if color and hue else {}
                if s or p:
                    plt.plot([-p, s], [y, y], marker=marker, **kwargs)
        plt.yticks(label_y, list(series.labels))
        plt.xticks([-100, -50, 0, 50, 100], ["100", "50", "0", "50", "100"])
        return [*head, *_finish(color), *notes], []

    return _guarded(draw, height)


# --- production and collections against the goal --------------------------------------------


def _money_short(value: float, symbol: str = "$") -> str:
    """$240k, $1.2M: short enough for an axis."""
    if abs(value) >= 1_000_000:
        return f"{symbol}{value / 1_000_000:.3g}M"
    if abs(value) >= 1_000:
        return f"{symbol}{value / 1_000:.4g}k"
    return money(value, symbol=symbol)


def financials_chart(
    series: FinancialSeries,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    color: bool = False,
) -> str:
    """Production above and collections below, per quarter, each against its quarterly
    goal (a quarter of the annual goal in effect then), drawn as a line."""
    if series.empty:
        return empty_state(series, width, height)
    if small := _too_small(series, width, height):
        return small
    symbol = series.currency
    panels = [
        (words, marker, hue, values, goal)
        for words, marker, hue, values, goal in (
            ("Production", "P", "blue", series.production, series.production_goal),
            ("Collections", "C", "green", series.collections, series.collection_goal),
        )
        if any(v is not None for v in values)
    ]
    legend = [(marker, words.lower(), hue) for words, marker, hue, _, _ in panels]
    if any(v is not None for v in (*series.production_goal, *series.collection_goal)):
        legend.append((TARGET_MARKER, "quarterly goal (¼ of the annual goal in effect)", None))
    legend_lines = _legend(legend, width, color)

    def draw(sparser: int) -> Drawing:
        plot_height = height - len(legend_lines)
        _start(width, plot_height)
        xs, ticks, names = _quarter_axis(series.labels, width, 6, sparser)
        plt.subplots(len(panels), 1)
        left = plot_height
        for i, (words, marker, hue, values, goal) in enumerate(panels):
            rows = left if i == len(panels) - 1 else plot_height // len(panels)
            left -= rows
            plt.subplot(i + 1, 1)
            plt.plotsize(width, rows)
            plt.title(_fit(width, f"{words} against the goal ({symbol} per quarter)", words))
            known = [v for v in (*values, *goal) if v is not None]
            lo, hi, yt = _value_axis(known, rows - 4, 0)
            _line(xs, goal, TARGET_MARKER, hue, color)
            _marked(xs, values, marker, hue, color)
            _x_axis(xs, ticks, names)
            _y_axis(lo, hi, yt, lambda v: _money_short(v, symbol))
        return [*_finish(color), *legend_lines], names

    return _guarded(draw, height)


# --- any series -----------------------------------------------------------------------------


def chart(
    series: Series,
    width: int = DEFAULT_WIDTH,
    height: int = DEFAULT_HEIGHT,
    color: bool = False,
) -> str:
    """The figure for any series, by its kind."""
    draw: Callable[..., str] = {
        "lean": lean_chart,
        "quadrant": quadrant_chart,
        "metric": metric_chart,
        "dimensions": dimensions_chart,
        "financials": financials_chart,
    }[series.kind]
    return draw(series, width, height, color)

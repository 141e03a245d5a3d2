"""Step 5 of the quarterly revisit: the progress charts, with this quarter in them, and
what changed since the last checkpoint (lean and quadrant, metric statuses, commitments
kept). Everything is built in a worker thread, so the screen never waits for a chart."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static, TabbedContent, TabPane

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.tui import revisit as flow
from balancecoach.tui.late import still_open
from balancecoach.tui.markup import escape
from balancecoach.tui.revisit import Revisit
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from balancecoach.core.content import Content
    from balancecoach.core.records import Checkpoint, Practice

#: The tabs: (id, title); the first is the summary, the others one kind of chart each.
TABS: tuple[tuple[str, str], ...] = (
    ("summary", "Since last"),
    ("lean", "Lean"),
    ("quadrant", "Quadrant"),
    ("metric", "Metrics"),
    ("dimensions", "Dimensions"),
    ("financials", "Money"),
)
HEADINGS = {
    "position": "Where you stand",
    "metrics": "Metrics",
    "promises": "What you promised",
}


@dataclass
class Progress:
    """What the screen shows: the summary lines and, per chart kind, its text."""

    summary: dict[str, list[str]]
    charts: dict[str, list[str]] = field(default_factory=dict)
    #: Why there are no charts (the charts module is missing), or None.
    no_charts: str | None = None


def draw_charts(
    content: Content,
    practice: Practice,
    checkpoints: list[Checkpoint],
    width: int,
    height: int,
) -> tuple[dict[str, list[str]], str | None]:
    """Every chart as text, by kind (several for metrics), or why there are none."""
    from balancecoach.core import series

    try:
        from balancecoach.charts import figures
    except ImportError:
        return {}, "The charts are not available in this installation: the summary is."
    data = series.progress(content, practice, checkpoints)

    def draw(one) -> str:
        return figures.chart(one, width, height, color=True)

    out: dict[str, list[str]] = {
        "lean": [draw(data.lean)],
        "quadrant": [draw(data.quadrant)],
        "metric": [draw(m) for m in data.metrics],
        "dimensions": [draw(data.dimensions)],
        "financials": [draw(data.financials)],
    }
    return out, None


def build_progress(
    content: Content, revisit: Revisit, context: flow.RevisitContext, today, size: tuple[int, int]
) -> Progress:
    """The summary and charts with this quarter's checkpoint as it would be saved now."""
    from balancecoach.core.revisit import change_lines, since_last

    quarter = revisit.quarter
    current = flow.build_checkpoint(
        content, context.practice, revisit, today, context.existing(quarter)
    )
    change = since_last(context.previous(quarter), current, context.practice.plan)
    timeline = [c for c in context.checkpoints if c.quarter != quarter] + [current]
    timeline.sort(key=lambda c: c.quarter)
    charts, missing = draw_charts(content, context.practice, timeline, *size)
    return Progress(summary=change_lines(change, content), charts=charts, no_charts=missing)


def summary_view(
    revisit: Revisit, summary: dict[str, list[str]], no_charts: str | None
) -> RenderableType:
    """The summary under its headings, each line indented (wrapped lines too)."""
    since = f"since {revisit.previous}" if revisit.previous else "this quarter"
    parts: list[RenderableType] = [Text(f"{revisit.quarter}, {since}", style="bold")]
    for key, heading in HEADINGS.items():
        parts += [Text(""), Text(heading, style="bold underline")]
        for line in summary.get(key, []):
            text = Text(line)
            for word, colour in (("green", "green"), ("amber", "yellow"), ("red", "red")):
                text.highlight_regex(rf"\b{word}\b", colour)
            parts.append(Padding(text, (0, 0, 0, 2)))
    parts.append(Text(""))
    if no_charts:
        parts.append(Text(no_charts, style="dim"))
    else:
        parts.append(Text("Keys 2–6 (or a click on a tab) show the charts.", style="dim"))
    return Group(*parts)


class ProgressScreen(Screen[None]):
    CSS_PATH = "revisit_progress.tcss"
    HELP: ClassVar[str] = """\
## Progress

Where the practice has moved, with this quarter in the picture (it is not saved yet).

- **Since last**: how the practice's and each partner's lean and quadrant moved since the
  last checkpoint, which metrics changed status (green, amber, red), how many of last
  quarter's commitments were done and which communication habits were kept.
- **Lean**: structure, people and lean per quarter.
- **Quadrant**: the doctor's and manager's positions, with their path across quarters.
- **Metrics**: each metric's trend against its target.
- **Dimensions**: doctor and manager per dimension, this quarter.
- **Money**: production and collections against the goal, when entered.

Look at them together: what moved, what did not, and what the next quarter's commitments
should be about.

- **1**–**6** (or **←/→** on the tabs, or a click) switch tabs; **↑/↓** scroll.
- **Ctrl+N** goes on to next quarter's commitments; **Escape** back to the reflections.
"""
    BINDINGS: ClassVar = [
        Binding("1", "tab(0)", "Tabs", key_display="1–6", id="revisit.progress.tabs"),
        *[Binding(str(n + 1), f"tab({n})", show=False) for n in range(1, len(TABS))],
        Binding(
            "ctrl+n",
            "continue",
            "Continue",
            id="revisit.progress.continue",
            tooltip="On to next quarter's commitments",
        ),
        Binding("escape", "back", "Back", id="revisit.progress.back"),
    ]

    def __init__(self, revisit: Revisit) -> None:
        super().__init__()
        self.revisit = revisit
        self.progress: Progress | None = None
        self._drawn_for: tuple[int, int] | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with TabbedContent(id="progress-tabs"):
            for tab_id, title in TABS:
                with (
                    TabPane(title, id=f"tab-{tab_id}"),
                    VerticalScroll(classes="progress-scroll"),
                ):
                    kind = "progress-summary" if tab_id == "summary" else "progress-chart"
                    yield Static("Drawing…", id=f"show-{tab_id}", classes=kind)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = flow.step_line(self.revisit)
        self.query_one("#tab-summary .progress-scroll").focus()
        self.redraw()

    def on_resize(self) -> None:
        if self._drawn_for is not None and self._drawn_for != self._chart_size():
            self.redraw()

    def _chart_size(self) -> tuple[int, int]:
        """The room inside a tab (header, tab bar and footer take four lines); a chart that
        needs more scrolls."""
        width, height = self.size
        return max(40, width - 4), max(18, height - 4)

    def redraw(self) -> None:
        size = self._chart_size()
        self._drawn_for = size
        self.build(size)

    @work(thread=True, exclusive=True, group="progress")
    def build(self, size: tuple[int, int]) -> None:
        """Build the summary and the charts off the event loop."""
        app = self.app
        try:
            context = flow.ensure_context(app, self.revisit)
            progress = build_progress(app.content, self.revisit, context, app.clock(), size)
        except (DataError, DataErrors, ValueError) as exc:
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self._show, progress, size)

    def _show(self, progress: Progress, size: tuple[int, int] | None = None) -> None:
        if not still_open(self):  # left for another step while the charts were drawn
            return
        if size is not None and size != self._drawn_for:
            return  # drawn for a size the window no longer has: a newer drawing is coming
        self.progress = progress
        self.query_one("#show-summary", Static).update(
            summary_view(self.revisit, progress.summary, progress.no_charts)
        )
        for tab_id, _title in TABS[1:]:
            shown = self.query_one(f"#show-{tab_id}", Static)
            drawings = progress.charts.get(tab_id)
            if drawings:
                text = Text()
                for i, drawing in enumerate(drawings):
                    if i:
                        text.append("\n\n")
                    text.append_text(Text.from_ansi(drawing))
                shown.update(text)
            else:
                shown.update(progress.no_charts or "Nothing to draw yet.")

    def _failed(self, exc: Exception) -> None:
        if not still_open(self):
            return
        self.query_one("#show-summary", Static).update(
            f"[b]The progress could not be worked out.[/b]\n\n{escape(exc)}\n\n"
            "Go back (Escape) and check what the message names."
        )

    def action_tab(self, index: int) -> None:
        tab_id = TABS[index][0]
        self.query_one(TabbedContent).active = f"tab-{tab_id}"
        self.query_one(f"#tab-{tab_id} .progress-scroll").focus()

    def action_continue(self) -> None:
        flow.advance(self.app, self.revisit)

    def action_back(self) -> None:
        flow.go_back(self.app, self.revisit, "reflections")

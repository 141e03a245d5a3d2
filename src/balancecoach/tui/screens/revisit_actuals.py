"""Step 2 of the quarterly revisit: the quarter's figures behind each metric on the
scoreboard, typed in or imported from a CSV file, with the value, its status against the
target and what it means in patients shown as soon as the figures are there."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.format import format_value, money
from balancecoach.tui import revisit as flow
from balancecoach.tui.late import still_open
from balancecoach.tui.markup import escape
from balancecoach.tui.revisit import Revisit, metric_reading, read_figure
from balancecoach.tui.screens.plan import OWNER_WORDS
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from balancecoach.core.records import MetricChoice
    from balancecoach.storage.csv_import import CsvActuals

STATUS_MARK = {"green": "[green]●[/] green", "amber": "[yellow]●[/] amber", "red": "[red]●[/] red"}
FINANCIALS = (
    ("production", "Production this quarter"),
    ("collections", "Collections this quarter"),
)


def figure_id(metric_id: str, name: str) -> str:
    return f"fig-{metric_id}--{name}"


class ActualsScreen(Screen[None]):
    CSS_PATH = "revisit_actuals.tcss"
    HELP: ClassVar[str] = """\
## The quarter's figures

For each metric on your scoreboard, type the quarter's **raw figures**: the counts, amounts
and hours it is computed from (treatment plans presented and accepted, collections and net
production, …), never the percentage. As soon as a metric's figures are in, you see its
value, its status against your target (green met, amber missed by no more than 10%, red
further off) and what it means in patients.

Leave a metric blank to leave it out this quarter. Production and collections for the
quarter are optional; with them the progress charts show the quarter against the goal.

**From a CSV file**: type the path of a file exported from your practice software into the
box at the top and press **Enter**. Rows for this quarter fill in the boxes; if any row
cannot be read, every such row is listed with its line and why, and nothing is filled in.
The layouts are described by `balancecoach import --help`.

- **Enter** or **Tab** moves to the next box; **Shift+Tab** back.
- **Ctrl+N** goes on to the pulse re-assessment; **Escape** back to last quarter's
  commitments. Everything typed is kept as a draft.
"""
    BINDINGS: ClassVar = [
        Binding(
            "ctrl+n",
            "continue",
            "Continue",
            id="revisit.actuals.continue",
            tooltip="On to the pulse re-assessment",
        ),
        Binding("ctrl+o", "csv", "From CSV", id="revisit.actuals.csv", tooltip="Import a file"),
        Binding("escape", "back", "Back", id="revisit.actuals.back"),
    ]

    def __init__(self, revisit: Revisit) -> None:
        super().__init__()
        self.revisit = revisit

    @property
    def choices(self) -> list[MetricChoice]:
        known = self.app.content.metrics.by_id
        practice = flow.ensure_context(self.app, self.revisit).practice
        return [m for m in practice.metric if m.id in known]

    def compose(self) -> ComposeResult:
        content = self.app.content
        context = flow.ensure_context(self.app, self.revisit)
        previous = context.previous(self.revisit.quarter)
        last = {m.id: m for m in previous.metric} if previous else {}
        yield TitleBar()
        yield Static("", id="actuals-intro")
        with Horizontal(id="csv-row"):
            yield Label("CSV file", id="csv-label")
            yield Input(
                id="csv-path",
                placeholder="or type the path of an export here and press Enter",
                compact=True,
            )
        yield Static("", id="csv-report")
        with VerticalScroll(id="actuals-body"):
            for choice in self.choices:
                metric = content.metrics.by_id[choice.id]
                yield Static("", id=f"head-{choice.id}", classes="metric-head")
                typed = self.revisit.metric_fields.get(choice.id, {})
                before = last.get(choice.id)
                for spec in metric.inputs:
                    with Horizontal(classes="figure-row"):
                        yield Label(spec.label, classes="figure-label")
                        hint = ""
                        if before is not None and spec.name in before.inputs:
                            hint = "last " + format_value(spec.unit, before.inputs[spec.name])
                        yield Input(
                            typed.get(spec.name, ""),
                            id=figure_id(choice.id, spec.name),
                            classes="figure",
                            placeholder=hint,
                            compact=True,
                        )
                yield Static("", id=f"result-{choice.id}", classes="metric-result")
            yield Static(
                "[b]Production and collections[/b] [dim](optional; for the chart against "
                "the goal)[/dim]",
                classes="metric-head",
            )
            money_before = previous.financials if previous else None
            for name, label in FINANCIALS:
                with Horizontal(classes="figure-row"):
                    yield Label(label, classes="figure-label")
                    last_value = getattr(money_before, name, None) if money_before else None
                    yield Input(
                        self.revisit.financial_fields.get(name, ""),
                        id=f"fin-{name}",
                        classes="figure money",
                        placeholder=f"last {money(last_value)}" if last_value else "",
                        compact=True,
                    )
            yield Static("", id="financials-result", classes="metric-result")
        yield Static("", id="actuals-status")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = flow.step_line(self.revisit)
        self.query_one("#csv-report").display = False
        self.query_one("#actuals-intro", Static).update(
            f"{escape(self.revisit.quarter)}: the figures behind each metric (counts, amounts, "
            "hours; never the percentage). Leave a metric blank to skip it."
        )
        previous = flow.ensure_context(self.app, self.revisit).previous(self.revisit.quarter)
        self._last = {m.id: m for m in previous.metric} if previous else {}
        for choice in self.choices:
            self._show_head(choice)
            self._show_result(choice)
        self._show_financials()
        self._show_status()
        boxes = list(self.query(".figure").results(Input))
        if boxes:
            boxes[0].focus()

    # --- what each metric shows ------------------------------------------------------

    def _show_head(self, choice: MetricChoice) -> None:
        metric = self.app.content.metrics.by_id[choice.id]
        owner = OWNER_WORDS[choice.owner].lower()
        head = f"[b]{escape(metric.name)}[/b]  target {choice.target.describe(metric.unit)}"
        head += f" · owner {owner}"
        was = self._last.get(choice.id)
        if was is not None and was.value is not None:
            head += f" · [dim]last {format_value(metric.unit, was.value)}[/dim]"
        self.query_one(f"#head-{choice.id}", Static).update(head)

    def _show_result(self, choice: MetricChoice) -> str | None:
        """Show the metric's value, status and people view; return its problem, if any."""
        from balancecoach.core.metrics import compute, people_view

        content = self.app.content
        metric = content.metrics.by_id[choice.id]
        fields = self.revisit.metric_fields.get(choice.id, {})
        values, problem = metric_reading(content, choice.id, fields)
        shown = self.query_one(f"#result-{choice.id}", Static)
        shown.set_class(problem is not None, "-error")
        if problem is not None:
            shown.update(escape(problem))
        elif values is None:
            shown.update("[dim]not entered: left out this quarter[/dim]")
        else:
            result = compute(metric, values)
            status = choice.target.status(result.value)
            shown.update(f"{STATUS_MARK[status]} · {escape(people_view(metric, result))}")
        return problem

    def _financial_problem(self) -> str | None:
        for name, label in FINANCIALS:
            try:
                read_figure("currency", self.revisit.financial_fields.get(name, ""))
            except ValueError as exc:
                return f"{label}: {exc}"
        return None

    def _show_financials(self) -> None:
        problem = self._financial_problem()
        shown = self.query_one("#financials-result", Static)
        shown.set_class(problem is not None, "-error")
        fields = self.revisit.financial_fields
        if problem:
            shown.update(escape(problem))
            return
        production = read_figure("currency", fields.get("production", ""))
        collections = read_figure("currency", fields.get("collections", ""))
        if production and collections:
            shown.update(
                f"{money(collections)} collected of {money(production)} produced "
                f"({collections / production * 100:.1f}%)"
            )
        else:
            shown.update("")

    def _problems(self) -> list[tuple[str, str]]:
        """(box to fix, what is wrong) for every metric or amount that does not read."""
        content = self.app.content
        out = []
        for choice in self.choices:
            fields = self.revisit.metric_fields.get(choice.id, {})
            _values, problem = metric_reading(content, choice.id, fields)
            if problem is not None:
                metric = content.metrics.by_id[choice.id]
                first = next(
                    (s.name for s in metric.inputs if not fields.get(s.name, "").strip()),
                    metric.inputs[0].name,
                )
                out.append((figure_id(choice.id, first), f"{metric.name}: {problem}"))
        money_problem = self._financial_problem()
        if money_problem:
            out.append(("fin-production", money_problem))
        return out

    def _show_status(self) -> None:
        content = self.app.content
        entered = sum(
            1
            for c in self.choices
            if metric_reading(content, c.id, self.revisit.metric_fields.get(c.id, {}))[0]
        )
        problems = self._problems()
        status = self.query_one("#actuals-status", Static)
        status.set_class(bool(problems), "-problem")
        text = f"{entered} of {len(self.choices)} metrics entered"
        if problems:
            text += f" · to fix: {problems[0][1]}"
        else:
            text += " · Ctrl+N: on to the pulse re-assessment"
        status.update(Content(text))  # the problem may quote what was typed

    # --- typing -------------------------------------------------------------------------

    @on(Input.Changed, ".figure")
    def _typed(self, event: Input.Changed) -> None:
        box_id = event.input.id or ""
        if box_id.startswith("fin-"):
            self.revisit.financial_fields[box_id[4:]] = event.value
            self._show_financials()
        else:
            metric_id, _, name = box_id.removeprefix("fig-").partition("--")
            self.revisit.metric_fields.setdefault(metric_id, {})[name] = event.value
            choice = next((c for c in self.choices if c.id == metric_id), None)
            if choice is not None:
                self._show_result(choice)
        flow.autosave(self.app, self.revisit)
        self._show_status()

    @on(Input.Submitted, ".figure")
    def _next_box(self) -> None:
        self.focus_next()

    # --- a CSV file ---------------------------------------------------------------------

    def action_csv(self) -> None:
        self.query_one("#csv-path", Input).focus()

    @on(Input.Submitted, "#csv-path")
    def _import(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        if not text:
            self._report("Type the path of a CSV file first.", error=True)
            return
        self._report(f"Reading {escape(text)}…", error=False)
        self.read_csv(text)

    @work(thread=True, exclusive=True, group="csv")
    def read_csv(self, text: str) -> None:
        """Read the file off the event loop; the boxes fill in when it is read."""
        from balancecoach.storage.csv_import import read_csv_actuals

        app = self.app  # first: once the screen has closed it is not found from this thread
        path = Path(text).expanduser()
        try:
            found = read_csv_actuals(
                path,
                app.content.metrics,
                quarter=self.revisit.quarter,
                today=app.clock(),
            )
        except (DataError, DataErrors, OSError) as exc:
            app.call_from_thread(self._report, f"{escape(exc)}\nNothing was filled in.", True)
            return
        app.call_from_thread(self._imported, found)

    def _report(self, text: str, error: bool) -> None:
        if not still_open(self):  # left for another step while the file was read
            return
        report = self.query_one("#csv-report", Static)
        report.display = bool(text)
        report.set_class(error, "-error")
        report.update(text)

    def _imported(self, found: CsvActuals) -> None:
        if not still_open(self):  # left for another step: nothing is filled in
            return
        source = escape(found.path)
        if not found.ok:
            lines = [escape(r.describe(found.path)) for r in found.rejected]
            lines.append(
                f"[b]{len(found.rejected)} of {found.rows} rows rejected; nothing was filled "
                "in.[/b] Correct the file and press Enter again."
            )
            self._report("\n".join(lines), error=True)
            return
        on_board = {c.id for c in self.choices}
        filled, elsewhere = [], []
        for rows in found.metrics:
            if rows.quarter != self.revisit.quarter:
                continue
            if rows.metric.id not in on_board:
                elsewhere.append(rows.metric.name)
                continue
            for name, value in rows.inputs.items():
                self.query_one(f"#{figure_id(rows.metric.id, name)}", Input).value = flow.plain(
                    value
                )
            filled.append(rows.metric.name)
        done = ", ".join(escape(n) for n in filled)
        lines = [
            f"From {source}: "
            + (f"filled in {done}." if filled else "no metric of your scoreboard.")
        ]
        if elsewhere:
            lines.append(
                f"Not on your scoreboard, left out: {', '.join(escape(n) for n in elsewhere)}."
            )
        if found.ignored_columns:
            columns = ", ".join(escape(c) for c in found.ignored_columns)
            lines.append(f"Columns not used: {columns}.")
        self._report("\n".join(lines), error=False)
        flow.autosave(self.app, self.revisit)

    # --- leaving ------------------------------------------------------------------------

    def action_continue(self) -> None:
        problems = self._problems()
        if problems:
            box, reason = problems[0]
            self.query_one(f"#{box}", Input).focus()
            self.notify(reason, title="Not yet", severity="warning", markup=False)
            return
        flow.advance(self.app, self.revisit)

    def action_back(self) -> None:
        flow.go_back(self.app, self.revisit, "review")

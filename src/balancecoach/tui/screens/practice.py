"""A practice at a glance: where it stood at its latest checkpoint, its goal, its
scoreboard and plan, and the way into a visit."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Static

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.tui.late import still_open
from balancecoach.tui.markup import escape
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar


class PracticeScreen(Screen[None]):
    CSS_PATH = "practice.tcss"
    HELP: ClassVar[str] = """\
## Practice

The practice's latest checkpoint (its position and lean), the goal in effect, the metrics on
its scoreboard with their targets and owners, and its communication plan.

- **a** starts a visit: the doctor and the office manager each answer the assessment in
  turn, then see their results side by side, derive the goal, choose metrics and a plan.
- **q** starts this quarter's checkpoint (once the practice has a first one): last
  quarter's commitments, the quarter's metric figures, a short re-assessment, reflections,
  the progress charts and next quarter's commitments. An unfinished one resumes.
- **e** exports the latest checkpoint's one-page report (Markdown and HTML) into the
  data directory's `reports/` folder and says where.
- **Escape** goes back to the list of practices.
"""
    BINDINGS: ClassVar = [
        Binding("a", "start_visit", "Start visit", id="practice.visit"),
        Binding(
            "q",
            "new_checkpoint",
            "New checkpoint",
            id="practice.checkpoint",
            tooltip="This quarter's checkpoint: review, figures, pulse, commitments",
        ),
        Binding("e", "export_report", "Export report", id="practice.export"),
        Binding("escape", "app.pop_screen", "Back", id="practice.back"),
    ]

    def __init__(self, slug: str, *, display_name: str | None = None) -> None:
        super().__init__()
        self.slug = slug
        #: What to call the practice on screen instead of its name (a workshop's letter).
        self.display_name = display_name

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="practice-body"):
            yield Static("Loading…", id="practice-name", classes="title")
            yield Static("", id="practice-summary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        # the app is taken first: on this thread `self.app` is found through the screen,
        # and not at all once the screen has closed
        app = self.app
        store = app.store
        try:
            practice = store.load_practice(self.slug)
        except (DataError, DataErrors) as exc:
            app.call_from_thread(self._problem, exc)
            return
        checkpoints, problems = store.load_checkpoints(self.slug)
        text = describe(practice, checkpoints, problems, app.content, app.clock())
        app.call_from_thread(self._show, practice.practice.name, text)

    def _show(self, name: str, text: str) -> None:
        if not still_open(self):  # Escape pressed while the practice was being read
            return
        self.practice_name = self.display_name or name
        self.query_one("#practice-name", Static).update(Content(self.practice_name))
        self.query_one("#practice-summary", Static).update(text)

    def _problem(self, exc: Exception) -> None:
        if not still_open(self):
            return
        self.query_one("#practice-name", Static).update("This practice's file does not load")
        self.query_one("#practice-summary", Static).update(
            f"{escape(exc)}\n\nFix it by hand (or run `balancecoach validate`), then open it "
            "again. Nothing was changed."
        )

    @work(thread=True, exclusive=True, group="export")
    def action_export_report(self) -> None:
        """Write the latest quarter's report as Markdown and HTML under reports/."""
        from balancecoach.report import html, markdown
        from balancecoach.storage.toml_write import atomic_write_text

        app = self.app  # first: the report is written even if the screen closes meanwhile
        store = app.store
        try:
            practice = store.load_practice(self.slug)
            checkpoints, _problems = store.load_checkpoints(self.slug)
            if not checkpoints:
                raise DataError(
                    "has no checkpoint yet, so there is nothing to report",
                    source=store.layout.checkpoints_dir(self.slug),
                )
            report = markdown.gather(app.content, self.slug, practice, checkpoints, None)
            folder = store.root / "reports"
            stem = f"{self.slug}-{report.quarter}"
            atomic_write_text(folder / f"{stem}.md", markdown.render(report))
            atomic_write_text(folder / f"{stem}.html", html.render(report))
        except (DataError, DataErrors, OSError) as exc:
            app.call_from_thread(
                app.notify,
                str(exc),
                title="No report was written",
                severity="error",
                markup=False,
            )
            return
        app.call_from_thread(
            app.notify,
            f"{folder / stem}.md\n{folder / stem}.html",
            title=f"The {report.quarter} report is saved",
            timeout=10,
            markup=False,
        )

    def action_start_visit(self) -> None:
        name = getattr(self, "practice_name", None)
        if name is None:
            self.notify(
                "This practice has not loaded, so a visit cannot start.", severity="warning"
            )
            return
        from balancecoach.tui.journey import start_first_visit

        start_first_visit(self.app, self.slug, name)

    def action_new_checkpoint(self) -> None:
        if getattr(self, "practice_name", None) is None:
            self.notify("This practice has not loaded yet.", severity="warning")
            return
        from balancecoach.tui.revisit import start_revisit

        start_revisit(self.app, self.slug)


def describe(practice, checkpoints, problems, content, today) -> str:
    """The overview as content markup: what comes from the files is escaped."""
    from balancecoach.core.format import money, signed
    from balancecoach.core.goals import derive_goal

    lines: list[str] = []
    p = practice.practice
    lines.append(
        f"{p.providers} provider{'s' if p.providers != 1 else ''}"
        + ("  ·  [b]demo data[/b]" if p.demo else "")
    )
    if checkpoints:
        last = checkpoints[-1]
        s = last.scores
        lines += ["", f"[b]Latest checkpoint[/b]  {last.quarter} ({last.date:%d %b %Y})"]
        if s and s.quadrant:
            agreement = "" if s.agreement is None else f", agreement {s.agreement:.0f}%"
            lines.append(
                f"  {s.quadrant}: structure {s.structure:.0f}, people {s.people:.0f}, "
                f"lean {signed(s.lean or 0)}{agreement}"
            )
        status = {"green": "[green]●[/]", "amber": "[yellow]●[/]", "red": "[red]●[/]"}
        for m in last.metric:
            defn = content.metrics.by_id.get(m.id)
            if defn is None or m.value is None:
                continue
            from balancecoach.core.format import format_value

            target = f" (target {m.target.describe(defn.unit)})" if m.target else ""
            lines.append(
                f"  {status.get(m.status or '', ' ')} {defn.name}: "
                f"{format_value(defn.unit, m.value)}{target}"
            )
        lines.append(
            f"  {len(checkpoints)} checkpoint{'s' if len(checkpoints) != 1 else ''} in all"
        )
    else:
        lines += ["", "No checkpoint yet. Press [b]a[/b] to start the first visit."]
    goal = practice.goal_on(today)
    if goal is not None:
        d = derive_goal(goal)
        lines += [
            "",
            f"[b]Goal[/b] (in effect from {goal.effective:%d %b %Y})",
            f"  collections {money(d.collection_goal)} a year, "
            f"production {money(d.production_goal)}",
        ]
    if practice.metric:
        lines += ["", "[b]Scoreboard[/b]"]
        for m in practice.metric:
            defn = content.metrics.by_id.get(m.id)
            name = defn.name if defn else m.id
            unit = defn.unit if defn else "count"
            lines.append(f"  {escape(name)}: {m.target.describe(unit)}, owner {m.owner}")
    if practice.plan:
        lines += ["", "[b]Communication plan[/b]"]
        for item in practice.plan:
            defn = content.practices.by_id.get(item.practice)
            name = defn.name if defn else item.practice
            lines.append(f"  {escape(name)}: {item.cadence.replace('_', ' ')}, owner {item.owner}")
    if problems:
        lines += ["", "[b]Files that need attention[/b] (left as they are)"]
        lines += [f"  {escape(e)}" for e in problems]
    return "\n".join(lines)

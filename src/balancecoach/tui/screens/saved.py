"""The end of the first visit: the goal, scoreboard and plan written to practice.toml, the
answers and scores to this quarter's checkpoint, and a summary of where it all is."""

from __future__ import annotations

import datetime as dt
import shlex
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Literal

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.format import money
from balancecoach.tui import journey
from balancecoach.tui.flow import ROLES, FirstVisit
from balancecoach.tui.late import still_open
from balancecoach.tui.markup import escape
from balancecoach.tui.screens.goal import read_goal_fields
from balancecoach.tui.screens.metrics import position_text, visit_result
from balancecoach.tui.screens.plan import CADENCE_WORDS, OWNER_WORDS
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.title import TitleBar

if TYPE_CHECKING:
    from balancecoach.core.assessment import AssessmentResult
    from balancecoach.core.content import Content
    from balancecoach.core.goals import GoalDerivation
    from balancecoach.core.records import Checkpoint, Practice
    from balancecoach.storage.store import PracticeStore


@dataclass
class SavedVisit:
    """What was written, and where."""

    practice_path: Path
    checkpoint_path: Path
    quarter: str
    practice: Practice
    checkpoint: Checkpoint
    derivation: GoalDerivation
    result: AssessmentResult | None


def save_visit(
    store: PracticeStore, content: Content, visit: FirstVisit, today: dt.date
) -> SavedVisit:
    """Write the visit: goal, scoreboard and plan into practice.toml, answers and scores
    into this quarter's checkpoint. Saving again the same day replaces what this visit
    wrote (the goal of that date, the scoreboard, the plan, the checkpoint's answers and
    scores) and keeps everything else in the files."""
    from balancecoach.core.metrics import MetricTarget
    from balancecoach.core.records import Checkpoint, Goal, MetricChoice, PlanItem, Quarter
    from balancecoach.core.records import Practice as PracticeRecord
    from balancecoach.core.snapshots import practice_scores, respondents

    reading = read_goal_fields(visit.goal_fields, today)
    if reading.inputs is None or reading.derivation is None:
        problems = [f"{k}: {v}" for k, v in reading.errors.items()] + reading.problems
        raise DataError(
            "the goal boxes do not give a goal (" + "; ".join(problems) + ")",
            source="goal",
            hint="go back to the goal (Escape on each screen) and correct them",
        )
    goal = Goal.model_validate({**reading.inputs.model_dump(exclude_none=True), "effective": today})

    practice = store.load_practice(visit.slug)
    goals = sorted(
        [g for g in practice.goal if g.effective != today] + [goal], key=lambda g: g.effective
    )
    since = {m.id: m.since for m in practice.metric}
    metrics = [
        MetricChoice(
            id=m["id"],
            owner=m["owner"],
            target=MetricTarget.model_validate(m["target"]),
            since=since.get(m["id"]) or today,
        )
        for m in visit.metrics
    ]
    notes = {p.practice: p.note for p in practice.plan}
    plan = [
        PlanItem(
            practice=p["practice"],
            owner=p["owner"],
            cadence=p["cadence"],
            note=notes.get(p["practice"], ""),
        )
        for p in visit.plan
    ]
    practice = PracticeRecord.model_validate(
        {**dict(practice), "goal": goals, "metric": metrics, "plan": plan}
    )

    quarter = Quarter.of(today)
    result = visit_result(content, visit)
    existing = next(
        (c for c in store.load_checkpoints(visit.slug)[0] if c.quarter == quarter), None
    )
    data = dict(existing) if existing is not None else {"quarter": str(quarter)}
    data.update(date=today, item_set="full", goal_effective=today)
    if result is not None:
        known = content.questions.by_id
        answers = {
            role: {s: r for s, r in visit.answers.get(role, {}).items() if s in known}
            for role in ROLES
        }
        data.update(respondent=respondents(result, answers), scores=practice_scores(result))
    checkpoint = Checkpoint.model_validate(data)

    practice_path = store.save_practice(visit.slug, practice)
    checkpoint_path = store.save_checkpoint(visit.slug, checkpoint)
    return SavedVisit(
        practice_path=practice_path,
        checkpoint_path=checkpoint_path,
        quarter=str(quarter),
        practice=practice,
        checkpoint=checkpoint,
        derivation=reading.derivation,
        result=result,
    )


def what_to_do(exc: Exception) -> str:
    """The next step after a failed save, in words."""
    from balancecoach.storage.locks import PracticeLocked

    text = str(exc)
    if isinstance(exc, PracticeLocked):
        return (
            "Another balancecoach has this practice open. Close it there (or let it finish), "
            "then press r to save again."
        )
    if "on disk" in text:
        return (
            "The file was changed outside this window while you worked. Look at the change, "
            "then press r to save this visit over the latest file."
        )
    if isinstance(exc, OSError):
        return "Check that the data folder exists and can be written to, then press r."
    return "Correct what the message names (Escape goes back through the visit), then press r."


def report_command(store_root: Path, slug: str) -> str:
    from balancecoach.storage.paths import data_dir

    parts = ["balancecoach"]
    if data_dir(None).resolve() != store_root.resolve():
        parts += ["--data-dir", str(store_root)]
    parts += ["report", slug, "--format", "md"]
    return shlex.join(parts)


class SavedScreen(Screen[None]):
    """Save the visit and say where everything went."""

    CSS_PATH = "saved.tcss"
    HELP: ClassVar[str] = """\
## Saved

The visit is written to two plain-text files you can read, keep and edit:

- **practice.toml**: the goal (with the date it took effect and how it was derived), the
  scoreboard (metrics, targets, owners) and the communication plan;
- **checkpoints/<year>-Q<n>.toml**: this quarter's checkpoint, with both sets of answers
  and the scores as they were computed today.

Come back every quarter for a checkpoint: the same file layout, one file a quarter.
`balancecoach report <practice> --format md` writes a one-page summary to share.

If saving fails (for example because another balancecoach has the practice open), the
message says what to do; nothing you entered is lost, and **r** tries again.

- **Enter** or **h** goes home; **q** quits.
- **Escape** goes back to the plan (saving again replaces what this visit saved today).
"""
    BINDINGS: ClassVar = [
        Binding("enter,h", "home", "Home", id="saved.home", tooltip="Back to the practices"),
        Binding("q", "quit", "Quit", id="saved.quit", tooltip="Leave balancecoach"),
        Binding("r", "retry", "Save again", id="saved.retry", tooltip="Try the save again"),
        Binding(
            "escape",
            "back",
            "Back to plan",
            id="saved.back",
            tooltip="Back to the plan; saving again replaces today's save",
        ),
    ]

    def __init__(self, visit: FirstVisit) -> None:
        super().__init__()
        self.visit = visit
        self.state: Literal["saving", "saved", "failed"] = "saving"
        self.saved: SavedVisit | None = None
        self.error: Exception | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="saved-body"):
            yield Static("Saving the visit…", id="saved-title")
            yield Static("", id="saved-summary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.visit.practice_name} · saved"
        self.query_one("#saved-body").focus()
        self.save()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "retry":
            return self.state == "failed"
        if action in ("home", "back", "quit"):
            return self.state != "saving"
        return True

    def _set_state(self, state: Literal["saving", "saved", "failed"]) -> None:
        self.state = state
        self.refresh_bindings()

    @work(thread=True, exclusive=True, group="save-visit")
    def save(self) -> None:
        """Write both files off the event loop; the summary shows when they are written."""
        app = self.app
        try:
            saved = save_visit(app.store, app.content, self.visit, app.clock())
        except (DataError, DataErrors, OSError, ValueError) as exc:
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(self._saved, saved)

    def _saved(self, saved: SavedVisit) -> None:
        # The visit is written: its draft goes even if the screen closed meanwhile (the
        # command palette can go home while it saves).
        journey.discard_draft(self.app, self.visit)
        if not still_open(self):
            self.app.notify(
                f"The first visit of {self.visit.practice_name} is saved.",
                title="Visit saved",
                markup=False,
            )
            return
        self.saved = saved
        self._set_state("saved")
        self.query_one("#saved-title", Static).update(
            f"[b]✓ The first visit of {escape(self.visit.practice_name)} is saved.[/b]"
        )
        self.query_one("#saved-summary", Static).update(self._summary(saved))

    def _failed(self, exc: Exception) -> None:
        if not still_open(self):
            self.app.notify(
                f"{exc}\n\nNothing you entered is lost: the visit is kept as a draft, and a "
                "on the practice resumes it.",
                title="The visit was not saved",
                severity="error",
                timeout=20,
                markup=False,
            )
            return
        self.error = exc
        self._set_state("failed")
        advice = what_to_do(exc)
        self.notify(
            f"{exc}\n\n{advice}",
            title="The visit was not saved",
            severity="error",
            timeout=20,
            markup=False,
        )
        title = self.query_one("#saved-title", Static)
        title.add_class("-failed")
        title.update("[b]The visit was not saved.[/b]")
        self.query_one("#saved-summary", Static).update(
            f"{escape(exc)}\n\n[b]What to do:[/b] {escape(advice)}\n\n"
            "Nothing you entered is lost: the visit is kept as a draft, and opening the "
            "practice again resumes it here."
        )

    def _summary(self, saved: SavedVisit) -> str:
        content = self.app.content
        d = saved.derivation
        out = [
            "[b]The files[/b]",
            f"  {escape(saved.practice_path)}",
            f"  {escape(saved.checkpoint_path)}",
            "",
            "[b]Where the practice stands[/b]",
            f"  {escape(position_text(saved.result))}",
        ]
        scores = saved.checkpoint.scores
        if scores is not None and scores.agreement is not None:
            out.append(f"  doctor and manager agree on {scores.agreement:.0f}% of answers")
        effective = saved.practice.goal_on(self.app.clock())
        out += [
            "",
            "[b]Goal[/b]"
            + (f" (in effect from {effective.effective:%d %b %Y})" if effective else ""),
            f"  collections {money(d.collection_goal)} a year, "
            f"production {money(d.production_goal)}",
        ]
        if d.daily_production is not None:
            per_day = f"  {money(d.daily_production)} of production a day"
            if d.per_hour_production is not None:
                per_day += f", {money(d.per_hour_production, cents=True)} a clinical hour"
            out.append(per_day)
        out += ["", "[b]Scoreboard[/b]"]
        for m in saved.practice.metric:
            defn = content.metrics.by_id.get(m.id)
            name = defn.name if defn else m.id
            unit = defn.unit if defn else "count"
            out.append(
                f"  {escape(name)}: {m.target.describe(unit)}, owner {OWNER_WORDS[m.owner].lower()}"
            )
        out += ["", "[b]Communication plan[/b]"]
        for p in saved.practice.plan:
            defn = content.practices.by_id.get(p.practice)
            name = defn.name if defn else p.practice
            out.append(
                f"  {escape(name)}: {CADENCE_WORDS[p.cadence]}, "
                f"owner {OWNER_WORDS[p.owner].lower()}"
            )
        out += [
            "",
            "[b]A one-page report to share[/b]",
            f"  {escape(report_command(self.app.store.root, self.visit.slug))}",
            f"  (add --out {escape(self.visit.slug)}.md to write it to a file)",
            "",
            "[dim]Enter or h: home · q: quit · next checkpoint: next quarter[/dim]",
        ]
        return "\n".join(out)

    # --- keys ---------------------------------------------------------------------------

    def action_home(self) -> None:
        self.app.action_go_home()

    def action_quit(self) -> None:
        self.app.exit()

    def action_retry(self) -> None:
        self.query_one("#saved-title", Static).remove_class("-failed")
        self.query_one("#saved-title", Static).update("Saving the visit…")
        self.query_one("#saved-summary", Static).update("")
        self._set_state("saving")
        self.save()

    def action_back(self) -> None:
        journey.go_back(self.app, self.visit, "plan")

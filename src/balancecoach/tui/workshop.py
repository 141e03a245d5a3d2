"""An open workshop: its file, the practices taking part, the agenda's timer, the practice
in focus and whether names are hidden. Kept on the app by file, so leaving the presenter
view (to run a flow, or home) and coming back finds everything as it was."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from balancecoach.core.errors import DataError, DataErrors

if TYPE_CHECKING:
    from balancecoach.core.workshop import Agenda, Workshop
    from balancecoach.storage.store import PracticeSummary
    from balancecoach.storage.workshops import Participant
    from balancecoach.tui.app import BalanceCoachApp


@dataclass
class WorkshopSession:
    path: Path
    workshop: Workshop
    participants: list[Participant]
    problems: list[DataError]
    agenda: Agenda
    focus: int = 0
    anonymous: bool = False
    #: Each practice's row (name, lean, quadrant …) by participant index, read off the loop.
    rows: dict[int, PracticeSummary] = field(default_factory=dict)

    @property
    def in_focus(self) -> Participant:
        return self.participants[self.focus]

    def name(self, index: int) -> str:
        """What the screen calls a practice: its name, or its letter when names are hidden."""
        from balancecoach.core.workshop import anonymous_name

        if self.anonymous:
            return anonymous_name(index)
        row = self.rows.get(index)
        return row.name if row is not None else self.participants[index].slug

    def read_rows(self) -> None:
        """Each practice's row through its data directory's index (a thread may call it)."""
        by_store: dict[int, list[Participant]] = {}
        for p in self.participants:
            by_store.setdefault(id(p.store), []).append(p)
        rows: dict[int, PracticeSummary] = {}
        for group in by_store.values():
            found = {r.slug: r for r in group[0].store.summaries([p.slug for p in group])}
            for p in group:
                if p.slug in found:
                    rows[p.index] = found[p.slug]
        self.rows = rows


def load_session(app: BalanceCoachApp, path: Path) -> WorkshopSession:
    """Read the workshop file and find its practices; DataError(s) when the file is bad."""
    from balancecoach.core.workshop import Agenda
    from balancecoach.storage.workshops import load_workshop, participants

    workshop = load_workshop(path)
    found, problems = participants(workshop, path, app.store)
    if not found:
        raise DataErrors(
            problems
            or [DataError("names no practice that could be found", source=path, field="practice")]
        )
    return WorkshopSession(path, workshop, found, problems, Agenda(workshop.segment))


def open_workshop(app: BalanceCoachApp, path: Path, *, anonymous: bool | None = None) -> None:
    """Show the presenter view of the workshop in `path` (as it was left, if it was open)."""
    from balancecoach.tui.screens.workshop import PresenterScreen

    key = path.resolve()
    session = app.workshops.get(key)
    if session is None:
        try:
            session = load_session(app, key)
        except (DataError, DataErrors) as exc:
            app.notify(
                str(exc), title="The workshop file does not load", severity="error", markup=False
            )
            return
        app.workshops[key] = session
        for problem in session.problems:
            app.notify(
                str(problem), title="A practice was left out", severity="warning", markup=False
            )
    if anonymous is not None:
        session.anonymous = anonymous
    app.push_screen(PresenterScreen(session))


#: The stage of the first visit or of the revisit that each segment's flow opens.
FIRST_VISIT_STAGE = {"assessment": "assessment", "goals": "goal", "metrics": "metrics"}
FIRST_VISIT_STAGE |= {"plan": "plan", "results": "results"}


def open_flow(app: BalanceCoachApp, session: WorkshopSession, flow: str) -> None:
    """Open the segment's flow for the practice in focus: the first visit's stages for a
    practice without a checkpoint (and for goals, metrics and plan), the quarterly revisit
    for the assessment and reflections of a practice that has one."""
    p = session.in_focus
    if flow == "none":
        app.notify("This segment opens no flow: it is a talk or a discussion.", timeout=4)
        return
    if p.store.root.resolve() != app.store.root.resolve():
        app.notify(
            f"{session.name(p.index)} is kept in another data directory ({p.store.root}). Its "
            "flows open there (balancecoach --data-dir …); prompts, notes and the cohort view "
            "work here.",
            title="Opened elsewhere",
            severity="warning",
            timeout=10,
            markup=False,
        )
        return
    name = session.name(p.index)
    has_checkpoint = bool(p.store.checkpoint_paths(p.slug))
    if flow == "reflections" or (flow == "assessment" and has_checkpoint):
        from balancecoach.tui.revisit import start_revisit

        start_revisit(
            app, p.slug, at="reflections" if flow == "reflections" else "assessment", name=name
        )
        return
    if flow == "results" and has_checkpoint and not app.drafts.path("assessment", p.slug).exists():
        from balancecoach.tui.screens.practice import PracticeScreen

        app.push_screen(PracticeScreen(p.slug, display_name=name))
        return
    from balancecoach.tui.journey import start_first_visit

    start_first_visit(app, p.slug, name, at=FIRST_VISIT_STAGE[flow])

"""Moving through the first visit: which screen shows which stage, and the draft that is
saved after every change so quitting never loses an answer."""

from __future__ import annotations

from typing import TYPE_CHECKING

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.tui.flow import DRAFT_KIND, FirstVisit, Stage

if TYPE_CHECKING:
    from textual.screen import Screen

    from balancecoach.tui.app import BalanceCoachApp
    from balancecoach.tui.revisit import Revisit

#: The order of the stages; each screen's "continue" goes to the next one.
ORDER: tuple[Stage, ...] = ("assessment", "handover", "results", "goal", "metrics", "plan", "saved")


def autosave(app: BalanceCoachApp, visit: FirstVisit | Revisit) -> None:
    """Save the visit as a draft: its state is taken now and written in the background, so
    the next key is not kept waiting. A failure is shown, never raised: the visit goes on."""

    def failed(exc: Exception) -> None:  # on the writer's thread
        app.call_from_thread(_draft_failed, app, exc)

    try:
        app.drafts.save_soon(visit.draft_kind, visit.slug, visit.to_draft(), on_error=failed)
    except (DataError, DataErrors, OSError) as exc:
        _draft_failed(app, exc)


def _draft_failed(app: BalanceCoachApp, exc: Exception) -> None:
    app.notify(f"The draft could not be saved: {exc}", severity="error", timeout=8, markup=False)


def discard_draft(app: BalanceCoachApp, visit: FirstVisit | Revisit) -> None:
    try:
        app.drafts.discard(visit.draft_kind, visit.slug)
    except (DataError, OSError) as exc:
        app.notify(
            f"The finished draft could not be removed: {exc}", severity="warning", markup=False
        )


def screen_for(visit: FirstVisit) -> Screen:
    """The screen that shows the visit's current stage."""
    stage = visit.stage
    if stage == "assessment":
        from balancecoach.tui.screens.assessment import AssessmentScreen

        return AssessmentScreen(visit)
    if stage == "handover":
        from balancecoach.tui.screens.assessment import HandOverScreen

        return HandOverScreen(visit)
    if stage == "results":
        from balancecoach.tui.screens.results import ResultsScreen

        return ResultsScreen(visit)
    if stage == "goal":
        from balancecoach.tui.screens.goal import GoalScreen

        return GoalScreen(visit)
    if stage == "metrics":
        from balancecoach.tui.screens.metrics import MetricsScreen

        return MetricsScreen(visit)
    if stage == "plan":
        from balancecoach.tui.screens.plan import PlanScreen

        return PlanScreen(visit)
    from balancecoach.tui.screens.saved import SavedScreen

    return SavedScreen(visit)


def advance(app: BalanceCoachApp, visit: FirstVisit, current: Screen) -> None:
    """Move to the next stage: save the draft, then replace the current screen."""
    if visit.stage == "handover":
        visit.stage = "assessment"  # the second respondent's turn
    else:
        visit.stage = ORDER[ORDER.index(visit.stage) + 1]
    autosave(app, visit)
    app.switch_screen(screen_for(visit))


def go_back(app: BalanceCoachApp, visit: FirstVisit, stage: Stage) -> None:
    """Return to an earlier stage, keeping everything entered so far."""
    visit.stage = stage
    autosave(app, visit)
    app.switch_screen(screen_for(visit))


def start_first_visit(
    app: BalanceCoachApp, slug: str, name: str | None, *, at: Stage | None = None
) -> None:
    """Begin (or, when a draft exists for this practice, resume) the first visit; with
    `at`, at that stage unless the visit is already past it. `name` is what the screens
    call the practice (None: the name the draft was saved with, else the folder name)."""
    try:
        data = app.drafts.load(DRAFT_KIND, slug)
    except (DataError, DataErrors) as exc:
        app.notify(
            f"{exc}\nA new visit starts; the damaged draft was left where it is.",
            title="The saved draft could not be read",
            severity="warning",
            timeout=10,
            markup=False,
        )
        data = None
    visit = None
    if data is not None:
        try:
            visit = FirstVisit.from_draft(data)
            app.notify("Picking up where you left off.", title="Draft resumed")
        except ValueError as exc:
            app.notify(f"{exc}; a new visit starts.", severity="warning", markup=False)
    if visit is None:
        visit = FirstVisit(slug=slug, practice_name=name or slug)
    elif name is not None:
        visit.practice_name = name
    if at is not None and ORDER.index(visit.stage) < ORDER.index(at):
        visit.stage = at
    autosave(app, visit)
    app.push_screen(screen_for(visit))


def resume_first_visit(app: BalanceCoachApp, slug: str, name: str | None = None) -> None:
    """Carry on with the practice's unfinished first visit; `name` is the practice's name
    (without it, the name the draft was saved with)."""
    start_first_visit(app, slug, name)

"""The first visit's results: where the doctor and the office manager each stand, how
they differ by dimension, what to talk about first, and what to strengthen, with the
answers behind every recommendation."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable
from typing import ClassVar

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Static, TabbedContent, TabPane

from balancecoach.core.assessment import AssessmentResult
from balancecoach.core.content import RATING_WORDS
from balancecoach.core.errors import DataError
from balancecoach.core.format import signed
from balancecoach.core.scoring import LEAN_GAP, PoleScores, RecommendationResult, RespondentScore
from balancecoach.tui.flow import ROLE_TITLES, ROLES, FirstVisit, score_visit
from balancecoach.tui.journey import advance
from balancecoach.tui.screens.assessment import SHORT
from balancecoach.tui.widgets.footer import KeyBar
from balancecoach.tui.widgets.quadrant import LeanRow, LeanStrips, QuadrantChart, QuadrantPoint
from balancecoach.tui.widgets.title import TitleBar

#: The marker and chart style of each respondent; the practice average is drawn as ◆.
MARKERS = {"doctor": ("D", "first"), "manager": ("M", "second")}
AVERAGE_MARKER = "◆"
#: How many dimensions the table highlights as the widest apart.
HIGHLIGHT = 3

SECTIONS = Binding.Group("Section", compact=True)
ANSWERS = Binding.Group("Answers", compact=True)


def _n(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


def _lean(value: float | None) -> str:
    return "–" if value is None else signed(value)


def marker_of(role: str) -> tuple[str, str]:
    """The respondent's marker on the charts and the chart style that draws it."""
    return MARKERS.get(role, (role[:1].upper() or "?", "first"))


def title_of(role: str) -> str:
    return ROLE_TITLES.get(role, role.title())


def rating_words(rating: int) -> str:
    return f"{RATING_WORDS[rating]} ({rating})"


class ResultsScreen(Screen[None]):
    """Both respondents' results side by side, after both have finished."""

    CSS_PATH = "results.tcss"
    HORIZONTAL_BREAKPOINTS: ClassVar = [(0, "-narrow"), (120, "-wide")]
    COMPONENT_CLASSES: ClassVar[set[str]] = {"results--widest"}
    HELP: ClassVar[str] = """\
## Your results

**How to read them.** *Where you stand* places each of you on two axes: **structure**
(clarity, numbers, goals, systems) across and **people** (empathy, service, connection) up,
with **D** the doctor, **M** the office manager and **◆** the average of the two. The lines
at 60 split the chart into *integrated* (both high), *production-leaning*, *patient-leaning*
and *drifting* (both low). **Lean** is structure − people, from −100 (patient-leaning) to
+100 (production-leaning); when you sit in different quadrants, the average can look
balanced when it is not. *By dimension* sets your scores side by side and highlights where
your leans differ most; *Conversation prompts* are the statements you rated furthest
apart, widest first, each with a question to talk over; *Recommendations* follow each
person's lean and list the answers that triggered them.

**How the scores are computed.** Each answer becomes points toward its statement's pole
(1 → 0, 2 → 25, 3 → 50, 4 → 75, 5 → 100, flipped for statements phrased the other way
round); a pole score is the average of the answered statements on that pole, overall and
per dimension; 60 or more is high. The culture reading comes from the metrics-with-meaning
answers: both high reads as alignment, structure high alone as a risk of fear, structure
not high as uncertainty. A dimension gets a recommendation when one pole is 20 or more points
above the other (strengthen the lower one) or both are under 60; its triggers are the answers
that pulled it that way.

- **1**–**4** switch sections; **↑ ↓ PgUp PgDn** scroll.
- **d** / **m** list the doctor's or the office manager's answers.
- **c** (or the Continue button) goes on to the annual goal.
- **Escape** goes back to the practice; everything is already saved.
"""
    BINDINGS: ClassVar = [
        Binding(
            "1", "section('overview')", "Where you stand", id="results.overview", group=SECTIONS
        ),
        Binding(
            "2", "section('dimensions')", "By dimension", id="results.dimensions", group=SECTIONS
        ),
        Binding(
            "3", "section('prompts')", "Conversation prompts", id="results.prompts", group=SECTIONS
        ),
        Binding(
            "4",
            "section('recommendations')",
            "Recommendations",
            id="results.recommendations",
            group=SECTIONS,
        ),
        Binding("d", "answers('doctor')", "Doctor's answers", id="results.doctor", group=ANSWERS),
        Binding(
            "m",
            "answers('manager')",
            "Office manager's answers",
            id="results.manager",
            group=ANSWERS,
        ),
        Binding("c", "continue", "Continue", id="results.continue"),
        Binding("escape", "back", "Back", id="results.back"),
    ]

    def __init__(self, visit: FirstVisit) -> None:
        super().__init__()
        self.visit = visit
        self.result: AssessmentResult | None = None
        #: Why nothing could be scored, when that happens.
        self.problem = ""
        #: Answers set aside because their statements are no longer asked.
        self.dropped = 0

    # -- building -------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        try:
            self.result, self.dropped = score_visit(self.app.content, self.visit)
        except DataError as exc:
            self.problem = f"These answers could not be scored: {exc}"
        yield TitleBar()
        with TabbedContent(id="results-tabs", initial="overview"):
            with (
                TabPane("1 Where you stand", id="overview"),
                VerticalScroll(classes="results-pane", id="overview-scroll"),
            ):
                yield from self._overview()
            with (
                TabPane("2 By dimension", id="dimensions"),
                VerticalScroll(classes="results-pane", id="dimensions-scroll"),
            ):
                yield from self._dimensions()
            with (
                TabPane("3 Conversation prompts", id="prompts"),
                VerticalScroll(classes="results-pane", id="prompts-scroll"),
            ):
                yield from self._prompts()
            with (
                TabPane("4 Recommendations", id="recommendations"),
                VerticalScroll(classes="results-pane", id="recommendations-scroll"),
            ):
                yield from self._recommendations()
        with Horizontal(id="results-actions"):
            yield Static(
                "Next: the annual goal, worked out together.",
                id="results-hint",
            )
            yield Button("Continue ▸", id="continue", variant="primary", compact=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"{self.visit.practice_name} · results"
        if self.result is not None:
            # The screen's own component styles (the highlight) are ready after a refresh.
            self.call_after_refresh(self._restyle)
            self.app.theme_changed_signal.subscribe(
                self, lambda _theme: self.call_after_refresh(self._restyle)
            )
        self.query_one("#overview-scroll").focus()
        if self.dropped:
            self.notify(
                f"{self.dropped} answer{'s' if self.dropped != 1 else ''} to statements that "
                "are no longer in the question bank were left out of the scores.",
                severity="warning",
            )

    def _respondents(self) -> list[RespondentScore]:
        return [] if self.result is None else list(self.result.respondents)

    def _overview(self) -> Iterable[Static | Horizontal | Vertical]:
        result = self.result
        if result is None:
            yield Static(
                self.problem or "Neither of you has answered yet, so there is nothing to show.",
                id="results-empty",
                markup=False,  # the problem quotes an error message
            )
            return
        people = self._respondents()
        points = [
            QuadrantPoint(
                marker_of(r.role)[0],
                title_of(r.role),
                r.overall.structure,
                r.overall.people,
                marker_of(r.role)[1],
            )
            for r in people
            if r.overall.structure is not None and r.overall.people is not None
        ]
        team = result.team
        if len(people) == 2 and team.structure is not None and team.people is not None:
            points.append(
                QuadrantPoint(
                    AVERAGE_MARKER, "Practice average", team.structure, team.people, "average"
                )
            )
        with Horizontal(id="position"):
            yield QuadrantChart(points, id="quadrant")
            with Vertical(id="position-side"):
                yield Static("", id="positions")
                yield Static(self._start_here(), id="start-here")
        yield Static(self._average_note(), id="average-note")
        yield Static("Culture reading", classes="section-title")
        yield Static(
            "From the metrics-with-meaning answers: a culture that avoids numbers creates "
            "uncertainty, one that fixates on numbers creates fear, and one that connects "
            "numbers to patient outcomes creates alignment.",
            classes="section-note",
        )
        with Horizontal(classes="pair"):
            for r in people:
                yield Static(self._culture(r), classes="culture")

    def _restyle(self) -> None:
        """Draw what carries colours from the stylesheet (again, after a theme change)."""
        self._show_positions()
        self._fill_table()

    def _show_positions(self) -> None:
        chart = self.query_one(QuadrantChart)
        text = Text()
        rows: list[tuple[str, str, str, PoleScores, str]] = []
        for r in self._respondents():
            marker, kind = marker_of(r.role)
            extra = f"{r.answered} of {r.asked} answered"
            rows.append((marker, kind, title_of(r.role), r.overall, extra))
        if len(rows) == 2 and self.result is not None:
            rows.append((AVERAGE_MARKER, "average", "Practice average", self.result.team, ""))
        for n, (marker, kind, title, ps, extra) in enumerate(rows):
            if n:
                text.append("\n")
            text.append(marker, chart.get_component_rich_style(f"quadrant--{kind}", partial=True))
            text.append(f" {title}\n", style="bold")
            text.append(f"  structure {_n(ps.structure)} · people {_n(ps.people)}\n")
            text.append(f"  lean {_lean(ps.lean)}, {ps.quadrant or 'not enough answers'}")
            if extra:
                text.append(f"\n  {extra}")
        cmp_ = self.result.comparison if self.result else None
        if cmp_ is not None and cmp_.agreement is not None:
            text.append(
                f"\n\nAgreement {cmp_.agreement:.0f}% on the {cmp_.shared} statements "
                "you both answered"
            )
        self.query_one("#positions", Static).update(text)

    def _start_here(self) -> Text:
        """The widest conversation prompt, shown beside the chart when there is room."""
        cmp_ = self.result.comparison if self.result else None
        text = Text()
        if cmp_ is None or not cmp_.prompts:
            return text
        top = cmp_.prompts[0]
        text.append("Start here\n", style="bold")
        text.append(f"\u201c{top.text}\u201d\n")
        text.append(
            f"{title_of(cmp_.role_a)}: {rating_words(top.rating_a)} · "
            f"{title_of(cmp_.role_b)}: {rating_words(top.rating_b)}\n"
        )
        text.append(f"Ask: {top.question}")
        return text

    def _average_note(self) -> str:
        people = self._respondents()
        if len(people) < 2:
            only = people[0].role if people else ""
            return (
                f"Only the {title_of(only).lower()} answered, so there is nothing to compare yet."
            )
        a, b = people
        qa, qb = a.overall.quadrant, b.overall.quadrant
        if qa is None or qb is None:
            return "One of you skipped too many statements to place on the chart."
        if qa != qb:
            return (
                f"The average hides a difference: the {title_of(a.role).lower()} sees "
                f"{_a(qa)} practice, the {title_of(b.role).lower()} {_a(qb)} one, so the "
                "average can look balanced when it is not. Start with the conversation "
                "prompts (press 3)."
            )
        return f"You both see the practice as {qa}."

    def _culture(self, r: RespondentScore) -> Text:
        text = Text()
        text.append(title_of(r.role), style="bold")
        if r.culture is None:
            text.append("\nNot enough answers for a reading.")
            return text
        text.append(f": {r.culture.kind}\n")
        text.append(r.culture.text)
        text.append(f"\nFrom {r.culture.evidence}.")
        return text

    # -- by dimension -----------------------------------------------------------------------

    def _dimensions(self) -> Iterable[Static | DataTable | Horizontal]:
        people = self._respondents()
        if not people:
            yield Static("Nothing to show yet.")
            return
        yield Static(
            "Structure and people (0–100) per dimension for each of you; lean = structure − "
            "people. Difference = the doctor's lean − the office manager's: + means the doctor "
            "sees this part of the practice as more production-leaning.",
            classes="section-note",
        )
        with Horizontal(classes="pair", id="dimension-body"):
            yield DataTable(
                id="dimension-table",
                cursor_type="none",
                zebra_stripes=True,
                show_cursor=False,
            )
            with Vertical(id="dimension-side"):
                yield Static(
                    "Lean by dimension (D doctor, M office manager)", classes="section-title"
                )
                yield LeanStrips(self._lean_rows(), id="lean-strips")
                yield Static(self._widest_text(), id="dimension-gaps")

    def _lean_rows(self) -> list[LeanRow]:
        people = self._respondents()

        def leans(pick) -> tuple[tuple[str, float | None, str], ...]:
            return tuple(
                (marker_of(r.role)[0], ps.lean, marker_of(r.role)[1])
                for r in people
                if (ps := pick(r)) is not None
            )

        rows = [
            LeanRow(SHORT.get(dim.id, dim.name), leans(lambda r, d=dim.id: r.dimensions.get(d)))
            for dim in self.app.content.questions.dimension
        ]
        rows.append(LeanRow("Overall", leans(lambda r: r.overall)))
        return [row for row in rows if row.leans]

    def _widest(self) -> list[tuple[str, float]]:
        """The dimensions where the two leans differ most (at least LEAN_GAP apart)."""
        cmp_ = self.result.comparison if self.result else None
        if cmp_ is None:
            return []
        gaps = [(d.dimension, d.lean) for d in cmp_.dimensions if d.lean is not None]
        gaps.sort(key=lambda g: -abs(g[1]))
        return [(dim, gap) for dim, gap in gaps[:HIGHLIGHT] if abs(gap) >= LEAN_GAP]

    def _widest_text(self) -> Text:
        widest = self._widest()
        bank = self.app.content.questions
        text = Text()
        if not widest:
            text.append(
                f"Your leans are within {LEAN_GAP:.0f} points of each other in every dimension."
                if len(self._respondents()) == 2
                else "With one respondent there is nothing to compare."
            )
            return text
        text.append("Where you differ most", style="bold")
        people = {r.role: r for r in self._respondents()}
        for dim, gap in widest:
            text.append(f"\n\n{bank.dimensions[dim].name}: {abs(gap):.0f} points apart\n")
            parts = []
            for role in ROLES:
                ps = people[role].dimensions.get(dim)
                if ps is not None:
                    parts.append(f"{title_of(role)} {_n(ps.structure)} / {_n(ps.people)}")
            text.append(" · ".join(parts) + " (structure / people)")
        return text

    def _fill_table(self) -> None:
        people = self._respondents()
        table = self.query_one("#dimension-table", DataTable)
        table.clear(columns=True)
        table.can_focus = False
        widest_style = self.get_component_rich_style("results--widest", partial=True)
        widest = {dim for dim, _ in self._widest()}
        # The role's name heads its three columns, wrapped to the width of "structure".
        heads = [textwrap.wrap(title_of(r.role), len("structure")) for r in people]
        lines = 1 + max(len(h) for h in heads)
        table.header_height = lines

        def label(*parts: str) -> str:
            return "\n" * (lines - len(parts)) + "\n".join(parts)

        table.add_column(label("Dimension"), key="dimension")
        for n, head in enumerate(heads):
            table.add_column(label(*head, "structure"), key=f"{n}-s")
            table.add_column(label("people"), key=f"{n}-p")
            table.add_column(label("lean"), key=f"{n}-l")
        cmp_ = self.result.comparison if self.result else None
        if cmp_ is not None:
            table.add_column(label("Difference"), key="difference")
        gaps = {d.dimension: d.lean for d in cmp_.dimensions} if cmp_ else {}
        bank = self.app.content.questions

        def cells(name: str, scores: list[PoleScores | None], gap: float | None, hot: bool):
            row: list[RenderableType] = [name]
            for ps in scores:
                if ps is None:
                    row += ["–", "–", "–"]
                else:
                    row += [_n(ps.structure), _n(ps.people), _lean(ps.lean)]
            if cmp_ is not None:
                row.append(_lean(gap) + (" ◀" if hot else "  "))
            style = widest_style if hot else None
            return [
                Text(str(c), style=style or "", justify="left" if i == 0 else "right")
                for i, c in enumerate(row)
            ]

        for dim in bank.dimension:
            if not any(dim.id in r.dimensions for r in people):
                continue
            scores = [r.dimensions.get(dim.id) for r in people]
            hot = dim.id in widest
            table.add_row(
                *cells(SHORT.get(dim.id, dim.name), scores, gaps.get(dim.id), hot), key=dim.id
            )
        overall_gap = None
        if len(people) == 2:
            a, b = people
            if a.overall.lean is not None and b.overall.lean is not None:
                overall_gap = a.overall.lean - b.overall.lean
        table.add_row(
            *cells("Overall", [r.overall for r in people], overall_gap, False), key="overall"
        )

    # -- conversation prompts -----------------------------------------------------------------

    def _prompts(self) -> Iterable[Static | Vertical]:
        cmp_ = self.result.comparison if self.result else None
        if cmp_ is None:
            yield Static(
                "The conversation prompts compare two people's answers; they appear once both "
                "of you have answered.",
                classes="section-note",
            )
            return
        agreement = "–" if cmp_.agreement is None else f"{cmp_.agreement:.0f}%"
        yield Static(
            f"Agreement {agreement} on the {cmp_.shared} statements you both answered "
            "(100% when every answer matches). Below are the statements you rated furthest "
            "apart, widest first. Take them one at a time: each of you says what you see, "
            "then talk the question over.",
            classes="section-note",
        )
        if not cmp_.prompts:
            yield Static(
                "You are never more than one step apart on any statement: no prompt stands out.",
                id="no-prompts",
            )
            return
        bank = self.app.content.questions
        a, b = title_of(cmp_.role_a), title_of(cmp_.role_b)
        for p in cmp_.prompts:
            with Vertical(classes="prompt"):
                yield Static(f"{p.rank}. \u201c{p.text}\u201d", classes="prompt-text", markup=False)
                yield Static(
                    f"{a}: {rating_words(p.rating_a)} · {b}: {rating_words(p.rating_b)}",
                    classes="prompt-ratings",
                    markup=False,
                )
                yield Static(
                    f"{bank.dimensions[p.dimension].name} · {p.statement_id}",
                    classes="prompt-where",
                    markup=False,
                )
                yield Static(f"Ask: {p.question}", classes="prompt-ask", markup=False)

    # -- recommendations ----------------------------------------------------------------------

    def _recommendations(self) -> Iterable[Static | Horizontal]:
        people = self._respondents()
        if not people:
            yield Static("Nothing to show yet.")
            return
        yield Static(
            "Each recommendation follows the person's own lean, dimension by dimension: where "
            "structure is well above people, strengthen people; where people is well above "
            "structure, strengthen structure. The answers that triggered it are listed under it.",
            classes="section-note",
        )
        with Horizontal(classes="pair"):
            for r in people:
                with Vertical(classes="recommendation-column"):
                    count = len(r.recommendations)
                    yield Static(
                        f"From the {title_of(r.role).lower()}'s answers ({count})",
                        classes="section-title",
                    )
                    if not r.recommendations:
                        yield Static(
                            "No dimension leans far enough either way, and none is low on "
                            "both: nothing to strengthen first.",
                            classes="section-note",
                        )
                    for rec in r.recommendations:
                        yield from self._recommendation(rec)

    def _recommendation(self, rec: RecommendationResult) -> Iterable[Static | Vertical]:
        with Vertical(classes="recommendation"):
            yield Static(rec.title, classes="rec-title", markup=False)
            yield Static(
                f"Strengthen {rec.strengthen}. {rec.reason}", classes="rec-reason", markup=False
            )
            yield Static(rec.action, classes="rec-action", markup=False)
            yield Static("Triggered by", classes="rec-triggered")
            yield Static(self._triggers(rec), classes="rec-triggers")

    def _triggers(self, rec: RecommendationResult) -> RenderableType:
        if not rec.triggers:
            return Text("Triggered by the dimension's scores as a whole, not one answer.")
        bank = self.app.content.questions
        grid = Table.grid(padding=(0, 1))
        grid.add_column(no_wrap=True)
        grid.add_column(no_wrap=True)
        grid.add_column(ratio=1)
        for t in rec.triggers:
            reverse = bank.by_id[t.statement_id].reverse
            grid.add_row(
                Text(t.statement_id),
                Text(rating_words(t.rating)),
                Text(t.text + (" (phrased the other way round)" if reverse else "")),
            )
        return grid

    # -- actions ------------------------------------------------------------------------------

    def action_section(self, pane: str) -> None:
        self.query_one("#results-tabs", TabbedContent).active = pane
        self.query_one(f"#{pane}-scroll").focus()

    def action_answers(self, role: str) -> None:
        self.app.push_screen(AnswersScreen(self.visit, role))

    def action_continue(self) -> None:
        advance(self.app, self.visit, self)

    @on(Button.Pressed, "#continue")
    def _continue_pressed(self) -> None:
        self.action_continue()

    def action_back(self) -> None:
        self.app.pop_screen()


class AnswersScreen(ModalScreen[None]):
    """One respondent's answers, dimension by dimension, in words."""

    CSS_PATH = "results.tcss"
    HELP: ClassVar[str] = """\
## Answers

Every statement with this person's answer in words and its number; statements they skipped
say so. **↑ ↓ PgUp PgDn** scroll; **Escape** closes.
"""
    BINDINGS: ClassVar = [Binding("escape", "close", "Close", id="answers.close")]

    def __init__(self, visit: FirstVisit, role: str) -> None:
        super().__init__()
        self.visit = visit
        self.role = role

    def compose(self) -> ComposeResult:
        bank = self.app.content.questions
        mine = self.visit.answers.get(self.role, {})
        answered = sum(1 for s in bank.statement if s.id in mine)
        skipped = len(bank.statement) - answered
        with Vertical(id="answers-box"):
            yield Static(
                f"{title_of(self.role)}'s answers: {answered} answered, {skipped} skipped",
                id="answers-title",
            )
            with VerticalScroll(id="answers-scroll"):
                for dim in bank.dimension:
                    yield Static(dim.name, classes="answers-dimension", markup=False)
                    grid = Table.grid(padding=(0, 1))
                    grid.add_column(no_wrap=True)
                    grid.add_column(
                        no_wrap=True, min_width=max(map(len, map(rating_words, RATING_WORDS)))
                    )
                    grid.add_column(ratio=1)
                    for s in bank.statement:
                        if s.dimension != dim.id:
                            continue
                        rating = mine.get(s.id)
                        grid.add_row(
                            Text(s.id),
                            Text(rating_words(rating) if rating else "skipped"),
                            Text(s.text),
                        )
                    yield Static(grid, classes="answers-list")
            yield Static("Escape closes", id="answers-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#answers-scroll").focus()

    def action_close(self) -> None:
        self.dismiss(None)


def _a(word: str) -> str:
    """The word with its article: "an integrated", "a drifting"."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"

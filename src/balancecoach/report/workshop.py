"""A workshop's exported reports: each practice's quarter summary (Markdown and HTML, the
same as `balancecoach report`) and a cohort summary (`cohort.md`, `cohort.html`): the
agenda, a table of the practices' latest checkpoints beside their previous ones, and a
text quadrant of them all.

Reports name the practices: they go to the coach and to each practice. The letters of the
quadrant are the ones the workshop's anonymised views use (core/workshop.py `letter`).
Nothing is written under a data directory: only into the folder given.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.format import count, percent, signed
from balancecoach.core.workshop import letter

if TYPE_CHECKING:
    from balancecoach.core.content import Content
    from balancecoach.core.workshop import Workshop
    from balancecoach.storage.store import PracticeSummary
    from balancecoach.storage.workshops import Participant

COHORT = "cohort"
#: The cohort quadrant's size in characters: it fits a printed page and a terminal.
QUADRANT_WIDTH = 72
QUADRANT_HEIGHT = 23


@dataclass
class CohortRow:
    """One practice of the cohort summary, from its latest checkpoint and the one before
    (storage/store.py PracticeSummary), and the name of its report if one was written."""

    letter: str
    summary: PracticeSummary
    red: list[str] = field(default_factory=list)  # metric names
    report: str | None = None  # the reports' file name without suffix
    notes: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        s = self.summary
        return s.name + (" (demo)" if s.demo and "demo" not in s.name.casefold() else "")


@dataclass
class Cohort:
    workshop: Workshop
    rows: list[CohortRow]


def lean_change(lean: float | None, previous: float | None) -> str:
    """``−18 → −10 (+8)``; only the latest lean when there is no earlier one. The change
    is worked out from the rounded leans, so the three figures add up as printed."""
    if lean is None:
        return "–"
    if previous is None:
        return signed(lean)
    return f"{signed(previous)} → {signed(lean)} ({signed(round(lean) - round(previous))})"


def _minutes(value: float) -> str:
    return f"{count(value)} min"


def duration(minutes: float) -> str:
    """``45 min``, ``2 h``, ``1 h 45 min`` (to the minute)."""
    hours, rest = divmod(round(minutes), 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def _start(minutes: float) -> str:
    whole = round(minutes)
    return f"{whole // 60}:{whole % 60:02d}"


def agenda_rows(workshop: Workshop) -> list[tuple[str, str, str, str, str]]:
    """(start, title, minutes, flow, note) per segment; start counts from 0:00."""
    rows = []
    at = 0.0
    for seg in workshop.segment:
        rows.append((_start(at), seg.title, _minutes(seg.minutes), seg.flow, seg.note))
        at += seg.minutes
    return rows


def cohort_quadrant(rows: Sequence[CohortRow]) -> str:
    """Every practice with scores at its latest checkpoint (capital letter) and at the
    one before (lowercase), then a legend of the letters."""
    from balancecoach.charts.text_quadrant import Marker, draw_text_quadrant

    markers: list[Marker] = []
    earlier: list[Marker] = []
    legend: list[str] = []
    for row in rows:
        s = row.summary
        if s.structure is None or s.people is None:
            legend.append(f"{row.letter}  {row.name}: no scores yet, not on the chart")
            continue
        markers.append(Marker(row.letter, s.structure, s.people))
        line = f"{row.letter}  {row.name}: {s.last_quarter}"
        if s.prev_structure is not None and s.prev_people is not None:
            earlier.append(Marker(row.letter.lower(), s.prev_structure, s.prev_people))
            line += f" ({row.letter.lower()}: {s.prev_quarter})"
        legend.append(line)
    # the latest positions first, so they keep their exact place
    chart = draw_text_quadrant([*markers, *earlier], QUADRANT_WIDTH, QUADRANT_HEIGHT)
    return "\n".join([chart, "", *legend])


QUADRANT_WORDS = (
    "Structure across, people up, 0–100; 60 or more is high. Capital letters: each "
    "practice's latest checkpoint; lowercase: its checkpoint before that."
)


# --- gathering ----------------------------------------------------------------------------


def _write(path: Path, text: str, written: list[Path]) -> None:
    from balancecoach.storage.toml_write import atomic_write_text

    atomic_write_text(path, text)
    written.append(path)


def _problem_words(exc: DataError | DataErrors) -> list[str]:
    return [str(p) for p in (exc.errors if isinstance(exc, DataErrors) else [exc])]


def _report_name(slug: str, used: set[str]) -> str:
    """`slug`, or `slug-2`, … when another practice of that folder name (from another
    data directory) or the cohort summary has it already."""
    name, n = slug, 2
    while name.casefold() in used:
        name = f"{slug}-{n}"
        n += 1
    used.add(name.casefold())
    return name


def _practice(
    content: Content, participant: Participant, out: Path, used: set[str], written: list[Path]
) -> CohortRow:
    """The cohort row of one practice, and its reports written into `out` when it has a
    checkpoint to report."""
    from balancecoach.report import html, markdown

    store, slug = participant.store, participant.slug
    summary = store.summary(slug)
    metrics = content.metrics.by_id
    row = CohortRow(
        letter(participant.index),
        summary,
        red=[metrics[m].name if m in metrics else m for m in summary.red],
    )
    try:
        practice = store.load_practice(slug)
    except (DataError, DataErrors) as exc:
        row.notes += [f"no report: {p}" for p in _problem_words(exc)]
        return row
    checkpoints, problems = store.load_checkpoints(slug)
    if not checkpoints:
        row.notes.append(
            "no checkpoint yet, so no report: save a first checkpoint, then export again"
        )
        row.notes += [f"did not load: {p}" for p in problems]
        return row
    try:
        report = markdown.gather(content, slug, practice, checkpoints)
    except (DataError, DataErrors) as exc:
        row.notes += [f"no report: {p}" for p in _problem_words(exc)]
        return row
    for p in problems:
        left_out = f"left out of the report, since it did not load: {p}"
        report.problems.append(left_out)
        row.notes.append(left_out)
    name = _report_name(slug, used)
    _write(out / f"{name}.md", markdown.render(report), written)
    _write(out / f"{name}.html", html.render(report), written)
    row.report = name
    return row


def export_workshop(
    workshop: Workshop, participants: Sequence[Participant], out: Path
) -> list[Path]:
    """Write each practice's report (`<slug>.md`, `<slug>.html`) and the cohort summary
    (`cohort.md`, `cohort.html`) into `out`, created when missing; each file is replaced
    atomically. A practice without a checkpoint gets no report, and the cohort summary says
    so. Returns the files written, the cohort summary last."""
    from balancecoach.storage.catalogs import load_content

    if out.exists() and not out.is_dir():
        raise DataError("is a file, not a folder", source=out, hint="give a folder to --export")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot be created: {exc.strerror or exc}", source=out) from None
    content = load_content()
    written: list[Path] = []
    used = {COHORT}
    rows = [_practice(content, p, out, used, written) for p in participants]
    cohort = Cohort(workshop, rows)
    _write(out / f"{COHORT}.md", cohort_markdown(cohort), written)
    _write(out / f"{COHORT}.html", cohort_html(cohort), written)
    return written


# --- Markdown -------------------------------------------------------------------------------


def _heading_meta(workshop: Workshop, practices: int) -> str:
    parts = []
    if workshop.date is not None:
        parts.append(f"Workshop of {workshop.date.isoformat()}")
    parts.append(f"{practices} practice{'s' if practices != 1 else ''}")
    parts.append(f"agenda of {duration(workshop.total_minutes)}")
    return " · ".join(parts)


def _table_cells(row: CohortRow) -> list[str]:
    s = row.summary
    prev = f"{s.prev_quadrant} ({s.prev_quarter})" if s.prev_quadrant else "–"
    return [
        row.letter,
        row.name,
        s.last_quarter or "–",
        lean_change(s.lean, s.prev_lean),
        s.quadrant or "–",
        prev,
        percent(s.agreement) if s.agreement is not None else "–",
        ", ".join(row.red) or "none",
    ]


TABLE_HEADER = (
    "",
    "Practice",
    "Latest",
    "Lean (before → latest)",
    "Quadrant",
    "Quadrant before",
    "Agreement",
    "Metrics in red",
)
TABLE_WORDS = (
    "Lean = structure − people (+ production-leaning, − patient-leaning), from the latest "
    "checkpoint with the change since the one before. Agreement: how closely the doctor's "
    "and the manager's answers match."
)


def cohort_markdown(cohort: Cohort) -> str:
    from balancecoach.report.markdown import FOOTER, _table, md

    w = cohort.workshop
    out = [f"# {md(w.title)}", "", md(_heading_meta(w, len(cohort.rows))), "", "## Agenda", ""]
    agenda = agenda_rows(w)
    notes = any(note for *_, note in agenda)
    header = ("Start", "Segment", "Time", "Flow", *(("Note",) if notes else ()))
    out += _table(
        header,
        [
            (start, md(title), minutes, flow, *((md(note),) if notes else ()))
            for start, title, minutes, flow, note in agenda
        ],
        align="lllll",
    )
    out += ["", "## The practices", ""]
    out += _table(
        TABLE_HEADER,
        [[md(cell) for cell in _table_cells(row)] for row in cohort.rows],
        align="lllrllrl",
    )
    out += ["", md(TABLE_WORDS), ""]
    out += ["## Where the practices stand", "", md(QUADRANT_WORDS), ""]
    out += ["```text", cohort_quadrant(cohort.rows).replace("```", "'''"), "```", ""]
    out += ["## Reports", ""]
    for row in cohort.rows:
        if row.report is not None:
            link = quote(row.report)
            out.append(f"- {row.letter} [{md(row.name)}]({link}.md) · [HTML]({link}.html)")
        else:
            out.append(f"- {row.letter} {md(row.name)}: no report")
        out += [f"  - {md(note)}" for note in row.notes]
    if not cohort.rows:
        out.append("No practice of the workshop could be found.")
    out += ["", "---", "", f"*{md(FOOTER)}*", ""]
    return "\n".join(out)


# --- HTML ---------------------------------------------------------------------------------


def cohort_html(cohort: Cohort) -> str:
    from balancecoach.report.html import CSS, _table, e
    from balancecoach.report.markdown import FOOTER

    w = cohort.workshop
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(w.title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(w.title)}</h1>",
        f'<p class="meta">{e(_heading_meta(w, len(cohort.rows)))}</p>',
        "<h2>Agenda</h2>",
    ]
    agenda = agenda_rows(w)
    notes = any(note for *_, note in agenda)
    out += _table(
        ("Start", "Segment", "Time", "Flow", *(("Note",) if notes else ())),
        [
            [e(start), e(title), e(minutes), e(flow), *([e(note)] if notes else [])]
            for start, title, minutes, flow, note in agenda
        ],
        numeric=(0, 2),
    )
    out.append("<h2>The practices</h2>")
    out += _table(
        TABLE_HEADER,
        [[e(cell) for cell in _table_cells(row)] for row in cohort.rows],
        numeric=(3, 6),
    )
    out.append(f'<p class="small">{e(TABLE_WORDS)}</p>')
    out.append("<h2>Where the practices stand</h2>")
    out.append(f'<p class="small">{e(QUADRANT_WORDS)}</p>')
    out.append(f'<pre class="chart">{e(cohort_quadrant(cohort.rows))}</pre>')
    out.append("<h2>Reports</h2>")
    out.append("<ul>")
    for row in cohort.rows:
        if row.report is not None:
            href = e(quote(row.report) + ".html")
            item = f'{e(row.letter)} <a href="{href}">{e(row.name)}</a>'
        else:
            item = f"{e(row.letter)} {e(row.name)}: no report"
        if row.notes:
            item += '<ul class="small">' + "".join(f"<li>{e(n)}</li>" for n in row.notes) + "</ul>"
        out.append(f"<li>{item}</li>")
    out.append("</ul>")
    if not cohort.rows:
        out.append("<p>No practice of the workshop could be found.</p>")
    out += [f"<footer>{e(FOOTER)}</footer>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)

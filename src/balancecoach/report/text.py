"""Plain-text renderings used by the command line."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from balancecoach.core.content import RATING_WORDS
from balancecoach.core.format import format_value, signed

if TYPE_CHECKING:  # only the command that needs them pays for building these models
    from balancecoach.core.assessment import AssessmentResult
    from balancecoach.core.content import Content
    from balancecoach.core.goals import GoalDerivation
    from balancecoach.core.scoring import PoleScores

WIDTH = 78


def _wrap(text: str, indent: str = "    ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent, subsequent_indent=indent)


def _n(value: float | None, sign: bool = False) -> str:
    if value is None:
        return "–"
    return signed(value) if sign else f"{value:.0f}"


def catalog_questions(content: Content) -> str:
    bank = content.questions
    out: list[str] = []
    for dim in bank.dimension:
        out.append(f"{dim.name} [{dim.id}]")
        for s in bank.statement:
            if s.dimension != dim.id:
                continue
            flags = (
                s.pole.value + (", reverse" if s.reverse else "") + (", pulse" if s.pulse else "")
            )
            out.append(f"  {s.id:<7} ({flags})")
            out += _wrap(s.text, "    ")
        out.append("")
    pulse = len(bank.pulse())
    out.append(
        f"{len(bank.statement)} statements in {len(bank.dimension)} dimensions; "
        f"{pulse} in the quarterly pulse."
    )
    return "\n".join(out)


def catalog_metrics(content: Content) -> str:
    out: list[str] = []
    for m in content.metrics.metric:
        bands = ", ".join(
            f"{b.label} "
            + (
                f"< {format_value(m.unit, b.max)}"
                if b.min is None and b.max is not None
                else f"≥ {format_value(m.unit, b.min)}"
                if b.max is None and b.min is not None
                else f"{format_value(m.unit, b.min or 0)}–{format_value(m.unit, b.max or 0)}"
            )
            for b in m.bands
        )
        out.append(f"{m.name} [{m.id}]  ({m.side} side, speaks to {m.speaks_to})")
        out += _wrap(m.definition)
        out.append(f"    formula: {m.formula}   ({m.better} is better)")
        out += _wrap(f"bands: {bands}")
        out += _wrap(f"source: {m.bands_source}")
        out.append("")
    out.append(f"{len(content.metrics.metric)} metrics.")
    return "\n".join(out)


def catalog_practices(content: Content) -> str:
    out: list[str] = []
    for p in content.practices.practice:
        cadence = p.cadence.replace("_", " ")
        out.append(f"{p.name} [{p.id}]  ({cadence}, owner: {p.owner}, strengthens {p.strengthens})")
        out += _wrap(p.description)
        out.append("")
    out.append(f"{len(content.practices.practice)} communication practices.")
    return "\n".join(out)


def _position(ps: PoleScores) -> str:
    return (
        f"structure {_n(ps.structure)}, people {_n(ps.people)}, "
        f"lean {_n(ps.lean, sign=True)}: {ps.quadrant or 'not enough answers'}"
    )


def assessment(content: Content, result: AssessmentResult) -> str:
    bank = content.questions
    people = result.respondents
    col = 18
    label = max(len(d.name) for d in bank.dimension) + 3
    out = [f"Assessment ({result.item_set} set)", ""]
    out.append(" " * label + "".join(f"{r.role.title():>{col}}" for r in people))

    def row(name: str, values: list[str]) -> None:
        out.append(f"{name:<{label}}" + "".join(f"{v:>{col}}" for v in values))

    row("Structure (0–100)", [_n(r.overall.structure) for r in people])
    row("People (0–100)", [_n(r.overall.people) for r in people])
    row("Lean (structure − people)", [_n(r.overall.lean, sign=True) for r in people])
    row("Quadrant", [str(r.overall.quadrant or "–") for r in people])
    row("Answered", [f"{r.answered}/{r.asked}" for r in people])
    out += ["", "By dimension: structure / people"]
    for dim_id, dim in bank.dimensions.items():
        if all(dim_id not in r.dimensions for r in people):
            continue
        values = []
        for r in people:
            ps = r.dimensions.get(dim_id)
            values.append(f"{_n(ps.structure)} / {_n(ps.people)}" if ps else "–")
        row("  " + dim.name[: label - 3], values)
    out += ["", "Practice position (average): " + _position(result.team)]
    quadrants = {r.overall.quadrant for r in people if r.overall.quadrant}
    if len(quadrants) > 1:
        out += _wrap(
            "The average hides a difference: "
            + ", ".join(f"the {r.role} is {r.overall.quadrant}" for r in people)
            + ". Start with the conversation prompts below.",
            "",
        )
    for r in people:
        if r.culture:
            out += _wrap(f"Culture reading ({r.role}): {r.culture.text}", "")
            out += _wrap(f"from {r.culture.evidence}")
    cmp_ = result.comparison
    if cmp_ is not None:
        agreement = "–" if cmp_.agreement is None else f"{cmp_.agreement:.0f}%"
        out += [
            "",
            f"Agreement between {cmp_.role_a} and {cmp_.role_b}: {agreement} "
            f"over {cmp_.shared} shared answers",
        ]
        if cmp_.prompts:
            out += ["", "Conversation prompts (largest differences first)"]
            for p in cmp_.prompts:
                out += _wrap(f"{p.rank}. \u201c{p.text}\u201d", "  ")
                out += _wrap(
                    f"{cmp_.role_a} {p.rating_a} ({RATING_WORDS[p.rating_a]}), "
                    f"{cmp_.role_b} {p.rating_b} ({RATING_WORDS[p.rating_b]})",
                    "     ",
                )
                out += _wrap(f"Ask: {p.question}", "     ")
    for r in people:
        if not r.recommendations:
            continue
        out += ["", f"Recommendations from the {r.role}'s answers"]
        for rec in r.recommendations:
            out += _wrap(f"- {rec.title} (strengthen {rec.strengthen.value})", "  ")
            out += _wrap(f"why: {rec.reason}", "    ")
            out += _wrap(rec.action, "    ")
            if rec.triggers:
                trig = "; ".join(
                    f"{t.statement_id} rated {t.rating}"
                    + (" (reverse-keyed)" if bank.by_id[t.statement_id].reverse else "")
                    for t in rec.triggers
                )
                out += _wrap(f"triggered by: {trig}", "    ")
    return "\n".join(out)


def goal(derivation: GoalDerivation) -> str:
    return derivation.explanation()

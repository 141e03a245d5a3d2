"""The quarterly one-page summary as one self-contained HTML file: inline CSS, no scripts,
images, fonts or links to anything outside the file, every piece of text escaped. It
reads on screen and prints on one or two pages (colours also carry a word, so a
black-and-white printout loses nothing)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from balancecoach.core.content import RATING_WORDS
from balancecoach.core.format import percent
from balancecoach.report.markdown import (
    DEMO_NOTE,
    FOOTER,
    QuarterReport,
    _lean,
    _n,
    _who,
    drawn_charts,
    no_trend_words,
)

CSS = """
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial,
  sans-serif; color: #1d232a; background: #fff; margin: 0; }
main { max-width: 820px; margin: 0 auto; padding: 24px 28px 32px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 22px 0 8px; padding-bottom: 3px; border-bottom: 2px solid #d9dee3; }
h3 { font-size: 14px; margin: 14px 0 6px; }
p { margin: 6px 0; }
.meta { color: #56606b; margin-bottom: 4px; }
.demo { display: inline-block; background: #fff4d6; border: 1px solid #e5c56a; color: #6b5200;
  padding: 2px 8px; border-radius: 4px; font-size: 12px; margin: 4px 0 8px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 8px; }
th, td { text-align: left; vertical-align: top; padding: 4px 8px;
  border-bottom: 1px solid #e3e7eb; }
th { font-weight: 600; background: #f3f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 2px solid #c9d0d6; }
.status { display: inline-block; min-width: 52px; text-align: center; padding: 1px 6px;
  border-radius: 10px; font-size: 12px; font-weight: 600; border: 1px solid transparent; }
.green { background: #e3f4e8; color: #185c2e; border-color: #9ccfac; }
.amber { background: #fff1d6; color: #7a4d00; border-color: #e6bf73; }
.red { background: #fde4e1; color: #8c1d12; border-color: #eba69c; }
.kept { color: #185c2e; } .partly { color: #7a4d00; } .not { color: #8c1d12; }
.small { color: #56606b; font-size: 12px; }
.note { color: #56606b; }
ol.prompts li { margin-bottom: 6px; }
pre { font: 12px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, monospace;
  background: #f6f8fa; border: 1px solid #e3e7eb; padding: 8px 10px; overflow-x: auto;
  white-space: pre; }
pre.chart { font-size: 11px; line-height: 1.2; background: #fff; }
details summary { cursor: pointer; color: #56606b; }
footer { margin-top: 22px; color: #56606b; font-size: 12px; border-top: 1px solid #e3e7eb;
  padding-top: 8px; }
@media print {
  body { font-size: 11px; }
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  table, pre, ol.prompts li { break-inside: avoid; }
  details > *:not(summary) { display: block; }
  .status { border-color: #888; }
  pre { white-space: pre-wrap; overflow: visible; }
}
"""


def e(text: object) -> str:
    return escape(str(text), quote=True)


def _table(
    header: Sequence[str], rows: Sequence[Sequence[str]], numeric: Sequence[int] = ()
) -> list[str]:
    """A table; the cells of `rows` are HTML already (escaped by the caller)."""
    cls = lambda i: ' class="num"' if i in numeric else ""  # noqa: E731
    out = ["<table>", "<thead><tr>"]
    out += [f"<th{cls(i)}>{e(h)}</th>" for i, h in enumerate(header)]
    out += ["</tr></thead>", "<tbody>"]
    for row in rows:
        out.append("<tr>" + "".join(f"<td{cls(i)}>{c}</td>" for i, c in enumerate(row)) + "</tr>")
    out += ["</tbody>", "</table>"]
    return out


def _status(status: str) -> str:
    if status in ("green", "amber", "red"):
        return f'<span class="status {status}">{e(status)}</span>'
    return e(status)


def _kept(kept: str) -> str:
    known = kept in ("kept", "partly", "not", "done")
    css = "kept" if kept == "done" else kept
    return f'<span class="{css}">{e(kept)}</span>' if known else e(kept)


def render(report: QuarterReport) -> str:
    r = report
    title = f"{r.name} — {r.quarter}"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{e(title)}</h1>",
    ]
    if r.demo:
        out.append(f'<div class="demo">{e(DEMO_NOTE)}</div>')
    set_words = "full assessment" if r.item_set == "full" else "quarterly pulse"
    meta = f"Checkpoint of {r.date} · {set_words} ({r.asked} statements)"
    if r.goal_effective:
        meta += f" · goal in effect from {r.goal_effective}"
    out.append(f'<p class="meta">{e(meta)}</p>')

    out.append("<h2>Where the practice stands</h2>")
    rows = []
    for p in r.positions:
        rows.append(
            [e(p.label), _n(p.structure), _n(p.people), e(_lean(p.lean)), e(p.quadrant or "–")]
        )
    table = _table(("", "Structure", "People", "Lean", "Quadrant"), rows, numeric=(1, 2, 3))
    if r.positions and r.positions[-1].label == "Practice":
        last = max(i for i, line in enumerate(table) if line.startswith("<tr>"))
        table[last] = table[last].replace("<tr>", '<tr class="total">', 1)
    out += table
    out.append(
        '<p class="small">Structure: clarity, numbers, goals, systems. People: empathy, '
        "service, connection. Lean = structure − people (+ production-leaning, − "
        "patient-leaning).</p>"
    )
    if r.split:
        out.append(f"<p>{e(r.split)}</p>")
    if r.agreement is not None:
        line = (
            f"Agreement between {e(r.role_a or 'the two')} and {e(r.role_b or 'partners')}: "
            f"<strong>{e(percent(r.agreement))}</strong>"
        )
        if r.shared:
            line += f" over {r.shared} shared answers"
        if r.previous_agreement is not None:
            line += f" (last quarter {e(percent(r.previous_agreement))})"
        out.append(f"<p>{line}.</p>")
    for role, text in r.culture:
        out.append(f"<p>Culture reading ({e(role)}): {e(text)}</p>")
    if r.trend:
        trend = ", ".join(f"{e(q)} {e(v)}" for q, v in r.trend)
        out.append(f'<p class="small">Practice lean by quarter: {trend}</p>')

    if r.gaps:
        a, b = _who(r.role_a), _who(r.role_b)
        out.append(f"<h2>Where the {e(r.role_a)} and {e(r.role_b)} differ</h2>")
        out += _table(
            ("Dimension", f"{a}: structure / people", f"{b}: structure / people", "Lean gap"),
            [
                [
                    e(g.name),
                    f"{_n(g.a[0])} / {_n(g.a[1])}",
                    f"{_n(g.b[0])} / {_n(g.b[1])}",
                    e(_lean(g.lean_gap)),
                ]
                for g in r.gaps
            ],
            numeric=(1, 2, 3),
        )
        out.append(
            f"<p class=\"small\">Lean gap = {e(r.role_a)}'s lean − {e(r.role_b)}'s lean, "
            "per dimension.</p>"
        )
        if r.prompts:
            out.append("<h3>Start the conversation here</h3>")
            out.append('<ol class="prompts">')
            for p in r.prompts:
                out.append(
                    f'<li>“{e(p.text)}” <span class="small">({e(p.dimension)})</span><br>'
                    f"{e(r.role_a)} {p.rating_a} ({e(RATING_WORDS[p.rating_a])}), "
                    f"{e(r.role_b)} {p.rating_b} ({e(RATING_WORDS[p.rating_b])}).<br>"
                    f"<em>Ask:</em> {e(p.question)}</li>"
                )
            out.append("</ol>")
        else:
            out.append("<p>No statement is two or more rating steps apart this quarter.</p>")

    out.append("<h2>The goal in effect</h2>")
    if r.goal_figures:
        out += _table(
            ("Figure", "Amount"),
            [[e(label), e(value)] for label, value in r.goal_figures],
            numeric=(1,),
        )
        out.append("<details open>")
        out.append("<summary>How this goal was created</summary>")
        out.append(f"<pre>{e(r.goal_explanation)}</pre>")
        out.append("</details>")
    else:
        out.append("<p>No goal was in effect for this quarter.</p>")

    out.append("<h2>Scoreboard</h2>")
    if r.metrics:
        rows = []
        for m in r.metrics:
            view = e(m.people_view)
            if m.at_target:
                view += f'<br><span class="small">At target: {e(m.at_target)}</span>'
            rows.append(
                [e(m.name), e(m.owner or "–"), e(m.value), e(m.target), _status(m.status), view]
            )
        out += _table(
            ("Metric", "Owner", "This quarter", "Target", "Status", "In people"),
            rows,
            numeric=(2,),
        )
    else:
        out.append("<p>No metric actuals were entered for this quarter.</p>")

    out.append("<h2>Trends</h2>")
    drawn = drawn_charts(r)
    if not drawn:
        out.append(f"<p>{e(no_trend_words(r))}</p>")
    for (title, text), chart_data in zip(drawn, r.charts, strict=False):
        if text is None:
            reason = chart_data.series.empty_reason or ""
            out.append(f'<p class="small"><em>{e(title)}</em>: {e(reason)}</p>')
        else:
            out.append(f'<pre class="chart">{e(text)}</pre>')

    out.append("<h2>Communication plan</h2>")
    if r.adherence:
        out.append(f"<p>{e(r.adherence_summary)}</p>")
        out += _table(
            ("Practice", "Owner", "Cadence", "Kept", "Note"),
            [
                [
                    e(a.name),
                    e(a.owner),
                    e(a.cadence),
                    _kept(a.kept),
                    f'<span class="note">{e(a.note)}</span>',
                ]
                for a in r.adherence
            ],
        )
    else:
        out.append("<p>No plan adherence was recorded for this quarter.</p>")

    if r.reflections:
        out.append("<h2>What is working, what to improve</h2>")
        out += _table(
            ("", "What is working", "What to improve"),
            [
                [f"<strong>{e(who)}</strong>", e(w or "–"), e(i or "–")]
                for who, w, i in r.reflections
            ],
        )

    out.append("<h2>Last quarter’s commitments</h2>")
    if r.review:
        out += _table(
            ("Commitment", "Owner", "Due", "Status", "Note"),
            [
                [
                    e(c.text),
                    e(c.owner),
                    e(c.due),
                    _kept(c.status),
                    f'<span class="note">{e(c.note)}</span>',
                ]
                for c in r.review
            ],
        )
    else:
        out.append("<p>None to review: this is the first checkpoint.</p>")

    out.append(f"<h2>Commitments for {e(r.next_quarter)}</h2>")
    if r.commitments:
        out += _table(
            ("Commitment", "Owner", "Due"),
            [[e(c.text), e(c.owner), e(c.due or "–")] for c in r.commitments],
        )
    else:
        out.append("<p>No commitments were set for the coming quarter.</p>")

    if r.coach_notes.strip():
        out.append("<h2>Coach’s notes</h2>")
        out.append(f"<p>{e(r.coach_notes)}</p>")
    for problem in r.problems:
        out.append(f'<p class="small">Note: {e(problem)}</p>')
    out += [f"<footer>{e(FOOTER)}</footer>", "</main>", "</body>", "</html>", ""]
    return "\n".join(out)

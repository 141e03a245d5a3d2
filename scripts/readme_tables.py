#!/usr/bin/env python3
"""Write the README's generated parts from the code and data they describe.

    .venv/bin/python scripts/readme_tables.py           # rewrite the regions in README.md
    .venv/bin/python scripts/readme_tables.py --check   # exit 1 if any region is out of date

A region is the text between two marker comments, e.g. `<!-- cli:start -->` and
`<!-- cli:end -->`; everything outside the regions is left as it is. The regions:

  cli      the command reference, from the argument parser in src/balancecoach/cli.py
  metrics  the metric catalog, from assessments/metrics.toml

(`<!-- perf:start -->` holds the figures from scripts/bench.py and is not written here.)
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))  # run from a checkout without installing

README = ROOT / "README.md"


class ReadmeError(Exception):
    """A README that cannot be updated: its message names the file, line and marker."""


# --- Markdown helpers -------------------------------------------------------------------


def _text(value: str) -> str:
    """Plain text safe in Markdown: no HTML tag or emphasis by accident ("< 40%" stays as
    it is; "<slug>" would be read as a tag)."""
    value = value.replace("\\", "\\\\").replace("*", "\\*").replace("\n", " ")
    return re.sub(r"<(?=[A-Za-z/!?])", "&lt;", value)


def _cell(value: str) -> str:
    """Text for a table cell: a pipe would end the cell, even inside a code span."""
    return value.replace("|", "\\|")


def _code(value: str) -> str:
    return f"`{value}`"


# --- the command reference --------------------------------------------------------------


def _visible(action: argparse.Action) -> bool:
    return action.help is not argparse.SUPPRESS and not isinstance(
        action, argparse._HelpAction | argparse._VersionAction | argparse._SubParsersAction
    )


def _help(parser: argparse.ArgumentParser, action: argparse.Action) -> str:
    """An action's help with %(default)s and the like filled in, as argparse prints it."""
    if not action.help:
        return ""
    return parser._get_formatter()._expand_help(action)


def _shown_value(action: argparse.Action) -> str:
    if action.metavar is not None:
        return str(action.metavar)
    if action.choices is not None:
        return "|".join(str(c) for c in action.choices)
    return action.dest.upper()


def _argument(action: argparse.Action) -> str:
    """How an argument is written in a synopsis: PRACTICE, --quarter Q, --dry-run."""
    if not action.option_strings:
        return _shown_value(action)
    name = max(action.option_strings, key=len)
    if action.nargs == 0:
        return name
    return f"{name} {_shown_value(action)}"


def _synopsis(prog: str, parser: argparse.ArgumentParser) -> str:
    parts = [prog]
    for action in parser._actions:
        if not _visible(action):
            continue
        shown = _argument(action)
        optional = action.option_strings or action.nargs in ("?", "*")
        parts.append(f"[{shown}]" if optional else shown)
    return " ".join(parts)


def _commands(
    parser: argparse.ArgumentParser,
) -> Iterator[tuple[str, str, argparse.ArgumentParser]]:
    """(name, one-line help, parser) of each subcommand, in the order they were added."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                yield name, helps.get(name, ""), sub


def cli_reference(parser: argparse.ArgumentParser | None = None) -> str:
    """The command table and, per command, its synopsis and options, in Markdown."""
    from balancecoach.cli import PROG, build_parser

    parser = parser or build_parser()
    commands = list(_commands(parser))
    top = [a for a in parser._actions if _visible(a)]
    out = ["| command | what it does |", "| --- | --- |"]
    out.append(
        f"| {_code(PROG)} | opens the app on the data directory (the demo practice on first use) |"
    )
    for name, summary, sub in commands:
        positionals = [
            f"[{_argument(a)}]" if a.nargs in ("?", "*") else _argument(a)
            for a in sub._actions
            if _visible(a) and not a.option_strings
        ]
        usage = " ".join([PROG, name, *positionals])
        out.append(f"| {_cell(_code(usage))} | {_cell(_text(summary))} |")
    out.append("")
    for action in top:
        out.append(f"- {_code(_argument(action))}: {_text(_help(parser, action))}.")
    out.append(
        "- `COMMAND --help` prints a command's full help; a `[bracketed]` argument is optional."
    )
    for name, summary, sub in commands:
        out += ["", f"#### `{PROG} {name}`", "", _text(summary[:1].upper() + summary[1:]) + "."]
        out += ["", "```", _synopsis(f"{PROG} {name}", sub), "```"]
        described = [a for a in sub._actions if _visible(a) and a.help]
        if described:
            out.append("")
            for action in described:
                out.append(f"- {_code(_argument(action))}: {_text(_help(sub, action))}")
    return "\n".join(out)


# --- the metric catalog -----------------------------------------------------------------


def _bands(metric) -> str:
    from balancecoach.core.format import format_value

    def one(band) -> str:
        if band.min is None and band.max is not None:
            return f"{band.label} < {format_value(metric.unit, band.max)}"
        if band.max is None and band.min is not None:
            return f"{band.label} ≥ {format_value(metric.unit, band.min)}"
        low = format_value(metric.unit, band.min or 0)
        return f"{band.label} {low} to {format_value(metric.unit, band.max or 0)}"

    return "; ".join(one(b) for b in metric.bands)


def metric_table(content=None) -> str:
    """The catalog as a table, then where each metric's bands come from, in Markdown."""
    if content is None:
        from balancecoach.storage.catalogs import load_content

        content = load_content()
    metrics = content.metrics.metric
    out = [
        "| metric | side | speaks to | formula | better | bands |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for m in metrics:
        cells = [
            f"{_text(m.name)} ({_code(m.id)})",
            m.side,
            m.speaks_to,
            _code(m.formula),
            m.better,
            _text(_bands(m)),
        ]
        out.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    out += ["", f"{len(metrics)} metrics. Where each metric's bands come from:", ""]
    out += [f"- **{_text(m.name)}**: {_text(m.bands_source)}" for m in metrics]
    return "\n".join(out)


#: Each region's name and what writes it.
REGIONS: dict[str, Callable[[], str]] = {
    "cli": cli_reference,
    "metrics": metric_table,
}


# --- reading and writing regions --------------------------------------------------------


def _span(text: str, name: str, source: Path) -> tuple[int, int]:
    """Where the region's content starts and ends (just inside its two markers)."""
    start = re.search(rf"<!--\s*{name}:start\b[^>]*-->\n", text)
    end = re.search(rf"<!--\s*{name}:end\s*-->", text)
    if start is None or end is None:
        missing = f"<!-- {name}:start -->" if start is None else f"<!-- {name}:end -->"
        raise ReadmeError(
            f"{source}: the marker {missing} is missing; put the pair "
            f"<!-- {name}:start --> … <!-- {name}:end --> where the generated text belongs"
        )
    if end.start() < start.end():
        line = text.count("\n", 0, end.start()) + 1
        raise ReadmeError(
            f"{source}, line {line}: <!-- {name}:end --> comes before its start marker; "
            "put the end marker after it"
        )
    return start.end(), end.start()


def rendered() -> dict[str, str]:
    """Each region as the current code and data would write it."""
    return {name: write() for name, write in REGIONS.items()}


def update(text: str, regions: dict[str, str], source: Path = README) -> str:
    """The README with each region's content replaced."""
    for name, body in regions.items():
        begin, end = _span(text, name, source)
        text = text[:begin] + body.rstrip("\n") + "\n" + text[end:]
    return text


def stale(text: str, regions: dict[str, str], source: Path = README) -> list[str]:
    """The names of the regions whose content differs from what would be written."""
    out = []
    for name, body in regions.items():
        begin, end = _span(text, name, source)
        if text[begin:end] != body.rstrip("\n") + "\n":
            out.append(name)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="write nothing; exit 1 if stale")
    parser.add_argument("--readme", type=Path, default=README, help="the file (default README.md)")
    args = parser.parse_args(argv)
    try:
        text = args.readme.read_text(encoding="utf-8")
    except OSError as exc:
        print(f"readme_tables: cannot read {args.readme}: {exc.strerror}", file=sys.stderr)
        return 2
    regions = rendered()
    try:
        if args.check:
            out_of_date = stale(text, regions, args.readme)
            if out_of_date:
                print(
                    f"readme_tables: {args.readme} is out of date in: {', '.join(out_of_date)}; "
                    "run `python scripts/readme_tables.py` to rewrite it",
                    file=sys.stderr,
                )
                return 1
            print(f"{args.readme}: {', '.join(regions)} up to date")
            return 0
        new = update(text, regions, args.readme)
    except ReadmeError as exc:
        print(f"readme_tables: {exc}", file=sys.stderr)
        return 2
    if new != text:
        args.readme.write_text(new, encoding="utf-8")
        print(f"{args.readme}: rewrote {', '.join(stale(text, regions, args.readme))}")
    else:
        print(f"{args.readme}: already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())

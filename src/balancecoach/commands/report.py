"""`balancecoach report PRACTICE` writes a quarter's one-page summary, in Markdown or as a
self-contained HTML file, for a manager to email or print."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any, format_option: Any) -> None:
    p = sub.add_parser(
        "report",
        help="a quarter's one-page summary as Markdown or HTML",
        description=(
            "A one-page summary of a quarter: where the doctor, the manager and the practice "
            "lean, where the two differ and what to ask, the goal and how it was created, the "
            "scoreboard against targets, plan adherence, and the commitments reviewed and set."
        ),
    )
    p.add_argument("practice", metavar="PRACTICE", help="folder name or name of the practice")
    p.add_argument("--quarter", metavar="Q", help="the quarter, like 2026-Q3 (default: the latest)")
    p.add_argument(
        "--format",
        choices=("md", "html"),
        default=None,
        help="md (Markdown, the default) or html; with --out FILE.html, html",
    )
    p.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (replaced atomically), not stdout"
    )
    p.add_argument(
        "--data-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from balancecoach.commands.export import write_output
    from balancecoach.commands.practices import load_history
    from balancecoach.report.markdown import gather
    from balancecoach.storage.catalogs import load_content

    fmt = args.format
    if fmt is None:
        is_html = args.out is not None and args.out.suffix.lower() in (".html", ".htm")
        fmt = "html" if is_html else "md"
    _store, slug, practice, checkpoints = load_history(args)
    report = gather(load_content(), slug, practice, checkpoints, args.quarter)
    if fmt == "html":
        from balancecoach.report.html import render
    else:
        from balancecoach.report.markdown import render
    write_output(render(report), args.out)
    if args.out is not None:
        import sys

        print(f"wrote the {report.quarter} summary to {args.out}", file=sys.stderr)
    return 0

"""`balancecoach workshop FILE` opens a coach's workshop (the presenter view) for the
practices the file names; with --export DIR it writes one report per practice and a cohort
summary instead."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any, format_option: Any) -> None:
    p = sub.add_parser(
        "workshop",
        help="run a coach's workshop for several practices (or --export its reports)",
        description=(
            "Open the presenter view of a workshop file (workshop.toml: the practices taking "
            "part and the agenda; see examples/workshop.toml): the current segment with its "
            "countdown, the practice in focus, facilitator prompts, the cohort view and coach "
            "notes. With --export DIR, write a report per practice and a cohort summary."
        ),
    )
    p.add_argument("file", type=Path, metavar="FILE", help="the workshop file (workshop.toml)")
    p.add_argument(
        "--export",
        type=Path,
        metavar="DIR",
        help="write each practice's report and the cohort summary into DIR, then stop",
    )
    p.add_argument(
        "--anonymise",
        action="store_true",
        help="start with practice names hidden (letters on screen; reports stay named)",
    )
    format_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from balancecoach.cli import store_from
    from balancecoach.storage.workshops import load_workshop, participants

    store = store_from(args)
    workshop = load_workshop(args.file)
    found, problems = participants(workshop, args.file, store)
    import sys

    for problem in problems:
        print(f"balancecoach: {problem}", file=sys.stderr)
    if not found:  # nothing to show or export (not even an empty cohort summary)
        print("balancecoach: no practice of the workshop could be found", file=sys.stderr)
        return 2
    if args.export is not None:
        from balancecoach.report.workshop import export_workshop

        written = export_workshop(workshop, found, args.export)
        for path in written:
            print(path)
        return 0 if not problems else 1
    from balancecoach.tui.app import make_app

    app = make_app(args.data_dir)
    app.start_workshop = (args.file.resolve(), args.anonymise)
    app.run()
    return 0

"""`balancecoach chart PRACTICE KIND` draws one of the progress charts in the terminal, or
prints the data series behind it as JSON."""

from __future__ import annotations

import argparse
from typing import Any

KINDS = ("lean", "quadrant", "metric", "dimensions", "financials")
KIND_HELP = (
    "lean: structure, people and lean per quarter; quadrant: where the doctor, the manager "
    "and the practice stood each quarter; metric: each scoreboard metric against its target "
    "(or only --metric); dimensions: the doctor and the manager by dimension at the latest "
    "checkpoint; financials: production and collections against the goal per quarter"
)


def add_parser(sub: Any, format_option: Any) -> None:
    p = sub.add_parser(
        "chart",
        help="draw a progress chart in the terminal (or print its data as JSON)",
        description=(
            "Draw one of a practice's progress charts from its checkpoints, as text a "
            "terminal shows; with --format json, print the data series behind it instead. "
            + KIND_HELP
            + "."
        ),
    )
    p.add_argument("practice", metavar="PRACTICE", help="folder name or name of the practice")
    p.add_argument("kind", metavar="KIND", help="one of " + ", ".join(KINDS))
    p.add_argument("--metric", metavar="ID", help="with KIND metric: only this metric (id or name)")
    p.add_argument("--width", metavar="W", default="80", help="columns (default 80)")
    p.add_argument("--height", metavar="H", default="24", help="lines per chart (default 24)")
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the chart: auto (when printing to a terminal and NO_COLOR is unset), "
        "always or never",
    )
    format_option(p)
    p.set_defaults(run=run)


def _size(text: str, option: str, low: int, high: int) -> int:
    from balancecoach.core.errors import DataError

    try:
        value = int(text.strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise DataError(f"must be a whole number from {low} to {high}, got {text!r}", field=option)
    return value


def _use_color(choice: str) -> bool:
    import os
    import sys

    if choice != "auto":
        return choice == "always"
    return sys.stdout.isatty() and not os.environ.get("NO_COLOR")


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from balancecoach.core.errors import DataError

    kind = args.kind.strip().lower()
    if kind not in KINDS:
        raise DataError(
            f"there is no {args.kind!r} chart", field="KIND", hint=f"choose {', '.join(KINDS)}"
        )
    if args.metric is not None and kind != "metric":
        raise DataError(
            "goes with the metric chart only",
            field="--metric",
            hint=f"balancecoach chart {args.practice} metric --metric {args.metric}",
        )
    # Checked before drawing so a bad size is one clear line, whatever the data.
    from balancecoach.charts import MIN_HEIGHT, MIN_WIDTH

    width = _size(args.width, "--width", MIN_WIDTH, 400)
    height = _size(args.height, "--height", MIN_HEIGHT, 200)

    from balancecoach.commands.practices import load_history
    from balancecoach.core.series import series_for
    from balancecoach.storage.catalogs import load_content

    _store, slug, practice, checkpoints = load_history(args)
    found = series_for(kind, load_content(), practice, checkpoints, args.metric)
    if args.format == "json":
        data = {
            "practice": slug,
            "name": practice.practice.name,
            "kind": kind,
            "series": [s.to_json() for s in found],
        }
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    from balancecoach.charts import chart

    color = _use_color(args.color)
    if not found:
        print("This practice has no metrics on its scoreboard yet.")
        return 0
    sys.stdout.write("\n\n".join(chart(s, width, height, color) for s in found) + "\n")
    return 0

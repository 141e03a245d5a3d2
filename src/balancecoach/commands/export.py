"""`balancecoach export PRACTICE` writes every checkpoint's metrics and scores as one tidy
table (CSV or JSON) for a spreadsheet or pandas; see report/export.py for the columns."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any, format_option: Any) -> None:
    p = sub.add_parser(
        "export",
        help="export a practice's metrics and scores, quarter by quarter, as CSV or JSON",
        description=(
            "Write one row per quarter and metric, with that quarter's scores on every row "
            "and each raw total in its own input:<name> column. Loads cleanly into a "
            "spreadsheet or pandas."
        ),
    )
    p.add_argument("practice", metavar="PRACTICE", help="folder name or name of the practice")
    p.add_argument("--format", choices=("csv", "json"), default="csv", help="csv (default) or json")
    p.add_argument(
        "--out", type=Path, metavar="FILE", help="write to FILE (replaced atomically), not stdout"
    )
    p.add_argument(
        "--data-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    p.set_defaults(run=run)


def write_output(text: str, out: Path | None) -> None:
    """Print `text`, or replace FILE with it atomically (a failed write leaves FILE as it
    was)."""
    import sys

    if out is None:
        sys.stdout.write(text)
        return
    from balancecoach.core.errors import DataError

    if out.is_dir():
        raise DataError("is a folder; give a file name to write to", source=out)
    from balancecoach.storage.toml_write import atomic_write_text

    try:
        atomic_write_text(out, text)
    except OSError as exc:
        raise DataError(f"could not be written: {exc.strerror or exc}", source=out) from None


def run(args: argparse.Namespace) -> int:
    import json

    from balancecoach.commands.practices import load_history
    from balancecoach.report import export
    from balancecoach.storage.catalogs import load_content

    _store, slug, practice, checkpoints = load_history(args)
    columns, rows = export.table(load_content(), slug, practice, checkpoints)
    if args.format == "json":
        data = export.to_json(slug, practice, columns, rows)
        text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    else:
        text = export.to_csv(columns, rows)
    write_output(text, args.out)
    if args.out is not None:
        import sys

        print(f"wrote {len(rows)} rows to {args.out}", file=sys.stderr)
    return 0

"""`balancecoach schema [--out DIR]`: write the JSON Schemas of practice.toml, checkpoint
and workshop files, generated from the records this version of balancecoach reads.

By default they go into `<data dir>/schemas/`, where the `#:schema` comment at the top of
every file the app writes points, so an editor that understands it (for example Taplo /
Even Better TOML) checks a file while it is edited by hand.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any, format_option: Any) -> None:
    p = sub.add_parser(
        "schema",
        help="write JSON Schemas for practice.toml, checkpoint and workshop files",
        description=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="DIR",
        help="where to write them (default: the schemas folder of the data directory)",
    )
    format_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from balancecoach.core.errors import DataError
    from balancecoach.storage.paths import Layout, data_dir
    from balancecoach.storage.schemas import write_schemas

    folder = args.out if args.out is not None else Layout(data_dir(args.data_dir)).schemas
    if folder.exists() and not folder.is_dir():
        raise DataError("is a file, not a folder", source=folder, hint="give a folder to --out")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DataError(f"cannot be created: {exc.strerror or exc}", source=folder) from None
    written = write_schemas(folder)
    if args.format == "json":
        files = [{"path": str(path), "written": changed} for path, changed in written]
        json.dump({"folder": str(folder), "files": files}, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        for path, changed in written:
            print(f"{path}  ({'written' if changed else 'unchanged'})")
    return 0

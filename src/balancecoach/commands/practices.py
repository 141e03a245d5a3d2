"""`balancecoach practices` lists the practices in the data directory; `balancecoach demo`
adds the bundled demo practice to it."""

from __future__ import annotations

import argparse
from typing import Any

NO_PRACTICES_HINT = (
    "Run `balancecoach demo` to add a demo practice with two years of quarterly history."
)


def add_parser(sub: Any, format_option: Any) -> None:
    p = sub.add_parser(
        "practices",
        help="list the practices in the data directory",
        description=(
            "List the practices in the data directory: name, folder, last checkpoint, lean, "
            "quadrant and number of checkpoints. A file that does not load is shown under its "
            "practice; the list carries on."
        ),
    )
    format_option(p)
    p.set_defaults(run=run)

    p = sub.add_parser(
        "demo",
        help="add the demo practice (two years of quarterly history) to the data directory",
        description=(
            "Copy the bundled demo practice into the data directory. A copy that is already "
            "there is left as it is."
        ),
    )
    format_option(p)
    p.set_defaults(run=run_demo)


def resolve_practice(store: Any, text: str) -> str:
    """The folder name (slug) of the practice `text` names: its folder name, its name as
    written in practice.toml (any case), or the start of a single folder name."""
    from balancecoach.core.errors import DataError
    from balancecoach.storage.paths import slugify

    slugs = store.slugs()
    wanted = text.strip()
    if wanted in slugs:
        return wanted
    if slugify(wanted) in slugs:
        return slugify(wanted)
    by_name = [row.slug for row in store.summaries() if row.name.casefold() == wanted.casefold()]
    if len(by_name) == 1:
        return by_name[0]
    prefix = [s for s in slugs if wanted and s.startswith(slugify(wanted))]
    if len(prefix) == 1:
        return prefix[0]
    if len(by_name) > 1 or len(prefix) > 1:
        several = ", ".join((by_name or prefix)[:5])
        raise DataError(
            f"{text!r} matches more than one practice ({several})",
            source=store.layout.practices,
            hint="give the practice's folder name, as listed by `balancecoach practices`",
        )
    if not slugs:
        raise DataError(
            f"there is no practice {text!r}: the data directory has no practices yet",
            source=store.layout.practices,
            hint="`balancecoach demo` adds the demo practice",
        )
    raise DataError(
        f"there is no practice {text!r}",
        source=store.layout.practices,
        hint="`balancecoach practices` lists the practices and their folder names",
    )


def _lean(value: float | None) -> str:
    from balancecoach.core.format import signed

    return "–" if value is None else signed(value)


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from balancecoach.cli import store_from

    store = store_from(args)
    rows = store.summaries()
    if args.format == "json":
        data: dict[str, Any] = {
            "data_dir": str(store.root),
            "practices": [
                {
                    "slug": r.slug,
                    "name": r.name,
                    "demo": r.demo,
                    "last_quarter": r.last_quarter,
                    "lean": r.lean,
                    "quadrant": r.quadrant,
                    "checkpoints": r.checkpoints,
                    "problems": [str(p) for p in r.problems],
                }
                for r in rows
            ],
        }
        if not rows:
            data["hint"] = NO_PRACTICES_HINT
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if not rows:
        print(f"No practices in {store.root} yet.")
        print(NO_PRACTICES_HINT)
        return 0
    header = ("Practice", "Folder", "Last", "Lean", "Quadrant", "Checkpoints")
    table = [
        (
            r.name + (" [demo]" if r.demo and "demo" not in r.name.casefold() else ""),
            r.slug,
            r.last_quarter or "–",
            _lean(r.lean),
            r.quadrant or "–",
            str(r.checkpoints),
        )
        for r in rows
    ]
    widths = [max(len(h), *(len(t[i]) for t in table)) for i, h in enumerate(header)]
    right = {3, 5}

    def line(cells: tuple[str, ...]) -> str:
        parts = [
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        ]
        return "  ".join(parts).rstrip()

    out = [f"Practices in {store.root}", "", line(header)]
    for r, cells in zip(rows, table, strict=True):
        out.append(line(cells))
        out += [f"    problem: {p}" for p in r.problems]
    bad = sum(1 for r in rows if r.problems)
    out += ["", f"{len(rows)} practice{'s' if len(rows) != 1 else ''}."]
    if bad:
        out[-1] += f" {bad} with files that did not load (shown above; the rest is listed)."
    print("\n".join(out))
    return 0


def run_demo(args: argparse.Namespace) -> int:
    import json
    import sys

    from balancecoach.cli import store_from
    from balancecoach.storage.demo import install_demo, is_installed

    store = store_from(args)
    already = is_installed(store)
    slug = install_demo(store)
    folder = store.layout.practice_dir(slug)
    if args.format == "json":
        data = {"slug": slug, "path": str(folder), "installed": not already}
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    if already:
        print(f"The demo practice is already in {folder}; it was left as it is.")
    else:
        print(f"Installed the demo practice in {folder}.")
    print(f"Try: balancecoach report {slug}")
    return 0


def load_history(args: argparse.Namespace) -> tuple[Any, str, Any, list[Any]]:
    """(store, slug, practice, checkpoints oldest first) for ``args.practice``. A file that
    does not load stops the command: a report or export must not quietly leave out a
    quarter."""
    from balancecoach.cli import store_from
    from balancecoach.core.errors import DataError

    store = store_from(args)
    slug = resolve_practice(store, args.practice)
    practice = store.load_practice(slug)
    checkpoints, problems = store.load_checkpoints(slug)
    if problems:
        first = problems[0]
        here = sum(1 for p in problems[1:] if str(p.source) == str(first.source))
        files = len({str(p.source) for p in problems} - {str(first.source)})
        extra = [
            f"{here} more problem{'s' if here > 1 else ''} in this file" if here else "",
            f"{files} more file{'s' if files > 1 else ''} also did not load" if files else "",
        ]
        if here or files:
            first = DataError(
                first.message,
                source=first.source,
                line=first.line,
                field=first.field,
                hint="; ".join(
                    filter(None, [first.hint, *extra, "`balancecoach validate` lists them"])
                ),
            )
        raise first
    return store, slug, practice, checkpoints

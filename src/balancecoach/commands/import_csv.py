"""`balancecoach import PRACTICE FILE.csv`: a quarter's metric actuals from a CSV file.

The figures are the raw inputs of catalog metrics (counts, amounts, hours), never the
computed percentage: the app computes the value, its status against the practice's target
and its people view ("62% = 31 of 50 patients moved forward with care").

Long layout, one row per input (header row required, columns in any order):

    quarter,metric,input,value
    2026-Q3,case_acceptance,accepted,31
    2026-Q3,case_acceptance,presented,50
    2026-Q3,collection_rate,collections,"241,500"
    2026-Q3,collection_rate,net_production,"248,000"

Wide layout, one row per metric: no `input` column; the other columns are named after
catalog inputs and each row fills in those of its own metric (leave the rest empty):

    quarter,metric,accepted,presented,collections,net_production
    2026-Q3,case_acceptance,31,50,,
    2026-Q3,collection_rate,,,"241,500","248,000"

  A metric that is one input divided by another may use `numerator,denominator` columns
  (case_acceptance: accepted, presented); a metric with one input may use `value`.

Names: columns are matched without regard to case. A metric is its id or its name
("Case acceptance"); an input is its name or its label. Other names are mapped:

  --map "quarter=Period,metric=KPI,input=Field,value=Amount"   which column holds what
  --map "presented=Plans Presented"                             (wide: a column per input)
  --map-metric "Case Acceptance %=case_acceptance"              a metric under another name
  --map-input "Plans Presented=presented"                       an input under another name

Each option may be repeated and holds NAME=VALUE pairs separated by commas. `--quarter`
fills in the quarter for rows (or files) without one; rows for another quarter are then
rejected. Numbers may have a currency sign and thousands commas ("$1,250.50"); the decimal
mark is a point. UTF-8 with or without BOM, CRLF, and `,` `;` tab or `|` separators are
read (the separator is found from the header row, or given with --delimiter).

Nothing is written unless every row is good: any rejected row (unknown metric or input,
not a number, negative, bad quarter, duplicate, a metric missing an input so it cannot be
computed) is listed with its line, and the exit status is 1. Otherwise each quarter's
checkpoint (practices/<slug>/checkpoints/<YYYY>-Q<n>.toml) gets those metrics, replacing
the same metrics already there and keeping everything else; a quarter without a
checkpoint gets a new one. --dry-run shows what would be written.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_parser(sub: Any, format_option: Any) -> None:
    p = sub.add_parser(
        "import",
        help="import a quarter's metric actuals from a CSV file into a checkpoint",
        description=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("practice", metavar="PRACTICE", help="the practice's folder name (or name)")
    p.add_argument("file", type=Path, metavar="FILE.csv")
    p.add_argument("--quarter", metavar="YYYY-Qn", help="the quarter for rows without one")
    p.add_argument(
        "--map",
        action="append",
        metavar="FIELD=COLUMN,…",
        help="which columns hold quarter, metric, input, value (or an input's figures)",
    )
    p.add_argument(
        "--map-metric",
        action="append",
        metavar="NAME=METRIC,…",
        help="metric names used in the file, mapped to catalog ids",
    )
    p.add_argument(
        "--map-input",
        action="append",
        metavar="NAME=INPUT,…",
        help="input names used in the file, mapped to catalog input names",
    )
    p.add_argument("--delimiter", metavar="CHAR", help=", ; tab or | (default: from the header)")
    p.add_argument(
        "--dry-run", action="store_true", help="show what would be written; write nothing"
    )
    format_option(p)
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import datetime as dt
    import json
    import sys

    from balancecoach.cli import store_from
    from balancecoach.core.errors import DataError
    from balancecoach.core.records import Checkpoint, Quarter
    from balancecoach.core.snapshots import metric_actual
    from balancecoach.storage import csv_import
    from balancecoach.storage import store as store_module
    from balancecoach.storage.catalogs import load_content
    from balancecoach.storage.paths import slugify

    columns = csv_import.parse_pairs(args.map, "--map")
    metric_names = csv_import.parse_pairs(args.map_metric, "--map-metric")
    input_names = csv_import.parse_pairs(args.map_input, "--map-input")
    quarter = csv_import.quarter_option(args.quarter)
    delimiter = csv_import.delimiter_option(args.delimiter)

    store = store_from(args)
    slugs = store.slugs()
    slug = args.practice if args.practice in slugs else slugify(args.practice)
    if slug not in slugs:
        raise DataError(
            f"no practice {args.practice!r} in {store.layout.practices}",
            source="PRACTICE",
            hint=f"known practices: {', '.join(slugs)}" if slugs else "create a practice first",
        )
    practice = store.load_practice(slug)
    content = load_content()
    today = dt.date.today()
    found = csv_import.read_csv_actuals(
        args.file,
        content.metrics,
        quarter=str(quarter) if quarter else None,
        columns=columns,
        metric_names=metric_names,
        input_names=input_names,
        delimiter=delimiter,
        today=today,
    )
    base = {
        "practice": slug,
        "name": practice.practice.name,
        "file": str(args.file),
        "layout": found.layout,
        "delimiter": found.delimiter,
        "rows": found.rows,
        "ignored_columns": found.ignored_columns,
        "dry_run": bool(args.dry_run),
    }
    if not found.ok:
        if args.format == "json":
            data = {
                **base,
                "written": False,
                "rejected": [
                    {"line": r.line, "reason": r.reason, "reasons": list(r.reasons)}
                    for r in found.rejected
                ],
            }
            json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
            sys.stdout.write("\n")
        else:
            for r in found.rejected:
                print(r.describe(args.file))
            print(
                f"{len(found.rejected)} of {found.rows} rows rejected; nothing was written "
                f"to {practice.practice.name}."
            )
        return 1

    targets = {m.id: m.target for m in practice.metric}
    plans: list[dict[str, Any]] = []
    for q in found.quarters:
        path = store.layout.checkpoint_file(slug, q)
        # A checkpoint that does not load stops the import here, before anything is written.
        existing = store_module.load_checkpoint_file(path) if path.exists() else None
        actuals, shown = [], []
        for rows in (m for m in found.metrics if m.quarter == q):
            actual = metric_actual(rows.metric, rows.inputs, targets.get(rows.metric.id), str(path))
            actuals.append(actual)
            shown.append(_shown(rows, actual, targets.get(rows.metric.id) is not None))
        plans.append(
            {
                "quarter": q,
                "path": path,
                "created": existing is None,
                "checkpoint": _merge(existing, Quarter(q), actuals, today, Checkpoint),
                "metrics": shown,
            }
        )
    if not args.dry_run:
        for plan in plans:
            store.save_checkpoint(slug, plan["checkpoint"])

    if args.format == "json":
        data = {
            **base,
            "written": not args.dry_run,
            "checkpoints": [
                {
                    "quarter": plan["quarter"],
                    "path": str(plan["path"]),
                    "created": plan["created"],
                    "metrics": plan["metrics"],
                }
                for plan in plans
            ],
            "rejected": [],
        }
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
        return 0
    print(_text(base, plans, found, bool(args.dry_run)))
    return 0


def _merge(existing, quarter, actuals, today, checkpoint_type):
    """The quarter's checkpoint with these metrics replaced or added, all else kept."""
    if existing is None:
        return checkpoint_type(quarter=str(quarter), date=min(today, quarter.end), metric=actuals)
    new = {a.id: a for a in actuals}
    metric = [new.pop(m.id, m) for m in existing.metric] + list(new.values())
    return existing.model_copy(update={"metric": metric})


def _shown(rows, actual, has_target: bool) -> dict[str, Any]:
    from balancecoach.core.format import format_value
    from balancecoach.core.metrics import MetricValue, people_view

    metric = rows.metric
    value = MetricValue(
        metric_id=metric.id,
        inputs=actual.inputs,
        value=actual.value,
        band=metric.band_for(actual.value).label,
    )
    return {
        "id": metric.id,
        "name": metric.name,
        "inputs": actual.inputs,
        "value": actual.value,
        "formatted": format_value(metric.unit, actual.value),
        "band": value.band,
        "target": actual.target.model_dump(exclude_none=True) if actual.target else None,
        "target_text": actual.target.describe(metric.unit) if actual.target else None,
        "status": actual.status,
        "people_view": people_view(metric, value),
        "lines": rows.lines,
        "on_scoreboard": has_target,
    }


def _text(base: dict[str, Any], plans: list[dict[str, Any]], found, dry_run: bool) -> str:
    out: list[str] = []
    for plan in plans:
        what = "new checkpoint" if plan["created"] else "checkpoint updated"
        if dry_run:
            what = ("would create" if plan["created"] else "would update") + " the checkpoint"
        out.append(f"{plan['quarter']}  {plan['path']}  ({what})")
        width = max(len(m["name"]) for m in plan["metrics"])
        for m in plan["metrics"]:
            judged = (
                f"target {m['target_text']}: {m['status']}"
                if m["target_text"]
                else "not on the scoreboard"
            )
            out.append(f"  {m['name']:<{width}}  {m['formatted']:>10}  {judged}")
            out.append(f"  {'':<{width}}  {'':>10}  {m['people_view']}")
    n = sum(len(p["metrics"]) for p in plans)
    quarters = len(plans)
    verb = "Would import" if dry_run else "Imported"
    out.append(
        f"{verb} {n} metric{'s' * (n != 1)} for {quarters} quarter{'s' * (quarters != 1)} "
        f"into {base['name']} from {base['file']} ({base['layout']} layout, {base['rows']} rows)."
    )
    if base["ignored_columns"]:
        out.append(f"Columns not used: {', '.join(base['ignored_columns'])}.")
    if dry_run:
        out.append("Dry run: nothing was written.")
    return "\n".join(out)

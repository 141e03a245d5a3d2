"""Command line: `balancecoach COMMAND …`. Non-interactive commands never import Textual."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from balancecoach import __version__

PROG = "balancecoach"


def _emit(args: argparse.Namespace, text: Callable[[], str], data: Callable[[], Any]) -> None:
    if args.format == "json":
        json.dump(data(), sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(text() + "\n")


def cmd_catalog(args: argparse.Namespace) -> int:
    from balancecoach.report import text
    from balancecoach.storage.catalogs import load_content

    content = load_content()
    part = {
        "questions": (text.catalog_questions, content.questions),
        "metrics": (text.catalog_metrics, content.metrics),
        "practices": (text.catalog_practices, content.practices),
    }[args.kind]
    render, model = part
    _emit(args, lambda: render(content), lambda: model.model_dump(mode="json"))
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from balancecoach.core.assessment import assess
    from balancecoach.report import text
    from balancecoach.storage.catalogs import load_content
    from balancecoach.storage.inputs import load_answers

    content = load_content()
    result = assess(content, load_answers(args.file, content))
    _emit(args, lambda: text.assessment(content, result), lambda: result.model_dump(mode="json"))
    return 0


def cmd_goal(args: argparse.Namespace) -> int:
    from balancecoach.core.goals import derive_goal
    from balancecoach.report import text
    from balancecoach.storage.inputs import load_goal_inputs

    derivation = derive_goal(load_goal_inputs(args.file))

    def data() -> dict[str, Any]:
        out = derivation.model_dump(mode="json")
        for name in (
            "monthly_collection",
            "monthly_production",
            "daily_production",
            "daily_collection",
            "per_hour_production",
            "per_provider_production",
        ):
            out[name] = getattr(derivation, name)
        out["explanation"] = derivation.explanation()
        return out

    _emit(args, lambda: text.goal(derivation), data)
    return 0


def store_from(args: argparse.Namespace):  # -> PracticeStore
    """The practice store for --data-dir, $BALANCECOACH_HOME or the user data directory."""
    from balancecoach.storage.paths import data_dir
    from balancecoach.storage.store import PracticeStore

    return PracticeStore(data_dir(args.data_dir))


#: Modules that add further commands: each defines ``add_parser(sub)`` which registers its
#: subcommand with ``set_defaults(run=...)``. They import only argparse at the top.
COMMAND_MODULES: tuple[str, ...] = (
    "import_csv",
    "validate",
    "schema",
    "practices",
    "export",
    "report",
    "chart",
    "workshop",
    "serve",
)


def _format_option(parser: argparse.ArgumentParser) -> None:
    # --data-dir is accepted after the command too (`balancecoach practices --data-dir X`).
    parser.add_argument(
        "--data-dir", type=Path, metavar="DIR", default=argparse.SUPPRESS, help=argparse.SUPPRESS
    )
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default), json for scripts",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=(
            "Coach a dental practice's doctor and office manager toward a practice that is "
            "both productive and patient-centred."
        ),
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="where practices are kept (default: $BALANCECOACH_HOME, else the user data folder)",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("catalog", help="list the questions, metrics or communication practices")
    p.add_argument("kind", choices=("questions", "metrics", "practices"))
    _format_option(p)
    p.set_defaults(run=cmd_catalog)

    p = sub.add_parser("score", help="score one or two respondents' answers from a TOML file")
    p.add_argument("file", type=Path, metavar="ANSWERS.toml")
    _format_option(p)
    p.set_defaults(run=cmd_score)

    p = sub.add_parser("goal", help="derive the annual collection and production goal")
    p.add_argument("file", type=Path, metavar="INPUTS.toml")
    _format_option(p)
    p.set_defaults(run=cmd_goal)

    import importlib

    for name in COMMAND_MODULES:
        importlib.import_module(f"balancecoach.commands.{name}").add_parser(sub, _format_option)
    return parser


def run_tui(args: argparse.Namespace) -> int:
    """No command: open the interface on the data directory (the demo on first use)."""
    from balancecoach.tui.app import make_app

    make_app(args.data_dir).run()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        return run_tui(args)
    from balancecoach.core.errors import DataError, DataErrors

    try:
        return args.run(args)
    except (DataError, DataErrors) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (e.g. `head`) went away: not an error worth a traceback.
        sys.stderr.close()
        return 0

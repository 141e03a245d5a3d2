"""`balancecoach validate [PATH]`: check the files of the data directory, one practice
folder, or a single file, and list every problem found, one line each.

What is checked:

* practice.toml: it loads; the metrics on its scoreboard are in the metric catalog; the
  communication practices in its plan are in the practice catalog;
* checkpoints/<YYYY>-Q<n>.toml: it loads (a valid quarter, the file named after it); its
  metrics are in the catalog with exactly the catalog's inputs; every answered statement
  is in the question bank; scored dimensions and kept practices exist;
* drafts: TOML syntax only (the app checks the rest when it resumes one);
* schemas/*.schema.json: JSON syntax, and that they match this version of balancecoach;
* a single file given by hand may also be an answers file or goal inputs file.

Exit status 0 with "N files checked, no problems"; 1 when there are problems; 2 when the
PATH itself cannot be checked (missing, or not a balancecoach folder).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from balancecoach.core.content import Content
    from balancecoach.core.errors import DataError


def add_parser(sub: Any, format_option: Any) -> None:
    p = sub.add_parser(
        "validate",
        help="check practice, checkpoint and draft files and list every problem",
        description=__doc__.split("\n", 2)[2],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "path",
        nargs="?",
        type=Path,
        metavar="PATH",
        help="the data directory (default), a practice folder, or one file",
    )
    format_option(p)
    p.set_defaults(run=run)


_QUARTER_NAME = re.compile(r"^\d{4}-Q\d+$", re.IGNORECASE)
_GOAL_KEYS = {"collection_rate", "adjustment_rate", "overhead", "doctor_compensation"}


class Checker:
    """Collects the problems of every file it is shown."""

    def __init__(self, content: Content) -> None:
        self.content = content
        self.files: list[Path] = []
        self.problems: list[DataError] = []

    # --- collecting ----------------------------------------------------------------

    def _add(self, exc: Exception) -> None:
        from balancecoach.core.errors import DataError, DataErrors

        if isinstance(exc, DataErrors):
            self.problems.extend(exc.errors)
        elif isinstance(exc, DataError):
            self.problems.append(exc)
        else:  # pragma: no cover - loaders raise only DataError(s)
            raise exc

    def _problem(self, message: str, path: Path, **where: Any) -> None:
        from balancecoach.core.errors import DataError

        self.problems.append(DataError(message, source=path, **where))

    def _checked(self, path: Path) -> None:
        self.files.append(path)

    # --- folders -------------------------------------------------------------------

    def data_dir(self, root: Path) -> None:
        practices = root / "practices"
        if practices.is_dir():
            for folder in _visible(practices):
                if folder.is_dir():
                    self.practice_dir(folder)
        self.drafts(root / "drafts")
        schemas = root / "schemas"
        if schemas.is_dir():
            for path in _visible(schemas):
                if path.is_file() and path.suffix == ".json":
                    self.schema(path)

    def practice_dir(self, folder: Path) -> None:
        from balancecoach.storage.paths import slugify

        if folder.name != slugify(folder.name):
            self._problem(
                "is not a practice folder name balancecoach can open",
                folder,
                hint="rename it with lowercase letters, digits and hyphens only",
            )
        practice = folder / "practice.toml"
        if practice.is_file():
            self.practice(practice)
        else:
            self._problem(
                "practice.toml is missing",
                folder,
                hint="every practice folder needs its practice.toml",
            )
        self.checkpoints(folder / "checkpoints")
        self.drafts(folder / "drafts")
        for path in _visible(folder):
            if path.is_file() and path.suffix == ".toml" and path.name != "practice.toml":
                self.toml_syntax(path)

    def checkpoints(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        for path in _visible(folder):
            if path.is_file() and path.suffix == ".toml":
                self.checkpoint(path)

    def drafts(self, folder: Path) -> None:
        if not folder.is_dir():
            return
        for path in _visible(folder):
            if path.is_file() and path.suffix == ".toml":
                self.toml_syntax(path)

    # --- files ---------------------------------------------------------------------

    def file(self, path: Path) -> None:
        """One file given by hand: its kind comes from its name and place, else its keys."""
        from balancecoach.core.errors import DataError
        from balancecoach.storage.toml_read import read_toml

        if path.name.endswith(".json"):
            self.schema(path)
            return
        if path.name == "practice.toml":
            self.practice(path)
            return
        if path.parent.name == "checkpoints" or _QUARTER_NAME.match(path.stem):
            self.checkpoint(path)
            return
        if path.parent.name == "drafts":
            self.toml_syntax(path)
            return
        try:
            data, _ = read_toml(path)
        except DataError as exc:
            self._checked(path)
            self._add(exc)
            return
        if "quarter" in data:
            self.checkpoint(path)
        elif isinstance(data.get("practice"), dict):
            self.practice(path)
        elif "respondent" in data:
            self.answers(path)
        elif _GOAL_KEYS & data.keys():
            self.goal_inputs(path)
        else:
            self._checked(path)
            self._problem(
                "is not a file balancecoach knows (practice, checkpoint, answers, goal inputs)",
                path,
                hint="a practice file has a [practice] table; a checkpoint has quarter = ...",
            )

    def toml_syntax(self, path: Path) -> None:
        from balancecoach.core.errors import DataError
        from balancecoach.storage.toml_read import read_toml

        self._checked(path)
        try:
            read_toml(path)
        except DataError as exc:
            self._add(exc)

    def schema(self, path: Path) -> None:
        import json

        from balancecoach.core.errors import DataError
        from balancecoach.storage.schemas import REGENERATE, SCHEMAS, schema
        from balancecoach.storage.toml_read import read_text

        self._checked(path)
        try:
            data = json.loads(read_text(path))
        except DataError as exc:
            self._add(exc)
            return
        except json.JSONDecodeError as exc:
            self._problem(f"is not valid JSON: {exc.msg}", path, line=exc.lineno)
            return
        if path.name in SCHEMAS and data != schema(path.name):
            self._problem(
                "is out of date for this version of balancecoach",
                path,
                hint=f"run `{REGENERATE}` to rewrite it",
            )

    def practice(self, path: Path) -> None:
        from balancecoach.core.errors import DataError, DataErrors
        from balancecoach.storage.store import load_practice_file
        from balancecoach.storage.toml_read import find_line, read_text

        self._checked(path)
        try:
            practice = load_practice_file(path)
        except (DataError, DataErrors) as exc:
            self._add(exc)
            return
        text = read_text(path)
        metrics = self.content.metrics.by_id
        for i, choice in enumerate(practice.metric):
            if choice.id not in metrics:
                self._problem(
                    f"unknown metric {choice.id!r}",
                    path,
                    line=find_line(text, ("metric", i, "id")),
                    field=f"metric[{i}].id",
                    hint="see `balancecoach catalog metrics` for the ids",
                )
        practices = self.content.practices.by_id
        for i, item in enumerate(practice.plan):
            if item.practice not in practices:
                self._problem(
                    f"unknown communication practice {item.practice!r}",
                    path,
                    line=find_line(text, ("plan", i, "practice")),
                    field=f"plan[{i}].practice",
                    hint="see `balancecoach catalog practices` for the ids",
                )

    def checkpoint(self, path: Path) -> None:
        from balancecoach.core.errors import DataError, DataErrors
        from balancecoach.storage.store import load_checkpoint_file
        from balancecoach.storage.toml_read import find_line, read_text

        self._checked(path)
        try:
            checkpoint = load_checkpoint_file(path)
        except (DataError, DataErrors) as exc:
            self._add(exc)
            return
        text = read_text(path)
        metrics = self.content.metrics.by_id
        for i, actual in enumerate(checkpoint.metric):
            metric = metrics.get(actual.id)
            if metric is None:
                self._problem(
                    f"unknown metric {actual.id!r}",
                    path,
                    line=find_line(text, ("metric", i, "id")),
                    field=f"metric[{i}].id",
                    hint="see `balancecoach catalog metrics` for the ids",
                )
                continue
            line = find_line(text, ("metric", i, "inputs"))
            inputs = {spec.name: spec for spec in metric.inputs}
            expected = ", ".join(inputs)
            for name, value in actual.inputs.items():
                spec = inputs.get(name)
                if spec is None:
                    self._problem(
                        f"({actual.id}) {metric.name} has no input {name!r}",
                        path,
                        line=line,
                        field=f"metric[{i}].inputs.{name}",
                        hint=f"its inputs are {expected}",
                    )
                elif spec.unit == "count" and not float(value).is_integer():
                    self._problem(
                        f"({actual.id}) {spec.label} is a count and must be a whole number "
                        f"(got {value!r})",
                        path,
                        line=line,
                        field=f"metric[{i}].inputs.{name}",
                    )
            for name, spec in inputs.items():
                whole = inputs.get(spec.at_most or "")
                if whole and actual.inputs.get(name, 0) > actual.inputs.get(whole.name, 1e300):
                    self._problem(
                        f"({actual.id}) {spec.label} cannot be more than "
                        f"{whole.label.lower()}: the first is a part of the second",
                        path,
                        line=line,
                        field=f"metric[{i}].inputs.{name}",
                        hint="check both figures are for the same period",
                    )
                if name not in actual.inputs:
                    self._problem(
                        f"({actual.id}) missing input {name!r} ({spec.label})",
                        path,
                        line=line,
                        field=f"metric[{i}].inputs",
                        hint=f"its inputs are {expected}",
                    )
        bank = self.content.questions
        for i, respondent in enumerate(checkpoint.respondent):
            for sid in respondent.answers:
                if sid not in bank.by_id:
                    self._problem(
                        f"unknown statement id {sid!r}",
                        path,
                        line=find_line(text, ("respondent", i, "answers", sid)),
                        field=f"respondent[{i}].answers.{sid}",
                        hint="see `balancecoach catalog questions` for the ids",
                    )
            dims = respondent.scores.dimensions if respondent.scores else {}
            for dim in dims:
                if dim not in bank.dimensions:
                    self._problem(
                        f"unknown dimension {dim!r}",
                        path,
                        line=find_line(text, ("respondent", i, "scores", "dimensions", dim)),
                        field=f"respondent[{i}].scores.dimensions.{dim}",
                        hint=f"the dimensions are {', '.join(bank.dimensions)}",
                    )
        practices = self.content.practices.by_id
        for i, kept in enumerate(checkpoint.adherence):
            if kept.practice not in practices:
                self._problem(
                    f"unknown communication practice {kept.practice!r}",
                    path,
                    line=find_line(text, ("adherence", i, "practice")),
                    field=f"adherence[{i}].practice",
                    hint="see `balancecoach catalog practices` for the ids",
                )

    def answers(self, path: Path) -> None:
        from balancecoach.core.errors import DataError, DataErrors
        from balancecoach.storage.inputs import load_answers

        self._checked(path)
        try:
            load_answers(path, self.content)
        except (DataError, DataErrors) as exc:
            self._add(exc)

    def goal_inputs(self, path: Path) -> None:
        from balancecoach.core.errors import DataError, DataErrors
        from balancecoach.storage.inputs import load_goal_inputs

        self._checked(path)
        try:
            load_goal_inputs(path)
        except (DataError, DataErrors) as exc:
            self._add(exc)


def _visible(folder: Path) -> list[Path]:
    """The folder's entries in name order, without hidden ones (locks, temporary files)."""
    try:
        return sorted(p for p in folder.iterdir() if not p.name.startswith("."))
    except OSError:
        return []


def check(path: Path | None, default_root: Path, content: Content) -> Checker:
    """Check PATH (or the data directory when None). Raises DataError when PATH itself
    cannot be checked."""
    from balancecoach.core.errors import DataError

    checker = Checker(content)
    if path is None:
        if default_root.is_dir():
            checker.data_dir(default_root)
        return checker
    if path.is_file():
        checker.file(path)
    elif not path.exists():
        raise DataError("not found", source=path, hint="give a data directory, folder or file")
    elif path.is_dir() and any((path / d).is_dir() for d in ("practices", "drafts", "schemas")):
        checker.data_dir(path)
    elif (path / "practice.toml").is_file() or path.parent.name == "practices":
        checker.practice_dir(path)
    elif path.name == "checkpoints":
        checker.checkpoints(path)
    elif path.name == "drafts":
        checker.drafts(path)
    elif path.name == "practices":
        for folder in _visible(path):
            if folder.is_dir():
                checker.practice_dir(folder)
    elif path.name == "schemas":
        for file in _visible(path):
            if file.is_file() and file.suffix == ".json":
                checker.schema(file)
    elif files := [f for f in _visible(path) if f.is_file() and f.suffix == ".toml"]:
        for file in files:  # a folder of loose files: each is checked for what it is
            checker.file(file)
    else:
        raise DataError(
            "is not a balancecoach data directory, practice folder or file",
            source=path,
            hint="a data directory holds practices/; a practice folder holds practice.toml",
        )
    return checker


def problem_data(problem: DataError) -> dict[str, Any]:
    return {
        "file": None if problem.source is None else str(problem.source),
        "line": problem.line,
        "field": problem.field,
        "message": problem.message,
        "hint": problem.hint,
        "text": str(problem),
    }


def run(args: argparse.Namespace) -> int:
    import json
    import sys

    from balancecoach.storage.catalogs import load_content
    from balancecoach.storage.paths import data_dir

    root = data_dir(args.data_dir)
    checker = check(args.path, root, load_content())
    checked, problems = len(checker.files), checker.problems
    where = str(args.path if args.path is not None else root)
    if args.format == "json":
        data = {
            "path": where,
            "files_checked": checked,
            "files": [str(p) for p in checker.files],
            "ok": not problems,
            "problems": [problem_data(p) for p in problems],
        }
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        for problem in problems:
            print(problem)
        files = f"{checked} file{'s' * (checked != 1)} checked"
        if problems:
            bad = len({str(p.source) for p in problems})
            print(
                f"{files}: {len(problems)} problem{'s' * (len(problems) != 1)} "
                f"in {bad} file{'s' * (bad != 1)}"
            )
        else:
            print(f"{files}, no problems")
    return 1 if problems else 0

"""The bad-input corpus: every file under tests/data/bad/<kind>/ goes through the real entry
points for its kind (the loaders, the store, and the commands a person runs), and each must
answer with the message tests/data/bad/expected.toml gives for it: the file, the line, the
field and what to do. No traceback is ever printed, and nothing on disk changes.

A new kind of file needs its folder of cases, their entries in expected.toml and one loader
in LOADERS below (kind → function that runs the case through that kind's entry points).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import shutil
import sys
import tomllib
import types
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from unittest import mock

import pytest

from balancecoach.cli import main
from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.records import Checkpoint, MetricActual, Practice, Quarter
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.csv_import import Rejection, read_csv_actuals
from balancecoach.storage.drafts import DraftStore
from balancecoach.storage.inputs import load_answers, load_goal_inputs
from balancecoach.storage.store import PracticeStore, load_checkpoint_file, load_practice_file
from balancecoach.storage.workshops import Participant, load_workshop, participants

CORPUS = Path(__file__).resolve().parents[1] / "data" / "bad"
MANIFEST = CORPUS / "expected.toml"
#: Where the entry points are grouped in the manifest's `via` tables.
GROUPS = ("load", "validate", "command")
OUTCOMES = ("error", "ok", "rejected")

GOOD = "smile-dental"  # the practice beside every case, which must keep loading
GOOD_QUARTER = "2025-Q4"
GOOD_CSV = "metric,accepted,presented\ncase_acceptance,31,50\n"  # needs --quarter
# A day after every quarter the corpus uses, so import never sees a quarter to come.
TODAY = dt.date(2026, 3, 1)


def manifest() -> dict[str, dict[str, dict[str, Any]]]:
    return tomllib.loads(MANIFEST.read_text(encoding="utf-8"))


# --- what is expected, and what was seen -------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One expected DataError: its line and field exactly (absent: there is none), and
    substrings of its message and hint."""

    message: str
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    @classmethod
    def of(cls, spec: dict[str, Any]) -> Problem:
        unknown = set(spec) - {"message", "line", "field", "hint"}
        assert not unknown, f"unknown keys in an expected problem: {unknown}"
        return cls(spec["message"], spec.get("line"), spec.get("field"), spec.get("hint"))


@dataclass(frozen=True)
class Expected:
    outcome: str
    problems: tuple[Problem, ...] = ()
    rejected: tuple[tuple[int, str], ...] = ()  # (line, substring of the reason)


@dataclass
class Case:
    kind: str
    name: str
    spec: dict[str, Any]

    @property
    def source(self) -> Path:
        return CORPUS / self.kind / self.name

    def target_name(self, default: str | None = None) -> str:
        """The name the file is given where it is loaded: `file` in its entry, else the
        kind's usual name, else its own (a checkpoint's name must be its quarter)."""
        return self.spec.get("file", default or self.name)

    def expected(self, group: str) -> Expected:
        spec = {**self.spec, **self.spec.get("via", {}).get(group, {})}
        outcome = spec.get("outcome", "error")
        assert outcome in OUTCOMES, f"{self.kind}/{self.name}: outcome {outcome!r}"
        return Expected(
            outcome,
            tuple(Problem.of(p) for p in spec.get("errors", [])),
            tuple((r["line"], r["reason"]) for r in spec.get("rejected", [])),
        )

    def __str__(self) -> str:
        return f"{self.kind}/{self.name}"


@dataclass
class Seen:
    """What one entry point answered: problems raised (library) or the text printed and the
    exit status (command); `where` is the file every message must name (None: no file)."""

    entry: str
    group: str
    where: Path | None
    problems: list[DataError] | None = None
    rejected: list[Rejection] | None = None
    output: str | None = None
    code: int | None = None
    #: whether hints are compared (a refused save puts its own hint on field problems)
    hints: bool = True
    #: the command stops at the first problem (a report does not go on without a quarter)
    first_only: bool = False


@dataclass
class Home:
    """A data directory holding one good practice with one checkpoint, and a folder of
    input files outside it; `root` holds both, and is what must not change."""

    root: Path
    store: PracticeStore
    inputs: Path
    good_csv: Path
    seen: list[Seen] = field(default_factory=list)

    @property
    def data(self) -> Path:
        return self.store.root


def good_practice(name: str = "Smile Dental") -> Practice:
    return Practice.model_validate(
        {
            "practice": {"name": name, "providers": 2},
            "metric": [
                {
                    "id": "case_acceptance",
                    "owner": "doctor",
                    "target": {"kind": "at_least", "value": 60},
                }
            ],
        }
    )


def good_checkpoint(quarter: str) -> Checkpoint:
    q = Quarter.parse(quarter)
    return Checkpoint(
        quarter=str(q),
        date=q.end,
        metric=[MetricActual(id="case_acceptance", inputs={"accepted": 31, "presented": 50})],
    )


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The data directory every case starts from, written once by the store itself."""
    root = tmp_path_factory.mktemp("template")
    store = PracticeStore(root / "data")
    assert store.create_practice(good_practice()) == GOOD
    store.save_checkpoint(GOOD, good_checkpoint(GOOD_QUARTER))
    (root / "inputs").mkdir()
    (root / "inputs" / "good.csv").write_text(GOOD_CSV, encoding="utf-8")
    return root


@pytest.fixture
def home(template: Path, tmp_path: Path) -> Home:
    root = tmp_path / "case"
    shutil.copytree(template, root)
    return Home(root, PracticeStore(root / "data"), root / "inputs", root / "inputs" / "good.csv")


#: The practice-list cache: it holds nothing that is not in the files (storage/index.py), and
#: looking a practice up by name may refresh it.
CACHE = Path("data") / ".index.json"


def snapshot(root: Path) -> dict[str, bytes]:
    files = (p for p in sorted(root.rglob("*")) if p.is_file())
    return {str(p.relative_to(root)): p.read_bytes() for p in files if p.relative_to(root) != CACHE}


# --- running the entry points ----------------------------------------------------------------


def problems_of(call: Callable[[], Any]) -> list[DataError]:
    """The DataErrors a call raises ([] when it returns). Anything else fails the test."""
    try:
        call()
    except DataErrors as exc:
        return list(exc.errors)
    except DataError as exc:
        return [exc]
    return []


def library(home: Home, entry: str, group: str, where: Path | None, call, **kw: Any) -> None:
    before = snapshot(home.root)
    problems = problems_of(call)
    assert snapshot(home.root) == before, f"{entry} changed files on disk"
    home.seen.append(Seen(entry, group, where, problems=problems, **kw))


def command(home: Home, group: str, where: Path | None, *argv: str, **kw: Any) -> None:
    """`balancecoach ARGV` in this process, with the output captured."""
    out, err = io.StringIO(), io.StringIO()
    before = snapshot(home.root)
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(["--data-dir", str(home.data), *argv])
        except BaseException as exc:  # a traceback a person would have seen
            pytest.fail(f"balancecoach {' '.join(argv)!r} raised {exc!r}")
    text = out.getvalue() + err.getvalue()
    assert "Traceback" not in text
    assert snapshot(home.root) == before, f"balancecoach {' '.join(argv)} changed files on disk"
    entry = f"balancecoach {' '.join(argv)}"
    home.seen.append(Seen(entry, group, where, output=text, code=code, **kw))


def place(home: Home, case: Case, folder: Path, default: str | None = None) -> Path:
    path = folder / case.target_name(default)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(case.source.read_bytes())
    return path


def import_args(slug: str, csv: Path, expected: Expected, *extra: str) -> list[str]:
    """`import` as a person runs it; where it is expected to succeed, as a dry run, so the
    data directory stays as it was."""
    args = ["import", slug, str(csv), *extra]
    return args if expected.outcome == "error" else [*args, "--dry-run"]


# --- loaders: kind → the entry points a file of that kind goes through --------------------------


def run_practice(case: Case, home: Home) -> None:
    slug = "corpus-case"
    path = place(home, case, home.data / "practices" / slug, "practice.toml")
    store = home.store
    library(home, "load_practice_file", "load", path, lambda: load_practice_file(path))
    library(home, "store.summary", "load", path, lambda: _raise(store.summary(slug).problems))
    if case.expected("load").outcome == "error":
        # the app refuses to save over a file that does not load, and leaves it as it is
        save = partial(store.save_practice, slug, good_practice("Corpus Dental"))
        library(home, "store.save_practice", "load", path, save, hints=False)
    else:
        name = load_practice_file(path).practice.name
        folder = store.layout.practice_dir(store.new_slug(name))
        assert folder.resolve().parent == store.layout.practices.resolve()
    assert not store.summary(GOOD).problems, "the good practice beside it stopped loading"
    command(home, "validate", path, "validate", str(path))
    command(home, "validate", path, "validate")
    expected = case.expected("command")
    args = import_args(slug, home.good_csv, expected, "--quarter", GOOD_QUARTER)
    command(home, "command", path, *args)


def run_checkpoint(case: Case, home: Home) -> None:
    folder = home.store.layout.checkpoints_dir(GOOD)
    path = place(home, case, folder, "2025-Q3.toml")
    store = home.store
    library(home, "load_checkpoint_file", "load", path, lambda: load_checkpoint_file(path))

    def listed() -> None:
        good, bad = store.load_checkpoints(GOOD)
        assert GOOD_QUARTER in [c.quarter for c in good], "the good checkpoint stopped loading"
        _raise(bad)

    library(home, "store.load_checkpoints", "load", path, listed)
    try:
        quarter: str | None = str(Quarter.parse(path.stem))
    except ValueError:
        quarter = None  # a file name that is no quarter: nothing can be saved or imported there
    if quarter is not None and case.expected("load").outcome == "error":
        save = partial(store.save_checkpoint, GOOD, good_checkpoint(quarter))
        library(home, "store.save_checkpoint", "load", path, save, hints=False)
    command(home, "validate", path, "validate", str(path))
    command(home, "validate", path, "validate")
    if quarter is not None:
        args = import_args(GOOD, home.good_csv, case.expected("command"), "--quarter", quarter)
        command(home, "command", path, *args)
    command(home, "command", path, "report", GOOD, first_only=True)


def run_answers(case: Case, home: Home) -> None:
    path = place(home, case, home.inputs)
    content = load_content()
    library(home, "load_answers", "load", path, lambda: load_answers(path, content))
    command(home, "command", path, "score", str(path))
    command(home, "validate", path, "validate", str(path))


def run_goal(case: Case, home: Home) -> None:
    path = place(home, case, home.inputs)
    library(home, "load_goal_inputs", "load", path, lambda: load_goal_inputs(path))
    command(home, "command", path, "goal", str(path))
    command(home, "validate", path, "validate", str(path))


def run_csv(case: Case, home: Home) -> None:
    path = place(home, case, home.inputs)
    quarter = case.spec.get("quarter")
    extra = ["--quarter", quarter] if quarter else []
    before = snapshot(home.root)
    catalog = load_content().metrics
    found: list[Any] = []
    problems = problems_of(
        lambda: found.append(read_csv_actuals(path, catalog, quarter=quarter, today=TODAY))
    )
    assert snapshot(home.root) == before
    rejected = found[0].rejected if found else None
    home.seen.append(Seen("read_csv_actuals", "load", path, problems=problems, rejected=rejected))
    command(home, "command", path, *import_args(GOOD, path, case.expected("command"), *extra))


def run_slug(case: Case, home: Home) -> None:
    text = case.source.read_bytes().decode("utf-8", "surrogateescape").removesuffix("\n")
    store, layout = home.store, home.store.layout
    library(home, "store.load_practice", "load", None, lambda: store.load_practice(text))
    library(home, "store.open", "load", None, lambda: store.open(text).close())
    library(home, "store.checkpoint_paths", "load", None, lambda: store.checkpoint_paths(text))
    library(home, "DraftStore.path", "load", None, lambda: DraftStore(store).path("goal", text))
    # made into a folder name, it stays inside the practices folder
    folder = layout.practice_dir(store.new_slug(text))
    assert folder.resolve().parent == layout.practices.resolve()
    command(home, "command", None, "report", text)
    command(home, "command", None, "export", text, "--format", "csv")
    command(home, "command", None, "import", text, str(home.good_csv), "--quarter", GOOD_QUARTER)


def run_workshop(case: Case, home: Home) -> None:
    """A workshop file beside the data directory: it names the good practice by slug, or by
    path from where it is (../data/practices/smile-dental). Where the presenter view would
    open, the command exports into a folder outside the case's tree instead."""
    path = place(home, case, home.inputs)
    found: list[Participant] = []

    def load() -> None:  # what the command and the app's workshop screen both do
        got, problems = participants(load_workshop(path), path, home.store)
        found.extend(got)
        _raise(problems)

    library(home, "load_workshop + participants", "load", path, load)
    if found:
        out = home.root.parent / "export"
        command(home, "command", path, "workshop", str(path), "--export", str(out))
        assert (out / "cohort.md").is_file(), "the export wrote no cohort summary"
    else:
        # no practice to show: the command refuses before any view opens
        with _no_presenter_view():
            command(home, "command", path, "workshop", str(path), "--anonymise")


@contextlib.contextmanager
def _no_presenter_view() -> Iterator[None]:
    """Fail, instead of starting the interface, if the workshop command opens it."""

    def make_app(*_args: Any, **_kw: Any) -> None:
        raise AssertionError("the workshop's presenter view would have opened")

    stub = types.ModuleType("balancecoach.tui.app")
    stub.make_app = make_app
    with mock.patch.dict(sys.modules, {"balancecoach.tui.app": stub}):
        yield


def _raise(problems: list[DataError]) -> None:
    if problems:
        raise DataErrors(list(problems))


LOADERS: dict[str, Callable[[Case, Home], None]] = {
    "practice": run_practice,
    "checkpoint": run_checkpoint,
    "answers": run_answers,
    "goal": run_goal,
    "csv": run_csv,
    "slug": run_slug,
    "workshop": run_workshop,
}


# --- judging what was seen ---------------------------------------------------------------------


def check_library(case: Case, seen: Seen, expected: Expected) -> None:
    label = f"{case} via {seen.entry}"
    problems = seen.problems or []
    if expected.outcome != "error":
        assert not problems, f"{label}: expected no problem, got {[str(p) for p in problems]}"
    if expected.outcome == "ok":
        assert seen.rejected in (None, []), f"{label}: rows rejected: {seen.rejected}"
        return
    if expected.outcome == "rejected":
        assert seen.rejected is not None, f"{label}: nothing was rejected"
        got = [(r.line, r.reason) for r in seen.rejected]
        assert len(got) == len(expected.rejected), f"{label}: rejected {got}"
        for (line, reason), (want_line, want) in zip(got, expected.rejected, strict=True):
            assert (line, want in reason) == (want_line, True), f"{label}: {line}: {reason}"
        return
    shown = [str(p) for p in problems]
    assert len(problems) == len(expected.problems), f"{label}: got {shown}"
    for got, want in zip(problems, expected.problems, strict=True):
        if seen.where is not None:
            assert Path(str(got.source)) == seen.where, f"{label}: names {got.source}"
        assert (got.line, got.field) == (want.line, want.field), f"{label}: {got}"
        assert want.message in got.message, f"{label}: {got}"
        if want.hint is not None and seen.hints:
            assert got.hint is not None and want.hint in got.hint, f"{label}: {got}"


def check_command(case: Case, seen: Seen, expected: Expected) -> None:
    label = f"{case} via {seen.entry}"
    text = seen.output or ""
    lines = text.splitlines()
    if expected.outcome == "ok":
        assert seen.code == 0, f"{label}: exit {seen.code}\n{text}"
        return
    if expected.outcome == "rejected":
        assert seen.code == 1, f"{label}: exit {seen.code}\n{text}"
        for line, reason in expected.rejected:
            prefix = f"{seen.where}:{line}: "
            assert any(ln.startswith(prefix) and reason in ln for ln in lines), f"{label}:\n{text}"
        assert "nothing was written" in text, f"{label}:\n{text}"
        return
    assert seen.code == (1 if seen.group == "validate" else 2), f"{label}: exit {seen.code}\n{text}"
    if seen.group != "validate":
        assert lines and lines[0].startswith("balancecoach: "), f"{label}:\n{text}"
        lines[0] = lines[0].removeprefix("balancecoach: ")
    for want in expected.problems[: 1 if seen.first_only else None]:
        where = "" if seen.where is None else _where(seen.where, want.line, want.field) + ": "
        found = [ln for ln in lines if ln.startswith(where) and want.message in ln]
        assert found, f"{label}: no line starting {where!r} saying {want.message!r}:\n{text}"
        if want.hint is not None:
            assert any(want.hint in ln for ln in found), f"{label}: hint {want.hint!r}:\n{text}"


def _where(path: Path, line: int | None, field: str | None) -> str:
    return DataError("", source=path, line=line, field=field).where()


def cases() -> Iterator[Any]:
    for kind, entries in manifest().items():
        for name, spec in entries.items():
            yield pytest.param(Case(kind, name, spec), id=f"{kind}/{name}")


@pytest.mark.parametrize("case", cases())
def test_bad_file(case: Case, home: Home) -> None:
    loader = LOADERS.get(case.kind)
    assert loader is not None, f"no loader for kind {case.kind!r}: add one to LOADERS"
    corpus_bytes = case.source.read_bytes()
    loader(case, home)
    assert case.source.read_bytes() == corpus_bytes
    assert home.seen, f"{case}: no entry point ran"
    groups = set()
    for seen in home.seen:
        groups.add(seen.group)
        expected = case.expected(seen.group)
        if seen.output is None:
            check_library(case, seen, expected)
        else:
            check_command(case, seen, expected)
    assert {"load", "command"} <= groups, f"{case}: ran only {groups}"


# --- the corpus and its manifest agree ---------------------------------------------------------


def test_every_file_has_an_entry_and_every_entry_a_file() -> None:
    on_disk = {
        (p.parent.name, p.name)
        for p in CORPUS.rglob("*")
        if p.is_file() and p != MANIFEST and p.parent != CORPUS
    }
    listed = {(kind, name) for kind, entries in manifest().items() for name in entries}
    assert on_disk - listed == set(), "files without an entry in expected.toml"
    assert listed - on_disk == set(), "entries in expected.toml without a file"
    files = [p for p in CORPUS.rglob("*") if p.is_file() and p != MANIFEST]
    assert all(p.parent.parent == CORPUS for p in files), "cases live in tests/data/bad/<kind>/"


def test_every_kind_has_a_loader_and_every_entry_is_well_formed() -> None:
    data = manifest()
    assert set(data) <= set(LOADERS), f"no loader for {set(data) - set(LOADERS)}"
    allowed = {"why", "outcome", "errors", "rejected", "file", "quarter", "via"}
    for kind, entries in data.items():
        for name, spec in entries.items():
            case = Case(kind, name, spec)
            assert set(spec) <= allowed, f"{case}: unknown keys {set(spec) - allowed}"
            assert spec.get("why"), f"{case}: say why the file is bad"
            assert set(spec.get("via", {})) <= set(GROUPS), f"{case}: via {spec['via']}"
            for group in GROUPS:
                expected = case.expected(group)
                if expected.outcome == "error":
                    assert expected.problems, f"{case}: an error with no expected problem"
                if expected.outcome == "rejected":
                    assert expected.rejected, f"{case}: rejected with no expected row"


def test_the_corpus_is_big_enough_and_covers_each_kind() -> None:
    data = manifest()
    assert sum(len(entries) for entries in data.values()) >= 40
    for kind in ("practice", "checkpoint", "answers", "goal", "csv", "slug", "workshop"):
        assert len(data.get(kind, {})) >= 5, kind


def test_a_bom_crlf_practice_loads_saves_and_keeps_its_line_ends(tmp_path: Path) -> None:
    """The app edits such a file in place: the byte-order mark goes, the CRLF line ends and
    the comments stay."""
    store = PracticeStore(tmp_path)
    path = store.layout.practice_file("corpus-dental")
    path.parent.mkdir(parents=True)
    path.write_bytes((CORPUS / "practice" / "bom-crlf.toml").read_bytes())
    with store.open("corpus-dental") as opened:
        practice = opened.load_practice()
        profile = practice.practice.model_copy(update={"providers": 3})
        opened.save_practice(practice.model_copy(update={"practice": profile}))
    raw = path.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") == raw.count(b"\n") > 20
    assert b"# Valid, with a byte-order mark and CRLF line ends" in raw
    assert load_practice_file(path).practice.providers == 3


def run_cli(home: Home, *argv: str) -> tuple[int, str]:
    command(home, "command", None, *argv)
    seen = home.seen.pop()
    return seen.code or 0, seen.output or ""


def test_a_path_with_a_nul_byte_is_refused_in_one_line(home: Home) -> None:
    code, text = run_cli(home, "score", str(home.inputs / "answers\x00.toml"))
    assert code == 2
    assert text.startswith(f"balancecoach: {home.inputs}/answers\\x00.toml: is not a file name")
    assert "NUL character" in text and "\x00" not in text


def test_a_report_says_how_many_more_problems_the_file_has(home: Home) -> None:
    checkpoints = home.store.layout.checkpoints_dir(GOOD)
    (checkpoints / "2025-Q3.toml").write_bytes(b"")
    (checkpoints / "2025-Q2.toml").write_text("quarter = 5\n", encoding="utf-8")
    code, text = run_cli(home, "report", GOOD)
    assert code == 2
    assert text.startswith(f"balancecoach: {checkpoints / '2025-Q2.toml'}:1: quarter: ")
    assert "(1 more problem in this file; 1 more file also did not load;" in text


def test_a_part_can_never_be_more_than_its_whole() -> None:
    from balancecoach.core.metrics import compute

    catalog = load_content().metrics
    parts = [(m, i) for m in catalog.metric for i in m.inputs if i.at_most]
    assert {m.id for m, _ in parts} >= {"case_acceptance", "patient_retention", "hygiene_share"}
    for metric, part in parts:
        inputs = {i.name: 10.0 for i in metric.inputs}
        assert compute(metric, inputs).value >= 0  # equal is fine
        with pytest.raises(DataError) as caught:
            compute(metric, {**inputs, part.name: 11.0})
        assert caught.value.field == f"{metric.id}.{part.name}"
        assert "cannot be more than" in caught.value.message


def test_encoding_cases_hold_the_bytes_their_names_promise() -> None:
    """A checkout that rewrote line ends would turn these into ordinary files (see
    .gitattributes, which keeps the corpus byte for byte)."""
    named = [p for p in CORPUS.rglob("*") if p.is_file() and p != MANIFEST]
    crlf = [p for p in named if "crlf" in p.stem]
    bom = [p for p in named if "bom" in p.stem]
    assert len(crlf) >= 5 and len(bom) >= 4
    for path in crlf:
        raw = path.read_bytes()
        assert raw.count(b"\r\n") == raw.count(b"\n") > 0, path
    for path in bom:
        assert path.read_bytes().startswith(b"\xef\xbb\xbf"), path
    lone = (CORPUS / "practice" / "lone-cr.toml").read_bytes()
    assert b"\r" in lone and b"\n" not in lone

"""The practice store: practices and their checkpoints under one data directory.

Reads go through stdlib tomllib (fast); writes edit the existing document with tomlkit
(comments survive) and are atomic. A file that does not load is reported and never
overwritten; the other practices and checkpoints still load.

Changing a practice takes its lock (storage/locks.py), so two balancecoach programs never
write it at once. A `PracticeSession` (from `PracticeStore.open`) holds the lock while the
practice is open and remembers the text of every file it read: a save is refused when the
file has changed on disk since, so no one's change is silently overwritten.
"""

from __future__ import annotations

# tomllib and hashlib are imported where they are used: the first screen lists the practices
# from the index (index.py) and needs neither.
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.storage.paths import Layout, slugify
from balancecoach.storage.toml_read import parse_toml, read_text, validate

if TYPE_CHECKING:
    from collections.abc import Iterable
    from types import TracebackType

    # The models (and pydantic) load on first read, not at start-up.
    from balancecoach.core.records import Checkpoint, Practice
    from balancecoach.storage.locks import PracticeLock

PRACTICE_SCHEMA_FILE = "practice.schema.json"
CHECKPOINT_SCHEMA_FILE = "checkpoint.schema.json"


def practice_header() -> str:
    return (
        f"#:schema ../../schemas/{PRACTICE_SCHEMA_FILE}\n"
        "# balancecoach practice file: profile, goals, scoreboard and communication plan.\n"
        "# You may edit it by hand; comments you add are kept when the app saves."
    )


def checkpoint_header(quarter: str) -> str:
    return (
        f"#:schema ../../../schemas/{CHECKPOINT_SCHEMA_FILE}\n"
        f"# balancecoach checkpoint for {quarter}: answers, scores as computed then, metric\n"
        "# actuals, plan adherence, reflections and commitments."
    )


def dump(model: Any) -> dict[str, Any]:
    """A record as plain TOML-ready data: dates stay dates, None fields and empty lists
    are left out, and whole-number floats are written as integers (500000, not 500000.0)."""
    return _tidy(model.model_dump(mode="python", exclude_none=True))


def _lean(model: Any) -> dict[str, Any]:
    """Like dump, without the fields that hold their default value."""
    return _tidy(model.model_dump(mode="python", exclude_none=True, exclude_defaults=True))


_ABSENT: Any = object()


def _fit(full: Any, lean: Any, old: Any) -> Any:
    """What to write over an existing file: `full`, except that a key the file does not
    have yet is added only when its value is not the default, so a save does not pad a
    hand-written file with lines the person left out. New entries are written whole."""
    if isinstance(full, dict) and isinstance(old, dict):
        lean = lean if isinstance(lean, dict) else {}
        return {
            k: _fit(v, lean.get(k, _ABSENT), old.get(k, _ABSENT))
            for k, v in full.items()
            if k in old or k in lean or k == "schema_version"
        }
    if isinstance(full, list) and isinstance(old, list):
        lean = lean if isinstance(lean, list) else []
        return [
            _fit(v, lean[i] if i < len(lean) else _ABSENT, old[i] if i < len(old) else _ABSENT)
            for i, v in enumerate(full)
        ]
    return full


def _tidy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _tidy(v) for k, v in value.items() if v != []}
    if isinstance(value, list):
        return [_tidy(v) for v in value]
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


@dataclass
class Loaded:
    """A file's data and text, read once; the text is kept for locating lines."""

    path: Path
    text: str
    data: dict[str, Any]

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.text)


def fingerprint(text: str | None) -> str | None:
    """What a file held, to tell later whether it changed (None: there was no file)."""
    if text is None:
        return None
    import hashlib

    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def read(path: Path) -> Loaded:
    text = read_text(path)
    return Loaded(path=path, text=text, data=parse_toml(text, path))


def load_practice_file(path: Path) -> Practice:
    return practice_from(read(path))


def practice_from(loaded: Loaded) -> Practice:
    from balancecoach.core.records import Practice, migrate_practice

    return validate(Practice, migrate_practice(loaded.data), loaded.path, loaded.text)


def load_checkpoint_file(path: Path) -> Checkpoint:
    return checkpoint_from(read(path))


def checkpoint_from(loaded: Loaded) -> Checkpoint:
    from balancecoach.core.records import Checkpoint

    path = loaded.path
    return _named_for_quarter(validate(Checkpoint, loaded.data, path, loaded.text), path)


def _named_for_quarter(checkpoint: Checkpoint, path: Path | str) -> Checkpoint:
    name = os.path.basename(path)
    if name.removesuffix(".toml") != checkpoint.quarter:
        raise DataError(
            f"holds quarter {checkpoint.quarter} but is named {name}",
            source=Path(path),
            field="quarter",
            hint=f"rename the file to {checkpoint.quarter}.toml or correct the quarter",
        )
    return checkpoint


# The practice list reads every file of every practice, so it has a quicker way to the same
# result: tomllib and pydantic straight on the file, without keeping its text. A file that
# fails is read again the full way, which finds the line and field of each problem.


def _quick_practice(path: str) -> Practice:
    """load_practice_file(path), quicker when the file is good."""
    from balancecoach.core.records import Practice, migrate_practice

    data = _quick(path)
    if data is not None:
        try:
            return Practice.model_validate(migrate_practice(data))
        except ValueError:  # pydantic's ValidationError
            pass
    return load_practice_file(Path(path))


def _quick_checkpoint(path: str) -> Checkpoint:
    """load_checkpoint_file(path), quicker when the file is good."""
    from balancecoach.core.records import Checkpoint

    data = _quick(path)
    if data is not None:
        try:
            return _named_for_quarter(Checkpoint.model_validate(data), path)
        except ValueError:  # pydantic's ValidationError
            pass
    return load_checkpoint_file(Path(path))


def _quick(path: str) -> dict[str, Any] | None:
    """A file's TOML data; None when it cannot be read, is not UTF-8 or is not TOML."""
    import tomllib

    try:
        with open(path, "rb") as fh:
            return tomllib.loads(fh.read().decode("utf-8-sig"))
    except (OSError, ValueError, RecursionError):  # ValueError: UTF-8 or TOML
        return None


@dataclass
class PracticeSummary:
    """One row of the practice list or the cohort view; `problems` holds what did not load.

    The scores are those saved in the latest checkpoint (`last_quarter`); the `prev_*`
    ones come from the latest earlier checkpoint that has scores, to show the movement.
    `red` lists the metric ids whose status was red in the latest checkpoint."""

    slug: str
    name: str
    demo: bool = False
    last_quarter: str | None = None
    lean: float | None = None
    quadrant: str | None = None
    structure: float | None = None
    people: float | None = None
    agreement: float | None = None
    prev_quarter: str | None = None
    prev_structure: float | None = None
    prev_people: float | None = None
    prev_lean: float | None = None
    prev_quadrant: str | None = None
    red: list[str] = field(default_factory=list)
    checkpoints: int = 0
    problems: list[DataError] = field(default_factory=list)


def checkpoint_names(folder: Path) -> list[str]:
    """The names of the checkpoint files in a practice's checkpoints folder, sorted (none
    when there is no such folder); a folder that cannot be read is a DataError."""
    try:
        with os.scandir(folder) as entries:
            names = [e.name for e in entries if e.name.endswith(".toml")]
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}", source=folder) from None
    return sorted(n for n in names if not n.startswith("."))


class PracticeStore:
    """Practices and checkpoints under a data directory."""

    def __init__(self, root: Path) -> None:
        self.layout = Layout(root)
        self._sessions: dict[str, PracticeSession] = {}  # open for changes, by slug

    @property
    def root(self) -> Path:
        return self.layout.root

    # --- reading --------------------------------------------------------------------

    def slugs(self) -> list[str]:
        """The folder names of the practices: folders holding a practice.toml."""
        folder = self.layout.practices
        try:
            with os.scandir(folder) as entries:
                names = [e.path for e in entries if e.is_dir()]
        except (FileNotFoundError, NotADirectoryError):
            return []
        isfile, join = os.path.isfile, os.path.join
        return sorted(os.path.basename(p) for p in names if isfile(join(p, "practice.toml")))

    def load_practice(self, slug: str) -> Practice:
        return load_practice_file(self.layout.practice_file(slug))

    def checkpoint_paths(self, slug: str) -> list[Path]:
        folder = self.layout.checkpoints_dir(slug)
        if not folder.is_dir():
            return []
        return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))

    def load_checkpoints(self, slug: str) -> tuple[list[Checkpoint], list[DataError]]:
        """Every checkpoint that loads, oldest first, and a problem for each that does not."""
        good: list[Checkpoint] = []
        bad: list[DataError] = []
        for path in self.checkpoint_paths(slug):
            try:
                good.append(load_checkpoint_file(path))
            except DataError as exc:
                bad.append(exc)
            except DataErrors as exc:
                bad.extend(exc.errors)
        good.sort(key=lambda c: c.quarter)
        return good, bad

    def summaries(self, slugs: Iterable[str] | None = None) -> list[PracticeSummary]:
        """A row per practice folder (or per slug asked for, in that order, e.g. a cohort);
        a bad file shows as a problem, never stops the list. Rows of practices whose files
        have not changed come from the index (index.py)."""
        from balancecoach.storage.index import SummaryIndex

        return SummaryIndex(self).summaries(slugs)

    def summary(self, slug: str) -> PracticeSummary:
        """One practice's row, read from its files. Every file is checked as fully as when
        the practice is opened; only one that fails is read again to locate its problems."""
        row = PracticeSummary(slug=slug, name=slug)
        try:
            folder = str(self.layout.practice_dir(slug))
        except DataError as exc:
            row.problems.append(exc)
            return row
        try:
            practice = _quick_practice(os.path.join(folder, "practice.toml"))
            row.name, row.demo = practice.practice.name, practice.practice.demo
        except DataError as exc:
            row.problems.append(exc)
        except DataErrors as exc:
            row.problems.extend(exc.errors)
        checkpoints = os.path.join(folder, "checkpoints")
        try:
            names = checkpoint_names(Path(checkpoints))
        except DataError as exc:
            row.problems.append(exc)
            names = []
        # Name order is quarter order (a checkpoint's name is its quarter), so each one is
        # let go once read: only the latest and the latest scored one before it are kept.
        last: Checkpoint | None = None
        before: Checkpoint | None = None
        for name in names:
            try:
                checkpoint = _quick_checkpoint(os.path.join(checkpoints, name))
            except DataError as exc:
                row.problems.append(exc)
                continue
            except DataErrors as exc:
                row.problems.extend(exc.errors)
                continue
            row.checkpoints += 1
            if last is not None and last.scores is not None:
                before = last
            last = checkpoint
        if last is not None:
            row.last_quarter = last.quarter
            if s := last.scores:
                row.lean, row.quadrant = s.lean, s.quadrant
                row.structure, row.people, row.agreement = s.structure, s.people, s.agreement
            row.red = [m.id for m in last.metric if m.status == "red"]
        if before is not None and (s := before.scores) is not None:
            row.prev_quarter = before.quarter
            row.prev_structure, row.prev_people = s.structure, s.people
            row.prev_lean, row.prev_quadrant = s.lean, s.quadrant
        return row

    # --- writing --------------------------------------------------------------------

    def new_slug(self, name: str) -> str:
        """A free folder name for a new practice called `name`."""
        base = slugify(name)
        slug, n = base, 2
        while self.layout.practice_dir(slug).exists():
            slug = f"{base[: 60 - len(str(n)) - 1]}-{n}"
            n += 1
        return slug

    def create_practice(self, practice: Practice) -> str:
        slug = self.new_slug(practice.practice.name)
        with self.lock(slug):
            # expect no file: another program creating the same practice is not overwritten
            _save_practice(self.layout, slug, practice, expect=None)
        return slug

    def lock(self, slug: str) -> PracticeLock:
        """The lock of a practice (not yet taken); see storage/locks.py."""
        from balancecoach.storage.locks import PracticeLock

        return PracticeLock(self.layout, slug)

    def open(self, slug: str, *, read_only: bool = False) -> PracticeSession:
        """Open a practice: for changes (taking its lock; PracticeLocked if another
        balancecoach has it) or read-only (no lock; saving is refused)."""
        if not self.layout.practice_file(slug).is_file():
            raise DataError(
                f"there is no practice {slug!r}",
                source=self.layout.practices,
                hint="check the name in the practice list, or create the practice first",
            )
        session = PracticeSession(self, slug, read_only=read_only)
        if not read_only:
            self._sessions[slug] = session
        return session

    def save_practice(self, slug: str, practice: Practice) -> Path:
        """Save practice.toml; through the open session if there is one, else under the
        practice's lock for the length of the write."""
        session = self._sessions.get(slug)
        if session is not None:
            return session.save_practice(practice)
        with self.lock(slug):
            return _save_practice(self.layout, slug, practice)[0]

    def save_checkpoint(self, slug: str, checkpoint: Checkpoint) -> Path:
        """Save a quarter's checkpoint, like save_practice."""
        session = self._sessions.get(slug)
        if session is not None:
            return session.save_checkpoint(checkpoint)
        with self.lock(slug):
            return _save_checkpoint(self.layout, slug, checkpoint)[0]


class _Anything:
    """`expect` for a save that does not check what the file held before."""


ANYTHING: Any = _Anything()


def _save_practice(
    layout: Layout, slug: str, practice: Practice, expect: str | None = ANYTHING
) -> tuple[Path, str]:
    from balancecoach.core.records import migrate_practice

    path = layout.practice_file(slug)
    header = practice_header()
    _schemas(layout)
    return path, _save(path, practice, header, migrate_practice, expect)


def _save_checkpoint(
    layout: Layout, slug: str, checkpoint: Checkpoint, expect: str | None = ANYTHING
) -> tuple[Path, str]:
    path = layout.checkpoint_file(slug, checkpoint.quarter)
    header = checkpoint_header(checkpoint.quarter)
    _schemas(layout)
    return path, _save(path, checkpoint, header, None, expect)


def _schemas(layout: Layout) -> None:
    """Put the JSON Schemas that the files' #:schema comments point to into the data
    directory, when they are not there yet."""
    from balancecoach.storage.schemas import ensure_schemas

    ensure_schemas(layout.schemas)


class PracticeSession:
    """A practice opened for changes (holding its lock) or read-only.

    It remembers what each file held when it was opened or last read or written here; a
    save is refused, with nothing written, when the file has changed on disk since.
    """

    def __init__(self, store: PracticeStore, slug: str, *, read_only: bool = False) -> None:
        self.store, self.slug, self.read_only = store, slug, read_only
        self.layout = store.layout
        self._lock: PracticeLock | None = None
        if not read_only:
            self._lock = store.lock(slug)
            self._lock.acquire()
        self._seen: dict[Path, str | None] = {}
        for path in [self.layout.practice_file(slug), *store.checkpoint_paths(slug)]:
            self._seen[path] = _fingerprint_of(path)

    def __enter__(self) -> PracticeSession:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Release the lock (if held). The session cannot save afterwards."""
        if self.store._sessions.get(self.slug) is self:
            del self.store._sessions[self.slug]
        if self._lock is not None:
            self._lock.release()
            self._lock = None
        self.read_only = True

    def keep_alive(self) -> None:
        """Mark the lock as in use; call it now and then while the practice stays open, or
        after 12 quiet hours another balancecoach may take the lock over. Raises
        PracticeLocked if that has happened."""
        if self._lock is not None:
            self._lock.confirm()

    def load_practice(self) -> Practice:
        return practice_from(self._read(self.layout.practice_file(self.slug)))

    def load_checkpoints(self) -> tuple[list[Checkpoint], list[DataError]]:
        """Every checkpoint that loads, oldest first, and a problem for each that does not."""
        good: list[Checkpoint] = []
        bad: list[DataError] = []
        for path in self.store.checkpoint_paths(self.slug):
            try:
                good.append(checkpoint_from(self._read(path)))
            except DataError as exc:
                bad.append(exc)
            except DataErrors as exc:
                bad.extend(exc.errors)
        good.sort(key=lambda c: c.quarter)
        return good, bad

    def save_practice(self, practice: Practice) -> Path:
        self._writable()
        path = self.layout.practice_file(self.slug)
        path, written = _save_practice(self.layout, self.slug, practice, self._expect(path))
        self._seen[path] = written
        return path

    def save_checkpoint(self, checkpoint: Checkpoint) -> Path:
        self._writable()
        path = self.layout.checkpoint_file(self.slug, checkpoint.quarter)
        path, written = _save_checkpoint(self.layout, self.slug, checkpoint, self._expect(path))
        self._seen[path] = written
        return path

    def _read(self, path: Path) -> Loaded:
        loaded = read(path)
        self._seen[path] = loaded.fingerprint  # what the caller now sees is what we expect
        return loaded

    def _expect(self, path: Path) -> str | None:
        # a file never seen here did not exist when the practice was opened
        return self._seen.get(path)

    def _writable(self) -> None:
        if self.read_only or self._lock is None:
            raise DataError(
                "is open read-only here; nothing was saved",
                source=self.layout.practice_dir(self.slug),
                hint="close it, then open it for changes once no other balancecoach has it",
            )
        self._lock.confirm()


def _fingerprint_of(path: Path) -> str | None:
    try:
        return fingerprint(read_text(path))
    except DataError:
        return None if not path.exists() else "unreadable"


def _save(
    path: Path,
    record: Practice | Checkpoint,
    header: str,
    migrate=None,
    expect: str | None = ANYTHING,
) -> str:
    """Write `record` to `path`, editing the file that is there, and return the fingerprint
    of what was written. A file that is there but does not load is left untouched and the
    save is refused, so nothing is lost; so is one whose text is not `expect` (when given)."""
    from balancecoach.storage.toml_write import atomic_write_text, render

    model = type(record)
    data = dump(record)
    existing: str | None = None
    text = read_text(path) if path.exists() else None
    if expect is not ANYTHING and fingerprint(text) != expect:
        raise _changed_on_disk(path, was_there=expect is not None, is_there=text is not None)
    if text is not None:
        loaded = Loaded(path, text, parse_toml(text, path))  # a syntax error raises here
        current = migrate(loaded.data) if migrate else loaded.data
        _refuse_if_invalid(model, current, loaded)
        existing = loaded.text
        if migrate and current.get("schema_version") != loaded.data.get("schema_version"):
            existing = _drop_migrated_keys(loaded.text)
        data = _fit(data, _lean(record), parse_toml(existing, path))
    try:
        text = render(data, existing, header)
    except DataError as exc:
        exc.source = path
        raise
    atomic_write_text(path, text)
    return fingerprint(text)  # type: ignore[return-value]


def _refuse_if_invalid(model: type, data: dict[str, Any], loaded: Loaded) -> None:
    """A file that does not validate is not overwritten: the person's version may hold
    something they want to keep, so they fix it first."""
    try:
        record = validate(model, data, loaded.path, loaded.text)
        quarter = getattr(record, "quarter", None)
        if quarter is not None and loaded.path.stem != quarter:
            # another quarter's checkpoint under this name: saving would overwrite it
            raise DataError(
                f"holds quarter {quarter} but is named {loaded.path.name}",
                source=loaded.path,
                field="quarter",
                hint=f"rename the file to {quarter}.toml or correct the quarter; nothing was saved",
            )
    except DataErrors as exc:
        for error in exc.errors:
            error.hint = error.hint or _NOT_SAVED
        raise
    except DataError as exc:
        exc.hint = exc.hint or _NOT_SAVED
        raise


_NOT_SAVED = "fix this in the file first: it was left as it is and nothing was saved"


def _changed_on_disk(path: Path, was_there: bool, is_there: bool) -> DataError:
    what = "changed" if was_there and is_there else "removed" if was_there else "created"
    return DataError(
        f"was {what} on disk after it was opened here (by hand or by another program); "
        "nothing was saved",
        source=path,
        hint="open the practice again to see that change, then make yours again",
    )


_GOAL_HEADER = re.compile(r"^(\s*)\[\s*goal\s*\](\s*(?:#.*)?)$", re.MULTILINE)


def _drop_migrated_keys(text: str) -> str:
    """An old practice.toml's single [goal] table becomes the first [[goal]] entry where it
    stands, with its comments; if that cannot be done safely, the old table is dropped
    (keeping the comments of the rest of the file) and the goals are written afresh."""
    import tomllib

    import tomlkit

    renamed = _GOAL_HEADER.sub(r"\1[[goal]]\2", text, count=1)
    try:
        before, after = tomllib.loads(text), tomllib.loads(renamed)
    except tomllib.TOMLDecodeError:
        after = before = None
    if after is not None and after.get("goal") == [before.get("goal")]:
        return renamed
    doc = tomlkit.parse(text)
    if "goal" in doc and not isinstance(doc["goal"], tomlkit.items.AoT):
        del doc["goal"]
    return tomlkit.dumps(doc)

"""The practice store: practices and their checkpoints under one data directory.

Reads go through stdlib tomllib (fast); writes edit the existing document with tomlkit
(comments survive) and are atomic. A file that does not load is reported and never
overwritten; the other practices and checkpoints still load.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.core.records import Checkpoint, Practice, Quarter, migrate_practice
from balancecoach.storage.paths import Layout, slugify
from balancecoach.storage.toml_read import parse_toml, read_text, validate

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


def read(path: Path) -> Loaded:
    text = read_text(path)
    return Loaded(path=path, text=text, data=parse_toml(text, path))


def load_practice_file(path: Path) -> Practice:
    loaded = read(path)
    return validate(Practice, migrate_practice(loaded.data), path, loaded.text)


def load_checkpoint_file(path: Path) -> Checkpoint:
    loaded = read(path)
    checkpoint = validate(Checkpoint, loaded.data, path, loaded.text)
    if path.stem != checkpoint.quarter:
        raise DataError(
            f"holds quarter {checkpoint.quarter} but is named {path.name}",
            source=path,
            field="quarter",
            hint=f"rename the file to {checkpoint.quarter}.toml or correct the quarter",
        )
    return checkpoint


@dataclass
class PracticeSummary:
    """One row of the practice list; `problems` holds what did not load."""

    slug: str
    name: str
    demo: bool = False
    last_quarter: str | None = None
    lean: float | None = None
    quadrant: str | None = None
    checkpoints: int = 0
    problems: list[DataError] = field(default_factory=list)


class PracticeStore:
    """Practices and checkpoints under a data directory."""

    def __init__(self, root: Path) -> None:
        self.layout = Layout(root)

    @property
    def root(self) -> Path:
        return self.layout.root

    # --- reading --------------------------------------------------------------------

    def slugs(self) -> list[str]:
        folder = self.layout.practices
        if not folder.is_dir():
            return []
        return sorted(
            p.name for p in folder.iterdir() if p.is_dir() and (p / "practice.toml").is_file()
        )

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

    def summaries(self) -> list[PracticeSummary]:
        """A row per practice folder; a bad file shows as a problem, never stops the list."""
        rows: list[PracticeSummary] = []
        for slug in self.slugs():
            row = PracticeSummary(slug=slug, name=slug)
            try:
                practice = self.load_practice(slug)
                row.name, row.demo = practice.practice.name, practice.practice.demo
            except DataError as exc:
                row.problems.append(exc)
            except DataErrors as exc:
                row.problems.extend(exc.errors)
            checkpoints, problems = self.load_checkpoints(slug)
            row.problems += problems
            row.checkpoints = len(checkpoints)
            if checkpoints:
                last = checkpoints[-1]
                row.last_quarter = last.quarter
                if last.scores:
                    row.lean, row.quadrant = last.scores.lean, last.scores.quadrant
            rows.append(row)
        return rows

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
        self.save_practice(slug, practice)
        return slug

    def save_practice(self, slug: str, practice: Practice) -> Path:
        path = self.layout.practice_file(slug)
        _save(path, dump(practice), practice_header(), Practice, migrate=migrate_practice)
        return path

    def save_checkpoint(self, slug: str, checkpoint: Checkpoint) -> Path:
        path = self.layout.checkpoint_file(slug, checkpoint.quarter)
        _save(path, dump(checkpoint), checkpoint_header(checkpoint.quarter), Checkpoint)
        return path


def _save(path: Path, data: dict[str, Any], header: str, model: type, migrate=None) -> None:
    """Write `data` to `path`, editing the file that is there. A file that is there but does
    not load is left untouched and the save is refused, so nothing is lost."""
    from balancecoach.storage.toml_write import atomic_write_text, render

    existing: str | None = None
    if path.exists():
        loaded = read(path)  # a syntax error here raises, naming the file and line
        current = migrate(loaded.data) if migrate else loaded.data
        validate(model, current, path, loaded.text)
        existing = loaded.text
        if migrate and current.get("schema_version") != loaded.data.get("schema_version"):
            existing = _drop_migrated_keys(loaded.text)
    try:
        text = render(data, existing, header)
    except DataError as exc:
        exc.source = path
        raise
    atomic_write_text(path, text)


def _drop_migrated_keys(text: str) -> str:
    """An old practice.toml's single [goal] table cannot become [[goal]] in place: keep the
    comments of the rest of the file and let the new goals be written afresh."""
    import tomlkit

    doc = tomlkit.parse(text)
    if "goal" in doc and not isinstance(doc["goal"], tomlkit.items.AoT):
        del doc["goal"]
    return tomlkit.dumps(doc)


def today() -> dt.date:
    return dt.date.today()


def current_quarter(day: dt.date | None = None) -> str:
    return str(Quarter.of(day or today()))

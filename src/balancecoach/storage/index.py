"""A cache of the practice list, so opening the list again reads no practice file that has
not changed. Each practice's row is kept with the modification time and size of every file
it came from; a row whose files all match is used as it is, any other is read afresh.

The cache is ``<data dir>/.index.json``. It holds nothing that is not in the practice
files: deleting it loses nothing, and a damaged one is ignored and rebuilt.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import threading
from typing import TYPE_CHECKING, Any

from balancecoach.core.errors import DataError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from balancecoach.storage.store import PracticeStore, PracticeSummary

INDEX_FILE = ".index.json"
#: Bump when the shape of a cached row changes; an index of another version is ignored.
INDEX_VERSION = 2


def fingerprints(store: PracticeStore, slug: str) -> dict[str, list[int]]:
    """Name → [mtime in ns, size] of every file a practice's row is built from. Taken
    before the files are read, so a change made while they are read is seen next time."""
    folder = str(store.layout.practice_dir(slug))
    out: dict[str, list[int]] = {}
    with contextlib.suppress(OSError):
        st = os.stat(os.path.join(folder, "practice.toml"))
        out["practice.toml"] = [st.st_mtime_ns, st.st_size]
    try:
        with os.scandir(os.path.join(folder, "checkpoints")) as entries:
            for entry in entries:
                name = entry.name
                if name.endswith(".toml") and not name.startswith("."):
                    with contextlib.suppress(OSError):
                        st = entry.stat()
                        out["checkpoints/" + name] = [st.st_mtime_ns, st.st_size]
    except OSError:
        out["checkpoints/"] = [-1, -1]  # no folder, or one that cannot be listed
    return out


def _row_to_json(row: PracticeSummary) -> dict[str, Any]:
    data = {name: getattr(row, name) for name in _fields()}
    data["red"] = list(row.red)
    data["problems"] = [
        {
            "message": p.message,
            "source": str(p.source) if p.source else None,
            "line": p.line,
            "field": p.field,
            "hint": p.hint,
        }
        for p in row.problems
    ]
    return data


@functools.cache
def _fields() -> tuple[str, ...]:
    from balancecoach.storage.store import PracticeSummary

    return tuple(f.name for f in dataclasses.fields(PracticeSummary))


def _row_from_json(data: dict[str, Any]) -> PracticeSummary:
    from balancecoach.storage.store import PracticeSummary

    problems = [DataError(**p) for p in data.pop("problems")]
    return PracticeSummary(**data, problems=problems)


def _problem_row(slug: str, problem: DataError) -> PracticeSummary:
    from balancecoach.storage.store import PracticeSummary

    return PracticeSummary(slug=slug, name=slug, problems=[problem])


class SummaryIndex:
    """Reads and writes the cached practice list of one data directory."""

    def __init__(self, store: PracticeStore) -> None:
        self.store = store
        self.path = store.root / INDEX_FILE

    def load(self) -> dict[str, Any]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict) or data.get("version") != INDEX_VERSION:
            return {}
        practices = data.get("practices")
        return practices if isinstance(practices, dict) else {}

    def summaries(self, slugs: Iterable[str] | None = None) -> list[PracticeSummary]:
        """The practice list, or the rows of `slugs` in that order: cached rows where
        nothing changed, fresh rows elsewhere. A subset keeps the other cached rows."""
        cached = self.load()
        everyone = slugs is None
        wanted = self.store.slugs() if slugs is None else list(dict.fromkeys(slugs))
        rows: list[PracticeSummary] = []
        entries: dict[str, Any] = {} if everyone else dict(cached)
        changed = False
        for slug in wanted:
            try:
                prints = fingerprints(self.store, slug)
            except DataError as exc:  # a folder name that is not a practice's
                rows.append(_problem_row(slug, exc))
                entries.pop(slug, None)
                continue
            entry = cached.get(slug)
            row = None
            if isinstance(entry, dict) and entry.get("files") == prints:
                try:
                    row = _row_from_json(dict(entry["row"]))
                except (KeyError, TypeError, ValueError):
                    row = None
            if row is None:
                row = self.store.summary(slug)
                if "practice.toml" not in prints:  # not a practice (any more): not kept
                    entries.pop(slug, None)
                    rows.append(row)
                    continue
                entry = {"files": prints, "row": _row_to_json(row)}
                changed = True
            rows.append(row)
            entries[slug] = entry
        if changed or set(entries) != set(cached):
            self._write(entries)
        return rows

    def _write(self, entries: dict[str, Any]) -> None:
        """Best effort: a cache that cannot be written costs speed, never data."""
        text = json.dumps({"version": INDEX_VERSION, "practices": entries}, ensure_ascii=False)
        # one temporary name per thread: the home list and the cohort view may both write
        tmp = self.path.with_name(f"{INDEX_FILE}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, self.path)
        except OSError:
            with contextlib.suppress(OSError):
                tmp.unlink()

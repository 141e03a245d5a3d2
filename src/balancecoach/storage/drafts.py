"""Unfinished work kept between sessions: an assessment half-answered, goal inputs half
typed, a checkpoint in progress. Each draft is `<data dir>/drafts/<kind>-<slug>.toml`,
written atomically after every change so that quitting (or a crash) loses nothing, and
removed only when the work is finished or the person discards it.

The app saves with `save_soon`: the data is copied at once and written by one background
thread, so a key press never waits for the disk. Writes happen in the order they were
asked for (only the latest of each draft, when several are waiting), and everything that
reads or removes drafts, and the end of the program, waits for the writes asked for first.

A draft that cannot be read is reported and left where it is, never deleted silently.
"""

from __future__ import annotations

import atexit
import copy
import datetime as dt
import re
import sys
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from balancecoach.core.errors import DataError
from balancecoach.storage.paths import Layout, slugify
from balancecoach.storage.toml_read import find_line, parse_toml, read_text

#: The draft file format this code writes.
DRAFT_SCHEMA = 1
KINDS = ("assessment", "goal", "checkpoint")
_NAME = re.compile(r"^(?P<kind>[a-z]+)-(?P<slug>.+)\.toml$")


@dataclass(frozen=True)
class DraftInfo:
    """One draft on disk; `problem` says why it does not load (it is still listed)."""

    kind: str
    slug: str
    saved_at: dt.datetime | None
    path: Path
    problem: DataError | None = None


def _now() -> dt.datetime:
    return dt.datetime.now().astimezone().replace(microsecond=0)


class DraftStore:
    """The drafts under one data directory (given as its Layout or a PracticeStore).

    Only a balancecoach that has the practice open for changes should save its drafts: the
    drafts folder has no lock of its own, and the last save wins.
    """

    def __init__(self, where: Any, clock: Callable[[], dt.datetime] = _now) -> None:
        self.layout: Layout = getattr(where, "layout", where)
        self.clock = clock
        self._writer = _Writer()

    @property
    def folder(self) -> Path:
        return self.layout.drafts

    def path(self, kind: str, slug: str) -> Path:
        """The file of a draft; an unknown kind or a slug that is not a folder name is
        refused."""
        if kind not in KINDS:
            raise DataError(
                f"{kind!r} is not a kind of draft",
                source=self.folder,
                hint=f"use one of: {', '.join(KINDS)}",
            )
        if not slug or slug != slugify(slug):
            raise DataError(
                f"{slug!r} is not a practice folder name",
                source=self.folder,
                hint="practice folders use lowercase letters, digits and hyphens",
            )
        return self.folder / f"{kind}-{slug}.toml"

    def save(self, kind: str, slug: str, data: Mapping[str, Any]) -> Path:
        """Keep `data` (TOML-ready values; None values are left out) as the latest draft,
        now: it is on disk when this returns."""
        path = self.path(kind, slug)
        self._writer.flush()  # an earlier save_soon must not land after this one
        self._write(path, kind, slug, self.clock(), dict(data))
        return path

    def save_soon(
        self,
        kind: str,
        slug: str,
        data: Mapping[str, Any],
        on_error: Callable[[Exception], None] | None = None,
    ) -> Path:
        """Keep `data` as the latest draft, written by the background writer: this returns
        at once. `data` is copied before returning, so it may change afterwards. A failed
        write goes to `on_error` (from the writer's thread) or, without one, is raised by
        the next `flush`."""
        path = self.path(kind, slug)
        saved_at, snapshot = self.clock(), copy.deepcopy(dict(data))
        self._writer.submit(
            path, lambda: self._write(path, kind, slug, saved_at, snapshot), on_error
        )
        return path

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every write asked of `save_soon` is on disk; False if `timeout`
        seconds passed first. A write that failed with no `on_error` is raised here."""
        return self._writer.flush(timeout)

    def _write(
        self, path: Path, kind: str, slug: str, saved_at: dt.datetime, data: dict[str, Any]
    ) -> None:
        from balancecoach.storage.toml_write import atomic_write_text, render

        envelope = {
            "schema_version": DRAFT_SCHEMA,
            "kind": kind,
            "practice": slug,
            "saved_at": saved_at,
            "data": data,
        }
        try:
            text = render(envelope, None, _header(kind))
        except (TypeError, ValueError) as exc:  # tomlkit refuses a value TOML cannot hold
            raise DataError(
                f"cannot be saved: {exc}", source=path, hint="keep drafts to plain values"
            ) from None
        atomic_write_text(path, text)

    def load(self, kind: str, slug: str) -> dict[str, Any] | None:
        """The draft's data, or None when there is none. A damaged draft is a DataError
        and stays on disk."""
        path = self.path(kind, slug)
        self._writer.flush()
        if not path.exists():
            return None
        return _read(path, kind, slug)[1]

    def list(self) -> list[DraftInfo]:
        """Every draft, newest first; a damaged one is listed with its problem."""
        self._writer.flush()
        if not self.folder.is_dir():
            return []
        found: list[DraftInfo] = []
        for path in self.folder.glob("*.toml"):
            match = _NAME.match(path.name)
            if not match or match["kind"] not in KINDS or match["slug"] != slugify(match["slug"]):
                continue  # not a draft file (e.g. an unfinished temporary write)
            kind, slug = match["kind"], match["slug"]
            try:
                saved_at = _read(path, kind, slug)[0]
            except DataError as exc:
                found.append(DraftInfo(kind, slug, None, path, problem=exc))
                continue
            found.append(DraftInfo(kind, slug, saved_at, path))
        oldest = dt.datetime.min.replace(tzinfo=dt.UTC)
        found.sort(key=lambda d: (d.saved_at or oldest, d.kind, d.slug), reverse=True)
        return found

    def discard(self, kind: str, slug: str) -> bool:
        """Remove a draft (the work was finished or given up); False if there was none."""
        self._writer.flush()  # a write still waiting would bring it back
        try:
            self.path(kind, slug).unlink()
        except FileNotFoundError:
            return False
        return True


class _Writer:
    """One daemon thread that runs write jobs in the order they were submitted. A job for a
    file that already has one waiting replaces it (only the latest content matters). The
    thread starts with the first job, and the program waits for it on the way out."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._waiting: dict[Path, tuple[Callable[[], None], Callable[[Exception], None] | None]]
        self._waiting = {}
        self._busy = False
        self._failed: list[Exception] = []
        self._thread: threading.Thread | None = None

    def submit(
        self,
        path: Path,
        job: Callable[[], None],
        on_error: Callable[[Exception], None] | None,
    ) -> None:
        with self._cond:
            self._waiting.pop(path, None)  # the newer content goes in the queue's last place
            self._waiting[path] = (job, on_error)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="balancecoach-drafts", daemon=True
                )
                self._thread.start()
                atexit.register(self._flush_at_exit)
            self._cond.notify_all()

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._waiting:
                    self._cond.wait()
                path = next(iter(self._waiting))
                job, on_error = self._waiting.pop(path)
                self._busy = True
            try:
                job()
            except Exception as exc:  # reported to whoever asked, never lost
                if on_error is not None:
                    try:
                        on_error(exc)
                    except Exception:  # a report that cannot be made is kept instead
                        with self._cond:
                            self._failed.append(exc)
                else:
                    with self._cond:
                        self._failed.append(exc)
            finally:
                with self._cond:
                    self._busy = False
                    self._cond.notify_all()

    def _flush_at_exit(self) -> None:
        """The program is ending: finish the writes, and say (without a traceback) if one
        failed and nobody was told."""
        try:
            if not self.flush(timeout=30):
                print("balancecoach: a draft was still being saved at exit", file=sys.stderr)
        except Exception as exc:
            print(f"balancecoach: a draft could not be saved: {exc}", file=sys.stderr)

    def flush(self, timeout: float | None = None) -> bool:
        with self._cond:
            done = self._cond.wait_for(lambda: not self._waiting and not self._busy, timeout)
            failed, self._failed = self._failed, []
        if failed:
            raise failed[0]
        return done


def _header(kind: str) -> str:
    return (
        f"# balancecoach draft: an unfinished {kind}, resumed next time the practice is\n"
        "# opened and removed once it is finished or discarded."
    )


def _read(path: Path, kind: str, slug: str) -> tuple[dt.datetime, dict[str, Any]]:
    """Check a draft file and return when it was saved and its data."""
    text = read_text(path)
    doc = parse_toml(text, path)
    version = doc.get("schema_version")
    if version != DRAFT_SCHEMA:
        newer = isinstance(version, int) and version > DRAFT_SCHEMA
        raise _bad(
            path,
            text,
            "schema_version",
            f"is a draft of format {version!r}, which this balancecoach cannot read",
            "update balancecoach" if newer else "discard the draft and start again",
        )
    for key, want in (("kind", kind), ("practice", slug)):
        if doc.get(key) != want:
            raise _bad(
                path,
                text,
                key,
                f"says {doc.get(key)!r} but the file name says {want!r}",
                "rename the file to match, or discard the draft",
            )
    saved_at = doc.get("saved_at")
    if not isinstance(saved_at, dt.datetime) or saved_at.tzinfo is None:
        raise _bad(path, text, "saved_at", "is missing or not a date and time with an offset")
    data = doc.get("data", {})
    if not isinstance(data, dict):
        raise _bad(path, text, "data", "is not a table")
    return saved_at, data


def _bad(path: Path, text: str, field: str, message: str, hint: str | None = None) -> DataError:
    return DataError(
        message,
        source=path,
        line=find_line(text, (field,)),
        field=field,
        hint=hint or "discard the draft (balancecoach keeps it until you do)",
    )

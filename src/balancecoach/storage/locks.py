"""One balancecoach at a time may change a practice: a lock file `practices/<slug>/.lock`.

The lock file is a few lines of TOML naming who holds it (process id, computer, a label
for people) and since when. It is created whole or not at all, so another balancecoach
never reads half a lock. A lock is stale, and is taken over, when its process is gone
(same computer), when it cannot be read, or when it has shown no sign of life for
12 hours. Releasing removes the lock only if it is still this holder's own.

The lock is advisory: it keeps balancecoach programs apart. Changes made by hand or by
another program are caught by the store's changed-on-disk check instead.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import secrets
import socket
import tomllib
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING

from balancecoach.core.errors import DataError
from balancecoach.storage.paths import Layout

if TYPE_CHECKING:
    from balancecoach.storage.store import PracticeStore

LOCK_NAME = ".lock"
#: A lock untouched for this long is taken over even when its holder cannot be checked.
STALE_AFTER = dt.timedelta(hours=12)
#: How many times to retry after taking over a stale lock lost a race with another taker.
_ATTEMPTS = 5


class PracticeLocked(DataError):
    """The practice is open for changes in another balancecoach."""


@dataclass(frozen=True)
class LockHolder:
    """What a lock file says about the balancecoach holding it."""

    pid: int
    host: str
    label: str
    since: dt.datetime
    token: str

    def describe(self) -> str:
        """'balancecoach on HOST, pid N, since 2026-05-01 10:32' in local time."""
        since = self.since.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{self.label}, since {since}"


def this_host() -> str:
    return socket.gethostname() or "this computer"


def new_holder() -> LockHolder:
    """The holder this process writes into a lock it takes."""
    host, pid = this_host(), os.getpid()
    return LockHolder(
        pid=pid,
        host=host,
        label=f"balancecoach on {host}, pid {pid}",
        since=dt.datetime.now(dt.UTC).replace(microsecond=0),
        token=secrets.token_hex(8),
    )


def lock_text(holder: LockHolder) -> str:
    # json.dumps gives a quoted, escaped string that is also a valid TOML basic string.
    return (
        "# balancecoach is changing this practice. Delete this file only if that\n"
        "# balancecoach is no longer running.\n"
        f"holder = {json.dumps(holder.label)}\n"
        f"pid = {holder.pid}\n"
        f"host = {json.dumps(holder.host)}\n"
        f"since = {holder.since.isoformat()}\n"
        f"token = {json.dumps(holder.token)}\n"
    )


def parse_lock(raw: bytes) -> LockHolder | None:
    """The holder a lock file names, or None when the file is damaged."""
    try:
        data = tomllib.loads(raw.decode("utf-8"))
        holder = LockHolder(
            pid=data["pid"],
            host=data["host"],
            label=data["holder"],
            since=data["since"],
            token=data["token"],
        )
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError):
        return None
    fields_ok = (
        isinstance(holder.pid, int)
        and all(isinstance(v, str) for v in (holder.host, holder.label, holder.token))
        and isinstance(holder.since, dt.datetime)
        and holder.since.tzinfo is not None
    )
    return holder if fields_ok else None


def pid_alive(pid: int) -> bool:
    """Whether a process with this id runs on this computer (True when unsure)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return _pid_alive_windows(pid)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists but belongs to someone else
    except OSError:
        return True
    return True


def _pid_alive_windows(pid: int) -> bool:  # pragma: no cover - exercised on Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return kernel32.GetLastError() == 5  # access denied: it exists
    code = ctypes.c_ulong()
    kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
    kernel32.CloseHandle(handle)
    return code.value == 259  # STILL_ACTIVE


def stale_reason(
    holder: LockHolder | None, last_touched: dt.datetime, now: dt.datetime | None = None
) -> str | None:
    """Why a lock may be taken over, or None while its holder may still be working."""
    if holder is None:
        return "the lock file is damaged"
    if holder.host == this_host() and not pid_alive(holder.pid):
        return f"process {holder.pid} is no longer running"
    now = now or dt.datetime.now(dt.UTC)
    if now - max(holder.since, last_touched) > STALE_AFTER:
        return "it has not been touched for more than 12 hours"
    return None


class PracticeLock:
    """The lock of one practice, taken by this process.

    `where` is the data directory's Layout or a PracticeStore. Use as a context manager,
    or call `acquire()` and `release()`. `acquire()` raises PracticeLocked, naming the
    holder, when another live balancecoach has it.
    """

    def __init__(self, where: Layout | PracticeStore, slug: str) -> None:
        layout: Layout = getattr(where, "layout", where)
        self.folder = layout.practice_dir(slug)  # refuses a slug outside the data directory
        self.path = self.folder / LOCK_NAME
        self.holder = new_holder()
        self.held = False

    def __enter__(self) -> PracticeLock:
        self.acquire()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def acquire(self) -> None:
        """Take the lock, taking over a stale one; PracticeLocked if someone holds it."""
        if self.held:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        for _ in range(_ATTEMPTS):
            if self._create():
                self.held = True
                return
            raw, touched = self._read()
            if raw is None:
                continue  # released in the meantime: try again
            holder = parse_lock(raw)
            if stale_reason(holder, touched) is None:
                assert holder is not None
                raise self._locked(holder)
            self._take_over(raw)
        raise PracticeLocked(
            "could not be locked: other programs keep taking its lock",
            source=self.folder,
            hint="close the other balancecoach windows and try again",
        )

    def release(self) -> None:
        """Remove the lock if it is still this holder's own; never someone else's."""
        if not self.held:
            return
        self.held = False
        raw, _ = self._read()
        if raw is not None and self._is_mine(raw):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self.path)

    def confirm(self) -> None:
        """Before a write: check the lock is still ours (re-take it if it vanished) and mark
        it alive. Raises PracticeLocked if another balancecoach has taken it over."""
        if not self.held:
            self.acquire()
            return
        raw, _ = self._read()
        if raw is None:
            self.held = False
            self.acquire()
            return
        if not self._is_mine(raw):
            self.held = False
            holder = parse_lock(raw)
            raise PracticeLocked(
                "was taken over by "
                + (holder.describe() if holder else "another program")
                + "; nothing was saved",
                source=self.folder,
                hint="open the practice again to see its latest state",
            )
        with contextlib.suppress(OSError):
            os.utime(self.path)  # a sign of life, so a long session is not thought stale

    # --- the file itself ---------------------------------------------------------------

    def _create(self) -> bool:
        """Create the lock file whole; False if one is already there."""
        text = lock_text(self.holder).encode("utf-8")
        tmp = self.folder / f"{LOCK_NAME}.{self.holder.token}.tmp"
        try:
            tmp.write_bytes(text)
        except OSError as exc:
            raise self._cannot(exc) from None
        try:
            # link() fails if the lock exists, and never shows a half-written lock.
            os.link(tmp, self.path)
            return True
        except FileExistsError:
            return False
        except (OSError, NotImplementedError):
            return self._create_exclusive(text)  # e.g. a file system without hard links
        finally:
            with contextlib.suppress(OSError):
                os.unlink(tmp)

    def _create_exclusive(self, text: bytes) -> bool:
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        except OSError as exc:
            raise self._cannot(exc) from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(text)
        return True

    def _read(self) -> tuple[bytes | None, dt.datetime]:
        """The lock file's bytes (None if there is none) and when it was last touched."""
        try:
            raw = self.path.read_bytes()
            touched = self.path.stat().st_mtime
        except FileNotFoundError:
            return None, dt.datetime.now(dt.UTC)
        except OSError:
            return b"", dt.datetime.now(dt.UTC)
        return raw, dt.datetime.fromtimestamp(touched, dt.UTC)

    def _take_over(self, stale: bytes) -> None:
        """Remove a stale lock, but only if it is still the one judged stale: move it
        aside (atomic), compare, and put it back if another taker got there first."""
        aside = self.folder / f"{LOCK_NAME}.{self.holder.token}.stale"
        try:
            os.replace(self.path, aside)
        except FileNotFoundError:
            return
        except OSError as exc:
            raise self._cannot(exc) from None
        try:
            if aside.read_bytes() != stale:
                with contextlib.suppress(OSError):
                    os.link(aside, self.path)
        finally:
            with contextlib.suppress(OSError):
                os.unlink(aside)

    def _is_mine(self, raw: bytes) -> bool:
        holder = parse_lock(raw)
        return holder is not None and holder.token == self.holder.token

    def _locked(self, holder: LockHolder) -> PracticeLocked:
        return PracticeLocked(
            f"is open for changes in {holder.describe()}",
            source=self.folder,
            hint=(
                "open it read-only, or close the other balancecoach; if it is no longer "
                f"running, delete {self.path}"
            ),
        )

    def _cannot(self, exc: OSError) -> DataError:
        return DataError(
            f"cannot be locked for changes: {exc.strerror or exc}",
            source=self.folder,
            hint="check that the data folder is writable",
        )

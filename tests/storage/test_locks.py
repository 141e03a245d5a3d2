"""One balancecoach changes a practice at a time: a second process is told who holds it,
may read it but not save it; stale locks are taken over; and a save never overwrites a file
that changed on disk since it was read."""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import store_samples

from balancecoach.core.errors import DataError
from balancecoach.storage.locks import (
    LOCK_NAME,
    LockHolder,
    PracticeLock,
    PracticeLocked,
    lock_text,
    parse_lock,
)
from balancecoach.storage.store import PracticeStore

SLUG = store_samples.SLUG
HERE = Path(__file__).parent

SECOND_PROCESS = """
import json, sys
from pathlib import Path
import store_samples
from balancecoach.core.errors import DataError
from balancecoach.storage.locks import PracticeLocked
from balancecoach.storage.store import PracticeStore

store = PracticeStore(Path(sys.argv[1]))
out = {"pid": __import__("os").getpid()}
"""


def second_process(root: Path, code: str) -> dict:
    """Run `code` in a new Python process next to `store`; it fills the dict `out`."""
    script = SECOND_PROCESS + textwrap.dedent(code) + "\nprint(json.dumps(out))\n"
    done = subprocess.run(
        [sys.executable, "-c", script, str(root)],
        cwd=HERE,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture
def store(tmp_path: Path) -> PracticeStore:
    store = PracticeStore(tmp_path)
    store.save_practice(SLUG, store_samples.practice())
    store.save_checkpoint(SLUG, store_samples.checkpoint())
    return store


def lock_path(store: PracticeStore) -> Path:
    return store.layout.practice_dir(SLUG) / LOCK_NAME


def dead_pid() -> int:
    """The id of a process that has ended (and been waited for)."""
    done = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        text=True,
        capture_output=True,
        check=True,
    )
    return int(done.stdout)


def write_lock(store: PracticeStore, *, pid: int, host: str, since: dt.datetime) -> Path:
    holder = LockHolder(pid, host, f"balancecoach on {host}, pid {pid}", since, "f00d")
    path = lock_path(store)
    path.write_text(lock_text(holder), encoding="utf-8")
    return path


# --- a second process ---------------------------------------------------------------------


def test_a_second_process_is_told_who_holds_the_practice(store: PracticeStore) -> None:
    with store.open(SLUG) as session:
        session.save_practice(store_samples.practice(providers=4))
        before = store.layout.practice_file(SLUG).read_bytes()
        out = second_process(
            store.root,
            """
            try:
                store.open(store_samples.SLUG)
            except PracticeLocked as exc:
                out["locked"] = str(exc)
            with store.open(store_samples.SLUG, read_only=True) as reader:
                out["providers"] = reader.load_practice().practice.providers
                out["checkpoints"] = len(reader.load_checkpoints()[0])
                try:
                    reader.save_practice(store_samples.practice(providers=9))
                except DataError as exc:
                    out["read_only"] = str(exc)
            try:
                store.save_practice(store_samples.SLUG, store_samples.practice(providers=9))
            except PracticeLocked as exc:
                out["plain_save"] = str(exc)
            """,
        )
        assert (
            f"balancecoach on {socket.gethostname()}, pid {os.getpid()}, since" in (out["locked"])
        )
        assert "open it read-only, or close the other balancecoach" in out["locked"]
        assert str(store.layout.practice_dir(SLUG)) in out["locked"]
        assert (out["providers"], out["checkpoints"]) == (4, 1)
        assert "read-only" in out["read_only"] and "nothing was saved" in out["read_only"]
        assert f"pid {os.getpid()}" in out["plain_save"]
        assert store.layout.practice_file(SLUG).read_bytes() == before
        assert parse_lock(lock_path(store).read_bytes()).pid == os.getpid()  # still ours
    assert not lock_path(store).exists()  # closing released it


def test_the_practice_is_free_again_once_the_holder_closes_it(store: PracticeStore) -> None:
    store.open(SLUG).close()
    out = second_process(
        store.root,
        """
        with store.open(store_samples.SLUG) as session:
            session.save_practice(store_samples.practice(providers=7))
        """,
    )
    assert out["pid"] != os.getpid()
    assert store.load_practice(SLUG).practice.providers == 7
    assert not lock_path(store).exists()


def test_the_lock_of_a_killed_process_is_taken_over(store: PracticeStore) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            SECOND_PROCESS + "store.open(store_samples.SLUG)\nprint('holding', flush=True)\n"
            "sys.stdin.read()\n",
            str(store.root),
        ],
        cwd=HERE,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout and holder.stdout.readline().strip() == "holding"
    with pytest.raises(PracticeLocked, match=f"pid {holder.pid}"):
        store.open(SLUG)
    holder.kill()
    holder.wait(timeout=10)
    with store.open(SLUG) as session:
        assert parse_lock(lock_path(store).read_bytes()).pid == os.getpid()
        session.save_practice(store_samples.practice(providers=5))
    assert store.load_practice(SLUG).practice.providers == 5


# --- stale locks --------------------------------------------------------------------------


def test_a_lock_whose_process_is_gone_is_taken_over(store: PracticeStore) -> None:
    now = dt.datetime.now(dt.UTC)
    write_lock(store, pid=dead_pid(), host=socket.gethostname(), since=now)
    with store.open(SLUG):
        assert parse_lock(lock_path(store).read_bytes()).pid == os.getpid()


@pytest.mark.parametrize(
    "damage", [b"", b"pid = \n", b"\xff\xfe not text", b'pid = "1"\nhost = 3\n'], ids=repr
)
def test_a_damaged_lock_is_taken_over(store: PracticeStore, damage: bytes) -> None:
    lock_path(store).write_bytes(damage)
    with store.open(SLUG):
        assert parse_lock(lock_path(store).read_bytes()).pid == os.getpid()


def test_a_lock_untouched_for_twelve_hours_is_taken_over(store: PracticeStore) -> None:
    old = dt.datetime.now(dt.UTC) - dt.timedelta(hours=13)
    path = write_lock(store, pid=1, host="front-desk-pc", since=old)
    os.utime(path, (old.timestamp(), old.timestamp()))
    with store.open(SLUG):
        assert parse_lock(path.read_bytes()).host == socket.gethostname()


def test_a_recent_lock_from_another_computer_is_respected(store: PracticeStore) -> None:
    path = write_lock(store, pid=1, host="front-desk-pc", since=dt.datetime.now(dt.UTC))
    with pytest.raises(PracticeLocked, match="balancecoach on front-desk-pc, pid 1"):
        store.open(SLUG)
    with pytest.raises(PracticeLocked):
        store.save_practice(SLUG, store_samples.practice(providers=9))
    assert parse_lock(path.read_bytes()).host == "front-desk-pc"  # left alone
    assert store.load_practice(SLUG).practice.providers == 2


def test_release_removes_only_its_own_lock(store: PracticeStore) -> None:
    lock = PracticeLock(store.layout, SLUG)
    lock.acquire()
    other = write_lock(store, pid=1, host="front-desk-pc", since=dt.datetime.now(dt.UTC))
    lock.release()
    assert other.exists() and parse_lock(other.read_bytes()).host == "front-desk-pc"


def test_a_taken_over_session_cannot_save(store: PracticeStore) -> None:
    session = store.open(SLUG)
    session.load_practice()
    lock_path(store).unlink()  # as if someone followed the hint while it was open
    with PracticeStore(store.root).open(SLUG) as other:
        other.save_practice(store_samples.practice(providers=6))
        written = store.layout.practice_file(SLUG).read_bytes()
        with pytest.raises(PracticeLocked, match="was taken over by balancecoach on"):
            session.save_practice(store_samples.practice(providers=8))
    assert store.layout.practice_file(SLUG).read_bytes() == written
    session.close()


# --- no lost update -----------------------------------------------------------------------


def test_a_save_over_a_file_changed_on_disk_is_refused(store: PracticeStore) -> None:
    path = store.layout.practice_file(SLUG)
    with store.open(SLUG) as session:
        practice = session.load_practice()
        second_process(
            store.root,
            """
            path = store.layout.practice_file(store_samples.SLUG)
            path.write_text(path.read_text().replace("providers = 2", "providers = 3"))
            """,
        )
        theirs = path.read_bytes()
        profile = practice.practice.model_copy(update={"name": "Bright Smile"})
        with pytest.raises(DataError, match="was changed on disk") as caught:
            session.save_practice(practice.model_copy(update={"practice": profile}))
        assert caught.value.source == path
        assert path.read_bytes() == theirs
        # once it has read the other change, it may save on top of it
        practice = session.load_practice()
        assert practice.practice.providers == 3
        session.save_practice(practice.model_copy(update={"practice": profile}))
    assert store.load_practice(SLUG).practice.name == "Bright Smile"


def test_a_checkpoint_created_or_removed_meanwhile_is_not_overwritten(
    store: PracticeStore,
) -> None:
    with store.open(SLUG) as session:
        new_path = store.layout.checkpoint_file(SLUG, "2025-Q2")
        new_path.write_text("# someone else's checkpoint\n")
        with pytest.raises(DataError, match="was created on disk"):
            session.save_checkpoint(
                store_samples.checkpoint(quarter="2025-Q2").model_copy(
                    update={"date": dt.date(2025, 6, 30)}
                )
            )
        assert new_path.read_text() == "# someone else's checkpoint\n"
        old_path = store.layout.checkpoint_file(SLUG, "2025-Q1")
        old_path.unlink()
        with pytest.raises(DataError, match="was removed on disk"):
            session.save_checkpoint(store_samples.checkpoint())
        assert not old_path.exists()


def test_a_session_saves_in_turn_and_the_plain_save_goes_through_it(
    store: PracticeStore,
) -> None:
    with store.open(SLUG) as session:
        session.save_practice(store_samples.practice(providers=3))
        store.save_practice(SLUG, store_samples.practice(providers=4))  # same store: no clash
        session.save_practice(store_samples.practice(providers=5))
        session.save_checkpoint(store_samples.checkpoint(answer=1))
        session.save_checkpoint(store_samples.checkpoint(answer=2))
    assert store.load_practice(SLUG).practice.providers == 5
    assert store.load_checkpoints(SLUG)[0][0].respondent[0].answers["MET-S1"] == 2


def test_opening_a_practice_that_does_not_exist(store: PracticeStore) -> None:
    with pytest.raises(DataError, match="there is no practice 'nobody'"):
        store.open("nobody")
    assert not store.layout.practice_dir("nobody").exists()

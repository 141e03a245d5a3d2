"""A crash mid-save leaves the previous file intact: a real process saving the practice and
a checkpoint over and over is killed with SIGKILL at random moments, and after every kill
each file holds exactly the old or the new version, complete and valid.

The seed is printed; rerun with BALANCECOACH_CRASH_SEED=<seed> to repeat a run.
"""

from __future__ import annotations

import errno
import os
import random
import signal
import stat
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest
import store_samples

from balancecoach.core.errors import DataError
from balancecoach.storage import toml_write
from balancecoach.storage.store import PracticeStore, load_checkpoint_file, load_practice_file
from balancecoach.storage.toml_write import atomic_write_text

KILLS = 200
#: Kill moments are spread over this many saves' time after a writer starts (a save's time
#: is measured first, so a busy machine does not leave the writer no time to write). Each
#: writer starts at a random one of its four steps, so every step gets killed.
SAVES_PER_WAIT = 2
#: Beyond KILLS, kill at most this many more times until every version has been seen.
EXTRA_KILLS = 200
WORKER = Path(__file__).with_name("crash_worker.py")
SLUG = store_samples.SLUG
QUARTER = "2025-Q1"


class Worker:
    """The crash_worker process: starts writers and reports how they ended."""

    def __init__(self, root: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, str(WORKER), str(root)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            cwd=WORKER.parent,
        )
        assert self.ask("") == "ready"

    def ask(self, line: str) -> str:
        assert self.process.stdin and self.process.stdout
        if line:
            self.process.stdin.write(line + "\n")
            self.process.stdin.flush()
        return self.process.stdout.readline().strip()

    def close(self) -> None:
        assert self.process.stdin
        self.process.stdin.close()
        self.process.wait(timeout=10)


def steady_texts(store: PracticeStore) -> tuple[dict[str, object], dict[str, object], float]:
    """Save the two versions in turn until the texts repeat; return text -> record for
    practice.toml and for the checkpoint (editing in place must reach a fixed pair), and
    how long one save took."""
    from crash_worker import VERSIONS

    practice_path = store.layout.practice_file(SLUG)
    checkpoint_path = store.layout.checkpoint_file(SLUG, QUARTER)
    seen: list[tuple[str, str]] = []
    started = time.perf_counter()
    for turn in range(6):
        practice, checkpoint = VERSIONS[turn % 2]
        store.save_practice(SLUG, practice)
        store.save_checkpoint(SLUG, checkpoint)
        seen.append((practice_path.read_text(), checkpoint_path.read_text()))
    one_save = (time.perf_counter() - started) / 12
    assert seen[2:4] == seen[4:6], "saving the same record twice over gave different text"
    practices = {seen[4 + i][0]: VERSIONS[i][0] for i in range(2)}
    checkpoints = {seen[4 + i][1]: VERSIONS[i][1] for i in range(2)}
    assert len(practices) == len(checkpoints) == 2
    return practices, checkpoints, one_save


def test_killing_a_save_at_any_moment_leaves_old_or_new(tmp_path: Path) -> None:
    seed = int(os.environ.get("BALANCECOACH_CRASH_SEED", random.randrange(2**32)))
    print(f"crash test seed: {seed} (BALANCECOACH_CRASH_SEED={seed} repeats it)")
    rng = random.Random(seed)
    store = PracticeStore(tmp_path)
    practices, checkpoints, one_save = steady_texts(store)
    longest_wait = SAVES_PER_WAIT * one_save
    practice_path = store.layout.practice_file(SLUG)
    checkpoint_path = store.layout.checkpoint_file(SLUG, QUARTER)
    every_text = set(practices) | set(checkpoints)
    seen_texts: set[str] = set()
    worker = Worker(tmp_path)
    kills = 0
    try:
        while kills < KILLS or (seen_texts != every_text and kills < KILLS + EXTRA_KILLS):
            kills += 1
            where = f"kill {kills}, seed {seed}"
            pid = int(worker.ask(f"run {rng.randrange(4)}"))
            time.sleep(rng.uniform(0, longest_wait))
            os.kill(pid, signal.SIGKILL)
            ended = worker.ask(f"reap {pid}")
            error = tmp_path / "worker-error.txt"
            assert ended == f"signal {signal.SIGKILL}", (
                where,
                ended,
                error.read_text() if error.exists() else "",
            )
            for path, versions in ((practice_path, practices), (checkpoint_path, checkpoints)):
                text = path.read_text(encoding="utf-8")  # never missing: it existed before
                assert text in versions, f"{where}: {path.name} is neither version:\n{text}"
                tomllib.loads(text)
                seen_texts.add(text)
            assert load_practice_file(practice_path) == practices[practice_path.read_text()]
            assert load_checkpoint_file(checkpoint_path) == checkpoints[checkpoint_path.read_text()]
            # unfinished temporary files are never taken for data
            assert store.checkpoint_paths(SLUG) == [checkpoint_path], where
            assert store.slugs() == [SLUG], where
    finally:
        worker.close()
    leftovers = sorted(p.name for p in tmp_path.rglob("*.tmp"))
    print(
        f"{kills} kills within {longest_wait * 1000:.0f} ms of a writer's start; "
        f"{len(leftovers)} unfinished temporary files left behind"
    )
    assert all(name.startswith(".") for name in leftovers)
    assert seen_texts == every_text, f"some version was never written (seed {seed})"
    checkpoints_loaded, problems = store.load_checkpoints(SLUG)
    assert len(checkpoints_loaded) == 1 and problems == []
    assert [row.problems for row in store.summaries()] == [[]]
    # and the practice can still be opened for changes: the last writer's lock was stale
    with store.open(SLUG) as session:
        session.save_practice(store_samples.practice(providers=5))
    assert store.load_practice(SLUG).practice.providers == 5


# --- a write that fails part-way ---------------------------------------------------------


def _fail_replace(src: str, dst: str) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


class _HalfWriter:
    """A file handle that writes half of what it is given, then reports a full disk."""

    def __init__(self, handle) -> None:
        self.handle = handle

    def __enter__(self):
        self.handle.__enter__()
        return self

    def __exit__(self, *exc):
        return self.handle.__exit__(*exc)

    def write(self, text: str) -> int:
        self.handle.write(text[: len(text) // 2])
        self.handle.flush()
        raise OSError(errno.ENOSPC, "No space left on device")

    def __getattr__(self, name: str):
        return getattr(self.handle, name)


@pytest.mark.parametrize("failure", ["rename", "write"])
def test_a_failed_write_leaves_the_old_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    path = tmp_path / "practice.toml"
    path.write_text('name = "old"\n', encoding="utf-8")
    if failure == "rename":
        monkeypatch.setattr(toml_write.os, "replace", _fail_replace)
    else:
        real_fdopen = os.fdopen
        monkeypatch.setattr(
            toml_write.os, "fdopen", lambda *a, **k: _HalfWriter(real_fdopen(*a, **k))
        )
    with pytest.raises(DataError) as caught:
        atomic_write_text(path, 'name = "new"\n' * 100)
    assert caught.value.source == path
    assert "No space left on device" in str(caught.value)
    assert "previous version was kept" in str(caught.value)
    assert path.read_text(encoding="utf-8") == 'name = "old"\n'
    assert [p.name for p in tmp_path.iterdir()] == ["practice.toml"]  # no temporary file


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "practice.toml"
    path.write_text('name = "old"\n', encoding="utf-8")

    def interrupt(src: str, dst: str) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(toml_write.os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(path, 'name = "new"\n')
    assert path.read_text(encoding="utf-8") == 'name = "old"\n'
    assert [p.name for p in tmp_path.iterdir()] == ["practice.toml"]


def test_a_save_keeps_the_files_permissions(tmp_path: Path) -> None:
    path = tmp_path / "practice.toml"
    path.write_text('name = "old"\n', encoding="utf-8")
    path.chmod(0o640)
    atomic_write_text(path, 'name = "new"\n')
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text(encoding="utf-8") == 'name = "new"\n'


def test_unfinished_temporary_files_are_never_taken_for_data(tmp_path: Path) -> None:
    store = PracticeStore(tmp_path)
    store.save_practice(SLUG, store_samples.practice())
    store.save_checkpoint(SLUG, store_samples.checkpoint())
    checkpoint_path = store.layout.checkpoint_file(SLUG, QUARTER)
    for folder, name in [
        (checkpoint_path.parent, f".{QUARTER}.toml.k3j2x1.tmp"),
        (checkpoint_path.parent, ".2025-Q2.toml"),
        (store.layout.practice_dir(SLUG), ".practice.toml.a8b7c6.tmp"),
        (store.layout.practices / "half-made", ".practice.toml.q1w2e3.tmp"),
    ]:
        folder.mkdir(exist_ok=True)
        (folder / name).write_text('schema_version = 1\nquarter = "2025-Q2"\n', encoding="utf-8")
    assert store.checkpoint_paths(SLUG) == [checkpoint_path]
    assert store.slugs() == [SLUG]
    assert [(row.slug, row.checkpoints, row.problems) for row in store.summaries()] == [
        (SLUG, 1, [])
    ]

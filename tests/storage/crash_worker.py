"""A process that saves a practice over and over, to be killed at random by test_crash.

It imports the store once and forks a writer on each "run START" line (so that a restart
takes milliseconds, not an interpreter start); "reap PID" waits for that writer and answers
how it ended. A writer opens the practice for changes (taking over the lock its killed
predecessor left behind) and alternates two versions of practice.toml and of a checkpoint,
beginning at step START of four, until it is killed. If it fails instead, it writes the
traceback to `worker-error.txt`.

Usage: python crash_worker.py DATA_DIR
"""

from __future__ import annotations

import os
import sys
import tempfile
import traceback
from pathlib import Path

import store_samples  # beside this file, which Python puts first on the path

from balancecoach.storage.store import PracticeStore

VERSIONS = (
    (store_samples.practice(providers=2), store_samples.checkpoint(answer=4, status="open")),
    (
        store_samples.practice(providers=3, payroll=325_500.5, note="ten minutes, standing"),
        store_samples.checkpoint(answer=5, status="done"),
    ),
)


def write_forever(root: Path, start: int) -> None:
    """Save practice A, checkpoint A, practice B, checkpoint B, ... from step `start`."""
    store = PracticeStore(root)
    with store.open(store_samples.SLUG) as session:
        step = start
        while True:
            practice, checkpoint = VERSIONS[step // 2 % 2]
            if step % 2 == 0:
                session.save_practice(practice)
            else:
                session.save_checkpoint(checkpoint)
            step += 1


def writer(root: Path, start: int) -> None:
    try:
        write_forever(root, start)
    except BaseException:
        (root / "worker-error.txt").write_text(traceback.format_exc())
        os._exit(3)


def warm_up() -> None:
    """Save once in a scratch folder, so that everything a save imports on first use is
    loaded before forking and a writer starts saving at once."""
    with tempfile.TemporaryDirectory() as scratch:
        store = PracticeStore(Path(scratch))
        store.save_practice(store_samples.SLUG, VERSIONS[0][0])
        store.save_checkpoint(store_samples.SLUG, VERSIONS[0][1])
        store.open(store_samples.SLUG).close()


def main(root: Path) -> None:
    warm_up()
    print("ready", flush=True)
    for line in sys.stdin:
        command, *args = line.split()
        if command == "run":
            pid = os.fork()
            if pid == 0:
                writer(root, int(args[0]))
            print(pid, flush=True)
        elif command == "reap":
            _, status = os.waitpid(int(args[0]), 0)
            if os.WIFSIGNALED(status):
                print(f"signal {os.WTERMSIG(status)}", flush=True)
            else:
                print(f"exit {os.WEXITSTATUS(status)}", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))

"""The doctor answers part of the assessment in the real app, at a real (pseudo-)terminal,
and the program is killed outright (SIGKILL: no chance to save on the way out). The draft on
disk still holds every answer given, and the app started again resumes at the next
statement with all of them.

The app runs as `python -m balancecoach` under a pseudo-terminal (pty), so this works
without tmux. Every wait is on what the app has shown or written, never a fixed sleep.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import signal
import struct
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widgets import Static

from balancecoach.core.records import Practice
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.store import PracticeStore
from balancecoach.tui.app import make_app
from balancecoach.tui.screens.assessment import AssessmentScreen
from balancecoach.tui.screens.home import HomeScreen

# a POSIX pseudo-terminal is needed
fcntl = pytest.importorskip("fcntl")
termios = pytest.importorskip("termios")

NAME = "Kill Test Dental"
SLUG = "kill-test-dental"
COLS, ROWS = 100, 30
#: The doctor's ratings for the first statements, in order (every rating is used).
RATINGS = [4, 2, 5, 1, 3, 4, 5]
#: How long any single wait may take on a loaded machine before the test gives up.
PATIENCE = 30.0
STATEMENTS = load_content().questions.statement

_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: cursor moves, colours, modes
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC: titles and the like
    r"|\x1b[P^_][^\x1b]*\x1b\\"  # DCS, PM, APC strings
    r"|\x1b[@-Z\\-_]"  # any other two-byte escape
)


class Terminal:
    """A program running under a pseudo-terminal, with what it has drawn kept as text."""

    def __init__(self, argv: list[str], cwd: Path) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        env = {
            **os.environ,
            "TERM": "xterm-256color",
            "COLUMNS": str(COLS),
            "LINES": str(ROWS),
            "TEXTUAL_ANIMATIONS": "none",
        }
        env.pop("BALANCECOACH_HOME", None)
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            cwd=cwd,
            env=env,
            start_new_session=True,
            close_fds=True,
        )
        os.close(slave)
        self.master = master
        self._raw = bytearray()
        self._lock = threading.Lock()
        # The pty must be drained all the time, or the app blocks once its buffer is full.
        self._reader = threading.Thread(target=self._drain, daemon=True)
        self._reader.start()

    def _drain(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the program has gone and the pty is closed
                return
            if not chunk:
                return
            with self._lock:
                self._raw += chunk

    def text(self) -> str:
        """Everything drawn so far, escape sequences removed."""
        with self._lock:
            raw = bytes(self._raw)
        return _ESCAPES.sub("", raw.decode("utf-8", "replace"))

    def mark(self) -> int:
        return len(self.text())

    def wait_for_text(self, needle: str, since: int = 0) -> None:
        wait_until(
            lambda: needle in self.text()[since:],
            f"the app to show {needle!r}",
            lambda: self.text()[-1500:],
        )

    def send(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def kill(self) -> int:
        self.proc.send_signal(signal.SIGKILL)
        code = self.proc.wait(timeout=PATIENCE)
        os.close(self.master)
        self._reader.join(timeout=5)
        return code

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()


def wait_until(ready: Callable[[], bool], what: str, shown: Callable[[], str] = lambda: "") -> None:
    deadline = time.monotonic() + PATIENCE
    while not ready():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}; last shown:\n{shown()}")
        time.sleep(0.05)


def draft_answers(path: Path) -> tuple[dict[str, int], int] | None:
    """The doctor's answers and position in the draft, or None while there is none (or it
    is being replaced: the atomic rename means a reader sees the old or the new file)."""
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, tomllib.TOMLDecodeError):
        return None
    data = doc["data"]
    return dict(data["answers"]["doctor"]), int(data["position"]["doctor"])


def answer_then_kill(data: Path, cwd: Path, given: dict[str, int]) -> Path:
    """Open the practice in the real app, answer `given` one key at a time (each one waited
    for in the draft), then SIGKILL the app. Returns the draft's path."""
    draft = data / "drafts" / f"assessment-{SLUG}.toml"
    app = Terminal([sys.executable, "-m", "balancecoach", "--data-dir", str(data)], cwd)
    try:
        app.wait_for_text(NAME)  # home lists the practice, and its table has the focus
        at = app.mark()
        app.send("\r")  # Enter opens it
        app.wait_for_text("No checkpoint yet", since=at)
        at = app.mark()
        app.send("a")  # start the first visit
        app.wait_for_text(f"statement 1 of {len(STATEMENTS)}", since=at)
        # a new visit saves its draft at once (written in the background: it lands soon)
        wait_until(lambda: draft_answers(draft) == ({}, 0), "the new visit's draft")

        items = list(given.items())
        for n, (_, rating) in enumerate(items, start=1):
            app.send(str(rating))
            expected = (dict(items[:n]), n)
            wait_until(lambda e=expected: draft_answers(draft) == e, f"answer {n} in the draft")
        assert app.proc.poll() is None, "the app is still running when it is killed"
        assert app.kill() == -signal.SIGKILL
    finally:
        app.close()
    return draft


async def test_killed_mid_assessment_every_answer_is_in_the_draft_and_resumes(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    store = PracticeStore(data)
    practice = Practice.model_validate({"practice": {"name": NAME, "providers": 2}})
    assert store.create_practice(practice) == SLUG
    given = {STATEMENTS[i].id: r for i, r in enumerate(RATINGS)}

    draft = answer_then_kill(data, tmp_path, given)

    # What the kill leaves: the draft with every answer, and no half-written file beside it.
    assert draft_answers(draft) == (given, len(RATINGS))
    doc = tomllib.loads(draft.read_text(encoding="utf-8"))
    assert (doc["kind"], doc["practice"], doc["data"]["stage"], doc["data"]["turn"]) == (
        "assessment",
        SLUG,
        "assessment",
        0,
    )
    assert doc["data"]["answers"]["manager"] == {}
    assert [p.name for p in (data / "drafts").iterdir()] == [draft.name]

    # Started again: r on the home screen resumes the assessment where it stopped.
    app = make_app(data, clock=lambda: dt.date(2026, 11, 24))
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("r")
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AssessmentScreen)
        assert screen.visit.slug == SLUG and screen.visit.role == "doctor"
        assert screen.visit.answers == {"doctor": given, "manager": {}}
        assert screen.index == len(given), "it resumes at the statement after the last answer"
        who = str(screen.query_one("#who", Static).content)
        assert f"statement {len(given) + 1} of {len(STATEMENTS)}" in who
        assert f"{len(given)} answered" in who
        shown = str(screen.query_one("#statement", Static).content)
        assert STATEMENTS[len(given)].text in shown

        # the answers are there to go back to: ← shows the last one given
        await pilot.press("left")
        await pilot.pause()
        hint = str(screen.query_one("#hint", Static).content)
        assert f"Your answer: [b]{RATINGS[-1]} " in hint

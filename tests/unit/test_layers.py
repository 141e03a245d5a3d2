"""The layers stay apart: core imports no UI, drawing or TOML-writing library, and the
non-interactive commands never load Textual. Checked in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

import balancecoach.core
from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.store import PracticeStore

FORBIDDEN_IN_CORE = ("textual", "plotext", "tomlkit", "rich")


def _loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return {line.split(".")[0] for line in out.splitlines()}


def test_core_imports_no_ui_or_writer_library() -> None:
    modules = [m.name for m in pkgutil.iter_modules(balancecoach.core.__path__)]
    assert {"scoring", "goals", "metrics", "content"} <= set(modules)
    loaded = _loaded_after("\n".join(f"import balancecoach.core.{m}" for m in modules))
    assert not loaded & set(FORBIDDEN_IN_CORE), loaded & set(FORBIDDEN_IN_CORE)


def test_cli_commands_do_not_import_textual(tmp_path) -> None:
    code = (
        "import contextlib, io\n"
        "from balancecoach.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    for kind in ('questions', 'metrics', 'practices'):\n"
        "        assert main(['catalog', kind]) == 0\n"
        "    assert main(['goal', 'examples/goal.toml']) == 0\n"
        "    assert main(['score', 'examples/answers.toml']) == 0\n"
    )
    loaded = _loaded_after(code)
    assert "balancecoach" in loaded
    assert "textual" not in loaded
    assert "tomlkit" not in loaded


#: Each line of `python -X importtime` ends with the name of a module imported for the first
#: time: "import time:   self [us] | cumulative | name".
IMPORT_LINE = re.compile(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)\s*$")


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("layers")
    install_demo(PracticeStore(root))
    return root


@pytest.mark.parametrize(
    "command",
    [
        ["practices"],
        ["report", DEMO_SLUG],
        ["chart", DEMO_SLUG, "lean"],
        ["export", DEMO_SLUG, "--format", "csv"],
    ],
    ids=lambda c: c[0],
)
def test_practice_commands_do_not_import_textual(demo_data: Path, command: list[str]) -> None:
    """Each command as a person runs it, in its own interpreter, on the demo practice; the
    import log of that interpreter names every module it loaded."""
    program = [sys.executable, "-X", "importtime", "-m", "balancecoach"]
    done = subprocess.run(
        [*program, "--data-dir", str(demo_data), *command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip(), "the command printed nothing"
    imported = {m.group(1) for m in map(IMPORT_LINE.match, done.stderr.splitlines()) if m}
    assert "balancecoach.cli" in imported, "the import log was not read"
    assert "balancecoach.storage.store" in imported
    loaded_ui = sorted(name for name in imported if name.split(".")[0] == "textual")
    assert not loaded_ui, f"{' '.join(command)} imported {loaded_ui[:5]}"


#: Start the app on a data directory, wait for home to list its practices, and write the
#: names of the modules loaded by then to a file.
HOME_PROBE = """
import sys
from pathlib import Path

from balancecoach.tui.app import make_app


async def ready(pilot):
    from textual.widgets import DataTable

    for _ in range(1000):
        await pilot.pause()
        screen = pilot.app.screen
        if type(screen).__name__ == "HomeScreen":
            if screen.query_one("#practices", DataTable).row_count:
                break
    else:
        raise SystemExit("home never listed a practice")
    Path(sys.argv[2]).write_text("\\n".join(sorted(sys.modules)), encoding="utf-8")
    pilot.app.exit()


make_app(sys.argv[1]).run(headless=True, size=(80, 24), auto_pilot=ready)
"""


def test_home_screen_needs_no_models_charts_or_toml(tmp_path: Path) -> None:
    """The first screen reads the practice list from its index: no model is built, no
    chart library or TOML writer is loaded, and no TOML file is parsed."""
    data = tmp_path / "data"
    store = PracticeStore(data)
    install_demo(store)
    assert [row.slug for row in store.summaries()] == [DEMO_SLUG]  # writes the index
    report = tmp_path / "modules.txt"
    subprocess.run(
        [sys.executable, "-c", HOME_PROBE, str(data), str(report)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    loaded = {name.split(".")[0] for name in report.read_text(encoding="utf-8").split()}
    assert {"textual", "balancecoach"} <= loaded
    assert not loaded & {"pydantic", "pydantic_core", "plotext", "tomlkit", "tomllib"}

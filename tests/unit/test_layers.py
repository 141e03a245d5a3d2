"""The layers stay apart: core imports no UI, drawing or TOML-writing library, and the
non-interactive commands never load Textual. Checked in a fresh interpreter."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import balancecoach.core

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

"""`balancecoach serve`: its options, the command it runs per browser tab, and the plain
messages for a busy port, a bad port, an exposed address and an unusable data directory.
None of these starts a server that stays up; tests/browser runs a real one."""

from __future__ import annotations

import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from balancecoach.cli import build_parser, main
from balancecoach.commands.serve import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    app_command,
    exposure_warning,
    is_loopback,
)


def test_defaults_are_this_computer_only(tmp_path: Path) -> None:
    args = build_parser().parse_args(["serve", "--data-dir", str(tmp_path)])
    assert (args.host, args.port, args.data_dir) == (DEFAULT_HOST, str(DEFAULT_PORT), tmp_path)
    assert is_loopback(args.host)
    # --data-dir before the command works as for every other command.
    args = build_parser().parse_args(["--data-dir", str(tmp_path), "serve", "--port", "9001"])
    assert (args.data_dir, args.port) == (tmp_path, "9001")


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.10", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("LocalHost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("", False),
        ("192.168.1.20", False),
        ("10.0.0.5", False),
        ("front-desk-pc", False),
    ],
)
def test_which_hosts_count_as_this_computer_only(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


@pytest.mark.parametrize(
    "data",
    [Path("/srv/practice data"), Path("/tmp/it's $HOME; rm -rf x"), Path("/plain/path")],
)
def test_the_app_command_survives_the_shell(data: Path) -> None:
    python = "/opt/py thon/bin/python3"
    command = app_command(data, python=python, windows=False)
    assert shlex.split(command) == [python, "-m", "balancecoach", "--data-dir", str(data)]
    # And the shell really hands the app those words: echo them back through sh.
    echoed = subprocess.run(
        ["sh", "-c", command.replace(shlex.quote(python), "printf '%s\\n'", 1)],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    assert echoed == ["-m", "balancecoach", "--data-dir", str(data)]


def test_the_app_command_on_windows_quotes_for_cmd() -> None:
    command = app_command(
        Path("C:/Practice Data"), python="C:/Program Files/Python/python.exe", windows=True
    )
    assert command == (
        '"C:/Program Files/Python/python.exe" -m balancecoach --data-dir "C:/Practice Data"'
    )


def test_the_default_command_uses_this_python(tmp_path: Path) -> None:
    words = shlex.split(app_command(tmp_path, windows=False))
    assert words[0] == sys.executable
    assert words[-2:] == ["--data-dir", str(tmp_path)]


@pytest.mark.parametrize("port", ["0", "65536", "-1", "eighty", "80.5", ""])
def test_a_bad_port_is_one_clear_line(
    port: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--port", port, "--data-dir", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("balancecoach: --port: must be a whole number from 1 to 65535")
    assert "Traceback" not in err


def test_a_data_dir_that_is_a_file_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    not_a_folder = tmp_path / "practices.txt"
    not_a_folder.write_text("x")
    assert main(["serve", "--data-dir", str(not_a_folder), "--port", "8000"]) == 2
    err = capsys.readouterr().err
    assert str(not_a_folder) in err
    assert "is a file, not a folder" in err


def _listening(host: str) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family)
    sock.bind((host, 0))
    sock.listen()
    return sock


def test_a_busy_port_is_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _listening("127.0.0.1") as taken:
        port = taken.getsockname()[1]
        code = main(["serve", "--port", str(port), "--data-dir", str(tmp_path)])
    assert code == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == (
        f"balancecoach: --port: port {port} on 127.0.0.1 is already in use (perhaps by another "
        f"balancecoach serve) (stop that program, or choose another port, e.g. --port {port + 1})"
    )
    assert "being served" not in captured.out  # nothing claims to be serving


def test_another_address_warns_before_serving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The port is taken on every address, so the command warns and then stops at once.
    with _listening("0.0.0.0") as taken:
        port = taken.getsockname()[1]
        code = main(
            ["serve", "--host", "0.0.0.0", "--port", str(port), "--data-dir", str(tmp_path)]
        )
    assert code == 2
    err = capsys.readouterr().err
    warning, error = err.strip().splitlines()
    assert warning == exposure_warning("0.0.0.0", port, tmp_path.resolve())
    assert warning.startswith("Warning: serving on every network address of this computer.")
    assert "Anyone on that network" in warning and str(tmp_path.resolve()) in warning
    assert "--host 127.0.0.1" in warning
    assert "already in use" in error


def test_loopback_serving_does_not_warn(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _listening("127.0.0.1") as taken:
        main(["serve", "--port", str(taken.getsockname()[1]), "--data-dir", str(tmp_path)])
    assert "Warning" not in capsys.readouterr().err


def test_an_address_not_of_this_computer_is_named(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # 192.0.2.0/24 is reserved for documentation (RFC 5737): never this computer's.
    code = main(["serve", "--host", "192.0.2.7", "--port", "8000", "--data-dir", str(tmp_path)])
    assert code == 2
    err = capsys.readouterr().err
    assert "balancecoach: --host: '192.0.2.7' is not an address of this computer" in err
    assert "Traceback" not in err


def test_serving_loads_no_textual_in_the_server_process() -> None:
    # The server only relays; each tab's app process loads Textual itself.
    code = "import sys, balancecoach.commands.serve, balancecoach.tui.serve; print(sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert "'textual_serve':" in out
    assert "'textual':" not in out

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from balancecoach.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "balancecoach", *args], capture_output=True, text=True, cwd=cwd
    )


def test_goal_on_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["goal", str(EXAMPLES / "goal.toml")]) == 0
    out = capsys.readouterr().out
    assert "Annual collection goal" in out
    assert "$910,000" in out  # 590,000 overhead + 240,000 + 30,000 + 50,000
    assert "$938,144" in out  # 910,000 ÷ 0.97
    assert "Production per clinical hour" in out


def test_goal_json_has_the_figures(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["goal", str(EXAMPLES / "goal.toml"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["collection_goal"] == 910_000
    assert round(data["production_goal"]) == 938_144
    assert data["working_days"] == 192
    assert data["daily_production"] == pytest.approx(data["production_goal"] / 192)
    assert data["explanation"].startswith("How this goal was created")


def test_score_on_the_example(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLES / "answers.toml")]) == 0
    out = capsys.readouterr().out
    for fragment in (
        "Doctor",
        "Manager",
        "Lean",
        "Agreement between",
        "Conversation prompts",
        "Recommendations",
        "triggered by",
    ):
        assert fragment in out


def test_score_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", str(EXAMPLES / "answers.toml"), "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    doctor, manager = data["respondents"]
    assert doctor["role"] == "doctor" and manager["role"] == "manager"
    assert doctor["overall"]["lean"] > 0 > manager["overall"]["lean"]
    assert data["comparison"]["prompts"]


@pytest.mark.parametrize("kind", ["questions", "metrics", "practices"])
def test_catalog_text_and_json(kind: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["catalog", kind]) == 0
    text = capsys.readouterr().out
    assert text.strip()
    assert main(["catalog", kind, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    key = {"questions": "statement", "metrics": "metric", "practices": "practice"}[kind]
    assert len(data[key]) >= 10
    assert f"{len(data[key])} " in text


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        ("collection_rate = \n", ":1: "),
        ("[overhead]\npayroll = -5\ncollection_rate = 0.9\n", "overhead.payroll"),
        ("collection_rate = 0.9\n[overhead]\npayroll = 'lots'\n", ":3: overhead.payroll"),
        ("collection_rate = 1.5\n[overhead]\npayroll = 5\n", ":1: collection_rate"),
        ("[overhead]\npayroll = 5\n", "give collection_rate"),
        ("", "give collection_rate"),
    ],
)
def test_bad_goal_file_exits_2_with_one_clear_line(
    tmp_path: Path, content: str, fragment: str
) -> None:
    path = tmp_path / "inputs.toml"
    path.write_text(content, encoding="utf-8")
    result = run("goal", str(path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"balancecoach: {path}")
    assert fragment in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("content", "fragment"),
    [
        (
            "[[respondent]]\nrole = 'doctor'\n[respondent.answers]\nNOPE-1 = 3\n",
            ":4: respondent[0].answers.NOPE-1: unknown statement id",
        ),
        (
            "[[respondent]]\nrole = 'doctor'\n[respondent.answers]\nMET-S1 = 7\n",
            ":4: respondent[0].answers.MET-S1",
        ),
        (
            "[[respondent]]\nrole = 'doctor'\n[[respondent]]\nrole = 'doctor'\n",
            "respondent[1].role: two respondents need different roles",
        ),
        ("respondent = []\n", "respondent"),
        ("\x00\x01binary", "not valid TOML"),
    ],
)
def test_bad_answers_file_exits_2(tmp_path: Path, content: str, fragment: str) -> None:
    path = tmp_path / "answers.toml"
    path.write_text(content, encoding="utf-8")
    result = run("score", str(path))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert fragment in result.stderr


def test_missing_and_non_utf8_files(tmp_path: Path) -> None:
    result = run("goal", str(tmp_path / "nope.toml"))
    assert result.returncode == 2
    assert "file not found" in result.stderr
    bad = tmp_path / "latin1.toml"
    bad.write_bytes("note = 'café'\n".encode("latin-1"))
    result = run("goal", str(bad))
    assert result.returncode == 2
    assert ":1: is not UTF-8 text" in result.stderr


def test_bom_and_crlf_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "inputs.toml"
    path.write_bytes(b"\xef\xbb\xbfcollection_rate = 0.95\r\n[overhead]\r\npayroll = 1000000\r\n")
    result = run("goal", str(path), "--format", "json")
    assert result.returncode == 0, result.stderr
    assert round(json.loads(result.stdout)["production_goal"]) == 1_052_632


def test_module_and_help_run() -> None:
    result = run("--help")
    assert result.returncode == 0
    for command in ("catalog", "score", "goal"):
        assert command in result.stdout


#: Commands whose output is a document format rather than text for people.
DOCUMENT_FORMATS = {"export": {"csv", "json"}, "report": {"md", "html"}}


def test_every_command_offers_a_machine_and_a_human_format() -> None:
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name, p in sub.choices.items():
        fmt = next((a for a in p._actions if a.dest == "format"), None)
        if fmt is None:
            assert name in {"demo", "schema", "serve"}, f"{name} has no --format"
            continue  # they write files and say where, or serve the app to a browser
        wanted = DOCUMENT_FORMATS.get(name, {"text", "json"})
        assert wanted <= set(fmt.choices), name

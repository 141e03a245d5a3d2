"""Bad practice and checkpoint files get a message naming the file, the line, the field and
what is expected; a bad practice never hides the good ones; and the import, validate and
schema commands answer bad input with an exit status and one line, never a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.storage.schemas import SCHEMAS
from balancecoach.storage.store import PracticeStore, load_checkpoint_file, load_practice_file

ROOT = Path(__file__).resolve().parents[2]

PRACTICE = """schema_version = 2

# a comment a person wrote
[practice]
name = "Smile Dental"
providers = 2

[[metric]]
id = "case_acceptance"
owner = "doctor"
target = { kind = "at_least", value = 60 }
"""

CHECKPOINT = """schema_version = 1
quarter = "2026-Q3"
date = 2026-09-30

[[metric]]
id = "case_acceptance"
inputs = { accepted = 31, presented = 50 }
value = 62
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def one_error(load, path: Path) -> DataError:
    with pytest.raises(DataError) as caught:
        load(path)
    return caught.value


# --- messages ------------------------------------------------------------------------------


def test_practice_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "practice.toml", PRACTICE.replace('"Smile Dental"', '"Smile Dental'))
    error = one_error(load_practice_file, path)
    assert str(error).startswith(f"{path}:5: is not valid TOML")
    assert "fix the syntax on that line" in str(error)


def test_checkpoint_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "2026-Q3.toml", CHECKPOINT.replace("value = 62", "value = = 62"))
    assert str(one_error(load_checkpoint_file, path)).startswith(f"{path}:8: is not valid TOML")


def test_wrong_type(tmp_path: Path) -> None:
    path = write(tmp_path / "practice.toml", PRACTICE.replace("providers = 2", 'providers = "two"'))
    error = one_error(load_practice_file, path)
    assert (error.source, error.line, error.field) == (path, 6, "practice.providers")
    assert str(error).startswith(f"{path}:6: practice.providers: input should be a valid integer")
    assert "'two'" in str(error)


def test_unknown_field(tmp_path: Path) -> None:
    path = write(tmp_path / "practice.toml", PRACTICE.replace("providers = 2", "colour = 'blue'"))
    error = one_error(load_practice_file, path)
    assert str(error).startswith(
        f"{path}:6: practice.colour: is not a known field (check its spelling)"
    )


def test_unknown_field_in_a_list_entry(tmp_path: Path) -> None:
    path = write(
        tmp_path / "practice.toml", PRACTICE.replace('owner = "doctor"', 'ownr = "doctor"')
    )
    with pytest.raises(DataErrors) as caught:
        load_practice_file(path)
    text = str(caught.value)
    assert f"{path}:8: metric[0].owner: (case_acceptance) is required but missing" in text
    assert f"{path}:10: metric[0].ownr: (case_acceptance) is not a known field" in text


def test_quarter_five(tmp_path: Path) -> None:
    path = write(tmp_path / "2026-Q5.toml", CHECKPOINT.replace("2026-Q3", "2026-Q5"))
    error = one_error(load_checkpoint_file, path)
    assert str(error).startswith(f"{path}:2: quarter: a year has quarters 1 to 4, got Q5")


def test_negative_count_in_metric_inputs(tmp_path: Path) -> None:
    path = write(tmp_path / "2026-Q3.toml", CHECKPOINT.replace("accepted = 31", "accepted = -3"))
    error = one_error(load_checkpoint_file, path)
    assert str(error).startswith(
        f"{path}:7: metric[0].inputs.accepted: (case_acceptance) "
        "input should be greater than or equal to 0"
    )
    assert "-3" in str(error)


def test_checkpoint_named_for_another_quarter(tmp_path: Path) -> None:
    path = write(tmp_path / "2026-Q2.toml", CHECKPOINT)
    error = one_error(load_checkpoint_file, path)
    assert str(error) == (
        f"{path}: quarter: holds quarter 2026-Q3 but is named 2026-Q2.toml "
        "(rename the file to 2026-Q3.toml or correct the quarter)"
    )


def test_nesting_too_deep_for_the_parser(tmp_path: Path) -> None:
    path = write(tmp_path / "practice.toml", PRACTICE + "x = " + "[" * 5000 + "\n")
    error = one_error(load_practice_file, path)
    assert str(error).startswith(f"{path}:12: is not valid TOML: arrays or tables are nested")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "practice.toml"
    path.write_bytes(PRACTICE.encode() + b"note = '\xe9'\n")
    assert str(one_error(load_practice_file, path)).startswith(f"{path}:12: is not UTF-8 text")


# --- one bad practice among good ones --------------------------------------------------------


def test_summaries_list_the_good_and_the_bad(tmp_path: Path) -> None:
    practices = tmp_path / "practices"
    write(practices / "smile-dental" / "practice.toml", PRACTICE)
    write(practices / "smile-dental" / "checkpoints" / "2026-Q3.toml", CHECKPOINT)
    write(practices / "smile-dental" / "checkpoints" / "2026-Q2.toml", CHECKPOINT)  # misnamed
    bad = write(
        practices / "broken" / "practice.toml", PRACTICE.replace("providers = 2", "providers = 0")
    )
    rows = {row.slug: row for row in PracticeStore(tmp_path).summaries()}
    assert set(rows) == {"smile-dental", "broken"}

    good = rows["smile-dental"]
    assert good.name == "Smile Dental" and good.checkpoints == 1 and good.last_quarter == "2026-Q3"
    assert [p.field for p in good.problems] == ["quarter"]  # the misnamed checkpoint

    broken = rows["broken"]
    assert broken.name == "broken"
    (problem,) = broken.problems
    assert str(problem).startswith(f"{bad}:6: practice.providers: input should be greater than")


# --- the commands, as a person runs them ----------------------------------------------------


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BALANCECOACH_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "balancecoach", *args],
        capture_output=True,
        text=True,
        cwd=home,
        env=env,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("balancecoach: ")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]


@pytest.fixture
def home(tmp_path: Path) -> Path:
    write(tmp_path / "practices" / "smile-dental" / "practice.toml", PRACTICE)
    return tmp_path


LONG = """quarter,metric,input,value
2026-Q2,case_acceptance,accepted,31
2026-Q2,case_acceptance,presented,50
2026-Q2,overhead,expenses,"150,000"
2026-Q2,overhead,collections,"250,000"
"""


def test_import_writes_the_checkpoint(home: Path) -> None:
    csv = write(home / "q2.csv", LONG)
    result = run("import", "smile-dental", str(csv), home=home)
    assert result.returncode == 0, result.stderr
    assert "Imported 2 metrics for 1 quarter into Smile Dental" in result.stdout
    assert "62% = 31 of 50 patients moved forward with care" in result.stdout
    path = home / "practices" / "smile-dental" / "checkpoints" / "2026-Q2.toml"
    checkpoint = load_checkpoint_file(path)
    assert checkpoint.date.isoformat() == "2026-06-30"
    by_id = {m.id: m for m in checkpoint.metric}
    assert by_id["case_acceptance"].status == "green" and by_id["case_acceptance"].value == 62
    assert by_id["overhead"].value == 60 and by_id["overhead"].target is None
    assert (home / "schemas" / "checkpoint.schema.json").is_file()


def test_import_keeps_the_rest_of_an_existing_checkpoint(home: Path) -> None:
    existing = CHECKPOINT.replace("2026-Q3", "2026-Q2").replace("2026-09-30", "2026-06-29")
    existing = existing.replace("[[metric]]", "# our own note\n[[metric]]")
    existing += (
        '\n[[metric]]\nid = "nps"\ninputs = { promoters = 5, passives = 1, detractors = 0 }\n'
    )
    existing += 'value = 83.33\n\n[[adherence]]\npractice = "daily_huddle"\nkept = "kept"\n'
    path = write(home / "practices" / "smile-dental" / "checkpoints" / "2026-Q2.toml", existing)
    csv = write(home / "q2.csv", "metric,accepted,presented\nCase acceptance,40,50\n")
    result = run(
        "import", "smile-dental", str(csv), "--quarter", "2026-Q2", "--format", "json", home=home
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["written"] is True and data["checkpoints"][0]["created"] is False
    text = path.read_text(encoding="utf-8")
    assert "# our own note" in text and "accepted = 40" in text
    checkpoint = load_checkpoint_file(path)
    assert [m.id for m in checkpoint.metric] == ["case_acceptance", "nps"]
    assert checkpoint.metric[0].value == 80 and checkpoint.metric[0].status == "green"
    assert checkpoint.date.isoformat() == "2026-06-29"
    assert [a.practice for a in checkpoint.adherence] == ["daily_huddle"]


def test_import_rejects_and_writes_nothing(home: Path) -> None:
    csv = write(home / "bad.csv", LONG + "2026-Q2,nps,promoters,-1\n2026-Q2,ghost,x,1\n")
    result = run("import", "smile-dental", str(csv), home=home)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"{csv}:6: promoters cannot be negative (got -1)"
    assert lines[1].startswith(f"{csv}:7: unknown metric 'ghost'")
    assert lines[2] == "2 of 6 rows rejected; nothing was written to Smile Dental."
    assert not (home / "practices" / "smile-dental" / "checkpoints").exists()

    as_json = json.loads(
        run("import", "smile-dental", str(csv), "--format", "json", home=home).stdout
    )
    assert as_json["written"] is False
    assert [r["line"] for r in as_json["rejected"]] == [6, 7]


def test_import_dry_run_writes_nothing(home: Path) -> None:
    csv = write(home / "q2.csv", LONG)
    result = run("import", "smile-dental", str(csv), "--dry-run", home=home)
    assert result.returncode == 0, result.stderr
    assert "Would import 2 metrics" in result.stdout and "nothing was written" in result.stdout
    assert not (home / "practices" / "smile-dental" / "checkpoints").exists()


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["import", "nobody", "q2.csv"], ["no practice 'nobody'", "smile-dental"]),
        (["import", "smile-dental", "missing.csv"], ["missing.csv: file not found"]),
        (["import", "smile-dental", "q2.csv", "--quarter", "2026-Q5"], ["--quarter", "1 to 4"]),
        (["import", "smile-dental", "q2.csv", "--map", "metric"], ["--map", "NAME=VALUE"]),
        (["import", "smile-dental", "q2.csv", "--map", "metric=KPI"], ["q2.csv:1", "'KPI'"]),
        (["import", "smile-dental", "q2.csv", "--delimiter", "x"], ["--delimiter"]),
        (["import", "smile-dental", "nometric.csv"], ["nometric.csv:1", "no metric column"]),
        (["validate", "nowhere"], ["nowhere: not found"]),
        (["schema", "--out", "q2.csv"], ["q2.csv: is a file, not a folder"]),
    ],
)
def test_bad_input_is_one_line_with_exit_2(
    home: Path, args: list[str], fragments: list[str]
) -> None:
    write(home / "q2.csv", LONG)
    write(home / "nometric.csv", "quarter,input,value\n2026-Q2,accepted,1\n")
    assert_one_line_error(run(*args, home=home), *fragments)


def test_import_into_a_practice_whose_file_is_broken(home: Path) -> None:
    practice = home / "practices" / "smile-dental" / "practice.toml"
    write(practice, PRACTICE.replace("providers = 2", "providers = -1"))
    csv = write(home / "q2.csv", LONG)
    assert_one_line_error(run("import", "smile-dental", str(csv), home=home), f"{practice}:6")


def test_import_over_a_broken_checkpoint_leaves_it_alone(home: Path) -> None:
    broken = 'schema_version = 1\nquarter = "2026-Q2"\ndate = 2026-06-29\ncolour = 1\n'
    path = write(home / "practices" / "smile-dental" / "checkpoints" / "2026-Q2.toml", broken)
    csv = write(home / "q2.csv", LONG)
    assert_one_line_error(run("import", "smile-dental", str(csv), home=home), f"{path}:4: colour")
    assert path.read_text(encoding="utf-8") == broken


def test_validate_exit_codes(home: Path) -> None:
    ok = run("validate", home=home)
    assert (ok.returncode, ok.stdout) == (0, "1 file checked, no problems\n")
    write(home / "practices" / "smile-dental" / "checkpoints" / "2026-Q2.toml", CHECKPOINT)
    bad = run("validate", home=home)
    assert bad.returncode == 1 and "Traceback" not in bad.stderr
    assert bad.stdout.splitlines() == [
        f"{home / 'practices' / 'smile-dental' / 'checkpoints' / '2026-Q2.toml'}: quarter: holds "
        "quarter 2026-Q3 but is named 2026-Q2.toml (rename the file to 2026-Q3.toml or correct "
        "the quarter)",
        "2 files checked: 1 problem in 1 file",
    ]


def test_schema_command(home: Path) -> None:
    result = run("schema", home=home)
    assert result.returncode == 0 and result.stdout.count("(written)") == len(SCHEMAS)
    assert (home / "schemas" / "practice.schema.json").is_file()


def test_validate_and_dry_run_import_load_neither_textual_nor_tomlkit(home: Path) -> None:
    csv = write(home / "q2.csv", LONG)
    code = (
        "import contextlib, io, sys\n"
        "from balancecoach.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['validate']) == 0\n"
        f"    assert main(['import', 'smile-dental', {str(csv)!r}, '--dry-run']) == 0\n"
        "    assert main(['validate', '--format', 'json']) == 0\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    env = {**os.environ, "BALANCECOACH_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout.split()
    assert "balancecoach" in out
    assert "textual" not in out and "tomlkit" not in out

"""`balancecoach validate`: every problem in a data directory, one line each."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from balancecoach.cli import main
from balancecoach.commands.validate import check
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.schemas import SCHEMAS, write_schemas

ROOT = Path(__file__).resolve().parents[2]
CONTENT = load_content()

PRACTICE = """schema_version = 2

[practice]
name = "Smile Dental"

[[metric]]
id = "case_acceptance"
owner = "doctor"
target = { kind = "at_least", value = 60 }

[[plan]]
practice = "daily_huddle"
owner = "team"
cadence = "daily"
"""

CHECKPOINT = """schema_version = 1
quarter = "2026-Q2"
date = 2026-06-28

[[respondent]]
role = "doctor"
answers = { MET-S1 = 4, MET-P1 = 2 }

[[metric]]
id = "case_acceptance"
inputs = { accepted = 31, presented = 50 }
value = 62

[[adherence]]
practice = "daily_huddle"
kept = "kept"
"""


def data_dir(tmp_path: Path, practice: str = PRACTICE, checkpoint: str = CHECKPOINT) -> Path:
    root = tmp_path / "data"
    folder = root / "practices" / "smile-dental"
    (folder / "checkpoints").mkdir(parents=True)
    (folder / "practice.toml").write_text(practice, encoding="utf-8")
    (folder / "checkpoints" / "2026-Q2.toml").write_text(checkpoint, encoding="utf-8")
    return root


def problems(path: Path) -> list[str]:
    return [str(p) for p in check(path, path, CONTENT).problems]


def test_a_good_data_directory(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = data_dir(tmp_path)
    (root / "drafts").mkdir()
    (root / "drafts" / "assessment-smile-dental.toml").write_text("x = 1\n", encoding="utf-8")
    (root / "practices" / "smile-dental" / ".lock").write_text("not toml {", encoding="utf-8")
    write_schemas(root / "schemas")
    checker = check(None, root, CONTENT)
    assert checker.problems == []
    files = 3 + len(SCHEMAS)  # practice, checkpoint, draft and the schemas
    assert len(checker.files) == files
    assert main(["--data-dir", str(root), "validate"]) == 0
    assert capsys.readouterr().out == f"{files} files checked, no problems\n"


def test_missing_default_data_directory_is_not_a_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--data-dir", str(tmp_path / "nowhere"), "validate"]) == 0
    assert capsys.readouterr().out == "0 files checked, no problems\n"


def test_catalog_references_are_checked(tmp_path: Path) -> None:
    practice = PRACTICE.replace('"case_acceptance"', '"case_accept"').replace(
        '"daily_huddle"', '"weekly_pizza"'
    )
    checkpoint = (
        CHECKPOINT.replace("MET-S1", "MET-S9")
        .replace("accepted = 31, presented = 50", "accepted = 31, shown = 50")
        .replace('practice = "daily_huddle"', 'practice = "weekly_pizza"')
    )
    root = data_dir(tmp_path, practice, checkpoint)
    found = problems(root)
    p = root / "practices" / "smile-dental"
    pt, cp = p / "practice.toml", p / "checkpoints" / "2026-Q2.toml"
    joined = "\n".join(found)
    assert (
        f"{cp}:11: metric[0].inputs.shown: (case_acceptance) Case acceptance has no input 'shown'"
        in joined
    )
    assert f"{cp}:11: metric[0].inputs: (case_acceptance) missing input 'presented'" in joined
    assert f"{pt}:7: metric[0].id: unknown metric 'case_accept'" in joined
    assert f"{pt}:12: plan[0].practice: unknown communication practice 'weekly_pizza'" in joined
    assert f"{cp}:7: respondent[0].answers.MET-S9: unknown statement id 'MET-S9'" in joined
    assert f"{cp}:15: adherence[0].practice: unknown communication practice" in joined
    assert len(found) == 6


def test_checkpoint_problems_and_unknown_metric_in_checkpoint(tmp_path: Path) -> None:
    root = data_dir(
        tmp_path, checkpoint=CHECKPOINT.replace('id = "case_acceptance"', 'id = "ghost"')
    )
    checkpoints = root / "practices" / "smile-dental" / "checkpoints"
    (checkpoints / "2026-Q3.toml").write_text(CHECKPOINT, encoding="utf-8")  # says Q2
    (checkpoints / "2026-Q5.toml").write_text(
        CHECKPOINT.replace("2026-Q2", "2026-Q5"), encoding="utf-8"
    )
    (checkpoints / "2026-Q1.toml").write_text(
        CHECKPOINT.replace("accepted = 31", "accepted = 31.5")
        .replace("2026-Q2", "2026-Q1")
        .replace("2026-06-28", "2026-03-28"),
        encoding="utf-8",
    )
    found = "\n".join(problems(root))
    assert f"{checkpoints / '2026-Q2.toml'}:10: metric[0].id: unknown metric 'ghost'" in found
    assert (
        f"{checkpoints / '2026-Q3.toml'}: quarter: holds quarter 2026-Q2 but is named 2026-Q3.toml"
        in found
    )
    assert f"{checkpoints / '2026-Q5.toml'}:2: quarter: a year has quarters 1 to 4" in found
    assert (
        f"{checkpoints / '2026-Q1.toml'}:11: metric[0].inputs.accepted: (case_acceptance) "
        "Treatment plans accepted is a count and must be a whole number"
    ) in found


def test_folders_drafts_and_schemas(tmp_path: Path) -> None:
    root = data_dir(tmp_path)
    (root / "practices" / "Bad Name").mkdir()
    (root / "drafts").mkdir()
    (root / "drafts" / "goal-smile-dental.toml").write_text("a = [1,\n", encoding="utf-8")
    schemas = root / "schemas"
    write_schemas(schemas)
    (schemas / "practice.schema.json").write_text('{"title": "old"}\n', encoding="utf-8")
    (schemas / "checkpoint.schema.json").write_text('{\n  "title": \n', encoding="utf-8")
    found = problems(root)
    bad = root / "practices" / "Bad Name"
    assert f"{bad}: is not a practice folder name balancecoach can open" in found[0]
    assert f"{bad}: practice.toml is missing" in found[1]
    assert found[2].startswith(f"{root / 'drafts' / 'goal-smile-dental.toml'}:1: is not valid TOML")
    assert found[3].startswith(f"{schemas / 'checkpoint.schema.json'}:3: is not valid JSON")
    assert found[4] == (
        f"{schemas / 'practice.schema.json'}: is out of date for this version of balancecoach "
        "(run `balancecoach schema` to rewrite it)"
    )


def test_several_problems_in_one_file_are_all_listed(tmp_path: Path) -> None:
    practice = PRACTICE.replace('name = "Smile Dental"', 'name = ""\nproviders = 0\ncolour = "x"')
    found = problems(data_dir(tmp_path, practice))
    assert len(found) == 3
    assert [f.split(": ")[1] for f in found] == [
        "practice.name",
        "practice.providers",
        "practice.colour",
    ]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("answers.toml", 0), ("goal.toml", 0)],
)
def test_single_example_files(name: str, expected: int) -> None:
    checker = check(ROOT / "examples" / name, ROOT, CONTENT)
    assert len(checker.files) == 1 and len(checker.problems) == expected


def test_single_files_of_each_kind(tmp_path: Path) -> None:
    root = data_dir(tmp_path)
    folder = root / "practices" / "smile-dental"
    assert problems(folder / "practice.toml") == []
    assert problems(folder / "checkpoints" / "2026-Q2.toml") == []
    assert problems(folder) == []
    assert problems(folder / "checkpoints") == []
    loose = tmp_path / "loose"
    loose.mkdir()
    (loose / "a.toml").write_text(CHECKPOINT.replace("MET-S1", "NOPE"), encoding="utf-8")
    (loose / "b.toml").write_text("title = 'x'\n", encoding="utf-8")
    found = problems(loose)
    assert found[0].startswith(f"{loose / 'a.toml'}: quarter: holds quarter 2026-Q2 but is named")
    assert found[1].startswith(f"{loose / 'b.toml'}: is not a file balancecoach knows")


def test_json_lists_problems_as_objects(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = data_dir(tmp_path, PRACTICE.replace('"case_acceptance"', '"nope"'))
    assert main(["validate", str(root), "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data["files_checked"] == 2 and data["ok"] is False
    (problem,) = data["problems"]
    assert problem == {
        "file": str(root / "practices" / "smile-dental" / "practice.toml"),
        "line": 7,
        "field": "metric[0].id",
        "message": "unknown metric 'nope'",
        "hint": "see `balancecoach catalog metrics` for the ids",
        "text": problem["text"],
    }


def test_text_output_and_exit_status(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = data_dir(tmp_path, PRACTICE.replace('"case_acceptance"', '"nope"'))
    assert main(["validate", str(root)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{root / 'practices' / 'smile-dental' / 'practice.toml'}:7: ")
    assert lines[-1] == "2 files checked: 1 problem in 1 file"
    assert main(["validate", str(tmp_path / "nothing-here")]) == 2
    assert "not found" in capsys.readouterr().err

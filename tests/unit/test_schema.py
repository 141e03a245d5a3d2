"""The JSON Schemas of practice.toml and the checkpoints: the copies in schemas/ match the
records, the command writes them, and the store puts them where #:schema points."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from balancecoach.cli import main
from balancecoach.core.records import Checkpoint, MetricChoice, Practice, Profile
from balancecoach.storage.schemas import SCHEMAS, schema, schema_text
from balancecoach.storage.store import PracticeStore

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "schemas"
REGENERATE = "balancecoach schema --out schemas"


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_committed_schemas_match_the_records(name: str) -> None:
    path = COMMITTED / name
    assert path.is_file(), f"{path} is missing: run `{REGENERATE}` at the top of the checkout"
    committed = json.loads(path.read_text(encoding="utf-8"))
    assert committed == schema(name), (
        f"{path} no longer matches the records in core/records.py: "
        f"run `{REGENERATE}` at the top of the checkout and commit the result"
    )


def _practice() -> Practice:
    return Practice(
        practice=Profile(name="Smile Dental", created=dt.date(2026, 1, 5)),
        metric=[MetricChoice(id="nps", owner="team", target={"kind": "at_least", "value": 40})],
    )


def test_the_command_writes_every_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert main(["schema", "--out", str(out)]) == 0
    for name in SCHEMAS:
        assert (out / name).read_text(encoding="utf-8") == schema_text(name)
    assert capsys.readouterr().out.count("(written)") == len(SCHEMAS) == 3
    assert main(["schema", "--out", str(out)]) == 0
    assert capsys.readouterr().out.count("(unchanged)") == len(SCHEMAS)


def test_the_command_defaults_to_the_data_directory(tmp_path: Path) -> None:
    assert main(["--data-dir", str(tmp_path), "schema"]) == 0
    assert sorted(p.name for p in (tmp_path / "schemas").iterdir()) == sorted(SCHEMAS)


def test_the_store_writes_the_schemas_the_files_point_to(tmp_path: Path) -> None:
    store = PracticeStore(tmp_path)
    slug = store.create_practice(_practice())
    store.save_checkpoint(slug, Checkpoint(quarter="2026-Q1", date=dt.date(2026, 3, 30)))
    for path in (
        store.layout.practice_file(slug),
        store.layout.checkpoint_file(slug, "2026-Q1"),
    ):
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith("#:schema ")
        target = (path.parent / first.removeprefix("#:schema ")).resolve()
        assert target.is_file(), f"{path}'s #:schema points to {target}, which is missing"
        assert json.loads(target.read_text(encoding="utf-8")) == schema(target.name)


def test_the_store_never_overwrites_schema_files(tmp_path: Path) -> None:
    folder = tmp_path / "schemas"
    folder.mkdir()
    (folder / "practice.schema.json").write_text("{}", encoding="utf-8")
    PracticeStore(tmp_path).create_practice(_practice())
    assert (folder / "practice.schema.json").read_text(encoding="utf-8") == "{}"
    assert (folder / "checkpoint.schema.json").is_file()


def test_a_schema_folder_that_cannot_be_written_does_not_stop_a_save(tmp_path: Path) -> None:
    (tmp_path / "schemas").write_text("a file where the folder should be", encoding="utf-8")
    slug = PracticeStore(tmp_path).create_practice(_practice())
    assert (tmp_path / "practices" / slug / "practice.toml").is_file()


def test_saved_files_satisfy_their_schemas(tmp_path: Path) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    store = PracticeStore(tmp_path)
    slug = store.create_practice(_practice())
    path = store.layout.checkpoint_file(slug, "2026-Q1")
    store.save_checkpoint(slug, Checkpoint(quarter="2026-Q1", date=dt.date(2026, 3, 30)))
    for file, name in ((store.layout.practice_file(slug), "practice"), (path, "checkpoint")):
        data = json.loads(json.dumps(tomllib.loads(file.read_text("utf-8")), default=str))
        jsonschema.validate(data, schema(f"{name}.schema.json"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"quarter": "2026-Q3"}, schema("checkpoint.schema.json"))

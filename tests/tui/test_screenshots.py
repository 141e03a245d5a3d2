"""The README's screenshots: every shot in scripts/screenshots.py still reaches the screen
it names (without writing an SVG), its file is in docs/screenshots/ and the README shows
it, and a shot taken twice is the same picture."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"


def _load_script():
    spec = importlib.util.spec_from_file_location("screenshots", ROOT / "scripts/screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


shots = _load_script()
SHOWN = set(re.findall(r"\(docs/screenshots/([\w.-]+)\.svg\)", README.read_text("utf-8")))


def test_shot_names_are_unique_and_plain() -> None:
    names = [s.name for s in shots.SHOTS]
    assert len(names) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9-]+", n) for n in names)


def test_the_readme_shows_every_shot_and_only_those() -> None:
    names = {s.name for s in shots.SHOTS}
    assert names - SHOWN == set(), "add these screenshots to the README"
    assert SHOWN - names == set(), "the README shows screenshots the script does not take"


def test_every_shot_has_been_written() -> None:
    on_disk = {p.stem for p in shots.OUT.glob("*.svg")}
    missing = {s.name for s in shots.SHOTS} - on_disk
    assert missing == set(), "run `python scripts/screenshots.py` to write them"
    assert on_disk - {s.name for s in shots.SHOTS} == set(), "remove screenshots of no shot"
    for shot in shots.SHOTS:
        assert shots.path_of(shot).read_text("utf-8").lstrip().startswith("<svg")


@pytest.mark.parametrize("shot", shots.SHOTS, ids=lambda s: s.name)
async def test_each_shot_reaches_its_screen(shot) -> None:
    assert await shots.take(shot, export=False) == ""


async def test_a_shot_on_the_wrong_screen_is_refused() -> None:
    wrong = shots.Shot("home", "Home", "ResultsScreen", shots.home)
    with pytest.raises(AssertionError, match="reached HomeScreen, not ResultsScreen"):
        await shots.take(wrong, export=False)


async def test_a_shot_is_the_same_picture_twice() -> None:
    shot = next(s for s in shots.SHOTS if s.name == "revisit-progress")
    first = await shots.take(shot)
    assert first.lstrip().startswith("<svg") and "2026-Q1, since 2025-Q4" in first.replace(
        "&#160;", " "
    )
    assert await shots.take(shot) == first


def test_unknown_shot_names_are_listed() -> None:
    with pytest.raises(SystemExit, match="no shot named nope; the shots are home, "):
        shots.select(["nope"])

"""Practice names become folder names that can never leave the data directory."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from balancecoach.core.errors import DataError
from balancecoach.core.records import Practice
from balancecoach.storage.paths import ENV_HOME, Layout, data_dir, slugify
from balancecoach.storage.store import PracticeStore

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Smile Boston Dental", "smile-boston-dental"),
        ("../x", "x"),
        ("/etc/passwd", "etc-passwd"),
        ("..\\..\\windows", "windows"),
        ("Café Dentaire", "cafe-dentaire"),
        ("\x00\x1b[31mred\x07", "31mred"),
        ("CON", "con-practice"),
        ("a" * 200, "a" * 60),
    ],
)
def test_slugs_of_awkward_names(name: str, slug: str) -> None:
    assert slugify(name) == slug


def test_names_without_latin_letters_get_distinct_stable_slugs() -> None:
    a, b = slugify("歯科医院"), slugify("歯科クリニック")
    assert a != b
    assert a == slugify("歯科医院")
    assert SLUG.match(a) and SLUG.match(b)
    assert slugify("...") != slugify("---")


@given(st.text(max_size=300))
def test_any_name_gives_a_safe_slug(name: str) -> None:
    slug = slugify(name)
    assert SLUG.match(slug), slug
    assert len(slug) <= 60
    assert slug not in {".", ".."}


@pytest.mark.parametrize("bad", ["..", ".", "../x", "a/b", "/abs", "UPPER", "", "x\x00"])
def test_layout_refuses_folder_names_that_are_not_slugs(tmp_path: Path, bad: str) -> None:
    with pytest.raises(DataError, match="not a practice folder name"):
        Layout(tmp_path).practice_dir(bad)


@given(st.text(min_size=1, max_size=120).filter(lambda s: s.strip()))
def test_created_practices_stay_inside_the_data_directory(name: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as root:
        store = PracticeStore(Path(root))
        try:
            practice = Practice.model_validate({"practice": {"name": name}})
        except ValidationError:
            assert re.search(r"[\x00-\x1f\x7f]", name) or not name.strip()
            return
        slug = store.create_practice(practice)
        folder = store.layout.practice_dir(slug).resolve()
        assert folder.parent == (Path(root) / "practices").resolve()
        assert store.load_practice(slug).practice.name == practice.practice.name


def test_two_practices_with_the_same_slug_get_different_folders(tmp_path: Path) -> None:
    store = PracticeStore(tmp_path)
    a = store.create_practice(Practice.model_validate({"practice": {"name": "North Dental"}}))
    b = store.create_practice(Practice.model_validate({"practice": {"name": "north  dental"}}))
    assert (a, b) == ("north-dental", "north-dental-2")


def test_data_directory_flag_then_environment_then_user_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(ENV_HOME, str(tmp_path / "env"))
    assert data_dir(tmp_path / "flag") == tmp_path / "flag"
    assert data_dir() == tmp_path / "env"
    monkeypatch.delenv(ENV_HOME)
    assert data_dir().name == "balancecoach"

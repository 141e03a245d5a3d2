"""The README stays true: its command reference and metric table are what
scripts/readme_tables.py writes from the current parser and catalog, and every relative
link and image in it points to a file (or a heading) that exists."""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
from pathlib import Path

import pytest

from balancecoach.cli import build_parser
from balancecoach.storage.catalogs import load_content

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
REGENERATE = "run `python scripts/readme_tables.py` and commit the README it writes"


def _load_script():
    spec = importlib.util.spec_from_file_location(
        "readme_tables", ROOT / "scripts/readme_tables.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


tables = _load_script()


@pytest.fixture(scope="module")
def readme() -> str:
    return README.read_text(encoding="utf-8")


def _subparsers(parser: argparse.ArgumentParser) -> argparse._SubParsersAction:
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


# --- the generated regions ----------------------------------------------------------------


def test_generated_regions_match_code_and_data(readme) -> None:
    assert tables.stale(readme, tables.rendered(), README) == [], REGENERATE


def test_every_command_is_in_the_reference(readme) -> None:
    for name in _subparsers(build_parser()).choices:
        assert f"#### `balancecoach {name}`" in readme, f"{name}: {REGENERATE}"


def test_every_metric_is_in_the_table(readme) -> None:
    for metric in load_content().metrics.metric:
        assert f"(`{metric.id}`)" in readme, f"{metric.id}: {REGENERATE}"


def test_a_new_command_makes_the_reference_stale(readme) -> None:
    parser = build_parser()
    sub = _subparsers(parser).add_parser("rehearse", help="a command the README does not know")
    sub.add_argument("file", metavar="FILE", help="the file it reads")
    regions = {**tables.rendered(), "cli": tables.cli_reference(parser)}
    assert tables.stale(readme, regions, README) == ["cli"]
    row = "| `balancecoach rehearse FILE` | a command the README does not know |"
    assert row in regions["cli"]
    assert "- `FILE`: the file it reads" in regions["cli"]


def test_a_new_option_makes_the_reference_stale(readme) -> None:
    parser = build_parser()
    _subparsers(parser).choices["report"].add_argument("--landscape", action="store_true")
    regions = {**tables.rendered(), "cli": tables.cli_reference(parser)}
    assert tables.stale(readme, regions, README) == ["cli"]


def test_a_changed_metric_makes_the_table_stale(readme) -> None:
    content = load_content()
    first = content.metrics.metric[0]
    changed_metric = first.model_copy(update={"name": first.name + " (by value)"})
    catalog = content.metrics.model_copy(
        update={"metric": [changed_metric, *content.metrics.metric[1:]]}
    )
    changed = content.model_copy(update={"metrics": catalog})
    regions = {**tables.rendered(), "metrics": tables.metric_table(changed)}
    assert tables.stale(readme, regions, README) == ["metrics"]


def test_bands_are_written_in_their_units() -> None:
    table = tables.metric_table()
    assert "low < 40%; typical 40% to 70%; strong ≥ 70%" in table  # case acceptance
    assert "low < $400.00/h" in table  # production per clinical hour
    assert "low < 0; typical 0 to +50; strong ≥ +50" in table  # NPS


def test_update_rewrites_only_the_regions(readme) -> None:
    regions = tables.rendered()
    assert tables.update(readme, regions, README) == readme
    broken = readme.replace("| metric | side |", "| metric | old side |", 1)
    assert tables.stale(broken, regions, README) == ["metrics"]
    assert tables.update(broken, regions, README) == readme
    outside = readme.replace("## Privacy", "## Privacy (edited by hand)", 1)
    assert tables.update(outside, regions, README) == outside


def test_a_missing_marker_is_named() -> None:
    text = "# x\n<!-- cli:start -->\nold\n"
    with pytest.raises(tables.ReadmeError, match=r"<!-- cli:end --> is missing"):
        tables.update(text, {"cli": "new"}, Path("README.md"))
    swapped = "# x\n<!-- cli:end -->\n<!-- cli:start -->\n"
    with pytest.raises(tables.ReadmeError, match=r"README.md, line 2: <!-- cli:end -->"):
        tables.stale(swapped, {"cli": "new"}, Path("README.md"))


def test_check_mode_exit_status(tmp_path, capsys) -> None:
    copy = tmp_path / "README.md"
    copy.write_text(README.read_text(encoding="utf-8"), encoding="utf-8")
    assert tables.main(["--check", "--readme", str(copy)]) == 0
    text = copy.read_text(encoding="utf-8")
    copy.write_text(text.replace("| metric | side |", "| metric | SIDE |", 1), encoding="utf-8")
    assert tables.main(["--check", "--readme", str(copy)]) == 1
    assert "out of date in: metrics" in capsys.readouterr().err
    assert tables.main(["--readme", str(copy)]) == 0
    assert copy.read_text(encoding="utf-8") == text


def test_the_performance_region_is_left_to_the_bench(readme) -> None:
    assert "perf" not in tables.REGIONS
    start, end = readme.index("<!-- perf:start -->"), readme.index("<!-- perf:end -->")
    assert start < end and "| what | ours | floor | ratio |" in readme[start:end]


# --- links and images ---------------------------------------------------------------------

FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.S | re.M)
LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_SRC = re.compile(r"""<(?:img|a)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']""", re.I)


def _prose(text: str) -> str:
    """The README without its fenced code blocks or code spans."""
    return re.sub(r"`[^`\n]*`", "", FENCE.sub("", text))


def _targets(text: str) -> list[str]:
    prose = _prose(text)
    return LINK.findall(prose) + HTML_SRC.findall(prose)


def _anchor(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[`*_]", "", heading.strip().lower())
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(text: str) -> set[str]:
    return {_anchor(m) for m in re.findall(r"^#{1,6}\s+(.+?)\s*#*$", FENCE.sub("", text), re.M)}


def test_the_link_finder_finds_links() -> None:
    sample = (
        '![a](docs/a.svg) [b](https://example.org) [c](#here) <img src="x.png">\n'
        "```\n[not](a link.md)\n```\n`[nor](this.md)`\n"
    )
    assert _targets(sample) == ["docs/a.svg", "https://example.org", "#here", "x.png"]


def test_every_relative_link_and_image_exists(readme) -> None:
    targets = _targets(readme)
    assert any(t.endswith(".svg") for t in targets), "the README shows no screenshots"
    missing = []
    for target in targets:
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I) or target.startswith("#"):
            continue
        path = target.split("#", 1)[0].split("?", 1)[0]
        if not (README.parent / path).exists():
            missing.append(target)
    assert missing == [], f"README links to files that do not exist: {missing}"


def test_every_in_page_link_has_its_heading(readme) -> None:
    anchors = _anchors(readme)
    wanted = [t[1:] for t in _targets(readme) if t.startswith("#")]
    assert wanted, "expected in-page links (e.g. to the command reference)"
    assert [w for w in wanted if w not in anchors] == []


def test_set_up_commands_open_the_readme(readme) -> None:
    lines = readme.splitlines()
    assert lines[:6] == [
        "# balancecoach",
        "",
        "```sh",
        "python3 scripts/dev.py start    # install into .venv and launch balancecoach",
        "python3 scripts/dev.py test     # install with the test tools, lint, and run every test",
        "```",
    ]

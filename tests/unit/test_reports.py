"""`balancecoach practices`, `demo`, `export` and `report`, run as a person would: in a
fresh interpreter, against a data directory holding the demo practice."""

from __future__ import annotations

import csv
import io
import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.store import PracticeStore

ROOT = Path(__file__).resolve().parents[2]


def bc(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "balancecoach", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    install_demo(PracticeStore(root))
    return root


# --- practices and demo -------------------------------------------------------------------


def test_practices_on_an_empty_data_directory_points_to_the_demo(tmp_path: Path) -> None:
    result = bc(tmp_path / "empty", "practices")
    assert result.returncode == 0
    assert "No practices" in result.stdout and "balancecoach demo" in result.stdout
    result = bc(tmp_path / "empty", "practices", "--format", "json")
    data = json.loads(result.stdout)
    assert data["practices"] == [] and "balancecoach demo" in data["hint"]


def test_demo_installs_once_and_says_where(tmp_path: Path) -> None:
    first = bc(tmp_path, "demo")
    assert first.returncode == 0
    folder = tmp_path / "practices" / DEMO_SLUG
    assert str(folder) in first.stdout and "Installed" in first.stdout
    second = bc(tmp_path, "demo", "--format", "json")
    assert json.loads(second.stdout) == {"slug": DEMO_SLUG, "path": str(folder), "installed": False}
    listing = bc(tmp_path, "practices")
    assert listing.returncode == 0 and DEMO_SLUG in listing.stdout


def test_practices_lists_the_demo(data: Path) -> None:
    result = bc(data, "practices")
    assert result.returncode == 0
    row = next(line for line in result.stdout.splitlines() if DEMO_SLUG in line)
    assert "Harbour Family Dental (demo)" in row
    assert "2025-Q4" in row and "integrated" in row and row.rstrip().endswith("8")
    (entry,) = json.loads(bc(data, "practices", "--format", "json").stdout)["practices"]
    assert entry["slug"] == DEMO_SLUG and entry["demo"] is True
    assert entry["checkpoints"] == 8 and entry["quadrant"] == "integrated"
    assert entry["problems"] == []


def test_practices_reports_a_bad_file_and_carries_on(tmp_path: Path) -> None:
    store = PracticeStore(tmp_path)
    install_demo(store)
    (store.layout.checkpoints_dir(DEMO_SLUG) / "2025-Q2.toml").write_text(
        "quarter = [oops\n", encoding="utf-8"
    )
    broken = tmp_path / "practices" / "broken-practice"
    broken.mkdir()
    (broken / "practice.toml").write_text("schema_version = 2\n", encoding="utf-8")
    result = bc(tmp_path, "practices")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    out = result.stdout
    assert "2025-Q2.toml" in out and "broken-practice" in out and DEMO_SLUG in out
    assert "7" in next(line for line in out.splitlines() if DEMO_SLUG in line)
    rows = json.loads(bc(tmp_path, "practices", "--format", "json").stdout)["practices"]
    assert {r["slug"]: bool(r["problems"]) for r in rows} == {
        "broken-practice": True,
        DEMO_SLUG: True,
    }
    # a report or export of the demo now stops with one line naming the bad file
    line = one_line_error(bc(tmp_path, "report", DEMO_SLUG))
    assert "2025-Q2.toml" in line


# --- export -------------------------------------------------------------------------------

HEADER_START = [
    "practice",
    "practice_name",
    "quarter",
    "date",
    "item_set",
    "goal_effective",
    "structure",
    "people",
    "lean",
    "quadrant",
    "agreement",
    "doctor_structure",
    "doctor_people",
    "doctor_lean",
    "doctor_quadrant",
    "manager_structure",
    "manager_people",
    "manager_lean",
    "manager_quadrant",
    "production",
    "collections",
    "metric_id",
    "metric_name",
    "side",
    "owner",
    "value",
    "unit",
    "target",
    "target_kind",
    "target_low",
    "target_high",
    "status",
    "band",
    "people_view",
]


def test_export_csv_is_one_tidy_table(data: Path) -> None:
    result = bc(data, "export", "harbour-family-dental-demo")  # csv is the default
    assert result.returncode == 0, result.stderr
    reader = csv.reader(io.StringIO(result.stdout))
    header = next(reader)
    assert header[: len(HEADER_START)] == HEADER_START
    inputs = header[len(HEADER_START) :]
    assert inputs and all(c.startswith("input:") for c in inputs)
    assert {"input:accepted", "input:presented", "input:promoters"} <= set(inputs)
    rows = [dict(zip(header, r, strict=True)) for r in reader]
    assert len(rows) == 8 * 5  # quarters × metrics
    assert {r["quarter"] for r in rows} == {f"{y}-Q{q}" for y in (2024, 2025) for q in (1, 2, 3, 4)}
    for r in rows:
        float(r["value"]), float(r["lean"]), float(r["agreement"])  # numbers, no units
        assert r["status"] in {"green", "amber", "red"}
        assert r["unit"] and r["target"] and r["people_view"]
    first = next(
        r for r in rows if r["quarter"] == "2024-Q1" and r["metric_id"] == "case_acceptance"
    )
    assert round(int(first["input:accepted"]) / int(first["input:presented"]) * 100, 2) == float(
        first["value"]
    )
    assert first["input:promoters"] == ""  # another metric's input stays empty on this row


def test_export_json_has_the_same_rows_with_inputs_as_objects(data: Path) -> None:
    result = bc(data, "export", DEMO_SLUG, "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["practice"] == {
        "slug": DEMO_SLUG,
        "name": "Harbour Family Dental (demo)",
        "demo": True,
        "currency": "$",
    }
    rows = doc["rows"]
    assert len(rows) == 40
    assert list(rows[0])[: len(HEADER_START)] == HEADER_START
    nps = next(r for r in rows if r["metric_id"] == "nps")
    assert set(nps["inputs"]) == {"promoters", "passives", "detractors"}
    assert not any(k.startswith("input:") for k in rows[0])


def test_export_to_a_file(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "out" / "demo.csv"
    result = bc(data, "export", DEMO_SLUG, "--out", str(target))
    assert result.returncode == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("practice,practice_name,quarter")
    assert [p.name for p in target.parent.iterdir()] == ["demo.csv"]


# --- report -------------------------------------------------------------------------------

SECTIONS = (
    "## Where the practice stands",
    "## Where the doctor and manager differ",
    "## The goal in effect",
    "How this goal was created",
    "## Scoreboard",
    "## Communication plan",
    "## What is working, what to improve",
    "## Last quarter's commitments",
)


def test_report_markdown_for_the_latest_quarter(data: Path) -> None:
    result = bc(data, "report", DEMO_SLUG)
    assert result.returncode == 0, result.stderr
    md = result.stdout
    assert md.startswith("# Harbour Family Dental (demo) — 2025-Q4")
    assert "Demo practice" in md
    for section in SECTIONS:
        assert section in md, section
    assert "## Commitments for 2026-Q1" in md
    assert "(in effect from 2025-01-01)" in md  # the revised goal
    assert "| **Practice** |" in md and "integrated" in md
    assert "patients moved forward with care" in md  # the people view


def test_report_for_an_earlier_quarter(data: Path) -> None:
    md = bc(data, "report", "harbour", "--quarter", "2024-Q1").stdout
    assert "# Harbour Family Dental (demo) — 2024-Q1" in md
    assert "(in effect from 2024-01-01)" in md  # the goal of that year, not today's
    assert "### Start the conversation here" in md and "Ask:" in md
    assert "The practice average hides a difference" in md
    assert "None to review: this is the first checkpoint." in md
    assert "production-leaning" in md


def test_report_matches_the_practice_by_its_name(data: Path) -> None:
    result = bc(data, "report", "Harbour Family Dental (demo)", "--quarter", "2024-q3")
    assert result.returncode == 0 and "— 2024-Q3" in result.stdout


def _fenced_blocks(md: str) -> list[str]:
    return re.findall(r"^```text\n(.*?)\n```$", md, flags=re.MULTILINE | re.DOTALL)


def test_report_markdown_has_the_trend_charts_as_plain_text_blocks(data: Path) -> None:
    md = bc(data, "report", DEMO_SLUG).stdout
    trends = md[md.index("## Trends") : md.index("## Communication plan")]
    assert md.index("## Scoreboard") < md.index("## Trends")
    blocks = _fenced_blocks(trends)
    # lean, production and collections, and one per scoreboard metric
    assert len(blocks) == 2 + 5
    assert "\x1b" not in md  # no colour codes in a file
    lean, money, *metrics = blocks
    assert "Practice structure and people" in lean and "Lean = structure − people" in lean
    assert "D doctor lean" in lean and "M manager lean" in lean
    assert "Production against the goal" in money and "Collections against the goal" in money
    assert "quarterly goal" in money and "$250k" in money
    assert "Case acceptance (%), target ≥ 65%" in metrics[0]
    assert "● on target" in metrics[0]
    for block in blocks:
        lines = block.splitlines()
        assert max(len(line) for line in lines) <= 80
        assert "2024-Q1" in block and "2025-Q4" in block  # the last eight quarters


def test_report_of_an_earlier_quarter_charts_only_up_to_it(data: Path) -> None:
    first = bc(data, "report", DEMO_SLUG, "--quarter", "2024-Q1").stdout
    trends = first[first.index("## Trends") : first.index("## Communication plan")]
    assert "```" not in trends
    assert "Only one checkpoint so far: the trend appears after the next one." in trends
    third = bc(data, "report", DEMO_SLUG, "--quarter", "2024-Q3").stdout
    trends = third[third.index("## Trends") : third.index("## Communication plan")]
    blocks = _fenced_blocks(trends)
    assert blocks and all("2024-Q3" in b and "2024-Q4" not in b for b in blocks)


def test_report_html_has_the_trend_charts_as_escaped_preformatted_text(data: Path) -> None:
    page = bc(data, "report", DEMO_SLUG, "--format", "html").stdout
    checker = check_html(page)
    charts = re.findall(r'<pre class="chart">(.*?)</pre>', page, flags=re.DOTALL)
    assert len(charts) == 7
    assert "\x1b" not in page
    text = "".join(checker.text)
    assert "Trends" in text and "Practice structure and people" in text
    assert "● on target" in text and "2025-Q4" in charts[0]
    # "<" and ">" never reach the page raw from a chart
    assert all("<" not in c and ">" not in c for c in charts)


class Checker(HTMLParser):
    VOID = {"meta", "br", "hr", "img", "input", "link", "col", "wbr", "source", "area", "base"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: set[str] = set()
        self.attrs: list[tuple[str, str | None]] = []
        self.errors: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attrs += attrs
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def check_html(page: str) -> Checker:
    checker = Checker()
    checker.feed(page)
    checker.close()
    assert checker.errors == [] and checker.stack == [], (checker.errors, checker.stack)
    assert page.startswith("<!DOCTYPE html>")
    assert {"html", "head", "body", "style", "table", "title"} <= checker.tags
    assert not checker.tags & {"script", "link", "img", "iframe", "object", "embed"}
    assert not [a for a, _ in checker.attrs if a in {"src", "href", "srcset", "action"}]
    assert not re.search(r"https?:|url\(|@import|//[a-z]", page, re.IGNORECASE)
    return checker


def test_report_html_is_self_contained_and_well_formed(data: Path, tmp_path: Path) -> None:
    target = tmp_path / "summary.html"  # the suffix picks html
    result = bc(data, "report", DEMO_SLUG, "--quarter", "2024-Q4", "--out", str(target))
    assert result.returncode == 0 and result.stdout == ""
    page = target.read_text(encoding="utf-8")
    checker = check_html(page)
    text = "".join(checker.text)
    for words in (
        "Where the practice stands",
        "How this goal was created",
        "Scoreboard",
        "Communication plan",
        "Last quarter’s commitments",
        "Commitments for 2025-Q1",
        "Demo practice",
    ):
        assert words in text, words
    assert "@media print" in page
    assert bc(data, "report", DEMO_SLUG, "--format", "html").stdout.startswith("<!DOCTYPE html>")


def test_report_escapes_what_the_practice_wrote(tmp_path: Path) -> None:
    install_demo(PracticeStore(tmp_path))
    folder = tmp_path / "practices" / DEMO_SLUG
    practice = folder / "practice.toml"
    practice.write_text(
        practice.read_text(encoding="utf-8").replace(
            'name = "Harbour Family Dental (demo)"', 'name = "Smile <b>&</b> | Co"'
        ),
        encoding="utf-8",
    )
    last = folder / "checkpoints" / "2025-Q4.toml"
    last.write_text(
        last.read_text(encoding="utf-8").replace(
            'text = "Hold the 2026 goal meeting',
            'text = "<script>alert(1)</script> Hold the 2026 goal meeting',
        ),
        encoding="utf-8",
    )
    page = bc(tmp_path, "report", DEMO_SLUG, "--format", "html").stdout
    checker = check_html(page)
    assert "Smile <b>&</b> | Co" in "".join(checker.text)
    assert "&lt;script&gt;" in page and "<script>" not in page
    md = bc(tmp_path, "report", DEMO_SLUG).stdout
    assert "# Smile \\<b\\>&\\</b\\> \\| Co — 2025-Q4" in md
    assert "\\<script\\>" in md


def test_bad_input_is_one_line_and_exit_2(data: Path, tmp_path: Path) -> None:
    assert "no practice 'nobody'" in one_line_error(bc(data, "report", "nobody"))
    assert "no practice" in one_line_error(bc(data, "export", "nobody"))
    assert "written like 2026-Q3" in one_line_error(
        bc(data, "report", DEMO_SLUG, "--quarter", "Q3 2025")
    )
    line = one_line_error(bc(data, "report", DEMO_SLUG, "--quarter", "2031-Q1"))
    assert "no checkpoint for 2031-Q1" in line and "2024-Q1" in line
    folder = tmp_path / "a-folder"
    folder.mkdir()
    assert "folder" in one_line_error(bc(data, "export", DEMO_SLUG, "--out", str(folder)))
    assert "no practices yet" in one_line_error(bc(tmp_path / "empty", "report", "x"))


def test_data_dir_may_follow_the_command(data: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "balancecoach", "export", DEMO_SLUG, "--data-dir", str(data)],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0 and result.stdout.startswith("practice,")


def _loaded_by(data: Path, *commands: list[str]) -> set[str]:
    code = (
        "import contextlib, io, sys\n"
        "from balancecoach.cli import main\n"
        f"d = {str(data)!r}\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    for args in {list(commands)!r}:\n"
        "        assert main(['--data-dir', d, *args]) == 0, args\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    return set(json.loads(out.replace("'", '"')))


def test_these_commands_do_not_load_the_interface_or_the_writer(data: Path) -> None:
    loaded = _loaded_by(
        data,
        ["practices"],
        ["demo"],
        ["export", "harbour"],
        ["export", "harbour", "--format", "json"],
    )
    assert not loaded & {"textual", "tomlkit", "rich", "plotext"}
    # The report draws its trend charts with plotext, and nothing more.
    loaded = _loaded_by(data, ["report", "harbour"], ["report", "harbour", "--format", "html"])
    assert "plotext" in loaded
    assert not loaded & {"textual", "tomlkit", "rich"}


def test_the_demo_copy_in_the_data_directory_is_left_alone_by_reports(data: Path) -> None:
    before = {p: p.read_bytes() for p in (data / "practices").rglob("*.toml")}
    for args in (("report", DEMO_SLUG), ("export", DEMO_SLUG), ("practices",)):
        assert bc(data, *args).returncode == 0
    after = {p: p.read_bytes() for p in (data / "practices").rglob("*.toml")}
    assert before == after

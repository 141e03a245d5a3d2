"""`balancecoach workshop FILE --export DIR`: a report per practice, a cohort summary with
each practice's latest figures beside its previous ones and a text quadrant of them all,
problems named by file and line, and nothing changed in any data directory."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from balancecoach.charts.text_quadrant import Marker, draw_text_quadrant
from balancecoach.cli import main
from balancecoach.core.format import percent
from balancecoach.core.records import (
    Checkpoint,
    MetricActual,
    Practice,
    PracticeScores,
    Profile,
)
from balancecoach.core.scoring import HIGH, Quadrant, quadrant
from balancecoach.report.markdown import md
from balancecoach.report.workshop import duration, lean_change
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.store import PracticeStore
from balancecoach.storage.workshops import load_workshop

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "workshop.toml"

SEASIDE = "Seaside Smiles"
NORTHSIDE = "Northside Dental Care"


def _checkpoint(quarter: str, structure: float, people: float, agreement: float, red: list[str]):
    year, q = int(quarter[:4]), int(quarter[-1])
    return Checkpoint(
        quarter=quarter,
        date=dt.date(year, 3 * q, 28),
        scores=PracticeScores(
            structure=structure,
            people=people,
            lean=structure - people,
            quadrant=str(quadrant(structure, people)),
            agreement=agreement,
        ),
        metric=[
            MetricActual(id=m, inputs={}, value=10, status="red" if m in red else "green")
            for m in ("case_acceptance", "nps", "pre_appointment")
        ],
    )


@pytest.fixture
def cohort(tmp_path: Path) -> dict:
    """The demo in the data directory; a second practice in another data directory, named
    by path; a third with no checkpoint; and a slug that names nothing."""
    data = tmp_path / "data"
    store = PracticeStore(data)
    install_demo(store)
    north = store.create_practice(Practice(practice=Profile(name=NORTHSIDE)))

    other = PracticeStore(tmp_path / "other")
    seaside = other.create_practice(Practice(practice=Profile(name=SEASIDE)))
    other.save_checkpoint(seaside, _checkpoint("2025-Q3", 52, 70, 80.0, ["nps"]))
    other.save_checkpoint(
        seaside, _checkpoint("2025-Q4", 61.6, 71.4, 71.4, ["case_acceptance", "nps"])
    )

    file = tmp_path / "workshops" / "spring.toml"
    file.parent.mkdir()
    text = (
        'title = "Spring cohort"\ndate = 2026-04-18\n\n'
        f'[[practice]]\nslug = "{DEMO_SLUG}"\n\n'
        f'[[practice]]\npath = "../other/practices/{seaside}"\n\n'
        f'[[practice]]\nslug = "{north}"\n\n'
        '[[practice]]\nslug = "missing-practice"\n\n'
        '[[segment]]\ntitle = "Welcome"\nminutes = 10\n\n'
        '[[segment]]\ntitle = "Where you stand"\nminutes = 25\nflow = "results"\n'
        'note = "Start from the widest differences"\n'
    )
    file.write_text(text, encoding="utf-8")
    return {
        "tmp": tmp_path,
        "data": data,
        "other": tmp_path / "other",
        "file": file,
        "text": text,
        "store": store,
        "other_store": other,
        "seaside": seaside,
        "north": north,
    }


def _snapshot(*folders: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for folder in folders for p in folder.rglob("*") if p.is_file()}


def _run(cohort: dict, out: Path, capsys) -> tuple[int, str, str]:
    code = main(
        ["--data-dir", str(cohort["data"]), "workshop", str(cohort["file"]), "--export", str(out)]
    )
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _table_row(text: str, letter: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.startswith(f"| {letter} | "))
    return [cell.strip() for cell in line.strip("|").split(" | ")]


def test_the_export_writes_a_report_per_practice_and_the_cohort(cohort, capsys) -> None:
    out = cohort["tmp"] / "exported" / "spring"
    before = _snapshot(cohort["data"], cohort["other"])
    code, stdout, stderr = _run(cohort, out, capsys)
    assert code == 1  # one practice of the file could not be found

    # nothing in either data directory changed, not even a cache
    assert _snapshot(cohort["data"], cohort["other"]) == before

    seaside = cohort["seaside"]
    expected = [
        out / f"{DEMO_SLUG}.md",
        out / f"{DEMO_SLUG}.html",
        out / f"{seaside}.md",
        out / f"{seaside}.html",
        out / "cohort.md",
        out / "cohort.html",
    ]
    assert stdout.splitlines() == [str(p) for p in expected]
    assert sorted(out.iterdir()) == sorted(expected)
    assert not list(out.glob(f"{cohort['north']}*")), "no checkpoint, no report"
    assert (out / f"{seaside}.md").read_text("utf-8").startswith(f"# {SEASIDE} — 2025-Q4")
    assert f"<h1>{SEASIDE} — 2025-Q4</h1>" in (out / f"{seaside}.html").read_text("utf-8")

    # the practice that is not there: named on stderr with the file, line and field
    line = cohort["text"].splitlines().index('slug = "missing-practice"') + 1
    assert f"{cohort['file']}:{line}: practice[3].slug: no practice 'missing-practice'" in stderr
    assert "Traceback" not in stderr


def test_the_cohort_table_holds_each_practice_s_latest_figures(cohort, capsys) -> None:
    out = cohort["tmp"] / "out"
    _run(cohort, out, capsys)
    text = (out / "cohort.md").read_text("utf-8")
    assert text.startswith("# Spring cohort\n")
    assert "Workshop of 2026-04-18 · 3 practices · agenda of 35 min" in text
    assert (
        "| 0:10 | Where you stand | 25 min | results | Start from the widest differences |" in text
    )

    # the demo, from its own latest checkpoint and the one before
    history, problems = cohort["store"].load_checkpoints(DEMO_SLUG)
    assert not problems
    latest, before = history[-1], history[-2]
    assert latest.scores is not None and before.scores is not None
    demo_name = cohort["store"].load_practice(DEMO_SLUG).practice.name
    row = _table_row(text, "A")
    assert row[1] == demo_name
    assert row[2] == latest.quarter
    assert row[3] == lean_change(latest.scores.lean, before.scores.lean)
    assert row[4] == latest.scores.quadrant
    assert row[5] == f"{before.scores.quadrant} ({before.quarter})"
    assert row[6] == percent(latest.scores.agreement)
    names = load_content().metrics.by_id
    red = [names[m.id].name for m in latest.metric if m.status == "red"]
    assert row[7] == (", ".join(red) or "none")

    # the practice named by path, in another data directory: −18 → −10 (+8)
    assert _table_row(text, "B") == [
        "B",
        SEASIDE,
        "2025-Q4",
        "−18 → −10 (+8)",
        "integrated",
        "patient-leaning (2025-Q3)",
        "71%",
        f"{names['case_acceptance'].name}, {names['nps'].name}",
    ]
    # no checkpoint: named in the table, with nothing to show, and said so below
    assert _table_row(text, "C")[1:] == [NORTHSIDE, "–", "–", "–", "–", "–", "none"]
    assert f"- C {NORTHSIDE}: no report\n  - no checkpoint yet, so no report" in text
    assert f"[{SEASIDE}]({cohort['seaside']}.md)" in text
    assert "missing-practice" not in text


def test_the_cohort_quadrant_places_every_practice_with_a_legend(cohort, capsys) -> None:
    out = cohort["tmp"] / "out"
    _run(cohort, out, capsys)
    text = (out / "cohort.md").read_text("utf-8")
    block = text.split("```text\n", 1)[1].split("\n```", 1)[0]
    history, _ = cohort["store"].load_checkpoints(DEMO_SLUG)
    demo_name = cohort["store"].load_practice(DEMO_SLUG).practice.name
    legend = block.split("\n\n", 1)[1].splitlines()
    assert legend == [
        f"A  {demo_name}: {history[-1].quarter} (a: {history[-2].quarter})",
        f"B  {SEASIDE}: 2025-Q4 (b: 2025-Q3)",
        f"C  {NORTHSIDE}: no scores yet, not on the chart",
    ]
    chart = block.split("\n\n", 1)[0]
    # Seaside was patient-leaning (52, 70) and is integrated now (61.6, 71.4)
    assert _region(chart, "b") == Quadrant.PATIENT
    assert _region(chart, "B") == Quadrant.INTEGRATED
    html = (out / "cohort.html").read_text("utf-8")
    assert '<pre class="chart">' in html and "<script" not in html
    assert f'<a href="{cohort["seaside"]}.html">{SEASIDE}</a>' in html


def test_a_checkpoint_that_does_not_load_is_named_not_left_out_quietly(cohort, capsys) -> None:
    folder = cohort["other_store"].layout.checkpoints_dir(cohort["seaside"])
    broken = folder / "2025-Q2.toml"
    broken.write_text('schema_version = 1\nquarter = "2025-Q2"\ndate = "soon"\n', "utf-8")
    out = cohort["tmp"] / "out"
    _run(cohort, out, capsys)
    report = (out / f"{cohort['seaside']}.md").read_text("utf-8")
    cohort_text = (out / "cohort.md").read_text("utf-8")
    for text in (report, cohort_text):
        assert md(f"left out of the report, since it did not load: {broken}:3: date") in text


def test_two_practices_of_one_folder_name_get_two_reports(tmp_path: Path, capsys) -> None:
    data, other = tmp_path / "data", tmp_path / "other"
    install_demo(PracticeStore(data))
    install_demo(PracticeStore(other))
    file = tmp_path / "w.toml"
    file.write_text(
        f'title = "Two"\n[[practice]]\nslug = "{DEMO_SLUG}"\n'
        f'[[practice]]\npath = "other/practices/{DEMO_SLUG}"\n'
        '[[segment]]\ntitle = "Talk"\nminutes = 30\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["--data-dir", str(data), "workshop", str(file), "--export", str(out)]) == 0
    capsys.readouterr()
    assert (out / f"{DEMO_SLUG}.md").is_file()
    assert (out / f"{DEMO_SLUG}-2.md").is_file()
    assert (out / f"{DEMO_SLUG}-2.html").is_file()


def test_an_export_folder_that_is_a_file_is_refused_clearly(cohort, capsys) -> None:
    target = cohort["tmp"] / "taken"
    target.write_text("not a folder", encoding="utf-8")
    code, _stdout, stderr = _run(cohort, target, capsys)
    assert code == 2
    assert f"{target}: is a file, not a folder (give a folder to --export)" in stderr
    assert target.read_text("utf-8") == "not a folder"


@pytest.mark.parametrize("export", [True, False], ids=["export", "presenter"])
def test_a_workshop_none_of_whose_practices_is_found_is_refused(
    tmp_path: Path, capsys, export: bool
) -> None:
    """The same refusal with --export as without: exit 2, the practices not found named
    and why nothing happens, and no folder, report or empty cohort summary written."""
    data = tmp_path / "data"
    install_demo(PracticeStore(data))
    file = tmp_path / "nobody.toml"
    file.write_text(
        'title = "Nobody here"\n\n'
        '[[practice]]\nslug = "gone"\n\n'
        '[[practice]]\npath = "elsewhere/practices/also-gone"\n\n'
        '[[segment]]\ntitle = "Welcome"\nminutes = 10\n',
        encoding="utf-8",
    )
    out = tmp_path / "out"
    before = _snapshot(data)
    extra = ["--export", str(out)] if export else []
    code = main(["--data-dir", str(data), "workshop", str(file), *extra])
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    assert captured.err.splitlines() == [
        f"balancecoach: {file}:4: practice[0].slug: no practice 'gone' in {data} "
        "(`balancecoach practices` lists the folder names; or give its path)",
        f"balancecoach: {file}:7: practice[1].path: "
        f"{tmp_path / 'elsewhere' / 'practices' / 'also-gone'} holds no practice.toml "
        "(give the folder of a practice (…/practices/<name>), relative to this file)",
        "balancecoach: no practice of the workshop could be found",
    ]
    assert not out.exists()
    assert _snapshot(data) == before


def test_the_example_workshop_loads_and_exports(tmp_path: Path, capsys) -> None:
    workshop = load_workshop(EXAMPLE)
    assert [p.slug for p in workshop.practice] == [DEMO_SLUG]
    assert workshop.total_minutes == 120
    flows = {s.flow for s in workshop.segment}
    assert flows == {"assessment", "results", "goals", "metrics", "plan", "reflections", "none"}
    text = EXAMPLE.read_text("utf-8")
    for flow in flows:
        assert f'"{flow}"' in text, f"the example explains the {flow} flow"
    data = tmp_path / "data"
    install_demo(PracticeStore(data))
    out = tmp_path / "out"
    assert main(["--data-dir", str(data), "workshop", str(EXAMPLE), "--export", str(out)]) == 0
    assert capsys.readouterr().err == ""
    assert "agenda of 2 h" in (out / "cohort.md").read_text("utf-8")


def test_the_export_does_not_load_textual(tmp_path: Path) -> None:
    data = tmp_path / "data"
    install_demo(PracticeStore(data))
    args = ["--data-dir", str(data), "workshop", str(EXAMPLE), "--export", str(tmp_path / "o")]
    code = (
        "import contextlib, io, sys\n"
        "from balancecoach.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({args!r}) == 0\n"
        "print(sorted({m.split('.')[0] for m in sys.modules}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "'balancecoach'" in out.stdout
    assert "'textual'" not in out.stdout


# --- the pieces -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lean", "previous", "expected"),
    [
        (-10, -18, "−18 → −10 (+8)"),
        (-0.6, 7.1, "+7 → −1 (−8)"),
        (10.4, 0.6, "+1 → +10 (+9)"),  # the change adds up as printed, not +10
        (12.4, 12.2, "+12 → +12 (0)"),
        (5, None, "+5"),
        (None, 3, "–"),
    ],
)
def test_lean_change(lean, previous, expected) -> None:
    assert lean_change(lean, previous) == expected


@pytest.mark.parametrize(
    ("minutes", "expected"), [(45, "45 min"), (120, "2 h"), (105, "1 h 45 min")]
)
def test_duration(minutes: float, expected: str) -> None:
    assert duration(minutes) == expected


def _find(chart: str, marker: str) -> tuple[int, int]:
    lines = chart.splitlines()
    hits = [
        (r, m.start())
        for r, line in enumerate(lines)
        for m in re.finditer(rf"(?<![A-Za-z]){marker}(?![A-Za-z])", line)
        if r > 0 and line[:4].strip() in ("", "100", "60", "0") and "│" in line
    ]
    assert len(hits) == 1, f"{marker!r} appears {len(hits)} times in\n{chart}"
    return hits[0]


def _region(chart: str, marker: str) -> Quadrant:
    """Which region of the drawn chart holds `marker`: above or below the row of ┼, left
    or right of its column."""
    lines = chart.splitlines()
    cross_row = next(r for r, line in enumerate(lines) if "┼" in line)
    cross_col = lines[cross_row].index("┼")
    row, col = _find(chart, marker)
    high_people, high_structure = row < cross_row, col > cross_col
    if high_people and high_structure:
        return Quadrant.INTEGRATED
    if high_structure:
        return Quadrant.PRODUCTION
    return Quadrant.PATIENT if high_people else Quadrant.DRIFTING


POSITIONS = [(0, 0), (100, 100), (HIGH, HIGH), (HIGH - 0.1, HIGH), (HIGH, HIGH - 0.1)]
POSITIONS += [(30, 90), (90, 30), (59, 59), (61, 99), (1, 61)]


@pytest.mark.parametrize(("structure", "people"), POSITIONS)
def test_a_marker_lands_in_its_quadrant(structure: float, people: float) -> None:
    chart = draw_text_quadrant([Marker("A", structure, people)])
    assert _region(chart, "A") == quadrant(structure, people)


def test_markers_in_one_place_are_all_shown_apart_in_their_region() -> None:
    markers = [Marker(t, 80, 80) for t in ("A", "B", "a", "AA")]
    chart = draw_text_quadrant(markers)
    for m in markers:
        assert _region(chart, m.text) == Quadrant.INTEGRATED
    row = chart.splitlines()[_find(chart, "A")[0]]
    assert re.search(r"\bA\b", row) and re.search(r"\bAA\b", row)


@pytest.mark.parametrize(("width", "height"), [(64, 21), (72, 23), (40, 12), (10, 5)])
def test_the_chart_keeps_to_its_size(width: int, height: int) -> None:
    chart = draw_text_quadrant([Marker("A", 10, 90)], width, height)
    lines = chart.splitlines()
    assert len(lines) == max(height, 7 + 4)
    assert max(len(line) for line in lines) <= max(width, 21 + 6)
    assert lines[0] == "people"
    assert "structure" in lines[-1] or width < 40

"""The progress charts as text: each kind fits the size asked for, carries its quarter
labels, units and legend, and says why when there is nothing to draw yet; and
`balancecoach chart`, run as a person would, on a copy of the demo practice."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from balancecoach.charts import chart, empty_state, metric_charts
from balancecoach.core import series as S
from balancecoach.core.records import Checkpoint, Practice
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.demo import DEMO_SLUG, install_demo
from balancecoach.storage.store import PracticeStore

ROOT = Path(__file__).resolve().parents[2]
CONTENT = load_content()
ANSI = re.compile(r"\x1b\[[0-9;]*m")
FIRST, LATEST = "2024-Q1", "2025-Q4"

LEGENDS = {
    "lean": ("S structure", "P people", "D doctor lean", "M manager lean", "◆ practice lean"),
    "quadrant": ("D doctor 80/77", "M office manager 77/81", "◆ practice 79/79", "path from"),
    "metric": ("● on target", "▲ close (within 10%)", "× off target", "─ target ≥ 65%"),
    "dimensions": ("█ doctor", "▒ office manager", "people ← 0 → structure"),
    "financials": ("P production", "C collections", "─ quarterly goal"),
}
UNITS = {
    "lean": ("(0–100)", "+50", "−50"),
    "quadrant": ("structure across, people up", "100"),
    "metric": ("Case acceptance (%)", "65%"),
    "dimensions": ("100", "50"),
    "financials": ("($ per quarter)", "$250k"),
}


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("data")
    result = subprocess.run(
        [sys.executable, "-m", "balancecoach", "--data-dir", str(root), "demo"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return root


@pytest.fixture(scope="module")
def demo(data: Path) -> tuple[Practice, list[Checkpoint]]:
    store = PracticeStore(data)
    checkpoints, problems = store.load_checkpoints(DEMO_SLUG)
    assert problems == []
    return store.load_practice(DEMO_SLUG), checkpoints


def first_of(kind: str, demo: tuple[Practice, list[Checkpoint]]) -> S.Series:
    practice, checkpoints = demo
    return S.series_for(kind, CONTENT, practice, checkpoints)[0]


def fits(text: str, width: int, height: int) -> None:
    lines = text.splitlines()
    assert 0 < len(lines) <= height, (len(lines), height)
    assert max(len(line) for line in lines) <= width, max(len(line) for line in lines)


# --- each kind on the demo ----------------------------------------------------------------


@pytest.mark.parametrize("kind", S.KINDS)
def test_each_kind_reads_at_80_by_24(kind: str, demo) -> None:
    text = chart(first_of(kind, demo), 80, 24)
    fits(text, 80, 24)
    assert len(text.splitlines()) >= 22  # it uses the room it is given
    assert not ANSI.search(text)
    for words in LEGENDS[kind] + UNITS[kind]:
        assert words in text, words
    if kind in ("lean", "metric", "financials"):
        for quarter in S.lean_series(demo[1]).labels:  # every quarter fits at 80 columns
            assert quarter in text, quarter
    if kind == "quadrant":
        assert f"{FIRST} → {LATEST}" in text
        for name in ("integrated", "production-leaning", "patient-leaning", "drifting"):
            assert name in text
    if kind == "dimensions":
        assert LATEST in text
        for label in ("Metrics", "Next steps", "Partnership", "Experience"):
            assert label in text


@pytest.mark.parametrize("kind", S.KINDS)
@pytest.mark.parametrize(("width", "height"), [(40, 10), (60, 18), (72, 22), (100, 30), (160, 50)])
def test_each_kind_fits_any_size_asked(kind: str, width: int, height: int, demo) -> None:
    for one in S.series_for(kind, CONTENT, *demo):
        text = chart(one, width, height)
        fits(text, width, height)
        if kind in ("lean", "metric", "financials"):
            assert LATEST in text  # the latest quarter keeps its label, however narrow


def test_colour_is_optional_and_changes_nothing_else(demo) -> None:
    for kind in S.KINDS:
        one = first_of(kind, demo)
        plain = chart(one, 80, 24)
        coloured = chart(one, 80, 24, color=True)
        assert ANSI.search(coloured) and not ANSI.search(plain)
        stripped = "\n".join(line.rstrip() for line in ANSI.sub("", coloured).splitlines())
        assert stripped == plain


def test_charts_drawn_from_several_threads_come_out_whole(demo) -> None:
    kinds = list(S.KINDS) * 3
    expected = {k: chart(first_of(k, demo), 80, 24) for k in S.KINDS}
    results: dict[int, str] = {}

    def draw(i: int, kind: str) -> None:
        results[i] = chart(first_of(kind, demo), 80, 24)

    threads = [threading.Thread(target=draw, args=(i, k)) for i, k in enumerate(kinds)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(results[i] == expected[k] for i, k in enumerate(kinds))


def test_every_metric_one_under_another(demo) -> None:
    practice, checkpoints = demo
    trends = S.metric_series(CONTENT, practice, checkpoints)
    text = metric_charts(trends, 80, 20)
    blocks = text.split("\n\n")
    assert len(blocks) == len(trends) == 5
    for block, trend in zip(blocks, trends, strict=True):
        fits(block, 80, 20)
        assert trend.name in block
    assert "Production per clinical hour ($/h), target ≥ $630.00/h" in blocks[-1]
    assert "Net Promoter Score (patients), −100 to +100, target ≥ +45" in blocks[3]


def test_many_quarters_thin_out_the_labels_but_keep_the_latest(demo) -> None:
    _, checkpoints = demo
    twice = [
        c.model_copy(update={"quarter": f"{int(c.quarter[:4]) - 2}{c.quarter[4:]}"})
        for c in checkpoints
    ] + list(checkpoints)
    lean = S.lean_series(twice)
    assert len(lean.labels) == 16
    text = chart(lean, 80, 24)
    fits(text, 80, 24)
    shown = set(re.findall(r"\d{4}-Q\d", text))
    assert LATEST in shown and 4 <= len(shown) < 16


def test_a_gap_between_checkpoints_keeps_its_width(demo) -> None:
    _, checkpoints = demo
    gapped = [c for c in checkpoints if c.quarter not in ("2024-Q3", "2024-Q4")]
    text = chart(S.lean_series(gapped), 80, 24)
    axis = next(line for line in text.splitlines() if "2024-Q2" in line)
    # 2024-Q2 to 2025-Q1 spans three quarters: three times the room of one
    q1, q2, q5 = (axis.index(q) for q in ("2024-Q1", "2024-Q2", "2025-Q1"))
    assert (q5 - q2) == pytest.approx(3 * (q2 - q1), abs=3)


# --- empty states -------------------------------------------------------------------------


def test_no_checkpoint_gives_a_sentence_not_a_plot() -> None:
    practice = Practice.model_validate({"practice": {"name": "New Dental"}})
    for kind in S.KINDS:
        for one in S.series_for(kind, CONTENT, practice, []):
            text = chart(one, 80, 24)
            assert one.empty_reason and one.empty_reason in text
            assert "┌" not in text and "┤" not in text
            assert text == empty_state(one, 80, 24)
            fits(text, 80, 24)
    assert S.series_for("metric", CONTENT, practice, []) == []


def test_one_checkpoint_says_the_trend_comes_next(demo) -> None:
    practice, checkpoints = demo
    for kind in ("lean", "metric", "financials"):
        text = chart(S.series_for(kind, CONTENT, practice, checkpoints[:1])[0], 80, 20)
        assert "Only one checkpoint so far: the trend appears after the next one." in text
        assert "┌" not in text
    # one position and one comparison are still worth a picture
    quad = chart(S.quadrant_series(checkpoints[:1]), 80, 24)
    assert "┌" in quad and "the path appears after the next one" in quad
    assert "D doctor 89/25" in quad and "path from" not in quad
    dims = chart(S.dimension_series(CONTENT, checkpoints[:1]), 80, 24)
    assert "By dimension, 2024-Q1" in dims


def test_an_empty_state_wraps_to_a_narrow_width() -> None:
    text = empty_state(S.lean_series([]), 40, 24)
    fits(text, 40, 24)
    assert "Lean by quarter" in text.splitlines()[0]


def test_too_small_to_draw_says_so(demo) -> None:
    text = chart(first_of("lean", demo), 30, 8)
    fits(text, 30, 8)
    assert "needs at least 40×10" in text.replace("\n", " ")


# --- balancecoach chart -------------------------------------------------------------------


def bc(data: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "balancecoach", "--data-dir", str(data), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )


def one_line_error(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize("kind", S.KINDS)
def test_chart_command_draws_each_kind(kind: str, data: Path) -> None:
    result = bc(data, "chart", DEMO_SLUG, kind)
    assert result.returncode == 0, result.stderr
    text = result.stdout
    assert not ANSI.search(text)  # not a terminal: no colour
    charts = text.rstrip("\n").split("\n\n")
    assert len(charts) == (5 if kind == "metric" else 1)
    for one in charts:
        fits(one, 80, 24)
    for words in LEGENDS[kind]:
        assert words in text, words
    assert LATEST in text


@pytest.mark.parametrize("kind", S.KINDS)
def test_chart_command_prints_the_series_as_json(kind: str, data: Path) -> None:
    result = bc(data, "chart", "harbour", kind, "--format", "json")
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["practice"] == DEMO_SLUG and doc["kind"] == kind
    assert doc["name"] == "Harbour Family Dental (demo)"
    series = doc["series"]
    assert len(series) == (5 if kind == "metric" else 1)
    for one in series:
        assert one["kind"] == kind and one["empty_reason"] is None and one["unit"]
    first = series[0]
    if kind == "dimensions":
        assert first["quarter"] == LATEST and first["labels"][0] == "Metrics"
    else:
        assert first["labels"][0] == FIRST and first["labels"][-1] == LATEST
    if kind == "financials":
        assert first["production"][-1] == 271_500 and first["goal_effective"][-1] == "2025-01-01"


def test_chart_command_options(data: Path) -> None:
    result = bc(
        data, "chart", DEMO_SLUG, "metric", "--metric", "nps", "--width", "60", "--height", "16"
    )
    assert result.returncode == 0, result.stderr
    fits(result.stdout, 60, 16)
    assert "Net Promoter Score" in result.stdout and "Case acceptance" not in result.stdout
    by_name = bc(
        data, "chart", DEMO_SLUG, "metric", "--metric", "case acceptance", "--format", "json"
    )
    assert [s["metric_id"] for s in json.loads(by_name.stdout)["series"]] == ["case_acceptance"]
    coloured = bc(data, "chart", DEMO_SLUG, "lean", "--color", "always")
    assert ANSI.search(coloured.stdout)


def test_chart_command_bad_input_is_one_line_and_exit_2(data: Path, tmp_path: Path) -> None:
    assert "no 'pie' chart" in one_line_error(bc(data, "chart", DEMO_SLUG, "pie"))
    assert "no practice 'nobody'" in one_line_error(bc(data, "chart", "nobody", "lean"))
    line = one_line_error(bc(data, "chart", DEMO_SLUG, "metric", "--metric", "chairs"))
    assert "--metric" in line and "case_acceptance" in line
    line = one_line_error(bc(data, "chart", DEMO_SLUG, "lean", "--metric", "nps"))
    assert "metric chart only" in line
    assert "--width" in one_line_error(bc(data, "chart", DEMO_SLUG, "lean", "--width", "20"))
    assert "--height" in one_line_error(bc(data, "chart", DEMO_SLUG, "lean", "--height", "tall"))
    store = PracticeStore(tmp_path)
    install_demo(store)
    (store.layout.checkpoints_dir(DEMO_SLUG) / "2025-Q2.toml").write_text(
        "quarter = [oops\n", encoding="utf-8"
    )
    assert "2025-Q2.toml" in one_line_error(bc(tmp_path, "chart", DEMO_SLUG, "lean"))


def test_chart_command_on_a_practice_without_checkpoints(data: Path, tmp_path: Path) -> None:
    folder = tmp_path / "practices" / "new-dental"
    folder.mkdir(parents=True)
    (folder / "practice.toml").write_text(
        'schema_version = 2\n[practice]\nname = "New Dental"\n', encoding="utf-8"
    )
    result = bc(tmp_path, "chart", "new-dental", "lean")
    assert result.returncode == 0 and S.NO_CHECKPOINTS in result.stdout
    result = bc(tmp_path, "chart", "new-dental", "metric")
    assert result.returncode == 0 and "no metrics on its scoreboard" in result.stdout


def test_chart_command_does_not_load_the_interface(data: Path) -> None:
    code = (
        "import contextlib, io, sys\n"
        "from balancecoach.cli import main\n"
        f"d = {str(data)!r}\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    for kind in ('lean', 'quadrant', 'metric', 'dimensions', 'financials'):\n"
        "        assert main(['--data-dir', d, 'chart', 'harbour', kind]) == 0\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    loaded = set(out.split())
    assert "plotext" in loaded
    assert not loaded & {"textual", "rich", "tomlkit"}


def test_json_and_other_commands_do_not_load_plotext(data: Path) -> None:
    code = (
        "import contextlib, io, sys\n"
        "from balancecoach.cli import main\n"
        f"d = {str(data)!r}\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    assert main(['--data-dir', d, 'chart', 'harbour', 'lean', '--format', 'json']) == 0\n"
        "    assert main(['--data-dir', d, 'practices']) == 0\n"
        "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout
    assert not set(out.split()) & {"plotext", "textual", "rich", "tomlkit"}

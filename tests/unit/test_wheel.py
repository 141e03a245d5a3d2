"""The installed wheel, not only the checkout, carries the content in assessments/."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_wheel_carries_and_loads_the_content(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            str(ROOT),
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "--disable-pip-version-check",
            "-w",
            str(dist),
        ],
        check=True,
    )
    (wheel,) = dist.glob("balancecoach-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("questions", "recommendations", "metrics", "practices"):
        assert f"balancecoach/assessments/{data}.toml" in names
    demo = "balancecoach/demo/practices/harbour-family-dental-demo"
    assert f"{demo}/practice.toml" in names
    assert sum(n.startswith(f"{demo}/checkpoints/") for n in names) == 8
    assert "balancecoach/tui/serve_templates/app_index.html" in names  # `balancecoach serve`

    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--quiet",
            "--disable-pip-version-check",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
    )
    probe = (
        "import json, balancecoach\n"
        "from balancecoach.storage.catalogs import content_dir, load_content\n"
        "from balancecoach.storage.demo import demo_dir\n"
        "c = load_content()\n"
        "print(json.dumps({'module': balancecoach.__file__, 'content': str(content_dir()),\n"
        "                  'statements': len(c.questions.statement),\n"
        "                  'demo': str(demo_dir())}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(site)}
    out = subprocess.run(
        [sys.executable, "-c", probe],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    found = json.loads(out)
    assert found["module"].startswith(str(site))
    assert found["content"].startswith(str(site))
    assert found["statements"] >= 35
    assert found["demo"].startswith(str(site))

"""The bundled demo practice: where it ships, and copying it into a data directory.

The demo is two years of quarterly history for a made-up practice, written by
``scripts/make_demo.py`` with the app's own scoring. It ships read-only inside the package;
``install_demo`` copies it into the user's data directory the first time and never
overwrites a copy that is already there (the user may have edited it).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from balancecoach.core.errors import DataError

if TYPE_CHECKING:
    from balancecoach.storage.store import PracticeStore

#: The folder name of the demo practice, in the package and in the data directory.
DEMO_SLUG = "harbour-family-dental-demo"


def demo_dir() -> Path:
    """`demo/` inside the installed package, or at the top of a source checkout."""
    package = Path(__file__).resolve().parents[1]
    installed = package / "demo"
    if installed.is_dir():
        return installed
    return package.parents[1] / "demo"


def demo_source(slug: str = DEMO_SLUG) -> Path:
    """The shipped folder of a demo practice; a DataError when it is missing."""
    source = demo_dir() / "practices" / slug
    if not (source / "practice.toml").is_file():
        raise DataError(
            "the demo practice is missing from this installation",
            source=source,
            hint="reinstall balancecoach",
        )
    return source


def is_installed(store: PracticeStore, slug: str = DEMO_SLUG) -> bool:
    return store.layout.practice_dir(slug).exists()


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def install_demo(store: PracticeStore, slug: str = DEMO_SLUG) -> str:
    """Copy the demo practice into the store's data directory and return its slug.

    Does nothing when a practice folder of that name is already there. The copy is made in a
    hidden folder beside ``practices/`` and renamed into place, so an interrupted install
    leaves no half-copied practice behind.
    """
    source = demo_source(slug)
    target = store.layout.practice_dir(slug)
    if target.exists():
        return slug
    if _inside(store.root, demo_dir()):
        raise DataError(
            "will not install the demo into the folder it ships from",
            source=store.root,
            hint="choose another data directory with --data-dir",
        )
    staging: Path | None = None
    try:
        store.layout.practices.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".demo-install-", dir=store.root))
        copy = staging / slug
        shutil.copytree(
            source,
            copy,
            ignore=lambda _dir, names: [n for n in names if n.startswith((".", "__"))],
        )
        try:
            os.rename(copy, target)
        except OSError:
            if not target.exists():  # not merely a copy installed by someone else meanwhile
                raise
    except OSError as exc:
        raise DataError(
            f"could not install the demo practice: {exc.strerror or exc}",
            source=target,
            hint="check that the data directory can be written",
        ) from None
    finally:
        if staging is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(staging)
    return slug

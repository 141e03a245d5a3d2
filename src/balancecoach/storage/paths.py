"""Where files live, and turning practice names into safe folder names."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

from balancecoach.core.errors import DataError

ENV_HOME = "BALANCECOACH_HOME"
APP = "balancecoach"
MAX_SLUG = 60
_RESERVED = {
    "con",
    "prn",
    "aux",
    "nul",
    *(f"com{i}" for i in range(10)),
    *(f"lpt{i}" for i in range(10)),
}


def data_dir(explicit: str | Path | None = None) -> Path:
    """The data directory: the --data-dir flag, else $BALANCECOACH_HOME, else the user data
    directory that platformdirs gives (e.g. ~/.local/share/balancecoach)."""
    if explicit:
        return Path(explicit).expanduser()
    env = os.environ.get(ENV_HOME)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path(APP, appauthor=False)


def slugify(name: str) -> str:
    """A folder name made from a practice name: lowercase ASCII letters, digits and
    hyphens, at most 60 characters, never empty, never '.', '..' or a device name.

    Names with no ASCII letters or digits (e.g. written in another script) get a short
    stable hash so that two such practices do not collide.
    """
    text = unicodedata.normalize("NFKD", name)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"[^a-z0-9]+", "-", text).strip("-")
    text = text[:MAX_SLUG].rstrip("-")
    if not text:
        import hashlib

        digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        text = f"practice-{digest}"
    if text in _RESERVED:
        text = f"{text}-practice"
    return text


class Layout:
    """The files under one data directory::

    practices/<slug>/practice.toml
    practices/<slug>/checkpoints/<YYYY>-Q<n>.toml
    drafts/<name>.toml
    schemas/*.schema.json
    """

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def practices(self) -> Path:
        return self.root / "practices"

    @property
    def drafts(self) -> Path:
        return self.root / "drafts"

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    def practice_dir(self, slug: str) -> Path:
        """The folder of a practice; a slug that would leave the data directory is refused."""
        if slug != slugify(slug) or slug in (".", ".."):
            raise DataError(
                f"{slug!r} is not a practice folder name",
                source=self.practices,
                hint="practice folders use lowercase letters, digits and hyphens",
            )
        path = self.practices / slug
        if path.resolve().parent != self.practices.resolve():
            raise DataError(f"{slug!r} leads outside the data directory", source=self.practices)
        return path

    def practice_file(self, slug: str) -> Path:
        return self.practice_dir(slug) / "practice.toml"

    def checkpoints_dir(self, slug: str) -> Path:
        return self.practice_dir(slug) / "checkpoints"

    def checkpoint_file(self, slug: str, quarter: str) -> Path:
        from balancecoach.core.records import Quarter

        return self.checkpoints_dir(slug) / f"{Quarter.parse(quarter)}.toml"

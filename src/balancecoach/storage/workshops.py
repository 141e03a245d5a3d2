"""Workshop files: reading workshop.toml, finding the practices it names, and writing a
new one with a default agenda. A workshop file lives anywhere; those kept in the data
directory's ``workshops/`` folder are offered on the home screen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from balancecoach.core.errors import DataError, DataErrors
from balancecoach.storage.toml_read import find_line, read_toml, validate

if TYPE_CHECKING:
    from balancecoach.core.workshop import Workshop
    from balancecoach.storage.store import PracticeStore

WORKSHOPS_DIR = "workshops"


@dataclass(frozen=True)
class Participant:
    """A practice taking part, where it is kept, and its place in the workshop."""

    index: int
    store: PracticeStore
    slug: str

    @property
    def key(self) -> str:
        return f"{self.store.root}::{self.slug}"


def load_workshop(path: Path) -> Workshop:
    """The workshop file, validated; DataError(s) name the file, line and field."""
    from balancecoach.core.workshop import Workshop

    data, text = read_toml(path)
    return validate(Workshop, data, path, text)


def participants(
    workshop: Workshop, file: Path, store: PracticeStore
) -> tuple[list[Participant], list[DataError]]:
    """The practices the workshop names, found in `store` (by slug) or at a folder (by
    path, relative to the workshop file). A practice that cannot be found is a problem
    naming its line; the others still take part."""
    from balancecoach.storage.store import PracticeStore

    try:
        text = file.read_text(encoding="utf-8-sig")
    except OSError:
        text = ""
    found: list[Participant] = []
    problems: list[DataError] = []
    stores: dict[Path, PracticeStore] = {store.root.resolve(): store}
    for i, entry in enumerate(workshop.practice):
        where = ("practice", i, "slug" if entry.slug is not None else "path")
        line = find_line(text, where) if text else None
        field = f"practice[{i}].{where[2]}"
        if entry.slug is not None:
            try:
                exists = store.layout.practice_file(entry.slug).is_file()
            except DataError as exc:
                problems.append(DataError(exc.message, file, line, field, exc.hint))
                continue
            if not exists:
                problems.append(
                    DataError(
                        f"no practice {entry.slug!r} in {store.root}",
                        file,
                        line,
                        field,
                        "`balancecoach practices` lists the folder names; or give its path",
                    )
                )
                continue
            found.append(Participant(len(found), store, entry.slug))
            continue
        folder = (file.parent / (entry.path or "")).resolve()
        if not (folder / "practice.toml").is_file():
            problems.append(
                DataError(
                    f"{folder} holds no practice.toml",
                    file,
                    line,
                    field,
                    "give the folder of a practice (…/practices/<name>), relative to this file",
                )
            )
            continue
        if folder.parent.name != "practices":
            problems.append(
                DataError(
                    f"{folder} is not inside a data directory's practices folder",
                    file,
                    line,
                    field,
                    "practices live in <data directory>/practices/<name>",
                )
            )
            continue
        root = folder.parent.parent
        other = stores.setdefault(root, PracticeStore(root))
        if any(p.store is other and p.slug == folder.name for p in found):
            continue
        found.append(Participant(len(found), other, folder.name))
    return found, problems


def workshops_folder(store: PracticeStore) -> Path:
    return store.root / WORKSHOPS_DIR


def list_workshops(store: PracticeStore) -> list[Path]:
    folder = workshops_folder(store)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.toml") if not p.name.startswith("."))


def practice_entries(slugs: list[str]) -> Any:
    """The `[[practice]]` blocks naming `slugs`, for a tomlkit document."""
    import tomlkit

    practices = tomlkit.aot()
    for slug in slugs:
        entry = tomlkit.table()
        entry["slug"] = slug
        practices.append(entry)
    return practices


def default_workshop_text(title: str, slugs: list[str]) -> str:
    """A new workshop file: the practices given and a two-hour agenda, commented so it can
    be edited by hand."""
    import tomlkit

    doc = tomlkit.document()
    doc.add(tomlkit.comment("balancecoach workshop: the practices taking part and the agenda."))
    doc.add(
        tomlkit.comment(
            "Each [[segment]] has a title, minutes and the flow it opens for the practice in"
        )
    )
    doc.add(
        tomlkit.comment("focus: assessment, results, goals, metrics, plan, reflections or none.")
    )
    doc.add(tomlkit.nl())
    doc["title"] = title
    doc["practice"] = practice_entries(slugs)
    segments = tomlkit.aot()
    for seg_title, minutes, flow in DEFAULT_AGENDA:
        seg = tomlkit.table()
        seg["title"] = seg_title
        seg["minutes"] = minutes
        seg["flow"] = flow
        segments.append(seg)
    doc["segment"] = segments
    return tomlkit.dumps(doc)


#: A first workshop's agenda: about two hours.
DEFAULT_AGENDA: tuple[tuple[str, int, str], ...] = (
    ("Welcome: production and patients, one practice", 10, "none"),
    ("Each answers the assessment, privately", 25, "assessment"),
    ("Where you stand, and where you differ", 20, "results"),
    ("The annual goal, worked out", 20, "goals"),
    ("A balanced scoreboard", 20, "metrics"),
    ("How you will talk: the communication plan", 15, "plan"),
    ("Reflections and commitments", 10, "reflections"),
)


def create_workshop(store: PracticeStore, title: str, slugs: list[str]) -> Path:
    """Write a new workshop file under the data directory's workshops/ folder."""
    from balancecoach.storage.paths import slugify
    from balancecoach.storage.toml_write import atomic_write_text

    folder = workshops_folder(store)
    folder.mkdir(parents=True, exist_ok=True)
    base = slugify(title) or "workshop"
    path = folder / f"{base}.toml"
    n = 2
    while path.exists():
        path = folder / f"{base}-{n}.toml"
        n += 1
    atomic_write_text(path, default_workshop_text(title, slugs))
    return path


def problems_of(exc: DataError | DataErrors) -> list[DataError]:
    return list(exc.errors) if isinstance(exc, DataErrors) else [exc]

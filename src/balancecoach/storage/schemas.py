"""JSON Schemas for practice.toml, the checkpoint files and workshop files, generated from
the records.

Editors that understand a ``#:schema`` comment (for example Taplo / Even Better TOML) use
them to check a file while it is being edited by hand. The files the app writes point to
``<data dir>/schemas/``; :func:`ensure_schemas` puts them there on the first save, and
``balancecoach schema`` rewrites them (or writes them anywhere else with ``--out``). A
workshop file can point to ``workshop.schema.json`` the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from balancecoach.core.errors import DataError
from balancecoach.core.records import Checkpoint, Practice
from balancecoach.core.workshop import Workshop
from balancecoach.storage.store import CHECKPOINT_SCHEMA_FILE, PRACTICE_SCHEMA_FILE

DIALECT = "https://json-schema.org/draft/2020-12/schema"
WORKSHOP_SCHEMA_FILE = "workshop.schema.json"

#: file name → (record, title)
SCHEMAS: dict[str, tuple[type, str]] = {
    PRACTICE_SCHEMA_FILE: (Practice, "balancecoach practice.toml"),
    CHECKPOINT_SCHEMA_FILE: (Checkpoint, "balancecoach checkpoint (checkpoints/<YYYY>-Q<n>.toml)"),
    WORKSHOP_SCHEMA_FILE: (Workshop, "balancecoach workshop file (workshop.toml)"),
}

#: The command that rewrites the schema files, named in messages about stale copies.
REGENERATE = "balancecoach schema"


def schema(name: str) -> dict[str, Any]:
    """The JSON Schema for one of the files named in :data:`SCHEMAS`."""
    model, title = SCHEMAS[name]
    generated = model.model_json_schema()
    generated.pop("title", None)
    return {"$schema": DIALECT, "title": title, **generated}


def schema_text(name: str) -> str:
    return json.dumps(schema(name), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: Path) -> list[tuple[Path, bool]]:
    """Write every schema into `folder`; returns (path, changed) for each file."""
    from balancecoach.storage.toml_write import atomic_write_text

    out: list[tuple[Path, bool]] = []
    for name in SCHEMAS:
        path = folder / name
        text = schema_text(name)
        try:
            changed = not path.is_file() or path.read_text(encoding="utf-8") != text
        except (OSError, UnicodeDecodeError):
            changed = True
        if changed:
            try:
                atomic_write_text(path, text)
            except OSError as exc:
                raise DataError(
                    f"could not be written: {exc.strerror or exc}", source=path
                ) from None
        out.append((path, changed))
    return out


def ensure_schemas(folder: Path) -> None:
    """Write the schema files into `folder` when they are missing, so the ``#:schema``
    pointers in saved files resolve. Never fails a save: the schemas are a convenience."""
    if all((folder / name).is_file() for name in SCHEMAS):
        return
    from balancecoach.storage.toml_write import atomic_write_text

    for name in SCHEMAS:
        path = folder / name
        if path.is_file():
            continue
        try:
            atomic_write_text(path, schema_text(name))
        except (OSError, DataError):
            return

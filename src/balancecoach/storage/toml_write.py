"""Writing TOML safely: tomlkit edits the existing document so a person's comments and
layout survive on every line the app did not change, and every write is atomic."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import tomlkit
from tomlkit.items import AoT, Table
from tomlkit.toml_document import TOMLDocument

from balancecoach.core.errors import DataError


def atomic_write_text(path: Path, text: str) -> None:
    """Replace `path` with `text` so that a crash at any moment leaves either the old file
    or the new one, complete: write a temporary file beside it, flush and fsync it, rename
    it over the target, then fsync the folder so the rename itself is durable. A failed
    write (disk full, no permission) is a DataError and leaves the old file as it was."""
    try:
        _replace(path, text)
    except OSError as exc:
        raise DataError(
            f"could not be saved: {exc.strerror or exc}",
            source=path,
            hint="the previous version was kept; check the disk has space and the folder "
            "is writable, then save again",
        ) from None


def _replace(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        with contextlib.suppress(FileNotFoundError):
            # mkstemp makes the file private (0600): keep the permissions the file had
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    if os.name == "nt":  # Windows cannot open a folder for fsync; the rename is enough there.
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _plain(value: Any) -> Any:
    """A tomlkit item as plain Python, for comparing with the new value."""
    if hasattr(value, "unwrap"):
        return value.unwrap()
    return value


def _same(old: Any, new: Any) -> bool:
    old = _plain(old)
    if isinstance(new, float) and isinstance(old, int | float) and not isinstance(old, bool):
        return float(old) == new
    if isinstance(new, dt.datetime | dt.date) or isinstance(old, dt.datetime | dt.date):
        return old == new and type(old) is type(new)
    return old == new


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _merge_table(container: Any, data: Mapping[str, Any], name: str | None = None) -> None:
    """Make `container` (a document or table) hold `data`, touching only what changed."""
    for key in [k for k in container if k not in data]:
        del container[key]
    for key, new in data.items():
        if new is None:
            if key in container:
                del container[key]
            continue
        if key not in container:
            _add(container, key, _new_item(new, key, name))
            continue
        old = container[key]
        if isinstance(new, Mapping) and isinstance(old, Table | dict) and not _is_inline(old):
            _merge_table(old, new, key)
        elif _is_table_list(new) and isinstance(old, AoT):
            _merge_aot(old, new)
        elif isinstance(new, Mapping) and _is_inline(old):
            _merge_inline(old, _drop_none(new))
        elif not _same(old, _drop_none(new)):
            container[key] = _new_item(new, key, name)


def _add(container: Any, key: str, item: Any) -> None:
    """Add a new key after the container's last key = value line, so that it does not land
    below a comment that introduces the next table."""
    body = container.value.body if isinstance(container, Table) else getattr(container, "body", [])
    last = None
    for name, value in body:
        if name is not None and not isinstance(value, Table | AoT):
            last = name
    if last is None or isinstance(item, Table | AoT):
        container[key] = item
        return
    target = container.value if isinstance(container, Table) else container
    try:
        target._insert_after(last, key, item)  # tomlkit has no public "insert after"
    except (AttributeError, TypeError, ValueError, KeyError):
        container[key] = item


def _merge_inline(old: Any, new: Mapping[str, Any]) -> None:
    """Edit an inline table key by key, so its spacing survives."""
    for key in [k for k in old if k not in new]:
        del old[key]
    for key, value in new.items():
        if key not in old or not _same(old[key], value):
            old[key] = _inline(value) if isinstance(value, Mapping) else value


#: Keys that name an entry of a [[table]] list, so a removed entry takes its own comments
#: with it instead of the following entries shifting up under them.
IDENTITY_KEYS = ("id", "practice", "role", "effective")


def _merge_aot(old: AoT, new: list[Mapping[str, Any]]) -> None:
    _drop_removed(old, new)
    for i, entry in enumerate(new):
        if i < len(old):
            _merge_table(old[i], entry)
        else:
            last = old[len(old) - 1] if len(old) else None
            if last is not None and not last.as_string().endswith("\n\n"):
                last.add(tomlkit.nl())  # a blank line between entries
            table = tomlkit.table()
            _merge_table(table, entry)
            table.add(tomlkit.nl())  # and between this entry and whatever follows
            old.append(table)
    while len(old) > len(new):
        del old[len(old) - 1]


def _drop_removed(old: AoT, new: list[Mapping[str, Any]]) -> None:
    """Delete the entries whose identity (e.g. a metric's id) is no longer there."""
    key = _identity(old, new)
    if key is None:
        return
    kept = [_plain(entry[key]) for entry in new]
    for i in reversed(range(len(old))):
        if _plain(old[i][key]) not in kept:
            del old[i]


def _identity(old: AoT, new: list[Mapping[str, Any]]) -> str | None:
    for key in IDENTITY_KEYS:
        values = [_plain(e.get(key)) for e in old] + [e.get(key) for e in new]
        if None not in values and len(set(map(repr, values[: len(old)]))) == len(old):
            return key
    return None


def _is_inline(item: Any) -> bool:
    return isinstance(item, tomlkit.items.InlineTable)


def _drop_none(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {k: _drop_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_none(v) for v in value]
    return value


def _inline(data: Mapping[str, Any]) -> Any:
    table = tomlkit.inline_table()
    for k, v in data.items():
        if v is not None:
            table[k] = _inline(v) if isinstance(v, Mapping) else v
    return table


#: Mappings written inline (``target = { kind = "at_least", value = 65 }``) rather than as
#: their own [table]: small records that read best on one line.
INLINE_KEYS = frozenset({"target", "inputs"})
#: Tables whose every entry is written inline (``metrics = { structure = 83, people = 0 }``).
INLINE_CHILDREN = frozenset({"dimensions"})


def _new_item(value: Any, key: str | None = None, parent: str | None = None) -> Any:
    value = _drop_none(value)
    if isinstance(value, Mapping) and (key in INLINE_KEYS or parent in INLINE_CHILDREN):
        return _inline(value)
    if isinstance(value, Mapping) and key in INLINE_CHILDREN:
        table = tomlkit.table()
        for k, v in value.items():
            table[k] = _new_item(v, k, key)
        return table
    if _is_table_list(value):
        aot = tomlkit.aot()
        for entry in value:
            table = tomlkit.table()
            _merge_table(table, entry)
            aot.append(table)
        return aot
    if isinstance(value, Mapping):
        table = tomlkit.table()
        _merge_table(table, value)
        return table
    return value


def render(data: Mapping[str, Any], existing: str | None = None, header: str = "") -> str:
    """TOML text holding `data`. With `existing` text, that document is edited in place so
    its comments and formatting survive wherever the value did not change."""
    if existing is not None:
        try:
            doc: TOMLDocument = tomlkit.parse(existing)
        except tomlkit.exceptions.ParseError as exc:
            raise DataError(
                f"is not valid TOML ({exc}); it was left as it is and nothing was saved",
                line=getattr(exc, "line", None),
            ) from None
    else:
        doc = tomlkit.document()
    _merge_table(doc, data)
    text = tomlkit.dumps(doc)
    if existing is not None and not existing.endswith("\n\n") and text.endswith("\n\n"):
        text = text.rstrip("\n") + "\n"  # no blank line at the end that was not there
    if existing is None and header:
        text = header.rstrip("\n") + "\n\n" + text
    return text

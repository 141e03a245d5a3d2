"""Reading TOML with stdlib tomllib and turning every failure into a DataError that names
the file, the line where it can be found, and the field."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from balancecoach.core.errors import DataError, DataErrors, FieldProblem

if TYPE_CHECKING:  # pydantic loads with the first model validated, not at start-up
    from pydantic import BaseModel, ValidationError

M = TypeVar("M", bound="BaseModel")

_LINE = re.compile(r"\(at line (\d+), column (\d+)\)")


def read_bytes(path: Path) -> bytes:
    """A file's bytes; a missing or unreadable file is a DataError."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise DataError("file not found", source=path) from None
    except IsADirectoryError:
        raise DataError("is a folder, not a file", source=path) from None
    except OSError as exc:
        raise DataError(f"cannot be read: {exc.strerror}", source=path) from None


def read_text(path: Path) -> str:
    """A file's text; a missing, unreadable or non-UTF-8 file is a DataError."""
    raw = read_bytes(path)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            "is not UTF-8 text", source=path, line=line, hint="save the file as UTF-8"
        ) from None


def parse_toml(text: str, path: Path | str) -> dict[str, Any]:
    try:
        return tomllib.loads(text)
    except RecursionError:
        raise DataError(
            "is not valid TOML: arrays or tables are nested too deeply",
            source=path,
            line=_deep_line(text),
            hint="fix the brackets on that line; the file was not changed",
        ) from None
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        match = _LINE.search(msg)
        line = int(match.group(1)) if match else None
        if line is None and "(at end of document)" in msg:
            line = max(1, len(text.rstrip().splitlines()))
            msg = msg.replace("(at end of document)", "at the end of the file")
        detail = _LINE.sub("", msg).strip().rstrip(".")
        raise DataError(
            f"is not valid TOML: {detail}",
            source=path,
            line=line,
            hint="fix the syntax on that line; the file was not changed",
        ) from None


def _deep_line(text: str, limit: int = 100) -> int | None:
    """The line where brackets first nest `limit` deep (counted roughly, strings and all)."""
    depth = 0
    for n, line in enumerate(text.splitlines(), start=1):
        for ch in line:
            depth += ch in "[{"
            depth -= ch in "]}"
            if depth >= limit:
                return n
    return None


def read_toml(path: Path) -> tuple[dict[str, Any], str]:
    """Parse a TOML file; returns the data and the text (kept for locating lines)."""
    text = read_text(path)
    return parse_toml(text, path), text


def field_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


_HEADER = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")


def find_line(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort 1-based line of a field path in TOML text (None when not found)."""
    lines = text.splitlines()
    tables: list[str] = []  # header path so far, e.g. ["metric", "bands"]
    start, end = 0, len(lines)
    found_line: int | None = None
    i = 0
    parts = list(loc)
    while i < len(parts):
        key = parts[i]
        if isinstance(key, int):
            i += 1
            continue
        index = parts[i + 1] if i + 1 < len(parts) and isinstance(parts[i + 1], int) else None
        header = ".".join([*tables, key])
        pattern = re.compile(r"^\s*\[\[?\s*" + re.escape(header) + r"\s*\]\]?\s*(#.*)?$")
        hits = [n for n in range(start, end) if pattern.match(lines[n])]
        if hits:
            n = hits[index] if index is not None and index < len(hits) else hits[0]
            found_line = n + 1
            start = n + 1
            end = next(
                (m for m in range(start, len(lines)) if _is_sibling_header(lines[m], header)),
                len(lines),
            )
            tables.append(key)
            i += 2 if index is not None else 1
            continue
        key_pat = re.compile(r"^\s*(\"?)" + re.escape(str(key)) + r"\1\s*=")
        for n in range(start, end):
            if _HEADER.match(lines[n]) and not lines[n].strip().startswith("[" + ".".join(tables)):
                break
            if key_pat.match(lines[n]):
                return n + 1
        return found_line
    return found_line


def _is_sibling_header(line: str, header: str) -> bool:
    m = _HEADER.match(line)
    if not m:
        return False
    name = m.group(1)
    return not name.startswith(header + ".")


_FRIENDLY = {
    "missing": "is required but missing",
    "extra_forbidden": "is not a known field (check its spelling)",
}


def _describe(err: Any, data: Any) -> str:
    kind = err["type"]
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if "input" in err and kind not in ("model_type",):
        got = err["input"]
        if not isinstance(got, dict | list) and "got " not in msg:
            return f"{msg[0].lower()}{msg[1:]} (got {got!r})"
    return msg[0].lower() + msg[1:]


def _entry_name(data: Any, loc: tuple[int | str, ...]) -> str | None:
    """The `id` of the array entry a field belongs to, to name it in messages."""
    node = data
    name = None
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            name = node["id"]
    return name


def validation_errors(
    exc: ValidationError, data: Any, path: Path | str, text: str | None
) -> list[DataError]:
    out: list[DataError] = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        problem = err.get("ctx", {}).get("error")
        if isinstance(problem, FieldProblem):
            loc += problem.loc
            err = {k: v for k, v in err.items() if k != "input"} | {"msg": str(problem)}
        field = field_path(loc) or None
        entry = _entry_name(data, loc)
        line = find_line(text, loc) if text and loc else None
        message = _describe(err, data)
        if err["type"] == "extra_forbidden" and len(loc) > 1:
            message += "; keys written below a [table] header belong to that table"
        if entry:
            message = f"({entry}) {message}"
        out.append(DataError(message, source=path, line=line, field=field))
    return out


def validate(model: type[M], data: Any, path: Path | str, text: str | None = None) -> M:
    """Validate parsed data into `model`; every problem becomes a DataError (raised as
    DataError when there is one, DataErrors when several)."""
    try:
        return model.model_validate(data)
    except _validation_error() as exc:
        errors = validation_errors(exc, data, path, text)
        if len(errors) == 1:
            raise errors[0] from None
        raise DataErrors(errors) from None


def load(model: type[M], path: Path) -> M:
    data, text = read_toml(path)
    return validate(model, data, path, text)


def _validation_error() -> type[ValidationError]:
    from pydantic import ValidationError

    return ValidationError

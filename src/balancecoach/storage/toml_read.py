"""Reading TOML with stdlib tomllib and turning every failure into a DataError that names
the file, the line where it can be found, and the field."""

from __future__ import annotations

import re
from itertools import takewhile
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
    except ValueError:  # the operating system refuses names with a NUL character
        raise DataError(
            "is not a file name: it contains a NUL character",
            source=path,
            hint="check the path you gave",
        ) from None


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
    import tomllib  # on first use: a start that finds every row in the index parses no TOML

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
        line, detail = _explain(text, line, detail)
        raise DataError(
            f"is not valid TOML: {detail}",
            source=path,
            line=line,
            hint="fix the syntax on that line; the file was not changed",
        ) from None


_DATE_VALUE = re.compile(r"=\s*(\d{4}-\d{1,2}-\d{1,2})(?![\d-])")
_LONE_CR = re.compile(r"\r(?!\n)")
_SET_KEY = re.compile(r"^\s*([^=\[#]+?)\s*=")
_DECLARED = re.compile(r"^Cannot declare \((.*)\) twice$")


def _explain(text: str, line: int | None, detail: str) -> tuple[int | None, str]:
    """The parser's complaint in a person's words where a common mistake explains it."""
    lone_cr = _LONE_CR.search(text)
    if lone_cr is not None:
        # tomllib counts only LF as a line end, so its line number would be wrong too
        at = text[: lone_cr.start()].count("\n") + 1
        return at, "it ends lines with a lone carriage return (CR); save it with LF or CRLF"
    source = text.splitlines()[line - 1] if line and line <= len(text.splitlines()) else ""
    date = _DATE_VALUE.search(source)
    if date is not None and not _is_date(date.group(1)):
        return line, (
            f"{date.group(1)} is not a date: write dates as YYYY-MM-DD, "
            "with a month from 01 to 12 and a day that month has"
        )
    if detail == "Cannot overwrite a value":
        key = _SET_KEY.match(source)
        if key is not None:
            return line, f"{key.group(1)} is set twice (a key appears once in each table)"
        return line, f"{source.strip()} clashes with a key set earlier with the same name"
    declared = _DECLARED.match(detail)
    if declared is not None:
        names = re.findall(r"'((?:[^'\\]|\\.)*)'", declared.group(1))
        return line, f"the table [{'.'.join(names)}] appears twice (each table is written once)"
    if detail.startswith("Duplicate inline table key"):
        return line, detail.replace("Duplicate inline table key", "the key") + " is set twice"
    if detail == "Illegal character '\\n'":
        return line, "a string is not closed before the end of the line: add its closing quote"
    if detail.startswith("Illegal character"):
        return line, f"{detail}: TOML does not allow this control character here; remove it"
    return line, detail


def _is_date(text: str) -> bool:
    import datetime as dt

    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return False
    return True


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


#: A key of a header or dotted key: bare, or in double or single quotes.
_KEY_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
#: A [table] or [[array of tables]] header line; its name is group 1. Only key characters
#: count, so a line of a multi-line array such as `  [3, 4]` is not taken for one.
_HEADER = re.compile(
    r"^\s*\[\[?\s*(" + _KEY_PART + r"(?:\s*\.\s*" + _KEY_PART + r")*)\s*\]\]?\s*(#.*)?$"
)


def find_line(text: str, loc: tuple[int | str, ...]) -> int | None:
    """Best-effort 1-based line of a field path in TOML text (None when not found).

    The path is followed header by header: `[table]` or `[[table]]` (the index after an
    array of tables picks its header), each looked for only inside the table before it.
    The key at the end belongs to the table whose header is the nearest above it, so it
    is looked for only between that header and the next one; a top-level key only above
    the first header. A dotted key (`target.kind = ...`) counts for each name in it. A
    key that is not there gives the line of its table's header (None at the top level)."""
    lines = text.splitlines()
    tables: list[str] = []  # header path so far, e.g. ["metric", "bands"]
    start, end = 0, len(lines)  # the lines of the table reached so far, sub-tables and all
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
        # the table's own keys: up to its first sub-table header (or, at the top level,
        # the first header of all)
        own = next((n for n in range(start, end) if _HEADER.match(lines[n])), end)
        names = list(takewhile(lambda part: isinstance(part, str), parts[i:]))
        for count in range(len(names), 0, -1):  # the longest dotted key first
            key_pat = _key_pattern(names[:count])
            for n in range(start, own):
                if key_pat.match(lines[n]):
                    return n + 1
        return found_line
    return found_line


def _key_pattern(names: list[str]) -> re.Pattern[str]:
    """A line setting the key `names` (dotted when there are several), or a key below it
    (`name.more = ...`)."""
    quoted = [r"""(["']?)""" + re.escape(name) + rf"\{n + 1}" for n, name in enumerate(names)]
    return re.compile(r"^\s*" + r"\s*\.\s*".join(quoted) + r"\s*[=.]")


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


#: What the string patterns of the models mean, said the way a person would.
_PATTERNS = {
    r"^[^\x00-\x1f\x7f]*$": "must not hold control characters such as tabs, line breaks or NUL",
    r"^\d{4}-Q\d$": "a quarter is written like 2026-Q3",
}


def _describe(err: Any, data: Any) -> str:
    kind = err["type"]
    if kind in _FRIENDLY:
        return _FRIENDLY[kind]
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    ctx = err.get("ctx") or {}
    if kind == "string_pattern_mismatch" and ctx.get("pattern") in _PATTERNS:
        msg = _PATTERNS[ctx["pattern"]]
    got = err.get("input")
    if kind == "finite_number" and isinstance(got, float):
        # TOML reads 1e400 as infinity; say so rather than echo "inf"
        what = "not a number (nan)" if got != got else "so large it reads as infinity"
        return f"must be an ordinary number, and this one is {what}"
    fraction = ctx.get("le") == 1 and isinstance(got, int | float) and got > 1
    if kind == "less_than_equal" and fraction:
        msg += "; a rate is a fraction: 0.97 means 97%"
    shown = "input" in err and kind != "model_type" and not isinstance(got, dict | list)
    if shown and "got " not in msg:
        return f"{msg[0].lower()}{msg[1:]} (got {_as_toml(got)})"
    return msg[0].lower() + msg[1:]


def _as_toml(value: Any) -> str:
    """A value as it is written in the file (true, not True)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


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
        if loc == ("schema_version",) and err["type"] == "literal_error":
            message = (
                f"is {err.get('input')!r}, a version this balancecoach cannot read "
                f"(it reads {err.get('ctx', {}).get('expected', '?')})"
            )
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

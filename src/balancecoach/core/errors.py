"""The one error type every layer raises for bad input: it always names where and what."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass
class DataError(Exception):
    """Bad input, described so a person can fix it.

    `source` is the file (or another origin such as "goal inputs"), `line` is 1-based where
    known, `field` is a dotted path such as ``statement[3].pole``, and `hint` says what to do.
    """

    message: str
    source: str | Path | None = None
    line: int | None = None
    field: str | None = None
    hint: str | None = None

    def __post_init__(self) -> None:
        super().__init__(self.message)

    def where(self) -> str:
        parts: list[str] = []
        if self.source is not None:
            # a control character in a path (a NUL, say) is shown, not sent to the terminal
            loc = "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(self.source))
            if self.line is not None:
                loc += f":{self.line}"
            parts.append(loc)
        if self.field:
            parts.append(self.field)
        return ": ".join(parts)

    def __str__(self) -> str:
        where = self.where()
        text = f"{where}: {self.message}" if where else self.message
        if self.hint:
            text += f" ({self.hint})"
        return text


@dataclass
class DataErrors(Exception):
    """Several problems found in one pass, reported together."""

    errors: list[DataError]

    def __post_init__(self) -> None:
        super().__init__(str(self))

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


class FieldProblem(ValueError):
    """Raised inside model validators to point at a field below the model being checked.

    `loc` is relative to that model, e.g. ``("statement", 3, "dimension")``; the loader
    adds it to pydantic's location so the message names the exact entry and line.
    """

    def __init__(self, message: str, *loc: int | str) -> None:
        super().__init__(message)
        self.loc = loc

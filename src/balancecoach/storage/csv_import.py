"""Reading a quarter's metric actuals from a CSV file (see `balancecoach import --help`).

Two layouts, told apart by the header row (the first non-empty row):

* **long**, one row per raw input — the header has an ``input`` and a ``value`` column::

      quarter,metric,input,value
      2026-Q3,case_acceptance,accepted,31
      2026-Q3,case_acceptance,presented,50

* **wide**, one row per metric — no ``input`` column; every other column is named after a
  catalog input, and each row fills in the inputs of its own metric::

      quarter,metric,accepted,presented,collections,net_production
      2026-Q3,case_acceptance,31,50,,
      2026-Q3,collection_rate,,,"241,500","248,000"

  A metric that is one input divided by another (``accepted / presented * 100``) may use
  ``numerator`` and ``denominator`` columns instead of its input names; a metric with a
  single input may use a ``value`` column.

The ``quarter`` column may be left out when a quarter is given (``--quarter``). Column
names are matched without regard to case; ``--map`` names other columns
(``quarter=Period,metric=KPI,input=Field,value=Amount`` or ``presented=Plans presented``).
A metric is named by its id (``case_acceptance``) or its name (``Case acceptance``), or by
any name given with ``--map-metric "Case Acceptance %=case_acceptance"``; in the long
layout an input is named by its catalog name, its label, ``numerator``/``denominator``/
``value`` as above, or a name given with ``--map-input "Plans Presented=presented"``.

Numbers may carry a currency sign and commas between thousands (``"$1,250.50"``); the
decimal mark is a point. A file may start with a byte-order mark, use CRLF line ends, and
separate its cells with commas, semicolons, tabs or bars (found from the header row, or
given with ``--delimiter``). Empty rows are skipped; columns nobody asked for are ignored
and listed.

Reading never writes anything. Problems with the file as a whole (not CSV, no header, a
column named in --map missing) raise a DataError; problems with single rows are collected
as :class:`Rejection` so that every one can be reported at once.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from balancecoach.core.content import MetricCatalog, MetricDefinition
from balancecoach.core.errors import DataError
from balancecoach.core.metrics import compute
from balancecoach.core.records import Quarter
from balancecoach.storage.toml_read import read_bytes

#: Column names with a meaning of their own (never catalog input names).
QUARTER, METRIC, INPUT, VALUE = "quarter", "metric", "input", "value"
NUMERATOR, DENOMINATOR = "numerator", "denominator"
RESERVED = (QUARTER, METRIC, INPUT, VALUE, NUMERATOR, DENOMINATOR)

DELIMITERS = {
    ",": ",",
    "comma": ",",
    ";": ";",
    "semicolon": ";",
    "\t": "\t",
    "\\t": "\t",
    "tab": "\t",
    "|": "|",
    "bar": "|",
    "pipe": "|",
}

MAX_VALUE = 1e12

_RATIO = re.compile(r"^\s*([a-z][a-z0-9_]*)\s*/\s*([a-z][a-z0-9_]*)\s*(\*\s*100(\.0*)?)?\s*$")
_QUARTER = re.compile(
    r"^(?:(?P<y1>\d{4})\s*[-/ _]?\s*Q(?P<q1>\d+)|Q(?P<q2>\d+)\s*[-/ _]?\s*(?P<y2>\d{4}))$",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$|^\.\d+$")
_CURRENCY = "$€£¥"


Layout = Literal["long", "wide"]


@dataclass(frozen=True)
class Rejection:
    """A row that cannot be imported: its line and every reason found."""

    line: int
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)

    def describe(self, source: str | Path) -> str:
        return f"{source}:{self.line}: {self.reason}"


@dataclass
class MetricRows:
    """One metric of one quarter, with the raw inputs read and the lines they came from."""

    quarter: str
    metric: MetricDefinition
    inputs: dict[str, float] = field(default_factory=dict)
    lines: list[int] = field(default_factory=list)
    input_lines: dict[str, int] = field(default_factory=dict)


@dataclass
class CsvActuals:
    """What a CSV file holds: the metrics that can be imported and the rows that cannot."""

    path: Path
    layout: Layout
    delimiter: str
    rows: int
    metrics: list[MetricRows]
    rejected: list[Rejection]
    ignored_columns: list[str]

    @property
    def ok(self) -> bool:
        return not self.rejected

    @property
    def quarters(self) -> list[str]:
        return sorted({m.quarter for m in self.metrics})


# --- options -------------------------------------------------------------------------


def parse_pairs(specs: Sequence[str] | None, option: str) -> dict[str, str]:
    """``["a=B,c=D", "e=F"]`` → ``{"a": "B", "c": "D", "e": "F"}``. The option may be
    repeated; each holds pairs separated by commas. Names are trimmed of spaces."""
    pairs: dict[str, str] = {}
    for spec in specs or ():
        for part in spec.split(","):
            if not part.strip():
                continue
            name, sep, target = part.partition("=")
            name, target = name.strip(), target.strip()
            if not sep or not name or not target:
                raise DataError(
                    f"expected NAME=VALUE pairs separated by commas, got {part.strip()!r}",
                    source=option,
                    hint=f'for example {option} "quarter=Period,metric=KPI"'
                    if option == "--map"
                    else f'for example {option} "Case Acceptance=case_acceptance"',
                )
            if name.casefold() in {k.casefold() for k in pairs}:
                raise DataError(f"{name!r} is given twice", source=option, field=name)
            pairs[name] = target
    return pairs


def parse_quarter(text: str) -> Quarter:
    """``2026-Q3``, also ``2026Q3``, ``2026 Q3``, ``Q3 2026`` or ``Q3-2026``; raises
    ValueError with a message a person can act on."""
    m = _QUARTER.match(text.strip())
    if not m:
        raise ValueError(f"{text.strip()!r} is not a quarter: write it like 2026-Q3")
    year, number = (m["y1"], m["q1"]) if m["y1"] else (m["y2"], m["q2"])
    return Quarter.parse(f"{int(year)}-Q{int(number)}")


def quarter_option(text: str | None) -> Quarter | None:
    if text is None:
        return None
    try:
        return parse_quarter(text)
    except ValueError as exc:
        raise DataError(str(exc), source="--quarter") from None


def delimiter_option(text: str | None) -> str | None:
    if text is None:
        return None
    if text in DELIMITERS or text.lower() in DELIMITERS:
        return DELIMITERS.get(text) or DELIMITERS[text.lower()]
    raise DataError(
        f"{text!r} is not a delimiter I can use",
        source="--delimiter",
        hint="use , ; tab or |",
    )


def ratio_inputs(metric: MetricDefinition) -> tuple[str, str] | None:
    """(numerator, denominator) for a metric that is one input divided by another."""
    m = _RATIO.match(metric.formula)
    if not m or len(metric.inputs) != 2:
        return None
    names = {i.name for i in metric.inputs}
    top, bottom = m.group(1), m.group(2)
    return (top, bottom) if {top, bottom} == names and top != bottom else None


def _norm(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


# --- reading the text ----------------------------------------------------------------


def _decode(raw: bytes, path: Path) -> str:
    if raw.startswith(b"PK\x03\x04"):
        raise DataError(
            "is a spreadsheet workbook (.xlsx), not CSV text",
            source=path,
            hint="save it as 'CSV UTF-8' and import that file",
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError:
            raise DataError("is not readable UTF-16 text", source=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise DataError(
            "is not UTF-8 text",
            source=path,
            line=line,
            hint="export it again with the spreadsheet's 'CSV UTF-8' option",
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise DataError(
            "contains NUL characters, so it is not a CSV text file",
            source=path,
            line=line,
            hint="export the data as CSV",
        )
    return text


def _records(text: str, delimiter: str, path: Path) -> Iterator[tuple[int, list[str]]]:
    """(first line, cells) for every record, blank ones included."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
    previous = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise DataError(
                f"cannot be read as CSV: {exc}",
                source=path,
                line=reader.line_num or previous + 1,
                hint="check the quotes on that line",
            ) from None
        yield previous + 1, row
        previous = reader.line_num


def _detect_delimiter(line: str) -> str:
    """The candidate that splits the header row into the most columns (comma on a tie)."""
    best, most = ",", 0
    for candidate in (",", ";", "\t", "|"):
        try:
            cells = next(csv.reader([line], delimiter=candidate))
        except (csv.Error, StopIteration):
            continue
        if len(cells) > most:
            best, most = candidate, len(cells)
    return best


def _blank(row: Sequence[str]) -> bool:
    return all(not cell.strip() for cell in row)


# --- values ----------------------------------------------------------------------------


def parse_number(cell: str) -> float:
    """A cell as a number, or ValueError saying why not. Negative numbers are returned
    (the caller rejects them with its own message)."""
    text = cell.strip().replace("\u2212", "-").replace("\u00a0", "").replace("\u202f", "")
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1].strip()
    if text[:1] in "+-" and text:
        negative, text = negative or text[0] == "-", text[1:].strip()
    if text[:1] and text[0] in _CURRENCY:
        text = text[1:].strip()
        if text[:1] in "+-" and text:  # $-1,200
            negative, text = negative or text[0] == "-", text[1:].strip()
    if "\n" in text or "\r" in text:
        raise ValueError('runs on past the end of its line: a quote (") was opened and not closed')
    if text.endswith("%"):
        raise ValueError(
            f"{cell.strip()!r} is a percentage; enter the counts or amounts it comes from"
        )
    if not _NUMBER.match(text):
        hint = ""
        if re.fullmatch(r"\d+,\d{1,2}", text):
            hint = " (use a point for decimals, e.g. 12.5)"
        raise ValueError(f"{cell.strip()!r} is not a number{hint}")
    value = float(text.replace(",", ""))
    return -value if negative else value


def _check_value(metric: MetricDefinition, name: str, cell: str) -> tuple[float | None, str | None]:
    spec = next(i for i in metric.inputs if i.name == name)
    if not cell.strip():
        return None, f"no value for {name}"
    try:
        value = parse_number(cell)
    except ValueError as exc:
        return None, f"{name}: {exc}"
    if value < 0:
        return None, f"{name} cannot be negative (got {cell.strip()})"
    if not math.isfinite(value) or value > MAX_VALUE:
        return None, f"{name} is too large to be a practice figure (got {cell.strip()})"
    if spec.unit == "count" and not value.is_integer():
        return None, f"{name} is a count and must be a whole number (got {cell.strip()})"
    return value, None


# --- the reader -----------------------------------------------------------------------


class _Names:
    """Looking up metrics and inputs by the names a file may use."""

    def __init__(
        self,
        catalog: MetricCatalog,
        metric_names: Mapping[str, str],
        input_names: Mapping[str, str],
    ) -> None:
        self.catalog = catalog
        self.metrics: dict[str, MetricDefinition] = {}
        for m in catalog.metric:
            for key in (m.id, _norm(m.id), _norm(m.name)):
                self.metrics.setdefault(key, m)
        for name, target in metric_names.items():
            found = catalog.by_id.get(target) or self.metrics.get(_norm(target))
            if found is None:
                raise DataError(
                    f"{target!r} is not a metric in the catalog",
                    source="--map-metric",
                    field=name,
                    hint="see `balancecoach catalog metrics` for the ids",
                )
            self.metrics[_norm(name)] = found
        every_input = {i.name for m in catalog.metric for i in m.inputs} | {
            NUMERATOR,
            DENOMINATOR,
            VALUE,
        }
        self.inputs: dict[str, str] = {}
        for name, target in input_names.items():
            if target not in every_input:
                raise DataError(
                    f"{target!r} is not an input of any metric",
                    source="--map-input",
                    field=name,
                    hint="see `balancecoach catalog metrics --format json` for input names",
                )
            self.inputs[_norm(name)] = target

    def metric(self, cell: str) -> MetricDefinition | None:
        text = cell.strip()
        return self.catalog.by_id.get(text) or self.metrics.get(_norm(text))

    def aliases(self, metric: MetricDefinition) -> dict[str, str]:
        """alias → input name, for numerator/denominator/value."""
        ratio = ratio_inputs(metric)
        out: dict[str, str] = {}
        if ratio:
            out[NUMERATOR], out[DENOMINATOR] = ratio
        if len(metric.inputs) == 1:
            out[VALUE] = metric.inputs[0].name
        return out

    def input(self, metric: MetricDefinition, cell: str) -> str | None:
        text = cell.strip()
        names = {i.name for i in metric.inputs}
        if text in names:
            return text
        key = _norm(text)
        key = self.inputs.get(key, key)
        if key in names:
            return key
        for spec in metric.inputs:
            if _norm(spec.label) == key:
                return spec.name
        return self.aliases(metric).get(key)


def _alias_problem(metric: MetricDefinition, alias: str) -> str:
    inputs = ", ".join(i.name for i in metric.inputs)
    if alias in (NUMERATOR, DENOMINATOR):
        return (
            f"{metric.id} is not one number divided by another, so it has no {alias}; "
            f"name its inputs: {inputs}"
        )
    return (
        f"{metric.id} has more than one input, so {alias!r} is unclear; name its inputs: {inputs}"
    )


def read_csv_actuals(
    path: Path,
    catalog: MetricCatalog,
    *,
    quarter: str | None = None,
    columns: Mapping[str, str] | None = None,
    metric_names: Mapping[str, str] | None = None,
    input_names: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    today: dt.date | None = None,
) -> CsvActuals:
    """Read metric actuals from a CSV file. `columns` maps a field (quarter, metric, input,
    value, numerator, denominator or an input name) to the file's column for it."""
    raw = read_bytes(path)
    text = _decode(raw, path)
    today = today or dt.date.today()
    fixed = quarter_option(quarter)
    fixed_quarter = str(fixed) if fixed else None
    names = _Names(catalog, metric_names or {}, input_names or {})

    lines = list(io.StringIO(text, newline=""))  # split as the csv reader splits
    first = next((n for n, line in enumerate(lines) if line.strip()), None)
    if first is None:
        raise DataError(
            "is empty",
            source=path,
            hint="the first row names the columns: quarter,metric,input,value",
        )
    skip = 0
    excel_sep = re.fullmatch(r'"?sep=([,;\t|])"?,*', lines[first].strip(), re.IGNORECASE)
    if excel_sep:  # Excel writes "sep=;" as the first line of some exports
        skip = first + 1
        delimiter = delimiter or excel_sep.group(1)
    if delimiter is None:
        header_line = next((line for line in lines[skip:] if line.strip()), "")
        delimiter = _detect_delimiter(header_line)

    records = _records(text, delimiter, path)
    header: list[str] | None = None
    header_at = 0
    for start, row in records:
        if start <= skip or _blank(row):
            continue
        header, header_at = [cell.strip().lstrip("\ufeff") for cell in row], start
        break
    if header is None:
        raise DataError("has no header row", source=path, hint="the first row names the columns")

    where = _columns(header, header_at, columns or {}, catalog, path)
    layout: Layout = "long" if INPUT in where else "wide"
    if METRIC not in where:
        raise DataError(
            "has no metric column",
            source=path,
            line=header_at,
            hint="name a column 'metric', or say which one it is with --map metric=COLUMN",
        )
    if QUARTER not in where and fixed_quarter is None:
        raise DataError(
            "has no quarter column, and no --quarter was given",
            source=path,
            line=header_at,
            hint="add a quarter column (2026-Q3), or give --quarter 2026-Q3",
        )
    if layout == "long" and VALUE not in where:
        raise DataError(
            "has an input column but no value column",
            source=path,
            line=header_at,
            hint="name it 'value', or say which one it is with --map value=COLUMN",
        )
    used = {QUARTER, METRIC, INPUT, VALUE} if layout == "long" else set(where) - {INPUT}
    if layout == "wide" and not used - {QUARTER, METRIC}:
        raise DataError(
            "has no column for any metric input",
            source=path,
            line=header_at,
            hint=(
                "use quarter,metric,input,value (one row per input), or a column per "
                "input named as in the catalog (accepted, presented, …)"
            ),
        )
    wanted = {where[k] for k in used if k in where}
    ignored = [h for i, h in enumerate(header) if h and i not in wanted]

    reader = _RowReader(names, where, fixed_quarter, today, len(header))
    count = 0
    for start, row in records:
        if _blank(row):
            continue
        count += 1
        if layout == "long":
            reader.long_row(start, row)
        else:
            reader.wide_row(start, row)
    if count == 0:
        raise DataError(
            "has a header but no rows of figures",
            source=path,
            line=header_at,
            hint="add a row per input for the long layout, or a row per metric for the wide one",
        )
    reader.finish(path, ignored)
    return CsvActuals(
        path=path,
        layout=layout,
        delimiter=delimiter,
        rows=count,
        metrics=reader.complete,
        rejected=sorted(reader.rejected.values(), key=lambda r: r.line),
        ignored_columns=ignored,
    )


def _columns(
    header: list[str],
    header_at: int,
    columns: Mapping[str, str],
    catalog: MetricCatalog,
    path: Path,
) -> dict[str, int]:
    """field → column index, from --map first and then the header's own names."""
    inputs = {i.name for m in catalog.metric for i in m.inputs}
    known = set(RESERVED) | inputs
    folded = [h.casefold() for h in header]
    where: dict[str, int] = {}
    taken: set[int] = set()

    def index_of(name: str) -> int | None:
        hits = [i for i, h in enumerate(folded) if h == name.casefold()]
        if len(hits) > 1:
            raise DataError(
                f"the column {header[hits[0]]!r} appears {len(hits)} times in the header",
                source=path,
                line=header_at,
                hint="rename one of them, or say which to use with --map",
            )
        return hits[0] if hits else None

    for key, column in columns.items():
        name = key.strip().lower()
        if name not in known:
            raise DataError(
                f"{key!r} is not something a column can hold",
                source="--map",
                field=key,
                hint="map quarter, metric, input, value, numerator, denominator, "
                "or an input name such as presented",
            )
        at = index_of(column)
        if at is None:
            shown = ", ".join(h for h in header if h) or "none"
            raise DataError(
                f"has no column {column!r} (named in --map {key}={column})",
                source=path,
                line=header_at,
                hint=f"its columns are: {shown}",
            )
        if at in taken:
            raise DataError(
                f"the column {column!r} is mapped to two fields",
                source="--map",
                field=key,
            )
        where[name] = at
        taken.add(at)
    for name in sorted(known):
        if name in where:
            continue
        variants = {name, name.replace("_", " ")}
        hits = {i for v in variants if (i := index_of(v)) is not None}
        hits -= taken
        if len(hits) == 1:
            at = hits.pop()
            where[name] = at
            taken.add(at)
    return where


class _RowReader:
    def __init__(
        self,
        names: _Names,
        where: dict[str, int],
        fixed_quarter: str | None,
        today: dt.date,
        width: int,
    ) -> None:
        self.names = names
        self.where = where
        self.fixed_quarter = fixed_quarter
        self.today = today
        self.width = width
        self.groups: dict[tuple[str, str], MetricRows] = {}
        self.spoiled: set[tuple[str, str]] = set()
        self.rejected: dict[int, Rejection] = {}
        self.complete: list[MetricRows] = []

    def _reject(self, line: int, reasons: list[str]) -> None:
        old = self.rejected.get(line)
        merged = (*old.reasons, *reasons) if old else tuple(reasons)
        self.rejected[line] = Rejection(line, merged)

    def _cell(self, row: list[str], name: str) -> str:
        at = self.where.get(name)
        return row[at] if at is not None and at < len(row) else ""

    def _common(
        self, line: int, row: list[str], problems: list[str]
    ) -> tuple[str | None, MetricDefinition | None]:
        if len(row) > self.width and not _blank(row[self.width :]):
            problems.append(f"has {len(row)} cells but the header names {self.width} columns")
        quarter = self._quarter(self._cell(row, QUARTER), problems)
        metric_cell = self._cell(row, METRIC).strip()
        metric = self.names.metric(metric_cell) if metric_cell else None
        if not metric_cell:
            problems.append("no metric named")
        elif metric is None:
            problems.append(
                f"unknown metric {metric_cell!r} (see `balancecoach catalog metrics`, "
                f'or map it with --map-metric "{metric_cell}=METRIC_ID")'
            )
        return quarter, metric

    def _quarter(self, cell: str, problems: list[str]) -> str | None:
        text = cell.strip()
        if not text:
            if self.fixed_quarter:
                return self.fixed_quarter
            problems.append("no quarter: fill in the quarter column or give --quarter")
            return None
        try:
            quarter = parse_quarter(text)
        except ValueError as exc:
            problems.append(f"bad quarter: {exc}")
            return None
        if self.fixed_quarter and quarter != self.fixed_quarter:
            problems.append(f"bad quarter: the row is for {quarter}, not {self.fixed_quarter}")
            return None
        if quarter.start > self.today:
            problems.append(f"bad quarter: {quarter} has not started yet")
            return None
        return str(quarter)

    def _group(self, quarter: str, metric: MetricDefinition) -> MetricRows:
        key = (quarter, metric.id)
        if key not in self.groups:
            self.groups[key] = MetricRows(quarter=quarter, metric=metric)
        return self.groups[key]

    def long_row(self, line: int, row: list[str]) -> None:
        problems: list[str] = []
        quarter, metric = self._common(line, row, problems)
        name: str | None = None
        value: float | None = None
        if metric is not None:
            input_cell = self._cell(row, INPUT).strip()
            name = self.names.input(metric, input_cell) if input_cell else None
            if not input_cell:
                problems.append("no input named")
            elif name is None:
                key = _norm(input_cell)
                key = self.names.inputs.get(key, key)
                if key in (NUMERATOR, DENOMINATOR, VALUE):
                    problems.append(f"unknown input: {_alias_problem(metric, key)}")
                else:
                    problems.append(
                        f"unknown input {input_cell!r} for {metric.id} (its inputs are "
                        f"{', '.join(i.name for i in metric.inputs)})"
                    )
            else:
                value, problem = _check_value(metric, name, self._cell(row, VALUE))
                if problem:
                    problems.append(problem)
        if quarter is not None and metric is not None:
            group = self._group(quarter, metric)
            group.lines.append(line)
            if name is not None and name in group.input_lines:
                problems.append(
                    f"duplicate: {metric.id} {name} for {quarter} is already on line "
                    f"{group.input_lines[name]}"
                )
            elif name is not None:
                group.input_lines[name] = line
                if value is not None and not problems:
                    group.inputs[name] = value
            if problems:
                self.spoiled.add((quarter, metric.id))
        if problems:
            self._reject(line, problems)

    def wide_row(self, line: int, row: list[str]) -> None:
        problems: list[str] = []
        quarter, metric = self._common(line, row, problems)
        if metric is None:
            if problems:
                self._reject(line, problems)
            return
        own = {i.name for i in metric.inputs}
        aliases = self.names.aliases(metric)
        values: dict[str, float] = {}
        filled: dict[str, str] = {}  # input name → the column that gave it
        for name, at in self.where.items():
            if name in (QUARTER, METRIC, INPUT):
                continue
            cell = row[at] if at < len(row) else ""
            if not cell.strip():
                continue
            target = name if name in own else aliases.get(name)
            if target is None:
                if name in (NUMERATOR, DENOMINATOR, VALUE):
                    problems.append(f"unknown input: {_alias_problem(metric, name)}")
                else:
                    problems.append(
                        f"unknown input: {name} is not an input of {metric.id} "
                        f"(its inputs are {', '.join(sorted(own))}); leave that cell empty"
                    )
                continue
            if target in filled:
                problems.append(
                    f"duplicate: {target} is given twice (in {filled[target]} and {name})"
                )
                continue
            filled[target] = name
            value, problem = _check_value(metric, target, cell)
            if problem:
                problems.append(problem)
            elif value is not None:
                values[target] = value
        if quarter is not None:
            key = (quarter, metric.id)
            if key in self.groups:
                first = self.groups[key].lines[0]
                problems.append(f"duplicate: {metric.id} for {quarter} is already on line {first}")
            else:
                group = self._group(quarter, metric)
                group.lines.append(line)
                group.inputs = values
                group.input_lines = dict.fromkeys(filled, line)
                if problems:
                    self.spoiled.add(key)
        if problems:
            self._reject(line, problems)

    def finish(self, path: Path, ignored: list[str]) -> None:
        for key, group in self.groups.items():
            if key in self.spoiled:
                continue
            metric = group.metric
            missing = [i for i in metric.inputs if i.name not in group.inputs]
            if missing:
                need = ", ".join(f"{i.name} ({i.label})" for i in missing)
                reason = (
                    f"missing input: {metric.id} for {group.quarter} has no {need}, so it "
                    "cannot be computed"
                )
                if ignored:
                    reason += f" (unused columns: {', '.join(ignored)}; map one with --map)"
                self._reject(group.lines[0], [reason])
                continue
            try:
                result = compute(metric, group.inputs, str(path))
            except DataError as exc:
                self._reject(group.lines[0], [f"{metric.id} for {group.quarter}: {exc.message}"])
                continue
            if not math.isfinite(result.value) or abs(result.value) > MAX_VALUE:
                self._reject(
                    group.lines[0],
                    [f"{metric.id} for {group.quarter} comes out too large: check the divisor"],
                )
                continue
            self.complete.append(group)

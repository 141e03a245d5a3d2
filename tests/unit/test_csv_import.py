"""Reading metric actuals from CSV: both layouts, names and mappings, the awkward parts of
real exports, and a line and reason for every row that cannot be imported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from balancecoach.core.content import MetricCatalog
from balancecoach.core.errors import DataError
from balancecoach.storage.catalogs import load_content
from balancecoach.storage.csv_import import (
    RESERVED,
    CsvActuals,
    parse_number,
    parse_pairs,
    parse_quarter,
    ratio_inputs,
    read_csv_actuals,
)

CATALOG = load_content().metrics
TODAY = dt.date(2026, 11, 24)


def read(tmp_path: Path, text: str | bytes, name: str = "in.csv", **kw) -> CsvActuals:
    path = tmp_path / name
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8", newline="")
    else:
        path.write_bytes(text)
    kw.setdefault("today", TODAY)
    return read_csv_actuals(path, kw.pop("catalog", CATALOG), **kw)


def inputs(result: CsvActuals) -> dict[tuple[str, str], dict[str, float]]:
    return {(m.quarter, m.metric.id): m.inputs for m in result.metrics}


def reasons(result: CsvActuals) -> dict[int, str]:
    return {r.line: r.reason for r in result.rejected}


LONG = """quarter,metric,input,value
2026-Q3,case_acceptance,accepted,31
2026-Q3,case_acceptance,presented,50
2026-Q3,collection_rate,collections,"241,500"
2026-Q3,collection_rate,net_production,248000
"""


def test_long_layout(tmp_path: Path) -> None:
    result = read(tmp_path, LONG)
    assert result.ok and result.layout == "long" and result.rows == 4
    assert inputs(result) == {
        ("2026-Q3", "case_acceptance"): {"accepted": 31, "presented": 50},
        ("2026-Q3", "collection_rate"): {"collections": 241_500, "net_production": 248_000},
    }
    assert result.metrics[0].lines == [2, 3]
    assert result.quarters == ["2026-Q3"]


def test_wide_layout_with_input_columns_and_numerator_denominator(tmp_path: Path) -> None:
    text = (
        "quarter,metric,accepted,presented,numerator,denominator,promoters,passives,detractors\n"
        "2026-Q3,case_acceptance,31,50,,,,,\n"
        "2026-Q3,chair_utilisation,,,1200,1500,,,\n"
        "2026-Q2,nps,,,,,40,12,6\n"
    )
    result = read(tmp_path, text)
    assert result.ok, result.rejected
    assert result.layout == "wide"
    assert inputs(result) == {
        ("2026-Q3", "case_acceptance"): {"accepted": 31, "presented": 50},
        ("2026-Q3", "chair_utilisation"): {"hours_used": 1200, "hours_available": 1500},
        ("2026-Q2", "nps"): {"promoters": 40, "passives": 12, "detractors": 6},
    }
    assert result.quarters == ["2026-Q2", "2026-Q3"]


def test_value_column_for_a_single_input_metric(tmp_path: Path) -> None:
    data = CATALOG.model_dump()
    data["metric"].append(
        {
            **data["metric"][0],
            "id": "new_visits",
            "name": "New visits",
            "formula": "visits",
            "people_view": "{value} visits",
            "inputs": [{"name": "visits", "label": "Visits", "unit": "count"}],
        }
    )
    catalog = MetricCatalog.model_validate(data)
    result = read(tmp_path, "quarter,metric,value\n2026-Q3,new_visits,14\n", catalog=catalog)
    assert inputs(result) == {("2026-Q3", "new_visits"): {"visits": 14}}
    long = read(
        tmp_path, "quarter,metric,input,value\n2026-Q3,new_visits,value,9\n", catalog=catalog
    )
    assert inputs(long) == {("2026-Q3", "new_visits"): {"visits": 9}}
    bad = read(tmp_path, "quarter,metric,value\n2026-Q3,case_acceptance,14\n")
    assert "more than one input" in reasons(bad)[2]


def test_bom_crlf_semicolons_thousands_and_empty_lines(tmp_path: Path) -> None:
    raw = (
        "\ufeffQuarter;Metric;Input;Value\r\n"
        "\r\n"
        "2026-Q3;collection_rate;collections;1,241,500.50\r\n"
        ";;;\r\n"
        '2026-Q3;collection_rate;net_production;"$1,250,000"\r\n'
    ).encode()
    result = read(tmp_path, raw)
    assert result.ok and result.delimiter == ";" and result.rows == 2
    assert inputs(result)[("2026-Q3", "collection_rate")] == {
        "collections": 1_241_500.5,
        "net_production": 1_250_000,
    }
    assert result.metrics[0].lines == [3, 5]


def test_excel_sep_line_tabs_and_explicit_delimiter(tmp_path: Path) -> None:
    result = read(tmp_path, "sep=|\nquarter|metric|input|value\n2026-Q3|overhead|expenses|5\n")
    assert result.delimiter == "|"
    assert "missing input" in reasons(result)[3]
    tabbed = "quarter\tmetric\tinput\tvalue\n2026-Q3\toverhead\texpenses\t5\n"
    assert read(tmp_path, tabbed).delimiter == "\t"
    assert read(tmp_path, tabbed, delimiter="\t").delimiter == "\t"


def test_utf16_export(tmp_path: Path) -> None:
    result = read(tmp_path, LONG.encode("utf-16"))
    assert result.ok and len(result.metrics) == 2


def test_quoted_cell_spanning_lines_keeps_line_numbers(tmp_path: Path) -> None:
    text = (
        "quarter,metric,input,value,note\n"
        '2026-Q3,overhead,expenses,5,"two\nlines"\n'
        "2026-Q3,overhead,collections,x,\n"
    )
    result = read(tmp_path, text)
    assert list(reasons(result)) == [4]


def test_mapped_columns_metric_names_and_input_names(tmp_path: Path) -> None:
    text = (
        "Period,KPI,Field,Amount,Location\n"
        "Q3 2026,Case Acceptance %,Plans Presented,50,North\n"
        "Q3 2026,Case Acceptance %,treatment plans accepted,31,North\n"
    )
    result = read(
        tmp_path,
        text,
        columns=parse_pairs(["quarter=Period,metric=KPI", "input=Field, value=Amount"], "--map"),
        metric_names=parse_pairs(["Case Acceptance %=case_acceptance"], "--map-metric"),
        input_names=parse_pairs(["Plans Presented=presented"], "--map-input"),
    )
    assert result.ok, result.rejected
    assert inputs(result) == {("2026-Q3", "case_acceptance"): {"accepted": 31, "presented": 50}}
    assert result.ignored_columns == ["Location"]


def test_metric_by_name_and_input_columns_mapped_in_wide_layout(tmp_path: Path) -> None:
    text = "quarter,metric,Plans accepted,Plans presented\n2026-Q3,Case acceptance,31,50\n"
    result = read(
        tmp_path, text, columns={"accepted": "Plans accepted", "presented": "plans presented"}
    )
    assert inputs(result) == {("2026-Q3", "case_acceptance"): {"accepted": 31, "presented": 50}}


def test_quarter_option(tmp_path: Path) -> None:
    text = "metric,input,value\ncase_acceptance,accepted,31\ncase_acceptance,presented,50\n"
    assert inputs(read(tmp_path, text, quarter="2026-Q3")) == {
        ("2026-Q3", "case_acceptance"): {"accepted": 31, "presented": 50}
    }
    mixed = (
        "quarter,metric,input,value\n"
        ",case_acceptance,accepted,31\n"
        "2026-Q2,case_acceptance,presented,50\n"
    )
    result = read(tmp_path, mixed, quarter="2026-Q3")
    assert reasons(result)[3] == "bad quarter: the row is for 2026-Q2, not 2026-Q3"


def test_every_rejected_row_has_its_line_and_reason(tmp_path: Path) -> None:
    text = (
        "quarter,metric,input,value\n"  # 1
        "2026-Q3,case_acceptence,accepted,31\n"  # 2 unknown metric
        "2026-Q3,case_acceptance,acepted,31\n"  # 3 unknown input
        "2026-Q3,overhead,expenses,lots\n"  # 4 not a number
        "2026-Q3,overhead,collections,-5\n"  # 5 negative
        "2026-Q5,referral_share,referred,3\n"  # 6 bad quarter
        "2026-Q3,chair_utilisation,hours_used,10\n"  # 7
        "2026-Q3,chair_utilisation,hours_used,11\n"  # 8 duplicate
        "2026-Q3,pre_appointment,booked,40\n"  # 9 missing input (hygiene_visits)
        "2026-Q3,new_patients,new_patients,2.5\n"  # 10 not a whole number
        "2026-Q3,collection_rate,collections,62%\n"  # 11 percentage
        "2027-Q1,nps,promoters,1\n"  # 12 quarter not started
        "2026-Q3,hygiene_share,hygiene_production,1,extra\n"  # 13 too many cells
        "2026-Q3,hygiene_share,total_production,0\n"  # 14
        "2026-Q3,,accepted,1\n"  # 15 no metric
        "2026-Q3,nps,numerator,1\n"  # 16 numerator for a metric that is no ratio
        "26-Q3,patient_retention,returned,1\n"  # 17 quarter written wrong
    )
    result = read(tmp_path, text)
    assert not result.ok
    found = reasons(result)
    assert found[2].startswith("unknown metric 'case_acceptence'")
    assert "--map-metric" in found[2]
    assert found[3].startswith("unknown input 'acepted' for case_acceptance")
    assert "accepted, presented" in found[3]
    assert found[4] == "expenses: 'lots' is not a number"
    assert found[5] == "collections cannot be negative (got -5)"
    assert found[6] == "bad quarter: a year has quarters 1 to 4, got Q5"
    assert found[8] == "duplicate: chair_utilisation hours_used for 2026-Q3 is already on line 7"
    assert found[9].startswith("missing input: pre_appointment for 2026-Q3 has no hygiene_visits")
    assert "cannot be computed" in found[9]
    assert "whole number" in found[10]
    assert "percentage" in found[11]
    assert found[12] == "bad quarter: 2027-Q1 has not started yet"
    assert found[13].startswith("has 5 cells but the header names 4 columns")
    assert found[15] == "no metric named"
    assert "not one number divided by another" in found[16]
    assert "write it like 2026-Q3" in found[17]
    # line 14 is fine on its own; hygiene_share is spoiled by line 13 and not judged twice
    assert 14 not in found and 7 not in found
    assert all(r.describe("in.csv").startswith(f"in.csv:{r.line}: ") for r in result.rejected)


def test_zero_divisor_is_rejected_at_the_metric_first_line(tmp_path: Path) -> None:
    text = (
        "quarter,metric,input,value\n"
        "2026-Q3,case_acceptance,accepted,0\n"
        "2026-Q3,case_acceptance,presented,0\n"
    )
    found = reasons(read(tmp_path, text))
    assert list(found) == [2]
    assert "divisor" in found[2] and "is 0" in found[2]


def test_duplicate_rows_in_wide_layout(tmp_path: Path) -> None:
    text = (
        "quarter,metric,accepted,presented,numerator\n"
        "2026-Q3,case_acceptance,1,2,\n"
        "2026-Q3,case_acceptance,3,4,\n"
        "2026-Q2,case_acceptance,1,2,5\n"
        "2026-Q2,overhead,1,,\n"
    )
    found = reasons(read(tmp_path, text))
    assert found[3] == "duplicate: case_acceptance for 2026-Q3 is already on line 2"
    assert found[4] == "duplicate: accepted is given twice (in accepted and numerator)"
    assert found[5].startswith("unknown input: accepted is not an input of overhead")


def test_missing_input_names_unused_columns(tmp_path: Path) -> None:
    text = "quarter,metric,accepted,Presentd\n2026-Q3,case_acceptance,31,50\n"
    found = reasons(read(tmp_path, text))
    assert "no presented" in found[2] and "unused columns: Presentd" in found[2]


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "is empty", None),
        ("\n\n  \n", "is empty", None),
        ("quarter,input,value\n2026-Q3,accepted,1\n", "has no metric column", 1),
        ("metric,input,value\ncase_acceptance,accepted,1\n", "has no quarter column", 1),
        ("quarter,metric,input\n2026-Q3,overhead,expenses\n", "no value column", 1),
        ("quarter,metric,note\n2026-Q3,overhead,x\n", "has no column for any metric input", 1),
        ("quarter,metric,input,value\n", "has a header but no rows", 1),
        ("\nquarter,metric,value,Value,input\n", "appears 2 times", 2),
    ],
)
def test_whole_file_problems(tmp_path: Path, text: str, message: str, line: int | None) -> None:
    with pytest.raises(DataError) as caught:
        read(tmp_path, text)
    assert message in caught.value.message
    assert caught.value.line == line
    assert str(tmp_path / "in.csv") in str(caught.value)


def test_not_text(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="spreadsheet workbook"):
        read(tmp_path, b"PK\x03\x04rest")
    with pytest.raises(DataError) as caught:
        read(tmp_path, b"quarter,metric\n2026-Q3,\xff\n")
    assert caught.value.line == 2 and "UTF-8" in caught.value.message
    with pytest.raises(DataError, match="NUL"):
        read(tmp_path, b"quarter,metric\x00\n")
    with pytest.raises(DataError, match="not found"):
        read_csv_actuals(tmp_path / "missing.csv", CATALOG)


def test_map_problems(tmp_path: Path) -> None:
    with pytest.raises(DataError) as caught:
        read(tmp_path, LONG, columns={"metric": "KPI"})
    assert "has no column 'KPI'" in caught.value.message
    assert "quarter, metric, input, value" in (caught.value.hint or "")
    with pytest.raises(DataError) as caught:
        read(tmp_path, LONG, columns={"colour": "metric"})
    assert str(caught.value).startswith("--map: colour: ")
    with pytest.raises(DataError, match="not a metric in the catalog"):
        read(tmp_path, LONG, metric_names={"KPI": "nonsense"})
    with pytest.raises(DataError, match="not an input of any metric"):
        read(tmp_path, LONG, input_names={"x": "nonsense"})
    with pytest.raises(DataError) as caught:
        parse_pairs(["quarter=Period,metric"], "--map")
    assert "NAME=VALUE" in str(caught.value) and "'metric'" in str(caught.value)
    with pytest.raises(DataError, match="given twice"):
        parse_pairs(["a=B", "A=C"], "--map")
    with pytest.raises(DataError, match="quarter"):
        read(tmp_path, LONG, quarter="2026-Q7")


@pytest.mark.parametrize(
    ("cell", "value"),
    [
        ("31", 31),
        (" 1,250 ", 1250),
        ("1,250,000.75", 1_250_000.75),
        ("$248,000.00", 248_000),
        ("€12", 12),
        (".5", 0.5),
        ("-3", -3),
        ("\u22123", -3),
        ("(1,200)", -1200),
        ("+7", 7),
    ],
)
def test_numbers(cell: str, value: float) -> None:
    assert parse_number(cell) == value


@pytest.mark.parametrize(
    "cell", ["", "abc", "1,25", "1.2.3", "12,34,567", "1e5", "62%", "$", "--1"]
)
def test_not_numbers(cell: str) -> None:
    with pytest.raises(ValueError):
        parse_number(cell)


@pytest.mark.parametrize("text", ["2026-Q3", "2026Q3", "2026 q3", "Q3 2026", "q3-2026", "Q3/2026"])
def test_quarter_forms(text: str) -> None:
    assert parse_quarter(text) == "2026-Q3"


@pytest.mark.parametrize("text", ["2026-Q0", "2026-Q5", "26-Q3", "2026-3", "third quarter"])
def test_bad_quarters(text: str) -> None:
    with pytest.raises(ValueError):
        parse_quarter(text)


def test_catalog_inputs_never_clash_with_column_names() -> None:
    """The wide layout relies on this: no input is called quarter, metric, value…"""
    names = {i.name for m in CATALOG.metric for i in m.inputs}
    assert not names & set(RESERVED)


def test_ratio_inputs() -> None:
    by_id = CATALOG.by_id
    assert ratio_inputs(by_id["case_acceptance"]) == ("accepted", "presented")
    assert ratio_inputs(by_id["production_per_hour"]) == ("production", "clinical_hours")
    assert ratio_inputs(by_id["nps"]) is None
    assert ratio_inputs(by_id["new_patients"]) is None
    assert ratio_inputs(by_id["unscheduled_treatment"]) is None

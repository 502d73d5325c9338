"""The one writer of the site's CSV lines: a text cell a spreadsheet would run as a formula gets a leading
quote and double quotes (OWASP), by the column's type; numbers, dates and booleans are never touched."""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal

import pytest

from suanli.render.csv_table import Column, rows_csv

TEXT, NUMBER = Column("text", "string"), Column("number", "number")


def cells(line: str) -> list[str]:
    return next(csv.reader(io.StringIO(line)))


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_a_text_cell_opening_like_a_formula_is_guarded_and_quoted(start):
    text = start + 'HYPERLINK("http://evil.example","点击")'
    line = rows_csv((TEXT,), [(text,)]).split("\n", 1)[1]
    assert line.startswith("\"'")  # OWASP: in double quotes, after a single quote
    assert cells(line) == ["'" + text]


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("'=x", "''=x"),  # quotes before a formula start are guarded too: taking one quote off undoes it exactly
        ("''-1", "'''-1"),
        ("'quoted", "'quoted"),  # no formula start after the quotes: as it is
        ("英伟达 =x", "英伟达 =x"),
    ],
)
def test_only_a_formula_start_after_leading_quotes_is_guarded(text, written):
    assert cells(rows_csv((TEXT,), [(text,)]).split("\n", 1)[1]) == [written]


def test_numbers_and_other_types_are_never_guarded():
    columns = (NUMBER, Column("int", "integer"), Column("day", "date"), Column("flag", "boolean"))
    text = rows_csv(columns, [(Decimal("-5.17"), -3, "2024-12-11", False), ("-0.5000", "-7", "2024-12-11", "true")])
    assert text == "number,int,day,flag\n-5.17,-3,2024-12-11,false\n-0.5000,-7,2024-12-11,true\n"


@pytest.mark.parametrize("value", ["=1+1", "'-5.17", "5.17%", "abc"])
def test_text_handed_to_a_number_column_is_an_error_not_written(value):
    with pytest.raises(ValueError, match=re.escape(repr(value))):
        rows_csv((NUMBER,), [(value,)])


def test_an_empty_cell_is_no_value_in_any_column():
    assert rows_csv((NUMBER, TEXT), [("", "")]) == "number,text\n,\n"
